//! Managed login (`cognito_auth::oauth`): the authorize URL, the redirect, the token, refresh,
//! revoke, logout and user-info requests byte for byte, and the OAuth error replies.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::collections::BTreeMap;
use std::sync::Arc;

use base64::Engine as _;
use cognito_auth::oauth::{
    Domain, Endpoint, ErrorCode, ManagedLogin, OAuthError, PendingLogin, code_challenge,
};
use cognito_auth::{HttpResponse, PoolConfig, RandomError, SecretString, SecureRandom, UnixTime};

/// Fills with a counter, so every drawn value is known and distinct.
struct Counter(std::sync::Mutex<u8>);

impl SecureRandom for Counter {
    fn fill(&self, buf: &mut [u8]) -> Result<(), RandomError> {
        let mut next = self.0.lock().map_err(|_| RandomError)?;
        for b in buf {
            *b = *next;
            *next = next.wrapping_add(1);
        }
        Ok(())
    }
}

struct Broken;

impl SecureRandom for Broken {
    fn fill(&self, _: &mut [u8]) -> Result<(), RandomError> {
        Err(RandomError)
    }
}

const DOMAIN: &str = "https://myapp.auth.us-east-1.amazoncognito.com";

fn config() -> PoolConfig {
    PoolConfig::new("us-east-1_AbC123", "client1")
        .unwrap()
        .with_random(Arc::new(Counter(std::sync::Mutex::new(0))))
}

fn login(config: &PoolConfig) -> ManagedLogin {
    ManagedLogin::new(
        config,
        Domain::prefix("myapp", "us-east-1").unwrap(),
        "myapp://callback/path?x=1",
    )
}

/// The query of `url`, decoded, in order.
fn query(url: &str) -> Vec<(String, String)> {
    let query = url.split_once('?').map_or("", |(_, q)| q);
    query
        .split('&')
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap();
            (decode(name), decode(value))
        })
        .collect()
}

fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => {
                out.push(u8::from_str_radix(&s[i + 1..i + 3], 16).unwrap());
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out).unwrap()
}

fn b64url(bytes: &[u8]) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

#[test]
fn pkce_s256_matches_rfc7636_appendix_b() {
    assert_eq!(
        code_challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
        "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
    );
}

#[test]
fn the_authorize_url_carries_every_parameter_encoded() {
    let config = config();
    let pending = login(&config)
        .authorize()
        .scopes(["openid", "email", "aws.cognito.signin.user.admin"])
        .identity_provider("Google")
        .idp_identifier("example.com")
        .lang("fr")
        .login_hint("jo+doe@example.com")
        .build()
        .unwrap();
    let url = pending.authorize_url();
    assert!(
        url.starts_with(&format!("{DOMAIN}/oauth2/authorize?")),
        "{url}"
    );
    // Reserved characters are percent-encoded, spaces as %20 in the query.
    assert!(
        url.contains("scope=openid%20email%20aws.cognito.signin.user.admin"),
        "{url}"
    );
    assert!(
        url.contains("redirect_uri=myapp%3A%2F%2Fcallback%2Fpath%3Fx%3D1"),
        "{url}"
    );
    assert!(url.contains("login_hint=jo%2Bdoe%40example.com"), "{url}");

    // The random values in the order drawn: verifier, state, nonce (32 bytes each).
    let bytes: Vec<u8> = (0..96).collect();
    let (verifier, state, nonce) = (
        b64url(&bytes[..32]),
        b64url(&bytes[32..64]),
        b64url(&bytes[64..]),
    );
    assert_eq!(verifier.len(), 43);
    assert_eq!(pending.code_verifier(), verifier);
    let expected: Vec<(String, String)> = [
        ("response_type", "code"),
        ("client_id", "client1"),
        ("redirect_uri", "myapp://callback/path?x=1"),
        ("scope", "openid email aws.cognito.signin.user.admin"),
        ("state", state.as_str()),
        ("code_challenge_method", "S256"),
        ("code_challenge", code_challenge(&verifier).as_str()),
        ("nonce", nonce.as_str()),
        ("identity_provider", "Google"),
        ("idp_identifier", "example.com"),
        ("lang", "fr"),
        ("login_hint", "jo+doe@example.com"),
    ]
    .iter()
    .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
    .collect();
    assert_eq!(query(url), expected);
    assert_eq!(pending.state(), state);
    assert_eq!(pending.nonce(), nonce);
    // No secret in Debug; the verifier is not in the URL.
    let debug = format!("{pending:?}");
    assert!(!debug.contains(&verifier) && !debug.contains(&state) && !debug.contains(&nonce));
    assert!(!url.contains(&verifier));

    // The default scope is openid; a second login draws new values.
    let again = login(&config).authorize().build().unwrap();
    assert!(again.authorize_url().contains("&scope=openid&"));
    assert_ne!(again.state(), pending.state());
}

