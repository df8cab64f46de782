//! Every challenge the service can send, in the chains it really produces, against a scripted
//! Cognito that checks every request body.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod support;

use std::collections::BTreeMap;
use std::sync::Arc;

use cognito_auth::{
    ApiMisuse, AuthFlow, Challenge, ChallengeAnswer, Error, ErrorKind, FirstFactor, MfaType,
    PoolConfig, SecretString, SignIn, Status, Step, totp,
};
use serde_json::{Value, json};
use support::*;

fn config(secret: bool) -> Arc<PoolConfig> {
    let config = PoolConfig::new(POOL_ID, CLIENT_ID)
        .unwrap()
        .with_random(Arc::new(FixedRandom::new(11)));
    Arc::new(if secret {
        config.with_client_secret(CLIENT_SECRET)
    } else {
        config
    })
}

fn challenge_reply(name: &str, session: &str, parameters: Value) -> Reply {
    Reply::ok(json!({"ChallengeName": name, "Session": session, "ChallengeParameters": parameters}))
}

fn feed(sign_in: &mut SignIn, reply: Reply) -> Step {
    sign_in.handle_response(reply.as_response(), NOW).unwrap()
}

fn responses(body: &Value) -> &serde_json::Map<String, Value> {
    body["ChallengeResponses"].as_object().unwrap()
}

