//! Refresh both ways, rotation and reuse detection, RevokeToken, GlobalSignOut.

use cognito_auth::{HttpResponse, Refresh, RefreshFlow, SignIn, Tokens, UnixTime};
use cognito_auth_testkit::ClientConfig;
use serde_json::json;

use crate::support::*;

fn refresh(h: &mut Harness, refresh: &mut Refresh) -> Result<Tokens, cognito_auth::Error> {
    let request = refresh.request()?;
    let response = h.send(&request);
    refresh.handle_response(
        HttpResponse::new(response.status, &response.body),
        UnixTime(h.now),
    )
}

fn signed_in(h: &mut Harness, client_id: &str, who: &str) -> Tokens {
    let mut sign_in = SignIn::new(client(client_id), who, PASSWORD);
    done(h.sign_in(&mut sign_in).unwrap())
}

#[test]
fn refresh_both_ways_with_a_secret_and_an_alias() {
    let mut config = base_config().with_user(cognito_auth_testkit::UserSeed::new(
        "fay@example.com",
        PASSWORD,
    ));
    config.username_attributes = vec!["email".into()];
    let mut h = Harness::new(config);
    let tokens = signed_in(&mut h, SECRET_CLIENT, "fay@example.com");
    h.now += 600;
    for flow in [
        RefreshFlow::GetTokensFromRefreshToken,
        RefreshFlow::RefreshTokenAuth,
    ] {
        let mut r = Refresh::new(client(SECRET_CLIENT), &tokens)
            .unwrap()
            .with_flow(flow);
        let fresh = refresh(&mut h, &mut r).unwrap();
        assert_eq!(
            fresh.refresh_token, tokens.refresh_token,
            "no rotation: the old one is kept"
        );
        let claims = fresh.access_claims().unwrap();
        assert_eq!(
            claims.auth_time,
            Some(NOW),
            "auth_time stays the sign-in time"
        );
        assert_eq!(claims.iat, Some(h.now));
    }
    // REFRESH_TOKEN_AUTH hashed over the alias instead of the internal name is refused.
    let mut wrong = Refresh::new(client(SECRET_CLIENT), &tokens)
        .unwrap()
        .with_flow(RefreshFlow::RefreshTokenAuth)
        .with_internal_username("fay@example.com");
    let err = refresh(&mut h, &mut wrong).unwrap_err();
    assert!(
        err.to_string().contains("Unable to verify secret hash"),
        "{err}"
    );
}

#[test]
fn rotation_and_reuse_detection() {
    let config = base_config().with_client(ClientConfig::new("rotatingclient01").with_rotation(10));
    let mut h = Harness::new(config);
    let tokens = signed_in(&mut h, "rotatingclient01", "alice");
    let mut first = Refresh::new(client("rotatingclient01"), &tokens).unwrap();
    let rotated = refresh(&mut h, &mut first).unwrap();
    assert_ne!(
        rotated.refresh_token, tokens.refresh_token,
        "a new refresh token"
    );
    // Within the grace period the old one still works...
    h.now += 5;
    let mut again = Refresh::new(client("rotatingclient01"), &tokens).unwrap();
    refresh(&mut h, &mut again).unwrap();
    // ...after it, reuse is detected.
    h.now += 10;
    let mut late = Refresh::new(client("rotatingclient01"), &tokens).unwrap();
    let err = refresh(&mut h, &mut late).unwrap_err();
    assert!(
        err.to_string().contains("RefreshTokenReuse")
            || matches!(&err, cognito_auth::Error::Service(e) if e.kind().code() == "RefreshTokenReuseException"),
        "{err}"
    );
    // The new one works, and REFRESH_TOKEN_AUTH is not allowed with rotation.
    let mut next = Refresh::new(client("rotatingclient01"), &rotated).unwrap();
    refresh(&mut h, &mut next).unwrap();
    let mut old_way = Refresh::new(client("rotatingclient01"), &rotated)
        .unwrap()
        .with_flow(RefreshFlow::RefreshTokenAuth);
    assert!(refresh(&mut h, &mut old_way).is_err());
}

#[test]
fn revoke_token_and_global_sign_out() {
    let mut h = Harness::new(base_config());
    let tokens = signed_in(&mut h, PUBLIC_CLIENT, "alice");
    let access = tokens.access_token.expose().to_owned();
    h.ok("GetUser", json!({"AccessToken": access}));
    let refresh_token = tokens.refresh_token.as_ref().unwrap().expose().to_owned();
    h.ok(
        "RevokeToken",
        json!({"Token": refresh_token, "ClientId": PUBLIC_CLIENT}),
    );
    let r = h.call("GetUser", json!({"AccessToken": access}));
    assert_eq!(r.json_body()["message"], "Access Token has been revoked");
    let mut dead = Refresh::new(client(PUBLIC_CLIENT), &tokens).unwrap();
    assert!(refresh(&mut h, &mut dead).is_err());

    let a = signed_in(&mut h, PUBLIC_CLIENT, "alice");
    let b = signed_in(&mut h, SECRET_CLIENT, "alice");
    h.ok(
        "GlobalSignOut",
        json!({"AccessToken": a.access_token.expose()}),
    );
    for t in [&a, &b] {
        let r = h.call("GetUser", json!({"AccessToken": t.access_token.expose()}));
        assert_eq!(r.error_type().as_deref(), Some("NotAuthorizedException"));
    }
    let mut dead = Refresh::new(client(SECRET_CLIENT), &b).unwrap();
    assert!(refresh(&mut h, &mut dead).is_err());
    // An access token is not a refresh token.
    let c = signed_in(&mut h, PUBLIC_CLIENT, "alice");
    let r = h.call(
        "RevokeToken",
        json!({"Token": c.access_token.expose(), "ClientId": PUBLIC_CLIENT}),
    );
    assert_eq!(
        r.error_type().as_deref(),
        Some("UnsupportedTokenTypeException")
    );
    // Expired access tokens are refused.
    h.now += 3601;
    let r = h.call("GetUser", json!({"AccessToken": c.access_token.expose()}));
    assert_eq!(r.json_body()["message"], "Access Token has expired");
}

#[test]
fn a_null_map_value_reads_as_absent() {
    // amazon-cognito-identity-js's refreshSession sends `"DEVICE_KEY": null` when it has no
    // device (pools without device tracking), and the service answers with tokens.
    let mut h = Harness::new(base_config());
    let tokens = signed_in(&mut h, PUBLIC_CLIENT, "alice");
    let refresh_token = tokens.refresh_token.as_ref().unwrap().expose().to_owned();
    let body = |device_key| {
        json!({"ClientId": PUBLIC_CLIENT, "AuthFlow": "REFRESH_TOKEN_AUTH",
            "AuthParameters": {"REFRESH_TOKEN": refresh_token, "DEVICE_KEY": device_key}})
    };
    let fresh = h.ok("InitiateAuth", body(json!(null)));
    assert!(fresh["AuthenticationResult"]["AccessToken"].is_string());
    // A value of another type is still a SerializationException.
    let r = h.call("InitiateAuth", body(json!(1)));
    assert_eq!(r.error_type().as_deref(), Some("SerializationException"));
}
