//! The command line against `cognito-auth serve` over real HTTP on 127.0.0.1: every flow the
//! CLI offers, each server started and stopped by the test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::{Child, Command, Output, Stdio};

use serde_json::{Value, json};

#[path = "support/e2e_flows.rs"]
mod flows;
#[path = "support/pty.rs"]
mod pty;

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
        let mut child = self.spawn(args);
        let written = child.stdin.take().unwrap().write_all(stdin.as_bytes());
        // A command may refuse and exit before it reads its input (a device file of another
        // user): the closed pipe is then not the failure; its exit status and stderr are checked.
        if let Err(e) = written {
            assert_eq!(e.kind(), std::io::ErrorKind::BrokenPipe, "{e}");
        }
        child.wait_with_output().unwrap()
    }

    /// Starts the CLI against this pool, its standard streams piped.
    fn spawn(&self, args: &[&str]) -> Child {
        Command::new(bin())
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
            .unwrap()
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

    /// The messages the pool delivered to `who`, oldest first, read from the outbox endpoint.
    fn messages_for(&self, who: &str) -> Vec<Value> {
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
            .filter(|m| m["username"] == who || m["destination"] == who)
            .cloned()
            .collect()
    }

    /// The newest code the pool delivered to `who`.
    fn code_for(&self, who: &str) -> String {
        self.messages_for(who)
            .iter()
            .rev()
            .find_map(|m| m["code"].as_str())
            .unwrap_or_else(|| panic!("no code for {who} in the outbox"))
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

// ---- The user study's findings -------------------------------------------------------------

/// A second user for the device tests.
fn two_users(device_tracking: &str) -> Value {
    let mut config = pool_config(device_tracking);
    config["users"].as_array_mut().unwrap().push(
        json!({"username": "cat", "password": PASSWORD, "status": "CONFIRMED",
            "attributes": {"email": "cat@example.com"}}),
    );
    config
}

#[test]
fn a_device_file_is_bound_to_its_user() {
    let pool = Served::start("devbound", two_users("always"));
    let device_file = pool.file("ann.device");
    let device = device_file.to_str().unwrap();
    let sign_in = |user: &str, device: &str| {
        pool.run(
            &[
                "sign-in",
                "--username",
                user,
                "--password-stdin",
                "--device-file",
                device,
            ],
            &format!("{PASSWORD}\n"),
        )
    };
    assert!(sign_in("ann", device).status.success());
    let saved = std::fs::read_to_string(&device_file).unwrap();
    // Another user with ann's device file: refused, the file untouched.
    let output = sign_in("cat", device);
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("ann") && stderr.contains("--device-file"),
        "{stderr}"
    );
    assert_eq!(std::fs::read_to_string(&device_file).unwrap(), saved);
    // A file without the user name (older): the sub in it decides after the sign-in; the file
    // stays as it was, and no other file is left beside it.
    let mut legacy: Value = serde_json::from_str(&saved).unwrap();
    legacy.as_object_mut().unwrap().remove("username");
    let legacy = legacy.to_string();
    std::fs::write(&device_file, &legacy).unwrap();
    let output = sign_in("cat", device);
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("another user"), "{stderr}");
    assert_eq!(std::fs::read_to_string(&device_file).unwrap(), legacy);
    assert!(
        sign_in("ann", device).status.success(),
        "ann still signs in with it"
    );
}

#[test]
fn a_wrong_device_secret_names_the_device_step() {
    let pool = Served::start("devsecret", pool_config("always"));
    let device_file = pool.file("device.json");
    let device = device_file.to_str().unwrap();
    let args = [
        "sign-in",
        "--username",
        "ann",
        "--password-stdin",
        "--device-file",
        device,
    ];
    assert!(pool.run(&args, &format!("{PASSWORD}\n")).status.success());
    let mut stored: Value =
        serde_json::from_str(&std::fs::read_to_string(&device_file).unwrap()).unwrap();
    stored["device_password"] = json!("not-the-device-secret");
    std::fs::write(&device_file, stored.to_string()).unwrap();
    let output = pool.run(&args, &format!("{PASSWORD}\n"));
    assert_eq!(output.status.code(), Some(3), "{output:?}");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("device SRP") && stderr.contains("--device-file"),
        "{stderr}"
    );
}

