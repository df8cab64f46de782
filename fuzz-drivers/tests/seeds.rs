//! Replays the checked-in fuzz seeds and crash regressions (`fuzz/seeds/<target>/*`) through the
//! same drivers the cargo-fuzz targets use, on stable. The drivers assert the invariants
//! (no panic, `Failed` sticky, no secret in `Debug`, B ≡ 0 mod N refused...).
//!
//! `COGNITO_FUZZ_WRITE_SEEDS=1 cargo test -p cognito-auth-fuzz-drivers --test seeds`
//! rewrites the generated seeds after a change to the input format.
#![allow(clippy::expect_used, clippy::panic)]

use std::fs;
use std::path::{Path, PathBuf};

use cognito_auth::Status;
use cognito_auth_fuzz_drivers as fuzzing;

fn seed_dir(target: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../fuzz/seeds")
        .join(target)
}

/// Every file of the target's seed directory, sorted, with its name.
fn inputs(target: &str) -> Vec<(String, Vec<u8>)> {
    let dir = seed_dir(target);
    let mut files: Vec<_> = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.expect("directory entry").path())
        .filter(|path| path.is_file())
        .collect();
    files.sort();
    let inputs: Vec<_> = files
        .into_iter()
        .map(|path| {
            let name = path
                .file_name()
                .expect("file name")
                .to_string_lossy()
                .into_owned();
            (name, fs::read(&path).expect("readable seed"))
        })
        .collect();
    assert!(!inputs.is_empty(), "no seeds for {target}");
    inputs
}

#[test]
fn seeds_are_checked_in_and_current() {
    let write = std::env::var_os("COGNITO_FUZZ_WRITE_SEEDS").is_some();
    for (target, name, bytes) in fuzzing::seeds() {
        let path = seed_dir(target).join(&name);
        if write {
            fs::create_dir_all(seed_dir(target)).expect("create the seed directory");
            fs::write(&path, &bytes).expect("write a seed");
        }
        let on_disk = fs::read(&path).unwrap_or_default();
        assert!(
            on_disk == bytes,
            "{} is missing or stale: run with COGNITO_FUZZ_WRITE_SEEDS=1",
            path.display()
        );
    }
}

#[test]
fn sign_in_seeds() {
    for (name, bytes) in inputs("sign_in") {
        let status = fuzzing::sign_in_transcript(&bytes);
        // The realistic transcripts reach where a real sign-in ends.
        match name.as_str() {
            "not_authorized_sticky" => assert_eq!(status, Status::Failed, "{name}"),
            // The seed answers MFA_SETUP with an answer that does not enrol: it stays open.
            "password_mfa_setup_moto" => assert_eq!(status, Status::AwaitingAnswer, "{name}"),
            n if n.starts_with("regression-") => {}
            _ => assert_eq!(status, Status::Done, "{name}"),
        }
    }
}

/// The status a sign-in seed must reach: where a real sign-in ends.
fn expected_sign_in_status(name: &str) -> Option<Status> {
    match name {
        "not_authorized_sticky" => Some(Status::Failed),
        // The seed answers MFA_SETUP with an answer that does not enrol: it stays open.
        "password_mfa_setup_moto" => Some(Status::AwaitingAnswer),
        // Crash regressions, and inputs the fuzzer found (kept for the states they reach).
        n if n.starts_with("regression-") || n.starts_with("fuzzed-") => None,
        _ => Some(Status::Done),
    }
}

#[test]
fn sign_in_password_seeds() {
    for (name, bytes) in inputs("sign_in_password") {
        let status = fuzzing::sign_in_password(&bytes);
        if let Some(want) = expected_sign_in_status(&name) {
            assert_eq!(status, want, "{name}");
        }
    }
}

#[test]
fn parse_response_seeds() {
    for (_, bytes) in inputs("parse_response") {
        fuzzing::parse_response(&bytes);
        fuzzing::parse_response_srp(&bytes);
    }
}

#[test]
fn srp_password_claim_seeds() {
    for (_, bytes) in inputs("srp_password_claim") {
        fuzzing::srp_password_claim(&bytes);
    }
}

#[test]
fn challenge_params_seeds() {
    for (_, bytes) in inputs("challenge_params") {
        fuzzing::challenge_params(&bytes);
        fuzzing::challenge_params_srp(&bytes);
        fuzzing::arithmetic(&bytes);
    }
}

#[test]
fn arithmetic_seeds() {
    for (_, bytes) in inputs("arithmetic") {
        fuzzing::arithmetic(&bytes);
    }
}

/// A target and its driver.
type Driver = (&'static str, fn(&[u8]));

/// The targets without SRP math: each replays its own seeds.
#[test]
fn account_and_token_seeds() {
    let drivers: [Driver; 14] = [
        ("json_read", fuzzing::json_read),
        ("account_responses", fuzzing::account_responses),
        ("sign_up_flow", fuzzing::sign_up_flow),
        ("password_reset_flow", fuzzing::password_reset_flow),
        ("device_confirmation", fuzzing::device_confirmation),
        ("device_store", fuzzing::device_store),
        ("token_manager", fuzzing::token_manager),
        ("jwt_claims", fuzzing::jwt_claims),
        ("http_date", fuzzing::http_date),
        ("suspended_resume", fuzzing::suspended_resume),
        ("testkit_http", fuzzing::testkit_http),
        ("testkit_config", fuzzing::testkit_config),
        ("capi", fuzzing::capi),
        ("cli_files", fuzzing::cli_files),
    ];
    for (target, driver) in drivers {
        for (name, bytes) in inputs(target) {
            eprintln!("{target}/{name}");
            driver(&bytes);
        }
    }
}

#[test]
fn short_and_empty_inputs() {
    for len in 0..64u8 {
        let bytes: Vec<u8> = (0..len).map(|i| i.wrapping_mul(97)).collect();
        let status = fuzzing::sign_in_transcript(&bytes);
        if len == 0 {
            // Only `start`: the SRP InitiateAuth is out.
            assert!(matches!(status, Status::AwaitingResponse(_)), "{status:?}");
        }
        fuzzing::parse_response(&bytes);
        fuzzing::srp_password_claim(&bytes);
        fuzzing::challenge_params(&bytes);
        fuzzing::challenge_params_srp(&bytes);
        fuzzing::arithmetic(&bytes);
    }
}