#[test]
fn password_verifier_then_new_password_then_mfa_setup_then_tokens() {
    let internal = "a1b2c3d4-0000-4000-8000-000000000001";
    let server = SrpServer::new("AbCdEfGhI", internal, "Temp-Pass-1");
    let mut sign_in = SignIn::new(config(true), "new.user@example.com", "Temp-Pass-1")
        .with_totp_label("Example Co", "new.user@example.com");
    let init = body_of(&sign_in.start().unwrap(), "InitiateAuth");
    let srp_a = init["AuthParameters"]["SRP_A"].as_str().unwrap().to_owned();
    let pv = body_of(
        &expect_send(feed(
            &mut sign_in,
            challenge_reply(
                "PASSWORD_VERIFIER",
                "S0-session-xxxxxxxxxxxx",
                server.challenge_parameters(),
            ),
        )),
        "RespondToAuthChallenge",
    );
    assert_eq!(
        pv["ChallengeResponses"]["PASSWORD_CLAIM_SIGNATURE"],
        server.expected_signature(&srp_a, NOW_TIMESTAMP)
    );

    // NEW_PASSWORD_REQUIRED with a required attribute and read-only ones in userAttributes.
    let challenge = expect_challenge(feed(
        &mut sign_in,
        challenge_reply(
            "NEW_PASSWORD_REQUIRED",
            "S1-session-xxxxxxxxxxxx",
            json!({
                "USER_ID_FOR_SRP": internal,
                "userAttributes": "{\"email\":\"new.user@example.com\",\"email_verified\":\"true\",\"phone_number_verified\":\"false\"}",
                "requiredAttributes": "[\"userAttributes.name\"]",
            }),
        ),
    ));
    let Challenge::NewPasswordRequired {
        user_attributes,
        required_attributes,
    } = &challenge
    else {
        panic!("{challenge:?}")
    };
    assert_eq!(required_attributes, &vec!["name".to_owned()]);
    assert!(!user_attributes.contains_key("email_verified"));

    // Missing the required attribute: refused before any request, challenge still pending.
    let incomplete = ChallengeAnswer::NewPassword {
        password: "Final-Pass-2".into(),
        attributes: BTreeMap::new(),
    };
    assert!(matches!(
        sign_in.answer(incomplete),
        Err(Error::InvalidInput(_))
    ));
    assert_eq!(sign_in.status(), Status::AwaitingAnswer);

    let attributes = BTreeMap::from([
        ("name".to_owned(), "New User".to_owned()),
        ("email".to_owned(), "other@example.com".to_owned()),
        ("email_verified".to_owned(), "true".to_owned()),
    ]);
    let body = body_of(
        &sign_in
            .answer(ChallengeAnswer::NewPassword {
                password: "Final-Pass-2".into(),
                attributes,
            })
            .unwrap(),
        "RespondToAuthChallenge",
    );
    assert_eq!(body["ChallengeName"], "NEW_PASSWORD_REQUIRED");
    assert_eq!(body["Session"], "S1-session-xxxxxxxxxxxx");
    assert_eq!(
        body["ChallengeResponses"],
        json!({"USERNAME": internal, "NEW_PASSWORD": "Final-Pass-2", "userAttributes.name": "New User", "SECRET_HASH": secret_hash(internal)}),
        "already-set and read-only attributes are never sent"
    );

    // MFA_SETUP (moto's Python-style list) -> AssociateSoftwareToken with the Session.
    let challenge = expect_challenge(feed(
        &mut sign_in,
        challenge_reply(
            "MFA_SETUP",
            "S2-session-xxxxxxxxxxxx",
            json!({"MFAS_CAN_SETUP": "['SOFTWARE_TOKEN_MFA']"}),
        ),
    ));
    assert_eq!(challenge, Challenge::MfaSetup(vec![MfaType::SoftwareToken]));
    let associate = body_of(
        &sign_in.answer(ChallengeAnswer::SetUpTotp).unwrap(),
        "AssociateSoftwareToken",
    );
    assert_eq!(associate, json!({"Session": "S2-session-xxxxxxxxxxxx"}));
    let secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
    let challenge = expect_challenge(feed(
        &mut sign_in,
        Reply::ok(json!({"SecretCode": secret, "Session": "S3-session-xxxxxxxxxxxx"})),
    ));
    let Challenge::TotpSetup(setup) = &challenge else {
        panic!("{challenge:?}")
    };
    assert_eq!(setup.secret().expose(), secret);
    assert_eq!(
        setup.uri(),
        format!(
            "otpauth://totp/Example%20Co:new.user%40example.com?secret={secret}&issuer=Example%20Co&algorithm=SHA1&digits=6&period=30"
        )
    );

    // VerifySoftwareToken with the code of the moment and a friendly name.
    let code = totp::code(secret, NOW).unwrap();
    let verify = ChallengeAnswer::VerifyTotp {
        code: code.clone().into(),
        friendly_name: Some("Jane's phone".into()),
    };
    let verify = body_of(&sign_in.answer(verify).unwrap(), "VerifySoftwareToken");
    assert_eq!(
        verify,
        json!({"Session": "S3-session-xxxxxxxxxxxx", "UserCode": code, "FriendlyDeviceName": "Jane's phone"})
    );

    // SUCCESS: the machine completes MFA_SETUP with the Session VerifySoftwareToken returned.
    let finish = body_of(
        &expect_send(feed(
            &mut sign_in,
            Reply::ok(json!({"Status": "SUCCESS", "Session": "S4-session-xxxxxxxxxxxx"})),
        )),
        "RespondToAuthChallenge",
    );
    assert_eq!(finish["ChallengeName"], "MFA_SETUP");
    assert_eq!(finish["Session"], "S4-session-xxxxxxxxxxxx");
    assert_eq!(
        finish["ChallengeResponses"],
        json!({"USERNAME": internal, "SECRET_HASH": secret_hash(internal)})
    );
    let tokens = expect_done(feed(
        &mut sign_in,
        Reply::ok(tokens_body(internal, "sub-new", Some("r"))),
    ));
    assert_eq!(tokens.internal_username().as_deref(), Some(internal));
}