#[test]
fn demo_stops_quietly_when_its_reader_goes_away() {
    let mut child = Command::new(bin())
        .arg("demo")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    // The reader is gone (`| head -1`).
    let started = std::time::Instant::now();
    let output = loop {
        if child.try_wait().unwrap().is_some() || started.elapsed().as_secs() > 90 {
            let _ = child.kill();
            break child.wait_with_output().unwrap();
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(
        matches!(output.status.code(), Some(0 | 141)),
        "{:?}: {stderr}",
        output.status
    );
}

#[test]
fn serve_stops_promptly_with_an_idle_keep_alive_connection() {
    let mut pool = Served::start("keepalive", pool_config("off"));
    let address = pool
        .endpoint
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_owned();
    let mut idle = std::net::TcpStream::connect(&address).unwrap();
    write!(
        idle,
        "GET /_testkit/outbox HTTP/1.1\r\nHost: {address}\r\nConnection: keep-alive\r\n\r\n"
    )
    .unwrap();
    let mut buffer = [0u8; 256];
    let _ = std::io::Read::read(&mut idle, &mut buffer).unwrap();
    let started = std::time::Instant::now();
    assert!(pool.stop());
    assert!(
        started.elapsed() < std::time::Duration::from_secs(4),
        "took {:?}",
        started.elapsed()
    );
}

/// Runs `serve` with `args` (and `config` when given) and returns its exit status and stderr,
/// or the first line when it started (then it is stopped).
fn serve_once(args: &[&str], config: Option<Value>) -> (Option<i32>, String, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("pool.json");
    let mut command = Command::new(bin());
    let (global, local): (Vec<&str>, Vec<&str>) = match args.first() {
        Some(&"--pool-id") => (args[..2].to_vec(), args[2..].to_vec()),
        _ => (Vec::new(), args.to_vec()),
    };
    command.args(global).arg("serve").args(local);
    if let Some(config) = config {
        std::fs::write(&path, config.to_string()).unwrap();
        command.arg("--config").arg(&path);
    }
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    if !line.is_empty() {
        let _ = child.kill();
    }
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    match line.is_empty() {
        true => (output.status.code(), stderr, line),
        false => (None, stderr, line),
    }
}

#[test]
fn serve_refuses_what_it_would_ignore() {
    // --pool-id without a configuration: that pool is served.
    let (status, _, line) = serve_once(&["--pool-id", "eu-west-1_Mine0001", "--port", "0"], None);
    assert_eq!(status, None);
    assert!(line.contains("eu-west-1_Mine0001"), "{line}");
    // --pool-id and a configuration of another pool: refused.
    let (status, stderr, _) = serve_once(
        &["--pool-id", "eu-west-1_Mine0001"],
        Some(pool_config("off")),
    );
    assert_eq!(status, Some(2), "{stderr}");
    assert!(stderr.contains("us-east-1_CliE2e0001"), "{stderr}");
    // No clients, an unknown auth flow, a malformed pool id.
    let mut no_clients = pool_config("off");
    no_clients["clients"] = json!([]);
    let mut unknown_flow = pool_config("off");
    unknown_flow["clients"][0]["explicit_auth_flows"] =
        json!(["ALLOW_USER_SRP_AUTH", "ALLOW_MAGIC"]);
    let mut bad_id = pool_config("off");
    bad_id["pool_id"] = json!("not a pool id");
    for (config, expected) in [
        (no_clients, "no app clients"),
        (unknown_flow, "ALLOW_MAGIC"),
        (bad_id, "not a pool id"),
    ] {
        let (status, stderr, line) = serve_once(&[], Some(config));
        assert_eq!(status, Some(2), "{expected}: {stderr}{line}");
        assert!(stderr.contains(expected), "{stderr}");
        assert!(
            !stderr.contains("invalid pool configuration: invalid pool configuration"),
            "{stderr}"
        );
    }
    // A port in use: the message names it.
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let (status, stderr, _) = serve_once(&["--port", &port], None);
    assert!(status.is_some_and(|s| s != 0), "{stderr}");
    assert!(stderr.contains(&port), "{stderr}");
}

#[test]
fn the_client_secret_can_come_from_a_file() {
    let mut config = pool_config("off");
    config["clients"][0]["client_secret"] = json!("a-client-secret-0123456789");
    let pool = Served::start("secretfile", config);
    let secret = pool.file("client.secret");
    std::fs::write(&secret, "a-client-secret-0123456789\n").unwrap();
    pool.ok(
        &[
            "--client-secret-file",
            secret.to_str().unwrap(),
            "sign-in",
            "--username",
            "ann",
            "--password-stdin",
        ],
        &format!("{PASSWORD}\n"),
    );
}
