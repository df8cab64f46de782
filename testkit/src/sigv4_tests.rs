//! The verifier against AWS's own published examples (not against the aws-sigv4 crate), then
//! against a request signed by botocore, then the refusals.

use super::*;

const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

fn headers(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
        .collect()
}

/// AWS General Reference, "Examples of how to derive a signing key for Signature Version 4":
/// secret `wJalr…EXAMPLEKEY`, 20120215, us-east-1, iam.
#[test]
fn derives_the_documented_signing_key() {
    let key = signing_key(SECRET, "20120215", "us-east-1", "iam");
    assert_eq!(
        hex(&key),
        "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d"
    );
}

/// AWS General Reference, "Signed Signature Version 4 requests examples": the POST to IAM
/// (ListUsers, form-encoded body) of 2011-09-09, signature `ced6826d…`.
#[test]
fn signs_the_documented_post_request() {
    let list = headers(&[
        ("host", "iam.amazonaws.com"),
        (
            "Content-type",
            "application/x-www-form-urlencoded; charset=utf-8",
        ),
        ("x-amz-date", "20110909T233600Z"),
    ]);
    let request = SignedRequest {
        method: "POST",
        target: "/",
        headers: &list,
        body: b"Action=ListUsers&Version=2010-05-08",
    };
    let got = signature(
        &request,
        &["content-type", "host", "x-amz-date"],
        "20110909T233600Z",
        &["20110909", "us-east-1", "iam", "aws4_request"],
        SECRET,
    );
    assert_eq!(
        got,
        "ced6826de92d2bdeed8f846f0bf508e8559e98e4b0199114b84c54174deb456c"
    );
}

/// The AWS SigV4 test suite's `get-vanilla-query-order-key-case`: query parameters sorted.
#[test]
fn sorts_the_query_as_the_test_suite() {
    let list = headers(&[
        ("Host", "example.amazonaws.com"),
        ("X-Amz-Date", "20150830T123600Z"),
    ]);
    let request = SignedRequest {
        method: "GET",
        target: "/?Param2=value2&Param1=value1",
        headers: &list,
        body: b"",
    };
    let got = signature(
        &request,
        &["host", "x-amz-date"],
        "20150830T123600Z",
        &["20150830", "us-east-1", "service", "aws4_request"],
        SECRET,
    );
    assert_eq!(
        got,
        "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500"
    );
}

const NOW: u64 = 1_700_000_000; // 20231114T221320Z
const BOTOCORE_AUTHORIZATION: &str = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20231114/us-east-1/cognito-idp/aws4_request, \
     SignedHeaders=content-type;host;x-amz-date;x-amz-security-token;x-amz-target, \
     Signature=0ff5ff53c50b2bc2c2516a9ae9b91132c75ebc98dddc96883c8baa59b4789e72";

/// ListUsers signed by botocore 1.43.11 with a session token at [`NOW`] (the vector of the
/// library's src/wire/sigv4.rs), with `authorization` in place of botocore's header.
fn botocore_request(authorization: Option<&str>, date: &str) -> Vec<(String, String)> {
    let mut list = headers(&[
        ("Host", "cognito-idp.us-east-1.amazonaws.com"),
        ("Content-Type", "application/x-amz-json-1.1"),
        (
            "X-Amz-Target",
            "AWSCognitoIdentityProviderService.ListUsers",
        ),
        ("X-Amz-Date", date),
        ("X-Amz-Security-Token", "token-1"),
    ]);
    if let Some(value) = authorization {
        list.push(("Authorization".to_owned(), value.to_owned()));
    }
    list
}

const BODY: &[u8] = br#"{"UserPoolId":"us-east-1_AbC123"}"#;

fn check(list: &[(String, String)], body: &[u8], now: u64) -> ApiResult<()> {
    let request = SignedRequest {
        method: "POST",
        target: "/",
        headers: list,
        body,
    };
    let mut credentials = AdminCredentials::new("AKIDEXAMPLE", SECRET);
    credentials.session_token = Some("token-1".to_owned());
    verify(&request, &[credentials], "us-east-1", now)
}

fn kind(result: ApiResult<()>) -> (&'static str, String) {
    match result {
        Ok(()) => ("accepted", String::new()),
        Err(e) => (e.kind, e.message),
    }
}

