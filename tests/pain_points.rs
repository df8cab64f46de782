//! The fifteen problems users of the peer libraries hit most (shared/peers.md §4), one test
//! each, showing why they cannot happen here. Where a whole flow test already covers a point,
//! the test here pins the specific mistake.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod support;

use std::sync::Arc;

use cognito_auth::srp::{SrpClient, format_timestamp, pad_hex};
use cognito_auth::{
    AuthFlow, Challenge, ChallengeAnswer, DeviceCredentials, DeviceStore, Error, ErrorKind,
    PoolConfig, Refresh, RefreshFlow, RefreshOutcome, SignIn, Step, TokenManager, Tokens, UnixTime,
};
use serde_json::json;
use support::*;

fn config(secret: bool) -> Arc<PoolConfig> {
    let config = PoolConfig::new(POOL_ID, CLIENT_ID)
        .unwrap()
        .with_random(Arc::new(FixedRandom::new(5)));
    Arc::new(if secret {
        config.with_client_secret(CLIENT_SECRET)
    } else {
        config
    })
}

fn password_sign_in(internal: &str) -> Tokens {
    let mut sign_in =
        SignIn::new(config(true), "someone@example.com", "pw").with_flow(AuthFlow::UserPassword);
    sign_in.start().unwrap();
    expect_done(
        sign_in
            .handle_response(
                Reply::ok(tokens_body(internal, "sub-1", Some("refresh-0"))).as_response(),
                NOW,
            )
            .unwrap(),
    )
}

/// Pain point 1: TIMESTAMP: English, UTC, 24-hour, day not zero-padded, whatever the locale.
#[test]
fn p01_timestamp_format() {
    // 2023-09-05 16:30:00 UTC: the hour that Chrome's Intl printed as "24", a single-digit day.
    assert_eq!(
        format_timestamp(1_693_931_400).unwrap(),
        "Tue Sep 5 16:30:00 UTC 2023"
    );
    assert_eq!(
        format_timestamp(1_693_872_000).unwrap(),
        "Tue Sep 5 00:00:00 UTC 2023"
    );
    assert_eq!(
        format_timestamp(1_694_822_399).unwrap(),
        "Fri Sep 15 23:59:59 UTC 2023"
    );
}

/// Pain point 2: Big-integer encodings: padHex sign byte, odd-length hex, negative values refused.
#[test]
fn p02_hex_padding() {
    assert_eq!(pad_hex("80").unwrap(), vec![0x00, 0x80]);
    assert_eq!(pad_hex("7f").unwrap(), vec![0x7f]);
    assert_eq!(pad_hex("abc").unwrap(), vec![0x0a, 0xbc]);
    assert_eq!(pad_hex("0").unwrap(), vec![0x00]);
    assert!(
        pad_hex("-abc").is_err(),
        "a negative SALT is a typed error, not a crash"
    );
}

/// Pain point 3: USER_ID_FOR_SRP, not the alias, in the proof, USERNAME and SECRET_HASH.
#[test]
fn p03_user_id_for_srp() {
    let internal = "0f9e8d7c-6b5a-4000-8000-123456789abc";
    let server = SrpServer::new("AbCdEfGhI", internal, "pw-3");
    let mut sign_in = SignIn::new(config(true), "+15555550100", "pw-3");
    let init = body_of(&sign_in.start().unwrap(), "InitiateAuth");
    let srp_a = init["AuthParameters"]["SRP_A"].as_str().unwrap().to_owned();
    let reply = Reply::ok(
        json!({"ChallengeName": "PASSWORD_VERIFIER", "Session": "s-3333333333333333333", "ChallengeParameters": server.challenge_parameters()}),
    );
    let Step::Send(request) = sign_in.handle_response(reply.as_response(), NOW).unwrap() else {
        panic!()
    };
    let body = body_of(&request, "RespondToAuthChallenge");
    assert_eq!(body["ChallengeResponses"]["USERNAME"], internal);
    assert_eq!(
        body["ChallengeResponses"]["SECRET_HASH"],
        secret_hash(internal)
    );
    assert_eq!(
        body["ChallengeResponses"]["PASSWORD_CLAIM_SIGNATURE"],
        server.expected_signature(&srp_a, NOW_TIMESTAMP)
    );
}

