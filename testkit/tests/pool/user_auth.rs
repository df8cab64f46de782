//! Choice-based sign-in (USER_AUTH) end to end: PREFERRED_CHALLENGE, SELECT_CHALLENGE with
//! AvailableChallenges, PASSWORD / PASSWORD_SRP / EMAIL_OTP first factors, sign-in with
//! ConfirmSignUp's Session, GetUserAuthFactors.

use cognito_auth::account::{Call, ConfirmSignUp, GetUserAuthFactors, SignUp};
use cognito_auth::{
    AuthFlow, Challenge, ChallengeAnswer, Error, FirstFactor, HttpResponse, SignIn, Step,
};
use cognito_auth_testkit::{ClientConfig, Config, SignInPolicy, UserSeed};
use serde_json::json;

use crate::support::*;

/// A client that allows USER_AUTH (and nothing else but refresh).
pub const USER_AUTH_CLIENT: &str = "userauthclient01";

pub fn user_auth_config(factors: &[&str]) -> Config {
    let mut config = base_config()
        .with_client(ClientConfig::new(USER_AUTH_CLIENT).allow_user_auth())
        .with_user(
            UserSeed::new("una", PASSWORD)
                .with_attribute("email", "una@example.com")
                .with_attribute("email_verified", "false"),
        );
    config.sign_in_policy = SignInPolicy {
        allowed_first_auth_factors: factors.iter().map(|f| (*f).to_owned()).collect(),
    };
    config
}

fn challenge(step: Step) -> Challenge {
    match step {
        Step::Challenge(c) => c,
        other => panic!("expected a challenge, got {other:?}"),
    }
}

fn user_auth(username: &str) -> SignIn {
    SignIn::new(client(USER_AUTH_CLIENT), username, PASSWORD).with_flow(AuthFlow::UserAuth)
}

fn passwordless(username: &str) -> SignIn {
    SignIn::passwordless(client(USER_AUTH_CLIENT), username, AuthFlow::UserAuth)
}

#[test]
fn select_challenge_offers_the_users_factors_then_password_srp_signs_in() {
    let mut h = Harness::new(user_auth_config(&["PASSWORD", "EMAIL_OTP"]));
    let mut sign_in = user_auth("alice");
    assert_eq!(
        challenge(h.sign_in(&mut sign_in).unwrap()),
        Challenge::SelectChallenge(vec![
            FirstFactor::Password,
            FirstFactor::PasswordSrp,
            FirstFactor::EmailOtp
        ])
    );
    // SRP with the pool's verifier: PASSWORD_VERIFIER is answered by the machine.
    let request = sign_in
        .answer(ChallengeAnswer::SelectFirstFactor(FirstFactor::PasswordSrp))
        .unwrap();
    let tokens = done(h.drive(&mut sign_in, request).unwrap());
    assert_eq!(
        tokens.id_claims().unwrap().cognito_username.as_deref(),
        Some("alice")
    );

    // ChallengeAnswer::Password picks SRP too; a wrong password fails it.
    let mut wrong = passwordless("alice");
    challenge(h.sign_in(&mut wrong).unwrap());
    let request = wrong
        .answer(ChallengeAnswer::Password("Wrong-Horse-9".into()))
        .unwrap();
    assert_eq!(
        error_code(h.drive(&mut wrong, request)),
        "NotAuthorizedException: Incorrect username or password."
    );

    // An unverified e-mail is no first factor: una is offered passwords only.
    let mut una = user_auth("una");
    assert_eq!(
        challenge(h.sign_in(&mut una).unwrap()),
        Challenge::SelectChallenge(vec![FirstFactor::Password, FirstFactor::PasswordSrp])
    );
    // The machine refuses a factor not offered; the pool refuses it too.
    assert!(matches!(
        una.answer(ChallengeAnswer::SelectFirstFactor(FirstFactor::EmailOtp)),
        Err(Error::InvalidInput(_))
    ));
    let start = h.ok(
        "InitiateAuth",
        json!({"ClientId": USER_AUTH_CLIENT, "AuthFlow": "USER_AUTH",
               "AuthParameters": {"USERNAME": "una"}}),
    );
    assert_eq!(start["ChallengeName"], "SELECT_CHALLENGE");
    assert_eq!(
        start["AvailableChallenges"],
        json!(["PASSWORD", "PASSWORD_SRP"])
    );
    let refused = h.call(
        "RespondToAuthChallenge",
        json!({"ClientId": USER_AUTH_CLIENT, "ChallengeName": "SELECT_CHALLENGE",
               "Session": start["Session"],
               "ChallengeResponses": {"USERNAME": "una", "ANSWER": "EMAIL_OTP"}}),
    );
    assert_eq!(
        refused.error_type().as_deref(),
        Some("InvalidParameterException")
    );
    assert!(h.pool.outbox().is_empty());
}

