//! CUSTOM_AUTH end to end, with the Lambda triggers as configuration: with and without the
//! SRP step, ClientMetadata passed through, wrong answers counted.

use std::collections::BTreeMap;

use cognito_auth::{AuthFlow, Challenge, ChallengeAnswer, SignIn, Step};
use cognito_auth_testkit::{ClientConfig, Config, CustomAuth, CustomChallenge};
use serde_json::json;

use crate::support::*;

const CUSTOM_CLIENT: &str = "customclient0001";

fn script() -> CustomAuth {
    CustomAuth::new(vec![
        CustomChallenge::new([("question", "2 + 2?")], "4"),
        CustomChallenge::new([("question", "Capital of France?")], "Paris"),
    ])
}

fn config() -> Config {
    let mut config = base_config();
    config.custom_auth = Some(script());
    config
}

fn custom(step: Step) -> BTreeMap<String, String> {
    match step {
        Step::Challenge(Challenge::Custom(parameters)) => parameters,
        other => panic!("expected CUSTOM_CHALLENGE, got {other:?}"),
    }
}

fn secret_hash(username: &str) -> String {
    cognito_auth::secret_hash::compute(SECRET_CLIENT, CLIENT_SECRET, username)
}

fn without_srp(username: &str) -> SignIn {
    SignIn::passwordless(client(PUBLIC_CLIENT), username, AuthFlow::CustomWithoutSrp)
}

#[test]
fn custom_challenges_in_order_then_tokens_with_client_metadata() {
    let mut h = Harness::new(config());
    let mut sign_in = without_srp("alice");
    sign_in.set_client_metadata(BTreeMap::from([("app".to_owned(), "web".to_owned())]));
    let first = custom(h.sign_in(&mut sign_in).unwrap());
    assert_eq!(first.get("question").map(String::as_str), Some("2 + 2?"));
    assert_eq!(first.get("USERNAME").map(String::as_str), Some("alice"));
    sign_in.set_client_metadata(BTreeMap::from([("step".to_owned(), "1".to_owned())]));
    let request = sign_in.answer(ChallengeAnswer::Custom("4".into())).unwrap();
    let second = custom(h.drive(&mut sign_in, request).unwrap());
    assert_eq!(
        second.get("question").map(String::as_str),
        Some("Capital of France?")
    );
    let request = sign_in
        .answer(ChallengeAnswer::Custom("Paris".into()))
        .unwrap();
    let tokens = done(h.drive(&mut sign_in, request).unwrap());
    assert_eq!(
        tokens.id_claims().unwrap().cognito_username.as_deref(),
        Some("alice")
    );

    // The triggers saw each request's ClientMetadata.
    let calls: Vec<(&str, Option<&str>, Option<&str>)> = h
        .pool
        .trigger_calls()
        .iter()
        .map(|c| {
            (
                c.trigger,
                c.client_metadata.get("app").map(String::as_str),
                c.client_metadata.get("step").map(String::as_str),
            )
        })
        .collect();
    assert_eq!(
        calls,
        [
            ("DefineAuthChallenge", Some("web"), None),
            ("CreateAuthChallenge", Some("web"), None),
            ("VerifyAuthChallengeResponse", None, Some("1")),
            ("DefineAuthChallenge", None, Some("1")),
            ("CreateAuthChallenge", None, Some("1")),
            ("VerifyAuthChallengeResponse", None, Some("1")),
            ("DefineAuthChallenge", None, Some("1")),
        ]
    );
    assert!(h.pool.trigger_calls().iter().all(|c| c.username == "alice"));
}