#[test]
fn a_wrong_totp_during_setup_and_at_sign_in_can_be_retried() {
    let mut sign_in = SignIn::new(config(false), "kim", "pw").with_flow(AuthFlow::UserPassword);
    sign_in.start().unwrap();
    let _ = expect_challenge(feed(
        &mut sign_in,
        challenge_reply(
            "MFA_SETUP",
            "S1-xxxxxxxxxxxxxxxxxxxx",
            json!({"MFAS_CAN_SETUP": "[\"SOFTWARE_TOKEN_MFA\"]"}),
        ),
    ));
    sign_in.answer(ChallengeAnswer::SetUpTotp).unwrap();
    let _ = expect_challenge(feed(
        &mut sign_in,
        Reply::ok(
            json!({"SecretCode": "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", "Session": "S2-xxxxxxxxxxxxxxxxxxxx"}),
        ),
    ));
    let wrong = ChallengeAnswer::VerifyTotp {
        code: "000000".into(),
        friendly_name: None,
    };
    sign_in.answer(wrong).unwrap();
    let error = sign_in.handle_response(
        Reply::error("EnableSoftwareTokenMFAException", "Code mismatch").as_response(),
        NOW,
    );
    assert!(
        error
            .unwrap_err()
            .is_service(&ErrorKind::EnableSoftwareTokenMfa)
    );
    assert!(matches!(
        sign_in.pending_challenge(),
        Some(Challenge::TotpSetup(_))
    ));
    // Status ERROR is a wrong code too.
    sign_in
        .answer(ChallengeAnswer::VerifyTotp {
            code: "111111".into(),
            friendly_name: None,
        })
        .unwrap();
    let error = sign_in
        .handle_response(Reply::ok(json!({"Status": "ERROR"})).as_response(), NOW)
        .unwrap_err();
    assert!(error.is_service(&ErrorKind::CodeMismatch), "{error}");
    let right = body_of(
        &sign_in
            .answer(ChallengeAnswer::VerifyTotp {
                code: "222222".into(),
                friendly_name: None,
            })
            .unwrap(),
        "VerifySoftwareToken",
    );
    assert_eq!(right["Session"], "S2-xxxxxxxxxxxxxxxxxxxx");
    let _ = expect_send(feed(
        &mut sign_in,
        Reply::ok(json!({"Status": "SUCCESS", "Session": "S3-xxxxxxxxxxxxxxxxxxxx"})),
    ));

    // Later sign-in: SOFTWARE_TOKEN_MFA, wrong code, then the right one.
    let mut sign_in = SignIn::new(config(false), "kim", "pw").with_flow(AuthFlow::UserPassword);
    sign_in.start().unwrap();
    assert_eq!(
        expect_challenge(feed(
            &mut sign_in,
            challenge_reply(
                "SOFTWARE_TOKEN_MFA",
                "S5-xxxxxxxxxxxxxxxxxxxx",
                json!({"USERNAME": "kim"})
            )
        )),
        Challenge::SoftwareTokenMfa
    );
    sign_in.answer(ChallengeAnswer::code("999999")).unwrap();
    let error = sign_in.handle_response(
        Reply::error(
            "CodeMismatchException",
            "Invalid code or auth state for the user.",
        )
        .as_response(),
        NOW,
    );
    assert!(error.unwrap_err().is_service(&ErrorKind::CodeMismatch));
    let body = body_of(
        &sign_in
            .answer(ChallengeAnswer::code(
                totp::code("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", NOW).unwrap(),
            ))
            .unwrap(),
        "RespondToAuthChallenge",
    );
    assert_eq!(body["Session"], "S5-xxxxxxxxxxxxxxxxxxxx");
    assert_eq!(
        body["ChallengeResponses"]["SOFTWARE_TOKEN_MFA_CODE"],
        totp::code("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", NOW).unwrap()
    );
    let _ = expect_done(feed(
        &mut sign_in,
        Reply::ok(tokens_body("kim", "sub-kim", Some("r"))),
    ));
}

