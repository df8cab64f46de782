//! E-mail MFA end to end: EMAIL_OTP as the second factor (preference, SELECT_MFA_TYPE with
//! several factors, after a USER_AUTH password), and MFA_SETUP for e-mail.

use cognito_auth::{
    AuthFlow, Challenge, ChallengeAnswer, Error, FirstFactor, MfaType, SignIn, Step,
};
use cognito_auth_testkit::{ClientConfig, MfaMode, UserSeed};
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
fn email_otp_is_the_second_factor_by_preference_and_by_choice() {
    let mut eve = UserSeed::new("eve", PASSWORD)
        .with_attribute("email", "eve@example.com")
        .with_totp_secret(TOTP_SECRET);
    eve.mfa.email = true;
    let mut pia = UserSeed::new("pia", PASSWORD).with_attribute("email", "pia@example.com");
    pia.mfa.email = true;
    pia.mfa.preferred = Some("EMAIL_OTP".into());
    let mut config = base_config()
        .with_user(eve)
        .with_user(pia)
        .with_client(ClientConfig::new("userauthclient01").allow_user_auth());
    config.mfa = MfaMode::Optional;
    let mut h = Harness::new(config);

    // Preferred: EMAIL_OTP straight away, after SRP.
    let mut sign_in = SignIn::new(client(PUBLIC_CLIENT), "pia", PASSWORD);
    let Challenge::EmailOtp(delivery) = challenge(h.sign_in(&mut sign_in).unwrap()) else {
        panic!("expected EMAIL_OTP")
    };
    assert_eq!(delivery.destination.as_deref(), Some("p***@e***"));
    let wrong = sign_in.answer(ChallengeAnswer::code("999999")).unwrap();
    assert!(
        h.drive(&mut sign_in, wrong)
            .unwrap_err()
            .to_string()
            .contains("CodeMismatch")
    );
    let code = h.pool.take_code("pia@example.com").unwrap();
    let right = sign_in.answer(ChallengeAnswer::code(code)).unwrap();
    done(h.drive(&mut sign_in, right).unwrap());

    // Two factors, none preferred: SELECT_MFA_TYPE, then the e-mail code.
    let mut sign_in = SignIn::new(client(PUBLIC_CLIENT), "eve", PASSWORD);
    assert_eq!(
        challenge(h.sign_in(&mut sign_in).unwrap()),
        Challenge::SelectMfaType(vec![MfaType::SoftwareToken, MfaType::Email])
    );
    // SMS is not among them: the machine refuses it.
    assert!(matches!(
        sign_in.answer(ChallengeAnswer::SelectMfaType(MfaType::Sms)),
        Err(Error::InvalidInput(_))
    ));
    let request = sign_in
        .answer(ChallengeAnswer::SelectMfaType(MfaType::Email))
        .unwrap();
    assert!(matches!(
        challenge(h.drive(&mut sign_in, request).unwrap()),
        Challenge::EmailOtp(_)
    ));
    let code = h.pool.take_code("eve").unwrap();
    let request = sign_in.answer(ChallengeAnswer::code(code)).unwrap();
    done(h.drive(&mut sign_in, request).unwrap());

    // USER_AUTH with a password first factor gets the same second factor.
    let mut sign_in = SignIn::new(client("userauthclient01"), "pia", PASSWORD)
        .with_flow(AuthFlow::UserAuth)
        .with_preferred_challenge(FirstFactor::Password);
    assert!(matches!(
        challenge(h.sign_in(&mut sign_in).unwrap()),
        Challenge::EmailOtp(_)
    ));
    let code = h.pool.take_code("pia").unwrap();
    let request = sign_in.answer(ChallengeAnswer::code(code)).unwrap();
    done(h.drive(&mut sign_in, request).unwrap());
}

