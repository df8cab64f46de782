//! Bounds on guessing and on growth: attempt limits of one-time codes, session expiry,
//! the outbox cap, and constant-time comparison of secrets.

use cognito_auth::{Challenge, ChallengeAnswer, SignIn, Step};
use cognito_auth_testkit::{DEFAULT_OUTBOX_LIMIT, MfaMode, UserSeed, UserStatus};
use serde_json::json;

use crate::support::*;

const TOTP_SECRET: &str = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";

#[test]
fn a_confirmation_code_dies_after_five_wrong_tries() {
    let mut h = Harness::new(base_config());
    h.ok(
        "SignUp",
        json!({"ClientId": PUBLIC_CLIENT, "Username": "bob", "Password": PASSWORD,
               "UserAttributes": [{"Name": "email", "Value": "bob@example.com"}]}),
    );
    let code = h.pool.take_code("bob").unwrap();
    let confirm = |code: &str| json!({"ClientId": PUBLIC_CLIENT, "Username": "bob", "ConfirmationCode": code});
    let wrong = if code == "000000" { "000001" } else { "000000" };
    for _ in 0..5 {
        let r = h.call("ConfirmSignUp", confirm(wrong));
        assert_eq!(r.error_type().as_deref(), Some("CodeMismatchException"));
    }
    // The right code no longer works: a new one must be requested.
    let r = h.call("ConfirmSignUp", confirm(&code));
    assert_eq!(r.error_type().as_deref(), Some("ExpiredCodeException"));
    assert_eq!(h.pool.user_status("bob"), Some(UserStatus::Unconfirmed));
    h.ok(
        "ResendConfirmationCode",
        json!({"ClientId": PUBLIC_CLIENT, "Username": "bob"}),
    );
    let fresh = h.pool.take_code("bob").unwrap();
    h.ok("ConfirmSignUp", confirm(&fresh));
    assert_eq!(h.pool.user_status("bob"), Some(UserStatus::Confirmed));
}

#[test]
fn a_reset_code_survives_four_wrong_tries() {
    let mut h = Harness::new(base_config());
    h.ok(
        "ForgotPassword",
        json!({"ClientId": PUBLIC_CLIENT, "Username": "alice"}),
    );
    let code = h.pool.take_code("alice").unwrap();
    let wrong = if code == "000000" { "000001" } else { "000000" };
    let body = |code: &str| {
        json!({"ClientId": PUBLIC_CLIENT, "Username": "alice", "ConfirmationCode": code,
               "Password": "Brand-New-Pass2"})
    };
    for _ in 0..4 {
        let r = h.call("ConfirmForgotPassword", body(wrong));
        assert_eq!(r.error_type().as_deref(), Some("CodeMismatchException"));
    }
    h.ok("ConfirmForgotPassword", body(&code));
}

fn totp_sign_in(h: &mut Harness) -> SignIn {
    let mut sign_in = SignIn::new(client(PUBLIC_CLIENT), "hal", PASSWORD);
    match h.sign_in(&mut sign_in).unwrap() {
        Step::Challenge(Challenge::SoftwareTokenMfa) => sign_in,
        other => panic!("expected SOFTWARE_TOKEN_MFA, got {other:?}"),
    }
}