#[test]
fn select_mfa_type_then_sms_mfa() {
    let mut sign_in = SignIn::new(config(true), "lee", "pw").with_flow(AuthFlow::UserPassword);
    sign_in.start().unwrap();
    let challenge = expect_challenge(feed(
        &mut sign_in,
        challenge_reply(
            "SELECT_MFA_TYPE",
            "S1-yyyyyyyyyyyyyyyyyyyy",
            json!({"MFAS_CAN_CHOOSE": "[\"SMS_MFA\",\"SOFTWARE_TOKEN_MFA\"]", "USERNAME": "lee-id"}),
        ),
    ));
    assert_eq!(
        challenge,
        Challenge::SelectMfaType(vec![MfaType::Sms, MfaType::SoftwareToken])
    );
    assert!(matches!(
        sign_in.answer(ChallengeAnswer::SelectMfaType(MfaType::Email)),
        Err(Error::InvalidInput(_))
    ));
    let body = body_of(
        &sign_in
            .answer(ChallengeAnswer::SelectMfaType(MfaType::Sms))
            .unwrap(),
        "RespondToAuthChallenge",
    );
    assert_eq!(body["ChallengeName"], "SELECT_MFA_TYPE");
    assert_eq!(
        body["ChallengeResponses"],
        json!({"USERNAME": "lee-id", "ANSWER": "SMS_MFA", "SECRET_HASH": secret_hash("lee-id")})
    );
    let challenge = expect_challenge(feed(
        &mut sign_in,
        challenge_reply(
            "SMS_MFA",
            "S2-yyyyyyyyyyyyyyyyyyyy",
            json!({"CODE_DELIVERY_DESTINATION": "+*******0100", "CODE_DELIVERY_DELIVERY_MEDIUM": "SMS"}),
        ),
    ));
    let Challenge::SmsMfa(delivery) = challenge else {
        panic!()
    };
    assert_eq!(
        (delivery.destination.as_deref(), delivery.medium.as_deref()),
        (Some("+*******0100"), Some("SMS"))
    );
    let body = body_of(
        &sign_in.answer(ChallengeAnswer::code(" 123456 ")).unwrap(),
        "RespondToAuthChallenge",
    );
    assert_eq!(body["ChallengeResponses"]["SMS_MFA_CODE"], "123456");
    assert_eq!(body["Session"], "S2-yyyyyyyyyyyyyyyyyyyy");
    let _ = expect_done(feed(
        &mut sign_in,
        Reply::ok(tokens_body("lee-id", "sub", Some("r"))),
    ));
}

#[test]
fn user_auth_select_challenge_then_email_otp() {
    let mut sign_in = SignIn::passwordless(config(false), "mia@example.com", AuthFlow::UserAuth);
    let init = body_of(&sign_in.start().unwrap(), "InitiateAuth");
    assert_eq!(init["AuthFlow"], "USER_AUTH");
    assert_eq!(
        init["AuthParameters"],
        json!({"USERNAME": "mia@example.com"})
    );
    let reply = Reply::ok(
        json!({"ChallengeName": "SELECT_CHALLENGE", "Session": "S1-zzzzzzzzzzzzzzzzzzzz",
        "AvailableChallenges": ["PASSWORD_SRP", "EMAIL_OTP", "WEB_AUTHN"], "ChallengeParameters": {}}),
    );
    let challenge = expect_challenge(feed(&mut sign_in, reply));
    assert_eq!(
        challenge,
        Challenge::SelectChallenge(vec![
            FirstFactor::PasswordSrp,
            FirstFactor::EmailOtp,
            FirstFactor::WebAuthn
        ])
    );
    // No password was given, so PASSWORD_SRP needs one: refused, nothing changes.
    assert!(matches!(
        sign_in.answer(ChallengeAnswer::SelectFirstFactor(FirstFactor::PasswordSrp)),
        Err(Error::InvalidInput(_))
    ));
    assert!(matches!(
        sign_in.answer(ChallengeAnswer::SelectFirstFactor(FirstFactor::SmsOtp)),
        Err(Error::InvalidInput(_))
    ));
    let body = body_of(
        &sign_in
            .answer(ChallengeAnswer::SelectFirstFactor(FirstFactor::EmailOtp))
            .unwrap(),
        "RespondToAuthChallenge",
    );
    assert_eq!(body["ChallengeName"], "SELECT_CHALLENGE");
    assert_eq!(
        body["ChallengeResponses"],
        json!({"USERNAME": "mia@example.com", "ANSWER": "EMAIL_OTP"})
    );
    let challenge = expect_challenge(feed(
        &mut sign_in,
        challenge_reply(
            "EMAIL_OTP",
            "S2-zzzzzzzzzzzzzzzzzzzz",
            json!({"CODE_DELIVERY_DESTINATION": "m***@e***", "CODE_DELIVERY_DELIVERY_MEDIUM": "EMAIL", "USERNAME": "mia-id"}),
        ),
    ));
    assert!(matches!(challenge, Challenge::EmailOtp(_)));
    let body = body_of(
        &sign_in.answer(ChallengeAnswer::code("87654321")).unwrap(),
        "RespondToAuthChallenge",
    );
    assert_eq!(
        body["ChallengeResponses"],
        json!({"USERNAME": "mia-id", "EMAIL_OTP_CODE": "87654321"})
    );
    let _ = expect_done(feed(
        &mut sign_in,
        Reply::ok(tokens_body("mia-id", "sub", Some("r"))),
    ));
}