/// Pain point 4: SECRET_HASH: on every request of a client with a secret, and over the internal name on
/// REFRESH_TOKEN_AUTH.
#[test]
fn p04_secret_hash_everywhere_and_on_refresh() {
    let tokens = password_sign_in("internal-4");
    let mut refresh = Refresh::new(config(true), &tokens)
        .unwrap()
        .with_flow(RefreshFlow::RefreshTokenAuth);
    let body = body_of(&refresh.request().unwrap(), "InitiateAuth");
    assert_eq!(
        body["AuthParameters"]["SECRET_HASH"],
        secret_hash("internal-4")
    );
    assert_ne!(
        body["AuthParameters"]["SECRET_HASH"],
        secret_hash("someone@example.com")
    );
}

/// Pain point 5: A device forgotten elsewhere never locks the user out, and devices are kept by sub.
#[test]
fn p05_forgotten_device_and_keying_by_sub() {
    let device = DeviceCredentials {
        device_key: "us-east-1_00000000-0000-4000-8000-000000000005".into(),
        device_group_key: "-grp5".into(),
        device_password: "secret".into(),
        user_sub: "sub-5".into(),
    };
    let mut sign_in = SignIn::new(config(false), "x@example.com", "pw")
        .with_device(device.clone())
        .with_flow(AuthFlow::UserPassword);
    sign_in.start().unwrap();
    let step = sign_in
        .handle_response(
            Reply::error("ResourceNotFoundException", "Device does not exist.").as_response(),
            NOW,
        )
        .unwrap();
    assert!(matches!(step, Step::DeviceForgotten { .. }), "{step:?}");

    let mut store = DeviceStore::new();
    store.insert("x@example.com", device);
    store.link_alias("+15555550105", "sub-5");
    assert!(
        store.for_username("+15555550105").is_some(),
        "the same device whichever alias is typed"
    );
    assert!(store.for_username("sub-5").is_some());
}

/// Pain point 6: Device SRP is built in: DEVICE_SRP_AUTH is answered by the machine.
#[test]
fn p06_device_srp_is_answered() {
    let device = DeviceCredentials {
        device_key: "us-east-1_00000000-0000-4000-8000-000000000006".into(),
        device_group_key: "-grp6".into(),
        device_password: "secret".into(),
        user_sub: "sub-6".into(),
    };
    let mut sign_in = SignIn::new(config(false), "y", "pw")
        .with_device(device)
        .with_flow(AuthFlow::UserPassword);
    sign_in.start().unwrap();
    let reply = Reply::ok(
        json!({"ChallengeName": "DEVICE_SRP_AUTH", "Session": "s-6666666666666666666", "ChallengeParameters": {"USERNAME": "y-id"}}),
    );
    let Step::Send(request) = sign_in.handle_response(reply.as_response(), NOW).unwrap() else {
        panic!()
    };
    let body = body_of(&request, "RespondToAuthChallenge");
    assert_eq!(body["ChallengeName"], "DEVICE_SRP_AUTH");
    assert!(body["ChallengeResponses"]["SRP_A"].as_str().unwrap().len() > 700);
}

fn expiring_manager() -> TokenManager {
    TokenManager::new(config(true), password_sign_in("internal-7"))
}

/// Pain point 7: Throttling or a server fault never signs the user out; a dead refresh token does.
#[test]
fn p07_refresh_failures_are_classified() {
    let later = UnixTime(NOW.0 + 3500);
    let mut manager = expiring_manager();
    manager.poll_refresh(later).unwrap().unwrap();
    let outcome = manager
        .handle_refresh_response(
            Reply::error("TooManyRequestsException", "Rate exceeded").as_response(),
            later,
        )
        .unwrap();
    assert!(matches!(outcome, RefreshOutcome::RetryLater(_)));
    assert!(manager.tokens().is_some());
    assert!(manager.poll_refresh(later).unwrap().is_none(), "backs off");
    let later = manager.next_refresh_at().unwrap();
    manager.poll_refresh(later).unwrap().unwrap();
    let outcome = manager
        .handle_refresh_response(Reply::raw(503, b"").as_response(), later)
        .unwrap();
    assert!(matches!(outcome, RefreshOutcome::RetryLater(_)));
    assert!(manager.tokens().is_some());
    assert!(manager.poll_refresh(later).unwrap().is_none(), "backs off");
    let later = manager.next_refresh_at().unwrap();
    manager.poll_refresh(later).unwrap().unwrap();
    let outcome = manager
        .handle_refresh_response(
            Reply::error("NotAuthorizedException", "Refresh Token has been revoked").as_response(),
            later,
        )
        .unwrap();
    assert!(matches!(outcome, RefreshOutcome::SignedOut(_)));
    assert!(manager.tokens().is_none());
}