#[test]
fn an_mfa_session_ends_after_three_wrong_codes() {
    let mut config =
        base_config().with_user(UserSeed::new("hal", PASSWORD).with_totp_secret(TOTP_SECRET));
    config.mfa = MfaMode::Optional;
    let mut h = Harness::new(config);
    let right = totp_code(TOTP_SECRET, h.now);
    let wrong = if right == "000000" {
        "000001"
    } else {
        "000000"
    };

    // Two wrong codes leave the challenge open.
    let mut sign_in = totp_sign_in(&mut h);
    for _ in 0..2 {
        let request = sign_in.answer(ChallengeAnswer::code(wrong)).unwrap();
        let err = error_code(h.drive(&mut sign_in, request));
        assert!(err.starts_with("CodeMismatchException"), "{err}");
    }
    let request = sign_in
        .answer(ChallengeAnswer::code(right.clone()))
        .unwrap();
    done(h.drive(&mut sign_in, request).unwrap());

    // The third wrong code ends the session: even the right code is refused after it.
    h.now += 60; // a fresh TOTP step
    let right = totp_code(TOTP_SECRET, h.now);
    let mut sign_in = totp_sign_in(&mut h);
    for _ in 0..3 {
        let request = sign_in.answer(ChallengeAnswer::code(wrong)).unwrap();
        let err = error_code(h.drive(&mut sign_in, request));
        assert!(err.starts_with("CodeMismatchException"), "{err}");
    }
    let request = sign_in
        .answer(ChallengeAnswer::code(right.clone()))
        .unwrap();
    let err = error_code(h.drive(&mut sign_in, request));
    assert_eq!(err, "NotAuthorizedException: Invalid session for the user.");
}

#[test]
fn expired_sessions_are_swept() {
    let mut h = Harness::new(base_config());
    for _ in 0..5 {
        h.srp_start(PUBLIC_CLIENT, "alice", json!({}));
    }
    assert_eq!(h.pool.open_sessions(), 5);
    // Three minutes (the default AuthSessionValidity) later they are gone when the next opens.
    h.now += 181;
    h.srp_start(PUBLIC_CLIENT, "alice", json!({}));
    assert_eq!(h.pool.open_sessions(), 1);
}

#[test]
fn the_outbox_keeps_the_newest_messages() {
    let mut h = Harness::new(base_config());
    h.ok(
        "SignUp",
        json!({"ClientId": PUBLIC_CLIENT, "Username": "bob", "Password": PASSWORD,
               "UserAttributes": [{"Name": "email", "Value": "bob@example.com"}]}),
    );
    for i in 0..DEFAULT_OUTBOX_LIMIT + 5 {
        h.now = NOW + i as u64;
        h.ok(
            "ResendConfirmationCode",
            json!({"ClientId": PUBLIC_CLIENT, "Username": "bob"}),
        );
    }
    let outbox = h.pool.outbox();
    assert_eq!(outbox.len(), DEFAULT_OUTBOX_LIMIT);
    assert_eq!(
        outbox.last().unwrap().sent_at,
        NOW + DEFAULT_OUTBOX_LIMIT as u64 + 4
    );
    assert_eq!(outbox.first().unwrap().sent_at, NOW + 5);
    h.pool.set_outbox_limit(3);
    assert_eq!(h.pool.outbox().len(), 3);
}

/// Constant time cannot be observed reliably from a test, so this reads the sources: codes
/// and client secrets are compared with `crypto::ct_eq` (subtle), never `==` / `!=`.
#[test]
fn secrets_and_codes_are_compared_in_constant_time() {
    let sources = [
        ("pool.rs", include_str!("../../src/pool.rs")),
        ("ops/account.rs", include_str!("../../src/ops/account.rs")),
        (
            "ops/challenge.rs",
            include_str!("../../src/ops/challenge.rs"),
        ),
        ("ops/mfa.rs", include_str!("../../src/ops/mfa.rs")),
        ("ops/tokens.rs", include_str!("../../src/ops/tokens.rs")),
    ];
    for (name, text) in sources {
        for (n, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or_default();
            let compares_secret = (code.contains("== sent") || code.contains("!= sent"))
                || ((code.contains("code ==") || code.contains("code !="))
                    && !code.contains("code.len()"))
                || code.contains("secret ==")
                || code.contains("secret !=");
            assert!(!compares_secret, "{name}:{}: `{}`", n + 1, line.trim());
        }
    }
    let account = include_str!("../../src/ops/account.rs");
    assert!(account.contains("crypto::ct_eq(&pending.code, sent)"));
    let pool = include_str!("../../src/pool.rs");
    assert!(pool.contains("crypto::ct_eq(secret, sent)"));
}