#[test]
fn select_challenge_with_password_sends_it_and_checks_it() {
    let mut h = Harness::new(user_auth_config(&["PASSWORD"]));
    let mut sign_in = user_auth("alice");
    challenge(h.sign_in(&mut sign_in).unwrap());
    let request = sign_in
        .answer(ChallengeAnswer::SelectFirstFactor(FirstFactor::Password))
        .unwrap();
    done(h.drive(&mut sign_in, request).unwrap());

    let mut wrong = SignIn::new(client(USER_AUTH_CLIENT), "alice", "Wrong-Horse-9")
        .with_flow(AuthFlow::UserAuth);
    challenge(h.sign_in(&mut wrong).unwrap());
    let request = wrong
        .answer(ChallengeAnswer::SelectFirstFactor(FirstFactor::Password))
        .unwrap();
    assert_eq!(
        error_code(h.drive(&mut wrong, request)),
        "NotAuthorizedException: Incorrect username or password."
    );
}

#[test]
fn preferred_password_and_password_srp_are_honoured() {
    let mut h = Harness::new(user_auth_config(&["PASSWORD"]));
    for factor in [FirstFactor::Password, FirstFactor::PasswordSrp] {
        let mut sign_in = user_auth("alice").with_preferred_challenge(factor.clone());
        done(h.sign_in(&mut sign_in).unwrap());
        let mut wrong = SignIn::new(client(USER_AUTH_CLIENT), "alice", "Wrong-Horse-9")
            .with_flow(AuthFlow::UserAuth)
            .with_preferred_challenge(factor);
        assert_eq!(
            error_code(h.sign_in(&mut wrong)),
            "NotAuthorizedException: Incorrect username or password."
        );
    }
    // With a client secret: SECRET_HASH is checked on USER_AUTH too.
    let mut config = user_auth_config(&["PASSWORD"]);
    config.clients[1] = ClientConfig::new(SECRET_CLIENT)
        .with_secret(CLIENT_SECRET)
        .allow_user_auth();
    let mut h = Harness::new(config);
    let mut sign_in = SignIn::new(client(SECRET_CLIENT), "alice", PASSWORD)
        .with_flow(AuthFlow::UserAuth)
        .with_preferred_challenge(FirstFactor::PasswordSrp);
    done(h.sign_in(&mut sign_in).unwrap());
    let unhashed = h.call(
        "InitiateAuth",
        json!({"ClientId": SECRET_CLIENT, "AuthFlow": "USER_AUTH",
               "AuthParameters": {"USERNAME": "alice", "PREFERRED_CHALLENGE": "PASSWORD",
                                  "PASSWORD": PASSWORD}}),
    );
    assert_eq!(
        unhashed.error_type().as_deref(),
        Some("NotAuthorizedException")
    );
}

#[test]
fn preferred_email_otp_signs_in_with_the_code_from_the_outbox() {
    let mut h = Harness::new(user_auth_config(&["PASSWORD", "EMAIL_OTP"]));
    let mut sign_in = passwordless("alice").with_preferred_challenge(FirstFactor::EmailOtp);
    let Challenge::EmailOtp(delivery) = challenge(h.sign_in(&mut sign_in).unwrap()) else {
        panic!("expected EMAIL_OTP")
    };
    assert_eq!(delivery.medium.as_deref(), Some("EMAIL"));
    assert_eq!(delivery.destination.as_deref(), Some("a***@e***"));
    let message = h.pool.outbox().last().unwrap().clone();
    assert_eq!(message.destination.as_deref(), Some("alice@example.com"));
    // A wrong code leaves the challenge open; the right one signs in.
    let wrong = sign_in.answer(ChallengeAnswer::code("000000")).unwrap();
    let err = h.drive(&mut sign_in, wrong).unwrap_err();
    assert!(err.to_string().contains("CodeMismatch"), "{err}");
    let code = h.pool.take_code("alice").unwrap();
    let right = sign_in.answer(ChallengeAnswer::code(code)).unwrap();
    let tokens = done(h.drive(&mut sign_in, right).unwrap());
    assert_eq!(
        tokens.id_claims().unwrap().email.as_deref(),
        Some("alice@example.com")
    );

    // Three wrong codes end the session, as for MFA codes: the right code is then too late.
    let mut sign_in = passwordless("alice").with_preferred_challenge(FirstFactor::EmailOtp);
    challenge(h.sign_in(&mut sign_in).unwrap());
    let code = h.pool.take_code("alice").unwrap();
    for _ in 0..3 {
        let wrong = sign_in.answer(ChallengeAnswer::code("000000")).unwrap();
        assert!(h.drive(&mut sign_in, wrong).is_err());
    }
    let late = sign_in.answer(ChallengeAnswer::code(code)).unwrap();
    assert_eq!(
        error_code(h.drive(&mut sign_in, late)),
        "NotAuthorizedException: Invalid session for the user."
    );
}

