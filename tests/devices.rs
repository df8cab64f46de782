//! Remembered devices: confirm, remember, sign in through device SRP, recover from a device
//! forgotten elsewhere, refresh with the device key.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod support;

use std::sync::Arc;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use cognito_auth::{
    Challenge, DeviceConfirmation, DeviceCredentials, DeviceStore, PoolConfig, Refresh,
    RefreshFlow, SignIn, Step, Tokens,
};
use num_bigint::BigUint;
use serde_json::{Value, json};
use support::*;

const DEVICE_KEY: &str = "us-east-1_fec070d2-fa88-424a-8ec8-b26d7198eb23";
const GROUP_KEY: &str = "-wt2ha1Zd";
const SUB: &str = "5f2a9c1e-0000-4000-8000-00000000cafe";
const INTERNAL: &str = "84514837-dcbc-4af1-abff-f3c109334894";

fn config() -> Arc<PoolConfig> {
    Arc::new(
        PoolConfig::new(POOL_ID, CLIENT_ID)
            .unwrap()
            .with_client_secret(CLIENT_SECRET)
            .with_random(Arc::new(FixedRandom::new(21))),
    )
}

fn tokens_with(device_in_token: bool, new_device: bool) -> Value {
    let mut access =
        json!({"sub": SUB, "username": INTERNAL, "token_use": "access", "exp": NOW.0 + 3600});
    if device_in_token {
        access["device_key"] = json!(DEVICE_KEY);
    }
    let mut result = json!({
        "AccessToken": jwt(access),
        "IdToken": jwt(json!({"sub": SUB, "cognito:username": INTERNAL, "token_use": "id"})),
        "RefreshToken": "refresh-1",
        "ExpiresIn": 3600,
        "TokenType": "Bearer",
    });
    if new_device {
        result["NewDeviceMetadata"] = json!({"DeviceKey": DEVICE_KEY, "DeviceGroupKey": GROUP_KEY});
    }
    json!({"AuthenticationResult": result})
}

fn feed(sign_in: &mut SignIn, reply: Reply) -> Step {
    sign_in.handle_response(reply.as_response(), NOW).unwrap()
}

/// A user-SRP sign-in up to the PASSWORD_VERIFIER answer; checks DEVICE_KEY presence.
fn password_step(sign_in: &mut SignIn, user: &SrpServer, device: Option<&str>) -> Value {
    let init = body_of(&sign_in.start().unwrap(), "InitiateAuth");
    assert_eq!(
        init["AuthParameters"]
            .get("DEVICE_KEY")
            .and_then(Value::as_str),
        device
    );
    let srp_a = init["AuthParameters"]["SRP_A"].as_str().unwrap().to_owned();
    let reply = Reply::ok(
        json!({"ChallengeName": "PASSWORD_VERIFIER", "Session": "S1-dddddddddddddddddddd", "ChallengeParameters": user.challenge_parameters()}),
    );
    let pv = body_of(&expect_send(feed(sign_in, reply)), "RespondToAuthChallenge");
    assert_eq!(
        pv["ChallengeResponses"]["PASSWORD_CLAIM_SIGNATURE"],
        user.expected_signature(&srp_a, NOW_TIMESTAMP)
    );
    assert_eq!(
        pv["ChallengeResponses"]
            .get("DEVICE_KEY")
            .and_then(Value::as_str),
        device
    );
    pv
}

/// First sign-in, then ConfirmDevice and UpdateDeviceStatus; returns the stored credentials
/// and the server half for the registered verifier.
fn first_sign_in_and_confirm() -> (DeviceCredentials, SrpServer) {
    let user = SrpServer::new("AbCdEfGhI", INTERNAL, "Device-Pass-1");
    let mut sign_in = SignIn::new(config(), "jane@example.com", "Device-Pass-1");
    password_step(&mut sign_in, &user, None);
    let tokens = expect_done(feed(&mut sign_in, Reply::ok(tokens_with(false, true))));
    let new_device = tokens.new_device.clone().unwrap();
    assert_eq!(
        (
            new_device.device_key.as_str(),
            new_device.device_group_key.as_str()
        ),
        (DEVICE_KEY, GROUP_KEY)
    );

    let mut confirmation = DeviceConfirmation::new(config(), &tokens).unwrap();
    let body = body_of(
        &confirmation.start(Some("Jane's phone")).unwrap(),
        "ConfirmDevice",
    );
    assert_eq!(body["AccessToken"], tokens.access_token.expose());
    assert_eq!(body["DeviceKey"], DEVICE_KEY);
    assert_eq!(body["DeviceName"], "Jane's phone");
    let config_member = &body["DeviceSecretVerifierConfig"];
    let salt_bytes = STANDARD
        .decode(config_member["Salt"].as_str().unwrap())
        .unwrap();
    let verifier_bytes = STANDARD
        .decode(config_member["PasswordVerifier"].as_str().unwrap())
        .unwrap();
    assert!(
        salt_bytes[0] & 0x80 == 0 && verifier_bytes[0] & 0x80 == 0,
        "padHex: never negative as Java reads it"
    );

    let confirmed = confirmation
        .handle_response(Reply::ok(json!({"UserConfirmationNecessary": true})).as_response())
        .unwrap();
    assert!(confirmed.user_confirmation_necessary);
    let credentials = confirmed.credentials;
    assert_eq!(
        credentials.user_sub, SUB,
        "stored under the sub, not the alias"
    );
    assert_eq!(
        STANDARD
            .decode(credentials.device_password.expose())
            .unwrap()
            .len(),
        40
    );

    // The registered verifier is g^x for the secret the app keeps, checked independently.
    let salt = BigUint::from_bytes_be(&salt_bytes);
    let x = SrpServer::x_for(
        GROUP_KEY,
        DEVICE_KEY,
        credentials.device_password.expose(),
        &salt,
    );
    let verifier = BigUint::from(2u8).modpow(&x, &n());
    assert_eq!(BigUint::from_bytes_be(&verifier_bytes), verifier);

    let status = body_of(&confirmation.remember(true).unwrap(), "UpdateDeviceStatus");
    assert_eq!(
        status,
        json!({"AccessToken": tokens.access_token.expose(), "DeviceKey": DEVICE_KEY, "DeviceRememberedStatus": "remembered"})
    );
    confirmation
        .handle_status_response(Reply::ok(json!({})).as_response())
        .unwrap();
    (
        credentials,
        SrpServer::from_verifier(GROUP_KEY, DEVICE_KEY, salt, verifier),
    )
}

