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