#[test]
fn user_auth_select_challenge_with_a_password_prefers_srp() {
    let server = SrpServer::new("AbCdEfGhI", "ned-id", "Ned-Pass-1");
    let mut sign_in = SignIn::passwordless(config(false), "ned", AuthFlow::UserAuth);
    sign_in.start().unwrap();
    let reply = Reply::ok(
        json!({"ChallengeName": "SELECT_CHALLENGE", "Session": "S1-pppppppppppppppppppp",
        "AvailableChallenges": ["PASSWORD", "PASSWORD_SRP"]}),
    );
    let _ = expect_challenge(feed(&mut sign_in, reply));
    let body = body_of(
        &sign_in
            .answer(ChallengeAnswer::Password("Ned-Pass-1".into()))
            .unwrap(),
        "RespondToAuthChallenge",
    );
    let responses = responses(&body);
    assert_eq!(responses["ANSWER"], "PASSWORD_SRP");
    assert!(
        !responses.contains_key("PASSWORD"),
        "SRP never sends the password"
    );
    let srp_a = responses["SRP_A"].as_str().unwrap().to_owned();
    let pv = body_of(
        &expect_send(feed(
            &mut sign_in,
            challenge_reply(
                "PASSWORD_VERIFIER",
                "S2-pppppppppppppppppppp",
                server.challenge_parameters(),
            ),
        )),
        "RespondToAuthChallenge",
    );
    assert_eq!(
        pv["ChallengeResponses"]["PASSWORD_CLAIM_SIGNATURE"],
        server.expected_signature(&srp_a, NOW_TIMESTAMP)
    );
    let _ = expect_done(feed(
        &mut sign_in,
        Reply::ok(tokens_body("ned-id", "sub", Some("r"))),
    ));
}

#[test]
fn user_auth_with_preferred_challenges() {
    // PASSWORD_SRP preferred: SRP_A in InitiateAuth, PASSWORD_VERIFIER next.
    let server = SrpServer::new("AbCdEfGhI", "oli-id", "Oli-Pass-1");
    let mut sign_in = SignIn::new(config(false), "oli", "Oli-Pass-1")
        .with_flow(AuthFlow::UserAuth)
        .with_preferred_challenge(FirstFactor::PasswordSrp);
    let init = body_of(&sign_in.start().unwrap(), "InitiateAuth");
    assert_eq!(
        init["AuthParameters"]["PREFERRED_CHALLENGE"],
        "PASSWORD_SRP"
    );
    let srp_a = init["AuthParameters"]["SRP_A"].as_str().unwrap().to_owned();
    let pv = body_of(
        &expect_send(feed(
            &mut sign_in,
            challenge_reply(
                "PASSWORD_VERIFIER",
                "S1-qqqqqqqqqqqqqqqqqqqq",
                server.challenge_parameters(),
            ),
        )),
        "RespondToAuthChallenge",
    );
    assert_eq!(
        pv["ChallengeResponses"]["PASSWORD_CLAIM_SIGNATURE"],
        server.expected_signature(&srp_a, NOW_TIMESTAMP)
    );

    // PASSWORD preferred: the password in InitiateAuth.
    let mut sign_in = SignIn::new(config(false), "oli", "Oli-Pass-1")
        .with_flow(AuthFlow::UserAuth)
        .with_preferred_challenge(FirstFactor::Password);
    let init = body_of(&sign_in.start().unwrap(), "InitiateAuth");
    assert_eq!(
        init["AuthParameters"],
        json!({"USERNAME": "oli", "PREFERRED_CHALLENGE": "PASSWORD", "PASSWORD": "Oli-Pass-1"})
    );

    // Right after sign-up, with the ConfirmSignUp Session.
    let mut sign_in = SignIn::passwordless(config(false), "oli", AuthFlow::UserAuth)
        .with_session(SecretString::new("signup-session-abcdefghij"));
    let init = body_of(&sign_in.start().unwrap(), "InitiateAuth");
    assert_eq!(init["Session"], "signup-session-abcdefghij");
}

