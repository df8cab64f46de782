//! A hostile or broken endpoint: challenge loops, tokens that are not tokens, an oversized
//! SECRET_BLOCK. Each is a typed error, and the failed machine stays failed.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod support;

use std::collections::BTreeMap;
use std::sync::Arc;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use cognito_auth::srp::{self, EphemeralSecret, SrpClient, SrpError, VerifierInput};
use cognito_auth::{
    AuthFlow, ChallengeAnswer, DeviceCredentials, Error, MfaType, PeerMisbehaved, PoolConfig,
    Refresh, RefreshFlow, SecretString, SignIn, Status, Step,
};
use serde_json::{Value, json};
use support::*;
use zeroize::Zeroizing;

/// Far more round trips than any real sign-in has: a machine without a bound runs into it.
const RUNAWAY: usize = 200;

fn config() -> Arc<PoolConfig> {
    Arc::new(
        PoolConfig::new(POOL_ID, CLIENT_ID)
            .unwrap()
            .with_random(Arc::new(FixedRandom::new(41))),
    )
}

fn challenge(name: &str, parameters: Value) -> Reply {
    Reply::ok(json!({
        "ChallengeName": name,
        "Session": "loop-session-xxxxxxxxxxxxxxxx",
        "ChallengeParameters": parameters,
    }))
}

/// Drives a USER_PASSWORD_AUTH sign-in against an endpoint that answers every request with
/// `reply()`, answering each challenge with `answer()`. Returns how many requests went out
/// and the error that ended it; panics when nothing ends it.
fn run_loop(
    flow: AuthFlow,
    reply: impl Fn(usize) -> Reply,
    answer: impl Fn() -> ChallengeAnswer,
) -> (usize, Error, SignIn) {
    let mut sign_in = match flow {
        AuthFlow::CustomWithoutSrp => SignIn::passwordless(config(), "lee", flow),
        _ => SignIn::new(config(), "lee", "Password-1!").with_flow(flow),
    };
    sign_in.start().unwrap();
    let mut sent = 1;
    for round in 0..RUNAWAY {
        match sign_in.handle_response(reply(round).as_response(), NOW) {
            Ok(Step::Challenge(_)) => {
                sign_in.answer(answer()).unwrap();
                sent += 1;
            }
            Ok(Step::Send(_)) => sent += 1,
            Ok(other) => panic!("unexpected step {other:?}"),
            Err(error) => return (sent, error, sign_in),
        }
    }
    panic!("{sent} requests and the endpoint still keeps the sign-in going");
}

/// A failed machine answers every call with its error.
fn assert_sticky(sign_in: &mut SignIn, error: &Error) {
    assert_eq!(sign_in.status(), Status::Failed);
    let again = sign_in.handle_response(
        challenge("SOFTWARE_TOKEN_MFA", json!({})).as_response(),
        NOW,
    );
    assert_eq!(again.as_ref().err(), Some(error), "{again:?}");
    let answered = sign_in.answer(ChallengeAnswer::code("123456"));
    assert_eq!(answered.as_ref().err(), Some(error), "{answered:?}");
    assert!(sign_in.suspend().is_none());
}

