//! SRP and password sign-in, SECRET_HASH, TIMESTAMP, sessions.

use cognito_auth::{AuthFlow, SignIn};

use crate::support::*;

#[test]
fn srp_right_password_signs_in() {
    let mut h = Harness::new(base_config());
    let mut sign_in = SignIn::new(client(PUBLIC_CLIENT), "alice", PASSWORD);
    let tokens = done(h.sign_in(&mut sign_in).unwrap());
    let access = tokens.access_claims().unwrap();
    assert_eq!(access.username.as_deref(), Some("alice"));
    let id = tokens.id_claims().unwrap();
    assert_eq!(id.cognito_username.as_deref(), Some("alice"));
    assert!(tokens.refresh_token.is_some());
    assert_eq!(tokens.expires_in, 3600);
}

#[test]
fn srp_wrong_password_is_rejected() {
    let mut h = Harness::new(base_config());
    let mut sign_in = SignIn::new(client(PUBLIC_CLIENT), "alice", "Wrong-Horse-9");
    assert_eq!(
        error_code(h.sign_in(&mut sign_in)),
        "NotAuthorizedException: Incorrect username or password."
    );
}

#[test]
fn user_password_auth() {
    let mut h = Harness::new(base_config());
    let mut ok =
        SignIn::new(client(PUBLIC_CLIENT), "alice", PASSWORD).with_flow(AuthFlow::UserPassword);
    done(h.sign_in(&mut ok).unwrap());
    let mut bad =
        SignIn::new(client(PUBLIC_CLIENT), "alice", "nope").with_flow(AuthFlow::UserPassword);
    assert_eq!(
        error_code(h.sign_in(&mut bad)),
        "NotAuthorizedException: Incorrect username or password."
    );
}

#[test]
fn alias_sign_in_uses_the_internal_name() {
    let config = base_config().with_user(cognito_auth_testkit::UserSeed::new(
        "dave@example.com",
        PASSWORD,
    ));
    let mut config = config;
    config.username_attributes = vec!["email".into()];
    let mut h = Harness::new(config);
    let internal = h
        .pool
        .internal_username("dave@example.com")
        .unwrap()
        .to_owned();
    assert_ne!(internal, "dave@example.com");
    assert_eq!(internal.len(), 36, "a UUID");
    // The secret client: SECRET_HASH over the alias first, then over the internal name.
    let mut sign_in = SignIn::new(client(SECRET_CLIENT), "dave@example.com", PASSWORD);
    let tokens = done(h.sign_in(&mut sign_in).unwrap());
    assert_eq!(
        tokens.access_claims().unwrap().username.as_deref(),
        Some(internal.as_str())
    );
    assert_eq!(
        tokens.id_claims().unwrap().email.as_deref(),
        Some("dave@example.com")
    );
}

#[test]
fn alias_in_password_verifier_is_rejected() {
    let mut config = base_config().with_user(cognito_auth_testkit::UserSeed::new(
        "erin@example.com",
        PASSWORD,
    ));
    config.username_attributes = vec!["email".into()];
    let mut h = Harness::new(config);
    let (srp, mut challenge) =
        h.srp_start(PUBLIC_CLIENT, "erin@example.com", serde_json::json!({}));
    challenge.params["USERNAME"] = "erin@example.com".into();
    let r = h.srp_answer(
        PUBLIC_CLIENT,
        "PASSWORD_VERIFIER",
        &srp,
        &challenge,
        ("TestKit01", "erin@example.com", PASSWORD),
        &timestamp(NOW),
        serde_json::json!({}),
    );
    assert_eq!(r.error_type().as_deref(), Some("NotAuthorizedException"));
}

