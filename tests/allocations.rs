//! The sign-in machine allocates nothing per sign-in but the request bodies and the big
//! numbers (issue: "no per-sign-in allocation beyond the request body and the big numbers").
//! Counted with a counting global allocator; this binary holds one test so nothing else
//! allocates meanwhile. `cargo bench --bench machine` prints the same counts with the timings.
#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

mod support;

use std::alloc::System;
use std::sync::Arc;

use cognito_auth::{DeviceCredentials, PoolConfig, SignIn};
use serde_json::json;
use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};
use support::*;

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

/// One test in this binary: the counts must not see another test's allocations.
#[test]
fn srp_sign_ins_allocate_only_bodies_and_big_numbers() {
    user_srp();
    device_srp();
}

fn user_srp() {
    let config = Arc::new(
        PoolConfig::new(POOL_ID, CLIENT_ID)
            .unwrap()
            .with_random(Arc::new(FixedRandom::new(3))),
    );
    let server = SrpServer::new("AbCdEfGhI", "alice", "Correct-Horse-9!");
    let reply = Reply::ok(json!({
        "ChallengeName": "PASSWORD_VERIFIER",
        "Session": "session-1-aaaaaaaaaaaaaaaa",
        "ChallengeParameters": server.challenge_parameters(),
    }));
    // Once first: the comb tables for g are built once per process, not per sign-in.
    let mut warm = SignIn::new(config.clone(), "alice", "Correct-Horse-9!");
    warm.start().unwrap();
    expect_send(warm.handle_response(reply.as_response(), NOW).unwrap());

    let (user, password) = (String::from("alice"), String::from("Correct-Horse-9!"));
    let region = Region::new(GLOBAL);
    let mut sign_in = SignIn::new(config, user, password);
    let first = sign_in.start().unwrap();
    let start = region.change();
    let region = Region::new(GLOBAL);
    let answer = expect_send(sign_in.handle_response(reply.as_response(), NOW).unwrap());
    let verifier = region.change();

    // start: A as padded bytes and as hex, and the InitiateAuth body.
    assert_eq!(start.allocations, 3, "start: {start:?}");
    // The answer: B and the salt as bytes, the padded salt, and the response body.
    assert_eq!(verifier.allocations, 4, "PASSWORD_VERIFIER: {verifier:?}");
    assert_eq!(start.reallocations + verifier.reallocations, 0);
    assert!(body_of(&answer, "RespondToAuthChallenge")["ChallengeResponses"]
        ["PASSWORD_CLAIM_SIGNATURE"]
        .is_string());
    drop(first);
}

const DEVICE_KEY: &str = "us-east-1_fec070d2-fa88-424a-8ec8-b26d7198eb23";
const GROUP_KEY: &str = "-wt2ha1Zd";

/// A remembered device: after the password proof, DEVICE_SRP_AUTH and
/// DEVICE_PASSWORD_VERIFIER are answered by the machine. With a device each request body is
/// also kept (one copy) to resend it without DEVICE_KEY if the service forgot the device.
fn device_srp() {
    let config = Arc::new(
        PoolConfig::new(POOL_ID, CLIENT_ID)
            .unwrap()
            .with_random(Arc::new(FixedRandom::new(5))),
    );
    let device_password = "ZGV2aWNlLXNlY3JldC1mb3ItYWxsb2NhdGlvbnMtdGVzdA==";
    let credentials: DeviceCredentials = serde_json::from_value(json!({
        "device_key": DEVICE_KEY,
        "device_group_key": GROUP_KEY,
        "device_password": device_password,
        "user_sub": "sub-alice",
    }))
    .unwrap();
    let user = SrpServer::new("AbCdEfGhI", "alice", "Correct-Horse-9!");
    let device = SrpServer::new(GROUP_KEY, DEVICE_KEY, device_password);
    let verifier = Reply::ok(json!({
        "ChallengeName": "PASSWORD_VERIFIER",
        "Session": "session-1-aaaaaaaaaaaaaaaa",
        "ChallengeParameters": user.challenge_parameters(),
    }));
    let device_auth = Reply::ok(json!({
        "ChallengeName": "DEVICE_SRP_AUTH",
        "Session": "session-2-aaaaaaaaaaaaaaaa",
        "ChallengeParameters": {"USERNAME": "alice"},
    }));
    let mut parameters = device.challenge_parameters();
    parameters["USERNAME"] = json!("alice");
    let device_verifier = Reply::ok(json!({
        "ChallengeName": "DEVICE_PASSWORD_VERIFIER",
        "Session": "session-3-aaaaaaaaaaaaaaaa",
        "ChallengeParameters": parameters,
    }));

    let mut sign_in = SignIn::new(config, "alice", "Correct-Horse-9!").with_device(credentials);
    sign_in.start().unwrap();
    expect_send(
        sign_in
            .handle_response(verifier.as_response(), NOW)
            .unwrap(),
    );

    let region = Region::new(GLOBAL);
    let request = expect_send(
        sign_in
            .handle_response(device_auth.as_response(), NOW)
            .unwrap(),
    );
    let srp_auth = region.change();
    let device_a = body_of(&request, "RespondToAuthChallenge")["ChallengeResponses"]["SRP_A"]
        .as_str()
        .unwrap()
        .to_owned();
    let region = Region::new(GLOBAL);
    let proof = expect_send(
        sign_in
            .handle_response(device_verifier.as_response(), NOW)
            .unwrap(),
    );
    let password_verifier = region.change();

    // DEVICE_SRP_AUTH: A as padded bytes and as hex, the body and its kept copy.
    assert_eq!(srp_auth.allocations, 4, "DEVICE_SRP_AUTH: {srp_auth:?}");
    // DEVICE_PASSWORD_VERIFIER: B, salt, padded salt, the body and its kept copy.
    assert_eq!(
        password_verifier.allocations, 5,
        "DEVICE_PASSWORD_VERIFIER: {password_verifier:?}"
    );
    assert_eq!(srp_auth.reallocations + password_verifier.reallocations, 0);
    assert_eq!(
        body_of(&proof, "RespondToAuthChallenge")["ChallengeResponses"]["PASSWORD_CLAIM_SIGNATURE"],
        device.expected_signature(&device_a, NOW_TIMESTAMP)
    );
}
