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