#[test]
fn client_with_secret() {
    let mut h = Harness::new(base_config());
    let mut sign_in = SignIn::new(client(SECRET_CLIENT), "alice", PASSWORD);
    done(h.sign_in(&mut sign_in).unwrap());
    // The public client's configuration talking to the secret client: no SECRET_HASH.
    let bare = std::sync::Arc::new(cognito_auth::PoolConfig::new(POOL_ID, SECRET_CLIENT).unwrap());
    let mut missing = SignIn::new(bare, "alice", PASSWORD);
    assert_eq!(
        error_code(h.sign_in(&mut missing)),
        format!(
            "NotAuthorizedException: Client {SECRET_CLIENT} is configured for secret but secret was not received"
        )
    );
    let wrong = std::sync::Arc::new(
        cognito_auth::PoolConfig::new(POOL_ID, SECRET_CLIENT)
            .unwrap()
            .with_client_secret("not-the-secret"),
    );
    let mut bad = SignIn::new(wrong, "alice", PASSWORD);
    assert_eq!(
        error_code(h.sign_in(&mut bad)),
        format!("NotAuthorizedException: Unable to verify secret hash for client {SECRET_CLIENT}")
    );
}

#[test]
fn timestamp_form_and_freshness() {
    let mut h = Harness::new(base_config());
    let id = ("TestKit01", "alice", PASSWORD);
    // Right form, right time: accepted (the hand-built path works).
    let (srp, c) = h.srp_start(PUBLIC_CLIENT, "alice", serde_json::json!({}));
    let ok = h.srp_answer(
        PUBLIC_CLIENT,
        "PASSWORD_VERIFIER",
        &srp,
        &c,
        id,
        "Tue Nov 14 22:13:20 UTC 2023",
        serde_json::json!({}),
    );
    assert_eq!(ok.status, 200, "{}", String::from_utf8_lossy(&ok.body));
    // A zero-padded day, correctly signed: refused as the real service does.
    let nov_fifth = 1_699_142_400; // Sun Nov 5 00:00:00 UTC 2023
    h.now = nov_fifth;
    for bad in [
        "Sun Nov 05 00:00:00 UTC 2023",
        "Sun, 5 Nov 2023 00:00:00 GMT",
        "2023-11-05T00:00:00Z",
    ] {
        let (srp, c) = h.srp_start(PUBLIC_CLIENT, "alice", serde_json::json!({}));
        let r = h.srp_answer(
            PUBLIC_CLIENT,
            "PASSWORD_VERIFIER",
            &srp,
            &c,
            id,
            bad,
            serde_json::json!({}),
        );
        assert_eq!(
            r.json_body()["message"],
            "Incorrect username or password.",
            "{bad}"
        );
    }
    // Right form, ten minutes old: refused; four minutes: accepted.
    let (srp, c) = h.srp_start(PUBLIC_CLIENT, "alice", serde_json::json!({}));
    let r = h.srp_answer(
        PUBLIC_CLIENT,
        "PASSWORD_VERIFIER",
        &srp,
        &c,
        id,
        &timestamp(nov_fifth - 600),
        serde_json::json!({}),
    );
    assert_eq!(r.error_type().as_deref(), Some("NotAuthorizedException"));
    let (srp, c) = h.srp_start(PUBLIC_CLIENT, "alice", serde_json::json!({}));
    let r = h.srp_answer(
        PUBLIC_CLIENT,
        "PASSWORD_VERIFIER",
        &srp,
        &c,
        id,
        &timestamp(nov_fifth - 240),
        serde_json::json!({}),
    );
    assert_eq!(r.status, 200);
}

#[test]
fn sessions_expire_and_are_single_use() {
    let mut h = Harness::new(base_config());
    let mut sign_in = SignIn::new(client(PUBLIC_CLIENT), "alice", PASSWORD);
    let first = sign_in.start().unwrap();
    let response = h.send(&first);
    h.now += 181;
    let step = sign_in
        .handle_response(
            cognito_auth::HttpResponse::new(response.status, &response.body),
            cognito_auth::UnixTime(h.now),
        )
        .unwrap();
    let cognito_auth::Step::Send(claim) = step else {
        panic!("{step:?}")
    };
    let r = h.send(&claim);
    assert_eq!(r.json_body()["message"], "Invalid session for the user.");

    // Within the lifetime it works once; the same answer again is refused.
    let (srp, c) = h.srp_start(PUBLIC_CLIENT, "alice", serde_json::json!({}));
    let id = ("TestKit01", "alice", PASSWORD);
    let ts = timestamp(h.now);
    assert_eq!(
        h.srp_answer(
            PUBLIC_CLIENT,
            "PASSWORD_VERIFIER",
            &srp,
            &c,
            id,
            &ts,
            serde_json::json!({})
        )
        .status,
        200
    );
    let again = h.srp_answer(
        PUBLIC_CLIENT,
        "PASSWORD_VERIFIER",
        &srp,
        &c,
        id,
        &ts,
        serde_json::json!({}),
    );
    assert_eq!(
        again.json_body()["message"],
        "Invalid session for the user."
    );
}

