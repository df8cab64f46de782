//! Whole sign-ins and refreshes against a scripted Cognito that checks every request body.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod support;

use std::sync::Arc;

use cognito_auth::{
    ApiMisuse, AuthFlow, Challenge, ChallengeAnswer, Error, ErrorKind, PeerMisbehaved, PoolConfig,
    Refresh, RefreshFlow, SignIn, Status, Step, Tokens,
};
use serde_json::json;
use support::*;

fn config(secret: bool) -> Arc<PoolConfig> {
    let config = PoolConfig::new(POOL_ID, CLIENT_ID)
        .unwrap()
        .with_random(Arc::new(FixedRandom::new(7)));
    Arc::new(if secret {
        config.with_client_secret(CLIENT_SECRET)
    } else {
        config
    })
}

/// Drives USER_SRP_AUTH up to the PASSWORD_VERIFIER answer; returns it and SRP_A.
fn srp_until_claim(
    sign_in: &mut SignIn,
    server: &SrpServer,
    typed: &str,
    secret: bool,
) -> (serde_json::Value, String) {
    let init = body_of(&sign_in.start().unwrap(), "InitiateAuth");
    assert_eq!(init["AuthFlow"], "USER_SRP_AUTH");
    assert_eq!(init["ClientId"], CLIENT_ID);
    let params = init["AuthParameters"].as_object().unwrap();
    assert_eq!(params["USERNAME"], typed);
    let srp_a = params["SRP_A"].as_str().unwrap().to_owned();
    assert!(
        srp_a.len() > 700
            && srp_a
                .chars()
                .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
    );
    assert!(!srp_a.starts_with('0'), "SRP_A has no leading zeros");
    if secret {
        assert_eq!(
            params["SECRET_HASH"],
            secret_hash(typed),
            "InitiateAuth hashes what was typed"
        );
    } else {
        assert!(!params.contains_key("SECRET_HASH"));
    }
    assert!(
        !params.contains_key("PASSWORD"),
        "SRP never sends the password"
    );
    assert_eq!(
        sign_in.status(),
        Status::AwaitingResponse(cognito_auth::Operation::InitiateAuth)
    );

    let reply = Reply::ok(json!({
        "ChallengeName": "PASSWORD_VERIFIER",
        "Session": "session-1-aaaaaaaaaaaaaaaa",
        "ChallengeParameters": server.challenge_parameters(),
    }));
    let answer = body_of(
        &expect_send(sign_in.handle_response(reply.as_response(), NOW).unwrap()),
        "RespondToAuthChallenge",
    );
    (answer, srp_a)
}

#[test]
fn srp_sign_in_succeeds_and_the_claim_verifies() {
    let server = SrpServer::new("AbCdEfGhI", "alice", "Correct-Horse-9!");
    let mut sign_in = SignIn::new(config(false), "alice", "Correct-Horse-9!");
    let (answer, srp_a) = srp_until_claim(&mut sign_in, &server, "alice", false);
    assert_eq!(answer["ChallengeName"], "PASSWORD_VERIFIER");
    assert_eq!(answer["Session"], "session-1-aaaaaaaaaaaaaaaa");
    let responses = answer["ChallengeResponses"].as_object().unwrap();
    assert_eq!(responses["USERNAME"], "alice");
    assert_eq!(responses["TIMESTAMP"], NOW_TIMESTAMP);
    assert_eq!(
        responses["PASSWORD_CLAIM_SECRET_BLOCK"],
        server.challenge_parameters()["SECRET_BLOCK"]
    );
    assert_eq!(
        responses["PASSWORD_CLAIM_SIGNATURE"],
        server.expected_signature(&srp_a, NOW_TIMESTAMP)
    );
    assert_eq!(
        responses.len(),
        4,
        "no SECRET_HASH or DEVICE_KEY without a secret or device: {responses:?}"
    );

    let reply = Reply::ok(tokens_body("alice", "sub-alice", Some("refresh-1")));
    let tokens = expect_done(sign_in.handle_response(reply.as_response(), NOW).unwrap());
    assert_eq!(tokens.expires_in, 3600);
    assert_eq!(tokens.expires_at.0, NOW.0 + 3600);
    assert_eq!(tokens.token_type, "Bearer");
    assert_eq!(
        tokens.refresh_token.as_ref().map(|t| t.expose()),
        Some("refresh-1")
    );
    let claims = tokens.access_claims().unwrap();
    assert_eq!(claims.sub.as_deref(), Some("sub-alice"));
    assert_eq!(claims.token_use.as_deref(), Some("access"));
    assert_eq!(claims.auth_time, Some(NOW.0));
    assert_eq!(
        tokens.id_claims().unwrap().cognito_username.as_deref(),
        Some("alice")
    );
    assert_eq!(sign_in.status(), Status::Done);
    assert!(matches!(
        sign_in.start(),
        Err(Error::ApiMisuse(ApiMisuse::AlreadyStarted))
    ));
}