#[test]
fn wrong_answers_ask_again_until_the_limit_fails_the_sign_in() {
    let mut h = Harness::new(config());
    let mut sign_in = without_srp("alice");
    custom(h.sign_in(&mut sign_in).unwrap());
    // Two wrong answers: the same challenge again, each time with a new Session.
    for _ in 0..2 {
        let request = sign_in.answer(ChallengeAnswer::Custom("5".into())).unwrap();
        let again = custom(h.drive(&mut sign_in, request).unwrap());
        assert_eq!(again.get("question").map(String::as_str), Some("2 + 2?"));
    }
    // The third fails it, as a DefineAuthChallenge with failAuthentication.
    let request = sign_in.answer(ChallengeAnswer::Custom("5".into())).unwrap();
    assert_eq!(
        error_code(h.drive(&mut sign_in, request)),
        "NotAuthorizedException: Incorrect username or password."
    );

    // Wrong answers count across challenges of one sign-in (max_wrong_answers 1 here).
    let mut strict = script();
    strict.max_wrong_answers = 1;
    let mut config = config();
    config.custom_auth = Some(strict);
    let mut h = Harness::new(config);
    let mut sign_in = without_srp("alice");
    custom(h.sign_in(&mut sign_in).unwrap());
    let request = sign_in.answer(ChallengeAnswer::Custom("4".into())).unwrap();
    custom(h.drive(&mut sign_in, request).unwrap());
    let request = sign_in
        .answer(ChallengeAnswer::Custom("Lyon".into()))
        .unwrap();
    assert_eq!(
        error_code(h.drive(&mut sign_in, request)),
        "NotAuthorizedException: Incorrect username or password."
    );
}

#[test]
fn srp_first_then_custom_challenges() {
    let mut config = config();
    config.custom_auth.as_mut().unwrap().require_password = true;
    let mut h = Harness::new(config);
    // The machine proves the password (CHALLENGE_NAME: SRP_A, PASSWORD_VERIFIER), then the
    // custom challenges follow.
    let mut sign_in =
        SignIn::new(client(SECRET_CLIENT), "alice", PASSWORD).with_flow(AuthFlow::CustomWithSrp);
    let first = custom(h.sign_in(&mut sign_in).unwrap());
    assert_eq!(first.get("question").map(String::as_str), Some("2 + 2?"));
    let request = sign_in.answer(ChallengeAnswer::Custom("4".into())).unwrap();
    custom(h.drive(&mut sign_in, request).unwrap());
    let request = sign_in
        .answer(ChallengeAnswer::Custom("Paris".into()))
        .unwrap();
    done(h.drive(&mut sign_in, request).unwrap());

    // A wrong password never reaches the custom challenges.
    let mut wrong = SignIn::new(client(PUBLIC_CLIENT), "alice", "Wrong-Horse-9")
        .with_flow(AuthFlow::CustomWithSrp);
    assert_eq!(
        error_code(h.sign_in(&mut wrong)),
        "NotAuthorizedException: Incorrect username or password."
    );
    // This script wants the password: without the SRP step DefineAuthChallenge fails.
    let mut skipped = without_srp("alice");
    assert_eq!(
        error_code(h.sign_in(&mut skipped)),
        "NotAuthorizedException: Incorrect username or password."
    );
}

#[test]
fn a_challenge_can_send_a_code_to_the_outbox() {
    let mut config = base_config().with_client(ClientConfig::new(CUSTOM_CLIENT).with_custom_auth(
        CustomAuth::new(vec![CustomChallenge {
            public: BTreeMap::from([("kind".to_owned(), "email-code".to_owned())]),
            answer: None,
            send_code: true,
        }]),
    ));
    config.custom_auth = None;
    let mut h = Harness::new(config);
    let mut sign_in =
        SignIn::passwordless(client(CUSTOM_CLIENT), "alice", AuthFlow::CustomWithoutSrp);
    custom(h.sign_in(&mut sign_in).unwrap());
    let code = h.pool.take_code("alice@example.com").unwrap();
    let wrong = sign_in
        .answer(ChallengeAnswer::Custom("000000".into()))
        .unwrap();
    custom(h.drive(&mut sign_in, wrong).unwrap());
    // Asked again: a new code was sent, the old one no longer works.
    let old = sign_in
        .answer(ChallengeAnswer::Custom(code.into()))
        .unwrap();
    custom(h.drive(&mut sign_in, old).unwrap());
    let code = h.pool.take_code("alice").unwrap();
    let request = sign_in
        .answer(ChallengeAnswer::Custom(code.into()))
        .unwrap();
    done(h.drive(&mut sign_in, request).unwrap());

    // Clients without a script (and a pool without one) cannot use CUSTOM_AUTH.
    let mut other = without_srp("alice");
    assert_eq!(
        error_code(h.sign_in(&mut other)),
        "InvalidParameterException: Custom auth lambda trigger is not configured for the user pool."
    );
}

