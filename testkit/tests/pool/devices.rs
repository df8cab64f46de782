//! Device tracking: NewDeviceMetadata, ConfirmDevice, device SRP (hand-built: the
//! machines do not answer DEVICE_SRP_AUTH yet), remembered devices skip MFA, management.

use cognito_auth::srp::DeviceVerifier;
use cognito_auth::{Challenge, SignIn, Step};
use cognito_auth_testkit::{DeviceTracking, MfaMode, UserSeed};
use serde_json::{Value, json};

use crate::support::*;

const TOTP_SECRET: &str = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
const DEVICE_PASSWORD: &str = "random-device-password-from-the-client";

fn pool(tracking: DeviceTracking) -> Harness {
    let mut config =
        base_config().with_user(UserSeed::new("jo", PASSWORD).with_totp_secret(TOTP_SECRET));
    config.mfa = MfaMode::Optional;
    config.device_tracking = tracking;
    Harness::new(config)
}

/// Signs jo in with TOTP; returns the AuthenticationResult.
fn sign_in_with_totp(h: &mut Harness) -> Value {
    let mut sign_in = SignIn::new(client(PUBLIC_CLIENT), "jo", PASSWORD);
    assert!(matches!(
        h.sign_in(&mut sign_in).unwrap(),
        Step::Challenge(Challenge::SoftwareTokenMfa)
    ));
    h.now += 30;
    let pw = h.ok(
        "InitiateAuth",
        json!({"ClientId": PUBLIC_CLIENT, "AuthFlow": "USER_PASSWORD_AUTH",
        "AuthParameters": {"USERNAME": "jo", "PASSWORD": PASSWORD}}),
    );
    let body = h.ok("RespondToAuthChallenge", json!({"ClientId": PUBLIC_CLIENT, "ChallengeName": "SOFTWARE_TOKEN_MFA",
        "Session": pw["Session"], "ChallengeResponses": {"USERNAME": "jo", "SOFTWARE_TOKEN_MFA_CODE": totp_code(TOTP_SECRET, h.now)}}));
    body["AuthenticationResult"].clone()
}