#[test]
fn web_authn_passes_options_and_credential() {
    let mut sign_in = SignIn::passwordless(config(false), "pat", AuthFlow::UserAuth)
        .with_preferred_challenge(FirstFactor::WebAuthn);
    let init = body_of(&sign_in.start().unwrap(), "InitiateAuth");
    assert_eq!(
        init["AuthParameters"],
        json!({"USERNAME": "pat", "PREFERRED_CHALLENGE": "WEB_AUTHN"})
    );
    let options = r#"{"challenge":"abc","rpId":"example.com"}"#;
    let challenge = expect_challenge(feed(
        &mut sign_in,
        challenge_reply(
            "WEB_AUTHN",
            "S1-wwwwwwwwwwwwwwwwwwww",
            json!({"CREDENTIAL_REQUEST_OPTIONS": options}),
        ),
    ));
    assert_eq!(
        challenge,
        Challenge::WebAuthn {
            credential_request_options: options.to_owned()
        }
    );
    let credential = r#"{"id":"cred","response":{"signature":"sig"}}"#;
    let body = body_of(
        &sign_in
            .answer(ChallengeAnswer::WebAuthnCredential(credential.to_owned()))
            .unwrap(),
        "RespondToAuthChallenge",
    );
    assert_eq!(
        body["ChallengeResponses"],
        json!({"USERNAME": "pat", "CREDENTIAL": credential})
    );
}

#[test]
fn custom_auth_with_three_rounds_and_client_metadata() {
    let mut sign_in = SignIn::passwordless(config(true), "quinn", AuthFlow::CustomWithoutSrp);
    sign_in.set_client_metadata(BTreeMap::from([("locale".to_owned(), "fr".to_owned())]));
    let init = body_of(&sign_in.start().unwrap(), "InitiateAuth");
    assert_eq!(init["AuthFlow"], "CUSTOM_AUTH");
    assert_eq!(
        init["AuthParameters"],
        json!({"USERNAME": "quinn", "SECRET_HASH": secret_hash("quinn")})
    );
    assert_eq!(init["ClientMetadata"], json!({"locale": "fr"}));
    let mut session = "C0-cccccccccccccccccccc".to_owned();
    let mut step = feed(
        &mut sign_in,
        challenge_reply(
            "CUSTOM_CHALLENGE",
            &session,
            json!({"USERNAME": "quinn-id", "question": "1 + 1"}),
        ),
    );
    for round in 1..=3 {
        let challenge = expect_challenge(step);
        let Challenge::Custom(parameters) = &challenge else {
            panic!("{challenge:?}")
        };
        assert_eq!(parameters["question"], format!("{round} + {round}"));
        sign_in.set_client_metadata(BTreeMap::from([("round".to_owned(), round.to_string())]));
        let body = body_of(
            &sign_in
                .answer(ChallengeAnswer::Custom((2 * round).to_string().into()))
                .unwrap(),
            "RespondToAuthChallenge",
        );
        assert_eq!(body["ChallengeName"], "CUSTOM_CHALLENGE");
        assert_eq!(body["Session"], session);
        assert_eq!(
            body["ChallengeResponses"],
            json!({"USERNAME": "quinn-id", "ANSWER": (2 * round).to_string(), "SECRET_HASH": secret_hash("quinn-id")})
        );
        assert_eq!(body["ClientMetadata"], json!({"round": round.to_string()}));
        session = format!("C{round}-cccccccccccccccccccc");
        step = if round < 3 {
            let next = round + 1;
            feed(
                &mut sign_in,
                challenge_reply(
                    "CUSTOM_CHALLENGE",
                    &session,
                    json!({"USERNAME": "quinn-id", "question": format!("{next} + {next}")}),
                ),
            )
        } else {
            feed(
                &mut sign_in,
                Reply::ok(tokens_body("quinn-id", "sub", Some("r"))),
            )
        };
    }
    let _ = expect_done(step);
}

