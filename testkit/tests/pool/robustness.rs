//! Garbage in, the service's error shapes out, never a panic.

use cognito_auth_testkit::RngCore;
use serde_json::json;

use crate::support::*;

#[test]
fn malformed_requests_get_error_shapes() {
    let mut h = Harness::new(base_config());
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("InitiateAuth", b"{".to_vec(), "SerializationException"),
        ("InitiateAuth", b"[]".to_vec(), "SerializationException"),
        ("InitiateAuth", b"\xff\xfe".to_vec(), "SerializationException"),
        ("InitiateAuth", br#"{"ClientId": 5}"#.to_vec(), "SerializationException"),
        ("InitiateAuth", br#"{"ClientId": null, "AuthFlow": "USER_SRP_AUTH"}"#.to_vec(), "InvalidParameterException"),
        ("InitiateAuth", json!({"ClientId": PUBLIC_CLIENT, "AuthFlow": "USER_SRP_AUTH", "AuthParameters": {"USERNAME": 1}}).to_string().into_bytes(), "SerializationException"),
        ("InitiateAuth", json!({"ClientId": PUBLIC_CLIENT, "AuthFlow": "USER_SRP_AUTH", "AuthParameters": {"USERNAME": "alice", "SRP_A": "zz"}}).to_string().into_bytes(), "InvalidParameterException"),
        ("InitiateAuth", json!({"ClientId": PUBLIC_CLIENT, "AuthFlow": "USER_SRP_AUTH", "AuthParameters": {"USERNAME": "alice", "SRP_A": "0"}}).to_string().into_bytes(), "InvalidParameterException"),
        ("InitiateAuth", json!({"ClientId": PUBLIC_CLIENT, "AuthFlow": "NOPE"}).to_string().into_bytes(), "InvalidParameterException"),
        ("InitiateAuth", json!({"ClientId": "nobody", "AuthFlow": "USER_SRP_AUTH"}).to_string().into_bytes(), "ResourceNotFoundException"),
        ("InitiateAuth", json!({"ClientId": PUBLIC_CLIENT, "AuthFlow": "USER_SRP_AUTH", "AuthParameters": {"USERNAME": "ghost", "SRP_A": "abc"}}).to_string().into_bytes(), "UserNotFoundException"),
        ("RespondToAuthChallenge", json!({"ClientId": PUBLIC_CLIENT, "ChallengeName": "PASSWORD_VERIFIER", "Session": "x".repeat(40)}).to_string().into_bytes(), "NotAuthorizedException"),
        ("RespondToAuthChallenge", json!({"ClientId": PUBLIC_CLIENT, "ChallengeName": "PASSWORD_VERIFIER"}).to_string().into_bytes(), "InvalidParameterException"),
        ("GetUser", json!({"AccessToken": "a.b.c"}).to_string().into_bytes(), "NotAuthorizedException"),
        ("GetUser", json!({"AccessToken": ["x"]}).to_string().into_bytes(), "SerializationException"),
        ("ConfirmDevice", json!({"AccessToken": "x", "DeviceKey": "k", "DeviceSecretVerifierConfig": 3}).to_string().into_bytes(), "SerializationException"),
        ("SignUp", json!({"ClientId": PUBLIC_CLIENT, "Username": "z", "Password": "short"}).to_string().into_bytes(), "InvalidPasswordException"),
        ("SignUp", json!({"ClientId": PUBLIC_CLIENT, "Username": "alice", "Password": PASSWORD}).to_string().into_bytes(), "UsernameExistsException"),
        ("SignUp", json!({"ClientId": PUBLIC_CLIENT, "Username": "z", "Password": PASSWORD, "UserAttributes": {"a": 1}}).to_string().into_bytes(), "SerializationException"),
        ("ListDevices", json!({"AccessToken": "x", "Limit": "many"}).to_string().into_bytes(), "SerializationException"),
        ("AdminDisableUser", b"{}".to_vec(), "UnknownOperationException"),
    ];
    for (op, body, expected) in cases {
        let r = h.pool.handle(
            &format!("AWSCognitoIdentityProviderService.{op}"),
            &body,
            h.now,
            &mut h.rng,
        );
        assert_eq!(r.status, 400, "{op} {}", String::from_utf8_lossy(&body));
        assert_eq!(
            r.error_type().as_deref(),
            Some(expected),
            "{op} {}: {}",
            String::from_utf8_lossy(&body),
            String::from_utf8_lossy(&r.body)
        );
        assert!(
            r.headers
                .iter()
                .any(|(n, v)| n == "x-amzn-ErrorType" && v == expected)
        );
    }
    // A served admin operation without headers (so without a SigV4 signature).
    let r = h.pool.handle(
        "AWSCognitoIdentityProviderService.AdminGetUser",
        b"{}",
        h.now,
        &mut h.rng,
    );
    assert_eq!(
        (r.status, r.error_type().as_deref()),
        (403, Some("MissingAuthenticationTokenException"))
    );
    let r = h.pool.handle("SomethingElse", b"{}", h.now, &mut h.rng);
    assert_eq!(r.error_type().as_deref(), Some("UnknownOperationException"));
}

#[test]
fn random_bodies_never_panic() {
    let mut h = Harness::new(base_config());
    let ops = [
        "InitiateAuth",
        "RespondToAuthChallenge",
        "SignUp",
        "ConfirmSignUp",
        "GetUser",
        "ConfirmDevice",
        "AssociateSoftwareToken",
        "VerifySoftwareToken",
        "GetTokensFromRefreshToken",
        "RevokeToken",
        "UpdateUserAttributes",
        "SetUserMFAPreference",
        "ListDevices",
    ];
    let fragments = [
        "{",
        "}",
        "\"ClientId\":",
        "\"publicclient0001\"",
        ",",
        "\"AuthFlow\":",
        "\"USER_SRP_AUTH\"",
        "\"AuthParameters\":",
        "{\"USERNAME\":\"alice\",\"SRP_A\":\"ff\"}",
        "null",
        "1e999",
        "[",
        "]",
        "\"Session\":",
        "\"AccessToken\":",
        "\"x\"",
        "true",
        "\"UserAttributes\":",
        "[{\"Name\":1}]",
        "\"Limit\":",
        "-1",
    ];
    let mut rng = cognito_auth_testkit::SeededRng::new(42);
    for i in 0..600 {
        let n = 1 + (rng.next_u32() % 12) as usize;
        let body: String = (0..n)
            .map(|_| fragments[(rng.next_u32() as usize) % fragments.len()])
            .collect();
        let op = ops[i % ops.len()];
        let r = h.pool.handle(
            &format!("AWSCognitoIdentityProviderService.{op}"),
            body.as_bytes(),
            h.now,
            &mut h.rng,
        );
        assert!(r.status == 200 || r.error_type().is_some(), "{op} {body}");
    }
}