#[test]
fn the_pending_login_survives_serde() {
    let config = config();
    let login = login(&config);
    let pending = login.authorize().build().unwrap();
    let stored = serde_json::to_string(&pending).unwrap();
    let back: PendingLogin = serde_json::from_str(&stored).unwrap();
    assert_eq!(back, pending);
    let callback = format!("myapp://callback/path?x=1&code=abc&state={}", back.state());
    // The redirect URI's own `x=1` is one more parameter; code and state are read.
    assert_eq!(back.callback(&callback).unwrap().expose(), "abc");
}

#[test]
fn bad_redirects_are_typed_errors() {
    let config = config();
    let pending = login(&config).authorize().build().unwrap();
    let state = pending.state().to_owned();

    // A forged or crossed redirect: another state.
    let wrong = format!("myapp://callback?code=abc&state={}x", state);
    assert_eq!(pending.callback(&wrong), Err(OAuthError::StateMismatch));
    assert_eq!(
        pending.callback("myapp://callback?code=abc&state="),
        Err(OAuthError::StateMismatch)
    );
    // An error redirect with a wrong state is a state mismatch too: nothing in it is trusted.
    let forged_error = "myapp://callback?error=access_denied&state=nope";
    assert_eq!(
        pending.callback(forged_error),
        Err(OAuthError::StateMismatch)
    );

    // An error redirect.
    let denied = format!(
        "myapp://callback?error=access_denied&error_description=User+cancelled%21&state={state}"
    );
    match pending.callback(&denied) {
        Err(OAuthError::Server(e)) => {
            assert_eq!(e.code, ErrorCode::AccessDenied);
            assert_eq!(e.description.as_deref(), Some("User cancelled!"));
            assert_eq!(e.status, None);
        }
        other => panic!("{other:?}"),
    }
    // Cognito may send an error without state.
    let err = pending
        .callback("myapp://callback?error=invalid_request")
        .unwrap_err();
    assert!(err.is(&ErrorCode::InvalidRequest), "{err:?}");

    // Missing code, missing state, repeated or badly encoded parameters.
    let no_code = format!("myapp://callback?state={state}");
    assert_eq!(pending.callback(&no_code), Err(OAuthError::MissingCode));
    assert_eq!(
        pending.callback("myapp://callback?code=abc"),
        Err(OAuthError::MissingState)
    );
    let twice = format!("myapp://callback?code=a&state={state}&code=b");
    assert!(matches!(
        pending.callback(&twice),
        Err(OAuthError::MalformedRedirect(_))
    ));
    let bad = format!("myapp://callback?code=%G1&state={state}");
    assert!(matches!(
        pending.callback(&bad),
        Err(OAuthError::MalformedRedirect(_))
    ));
}

fn form(body: &[u8]) -> BTreeMap<String, String> {
    query(&format!("?{}", std::str::from_utf8(body).unwrap()))
        .into_iter()
        .collect()
}