fn confirm(h: &mut Harness, result: &Value) -> (String, String, Value) {
    let key = result["NewDeviceMetadata"]["DeviceKey"]
        .as_str()
        .unwrap()
        .to_owned();
    let group = result["NewDeviceMetadata"]["DeviceGroupKey"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(key.starts_with("us-east-1_"));
    let verifier = DeviceVerifier::compute(&group, &key, DEVICE_PASSWORD, &[0x88; 16]).unwrap();
    let body = h.ok("ConfirmDevice", json!({"AccessToken": result["AccessToken"], "DeviceKey": key,
        "DeviceName": "test-laptop",
        "DeviceSecretVerifierConfig": {"PasswordVerifier": verifier.password_verifier_b64(), "Salt": verifier.salt_b64()}}));
    (key, group, body)
}

/// USER_SRP_AUTH with DEVICE_KEY → DEVICE_SRP_AUTH → DEVICE_PASSWORD_VERIFIER, by hand.
fn device_sign_in(
    h: &mut Harness,
    key: &str,
    group: &str,
    device_password: &str,
) -> cognito_auth_testkit::PoolResponse {
    let (srp, c) = h.srp_start(PUBLIC_CLIENT, "jo", json!({"DEVICE_KEY": key}));
    let ts = timestamp(h.now);
    let r = h.srp_answer(
        PUBLIC_CLIENT,
        "PASSWORD_VERIFIER",
        &srp,
        &c,
        ("TestKit01", "jo", PASSWORD),
        &ts,
        json!({"DEVICE_KEY": key}),
    );
    let body = r.json_body();
    assert_eq!(body["ChallengeName"], "DEVICE_SRP_AUTH", "{body}");
    let device_srp = new_srp_client(11);
    let next = h.ok("RespondToAuthChallenge", json!({"ClientId": PUBLIC_CLIENT, "ChallengeName": "DEVICE_SRP_AUTH",
        "Session": body["Session"], "ChallengeResponses": {"USERNAME": "jo", "DEVICE_KEY": key, "SRP_A": device_srp.public_a_hex()}}));
    assert_eq!(next["ChallengeName"], "DEVICE_PASSWORD_VERIFIER");
    let challenge = HandSrp {
        session: next["Session"].as_str().unwrap().to_owned(),
        params: next["ChallengeParameters"].clone(),
    };
    h.srp_answer(
        PUBLIC_CLIENT,
        "DEVICE_PASSWORD_VERIFIER",
        &device_srp,
        &challenge,
        (group, key, device_password),
        &ts,
        json!({"DEVICE_KEY": key}),
    )
}

#[test]
fn remembered_device_skips_mfa_via_device_srp() {
    let mut h = pool(DeviceTracking::Always);
    let result = sign_in_with_totp(&mut h);
    let (key, group, confirmed) = confirm(&mut h, &result);
    assert_eq!(confirmed["UserConfirmationNecessary"], false);

    let wrong = device_sign_in(&mut h, &key, &group, "not-the-device-password");
    assert_eq!(
        wrong.json_body()["message"],
        "Incorrect username or password."
    );
    let ok = device_sign_in(&mut h, &key, &group, DEVICE_PASSWORD);
    let body = ok.json_body();
    let tokens = &body["AuthenticationResult"];
    assert!(tokens["AccessToken"].is_string(), "{body}");
    assert!(
        tokens.get("NewDeviceMetadata").is_none(),
        "a known device gets no new key"
    );

    // Refresh must name the confirmed device.
    let refresh = tokens["RefreshToken"].clone();
    let bad = h.call(
        "GetTokensFromRefreshToken",
        json!({"ClientId": PUBLIC_CLIENT, "RefreshToken": refresh}),
    );
    assert_eq!(bad.json_body()["message"], "Invalid Refresh Token");
    h.ok(
        "GetTokensFromRefreshToken",
        json!({"ClientId": PUBLIC_CLIENT, "RefreshToken": refresh, "DeviceKey": key}),
    );

    // ListDevices / GetDevice / UpdateDeviceStatus / ForgetDevice.
    let access = tokens["AccessToken"].clone();
    let list = h.ok("ListDevices", json!({"AccessToken": access}));
    assert_eq!(list["Devices"][0]["DeviceKey"], key.as_str());
    h.ok(
        "GetDevice",
        json!({"AccessToken": access, "DeviceKey": key}),
    );
    h.ok(
        "ForgetDevice",
        json!({"AccessToken": access, "DeviceKey": key}),
    );
    assert_eq!(
        h.ok("ListDevices", json!({"AccessToken": access}))["Devices"],
        json!([])
    );
    let (_, c) = h.srp_start(PUBLIC_CLIENT, "jo", json!({"DEVICE_KEY": key}));
    let srp = new_srp_client(3);
    let gone = h.srp_answer(
        PUBLIC_CLIENT,
        "PASSWORD_VERIFIER",
        &srp,
        &c,
        ("TestKit01", "jo", PASSWORD),
        &timestamp(h.now),
        json!({"DEVICE_KEY": key}),
    );
    assert_eq!(gone.json_body()["message"], "Device does not exist.");
}

#[test]
fn user_opt_in_devices_are_remembered_on_request() {
    let mut h = pool(DeviceTracking::UserOptIn);
    let result = sign_in_with_totp(&mut h);
    let (key, group, confirmed) = confirm(&mut h, &result);
    assert_eq!(confirmed["UserConfirmationNecessary"], true);
    // Not remembered yet: MFA is still asked after the password.
    let (srp, c) = h.srp_start(PUBLIC_CLIENT, "jo", json!({"DEVICE_KEY": key}));
    let r = h.srp_answer(
        PUBLIC_CLIENT,
        "PASSWORD_VERIFIER",
        &srp,
        &c,
        ("TestKit01", "jo", PASSWORD),
        &timestamp(h.now),
        json!({"DEVICE_KEY": key}),
    );
    assert_eq!(r.json_body()["ChallengeName"], "SOFTWARE_TOKEN_MFA");
    h.ok("UpdateDeviceStatus", json!({"AccessToken": result["AccessToken"], "DeviceKey": key, "DeviceRememberedStatus": "remembered"}));
    let ok = device_sign_in(&mut h, &key, &group, DEVICE_PASSWORD);
    assert_eq!(ok.status, 200);
}

#[test]
fn the_client_machine_signs_in_through_device_srp_without_mfa() {
    let mut h = pool(DeviceTracking::Always);
    let result = sign_in_with_totp(&mut h);
    let (key, group, _) = confirm(&mut h, &result);
    let device = cognito_auth::DeviceCredentials {
        device_key: key,
        device_group_key: group,
        device_password: DEVICE_PASSWORD.into(),
        user_sub: "sub-of-jo".into(),
    };
    let mut sign_in = SignIn::new(client(PUBLIC_CLIENT), "jo", PASSWORD).with_device(device);
    let step = h.sign_in(&mut sign_in).unwrap();
    assert!(
        matches!(step, Step::Done(_)),
        "device SRP verified, MFA skipped: {step:?}"
    );
}