/// Cognito's SECRET_BLOCK runs to about 1.5 KB and the machine decodes it in chunks on the
/// stack; JSON escapes force owned copies of borrowed strings. Neither may change a byte.
#[test]
fn a_long_secret_block_and_escaped_strings_still_verify() {
    let mut server = SrpServer::new("AbCdEfGhI", "alice", "Correct-Horse-9!");
    server.secret_block = (0..1536u32).map(|i| (i * 131 % 256) as u8).collect();
    let mut sign_in = SignIn::new(config(false), "alice", "Correct-Horse-9!");
    let init = body_of(&sign_in.start().unwrap(), "InitiateAuth");
    let srp_a = init["AuthParameters"]["SRP_A"].as_str().unwrap().to_owned();
    let params = server.challenge_parameters();
    let block = params["SECRET_BLOCK"].as_str().unwrap().to_owned();
    assert!(block.len() > 2000 && block.contains('/'));
    // Escape every `/` of the block and the session as `\/`, and "alice" as `\u0061lice`.
    let body = json!({
        "ChallengeName": "PASSWORD_VERIFIER",
        "Session": "session/with/slashes",
        "ChallengeParameters": params,
    })
    .to_string()
    .replace('/', "\\/")
    .replace("\"alice\"", "\"\\u0061lice\"");
    assert!(body.contains("\\/") && body.contains("\\u0061lice"));
    let reply = Reply::raw(200, body.as_bytes());
    let answer = body_of(
        &expect_send(sign_in.handle_response(reply.as_response(), NOW).unwrap()),
        "RespondToAuthChallenge",
    );
    assert_eq!(answer["Session"], "session/with/slashes");
    let responses = &answer["ChallengeResponses"];
    assert_eq!(responses["PASSWORD_CLAIM_SECRET_BLOCK"], block.as_str());
    assert_eq!(responses["USERNAME"], "alice");
    assert_eq!(
        responses["PASSWORD_CLAIM_SIGNATURE"],
        server.expected_signature(&srp_a, NOW_TIMESTAMP)
    );
}

#[test]
fn wrong_password_is_a_typed_not_authorized_and_sticks() {
    let server = SrpServer::new("AbCdEfGhI", "alice", "the-real-one");
    let mut sign_in = SignIn::new(config(false), "alice", "a-wrong-one");
    let (answer, srp_a) = srp_until_claim(&mut sign_in, &server, "alice", false);
    let sent = answer["ChallengeResponses"]["PASSWORD_CLAIM_SIGNATURE"]
        .as_str()
        .unwrap();
    assert_ne!(
        sent,
        server.expected_signature(&srp_a, NOW_TIMESTAMP),
        "a wrong password cannot verify"
    );

    let reply = Reply::error("NotAuthorizedException", "Incorrect username or password.");
    let error = sign_in
        .handle_response(reply.as_response(), NOW)
        .unwrap_err();
    let service = error.service().unwrap();
    assert_eq!(service.kind(), &ErrorKind::NotAuthorized);
    assert_eq!(service.message(), "Incorrect username or password.");
    assert_eq!(service.request_id(), Some("test-request-id"));
    assert!(!error.is_retryable());
    assert_eq!(sign_in.status(), Status::Failed);
    // A failed machine keeps saying why.
    assert_eq!(
        sign_in
            .handle_response(reply.as_response(), NOW)
            .unwrap_err(),
        error
    );
    assert_eq!(
        sign_in.answer(ChallengeAnswer::code("123456")).unwrap_err(),
        error
    );
}