#[test]
fn custom_auth_with_srp_first() {
    let server = SrpServer::new("AbCdEfGhI", "rae-id", "Rae-Pass-1");
    let mut sign_in =
        SignIn::new(config(false), "rae", "Rae-Pass-1").with_flow(AuthFlow::CustomWithSrp);
    let init = body_of(&sign_in.start().unwrap(), "InitiateAuth");
    assert_eq!(init["AuthFlow"], "CUSTOM_AUTH");
    assert_eq!(init["AuthParameters"]["CHALLENGE_NAME"], "SRP_A");
    let srp_a = init["AuthParameters"]["SRP_A"].as_str().unwrap().to_owned();
    let pv = body_of(
        &expect_send(feed(
            &mut sign_in,
            challenge_reply(
                "PASSWORD_VERIFIER",
                "S1-rrrrrrrrrrrrrrrrrrrr",
                server.challenge_parameters(),
            ),
        )),
        "RespondToAuthChallenge",
    );
    assert_eq!(
        pv["ChallengeResponses"]["PASSWORD_CLAIM_SIGNATURE"],
        server.expected_signature(&srp_a, NOW_TIMESTAMP)
    );
    let challenge = expect_challenge(feed(
        &mut sign_in,
        challenge_reply(
            "CUSTOM_CHALLENGE",
            "S2-rrrrrrrrrrrrrrrrrrrr",
            json!({"USERNAME": "rae-id", "captcha": "x"}),
        ),
    ));
    assert!(matches!(challenge, Challenge::Custom(_)));
    let body = body_of(
        &sign_in
            .answer(ChallengeAnswer::Custom("solved".into()))
            .unwrap(),
        "RespondToAuthChallenge",
    );
    assert_eq!(
        body["ChallengeResponses"],
        json!({"USERNAME": "rae-id", "ANSWER": "solved"})
    );
}

#[test]
fn email_mfa_setup() {
    let mut sign_in = SignIn::new(config(false), "sam", "pw").with_flow(AuthFlow::UserPassword);
    sign_in.start().unwrap();
    let challenge = expect_challenge(feed(
        &mut sign_in,
        challenge_reply(
            "MFA_SETUP",
            "S1-eeeeeeeeeeeeeeeeeeee",
            json!({"MFAS_CAN_SETUP": "[\"EMAIL_OTP\"]", "USERNAME": "sam-id"}),
        ),
    ));
    assert_eq!(challenge, Challenge::MfaSetup(vec![MfaType::Email]));
    assert!(matches!(
        sign_in.answer(ChallengeAnswer::SetUpTotp),
        Err(Error::InvalidInput(_))
    ));
    let body = body_of(
        &sign_in
            .answer(ChallengeAnswer::SetUpEmail("sam@example.com".into()))
            .unwrap(),
        "RespondToAuthChallenge",
    );
    assert_eq!(body["ChallengeName"], "MFA_SETUP");
    assert_eq!(
        body["ChallengeResponses"],
        json!({"USERNAME": "sam-id", "EMAIL": "sam@example.com"})
    );
    let challenge = expect_challenge(feed(
        &mut sign_in,
        challenge_reply(
            "EMAIL_OTP",
            "S2-eeeeeeeeeeeeeeeeeeee",
            json!({"CODE_DELIVERY_DESTINATION": "s***@e***"}),
        ),
    ));
    assert!(matches!(challenge, Challenge::EmailOtp(_)));
}