#[test]
fn the_same_challenge_over_and_over_is_a_loop() {
    type Case = (&'static str, Value, fn() -> ChallengeAnswer);
    let cases: [Case; 4] = [
        ("SOFTWARE_TOKEN_MFA", json!({}), || {
            ChallengeAnswer::code("123456")
        }),
        (
            "SELECT_MFA_TYPE",
            json!({"MFAS_CAN_CHOOSE": "[\"SMS_MFA\",\"SOFTWARE_TOKEN_MFA\"]"}),
            || ChallengeAnswer::SelectMfaType(MfaType::SoftwareToken),
        ),
        (
            "MFA_SETUP",
            json!({"MFAS_CAN_SETUP": "[\"EMAIL_OTP\"]"}),
            || ChallengeAnswer::SetUpEmail("lee@example.com".into()),
        ),
        (
            "NEW_PASSWORD_REQUIRED",
            json!({"userAttributes": "{}", "requiredAttributes": "[]"}),
            || ChallengeAnswer::NewPassword {
                password: "Password-2!".into(),
                attributes: BTreeMap::new(),
            },
        ),
    ];
    for (name, parameters, answer) in cases {
        let (sent, error, mut sign_in) = run_loop(
            AuthFlow::UserPassword,
            |_| challenge(name, parameters.clone()),
            answer,
        );
        let Error::PeerMisbehaved(PeerMisbehaved::ChallengeRepeated { name: got, times }) = &error
        else {
            panic!("{name}: {error:?}")
        };
        assert_eq!(got, name);
        assert!(*times > 1 && *times <= 4, "{name}: {times}");
        assert!(sent <= 4, "{name}: {sent} requests");
        assert!(error.to_string().contains(name), "{error}");
        assert_sticky(&mut sign_in, &error);
    }
}

#[test]
fn device_srp_auth_after_device_srp_auth_is_a_loop() {
    const DEVICE_KEY: &str = "us-east-1_fec070d2-fa88-424a-8ec8-b26d7198eb23";
    let credentials: DeviceCredentials = serde_json::from_value(json!({
        "device_key": DEVICE_KEY,
        "device_group_key": "-wt2ha1Zd",
        "device_password": "ZGV2aWNlLXNlY3JldA==",
        "user_sub": "sub-lee",
    }))
    .unwrap();
    let user = SrpServer::new("AbCdEfGhI", "lee", "Password-1!");
    let mut sign_in = SignIn::new(config(), "lee", "Password-1!").with_device(credentials);
    sign_in.start().unwrap();
    let verifier = challenge("PASSWORD_VERIFIER", user.challenge_parameters());
    expect_send(
        sign_in
            .handle_response(verifier.as_response(), NOW)
            .unwrap(),
    );
    let device_srp = challenge("DEVICE_SRP_AUTH", json!({"USERNAME": "lee"}));
    expect_send(
        sign_in
            .handle_response(device_srp.as_response(), NOW)
            .unwrap(),
    );
    let error = sign_in
        .handle_response(device_srp.as_response(), NOW)
        .unwrap_err();
    assert_eq!(
        error,
        Error::PeerMisbehaved(PeerMisbehaved::ChallengeRepeated {
            name: "DEVICE_SRP_AUTH".into(),
            times: 2
        })
    );
    assert_sticky(&mut sign_in, &error);
}

#[test]
fn device_srp_auth_again_after_the_device_proof_is_a_loop() {
    const DEVICE_KEY: &str = "us-east-1_fec070d2-fa88-424a-8ec8-b26d7198eb23";
    const GROUP_KEY: &str = "-wt2ha1Zd";
    let credentials: DeviceCredentials = serde_json::from_value(json!({
        "device_key": DEVICE_KEY,
        "device_group_key": GROUP_KEY,
        "device_password": "ZGV2aWNlLXNlY3JldA==",
        "user_sub": "sub-lee",
    }))
    .unwrap();
    let user = SrpServer::new("AbCdEfGhI", "lee", "Password-1!");
    let device = SrpServer::new(GROUP_KEY, DEVICE_KEY, "ZGV2aWNlLXNlY3JldA==");
    let mut device_parameters = device.challenge_parameters();
    device_parameters["USERNAME"] = json!("lee");
    let mut sign_in = SignIn::new(config(), "lee", "Password-1!").with_device(credentials);
    sign_in.start().unwrap();
    let verifier = challenge("PASSWORD_VERIFIER", user.challenge_parameters());
    expect_send(
        sign_in
            .handle_response(verifier.as_response(), NOW)
            .unwrap(),
    );
    let device_srp = challenge("DEVICE_SRP_AUTH", json!({"USERNAME": "lee"}));
    let device_verifier = challenge("DEVICE_PASSWORD_VERIFIER", device_parameters);
    expect_send(
        sign_in
            .handle_response(device_srp.as_response(), NOW)
            .unwrap(),
    );
    expect_send(
        sign_in
            .handle_response(device_verifier.as_response(), NOW)
            .unwrap(),
    );
    let error = sign_in
        .handle_response(device_srp.as_response(), NOW)
        .unwrap_err();
    assert_eq!(
        error,
        Error::PeerMisbehaved(PeerMisbehaved::ChallengeRepeated {
            name: "DEVICE_SRP_AUTH".into(),
            times: 2
        })
    );
    assert_sticky(&mut sign_in, &error);
}

#[test]
fn a_sign_in_has_at_most_32_round_trips() {
    // CUSTOM_CHALLENGE may legitimately come many times; alternating challenges dodge the
    // repeat rule. Either way the sign-in ends after 32 requests.
    let custom = run_loop(
        AuthFlow::CustomWithoutSrp,
        |round| challenge("CUSTOM_CHALLENGE", json!({"round": round.to_string()})),
        || ChallengeAnswer::Custom("42".into()),
    );
    let alternating = run_loop(
        AuthFlow::UserPassword,
        |round| {
            if round % 2 == 0 {
                challenge("SOFTWARE_TOKEN_MFA", json!({}))
            } else {
                challenge(
                    "SMS_MFA",
                    json!({"CODE_DELIVERY_DESTINATION": "+*******0100"}),
                )
            }
        },
        || ChallengeAnswer::code("123456"),
    );
    for (sent, error, mut sign_in) in [custom, alternating] {
        assert_eq!(
            error,
            Error::PeerMisbehaved(PeerMisbehaved::TooManyRoundTrips { limit: 32 })
        );
        assert_eq!(sent, 32, "requests sent before the machine gave up");
        assert!(error.to_string().contains("32"), "{error}");
        assert_sticky(&mut sign_in, &error);
    }
}

#[test]
fn wrong_codes_can_still_be_retried() {
    // A CodeMismatch retry answers the same challenge again without the service sending it
    // again: not a loop.
    let mut sign_in = SignIn::new(config(), "lee", "pw").with_flow(AuthFlow::UserPassword);
    sign_in.start().unwrap();
    expect_challenge(
        sign_in
            .handle_response(
                challenge("SOFTWARE_TOKEN_MFA", json!({})).as_response(),
                NOW,
            )
            .unwrap(),
    );
    for _ in 0..5 {
        sign_in.answer(ChallengeAnswer::code("000000")).unwrap();
        let wrong = Reply::error("CodeMismatchException", "Invalid code received for user");
        assert!(sign_in.handle_response(wrong.as_response(), NOW).is_err());
        assert_eq!(sign_in.status(), Status::AwaitingAnswer);
    }
    sign_in.answer(ChallengeAnswer::code("123456")).unwrap();
    let tokens = tokens_body("lee-id", "sub", Some("r"));
    expect_done(
        sign_in
            .handle_response(Reply::ok(tokens).as_response(), NOW)
            .unwrap(),
    );
}

fn valid_jwt() -> String {
    jwt(json!({"sub": "s", "username": "lee", "token_use": "access"}))
}

/// AuthenticationResult with `access`, `id` and `refresh` (members left out when `None`).
fn result(access: Option<&str>, id: Option<&str>, refresh: Option<&str>) -> Reply {
    let mut result = json!({"ExpiresIn": 3600, "TokenType": "Bearer"});
    for (key, value) in [
        ("AccessToken", access),
        ("IdToken", id),
        ("RefreshToken", refresh),
    ] {
        if let Some(value) = value {
            result[key] = json!(value);
        }
    }
    Reply::ok(json!({"AuthenticationResult": result}))
}

/// Tokens no client could read: not three parts, an empty part, a payload that is not
/// base64url JSON, an empty string.
fn undecodable() -> Vec<String> {
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let header = b64.encode(br#"{"alg":"RS256"}"#);
    let payload = b64.encode(br#"{"sub":"s"}"#);
    vec![
        String::new(),
        "at".into(),
        "a.b".into(),
        format!("{header}.{payload}"),
        format!("{header}.{payload}.sig.extra"),
        format!("{header}.{}.sig", b64.encode(b"not json")),
        format!("{header}.!!!.sig"),
        format!("{}.{payload}.sig", b64.encode(b"not json")),
        format!("{header}.{payload}."),
        format!(".{payload}.sig"),
    ]
}

#[test]
fn sign_in_refuses_tokens_that_are_not_jwts() {
    let good = valid_jwt();
    let mut cases = Vec::new();
    for bad in undecodable() {
        cases.push(result(Some(&bad), Some(&good), Some("refresh")));
        cases.push(result(Some(&good), Some(&bad), Some("refresh")));
    }
    // The refresh token is opaque (a JWE), but an empty one is no token.
    cases.push(result(Some(&good), Some(&good), Some("")));
    for reply in cases {
        let mut sign_in = SignIn::new(config(), "lee", "pw").with_flow(AuthFlow::UserPassword);
        sign_in.start().unwrap();
        let outcome = sign_in.handle_response(reply.as_response(), NOW);
        let body = String::from_utf8_lossy(&reply.body);
        assert!(
            matches!(outcome, Err(Error::InvalidResponse(_))),
            "{body}: {outcome:?}"
        );
        assert_eq!(sign_in.status(), Status::Failed, "{body}");
    }
    // An opaque refresh token is fine.
    let mut sign_in = SignIn::new(config(), "lee", "pw").with_flow(AuthFlow::UserPassword);
    sign_in.start().unwrap();
    let reply = result(
        Some(&good),
        Some(&good),
        Some("eyJjdHkiOiJKV1QiLCJlbmMiOiJBMjU2R0NNIn0.x.y.z.w"),
    );
    expect_done(sign_in.handle_response(reply.as_response(), NOW).unwrap());
}

#[test]
fn refresh_refuses_tokens_that_are_not_jwts() {
    let good = valid_jwt();
    for flow in [
        RefreshFlow::GetTokensFromRefreshToken,
        RefreshFlow::RefreshTokenAuth,
    ] {
        for bad in undecodable() {
            for reply in [
                result(Some(&bad), Some(&good), None),
                result(Some(&good), Some(&bad), None),
                result(Some(&good), Some(&good), Some("")),
            ] {
                let mut refresh =
                    Refresh::from_refresh_token(config(), "refresh-1").with_flow(flow);
                refresh.request().unwrap();
                let outcome = refresh.handle_response(reply.as_response(), NOW);
                assert!(
                    matches!(outcome, Err(Error::InvalidResponse(_))),
                    "{flow:?} {}: {outcome:?}",
                    String::from_utf8_lossy(&reply.body)
                );
            }
        }
        // Without a rotated refresh token the one refreshed with is kept.
        let mut refresh = Refresh::from_refresh_token(config(), "refresh-1").with_flow(flow);
        refresh.request().unwrap();
        let tokens = refresh
            .handle_response(result(Some(&good), Some(&good), None).as_response(), NOW)
            .unwrap();
        assert_eq!(
            tokens.refresh_token.as_ref().map(SecretString::expose),
            Some("refresh-1")
        );
    }
}

#[test]
fn an_oversized_secret_block_is_refused_before_decoding() {
    let mut server = SrpServer::new("AbCdEfGhI", "lee", "Password-1!");
    // Cognito's is about 1.7 KB of base64; this is 20 KiB of valid base64.
    server.secret_block = vec![7u8; 15 * 1024];
    let mut sign_in = SignIn::new(config(), "lee", "Password-1!");
    sign_in.start().unwrap();
    let reply = challenge("PASSWORD_VERIFIER", server.challenge_parameters());
    let error = sign_in
        .handle_response(reply.as_response(), NOW)
        .unwrap_err();
    assert!(
        matches!(
            error,
            Error::Srp(SrpError::SecretBlockTooLarge { max_len: 16384 })
        ),
        "{error:?}"
    );
    assert_eq!(sign_in.status(), Status::Failed);
    assert_eq!(
        srp::decode_secret_block(&STANDARD.encode(vec![7u8; 15 * 1024])),
        Err(SrpError::SecretBlockTooLarge { max_len: 16384 })
    );
    // Just under the cap still works.
    let mut server = SrpServer::new("AbCdEfGhI", "lee", "Password-1!");
    server.secret_block = vec![7u8; 12 * 1024];
    let mut sign_in = SignIn::new(config(), "lee", "Password-1!");
    sign_in.start().unwrap();
    let reply = challenge("PASSWORD_VERIFIER", server.challenge_parameters());
    expect_send(sign_in.handle_response(reply.as_response(), NOW).unwrap());
}

#[test]
fn a_forgotten_device_resends_the_same_bytes_without_device_key() {
    // The resent request is built as the first was, not parsed back from the body sent (which
    // may hold the password): the same bytes, less the DEVICE_KEY member.
    const DEVICE_KEY: &str = "us-east-1_fec070d2-fa88-424a-8ec8-b26d7198eb23";
    let credentials: DeviceCredentials = serde_json::from_value(json!({
        "device_key": DEVICE_KEY,
        "device_group_key": "-wt2ha1Zd",
        "device_password": "ZGV2aWNlLXNlY3JldA==",
        "user_sub": "sub-lee",
    }))
    .unwrap();
    let forgotten = Reply::error("ResourceNotFoundException", "Device does not exist.");
    for flow in [AuthFlow::UserPassword, AuthFlow::UserSrp] {
        let mut sign_in = SignIn::new(config(), "lee", "Password-1!")
            .with_flow(flow)
            .with_device(credentials.clone());
        let first = sign_in.start().unwrap();
        let sent = String::from_utf8(first.body().to_vec()).unwrap();
        let member = format!(r#""DEVICE_KEY":"{DEVICE_KEY}""#);
        assert!(sent.contains(&member), "{sent}");
        let expected = sent
            .replace(&format!("{member},"), "")
            .replace(&format!(",{member}"), "");
        let step = sign_in
            .handle_response(forgotten.as_response(), NOW)
            .unwrap();
        let Step::DeviceForgotten { request, .. } = step else {
            panic!("{step:?}")
        };
        assert_eq!(
            String::from_utf8(request.body().to_vec()).unwrap(),
            expected
        );
    }
}

#[test]
fn srp_secrets_come_back_as_secrets() {
    let server = SrpServer::new("AbCdEfGhI", "lee", "Password-1!");
    let a = EphemeralSecret::from_be_bytes(&[3u8; 32]).unwrap();
    let client = SrpClient::new(a).unwrap();
    let derivation = client
        .derive(&VerifierInput {
            pool_name: "AbCdEfGhI",
            user_id: "lee",
            password: "Password-1!",
            salt_hex: &server.salt.to_str_radix(16),
            srp_b_hex: &server.big_b.to_str_radix(16),
        })
        .unwrap();
    // Zeroized on drop; still read as strings.
    let x: Zeroizing<String> = derivation.x_hex();
    let s: Zeroizing<String> = derivation.premaster_hex();
    assert_eq!(
        x.as_str(),
        SrpServer::x_for("AbCdEfGhI", "lee", "Password-1!", &server.salt).to_str_radix(16)
    );
    assert!(!s.is_empty() && s.len() <= 768);
}

#[test]
fn a_suspended_sign_in_with_a_device_holds_the_device_secret() {
    // Documented on SuspendedSignIn: store it as a secret, not as a short-lived Session blob.
    let credentials: DeviceCredentials = serde_json::from_value(json!({
        "device_key": "us-east-1_fec070d2-fa88-424a-8ec8-b26d7198eb23",
        "device_group_key": "-wt2ha1Zd",
        "device_password": "ZGV2aWNlLXNlY3JldA==",
        "user_sub": "sub-lee",
    }))
    .unwrap();
    let mut sign_in = SignIn::new(config(), "lee", "pw")
        .with_flow(AuthFlow::UserPassword)
        .with_device(credentials);
    sign_in.start().unwrap();
    expect_challenge(
        sign_in
            .handle_response(
                challenge("SOFTWARE_TOKEN_MFA", json!({})).as_response(),
                NOW,
            )
            .unwrap(),
    );
    let suspended = sign_in.suspend().unwrap();
    let stored = serde_json::to_string(&suspended).unwrap();
    assert!(stored.contains("ZGV2aWNlLXNlY3JldA=="));
    assert!(!format!("{suspended:?}").contains("ZGV2aWNlLXNlY3JldA=="));
}