#[test]
fn mfa_setup_for_email_proves_the_address_then_asks_for_it() {
    let mut config = base_config().with_user(UserSeed::new("nora", PASSWORD));
    config.mfa = MfaMode::On;
    let mut h = Harness::new(config);
    let mut sign_in = SignIn::new(client(PUBLIC_CLIENT), "nora", PASSWORD);
    assert_eq!(
        challenge(h.sign_in(&mut sign_in).unwrap()),
        Challenge::MfaSetup(vec![MfaType::SoftwareToken, MfaType::Email])
    );
    let request = sign_in
        .answer(ChallengeAnswer::SetUpEmail("nora@example.com".into()))
        .unwrap();
    let Challenge::EmailOtp(delivery) = challenge(h.drive(&mut sign_in, request).unwrap()) else {
        panic!("expected EMAIL_OTP")
    };
    assert_eq!(delivery.destination.as_deref(), Some("n***@e***"));
    // A wrong code leaves it open; the right one enrols the address and signs in.
    let wrong = sign_in.answer(ChallengeAnswer::code("000000")).unwrap();
    assert!(
        h.drive(&mut sign_in, wrong)
            .unwrap_err()
            .to_string()
            .contains("CodeMismatch")
    );
    assert_eq!(h.pool.user_attributes("nora").unwrap().get("email"), None);
    let code = h.pool.take_code("nora@example.com").unwrap();
    let request = sign_in.answer(ChallengeAnswer::code(code)).unwrap();
    done(h.drive(&mut sign_in, request).unwrap());
    let attributes = h.pool.user_attributes("nora").unwrap();
    assert_eq!(
        attributes.get("email").map(String::as_str),
        Some("nora@example.com")
    );
    assert_eq!(
        attributes.get("email_verified").map(String::as_str),
        Some("true")
    );

    // From now on: EMAIL_OTP at every sign-in.
    let mut sign_in = SignIn::new(client(PUBLIC_CLIENT), "nora", PASSWORD);
    assert!(matches!(
        challenge(h.sign_in(&mut sign_in).unwrap()),
        Challenge::EmailOtp(_)
    ));
    let code = h.pool.take_code("nora").unwrap();
    let request = sign_in.answer(ChallengeAnswer::code(code)).unwrap();
    done(h.drive(&mut sign_in, request).unwrap());
}

#[test]
fn mfa_setup_for_email_refuses_a_bad_address_and_users_who_cannot() {
    let mut config = base_config().with_user(UserSeed::new("olaf", PASSWORD));
    config.mfa = MfaMode::On;
    let mut h = Harness::new(config);
    let mut sign_in = SignIn::new(client(PUBLIC_CLIENT), "olaf", PASSWORD);
    challenge(h.sign_in(&mut sign_in).unwrap());
    let request = sign_in
        .answer(ChallengeAnswer::SetUpEmail("not-an-address".into()))
        .unwrap();
    assert_eq!(
        error_code(h.drive(&mut sign_in, request)),
        "InvalidParameterException: Invalid email address format."
    );
    assert!(h.pool.outbox().is_empty());

    // A pool without e-mail MFA offers TOTP only; the machine refuses e-mail then.
    let mut config = base_config().with_user(UserSeed::new("olaf", PASSWORD));
    config.mfa = MfaMode::On;
    config.mfa_factors = vec!["SOFTWARE_TOKEN_MFA".into()];
    let mut h = Harness::new(config);
    let mut sign_in = SignIn::new(client(PUBLIC_CLIENT), "olaf", PASSWORD);
    assert_eq!(
        challenge(h.sign_in(&mut sign_in).unwrap()),
        Challenge::MfaSetup(vec![MfaType::SoftwareToken])
    );
    assert!(matches!(
        sign_in.answer(ChallengeAnswer::SetUpEmail("olaf@example.com".into())),
        Err(Error::InvalidInput(_))
    ));
}

#[test]
fn a_code_answer_may_name_the_user_as_typed() {
    // amazon-cognito-identity-js after USER_PASSWORD_AUTH answers the MFA challenge with the
    // name the user typed, here the e-mail of a pool whose user names are e-mails; the
    // service takes it (amplify-js#7615). The SRP steps still want the internal name.
    let mut ada = UserSeed::new("ada@example.com", PASSWORD);
    ada.mfa.email = true;
    let mut config = base_config()
        .with_user(ada)
        .with_user(UserSeed::new("bea@example.com", PASSWORD));
    config.username_attributes = vec!["email".into()];
    config.mfa = MfaMode::Optional;
    let mut h = Harness::new(config);
    let start = |h: &mut Harness| {
        h.ok(
            "InitiateAuth",
            json!({"ClientId": PUBLIC_CLIENT, "AuthFlow": "USER_PASSWORD_AUTH",
                   "AuthParameters": {"USERNAME": "ada@example.com", "PASSWORD": PASSWORD}}),
        )
    };
    let answer = |h: &mut Harness, session: &serde_json::Value, name: &str| {
        let code = h.pool.take_code("ada@example.com").unwrap();
        h.call(
            "RespondToAuthChallenge",
            json!({"ClientId": PUBLIC_CLIENT, "ChallengeName": "EMAIL_OTP", "Session": session,
                   "ChallengeResponses": {"USERNAME": name, "EMAIL_OTP_CODE": code}}),
        )
    };
    let challenge = start(&mut h);
    assert_eq!(challenge["ChallengeName"], "EMAIL_OTP");
    let done = answer(&mut h, &challenge["Session"], "ada@example.com");
    assert_eq!(done.status, 200, "{}", String::from_utf8_lossy(&done.body));
    assert!(done.json_body()["AuthenticationResult"]["AccessToken"].is_string());
    // Another user's name is refused.
    let challenge = start(&mut h);
    let other = answer(&mut h, &challenge["Session"], "bea@example.com");
    assert_eq!(
        other.error_type().as_deref(),
        Some("NotAuthorizedException")
    );
}