#[test]
fn confirm_remember_then_sign_in_through_device_srp_without_mfa() {
    let (credentials, device_server) = first_sign_in_and_confirm();
    let mut store = DeviceStore::new();
    store.insert("jane@example.com", credentials);
    let stored = serde_json::to_string(&store).unwrap();
    let store: DeviceStore = serde_json::from_str(&stored).unwrap();
    let credentials = store.for_username("jane@example.com").unwrap().clone();

    let user = SrpServer::new("AbCdEfGhI", INTERNAL, "Device-Pass-1");
    let mut sign_in =
        SignIn::new(config(), "jane@example.com", "Device-Pass-1").with_device(credentials);
    password_step(&mut sign_in, &user, Some(DEVICE_KEY));

    // DEVICE_SRP_AUTH: answered by the machine with a fresh A.
    let reply = Reply::ok(
        json!({"ChallengeName": "DEVICE_SRP_AUTH", "Session": "S2-dddddddddddddddddddd", "ChallengeParameters": {"USERNAME": INTERNAL}}),
    );
    let device_auth = body_of(
        &expect_send(feed(&mut sign_in, reply)),
        "RespondToAuthChallenge",
    );
    assert_eq!(device_auth["ChallengeName"], "DEVICE_SRP_AUTH");
    assert_eq!(device_auth["Session"], "S2-dddddddddddddddddddd");
    let responses = device_auth["ChallengeResponses"].as_object().unwrap();
    assert_eq!(responses["USERNAME"], INTERNAL);
    assert_eq!(responses["DEVICE_KEY"], DEVICE_KEY);
    assert_eq!(responses["SECRET_HASH"], secret_hash(INTERNAL));
    let device_a = responses["SRP_A"].as_str().unwrap().to_owned();

    // DEVICE_PASSWORD_VERIFIER: proven with the device secret, checked by the server half.
    let mut parameters = device_server.challenge_parameters();
    parameters["USERNAME"] = json!(INTERNAL);
    let reply = Reply::ok(
        json!({"ChallengeName": "DEVICE_PASSWORD_VERIFIER", "Session": "S3-dddddddddddddddddddd", "ChallengeParameters": parameters}),
    );
    let proof = body_of(
        &expect_send(feed(&mut sign_in, reply)),
        "RespondToAuthChallenge",
    );
    assert_eq!(proof["ChallengeName"], "DEVICE_PASSWORD_VERIFIER");
    assert_eq!(proof["Session"], "S3-dddddddddddddddddddd");
    let responses = proof["ChallengeResponses"].as_object().unwrap();
    assert_eq!(
        responses["PASSWORD_CLAIM_SIGNATURE"],
        device_server.expected_signature(&device_a, NOW_TIMESTAMP)
    );
    assert_eq!(responses["TIMESTAMP"], NOW_TIMESTAMP);
    assert_eq!(responses["DEVICE_KEY"], DEVICE_KEY);
    assert_eq!(responses["USERNAME"], INTERNAL);

    // Tokens with no MFA challenge in between.
    let tokens = expect_done(feed(&mut sign_in, Reply::ok(tokens_with(true, false))));
    assert!(tokens.new_device.is_none());
}