#[test]
fn custom_auth_needs_the_flow_and_a_known_start() {
    let mut config = config();
    config.clients[0].explicit_auth_flows = vec!["ALLOW_USER_SRP_AUTH".into()];
    let mut h = Harness::new(config);
    let mut sign_in = without_srp("alice");
    assert_eq!(
        error_code(h.sign_in(&mut sign_in)),
        "InvalidParameterException: CUSTOM_AUTH flow not enabled for this client"
    );
    // Only SRP_A may come first.
    let odd = h.call(
        "InitiateAuth",
        json!({"ClientId": SECRET_CLIENT, "AuthFlow": "CUSTOM_AUTH",
               "AuthParameters": {"USERNAME": "alice", "CHALLENGE_NAME": "SMS_MFA",
                                  "SECRET_HASH": secret_hash("alice")}}),
    );
    assert_eq!(
        odd.error_type().as_deref(),
        Some("InvalidParameterException")
    );
    // SRP_A announced but missing.
    let missing = h.call(
        "InitiateAuth",
        json!({"ClientId": SECRET_CLIENT, "AuthFlow": "CUSTOM_AUTH",
               "AuthParameters": {"USERNAME": "alice", "CHALLENGE_NAME": "SRP_A",
                                  "SECRET_HASH": secret_hash("alice")}}),
    );
    assert_eq!(
        missing.json_body()["message"],
        "Missing required parameter SRP_A"
    );
}

#[test]
fn a_custom_answer_may_name_the_user_as_typed() {
    // amazon-cognito-identity-js's initiateAuth (Amplify's passwordless sign-in) answers with
    // the name the user typed, here the e-mail of a pool whose user names are e-mails, as in
    // AWS's own passwordless e-mail sample; the service takes it.
    let mut config = config()
        .with_user(cognito_auth_testkit::UserSeed::new(
            "erin@example.com",
            PASSWORD,
        ))
        .with_user(cognito_auth_testkit::UserSeed::new(
            "finn@example.com",
            PASSWORD,
        ));
    config.username_attributes = vec!["email".into()];
    let mut h = Harness::new(config);
    let start = |h: &mut Harness| {
        h.ok(
            "InitiateAuth",
            json!({"ClientId": PUBLIC_CLIENT, "AuthFlow": "CUSTOM_AUTH",
                   "AuthParameters": {"USERNAME": "erin@example.com"}}),
        )
    };
    let answer = |h: &mut Harness, session: &serde_json::Value, name: &str, answer: &str| {
        h.call(
            "RespondToAuthChallenge",
            json!({"ClientId": PUBLIC_CLIENT, "ChallengeName": "CUSTOM_CHALLENGE",
                   "Session": session, "ChallengeResponses": {"USERNAME": name, "ANSWER": answer}}),
        )
    };
    let first = start(&mut h);
    let internal = first["ChallengeParameters"]["USERNAME"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_ne!(internal, "erin@example.com");
    let second = answer(&mut h, &first["Session"], "erin@example.com", "4");
    assert_eq!(
        second.status,
        200,
        "{}",
        String::from_utf8_lossy(&second.body)
    );
    let done = answer(&mut h, &second.json_body()["Session"], &internal, "Paris");
    assert!(done.json_body()["AuthenticationResult"]["AccessToken"].is_string());
    // Another user's name is still refused.
    let first = start(&mut h);
    let r = answer(&mut h, &first["Session"], "finn@example.com", "4");
    assert_eq!(r.error_type().as_deref(), Some("NotAuthorizedException"));
}