#[test]
fn an_unavailable_preferred_challenge_falls_back_to_select_challenge() {
    // EMAIL_OTP not in the pool's policy: SELECT_CHALLENGE, and no code is sent.
    let mut h = Harness::new(user_auth_config(&["PASSWORD"]));
    let mut sign_in = passwordless("alice").with_preferred_challenge(FirstFactor::EmailOtp);
    assert_eq!(
        challenge(h.sign_in(&mut sign_in).unwrap()),
        Challenge::SelectChallenge(vec![FirstFactor::Password, FirstFactor::PasswordSrp])
    );
    assert!(h.pool.outbox().is_empty());
    // SMS_OTP allowed by the pool but alice has no phone number: the same.
    let mut h = Harness::new(user_auth_config(&["PASSWORD", "EMAIL_OTP", "SMS_OTP"]));
    let mut sign_in = passwordless("alice").with_preferred_challenge(FirstFactor::SmsOtp);
    let Challenge::SelectChallenge(offered) = challenge(h.sign_in(&mut sign_in).unwrap()) else {
        panic!()
    };
    assert!(!offered.contains(&FirstFactor::SmsOtp), "{offered:?}");
    // The preferred PASSWORD_SRP without a password: the machine refuses to start.
    let mut sign_in = passwordless("alice").with_preferred_challenge(FirstFactor::PasswordSrp);
    assert!(matches!(sign_in.start(), Err(Error::InvalidInput(_))));
}

#[test]
fn sms_otp_first_factor_goes_to_the_phone() {
    let mut config = user_auth_config(&["SMS_OTP"]);
    config
        .users
        .push(UserSeed::new("sam", PASSWORD).with_attribute("phone_number", "+15555550100"));
    let mut h = Harness::new(config);
    let mut sign_in = passwordless("sam").with_preferred_challenge(FirstFactor::SmsOtp);
    let Challenge::SmsOtp(delivery) = challenge(h.sign_in(&mut sign_in).unwrap()) else {
        panic!("expected SMS_OTP")
    };
    assert_eq!(delivery.destination.as_deref(), Some("+*******0100"));
    let code = h.pool.take_code("+15555550100").unwrap();
    let request = sign_in.answer(ChallengeAnswer::code(code)).unwrap();
    done(h.drive(&mut sign_in, request).unwrap());
}

#[test]
fn user_auth_needs_allow_user_auth() {
    let mut h = Harness::new(user_auth_config(&["PASSWORD"]));
    let mut sign_in = SignIn::new(client(PUBLIC_CLIENT), "alice", PASSWORD)
        .with_flow(AuthFlow::UserAuth)
        .with_preferred_challenge(FirstFactor::PasswordSrp);
    assert_eq!(
        error_code(h.sign_in(&mut sign_in)),
        "InvalidParameterException: USER_AUTH flow not enabled for this client"
    );
}

fn parse<C: Call>(h: &mut Harness, call: &C) -> Result<C::Output, Error> {
    let response = h.send(&call.request(&client(USER_AUTH_CLIENT)));
    C::parse(HttpResponse::new(response.status, &response.body))
}

#[test]
fn signs_in_with_the_session_confirm_sign_up_returns() {
    let mut h = Harness::new(user_auth_config(&["PASSWORD", "EMAIL_OTP"]));
    let signed_up = parse(
        &mut h,
        &SignUp::new("bea", Some(PASSWORD.into())).with_attribute("email", "bea@example.com"),
    )
    .unwrap();
    let session = signed_up.session.expect("SignUp's Session");
    // A wrong code keeps the SignUp Session usable.
    let wrong = parse(
        &mut h,
        &ConfirmSignUp::new("bea", "000000").with_session(session.clone()),
    );
    assert!(wrong.is_err());
    let code = h.pool.take_code("bea").unwrap();
    let confirmed = parse(
        &mut h,
        &ConfirmSignUp::new("bea", code).with_session(session),
    )
    .unwrap();
    let session = confirmed.session.expect("ConfirmSignUp's Session");

    let mut sign_in = passwordless("bea").with_session(session.clone());
    let tokens = done(h.sign_in(&mut sign_in).unwrap());
    assert_eq!(
        tokens.id_claims().unwrap().email.as_deref(),
        Some("bea@example.com")
    );
    // Single use, and only for that user.
    let mut again = passwordless("bea").with_session(session);
    assert_eq!(
        error_code(h.sign_in(&mut again)),
        "NotAuthorizedException: Invalid session for the user."
    );
    let signed_up = parse(&mut h, &SignUp::new("cy", Some(PASSWORD.into()))).unwrap();
    let code = h.pool.take_code("cy").unwrap();
    let confirmed = parse(
        &mut h,
        &ConfirmSignUp::new("cy", code).with_session(signed_up.session.unwrap()),
    )
    .unwrap();
    let mut other = passwordless("alice").with_session(confirmed.session.unwrap());
    assert_eq!(
        error_code(h.sign_in(&mut other)),
        "NotAuthorizedException: Invalid session for the user."
    );
}