#[test]
fn a_device_forgotten_elsewhere_is_dropped_and_the_step_resent() {
    let (credentials, _) = first_sign_in_and_confirm();
    let user = SrpServer::new("AbCdEfGhI", INTERNAL, "Device-Pass-1");

    // Refused at InitiateAuth.
    let mut sign_in =
        SignIn::new(config(), "jane@example.com", "Device-Pass-1").with_device(credentials.clone());
    let first = body_of(&sign_in.start().unwrap(), "InitiateAuth");
    let step = feed(
        &mut sign_in,
        Reply::error("ResourceNotFoundException", "Device does not exist."),
    );
    let Step::DeviceForgotten {
        request,
        device_key,
    } = step
    else {
        panic!("{step:?}")
    };
    assert_eq!(device_key, DEVICE_KEY);
    let resent = body_of(&request, "InitiateAuth");
    let mut expected = first.clone();
    expected["AuthParameters"]
        .as_object_mut()
        .unwrap()
        .remove("DEVICE_KEY");
    assert_eq!(resent, expected, "the same step, without DEVICE_KEY");
    let srp_a = resent["AuthParameters"]["SRP_A"]
        .as_str()
        .unwrap()
        .to_owned();
    let reply = Reply::ok(
        json!({"ChallengeName": "PASSWORD_VERIFIER", "Session": "S1-fffffffffffffffffff", "ChallengeParameters": user.challenge_parameters()}),
    );
    let pv = body_of(
        &expect_send(feed(&mut sign_in, reply)),
        "RespondToAuthChallenge",
    );
    assert!(pv["ChallengeResponses"].get("DEVICE_KEY").is_none());
    assert_eq!(
        pv["ChallengeResponses"]["PASSWORD_CLAIM_SIGNATURE"],
        user.expected_signature(&srp_a, NOW_TIMESTAMP)
    );
    let tokens = expect_done(feed(&mut sign_in, Reply::ok(tokens_with(false, true))));
    assert_eq!(
        tokens.new_device.map(|d| d.device_key).as_deref(),
        Some(DEVICE_KEY),
        "a new device to confirm"
    );

    // Refused at PASSWORD_VERIFIER, as the reference clients saw it.
    let mut sign_in =
        SignIn::new(config(), "jane@example.com", "Device-Pass-1").with_device(credentials.clone());
    let pv = password_step(&mut sign_in, &user, Some(DEVICE_KEY));
    let step = feed(
        &mut sign_in,
        Reply::error("ResourceNotFoundException", "Device does not exist."),
    );
    let Step::DeviceForgotten { request, .. } = step else {
        panic!("{step:?}")
    };
    let resent = body_of(&request, "RespondToAuthChallenge");
    let mut expected = pv.clone();
    expected["ChallengeResponses"]
        .as_object_mut()
        .unwrap()
        .remove("DEVICE_KEY");
    assert_eq!(resent, expected);
    let _ = expect_done(feed(&mut sign_in, Reply::ok(tokens_with(false, true))));

    // The app deletes what it stored.
    let mut store = DeviceStore::new();
    store.insert("jane@example.com", credentials);
    assert!(store.remove_device(DEVICE_KEY).is_some());
    assert!(store.for_username("jane@example.com").is_none());
}

#[test]
fn other_not_found_errors_are_not_mistaken_for_a_device() {
    let (credentials, _) = first_sign_in_and_confirm();
    let mut sign_in = SignIn::new(config(), "jane@example.com", "pw").with_device(credentials);
    sign_in.start().unwrap();
    let error = sign_in.handle_response(
        Reply::error(
            "ResourceNotFoundException",
            "User pool client abc does not exist.",
        )
        .as_response(),
        NOW,
    );
    assert!(error.is_err());
}

#[test]
fn without_credentials_device_srp_surfaces_as_a_challenge() {
    let user = SrpServer::new("AbCdEfGhI", INTERNAL, "pw-1");
    let mut sign_in = SignIn::new(config(), "jane@example.com", "pw-1");
    password_step(&mut sign_in, &user, None);
    let reply = Reply::ok(
        json!({"ChallengeName": "DEVICE_SRP_AUTH", "Session": "S2-gggggggggggggggggggg", "ChallengeParameters": {}}),
    );
    assert!(matches!(
        feed(&mut sign_in, reply),
        Step::Challenge(Challenge::DeviceSrpAuth)
    ));
}

#[test]
fn refresh_carries_the_device_key() {
    let tokens: Tokens = {
        let mut sign_in = SignIn::new(config(), "jane@example.com", "pw")
            .with_flow(cognito_auth::AuthFlow::UserPassword);
        sign_in.start().unwrap();
        expect_done(feed(&mut sign_in, Reply::ok(tokens_with(true, false))))
    };
    let mut refresh = Refresh::new(config(), &tokens).unwrap();
    let body = body_of(&refresh.request().unwrap(), "GetTokensFromRefreshToken");
    assert_eq!(body["DeviceKey"], DEVICE_KEY);
    let mut refresh = Refresh::new(config(), &tokens)
        .unwrap()
        .with_flow(RefreshFlow::RefreshTokenAuth);
    let body = body_of(&refresh.request().unwrap(), "InitiateAuth");
    assert_eq!(
        body["AuthParameters"],
        json!({"REFRESH_TOKEN": "refresh-1", "DEVICE_KEY": DEVICE_KEY, "SECRET_HASH": secret_hash(INTERNAL)})
    );
}

#[test]
fn device_secrets_stay_out_of_debug() {
    let (credentials, _) = first_sign_in_and_confirm();
    let printed = format!("{credentials:?}");
    assert!(
        !printed.contains(credentials.device_password.expose()),
        "{printed}"
    );
}