/// Pain point 8: Concurrent callers get one refresh request, not one each.
#[test]
fn p08_single_flight_refresh() {
    let mut manager = expiring_manager();
    assert!(
        manager.poll_refresh(NOW).unwrap().is_none(),
        "fresh tokens need no refresh"
    );
    let later = UnixTime(NOW.0 + 3500);
    assert!(manager.poll_refresh(later).unwrap().is_some());
    assert!(
        manager.poll_refresh(later).unwrap().is_none(),
        "a second caller waits for the first"
    );
    assert!(manager.refresh_now().unwrap().is_none());
    assert!(manager.is_refreshing());
}

/// Pain point 9: Rotation: GetTokensFromRefreshToken by default, the rotated token replaces the old one.
#[test]
fn p09_rotation() {
    let mut manager = expiring_manager();
    let later = UnixTime(NOW.0 + 3500);
    let request = manager.poll_refresh(later).unwrap().unwrap();
    assert_eq!(request.operation().name(), "GetTokensFromRefreshToken");
    let mut reply = tokens_body("internal-7", "sub-1", Some("refresh-1"));
    reply.as_object_mut().unwrap().remove("ChallengeParameters");
    let outcome = manager
        .handle_refresh_response(Reply::ok(reply).as_response(), later)
        .unwrap();
    assert_eq!(outcome, RefreshOutcome::Refreshed);
    assert_eq!(
        manager
            .tokens()
            .unwrap()
            .refresh_token
            .as_ref()
            .unwrap()
            .expose(),
        "refresh-1"
    );
    let request = manager.refresh_now().unwrap().unwrap();
    assert_eq!(
        body_of(&request, "GetTokensFromRefreshToken")["RefreshToken"],
        "refresh-1"
    );
}

/// Pain point 10: SRP is cheap: a 256-bit a (benchmarked in benches/); here, the default a is 256 bits.
#[test]
fn p10_default_ephemeral_is_256_bits() {
    assert_eq!(cognito_auth::srp::EphemeralSecret::DEFAULT_LEN, 32);
    let a = cognito_auth::srp::EphemeralSecret::from_be_bytes(&[7u8; 32]).unwrap();
    assert!(SrpClient::new(a).is_ok());
}

/// Pain point 11: Each step is answered with the Session of the response before it.
#[test]
fn p11_session_threading() {
    let mut sign_in = SignIn::new(config(false), "z", "pw").with_flow(AuthFlow::UserPassword);
    sign_in.start().unwrap();
    let mut session = "session-a-xxxxxxxxxxxxxxx".to_owned();
    let reply = Reply::ok(
        json!({"ChallengeName": "CUSTOM_CHALLENGE", "Session": session, "ChallengeParameters": {}}),
    );
    let _ = sign_in.handle_response(reply.as_response(), NOW).unwrap();
    for next in ["session-b-xxxxxxxxxxxxxxx", "session-c-xxxxxxxxxxxxxxx"] {
        let body = body_of(
            &sign_in.answer(ChallengeAnswer::Custom("x".into())).unwrap(),
            "RespondToAuthChallenge",
        );
        assert_eq!(body["Session"], session);
        session = next.to_owned();
        let reply = Reply::ok(
            json!({"ChallengeName": "CUSTOM_CHALLENGE", "Session": session, "ChallengeParameters": {}}),
        );
        let _ = sign_in.handle_response(reply.as_response(), NOW).unwrap();
    }
}

/// Pain point 12: A challenge this crate does not know is a value, not a crash.
#[test]
fn p12_new_challenges_do_not_crash() {
    let mut sign_in = SignIn::new(config(false), "w", "pw").with_flow(AuthFlow::UserPassword);
    sign_in.start().unwrap();
    let reply = Reply::ok(
        json!({"ChallengeName": "BIOMETRIC_2030", "Session": "s-1212121212121212121", "ChallengeParameters": {"K": "V"}}),
    );
    let step = sign_in.handle_response(reply.as_response(), NOW).unwrap();
    assert!(matches!(
        step,
        Step::Challenge(Challenge::Unsupported { .. })
    ));
}

