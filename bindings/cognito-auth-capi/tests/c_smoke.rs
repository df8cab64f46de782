//! Compiles the C tests with gcc against the static library and the committed header, then
//! runs them, under valgrind when it is installed (leaks and memory errors fail the test):
//! `tests/c/smoke.c` on scripted replies, `tests/c/live.c` and `tests/c/oauth.c` (managed
//! login, token verification) against `cognito-auth serve`.

#![allow(clippy::expect_used, clippy::panic)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

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

/// `cargo build -p <package>` into this test's target dir. Always: `cargo test` builds the
/// test harnesses, not the staticlib or the CLI, so what an earlier build left would be tested
/// instead of the current sources. A no-op when fresh.
fn cargo_build(package: &str) {
    let target_dir = profile_dir()
        .parent()
        .map(Path::to_path_buf)
        .expect("target dir");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let built = Command::new(cargo)
        .args(["build", "-p", package, "--target-dir"])
        .arg(&target_dir)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .status()
        .expect("running cargo build");
    assert!(built.success(), "cargo build -p {package} failed");
}

/// Builds `tests/c/<name>.c` against the static library; returns the executable.
fn compile(name: &str) -> PathBuf {
    assert!(
        found("gcc"),
        "gcc is required to build tests/c/{name}.c; install it"
    );
    let crate_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    cargo_build("cognito-auth-capi");
    let library = profile_dir().join("libcognito_auth_capi.a");
    assert!(
        library.exists(),
        "{} is missing after cargo build -p cognito-auth-capi",
        library.display()
    );
    let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("cognito_auth_{name}"));
    let compiled = Command::new("gcc")
        .args(["-std=c11", "-Wall", "-Wextra", "-Werror", "-g", "-I"])
        .arg(crate_dir.join("include"))
        .arg(crate_dir.join(format!("tests/c/{name}.c")))
        .arg(&library)
        .args(["-lpthread", "-ldl", "-lm", "-o"])
        .arg(&out)
        .status()
        .expect("running gcc");
    assert!(compiled.success(), "gcc failed on tests/c/{name}.c");
    out
}

/// Runs `program args` (under valgrind when present) and returns its stdout; fails the test
/// on a non-zero exit, a memory error or a leak.
fn run(program: &Path, args: &[&str]) -> String {
    let mut run = if found("valgrind") {
        let mut valgrind = Command::new("valgrind");
        valgrind.args([
            "--quiet",
            "--error-exitcode=97",
            "--leak-check=full",
            "--errors-for-leak-kinds=definite,indirect",
            "--show-leak-kinds=definite,indirect",
        ]);
        valgrind.arg(program);
        valgrind
    } else {
        eprintln!("valgrind is not installed: running the C test without it");
        Command::new(program)
    };
    let output = run.args(args).output().expect("running the C test");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr);
    println!("{stdout}");
    assert!(
        output.status.success(),
        "{} failed ({}):\n{stdout}\n{stderr}",
        program.display(),
        output.status
    );
    stdout
}

#[test]
fn c_smoke_test_under_valgrind() {
    let stdout = run(&compile("smoke"), &[]);
    assert!(stdout.contains("all checks passed"), "{stdout}");
}

/// `cognito-auth serve` on a free port, stopped when dropped.
struct Serve(Child);

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts `cognito-auth serve` with `tests/c/<pool>`; returns it and its endpoint.
fn serve(pool: &str) -> (Serve, String) {
    cargo_build("cognito-auth-cli");
    let pool = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/c")
        .join(pool);
    let mut child = Command::new(profile_dir().join("cognito-auth"))
        .args(["serve", "--port", "0", "--config"])
        .arg(&pool)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("starting cognito-auth serve");
    let stdout = child.stdout.take().expect("serve's stdout");
    let serve = Serve(child);
    // `serve` prints one JSON line with the endpoint, then serves until stopped.
    let mut line = String::new();
    BufReader::new(stdout)
        .read_line(&mut line)
        .expect("reading serve's first line");
    let announced: serde_json::Value = serde_json::from_str(&line).expect("serve's JSON line");
    let endpoint = announced
        .get("endpoint")
        .and_then(serde_json::Value::as_str)
        .expect("the endpoint")
        .to_owned();
    (serve, endpoint)
}

#[test]
fn c_live_test_against_serve_under_valgrind() {
    let program = compile("live");
    let (serve, endpoint) = serve("live_pool.json");
    let out = run(&program, &[&endpoint]);
    drop(serve);
    assert!(
        out.contains("c live: ") && out.contains(" passed, 0 failed"),
        "{out}"
    );
}

/// Managed login (authorize URL, the login page played over HTTP, callback, code exchange,
/// refresh, userInfo, revoke) and token verification with the pool's JWKS.
#[test]
fn c_oauth_test_against_serve_under_valgrind() {
    let program = compile("oauth");
    let (serve, endpoint) = serve("oauth_pool.json");
    let out = run(&program, &[&endpoint]);
    drop(serve);
    assert!(
        out.contains("c oauth: ") && out.contains(" passed, 0 failed"),
        "{out}"
    );
}