#[test]
fn client_secret_hashes_the_name_each_request_carries() {
    let server = SrpServer::new("AbCdEfGhI", "alice", "pw-123456");
    let mut sign_in = SignIn::new(config(true), "alice", "pw-123456");
    let (answer, srp_a) = srp_until_claim(&mut sign_in, &server, "alice", true);
    let responses = &answer["ChallengeResponses"];
    assert_eq!(responses["SECRET_HASH"], secret_hash("alice"));
    assert_eq!(
        responses["PASSWORD_CLAIM_SIGNATURE"],
        server.expected_signature(&srp_a, NOW_TIMESTAMP)
    );
}

#[test]
fn alias_sign_in_uses_user_id_for_srp_everywhere_after_initiate() {
    let internal = "84514837-dcbc-4af1-abff-f3c109334894";
    let server = SrpServer::new("AbCdEfGhI", internal, "pw-alias-1");
    let mut sign_in = SignIn::new(config(true), "jane@example.com", "pw-alias-1");
    let (answer, srp_a) = srp_until_claim(&mut sign_in, &server, "jane@example.com", true);
    let responses = &answer["ChallengeResponses"];
    assert_eq!(responses["USERNAME"], internal);
    assert_eq!(responses["SECRET_HASH"], secret_hash(internal));
    assert_eq!(
        responses["PASSWORD_CLAIM_SIGNATURE"],
        server.expected_signature(&srp_a, NOW_TIMESTAMP)
    );
    assert_eq!(sign_in.user_id(), Some(internal));

    // The next challenge is answered for the internal name too.
    let reply = Reply::ok(
        json!({"ChallengeName": "SOFTWARE_TOKEN_MFA", "Session": "session-2-bbbbbbbbbbbbbbbbb",
        "ChallengeParameters": {"USERNAME": internal}}),
    );
    let step = sign_in.handle_response(reply.as_response(), NOW).unwrap();
    assert!(matches!(step, Step::Challenge(Challenge::SoftwareTokenMfa)));
    let mfa = body_of(
        &sign_in.answer(ChallengeAnswer::code("123456")).unwrap(),
        "RespondToAuthChallenge",
    );
    assert_eq!(mfa["ChallengeResponses"]["USERNAME"], internal);
    assert_eq!(
        mfa["ChallengeResponses"]["SECRET_HASH"],
        secret_hash(internal)
    );
    assert_eq!(
        mfa["ChallengeResponses"]["SOFTWARE_TOKEN_MFA_CODE"],
        "123456"
    );
    assert_eq!(mfa["Session"], "session-2-bbbbbbbbbbbbbbbbb");
}

#[test]
fn user_password_auth() {
    let mut sign_in =
        SignIn::new(config(true), "bob", "pw-bob-1").with_flow(AuthFlow::UserPassword);
    let init = body_of(&sign_in.start().unwrap(), "InitiateAuth");
    assert_eq!(init["AuthFlow"], "USER_PASSWORD_AUTH");
    assert_eq!(
        init["AuthParameters"],
        json!({"USERNAME": "bob", "PASSWORD": "pw-bob-1", "SECRET_HASH": secret_hash("bob")})
    );
    let reply = Reply::ok(tokens_body("bob", "sub-bob", Some("r")));
    let tokens = expect_done(sign_in.handle_response(reply.as_response(), NOW).unwrap());
    assert_eq!(tokens.internal_username().as_deref(), Some("bob"));
}