/// Pain point 13: NEW_PASSWORD_REQUIRED: read-only attributes dropped, required ones demanded.
#[test]
fn p13_new_password_attributes() {
    let mut sign_in = SignIn::new(config(false), "v", "pw").with_flow(AuthFlow::UserPassword);
    sign_in.start().unwrap();
    let reply = Reply::ok(
        json!({"ChallengeName": "NEW_PASSWORD_REQUIRED", "Session": "s-1313131313131313131",
        "ChallengeParameters": {"userAttributes": "{\"email_verified\":\"true\",\"email\":\"v@e.c\"}", "requiredAttributes": "[\"userAttributes.family_name\"]"}}),
    );
    let _ = sign_in.handle_response(reply.as_response(), NOW).unwrap();
    let attributes = [("email_verified".to_owned(), "true".to_owned())].into();
    let answer = ChallengeAnswer::NewPassword {
        password: "New-Pass-13".into(),
        attributes,
    };
    assert!(
        matches!(sign_in.answer(answer), Err(Error::InvalidInput(_))),
        "family_name is required"
    );
    let attributes = [
        ("family_name".to_owned(), "V".to_owned()),
        ("email_verified".to_owned(), "true".to_owned()),
    ]
    .into();
    let body = body_of(
        &sign_in
            .answer(ChallengeAnswer::NewPassword {
                password: "New-Pass-13".into(),
                attributes,
            })
            .unwrap(),
        "RespondToAuthChallenge",
    );
    assert_eq!(
        body["ChallengeResponses"],
        json!({"USERNAME": "v", "NEW_PASSWORD": "New-Pass-13", "userAttributes.family_name": "V"})
    );
}

/// Pain point 14: One error code, several meanings: the message tells lock-out from wrong password.
#[test]
fn p14_errors_say_what_happened() {
    let parse = |message: &str| {
        let mut sign_in = SignIn::new(config(false), "u", "pw").with_flow(AuthFlow::UserPassword);
        sign_in.start().unwrap();
        sign_in
            .handle_response(
                Reply::error("NotAuthorizedException", message).as_response(),
                NOW,
            )
            .unwrap_err()
    };
    let locked = parse("Password attempts exceeded");
    let wrong = parse("Incorrect username or password.");
    assert!(
        locked.is_service(&ErrorKind::NotAuthorized) && wrong.is_service(&ErrorKind::NotAuthorized)
    );
    assert!(locked.to_string().contains("locked out"), "{locked}");
    assert!(!wrong.to_string().contains("locked out"), "{wrong}");
}

/// Pain point 15: Clock: time is passed in, and the SRP TIMESTAMP follows the service's Date header when
/// the device clock is wrong.
#[test]
fn p15_clock_skew() {
    let server = SrpServer::new("AbCdEfGhI", "t-id", "pw-15");
    let mut sign_in = SignIn::new(config(false), "t", "pw-15");
    let init = body_of(&sign_in.start().unwrap(), "InitiateAuth");
    let srp_a = init["AuthParameters"]["SRP_A"].as_str().unwrap().to_owned();
    let body = json!({"ChallengeName": "PASSWORD_VERIFIER", "Session": "s-1515151515151515151", "ChallengeParameters": server.challenge_parameters()}).to_string();
    let response = cognito_auth::HttpResponse::new(200, body.as_bytes())
        .header("Date", "Tue, 14 Nov 2023 22:13:20 GMT");
    let device_clock_a_day_off = UnixTime(NOW.0 + 86_400);
    let Step::Send(request) = sign_in
        .handle_response(response, device_clock_a_day_off)
        .unwrap()
    else {
        panic!()
    };
    let body = body_of(&request, "RespondToAuthChallenge");
    assert_eq!(body["ChallengeResponses"]["TIMESTAMP"], NOW_TIMESTAMP);
    assert_eq!(
        body["ChallengeResponses"]["PASSWORD_CLAIM_SIGNATURE"],
        server.expected_signature(&srp_a, NOW_TIMESTAMP)
    );
}