#[test]
fn the_token_request_is_a_form_post_with_basic_auth_when_there_is_a_secret() {
    // Without a secret: no Authorization header.
    let config = config();
    let login = login(&config);
    let pending = login.authorize().build().unwrap();
    let callback = format!("myapp://callback?code=the%2Fcode&state={}", pending.state());
    let code = pending.callback(&callback).unwrap();
    let request = login.token_request(&pending, &code);
    assert_eq!(request.endpoint(), Endpoint::Token);
    assert_eq!(request.method(), "POST");
    assert_eq!(request.url(), format!("{DOMAIN}/oauth2/token"));
    assert_eq!(
        request.headers(),
        vec![("Content-Type", "application/x-www-form-urlencoded")]
    );
    let expected_body = format!(
        "grant_type=authorization_code&client_id=client1&code=the%2Fcode\
         &redirect_uri=myapp%3A%2F%2Fcallback%2Fpath%3Fx%3D1&code_verifier={}",
        pending.code_verifier()
    );
    assert_eq!(std::str::from_utf8(request.body()).unwrap(), expected_body);
    assert!(!format!("{request:?}").contains(pending.code_verifier()));

    // With a secret: HTTP Basic, id and secret form-encoded first (RFC 6749 §2.3.1).
    let secret_config = config.clone().with_client_secret("s3cr:t+/ x");
    let secret_login = ManagedLogin::new(
        &secret_config,
        Domain::base_url("http://127.0.0.1:9229/").unwrap(),
        "http://localhost/cb",
    );
    let request = secret_login.token_request(&pending, &code);
    assert_eq!(request.url(), "http://127.0.0.1:9229/oauth2/token");
    let expected = base64::engine::general_purpose::STANDARD.encode("client1:s3cr%3At%2B%2F+x");
    assert_eq!(
        request.headers(),
        vec![
            ("Content-Type", "application/x-www-form-urlencoded"),
            ("Authorization", format!("Basic {expected}").as_str()),
        ]
    );
    let debug = format!("{request:?}");
    assert!(
        !debug.contains(&expected) && !debug.contains("s3cr"),
        "{debug}"
    );
    // The exchange repeats the redirect URI the login was started with.
    assert_eq!(
        form(request.body()).get("redirect_uri").map(String::as_str),
        Some("myapp://callback/path?x=1")
    );
}

