//! The sign-in machine allocates nothing per sign-in but the request bodies and the big
//! numbers (issue: "no per-sign-in allocation beyond the request body and the big numbers").
//! Counted with a counting global allocator; this binary holds one test so nothing else
//! allocates meanwhile. `cargo bench --bench machine` prints the same counts with the timings.
#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

mod support;

use std::alloc::System;
use std::sync::Arc;

use cognito_auth::{PoolConfig, SignIn};
use serde_json::json;
use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};
use support::*;

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

#[test]
fn an_srp_sign_in_allocates_only_bodies_and_big_numbers() {
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