#[test]
fn context_members_go_on_every_sign_in_request() {
    let config = PoolConfig::new(POOL_ID, CLIENT_ID)
        .unwrap()
        .with_random(Arc::new(FixedRandom::new(3)))
        .with_client_metadata(BTreeMap::from([("app".to_owned(), "demo".to_owned())]))
        .with_analytics_endpoint_id("pinpoint-1")
        .with_user_context_data("encoded-fingerprint");
    let mut sign_in = SignIn::new(Arc::new(config), "tess", "pw").with_flow(AuthFlow::UserPassword);
    let init = body_of(&sign_in.start().unwrap(), "InitiateAuth");
    let challenge = challenge_reply("SOFTWARE_TOKEN_MFA", "S1-mmmmmmmmmmmmmmmmmmmm", json!({}));
    let _ = expect_challenge(feed(&mut sign_in, challenge));
    let answer = body_of(
        &sign_in.answer(ChallengeAnswer::code("123456")).unwrap(),
        "RespondToAuthChallenge",
    );
    for body in [init, answer] {
        assert_eq!(body["ClientMetadata"], json!({"app": "demo"}));
        assert_eq!(
            body["AnalyticsMetadata"],
            json!({"AnalyticsEndpointId": "pinpoint-1"})
        );
        assert_eq!(
            body["UserContextData"],
            json!({"EncodedData": "encoded-fingerprint"})
        );
    }
}

#[test]
fn an_expired_session_says_to_start_over() {
    let mut sign_in = SignIn::new(config(false), "uma", "pw").with_flow(AuthFlow::UserPassword);
    sign_in.start().unwrap();
    let _ = expect_challenge(feed(
        &mut sign_in,
        challenge_reply("SMS_MFA", "S1-ssssssssssssssssssss", json!({})),
    ));
    sign_in.answer(ChallengeAnswer::code("123456")).unwrap();
    let error = sign_in
        .handle_response(
            Reply::error(
                "NotAuthorizedException",
                "Invalid session for the user, session is expired.",
            )
            .as_response(),
            NOW,
        )
        .unwrap_err();
    assert!(error.is_service(&ErrorKind::NotAuthorized));
    assert!(
        error.to_string().contains("start the sign-in again"),
        "{error}"
    );
    assert_eq!(sign_in.status(), Status::Failed);
}

#[test]
fn totp_enrolment_survives_suspend_and_resume() {
    let mut sign_in = SignIn::new(config(false), "val", "pw").with_flow(AuthFlow::UserPassword);
    sign_in.start().unwrap();
    let _ = expect_challenge(feed(
        &mut sign_in,
        challenge_reply(
            "MFA_SETUP",
            "S1-vvvvvvvvvvvvvvvvvvvv",
            json!({"MFAS_CAN_SETUP": "[\"SOFTWARE_TOKEN_MFA\"]"}),
        ),
    ));
    sign_in.answer(ChallengeAnswer::SetUpTotp).unwrap();
    let _ = expect_challenge(feed(
        &mut sign_in,
        Reply::ok(
            json!({"SecretCode": "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", "Session": "S2-vvvvvvvvvvvvvvvvvvvv"}),
        ),
    ));
    let saved = serde_json::to_vec(&sign_in.suspend().unwrap()).unwrap();
    let mut resumed =
        SignIn::resume(config(false), serde_json::from_slice(&saved).unwrap()).unwrap();
    assert!(matches!(
        resumed.pending_challenge(),
        Some(Challenge::TotpSetup(_))
    ));
    let body = body_of(
        &resumed
            .answer(ChallengeAnswer::VerifyTotp {
                code: "123456".into(),
                friendly_name: None,
            })
            .unwrap(),
        "VerifySoftwareToken",
    );
    assert_eq!(body["Session"], "S2-vvvvvvvvvvvvvvvvvvvv");
    assert!(matches!(
        resumed.answer(ChallengeAnswer::SetUpTotp),
        Err(Error::ApiMisuse(ApiMisuse::NoChallengePending))
    ));
}