#[test]
fn a_password_flow_does_not_accept_password_verifier() {
    let server = SrpServer::new("AbCdEfGhI", "bob", "pw");
    let mut sign_in = SignIn::new(config(false), "bob", "pw").with_flow(AuthFlow::UserPassword);
    sign_in.start().unwrap();
    let reply = Reply::ok(
        json!({"ChallengeName": "PASSWORD_VERIFIER", "Session": "s-ccccccccccccccccccc",
        "ChallengeParameters": server.challenge_parameters()}),
    );
    let error = sign_in
        .handle_response(reply.as_response(), NOW)
        .unwrap_err();
    assert!(
        matches!(
            error,
            Error::PeerMisbehaved(PeerMisbehaved::UnexpectedChallenge(_))
        ),
        "{error}"
    );
}

fn signed_in_tokens(internal: &str, refresh: &str) -> Tokens {
    let mut sign_in =
        SignIn::new(config(true), "jane@example.com", "pw").with_flow(AuthFlow::UserPassword);
    sign_in.start().unwrap();
    let reply = Reply::ok(tokens_body(internal, "sub-jane", Some(refresh)));
    expect_done(sign_in.handle_response(reply.as_response(), NOW).unwrap())
}

#[test]
fn refresh_with_get_tokens_from_refresh_token_keeps_or_rotates() {
    let tokens = signed_in_tokens("jane-internal", "refresh-old");
    let mut refresh = Refresh::new(config(true), &tokens).unwrap();
    let body = body_of(&refresh.request().unwrap(), "GetTokensFromRefreshToken");
    assert_eq!(
        body,
        json!({"RefreshToken": "refresh-old", "ClientId": CLIENT_ID, "ClientSecret": CLIENT_SECRET}),
        "the raw secret, no SECRET_HASH"
    );
    // No rotation: the old refresh token stays.
    let mut reply = tokens_body("jane-internal", "sub-jane", None);
    reply.as_object_mut().unwrap().remove("ChallengeParameters");
    let later = cognito_auth::UnixTime(NOW.0 + 100);
    let refreshed = refresh
        .handle_response(Reply::ok(reply).as_response(), later)
        .unwrap();
    assert_eq!(
        refreshed.refresh_token.as_ref().map(|t| t.expose()),
        Some("refresh-old")
    );
    assert_eq!(refreshed.expires_at.0, later.0 + 3600);

    // Rotation: the new one replaces it.
    let mut refresh = Refresh::new(config(true), &tokens).unwrap();
    refresh.request().unwrap();
    let reply = Reply::ok(tokens_body(
        "jane-internal",
        "sub-jane",
        Some("refresh-new"),
    ));
    let rotated = refresh.handle_response(reply.as_response(), NOW).unwrap();
    assert_eq!(
        rotated.refresh_token.as_ref().map(|t| t.expose()),
        Some("refresh-new")
    );
}

#[test]
fn refresh_token_auth_hashes_the_internal_name_not_the_alias() {
    let tokens = signed_in_tokens("jane-internal", "refresh-old");
    let mut refresh = Refresh::new(config(true), &tokens)
        .unwrap()
        .with_flow(RefreshFlow::RefreshTokenAuth);
    let body = body_of(&refresh.request().unwrap(), "InitiateAuth");
    assert_eq!(body["AuthFlow"], "REFRESH_TOKEN_AUTH");
    assert_eq!(
        body["AuthParameters"],
        json!({"REFRESH_TOKEN": "refresh-old", "SECRET_HASH": secret_hash("jane-internal")})
    );
    let reply = Reply::ok(tokens_body("jane-internal", "sub-jane", None));
    let refreshed = refresh.handle_response(reply.as_response(), NOW).unwrap();
    assert_eq!(
        refreshed.refresh_token.as_ref().map(|t| t.expose()),
        Some("refresh-old")
    );

    // Without tokens to read the name from, a secret client must be told the name.
    let mut bare =
        Refresh::from_refresh_token(config(true), "r").with_flow(RefreshFlow::RefreshTokenAuth);
    assert!(matches!(bare.request(), Err(Error::InvalidInput(_))));
}

