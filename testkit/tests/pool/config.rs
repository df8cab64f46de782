//! The JSON configuration format of README.md.

use cognito_auth::{AuthFlow, SignIn};
use cognito_auth_testkit::{Config, DeviceTracking, MfaMode, Pool, SeededRng, UserStatus};

use crate::support::*;

const EXAMPLE: &str = r#"{
  "pool_id": "us-east-1_TestKit01",
  "clients": [
    {"client_id": "publicclient0001", "explicit_auth_flows": ["ALLOW_USER_SRP_AUTH", "ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]},
    {"client_id": "secretclient0001", "client_secret": "s3cr3tclientsecretvalue0123456789abcdef",
     "refresh_token_rotation": {"enabled": true, "retry_grace_period_seconds": 10}}
  ],
  "mfa": "optional",
  "device_tracking": "user_opt_in",
  "username_attributes": ["email"],
  "password_policy": {"minimum_length": 10, "require_symbols": false},
  "users": [
    {"username": "kim@example.com", "password": "Correct-Horse-9", "status": "CONFIRMED",
     "attributes": {"name": "Kim"}},
    {"username": "lee@example.com", "password": "Temporary-Pass1", "status": "FORCE_CHANGE_PASSWORD"}
  ]
}"#;

#[test]
fn the_documented_json_format_loads_and_works() {
    let config = Config::from_json(EXAMPLE).unwrap();
    assert_eq!(config.mfa, MfaMode::Optional);
    assert_eq!(config.device_tracking, DeviceTracking::UserOptIn);
    assert_eq!(config.password_policy.minimum_length, 10);
    let mut h = Harness::new(config);
    assert_eq!(
        h.pool.user_status("lee@example.com"),
        Some(UserStatus::ForceChangePassword)
    );
    let mut sign_in = SignIn::new(client(PUBLIC_CLIENT), "kim@example.com", PASSWORD)
        .with_flow(AuthFlow::UserPassword);
    let tokens = done(h.sign_in(&mut sign_in).unwrap());
    assert!(
        tokens.new_device.is_some(),
        "device tracking hands out a key"
    );
    assert!(
        Config::from_json(r#"{"pool_id": "x_y", "surprise": 1}"#).is_err(),
        "unknown keys are refused"
    );
    let mut rng = SeededRng::new(0);
    assert!(Pool::new(Config::new("no-underscore"), NOW, &mut rng).is_err());
}

#[test]
fn debug_never_shows_a_seeded_secret() {
    let mut config = Config::from_json(EXAMPLE).unwrap();
    config.users[0].mfa.totp_secret = Some("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP".into());
    config.admin_credentials = vec![cognito_auth_testkit::AdminCredentials::new(
        "AKIDEXAMPLE",
        "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
    )];
    let shown = format!("{config:?}");
    for secret in [
        "s3cr3tclientsecretvalue0123456789abcdef",
        "Correct-Horse-9",
        "Temporary-Pass1",
        "JBSWY3DPEHPK3PXP",
        "wJalrXUtnFEMI",
    ] {
        assert!(!shown.contains(secret), "Debug shows {secret}: {shown}");
    }
    // What is not secret still shows, so the redaction is not an empty Debug.
    assert!(shown.contains("secretclient0001") && shown.contains("kim@example.com"));
    assert!(shown.contains("<redacted>") && shown.contains("AKIDEXAMPLE"));
}