fn jwt(claims: &str) -> String {
    format!(
        "{}.{}.c2ln",
        b64url(br#"{"alg":"RS256","kid":"k"}"#),
        b64url(claims.as_bytes())
    )
}

#[test]
fn token_replies_become_tokens_and_oauth_errors_typed_errors() {
    let config = config();
    let login = login(&config);
    let (access, id) = (
        jwt(r#"{"token_use":"access"}"#),
        jwt(r#"{"token_use":"id"}"#),
    );
    let body = format!(
        r#"{{"access_token":"{access}","id_token":"{id}","refresh_token":"rt","expires_in":3600,"token_type":"Bearer"}}"#
    );
    let tokens = login
        .handle_token_response(HttpResponse::new(200, body.as_bytes()), UnixTime(1000))
        .unwrap();
    assert_eq!(tokens.access_token.expose(), access);
    assert_eq!(tokens.id_token.expose(), id);
    assert_eq!(
        tokens.refresh_token.as_ref().map(SecretString::expose),
        Some("rt")
    );
    assert_eq!(
        (tokens.expires_in, tokens.expires_at),
        (3600, UnixTime(4600))
    );
    assert_eq!(tokens.token_type, "Bearer");
    assert_eq!(
        tokens.access_claims().unwrap().token_use.as_deref(),
        Some("access")
    );

    // OAuth error replies.
    let cases: &[(u16, &[u8], ErrorCode, Option<&str>)] = &[
        (
            400,
            br#"{"error":"invalid_grant","error_description":"Invalid code"}"#,
            ErrorCode::InvalidGrant,
            Some("Invalid code"),
        ),
        (
            400,
            br#"{"error":"invalid_client"}"#,
            ErrorCode::InvalidClient,
            None,
        ),
        (
            400,
            br#"{"error":"unauthorized_client"}"#,
            ErrorCode::UnauthorizedClient,
            None,
        ),
        (
            400,
            br#"{"error":"new_code"}"#,
            ErrorCode::Other("new_code".into()),
            None,
        ),
        (
            503,
            b"<html>busy</html>",
            ErrorCode::TemporarilyUnavailable,
            None,
        ),
        (500, b"", ErrorCode::ServerError, None),
    ];
    for (status, body, code, description) in cases {
        let error = login
            .handle_token_response(HttpResponse::new(*status, body), UnixTime(0))
            .unwrap_err();
        let server = error.server().unwrap_or_else(|| panic!("{error:?}"));
        assert_eq!(&server.code, code);
        assert_eq!(server.description.as_deref(), *description);
        assert_eq!(server.status, Some(*status));
        assert_eq!(error.is_retryable(), *status >= 500, "{error:?}");
    }
    // The API's error format is not mistaken for success or for an OAuth code.
    let api = login
        .handle_token_response(
            HttpResponse::new(400, br#"{"__type":"NotAuthorizedException"}"#),
            UnixTime(0),
        )
        .unwrap_err();
    assert!(api.is(&ErrorCode::InvalidRequest), "{api:?}");

    // 2xx replies that are not usable tokens.
    for bad in [
        "not json".to_owned(),
        format!(r#"{{"id_token":"{id}"}}"#),
        format!(r#"{{"access_token":"{access}"}}"#),
        format!(r#"{{"access_token":"opaque","id_token":"{id}"}}"#),
        format!(r#"{{"access_token":"{access}","id_token":"{id}","refresh_token":""}}"#),
        format!(r#"{{"access_token":"{access}","id_token":"{id}","token_type":"MAC"}}"#),
    ] {
        let error = login
            .handle_token_response(HttpResponse::new(200, bad.as_bytes()), UnixTime(0))
            .unwrap_err();
        assert!(
            matches!(
                error,
                OAuthError::InvalidResponse {
                    endpoint: "/oauth2/token",
                    ..
                }
            ),
            "{bad}: {error:?}"
        );
        assert!(!format!("{error}").contains(&access), "{error}");
    }
}

#[test]
fn refresh_revoke_logout_and_userinfo() {
    let config = config().with_client_secret("sec");
    let login = login(&config);
    let basic = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode("client1:sec")
    );
    let refresh_token = SecretString::new("rt/1");

    let refresh = login.refresh_request(&refresh_token);
    assert_eq!(refresh.url(), format!("{DOMAIN}/oauth2/token"));
    assert_eq!(
        std::str::from_utf8(refresh.body()).unwrap(),
        "grant_type=refresh_token&client_id=client1&refresh_token=rt%2F1"
    );
    assert!(
        refresh
            .headers()
            .contains(&("Authorization", basic.as_str()))
    );
    let (access, id) = (jwt("{}"), jwt("{}"));
    let body = format!(r#"{{"access_token":"{access}","id_token":"{id}","expires_in":60}}"#);
    let tokens = login
        .handle_refresh_response(
            HttpResponse::new(200, body.as_bytes()),
            UnixTime(5),
            &refresh_token,
        )
        .unwrap();
    assert_eq!(tokens.refresh_token, Some(refresh_token.clone()));
    assert_eq!(tokens.expires_at, UnixTime(65));
    let expired = login
        .handle_refresh_response(
            HttpResponse::new(400, br#"{"error":"invalid_grant"}"#),
            UnixTime(5),
            &refresh_token,
        )
        .unwrap_err();
    assert!(expired.is(&ErrorCode::InvalidGrant) && !expired.is_retryable());

    let revoke = login.revoke_request(&refresh_token);
    assert_eq!(revoke.endpoint(), Endpoint::Revoke);
    assert_eq!(
        (revoke.method(), revoke.url()),
        ("POST", format!("{DOMAIN}/oauth2/revoke").as_str())
    );
    assert_eq!(
        std::str::from_utf8(revoke.body()).unwrap(),
        "token=rt%2F1&client_id=client1"
    );
    assert!(
        revoke
            .headers()
            .contains(&("Authorization", basic.as_str()))
    );
    assert_eq!(
        login.handle_revoke_response(HttpResponse::new(200, b"")),
        Ok(())
    );
    let unsupported = login
        .handle_revoke_response(HttpResponse::new(
            400,
            br#"{"error":"unsupported_token_type"}"#,
        ))
        .unwrap_err();
    assert!(unsupported.is(&ErrorCode::UnsupportedTokenType));

    assert_eq!(
        login.logout_url("myapp://signed out"),
        format!("{DOMAIN}/logout?client_id=client1&logout_uri=myapp%3A%2F%2Fsigned%20out")
    );

    let info = login.userinfo_request(&SecretString::new("acc.ess.tok"));
    assert_eq!(
        (info.method(), info.url()),
        ("GET", format!("{DOMAIN}/oauth2/userInfo").as_str())
    );
    assert_eq!(
        info.headers(),
        vec![("Authorization", "Bearer acc.ess.tok")]
    );
    assert!(info.body().is_empty());
    assert!(!format!("{info:?}").contains("acc.ess.tok"));
    let reply = br#"{"sub":"u-1","email_verified":"true","email":"a@b.c","username":"u-1","custom:team":"x"}"#;
    let user = login
        .handle_userinfo_response(HttpResponse::new(200, reply))
        .unwrap();
    assert_eq!(user.sub, "u-1");
    assert_eq!(user.email_verified, Some(true));
    assert_eq!(user.email.as_deref(), Some("a@b.c"));
    assert_eq!(user.other.get("custom:team"), Some(&serde_json::json!("x")));
    let invalid = login
        .handle_userinfo_response(HttpResponse::new(
            401,
            br#"{"error":"invalid_token","error_description":"Access token is expired"}"#,
        ))
        .unwrap_err();
    assert!(invalid.is(&ErrorCode::InvalidToken));
    let bare_401 = login
        .handle_userinfo_response(HttpResponse::new(401, b""))
        .unwrap_err();
    assert!(bare_401.is(&ErrorCode::InvalidToken));
    assert!(matches!(
        login.handle_userinfo_response(HttpResponse::new(200, b"{}")),
        Err(OAuthError::InvalidResponse { .. })
    ));
}

#[test]
fn domains_and_randomness_failures() {
    assert!(Domain::prefix("My App", "us-east-1").is_err());
    assert!(Domain::prefix("myapp", "").is_err());
    assert!(Domain::custom("https://auth.example.com").is_err());
    assert!(Domain::base_url("ftp://x").is_err());
    assert!(Domain::base_url("https://x/?a").is_err());
    let custom = Domain::custom("auth.example.com").unwrap();
    assert_eq!(custom.token_url(), "https://auth.example.com/oauth2/token");

    let broken = config().with_random(Arc::new(Broken));
    assert!(matches!(
        login(&broken).authorize().build(),
        Err(OAuthError::Random(_))
    ));
    assert!(matches!(
        login(&config())
            .authorize()
            .scopes(Vec::<String>::new())
            .build(),
        Err(OAuthError::InvalidInput(_))
    ));
    assert!(matches!(
        login(&config())
            .authorize()
            .scopes(["openid email"])
            .build(),
        Err(OAuthError::InvalidInput(_))
    ));
}

mod verifier {
    use std::sync::OnceLock;

    use cognito_auth::verify::{JwtVerifier, VerifyError};
    use cognito_auth::{PoolConfig, UnixTime};
    use rsa::pkcs1v15::SigningKey;
    use rsa::signature::{SignatureEncoding as _, Signer as _};
    use rsa::traits::PublicKeyParts as _;
    use rsa::{RsaPrivateKey, RsaPublicKey};
    use serde_json::{Value, json};
    use sha2::Sha256;

    use super::b64url;

    const ISSUER: &str = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbC123";
    const NOW: u64 = 1_700_000_000;

    /// Two throwaway keys, generated once per test run.
    fn keys() -> &'static (RsaPrivateKey, RsaPrivateKey) {
        static KEYS: OnceLock<(RsaPrivateKey, RsaPrivateKey)> = OnceLock::new();
        KEYS.get_or_init(|| {
            let mut rng = rsa::rand_core::OsRng;
            (
                RsaPrivateKey::new(&mut rng, 2048).unwrap(),
                RsaPrivateKey::new(&mut rng, 2048).unwrap(),
            )
        })
    }

    fn jwk(kid: &str, key: &RsaPublicKey) -> Value {
        json!({"kty": "RSA", "alg": "RS256", "use": "sig", "kid": kid,
               "n": b64url(&key.n().to_bytes_be()), "e": b64url(&key.e().to_bytes_be())})
    }

    fn jwks() -> Vec<u8> {
        let (k1, k2) = keys();
        let other = json!({"kty": "EC", "kid": "ec", "crv": "P-256", "x": "AA", "y": "AA"});
        serde_json::to_vec(&json!({"keys": [other, jwk("k1", &k1.to_public_key()), jwk("k2", &k2.to_public_key())]}))
            .unwrap()
    }

    fn sign(header: &Value, claims: &Value, key: &RsaPrivateKey) -> String {
        let input = format!(
            "{}.{}",
            b64url(&serde_json::to_vec(header).unwrap()),
            b64url(&serde_json::to_vec(claims).unwrap())
        );
        let signature = SigningKey::<Sha256>::new(key.clone()).sign(input.as_bytes());
        format!("{input}.{}", b64url(&signature.to_vec()))
    }

    fn id_claims() -> Value {
        json!({"sub": "u-1", "iss": ISSUER, "aud": "client1", "token_use": "id",
               "exp": NOW + 3600, "iat": NOW, "nonce": "n0nce", "cognito:username": "u-1"})
    }

    fn access_claims() -> Value {
        json!({"sub": "u-1", "iss": ISSUER, "client_id": "client1", "token_use": "access",
               "exp": NOW + 3600, "iat": NOW, "username": "u-1", "scope": "openid"})
    }

    fn header(kid: &str) -> Value {
        json!({"alg": "RS256", "kid": kid})
    }

    fn verifier() -> JwtVerifier {
        let config = PoolConfig::new("us-east-1_AbC123", "client1").unwrap();
        JwtVerifier::for_pool(&config, &jwks()).unwrap()
    }

    fn with(mut claims: Value, name: &str, value: Value) -> Value {
        claims[name] = value;
        claims
    }

    #[test]
    fn good_tokens_verify() {
        let v = verifier();
        assert_eq!(v.issuer(), ISSUER);
        let id = sign(&header("k1"), &id_claims(), &keys().0);
        let verified = v
            .verify_id_token(&id, UnixTime(NOW), Some("n0nce"))
            .unwrap();
        assert_eq!(verified.claims.sub.as_deref(), Some("u-1"));
        assert_eq!(verified.payload["nonce"], "n0nce");
        // The second key of the set, an access token, no nonce asked.
        let access = sign(&header("k2"), &access_claims(), &keys().1);
        let verified = v.verify_access_token(&access, UnixTime(NOW)).unwrap();
        assert_eq!(verified.payload["scope"], "openid");
        assert!(v.verify_id_token(&id, UnixTime(NOW), None).is_ok());
        // Within the leeway on both ends.
        assert!(
            v.verify_id_token(&id, UnixTime(NOW + 3600 + 60), None)
                .is_ok()
        );
        assert!(v.verify_id_token(&id, UnixTime(NOW - 60), None).is_ok());
    }

    #[test]
    fn a_bad_signature_is_refused() {
        let v = verifier();
        // Signed by the other key under k1's kid.
        let forged = sign(&header("k1"), &id_claims(), &keys().1);
        assert_eq!(
            v.verify_id_token(&forged, UnixTime(NOW), None).unwrap_err(),
            VerifyError::BadSignature
        );
        // A good token whose payload was changed after signing.
        let good = sign(&header("k1"), &id_claims(), &keys().0);
        let parts: Vec<&str> = good.split('.').collect();
        let changed = with(id_claims(), "sub", json!("admin"));
        let tampered = format!(
            "{}.{}.{}",
            parts[0],
            b64url(&serde_json::to_vec(&changed).unwrap()),
            parts[2]
        );
        assert_eq!(
            v.verify_id_token(&tampered, UnixTime(NOW), None)
                .unwrap_err(),
            VerifyError::BadSignature
        );
        // A truncated signature.
        let short = format!("{}.{}.{}", parts[0], parts[1], &parts[2][..40]);
        assert_eq!(
            v.verify_id_token(&short, UnixTime(NOW), None).unwrap_err(),
            VerifyError::BadSignature
        );
    }

    #[test]
    fn alg_none_and_other_algorithms_are_refused() {
        let v = verifier();
        let payload = b64url(&serde_json::to_vec(&id_claims()).unwrap());
        for alg in ["none", "HS256", "RS512", "rs256"] {
            let head = b64url(&serde_json::to_vec(&json!({"alg": alg, "kid": "k1"})).unwrap());
            for signature in ["", "c2ln"] {
                let token = format!("{head}.{payload}.{signature}");
                assert_eq!(
                    v.verify_id_token(&token, UnixTime(NOW), None).unwrap_err(),
                    VerifyError::Algorithm(alg.to_owned()),
                    "{alg}"
                );
            }
        }
        let no_alg = b64url(br#"{"kid":"k1"}"#);
        assert!(matches!(
            v.verify_id_token(&format!("{no_alg}.{payload}.c2ln"), UnixTime(NOW), None),
            Err(VerifyError::Algorithm(_))
        ));
    }

    #[test]
    fn an_unknown_kid_asks_to_refetch_the_jwks() {
        let v = verifier();
        let token = sign(&header("rotated"), &id_claims(), &keys().0);
        let error = v.verify_id_token(&token, UnixTime(NOW), None).unwrap_err();
        assert_eq!(
            error,
            VerifyError::UnknownKey {
                kid: Some("rotated".into())
            }
        );
        assert!(
            error.to_string().contains("fetch the JWKS again"),
            "{error}"
        );
        // The EC key of the set is not an RS256 key.
        let ec = sign(&header("ec"), &id_claims(), &keys().0);
        assert!(matches!(
            v.verify_id_token(&ec, UnixTime(NOW), None),
            Err(VerifyError::UnknownKey { .. })
        ));
        let no_kid = sign(&json!({"alg": "RS256"}), &id_claims(), &keys().0);
        assert_eq!(
            v.verify_id_token(&no_kid, UnixTime(NOW), None).unwrap_err(),
            VerifyError::UnknownKey { kid: None }
        );
    }

    #[test]
    fn claims_are_checked() {
        let v = verifier();
        let key = &keys().0;
        let id = |claims: Value| sign(&header("k1"), &claims, key);
        let check = |token: String| v.verify_id_token(&token, UnixTime(NOW), Some("n0nce"));

        // Wrong audience, and an access token's client_id for another client.
        assert_eq!(
            check(id(with(id_claims(), "aud", json!("other")))).unwrap_err(),
            VerifyError::Audience {
                found: Some("other".into())
            }
        );
        let access = sign(
            &header("k1"),
            &with(access_claims(), "client_id", json!("other")),
            key,
        );
        assert!(matches!(
            v.verify_access_token(&access, UnixTime(NOW)),
            Err(VerifyError::Audience { .. })
        ));
        // A verifier told of the other client accepts it.
        let both = verifier().with_client_id("other");
        assert!(both.verify_access_token(&access, UnixTime(NOW)).is_ok());

        // Expired beyond the leeway; a configurable leeway; no exp at all.
        let expired = id(with(id_claims(), "exp", json!(NOW - 61)));
        assert!(matches!(
            check(expired.clone()),
            Err(VerifyError::Expired {
                exp: Some(_),
                now: NOW,
                leeway: 60
            })
        ));
        assert!(
            v.clone()
                .with_leeway(120)
                .verify_id_token(&expired, UnixTime(NOW), None)
                .is_ok()
        );
        let mut no_exp = id_claims();
        no_exp.as_object_mut().unwrap().remove("exp");
        assert!(matches!(
            check(id(no_exp)),
            Err(VerifyError::Expired { exp: None, .. })
        ));

        // Not yet valid: nbf or iat in the future beyond the leeway.
        assert!(matches!(
            check(id(with(id_claims(), "nbf", json!(NOW + 61)))),
            Err(VerifyError::NotYetValid { .. })
        ));
        assert!(matches!(
            check(id(with(id_claims(), "iat", json!(NOW + 61)))),
            Err(VerifyError::NotYetValid { .. })
        ));

        // Wrong nonce, or none when one is expected.
        assert_eq!(
            check(id(with(id_claims(), "nonce", json!("replayed")))).unwrap_err(),
            VerifyError::Nonce
        );
        let mut no_nonce = id_claims();
        no_nonce.as_object_mut().unwrap().remove("nonce");
        assert_eq!(check(id(no_nonce)).unwrap_err(), VerifyError::Nonce);

        // Another issuer; an access token offered as an ID token and the reverse.
        assert!(matches!(
            check(id(with(
                id_claims(),
                "iss",
                json!("https://evil.example/us-east-1_AbC123")
            ))),
            Err(VerifyError::Issuer { .. })
        ));
        let access = sign(&header("k1"), &access_claims(), key);
        assert!(matches!(
            v.verify_id_token(&access, UnixTime(NOW), None),
            Err(VerifyError::TokenUse { expected: "id", .. })
        ));
        let id_token = id(id_claims());
        assert!(matches!(
            v.verify_access_token(&id_token, UnixTime(NOW)),
            Err(VerifyError::TokenUse {
                expected: "access",
                ..
            })
        ));

        // Not a JWT.
        for bad in ["", "a.b", "a.b.c.d", "!!.e30.c2ln"] {
            assert!(matches!(
                v.verify_id_token(bad, UnixTime(NOW), None),
                Err(VerifyError::Malformed(_))
            ));
        }
    }

    #[test]
    fn unusable_jwks_documents_are_refused() {
        let short = RsaPrivateKey::new(&mut rsa::rand_core::OsRng, 1024).unwrap();
        let documents = [
            b"not json".to_vec(),
            br#"{"keys":[]}"#.to_vec(),
            br#"{"keys":[{"kty":"EC","kid":"x"}]}"#.to_vec(),
            br#"{"keys":[{"kty":"RSA","kid":"x","n":"!!","e":"AQAB"}]}"#.to_vec(),
            serde_json::to_vec(&json!({"keys": [jwk("short", &short.to_public_key())]})).unwrap(),
        ];
        for document in documents {
            assert!(matches!(
                JwtVerifier::new(ISSUER, "client1", &document),
                Err(VerifyError::Jwks(_))
            ));
        }
        // Debug shows the kids, not the keys.
        let debug = format!("{:?}", verifier());
        assert!(debug.contains("k1") && debug.contains("k2"), "{debug}");
    }
}