#[test]
fn refresh_errors_are_typed_and_classified() {
    let tokens = signed_in_tokens("jane-internal", "refresh-old");
    let mut refresh = Refresh::new(config(true), &tokens).unwrap();
    refresh.request().unwrap();
    let error = refresh.handle_response(
        Reply::error("TooManyRequestsException", "Rate exceeded").as_response(),
        NOW,
    );
    assert!(
        error.unwrap_err().is_retryable(),
        "throttling must not log the user out"
    );

    let mut refresh = Refresh::new(config(true), &tokens).unwrap();
    refresh.request().unwrap();
    let reply = Reply::error("RefreshTokenReuseException", "reused");
    let error = refresh
        .handle_response(reply.as_response(), NOW)
        .unwrap_err();
    assert!(error.is_service(&ErrorKind::RefreshTokenReuse));
    assert!(!error.is_retryable());
}

#[test]
fn an_unknown_challenge_surfaces_with_its_parameters() {
    let mut sign_in = SignIn::new(config(false), "carol", "pw").with_flow(AuthFlow::UserPassword);
    sign_in.start().unwrap();
    let reply = Reply::ok(
        json!({"ChallengeName": "FUTURE_FACTOR", "Session": "s-dddddddddddddddddddd",
        "ChallengeParameters": {"HINT": "look up", "USERNAME": "carol"}}),
    );
    match sign_in.handle_response(reply.as_response(), NOW).unwrap() {
        Step::Challenge(Challenge::Unsupported { name, parameters }) => {
            assert_eq!(name, "FUTURE_FACTOR");
            assert_eq!(parameters["HINT"], "look up");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(sign_in.status(), Status::AwaitingAnswer);
    assert!(matches!(
        sign_in.answer(ChallengeAnswer::code("1")),
        Err(Error::ApiMisuse(ApiMisuse::WrongAnswer))
    ));
    assert_eq!(
        sign_in.status(),
        Status::AwaitingAnswer,
        "a misuse changes nothing"
    );
}

/// Sends the InitiateAuth of an SRP sign-in and feeds `reply`.
fn srp_reply(reply: Reply) -> (SignIn, Result<Step, Error>) {
    let mut sign_in = SignIn::new(config(false), "alice", "pw");
    sign_in.start().unwrap();
    let result = sign_in.handle_response(reply.as_response(), NOW);
    (sign_in, result)
}

fn verifier_reply(edit: impl FnOnce(&mut serde_json::Value)) -> Reply {
    let mut params = SrpServer::new("AbCdEfGhI", "alice", "pw").challenge_parameters();
    edit(&mut params);
    Reply::ok(
        json!({"ChallengeName": "PASSWORD_VERIFIER", "Session": "s-eeeeeeeeeeeeeeeeeeee", "ChallengeParameters": params}),
    )
}

#[test]
fn malformed_responses_are_typed_errors() {
    let (sign_in, result) = srp_reply(Reply::raw(200, b"{not json"));
    assert!(
        matches!(result, Err(Error::InvalidResponse(_))),
        "{result:?}"
    );
    assert_eq!(sign_in.status(), Status::Failed);

    let (_, result) = srp_reply(Reply::ok(json!({"ChallengeName": 5})));
    assert!(
        matches!(result, Err(Error::InvalidResponse(_))),
        "{result:?}"
    );

    let (_, result) = srp_reply(Reply::ok(json!({})));
    assert!(
        matches!(result, Err(Error::PeerMisbehaved(PeerMisbehaved::NoResult))),
        "{result:?}"
    );

    let (_, result) = srp_reply(Reply::ok(
        json!({"ChallengeName": "PASSWORD_VERIFIER", "ChallengeParameters": {}}),
    ));
    assert!(
        matches!(
            result,
            Err(Error::PeerMisbehaved(PeerMisbehaved::MissingSession(_)))
        ),
        "{result:?}"
    );

    let (_, result) = srp_reply(verifier_reply(|p| {
        p.as_object_mut().unwrap().remove("SRP_B");
    }));
    assert!(
        matches!(
            &result,
            Err(Error::PeerMisbehaved(
                PeerMisbehaved::MissingChallengeParameter {
                    parameter: "SRP_B",
                    ..
                }
            ))
        ),
        "{result:?}"
    );

    let (_, result) = srp_reply(Reply::ok(json!({"AuthenticationResult": {"IdToken": "x"}})));
    assert!(
        matches!(
            result,
            Err(Error::PeerMisbehaved(PeerMisbehaved::IncompleteTokens(
                "AccessToken"
            )))
        ),
        "{result:?}"
    );
}

#[test]
fn hostile_srp_values_are_rejected() {
    let n = n();
    for b in [
        String::from("0"),
        n.to_str_radix(16),
        (&n * 2u8).to_str_radix(16),
    ] {
        let (sign_in, result) = srp_reply(verifier_reply(|p| p["SRP_B"] = json!(b)));
        assert!(matches!(result, Err(Error::Srp(_))), "B = {b}: {result:?}");
        assert_eq!(sign_in.status(), Status::Failed);
    }
    for bad in ["xyz", "", "12 34"] {
        let (_, result) = srp_reply(verifier_reply(|p| p["SRP_B"] = json!(bad)));
        assert!(
            matches!(result, Err(Error::Srp(_))),
            "SRP_B = {bad:?}: {result:?}"
        );
        let (_, result) = srp_reply(verifier_reply(|p| p["SALT"] = json!(bad)));
        assert!(
            matches!(result, Err(Error::Srp(_))),
            "SALT = {bad:?}: {result:?}"
        );
    }
    let (_, result) = srp_reply(verifier_reply(|p| {
        p["SECRET_BLOCK"] = json!("%%%not base64%%%")
    }));
    assert!(matches!(result, Err(Error::Srp(_))), "{result:?}");
}

#[test]
fn error_bodies_without_type_are_still_typed() {
    let (_, result) = srp_reply(Reply::raw(400, br#"{"message":"something odd"}"#));
    let error = result.unwrap_err();
    let service = error.service().unwrap();
    assert_eq!(service.kind(), &ErrorKind::Unknown(String::new()));
    assert_eq!(service.message(), "something odd");

    let (_, result) = srp_reply(Reply::raw(502, b"<html>Bad Gateway</html>"));
    assert!(result.unwrap_err().is_retryable());

    let (_, result) = srp_reply(Reply::raw(
        400,
        br#"{"__type":"SomethingNewException","message":"m"}"#,
    ));
    assert!(
        result
            .unwrap_err()
            .is_service(&ErrorKind::Unknown("SomethingNewException".into()))
    );
}

#[test]
fn wrong_state_calls_are_misuse_not_panics() {
    let mut sign_in = SignIn::new(config(false), "alice", "pw");
    let reply = Reply::ok(json!({}));
    assert!(matches!(
        sign_in.handle_response(reply.as_response(), NOW),
        Err(Error::ApiMisuse(ApiMisuse::NoRequestInFlight))
    ));
    assert!(matches!(
        sign_in.answer(ChallengeAnswer::code("1")),
        Err(Error::ApiMisuse(ApiMisuse::NoChallengePending))
    ));
    assert_eq!(sign_in.status(), Status::NotStarted);
    sign_in.start().unwrap();
    assert!(matches!(
        sign_in.start(),
        Err(Error::ApiMisuse(ApiMisuse::AlreadyStarted))
    ));
    assert!(matches!(
        sign_in.answer(ChallengeAnswer::code("1")),
        Err(Error::ApiMisuse(ApiMisuse::NoChallengePending))
    ));
}

#[test]
fn a_failing_random_source_is_an_error() {
    let config = PoolConfig::new(POOL_ID, CLIENT_ID)
        .unwrap()
        .with_random(Arc::new(BrokenRandom));
    let mut sign_in = SignIn::new(Arc::new(config), "alice", "pw");
    assert!(matches!(sign_in.start(), Err(Error::Random(_))));
    assert_eq!(sign_in.status(), Status::Failed);
}

#[test]
fn secrets_stay_out_of_debug_output() {
    let server = SrpServer::new("AbCdEfGhI", "alice", "Sup3r-Secret-Pw");
    let mut sign_in = SignIn::new(config(true), "alice", "Sup3r-Secret-Pw");
    let (answer, _) = srp_until_claim(&mut sign_in, &server, "alice", true);
    let signature = answer["ChallengeResponses"]["PASSWORD_CLAIM_SIGNATURE"]
        .as_str()
        .unwrap()
        .to_owned();
    let reply = Reply::ok(tokens_body("alice", "sub", Some("refresh-token-value")));
    let tokens = expect_done(sign_in.handle_response(reply.as_response(), NOW).unwrap());
    let printed = format!("{sign_in:?} {tokens:?} {:?}", config(true));
    for secret in [
        "Sup3r-Secret-Pw",
        "refresh-token-value",
        CLIENT_SECRET,
        &signature,
        tokens.access_token.expose(),
    ] {
        assert!(!printed.contains(secret), "{secret} leaked: {printed}");
    }
}

#[test]
fn a_wrong_code_can_be_answered_again() {
    let mut sign_in = SignIn::new(config(false), "dave", "pw").with_flow(AuthFlow::UserPassword);
    sign_in.start().unwrap();
    let reply = Reply::ok(
        json!({"ChallengeName": "SMS_MFA", "Session": "s-ffffffffffffffffffff",
        "ChallengeParameters": {"CODE_DELIVERY_DESTINATION": "+*******1234", "CODE_DELIVERY_DELIVERY_MEDIUM": "SMS", "USERNAME": "dave"}}),
    );
    match sign_in.handle_response(reply.as_response(), NOW).unwrap() {
        Step::Challenge(Challenge::SmsMfa(delivery)) => {
            assert_eq!(delivery.destination.as_deref(), Some("+*******1234"))
        }
        other => panic!("{other:?}"),
    }
    let first = body_of(
        &sign_in.answer(ChallengeAnswer::code("000000")).unwrap(),
        "RespondToAuthChallenge",
    );
    assert_eq!(first["ChallengeResponses"]["SMS_MFA_CODE"], "000000");
    let error = sign_in.handle_response(
        Reply::error("CodeMismatchException", "Invalid code.").as_response(),
        NOW,
    );
    assert!(error.unwrap_err().is_service(&ErrorKind::CodeMismatch));
    assert_eq!(sign_in.status(), Status::AwaitingAnswer);
    let second = body_of(
        &sign_in.answer(ChallengeAnswer::code("123456")).unwrap(),
        "RespondToAuthChallenge",
    );
    assert_eq!(second["Session"], "s-ffffffffffffffffffff");
    let tokens = sign_in.handle_response(
        Reply::ok(tokens_body("dave", "sub-d", Some("r"))).as_response(),
        NOW,
    );
    assert!(matches!(tokens, Ok(Step::Done(_))));
}

#[test]
fn a_sign_in_at_a_challenge_suspends_and_resumes() {
    let mut sign_in = SignIn::new(config(true), "erin", "pw").with_flow(AuthFlow::UserPassword);
    sign_in.start().unwrap();
    let reply = Reply::ok(
        json!({"ChallengeName": "SOFTWARE_TOKEN_MFA", "Session": "s-gggggggggggggggggggg",
        "ChallengeParameters": {"USERNAME": "erin-internal"}}),
    );
    let _ = sign_in.handle_response(reply.as_response(), NOW).unwrap();
    let saved = serde_json::to_string(&sign_in.suspend().unwrap()).unwrap();
    assert!(!saved.contains("\"pw\""), "the password is never stored");
    drop(sign_in);

    let mut resumed = SignIn::resume(config(true), serde_json::from_str(&saved).unwrap()).unwrap();
    assert_eq!(
        resumed.pending_challenge(),
        Some(&Challenge::SoftwareTokenMfa)
    );
    let body = body_of(
        &resumed.answer(ChallengeAnswer::code("654321")).unwrap(),
        "RespondToAuthChallenge",
    );
    assert_eq!(body["Session"], "s-gggggggggggggggggggg");
    assert_eq!(body["ChallengeResponses"]["USERNAME"], "erin-internal");
    assert_eq!(
        body["ChallengeResponses"]["SECRET_HASH"],
        secret_hash("erin-internal")
    );
}

#[test]
fn user_not_confirmed_becomes_a_next_step() {
    let (sign_in, result) = srp_reply(Reply::error(
        "UserNotConfirmedException",
        "User is not confirmed.",
    ));
    assert!(matches!(result, Ok(Step::ConfirmSignUp)), "{result:?}");
    assert_eq!(sign_in.status(), Status::Done);
    let (_, result) = srp_reply(Reply::error(
        "PasswordResetRequiredException",
        "Password reset required for the user",
    ));
    assert!(matches!(result, Ok(Step::ResetPassword)), "{result:?}");
}

#[test]
fn public_types_are_send_and_sync() {
    fn check<T: Send + Sync>() {}
    check::<SignIn>();
    check::<Refresh>();
    check::<Tokens>();
    check::<Error>();
    check::<PoolConfig>();
    check::<cognito_auth::Request>();
    check::<cognito_auth::SuspendedSignIn>();
}

#[test]
fn admin_sign_in_uses_the_admin_operations() {
    let server = SrpServer::new("AbCdEfGhI", "alice", "pw-admin-1");
    let config = PoolConfig::new(POOL_ID, CLIENT_ID)
        .unwrap()
        .with_random(Arc::new(FixedRandom::new(8)))
        .with_client_secret(CLIENT_SECRET)
        .with_user_context_data("app-fingerprint");
    let config = Arc::new(config);
    let mut sign_in = SignIn::new(config.clone(), "alice", "pw-admin-1").with_admin_api();
    let init = body_of(&sign_in.start().unwrap(), "AdminInitiateAuth");
    assert_eq!(init["UserPoolId"], POOL_ID);
    assert_eq!(init["AuthFlow"], "USER_SRP_AUTH");
    assert!(
        init.get("UserContextData").is_none(),
        "admin operations take ContextData, not UserContextData"
    );
    let srp_a = init["AuthParameters"]["SRP_A"].as_str().unwrap().to_owned();
    let reply = Reply::ok(
        json!({"ChallengeName": "PASSWORD_VERIFIER", "Session": "s-admin-aaaaaaaaaaaaaa",
        "ChallengeParameters": server.challenge_parameters()}),
    );
    let answer = body_of(
        &expect_send(sign_in.handle_response(reply.as_response(), NOW).unwrap()),
        "AdminRespondToAuthChallenge",
    );
    assert_eq!(answer["UserPoolId"], POOL_ID);
    assert_eq!(
        answer["ChallengeResponses"]["PASSWORD_CLAIM_SIGNATURE"],
        server.expected_signature(&srp_a, NOW_TIMESTAMP)
    );
    assert_eq!(
        answer["ChallengeResponses"]["SECRET_HASH"],
        secret_hash("alice")
    );
    let reply = Reply::ok(tokens_body("alice", "sub-a", Some("r")));
    let _ = expect_done(sign_in.handle_response(reply.as_response(), NOW).unwrap());

    let mut sign_in = SignIn::new(config, "alice", "pw-admin-1")
        .with_admin_api()
        .with_flow(AuthFlow::UserPassword);
    let init = body_of(&sign_in.start().unwrap(), "AdminInitiateAuth");
    assert_eq!(init["AuthFlow"], "ADMIN_USER_PASSWORD_AUTH");
    assert_eq!(init["AuthParameters"]["PASSWORD"], "pw-admin-1");
}
