//! NEW_PASSWORD_REQUIRED, SOFTWARE_TOKEN_MFA, MFA_SETUP, SELECT_MFA_TYPE, SMS and e-mail codes.

use std::collections::BTreeMap;

use cognito_auth::{Challenge, ChallengeAnswer, MfaType, SignIn, Step};
use cognito_auth_testkit::{MfaMode, UserSeed, UserStatus};
use serde_json::json;

use crate::support::*;

const TOTP_SECRET: &str = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";

fn challenge(step: Step) -> Challenge {
    match step {
        Step::Challenge(c) => c,
        other => panic!("expected a challenge, got {other:?}"),
    }
}

#[test]
fn new_password_required() {
    let mut config = base_config().with_user(
        UserSeed::new("gus", "Temporary-Pass1")
            .with_status("FORCE_CHANGE_PASSWORD")
            .with_attribute("email", "gus@example.com"),
    );
    config.required_attributes = vec!["name".into()];
    let mut h = Harness::new(config);
    let mut sign_in = SignIn::new(client(PUBLIC_CLIENT), "gus", "Temporary-Pass1");
    let Challenge::NewPasswordRequired {
        required_attributes,
        user_attributes,
    } = challenge(h.sign_in(&mut sign_in).unwrap())
    else {
        panic!()
    };
    assert_eq!(required_attributes, vec!["name".to_owned()]);
    assert_eq!(
        user_attributes.get("email").map(String::as_str),
        Some("gus@example.com")
    );
    let answer = ChallengeAnswer::NewPassword {
        password: "Brand-New-Pass2".into(),
        attributes: BTreeMap::from([("name".to_owned(), "Gus".to_owned())]),
    };
    let request = sign_in.answer(answer).unwrap();
    let tokens = done(h.drive(&mut sign_in, request).unwrap());
    assert_eq!(
        tokens.id_claims().unwrap().cognito_username.as_deref(),
        Some("gus")
    );
    assert_eq!(h.pool.user_status("gus"), Some(UserStatus::Confirmed));
    let mut old = SignIn::new(client(PUBLIC_CLIENT), "gus", "Temporary-Pass1");
    assert!(h.sign_in(&mut old).is_err());
    let mut new = SignIn::new(client(PUBLIC_CLIENT), "gus", "Brand-New-Pass2");
    done(h.sign_in(&mut new).unwrap());
}

#[test]
fn software_token_mfa_with_a_totp_code() {
    let mut config =
        base_config().with_user(UserSeed::new("hal", PASSWORD).with_totp_secret(TOTP_SECRET));
    config.mfa = MfaMode::Optional;
    let mut h = Harness::new(config);
    let mut sign_in = SignIn::new(client(SECRET_CLIENT), "hal", PASSWORD);
    assert_eq!(
        challenge(h.sign_in(&mut sign_in).unwrap()),
        Challenge::SoftwareTokenMfa
    );
    // A wrong code leaves the challenge open; the right one (one step of skew) signs in.
    let wrong = sign_in.answer(ChallengeAnswer::code("000000")).unwrap();
    let err = h.drive(&mut sign_in, wrong).unwrap_err();
    assert!(
        err.to_string().contains("CodeMismatch") || err.to_string().contains("Invalid code"),
        "{err}"
    );
    let right = sign_in
        .answer(ChallengeAnswer::code(totp_code(TOTP_SECRET, h.now - 30)))
        .unwrap();
    done(h.drive(&mut sign_in, right).unwrap());
    // Two steps off is refused.
    let mut late = SignIn::new(client(PUBLIC_CLIENT), "hal", PASSWORD);
    challenge(h.sign_in(&mut late).unwrap());
    let stale = late
        .answer(ChallengeAnswer::code(totp_code(TOTP_SECRET, h.now - 90)))
        .unwrap();
    assert!(h.drive(&mut late, stale).is_err());
}

