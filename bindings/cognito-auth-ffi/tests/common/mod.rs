//! What the binding tests share: the built library and `uniffi-bindgen generate`.

#![allow(dead_code, clippy::expect_used, clippy::panic)]

use std::env::consts::{DLL_PREFIX, DLL_SUFFIX};
use std::path::{Path, PathBuf};
use std::process::Command;

/// `target/<profile>`: the test binary lives in its `deps/`.
pub(crate) fn profile_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("the test binary's path");
    exe.parent()
        .and_then(Path::parent)
        .expect("target/<profile>/deps/<test>")
        .to_path_buf()
}

/// The `cognito_auth_ffi` shared library, built from the current sources: `cargo test` builds
/// the rlib the tests link, not the cdylib, so a library left from an earlier build would
/// otherwise be tested. A no-op when fresh.
pub(crate) fn library(profile: &Path) -> PathBuf {
    let library = profile.join(format!("{DLL_PREFIX}cognito_auth_ffi{DLL_SUFFIX}"));
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let mut build = Command::new(cargo);
    build.args(["build", "-p", "cognito-auth-ffi"]);
    if profile.ends_with("release") {
        build.arg("--release");
    }
    let status = build
        .status()
        .expect("running cargo build -p cognito-auth-ffi");
    assert!(status.success(), "cargo build -p cognito-auth-ffi failed");
    assert!(library.exists(), "{} is missing", library.display());
    library
}

/// Generates the bindings for `language` into a fresh `<CARGO_TARGET_TMPDIR>/<folder>`.
pub(crate) fn generate(library: &Path, language: &str, folder: &str) -> PathBuf {
    let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join(folder);
    let _ = std::fs::remove_dir_all(&out);
    std::fs::create_dir_all(&out).expect("creating the bindings folder");
    let generated = Command::new(env!("CARGO_BIN_EXE_uniffi-bindgen"))
        .args(["generate", "--library"])
        .arg(library)
        .args([
            "--language",
            language,
            "--no-format",
            "--metadata-no-deps",
            "--out-dir",
        ])
        .arg(&out)
        .status()
        .expect("running uniffi-bindgen");
    assert!(generated.success(), "uniffi-bindgen failed for {language}");
    out
}