#[test]
fn accepts_botocore_and_refuses_what_the_service_refuses() {
    let good = botocore_request(Some(BOTOCORE_AUTHORIZATION), "20231114T221320Z");
    assert_eq!(check(&good, BODY, NOW), Ok(()));
    // Within five minutes either way.
    assert_eq!(check(&good, BODY, NOW + 300), Ok(()));
    assert_eq!(check(&good, BODY, NOW - 300), Ok(()));

    // A changed body, a changed signed header, another secret.
    let (k, m) = kind(check(&good, br#"{"UserPoolId":"us-east-1_AbC124"}"#, NOW));
    assert_eq!(k, "InvalidSignatureException");
    assert!(
        m.starts_with("The request signature we calculated does not match"),
        "{m}"
    );
    let mut other_target = good.clone();
    if let Some(h) = other_target.iter_mut().find(|(n, _)| n == "X-Amz-Target") {
        h.1 = "AWSCognitoIdentityProviderService.AdminDeleteUser".to_owned();
    }
    assert_eq!(
        kind(check(&other_target, BODY, NOW)).0,
        "InvalidSignatureException"
    );
    let request = SignedRequest {
        method: "POST",
        target: "/",
        headers: &good,
        body: BODY,
    };
    let mut wrong = AdminCredentials::new("AKIDEXAMPLE", "not-the-secret");
    wrong.session_token = Some("token-1".to_owned());
    assert_eq!(
        verify(&request, &[wrong], "us-east-1", NOW).map_err(|e| e.kind),
        Err("InvalidSignatureException")
    );

    // Stale and early.
    let (k, m) = kind(check(&good, BODY, NOW + 301));
    assert_eq!(k, "InvalidSignatureException");
    assert_eq!(
        m,
        "Signature expired: 20231114T221320Z is now earlier than 20231114T221321Z (20231114T221821Z - 5 min.)"
    );
    // Clocks at the ends of the range: refused, no overflow.
    assert!(
        kind(check(&good, BODY, u64::MAX))
            .1
            .starts_with("Signature expired")
    );
    assert!(
        kind(check(&good, BODY, 0))
            .1
            .starts_with("Signature not yet current")
    );
    let (k, m) = kind(check(&good, BODY, NOW - 301));
    assert_eq!(k, "InvalidSignatureException");
    assert!(
        m.starts_with("Signature not yet current: 20231114T221320Z"),
        "{m}"
    );

    // No Authorization at all; an unknown key; a missing or wrong session token.
    let unsigned = botocore_request(None, "20231114T221320Z");
    assert_eq!(
        kind(check(&unsigned, BODY, NOW)),
        (
            "MissingAuthenticationTokenException",
            "Request is missing Authentication Token".to_owned()
        )
    );
    let unknown = BOTOCORE_AUTHORIZATION.replace("AKIDEXAMPLE", "AKIDUNKNOWN");
    assert_eq!(
        kind(check(
            &botocore_request(Some(&unknown), "20231114T221320Z"),
            BODY,
            NOW
        )),
        (
            "UnrecognizedClientException",
            "The security token included in the request is invalid.".to_owned()
        )
    );
    let no_token: Vec<_> = good
        .iter()
        .filter(|(n, _)| n != "X-Amz-Security-Token")
        .cloned()
        .collect();
    assert_eq!(
        kind(check(&no_token, BODY, NOW)).0,
        "UnrecognizedClientException"
    );

    // Scope: another region, another service; a malformed header.
    let region = BOTOCORE_AUTHORIZATION.replace("us-east-1", "eu-west-1");
    let (k, m) = kind(check(
        &botocore_request(Some(&region), "20231114T221320Z"),
        BODY,
        NOW,
    ));
    assert_eq!(k, "InvalidSignatureException");
    assert!(
        m.starts_with("Credential should be scoped to a valid region"),
        "{m}"
    );
    let service = BOTOCORE_AUTHORIZATION.replace("cognito-idp/", "iam/");
    let (_, m) = kind(check(
        &botocore_request(Some(&service), "20231114T221320Z"),
        BODY,
        NOW,
    ));
    assert!(
        m.starts_with("Credential should be scoped to correct service"),
        "{m}"
    );
    let date = botocore_request(Some(BOTOCORE_AUTHORIZATION), "20231115T000000Z");
    let (_, m) = kind(check(&date, BODY, NOW));
    assert!(
        m.starts_with("Date in Credential scope does not match"),
        "{m}"
    );
    for bad in [
        "AWS4-HMAC-SHA512 Credential=AKIDEXAMPLE/20231114/us-east-1/cognito-idp/aws4_request",
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20231114/us-east-1/cognito-idp/aws4_request",
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE, SignedHeaders=host, Signature=00",
        "AWS4-HMAC-SHA256 garbage",
        "",
    ] {
        let list = botocore_request(Some(bad), "20231114T221320Z");
        assert_eq!(
            kind(check(&list, BODY, NOW)).0,
            "IncompleteSignatureException",
            "{bad}"
        );
    }
    let bad_date = botocore_request(Some(BOTOCORE_AUTHORIZATION), "2023-11-14T22:13:20Z");
    assert_eq!(
        kind(check(&bad_date, BODY, NOW)).0,
        "IncompleteSignatureException"
    );
    // `host` must be signed.
    let hostless = BOTOCORE_AUTHORIZATION.replace("content-type;host;", "content-type;");
    let (_, m) = kind(check(
        &botocore_request(Some(&hostless), "20231114T221320Z"),
        BODY,
        NOW,
    ));
    assert!(m.contains("'host' must be a 'SignedHeader'"), "{m}");
}

#[test]
fn dates_round_trip() {
    assert_eq!(parse_amz_date("20231114T221320Z"), Some(NOW));
    assert_eq!(format_amz_date(NOW), "20231114T221320Z");
    assert_eq!(format_amz_date(951_782_400), "20000229T000000Z");
    assert_eq!(parse_amz_date("20000229T000000Z"), Some(951_782_400));
    for bad in [
        "20231314T221320Z",
        "20231114T251320Z",
        "20231114 221320Z",
        "2023111T221320Z",
    ] {
        assert_eq!(parse_amz_date(bad), None, "{bad}");
    }
}

#[test]
fn canonical_uri_and_query() {
    assert_eq!(canonical_uri(""), "/");
    assert_eq!(canonical_uri("/"), "/");
    assert_eq!(canonical_uri("/a/./b/../c//d/"), "/a/c/d/");
    assert_eq!(canonical_uri("/a%20b"), "/a%2520b");
    assert_eq!(canonical_query("b=2&a=1&a=0&c"), "a=0&a=1&b=2&c=");
    assert_eq!(canonical_query("k=%7e%41+x%"), "k=~A%2Bx%25");
}

#[test]
fn debug_hides_the_secret() {
    let mut credentials = AdminCredentials::new("AKIDEXAMPLE", SECRET);
    credentials.session_token = Some("token-1".to_owned());
    let shown = format!("{credentials:?}");
    assert!(
        shown.contains("AKIDEXAMPLE") && !shown.contains("wJalr") && !shown.contains("token-1")
    );
}