#[test]
fn mfa_setup_then_software_token_mfa() {
    let mut config = base_config();
    config.mfa = MfaMode::On;
    let mut h = Harness::new(config);
    // The machine reports MFA_SETUP; the enrolment itself is driven by hand.
    let mut sign_in = SignIn::new(client(PUBLIC_CLIENT), "alice", PASSWORD);
    assert_eq!(
        challenge(h.sign_in(&mut sign_in).unwrap()),
        Challenge::MfaSetup(vec![MfaType::SoftwareToken])
    );

    let start = h.ok(
        "InitiateAuth",
        json!({"ClientId": PUBLIC_CLIENT, "AuthFlow": "USER_PASSWORD_AUTH",
        "AuthParameters": {"USERNAME": "alice", "PASSWORD": PASSWORD}}),
    );
    assert_eq!(start["ChallengeName"], "MFA_SETUP");
    assert_eq!(
        start["ChallengeParameters"]["MFAS_CAN_SETUP"],
        "[\"SOFTWARE_TOKEN_MFA\"]"
    );
    let early = h.call(
        "RespondToAuthChallenge",
        json!({"ClientId": PUBLIC_CLIENT, "ChallengeName": "MFA_SETUP",
        "Session": start["Session"], "ChallengeResponses": {"USERNAME": "alice"}}),
    );
    assert_eq!(early.status, 400);
    let start = h.ok(
        "InitiateAuth",
        json!({"ClientId": PUBLIC_CLIENT, "AuthFlow": "USER_PASSWORD_AUTH",
        "AuthParameters": {"USERNAME": "alice", "PASSWORD": PASSWORD}}),
    );
    let assoc = h.ok(
        "AssociateSoftwareToken",
        json!({"Session": start["Session"]}),
    );
    let secret = assoc["SecretCode"].as_str().unwrap().to_owned();
    assert!(secret.len() >= 16 && secret.chars().all(|c| c.is_ascii_alphanumeric()));
    let bad = h.call(
        "VerifySoftwareToken",
        json!({"Session": assoc["Session"], "UserCode": "123456"}),
    );
    assert_eq!(
        bad.error_type().as_deref(),
        Some("EnableSoftwareTokenMFAException")
    );
    let verified = h.ok(
        "VerifySoftwareToken",
        json!({"Session": assoc["Session"], "UserCode": totp_code(&secret, h.now)}),
    );
    assert_eq!(verified["Status"], "SUCCESS");
    let done_body = h.ok(
        "RespondToAuthChallenge",
        json!({"ClientId": PUBLIC_CLIENT, "ChallengeName": "MFA_SETUP",
        "Session": verified["Session"], "ChallengeResponses": {"USERNAME": "alice"}}),
    );
    assert!(done_body["AuthenticationResult"]["AccessToken"].is_string());

    // From now on the machine gets SOFTWARE_TOKEN_MFA.
    h.now += 30;
    let mut sign_in = SignIn::new(client(PUBLIC_CLIENT), "alice", PASSWORD);
    assert_eq!(
        challenge(h.sign_in(&mut sign_in).unwrap()),
        Challenge::SoftwareTokenMfa
    );
    let answer = sign_in
        .answer(ChallengeAnswer::code(totp_code(&secret, h.now)))
        .unwrap();
    done(h.drive(&mut sign_in, answer).unwrap());
}

#[test]
fn select_mfa_type_sms_and_email_codes_to_the_outbox() {
    let mut seed = UserSeed::new("ivy", PASSWORD)
        .with_attribute("email", "ivy@example.com")
        .with_attribute("phone_number", "+15555550123")
        .with_totp_secret(TOTP_SECRET);
    seed.mfa.sms = true;
    seed.mfa.email = true;
    let mut config = base_config().with_user(seed);
    config.mfa = MfaMode::Optional;
    let mut h = Harness::new(config);
    for (choice, destination) in [
        (MfaType::Sms, "+15555550123"),
        (MfaType::Email, "ivy@example.com"),
    ] {
        let mut sign_in = SignIn::new(client(PUBLIC_CLIENT), "ivy", PASSWORD);
        let Challenge::SelectMfaType(options) = challenge(h.sign_in(&mut sign_in).unwrap()) else {
            panic!()
        };
        assert_eq!(
            options,
            vec![MfaType::Sms, MfaType::SoftwareToken, MfaType::Email]
        );
        let request = sign_in
            .answer(ChallengeAnswer::SelectMfaType(choice.clone()))
            .unwrap();
        let delivered = challenge(h.drive(&mut sign_in, request).unwrap());
        match (&choice, &delivered) {
            (MfaType::Sms, Challenge::SmsMfa(d)) => {
                assert_eq!(d.destination.as_deref(), Some("+*******0123"))
            }
            (MfaType::Email, Challenge::EmailOtp(d)) => {
                assert_eq!(d.medium.as_deref(), Some("EMAIL"))
            }
            other => panic!("{other:?}"),
        }
        let message = h.pool.outbox().last().unwrap().clone();
        assert_eq!(message.destination.as_deref(), Some(destination));
        let code = h.pool.take_code("ivy").unwrap();
        let request = sign_in.answer(ChallengeAnswer::code(code)).unwrap();
        done(h.drive(&mut sign_in, request).unwrap());
    }
    // SetUserMFAPreference: prefer TOTP, then it is asked directly.
    let pw = h.ok(
        "InitiateAuth",
        json!({"ClientId": PUBLIC_CLIENT, "AuthFlow": "USER_PASSWORD_AUTH",
        "AuthParameters": {"USERNAME": "ivy", "PASSWORD": PASSWORD}}),
    );
    let answered = h.ok("RespondToAuthChallenge", json!({"ClientId": PUBLIC_CLIENT, "ChallengeName": "SELECT_MFA_TYPE",
        "Session": pw["Session"], "ChallengeResponses": {"USERNAME": "ivy", "ANSWER": "SOFTWARE_TOKEN_MFA"}}));
    h.now += 30;
    let tokens = h.ok("RespondToAuthChallenge", json!({"ClientId": PUBLIC_CLIENT, "ChallengeName": "SOFTWARE_TOKEN_MFA",
        "Session": answered["Session"], "ChallengeResponses": {"USERNAME": "ivy", "SOFTWARE_TOKEN_MFA_CODE": totp_code(TOTP_SECRET, h.now)}}));
    let access = tokens["AuthenticationResult"]["AccessToken"].clone();
    h.ok("SetUserMFAPreference", json!({"AccessToken": access, "SoftwareTokenMfaSettings": {"Enabled": true, "PreferredMfa": true}}));
    let user = h.ok("GetUser", json!({"AccessToken": access}));
    assert_eq!(user["PreferredMfaSetting"], "SOFTWARE_TOKEN_MFA");
    let mut sign_in = SignIn::new(client(PUBLIC_CLIENT), "ivy", PASSWORD);
    assert_eq!(
        challenge(h.sign_in(&mut sign_in).unwrap()),
        Challenge::SoftwareTokenMfa
    );
}
