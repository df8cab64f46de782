//! The command line against `cognito-auth serve` over real HTTP on 127.0.0.1: every flow the
//! CLI offers, each server started and stopped by the test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::{Child, Command, Output, Stdio};

use serde_json::{Value, json};

const PASSWORD: &str = "Correct-Horse-9!";

/// The CLI under test: the one built, or `COGNITO_AUTH_BIN` (to run these tests against
/// another build, e.g. an older one).
fn bin() -> std::ffi::OsString {
    std::env::var_os("COGNITO_AUTH_BIN")
        .unwrap_or_else(|| env!("CARGO_BIN_EXE_cognito-auth").into())
}

/// A `cognito-auth serve` child process.
struct Served {
    child: Option<Child>,
    endpoint: String,
    pool_id: String,
    client_id: String,
    dir: PathBuf,
}

fn pool_config(device_tracking: &str) -> Value {
    json!({
        "pool_id": "us-east-1_CliE2e0001",
        "clients": [{"client_id": "clie2eclient00000001",
            "explicit_auth_flows": ["ALLOW_USER_SRP_AUTH", "ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]}],
        "mfa": "optional",
        "device_tracking": device_tracking,
        "users": [
            {"username": "ann", "password": PASSWORD, "status": "CONFIRMED", "attributes": {"email": "ann@example.com"}},
            {"username": "ned", "password": "Temporary-Pass-1!", "status": "FORCE_CHANGE_PASSWORD", "attributes": {"email": "ned@example.com"}}
        ]
    })
}

impl Served {
    fn start(name: &str, config: Value) -> Self {
        let dir =
            std::env::temp_dir().join(format!("cognito-auth-e2e-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let config_path = dir.join("pool.json");
        std::fs::write(&config_path, config.to_string()).unwrap();
        let mut child = Command::new(bin())
            .args(["serve", "--port", "0", "--config"])
            .arg(&config_path)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let first: Value =
            serde_json::from_str(&line).unwrap_or_else(|e| panic!("first line {line:?}: {e}"));
        Self {
            endpoint: first["endpoint"].as_str().unwrap().to_owned(),
            pool_id: first["pool_id"].as_str().unwrap().to_owned(),
            client_id: first["clients"][0]["client_id"]
                .as_str()
                .unwrap()
                .to_owned(),
            child: Some(child),
            dir,
        }
    }

    fn file(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }

    /// Runs the CLI against this pool with `stdin` on standard input.
    fn run(&self, args: &[&str], stdin: &str) -> Output {
        let mut child = Command::new(bin())
            .args([
                "--endpoint",
                &self.endpoint,
                "--pool-id",
                &self.pool_id,
                "--client-id",
                &self.client_id,
            ])
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(stdin.as_bytes())
            .unwrap();
        child.wait_with_output().unwrap()
    }

    /// Runs the CLI and expects success; returns stdout as JSON (`--json` is added).
    fn ok(&self, args: &[&str], stdin: &str) -> Value {
        let mut all = vec!["--json"];
        all.extend_from_slice(args);
        let output = self.run(&all, stdin);
        assert!(
            output.status.success(),
            "{args:?} failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        serde_json::from_slice(&output.stdout)
            .unwrap_or_else(|e| panic!("{args:?}: stdout is not JSON: {e}"))
    }

    /// Runs the CLI and expects failure; returns the one-line message.
    fn fails(&self, args: &[&str], stdin: &str) -> String {
        let output = self.run(args, stdin);
        assert!(!output.status.success(), "{args:?} should have failed");
        let stderr = String::from_utf8_lossy(&output.stderr).trim().to_owned();
        assert_eq!(stderr.lines().count(), 1, "one line on stderr: {stderr}");
        stderr
    }

    /// The newest code the pool delivered to `who`, read from the outbox endpoint.
    fn code_for(&self, who: &str) -> String {
        let url = format!("{}_testkit/outbox", self.endpoint);
        let body = ureq::get(&url)
            .call()
            .unwrap()
            .body_mut()
            .read_to_string()
            .unwrap();
        let outbox: Value = serde_json::from_str(&body).unwrap();
        outbox["messages"]
            .as_array()
            .unwrap()
            .iter()
            .rev()
            .find(|m| m["username"] == who || m["destination"] == who)
            .and_then(|m| m["code"].as_str())
            .unwrap_or_else(|| panic!("no code for {who} in {outbox}"))
            .to_owned()
    }

    fn tokens(&self, name: &str) -> (String, String) {
        let path = self.file(name);
        (
            String::from("--tokens-file"),
            path.to_str().unwrap().to_owned(),
        )
    }

    /// Stops the server with SIGTERM and returns whether it exited 0.
    fn stop(&mut self) -> bool {
        let Some(mut child) = self.child.take() else {
            return true;
        };
        let _ = Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .status();
        child.wait().map(|s| s.success()).unwrap_or(false)
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

#[test]
fn sign_up_confirm_sign_in_user_refresh() {
    let pool = Served::start("signup", pool_config("off"));
    let (flag, tokens) = pool.tokens("tokens.json");
    let out = pool.ok(
        &[
            "sign-up",
            "--username",
            "zoe",
            "--password-stdin",
            "--attribute",
            "email=zoe@example.com",
        ],
        &format!("{PASSWORD}\n"),
    );
    assert_eq!(out["UserConfirmed"], false);
    // Not confirmed yet: sign-in says so.
    let message = pool.fails(
        &["sign-in", "--username", "zoe", "--password-stdin"],
        &format!("{PASSWORD}\n"),
    );
    assert!(message.contains("UserNotConfirmedException"), "{message}");
    pool.ok(&["resend-code", "--username", "zoe"], "");
    let code = pool.code_for("zoe");
    pool.ok(
        &["confirm-sign-up", "--username", "zoe", "--code", &code],
        "",
    );
    let signed_in = pool.ok(
        &[
            "sign-in",
            "--username",
            "zoe",
            "--password-stdin",
            &flag,
            &tokens,
        ],
        &format!("{PASSWORD}\n"),
    );
    let result = &signed_in["AuthenticationResult"];
    assert!(
        result["AccessToken"].is_string()
            && result["IdToken"].is_string()
            && result["RefreshToken"].is_string()
    );
    assert_eq!(result["TokenType"], "Bearer");
    let user = pool.ok(&["user", &flag, &tokens], "");
    assert!(user.to_string().contains("zoe@example.com"), "{user}");
    let refreshed = pool.ok(&["refresh", &flag, &tokens], "");
    assert!(refreshed["AuthenticationResult"]["AccessToken"].is_string());
    let again = pool.ok(&["refresh", "--refresh-token-auth", &flag, &tokens], "");
    assert!(again["AuthenticationResult"]["AccessToken"].is_string());
}

#[test]
fn wrong_password_is_one_line_naming_the_service_error() {
    let pool = Served::start("wrong", pool_config("off"));
    let message = pool.fails(
        &["sign-in", "--username", "ann", "--password-stdin"],
        "not-the-password\n",
    );
    assert!(
        message.starts_with("NotAuthorizedException: Incorrect username or password."),
        "{message}"
    );
    let message = pool.fails(
        &[
            "sign-in",
            "--username",
            "ann",
            "--password-stdin",
            "--flow",
            "password",
        ],
        "nope\n",
    );
    assert!(message.starts_with("NotAuthorizedException"), "{message}");
    pool.ok(
        &[
            "sign-in",
            "--username",
            "ann",
            "--password-stdin",
            "--flow",
            "password",
        ],
        &format!("{PASSWORD}\n"),
    );
}

#[test]
fn new_password_required_then_sign_in_with_it() {
    let pool = Served::start("newpw", pool_config("off"));
    let out = pool.ok(
        &[
            "sign-in",
            "--username",
            "ned",
            "--password-stdin",
            "--new-password",
            "Brand-New-Pass-2!",
        ],
        "Temporary-Pass-1!\n",
    );
    assert!(out["AuthenticationResult"]["AccessToken"].is_string());
    pool.ok(
        &["sign-in", "--username", "ned", "--password-stdin"],
        "Brand-New-Pass-2!\n",
    );
}

#[test]
fn forgot_and_change_password() {
    let pool = Served::start("passwords", pool_config("off"));
    let (flag, tokens) = pool.tokens("tokens.json");
    pool.ok(&["forgot-password", "--username", "ann"], "");
    let code = pool.code_for("ann");
    pool.ok(
        &[
            "confirm-forgot-password",
            "--username",
            "ann",
            "--code",
            &code,
            "--password-stdin",
        ],
        "Reset-Pass-3!\n",
    );
    pool.ok(
        &[
            "sign-in",
            "--username",
            "ann",
            "--password-stdin",
            &flag,
            &tokens,
        ],
        "Reset-Pass-3!\n",
    );
    pool.ok(
        &["change-password", "--password-stdin", &flag, &tokens],
        "Reset-Pass-3!\nChanged-Pass-4!\n",
    );
    let message = pool.fails(
        &["sign-in", "--username", "ann", "--password-stdin"],
        "Reset-Pass-3!\n",
    );
    assert!(message.contains("NotAuthorizedException"), "{message}");
    pool.ok(
        &["sign-in", "--username", "ann", "--password-stdin"],
        "Changed-Pass-4!\n",
    );
}

#[test]
fn totp_setup_then_sign_in_with_software_token_mfa() {
    let pool = Served::start("totp", pool_config("off"));
    let (flag, tokens) = pool.tokens("tokens.json");
    let secret_file = pool.file("totp.secret");
    let secret = secret_file.to_str().unwrap();
    pool.ok(
        &[
            "sign-in",
            "--username",
            "ann",
            "--password-stdin",
            &flag,
            &tokens,
        ],
        &format!("{PASSWORD}\n"),
    );
    pool.ok(
        &[
            "mfa",
            "setup-totp",
            "--totp-secret-file",
            secret,
            &flag,
            &tokens,
        ],
        "",
    );
    assert_eq!(
        std::fs::read_to_string(&secret_file).unwrap().trim().len(),
        32
    );
    // Now the pool asks for the code; without the secret there is no terminal to ask on.
    let message = pool.fails(
        &["sign-in", "--username", "ann", "--password-stdin"],
        &format!("{PASSWORD}\n"),
    );
    assert!(message.contains("authenticator"), "{message}");
    pool.ok(
        &[
            "sign-in",
            "--username",
            "ann",
            "--password-stdin",
            "--totp-secret-file",
            secret,
        ],
        &format!("{PASSWORD}\n"),
    );
    pool.ok(&["mfa", "preference", "--totp", "off", &flag, &tokens], "");
    pool.ok(
        &["sign-in", "--username", "ann", "--password-stdin"],
        &format!("{PASSWORD}\n"),
    );
}

#[test]
fn devices_remembered_listed_forgotten_and_recovered() {
    let pool = Served::start("devices", pool_config("always"));
    let (flag, tokens) = pool.tokens("tokens.json");
    let device_file = pool.file("device.json");
    let device = device_file.to_str().unwrap();
    pool.ok(
        &[
            "sign-in",
            "--username",
            "ann",
            "--password-stdin",
            "--device-file",
            device,
            &flag,
            &tokens,
        ],
        &format!("{PASSWORD}\n"),
    );
    let stored: Value =
        serde_json::from_str(&std::fs::read_to_string(&device_file).unwrap()).unwrap();
    let key = stored["device_key"].as_str().unwrap().to_owned();
    // Device SRP on the next sign-in; the pool checks the device's proof.
    pool.ok(
        &[
            "sign-in",
            "--username",
            "ann",
            "--password-stdin",
            "--device-file",
            device,
            &flag,
            &tokens,
        ],
        &format!("{PASSWORD}\n"),
    );
    pool.ok(&["refresh", "--device-file", device, &flag, &tokens], "");
    let list = pool.ok(&["devices", "list", &flag, &tokens], "");
    assert!(list.to_string().contains(&key), "{list}");
    // Forgotten elsewhere: the stale file is dropped and a new device is confirmed.
    pool.ok(
        &["devices", "forget", "--device-key", &key, &flag, &tokens],
        "",
    );
    pool.ok(
        &[
            "sign-in",
            "--username",
            "ann",
            "--password-stdin",
            "--device-file",
            device,
        ],
        &format!("{PASSWORD}\n"),
    );
    let renewed: Value =
        serde_json::from_str(&std::fs::read_to_string(&device_file).unwrap()).unwrap();
    assert_ne!(renewed["device_key"].as_str().unwrap(), key);
}

#[test]
fn sign_out_and_revoke_end_the_refresh_token() {
    let pool = Served::start("signout", pool_config("off"));
    let (flag, tokens) = pool.tokens("tokens.json");
    pool.ok(
        &[
            "sign-in",
            "--username",
            "ann",
            "--password-stdin",
            &flag,
            &tokens,
        ],
        &format!("{PASSWORD}\n"),
    );
    pool.ok(&["sign-out", &flag, &tokens], "");
    let message = pool.fails(&["refresh", &flag, &tokens], "");
    assert!(message.starts_with("NotAuthorizedException"), "{message}");

    let (flag, tokens) = pool.tokens("tokens2.json");
    pool.ok(
        &[
            "sign-in",
            "--username",
            "ann",
            "--password-stdin",
            &flag,
            &tokens,
        ],
        &format!("{PASSWORD}\n"),
    );
    pool.ok(&["revoke", &flag, &tokens], "");
    let message = pool.fails(&["refresh", &flag, &tokens], "");
    assert!(message.starts_with("NotAuthorizedException"), "{message}");
}

#[test]
fn serve_exits_zero_on_sigterm() {
    let mut pool = Served::start("sigterm", pool_config("off"));
    pool.ok(
        &["sign-in", "--username", "ann", "--password-stdin"],
        &format!("{PASSWORD}\n"),
    );
    assert!(pool.stop(), "serve exits 0 on SIGTERM");
}

/// The demo keeps a TOTP secret and device credentials on disk: in a directory of its own
/// with a random name (0700), not a predictable one in the shared temporary directory, which
/// anyone could create first, and fill with symbolic links, before the demo runs.
#[cfg(unix)]
#[test]
fn demo_keeps_its_secrets_in_a_private_random_directory() {
    let tmp = tempfile::tempdir().unwrap();
    let attacker = tmp.path().join("attacker-readable");
    std::fs::write(&attacker, "").unwrap();
    // `exec` keeps the shell's process id: plant what the old, pid-named directory would be.
    let script = r#"
        planted="$TMPDIR/cognito-auth-demo-$$"
        mkdir "$planted" && chmod 0777 "$planted" &&
        ln -s "$ATTACKER" "$planted/totp-secret" &&
        exec "$CLI" --json demo
    "#;
    let output = Command::new("sh")
        .args(["-c", script])
        .env("TMPDIR", tmp.path())
        .env("ATTACKER", &attacker)
        .env("CLI", bin())
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(
        std::fs::read_to_string(&attacker).unwrap(),
        "",
        "a secret was written through the planted link"
    );
    assert!(
        output.status.success(),
        "demo failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let last = String::from_utf8_lossy(&output.stdout)
        .lines()
        .last()
        .unwrap_or_default()
        .to_owned();
    assert!(last.contains(r#""result":"ok""#), "{last}");
    let mut left: Vec<String> = std::fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    left.sort();
    assert_eq!(
        left.len(),
        2,
        "the planted directory stays as it was, ours is gone: {left:?}"
    );
    assert!(left[1].starts_with("cognito-auth-demo-"), "{left:?}");
    assert_eq!(
        std::fs::read_dir(tmp.path().join(&left[1]))
            .unwrap()
            .count(),
        1,
        "the demo did not use (nor clean out) the planted directory"
    );
}