#[test]
fn get_user_auth_factors_lists_first_factors_and_mfa() {
    let mut config = user_auth_config(&["PASSWORD", "EMAIL_OTP"]);
    config.users[0].mfa.email = true;
    config.users[0].mfa.preferred = Some("EMAIL_OTP".into());
    let mut h = Harness::new(config);
    let mut sign_in = user_auth("alice").with_preferred_challenge(FirstFactor::Password);
    let tokens = done(h.sign_in(&mut sign_in).unwrap());
    let factors = parse(
        &mut h,
        &GetUserAuthFactors::new(tokens.access_token.expose()),
    )
    .unwrap();
    assert_eq!(factors.username, "alice");
    let names: Vec<String> = factors
        .configured_user_auth_factors
        .iter()
        .map(|f| {
            serde_json::to_value(f)
                .unwrap()
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_eq!(names, ["PASSWORD", "EMAIL_OTP"]);
    assert_eq!(factors.user_mfa_setting_list, ["EMAIL_OTP"]);
    assert_eq!(factors.preferred_mfa_setting.as_deref(), Some("EMAIL_OTP"));
    // A bad token is refused.
    assert!(parse(&mut h, &GetUserAuthFactors::new("not.a.token")).is_err());
}

#[test]
fn select_challenge_then_email_otp_over_http() {
    use std::sync::Arc;

    use cognito_auth::{PoolConfig, UnixTime};
    use cognito_auth_testkit::{Pool, SeededRng, Server};

    let mut rng = SeededRng::new(5);
    let pool = Pool::new(user_auth_config(&["PASSWORD", "EMAIL_OTP"]), NOW, &mut rng).unwrap();
    let server = Server::start(pool, "127.0.0.1:0").unwrap();
    let config = Arc::new(
        PoolConfig::new(POOL_ID, USER_AUTH_CLIENT)
            .unwrap()
            .with_endpoint(server.url()),
    );
    let now = UnixTime::from_system_time(std::time::SystemTime::now());
    let drive = |sign_in: &mut SignIn, mut request: cognito_auth::Request| loop {
        let headers: Vec<(&str, &str)> = request.headers().to_vec();
        let (status, headers, body) = crate::http::http(
            request.url(),
            request.method(),
            "/",
            &headers,
            request.body(),
        );
        let mut response = HttpResponse::new(status, &body);
        for (n, v) in &headers {
            response = response.header(n, v);
        }
        match sign_in.handle_response(response, now) {
            Ok(Step::Send(next)) => request = next,
            other => break other,
        }
    };
    let mut sign_in = SignIn::passwordless(config, "alice", AuthFlow::UserAuth);
    let first = sign_in.start().unwrap();
    let Ok(Step::Challenge(Challenge::SelectChallenge(offered))) = drive(&mut sign_in, first)
    else {
        panic!("expected SELECT_CHALLENGE")
    };
    assert!(offered.contains(&FirstFactor::EmailOtp), "{offered:?}");
    let request = sign_in
        .answer(ChallengeAnswer::SelectFirstFactor(FirstFactor::EmailOtp))
        .unwrap();
    assert!(matches!(
        drive(&mut sign_in, request),
        Ok(Step::Challenge(Challenge::EmailOtp(_)))
    ));
    let wrong = sign_in.answer(ChallengeAnswer::code("000000")).unwrap();
    assert!(drive(&mut sign_in, wrong).is_err());
    let code = server.pool().take_code("alice").unwrap();
    let right = sign_in.answer(ChallengeAnswer::code(code)).unwrap();
    assert!(matches!(drive(&mut sign_in, right), Ok(Step::Done(_))));
    server.shutdown();
}