#[test]
fn tokens_are_rs256_and_verify_against_the_jwks() {
    use base64::Engine as _;
    let mut h = Harness::new(base_config());
    let mut sign_in = SignIn::new(client(PUBLIC_CLIENT), "alice", PASSWORD);
    let tokens = done(h.sign_in(&mut sign_in).unwrap());
    let jwks = h.pool.jwks();
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let n = b64.decode(jwks["keys"][0]["n"].as_str().unwrap()).unwrap();
    let e = b64.decode(jwks["keys"][0]["e"].as_str().unwrap()).unwrap();
    // Only the JWKS's n and e: RS256 = RSASSA-PKCS1-v1_5 with SHA-256, 2048 bits or more.
    let key = ring::signature::RsaPublicKeyComponents { n, e };
    for token in [tokens.access_token.expose(), tokens.id_token.expose()] {
        let (input, sig) = token.rsplit_once('.').unwrap();
        let sig = b64.decode(sig).unwrap();
        key.verify(
            &ring::signature::RSA_PKCS1_2048_8192_SHA256,
            input.as_bytes(),
            &sig,
        )
        .unwrap();
        let header: serde_json::Value =
            serde_json::from_slice(&b64.decode(input.split('.').next().unwrap()).unwrap()).unwrap();
        assert_eq!(header["alg"], "RS256");
        assert_eq!(header["kid"], jwks["keys"][0]["kid"]);
    }
    let payload = |t: &str| -> serde_json::Value {
        serde_json::from_slice(&b64.decode(t.split('.').nth(1).unwrap()).unwrap()).unwrap()
    };
    let access = payload(tokens.access_token.expose());
    assert_eq!(
        access["iss"],
        format!("https://cognito-idp.us-east-1.amazonaws.com/{POOL_ID}")
    );
    assert_eq!(access["token_use"], "access");
    assert_eq!(access["client_id"], PUBLIC_CLIENT);
    assert_eq!(access["scope"], "aws.cognito.signin.user.admin");
    assert_eq!(access["auth_time"], NOW);
    assert_eq!(access["exp"], NOW + 3600);
    let id = payload(tokens.id_token.expose());
    assert_eq!(id["aud"], PUBLIC_CLIENT);
    assert_eq!(id["email_verified"], true);
    assert_eq!(id["origin_jti"], access["origin_jti"]);
    assert_eq!(id["sub"], access["sub"]);
}

#[test]
fn srp_steps_are_found_without_a_session_as_the_service_does() {
    let mut h = Harness::new(base_config());
    let id = ("TestKit01", "alice", PASSWORD);
    let ts = timestamp(h.now);
    let (srp, mut c) = h.srp_start(PUBLIC_CLIENT, "alice", serde_json::json!({}));
    c.session = String::new();
    let r = h.srp_answer(
        PUBLIC_CLIENT,
        "PASSWORD_VERIFIER",
        &srp,
        &c,
        id,
        &ts,
        serde_json::json!({}),
    );
    assert_eq!(r.status, 200, "{}", r.json_body());
    assert!(r.json_body()["AuthenticationResult"]["AccessToken"].is_string());
    // Still single use: the same answer again finds nothing.
    let again = h.srp_answer(
        PUBLIC_CLIENT,
        "PASSWORD_VERIFIER",
        &srp,
        &c,
        id,
        &ts,
        serde_json::json!({}),
    );
    assert_eq!(
        again.error_type().as_deref(),
        Some("InvalidParameterException")
    );
    // Other challenges need their Session.
    let r = h.call(
        "RespondToAuthChallenge",
        serde_json::json!({"ClientId": PUBLIC_CLIENT, "ChallengeName": "SOFTWARE_TOKEN_MFA",
            "ChallengeResponses": {"USERNAME": "alice", "SOFTWARE_TOKEN_MFA_CODE": "123456"}}),
    );
    assert_eq!(r.error_type().as_deref(), Some("InvalidParameterException"));
}
