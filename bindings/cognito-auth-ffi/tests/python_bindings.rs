//! Generates the Python bindings with this crate's `uniffi-bindgen`, then runs
//! `tests/bindings/test_sign_in.py`, which drives sign-ins against `cognito-auth serve` over
//! HTTP (urllib), with the managed-login, `JwtVerifier` and `DeviceStore` tests it imports from
//! `tests/bindings/test_managed_login.py`. Needs python3: without it the test fails, it does
//! not skip.

#![allow(clippy::expect_used, clippy::panic)]

use std::env::consts::EXE_SUFFIX;
use std::path::{Path, PathBuf};
use std::process::Command;

mod common;

use common::{generate, library, profile_dir};

/// The `cognito-auth` CLI of this workspace, built on demand.
fn cli(profile: &Path) -> PathBuf {
    let cli = profile.join(format!("cognito-auth{EXE_SUFFIX}"));
    if !cli.exists() {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
        let mut build = Command::new(cargo);
        build.args(["build", "-p", "cognito-auth-cli"]);
        if profile.ends_with("release") {
            build.arg("--release");
        }
        let status = build
            .status()
            .expect("running cargo build -p cognito-auth-cli");
        assert!(status.success(), "cargo build -p cognito-auth-cli failed");
    }
    assert!(cli.exists(), "{} is missing", cli.display());
    cli
}

#[test]
fn python_bindings_sign_in_against_the_local_pool() {
    let python = Command::new("python3").arg("--version").output();
    assert!(
        python.is_ok_and(|o| o.status.success()),
        "python3 is required for the Python binding test (install python3)"
    );
    let profile = profile_dir();
    let library = library(&profile);
    let out = generate(&library, "python", "cognito_auth_ffi_python");
    let file_name = library.file_name().expect("a file name");
    std::fs::copy(&library, out.join(file_name)).expect("copying the library beside the module");

    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/bindings/test_sign_in.py");
    let output = Command::new("python3")
        .arg(&script)
        .env("COGNITO_AUTH_FFI_BINDINGS", &out)
        .env("COGNITO_AUTH_CLI", cli(&profile))
        .output()
        .expect("running python3");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    println!("{stdout}");
    assert!(
        output.status.success(),
        "test_sign_in.py failed ({}):\n{stdout}\n{stderr}",
        output.status
    );
    assert!(stdout.contains("0 failed"), "{stdout}\n{stderr}");
}
