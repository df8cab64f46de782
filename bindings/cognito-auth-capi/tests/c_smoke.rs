//! Compiles `tests/c/smoke.c` with gcc against the static library and the committed header,
//! then runs it, under valgrind when it is installed (leaks and memory errors fail the test).

#![allow(clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::Command;

/// `target/<profile>`: the test binary lives in its `deps/`.
fn profile_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("the test binary's path");
    exe.parent()
        .and_then(Path::parent)
        .expect("target/<profile>/deps/<test>")
        .to_path_buf()
}

fn found(tool: &str) -> bool {
    Command::new(tool)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

#[test]
fn c_smoke_test_under_valgrind() {
    assert!(
        found("gcc"),
        "gcc is required to build tests/c/smoke.c; install it"
    );
    let crate_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let library = profile_dir().join("libcognito_auth_capi.a");
    // Always: `cargo test` builds the test harnesses, not the staticlib, so a library left
    // from an earlier build would be tested instead of the current sources. A no-op when fresh.
    let target_dir = profile_dir()
        .parent()
        .map(Path::to_path_buf)
        .expect("target dir");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let built = Command::new(cargo)
        .args(["build", "-p", "cognito-auth-capi", "--target-dir"])
        .arg(&target_dir)
        .current_dir(crate_dir)
        .status()
        .expect("running cargo build");
    assert!(built.success(), "cargo build -p cognito-auth-capi failed");
    assert!(
        library.exists(),
        "{} is missing after cargo build -p cognito-auth-capi",
        library.display()
    );
    let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join("cognito_auth_smoke");
    let compiled = Command::new("gcc")
        .args(["-std=c11", "-Wall", "-Wextra", "-Werror", "-g", "-I"])
        .arg(crate_dir.join("include"))
        .arg(crate_dir.join("tests/c/smoke.c"))
        .arg(&library)
        .args(["-lpthread", "-ldl", "-lm", "-o"])
        .arg(&out)
        .status()
        .expect("running gcc");
    assert!(compiled.success(), "gcc failed on tests/c/smoke.c");

    let mut run = if found("valgrind") {
        let mut valgrind = Command::new("valgrind");
        valgrind.args([
            "--quiet",
            "--error-exitcode=97",
            "--leak-check=full",
            "--errors-for-leak-kinds=definite,indirect",
            "--show-leak-kinds=definite,indirect",
        ]);
        valgrind.arg(&out);
        valgrind
    } else {
        eprintln!("valgrind is not installed: running the smoke test without it");
        Command::new(&out)
    };
    let output = run.output().expect("running the smoke test");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "smoke test failed ({}):\n{stdout}\n{stderr}",
        output.status
    );
    assert!(stdout.contains("all checks passed"), "{stdout}\n{stderr}");
}
