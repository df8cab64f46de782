//! The command line against a hostile (or merely scripted) endpoint on 127.0.0.1: redirects,
//! escape sequences and megabyte-long text, challenge loops, slow replies, and the files the CLI
//! keeps (tokens, device credentials, TOTP secrets). Every server here serves a bounded number
//! of connections for a bounded time; every CLI run is killed after a bounded time.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

#[path = "support/pty.rs"]
mod pty;

const TOTP_SECRET: &str = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
const NEW_TOTP_SECRET: &str = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

/// What a scripted server saw.
#[derive(Default)]
struct Seen {
    requests: AtomicUsize,
    targets: Mutex<Vec<String>>,
}

/// A scripted HTTP server: each connection carries one request, answered by `handler(n,
/// target, body)` with a raw HTTP response (or nothing: the connection is then held open for
/// `hold` and closed). It stops after `max_connections` or 60 s.
struct Scripted {
    endpoint: String,
    seen: Arc<Seen>,
}

type Handler = dyn Fn(usize, &str, &[u8]) -> Option<Vec<u8>> + Send + 'static;

fn scripted<F>(max_connections: usize, handler: F) -> Scripted
where
    F: Fn(usize, &str, &[u8]) -> Option<Vec<u8>> + Send + 'static,
{
    let handler: Box<Handler> = Box::new(handler);
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let endpoint = format!("http://{}/", listener.local_addr().unwrap());
    listener.set_nonblocking(true).unwrap();
    let seen = Arc::new(Seen::default());
    let counter = seen.clone();
    std::thread::spawn(move || {
        let started = Instant::now();
        let mut served = 0;
        while served < max_connections && started.elapsed() < Duration::from_secs(60) {
            match listener.accept() {
                Ok((stream, _)) => {
                    served += 1;
                    let _ = serve_one(stream, &counter, &*handler);
                }
                Err(_) => std::thread::sleep(Duration::from_millis(5)),
            }
        }
    });
    Scripted { endpoint, seen }
}

fn serve_one(mut stream: TcpStream, seen: &Seen, handler: &Handler) -> std::io::Result<()> {
    stream.set_nonblocking(false)?;
    stream.set_read_timeout(Some(Duration::from_secs(5)))?;
    let mut data = Vec::new();
    let mut buffer = [0u8; 8192];
    let head_end = loop {
        if let Some(at) = data.windows(4).position(|w| w == b"\r\n\r\n") {
            break at + 4;
        }
        if data.len() > 1 << 20 {
            return Ok(());
        }
        let read = stream.read(&mut buffer)?;
        if read == 0 {
            return Ok(());
        }
        data.extend_from_slice(&buffer[..read]);
    };
    let head = String::from_utf8_lossy(&data[..head_end]).to_string();
    let header = |name: &str| {
        head.lines().find_map(|line| {
            let (key, value) = line.split_once(':')?;
            key.trim()
                .eq_ignore_ascii_case(name)
                .then(|| value.trim().to_owned())
        })
    };
    let length: usize = header("content-length")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
        .min(1 << 20);
    while data.len() < head_end + length {
        let read = stream.read(&mut buffer)?;
        if read == 0 {
            break;
        }
        data.extend_from_slice(&buffer[..read]);
    }
    let target = header("x-amz-target").unwrap_or_default();
    let target = target.rsplit('.').next().unwrap_or_default().to_owned();
    let n = seen.requests.fetch_add(1, Ordering::SeqCst);
    seen.targets.lock().unwrap().push(target.clone());
    let body = &data[head_end.min(data.len())..];
    match handler(n, &target, body) {
        Some(response) => stream.write_all(&response)?,
        None => std::thread::sleep(Duration::from_secs(10)),
    }
    let _ = stream.shutdown(std::net::Shutdown::Both);
    Ok(())
}

/// A raw HTTP/1.1 response that closes the connection.
fn http(status: u16, headers: &[(&str, &str)], body: &str) -> Vec<u8> {
    let mut text = format!(
        "HTTP/1.1 {status} Whatever\r\nContent-Type: application/x-amz-json-1.1\r\nContent-Length: {}\r\nConnection: close\r\n",
        body.len()
    );
    for (name, value) in headers {
        text.push_str(&format!("{name}: {value}\r\n"));
    }
    text.push_str("\r\n");
    text.push_str(body);
    text.into_bytes()
}

fn ok(body: Value) -> Vec<u8> {
    http(200, &[], &body.to_string())
}

fn service_error(kind: &str, message: &str) -> Vec<u8> {
    http(
        400,
        &[("x-amzn-ErrorType", kind)],
        &json!({"__type": kind, "message": message}).to_string(),
    )
}

fn base64url(bytes: &[u8]) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, b)| n | (u32::from(*b) << (16 - 8 * i)));
        for i in 0..=chunk.len() {
            out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
        }
    }
    out
}

/// An unsigned JWT with these claims (the CLI reads claims without verifying).
fn jwt(claims: Value) -> String {
    format!(
        "{}.{}.c2lnbmF0dXJl",
        base64url(br#"{"alg":"RS256","kid":"test"}"#),
        base64url(claims.to_string().as_bytes())
    )
}

fn tokens_body(username: &str, marker: &str) -> Value {
    let claims = json!({"sub": "0000-sub", "username": username, "token_use": "access",
        "exp": 4_000_000_000u64, "client_id": "hostileclient0000001"});
    json!({"AuthenticationResult": {
        "AccessToken": jwt(claims.clone()),
        "IdToken": jwt(json!({"sub": "0000-sub", "token_use": "id", "marker": marker})),
        "RefreshToken": format!("refresh-{marker}"),
        "ExpiresIn": 3600,
        "TokenType": "Bearer"
    }, "ChallengeParameters": {}})
}

/// A CLI run: status, stdout, stderr, how long it took.
struct Run {
    success: bool,
    stdout: Vec<u8>,
    stderr: Vec<u8>,
    took: Duration,
}

impl Run {
    fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.stderr).into_owned()
    }
    fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.stdout).into_owned()
    }
    /// No ESC (nor any other C0 control but newline) anywhere in the output.
    fn assert_clean(&self) {
        for (name, bytes) in [("stdout", &self.stdout), ("stderr", &self.stderr)] {
            assert!(
                !bytes.contains(&0x1b),
                "ESC on {name}: {:?}",
                String::from_utf8_lossy(&bytes[..bytes.len().min(300)])
            );
            let text = String::from_utf8_lossy(bytes);
            assert!(
                !text
                    .chars()
                    .any(|c| c.is_control() && c != '\n' && c != '\r'),
                "a control character on {name}"
            );
        }
    }
    fn assert_bounded(&self, limit: usize) {
        assert!(
            self.stdout.len() + self.stderr.len() <= limit,
            "{} bytes of output (limit {limit}): stderr starts {:?}",
            self.stdout.len() + self.stderr.len(),
            String::from_utf8_lossy(&self.stderr[..self.stderr.len().min(300)])
        );
    }
}

/// The CLI under test: the one built, or `COGNITO_AUTH_BIN` (to run these tests against
/// another build, e.g. an older one).
fn bin() -> std::ffi::OsString {
    std::env::var_os("COGNITO_AUTH_BIN")
        .unwrap_or_else(|| env!("CARGO_BIN_EXE_cognito-auth").into())
}

/// Runs the built CLI against `endpoint`; killed after 60 s.
fn cli(endpoint: &str, args: &[&str], stdin: &str) -> Run {
    cli_env(endpoint, args, stdin, &[])
}

/// [`cli`] with environment variables.
fn cli_env(endpoint: &str, args: &[&str], stdin: &str, env: &[(&str, &str)]) -> Run {
    let started = Instant::now();
    let mut child = Command::new(bin())
        .envs(env.iter().copied())
        .args(pool_args(endpoint))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin_pipe = child.stdin.take().unwrap();
    let input = stdin.to_owned();
    let writer = std::thread::spawn(move || {
        let _ = stdin_pipe.write_all(input.as_bytes());
    });
    let mut out = child.stdout.take().unwrap();
    let mut err = child.stderr.take().unwrap();
    let out_reader = std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = out.read_to_end(&mut bytes);
        bytes
    });
    let err_reader = std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = err.read_to_end(&mut bytes);
        bytes
    });
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            break child.wait().unwrap();
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let _ = writer.join();
    Run {
        success: status.success(),
        stdout: out_reader.join().unwrap(),
        stderr: err_reader.join().unwrap(),
        took: started.elapsed(),
    }
}

fn temp_dir() -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix("cognito-auth-hostile-")
        .tempdir()
        .unwrap()
}

fn path_str(path: &Path) -> &str {
    path.to_str().unwrap()
}

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::symlink_metadata(path)
        .unwrap()
        .permissions()
        .mode()
        & 0o777
}

#[cfg(unix)]
fn write_with_mode(path: &Path, contents: &str, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::write(path, contents).unwrap();
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

/// Files in `dir` whose name starts with `prefix`, other than `prefix` itself.
fn set_aside(dir: &Path, prefix: &str) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let name = p.file_name().unwrap().to_str().unwrap();
            name.starts_with(prefix) && name != prefix
        })
        .collect();
    found.sort();
    found
}

const SIGN_IN: &[&str] = &[
    "sign-in",
    "--username",
    "ann",
    "--password-stdin",
    "--flow",
    "password",
];

fn sign_in_args<'a>(extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = SIGN_IN.to_vec();
    args.extend_from_slice(extra);
    args
}

#[test]
fn a_redirect_is_an_error_and_is_not_followed() {
    for status in [302u16, 307] {
        let elsewhere = scripted(4, |_, _, _| {
            Some(ok(tokens_body("ann", "stolen-by-elsewhere")))
        });
        // A Location no terminal line should carry whole (control characters would not even
        // parse as a header value).
        let location = format!("{}{}", elsewhere.endpoint, "a".repeat(5_000));
        let redirecting = scripted(4, move |_, _, _| {
            Some(http(status, &[("Location", &location)], ""))
        });
        for json in [false, true] {
            let mut args = sign_in_args(&[]);
            if json {
                args.insert(0, "--json");
            }
            let run = cli(&redirecting.endpoint, &args, "a-password\n");
            assert!(!run.success, "{status}: a redirect is not a sign-in");
            run.assert_clean();
            run.assert_bounded(1_500);
            assert!(
                !run.stdout().contains("stolen-by-elsewhere")
                    && !run.stderr().contains("stolen-by-elsewhere"),
                "{status}: tokens from another host were printed: {}",
                run.stdout()
            );
            let stderr = run.stderr();
            assert!(
                stderr.contains(&status.to_string())
                    && stderr.contains("redirect")
                    && stderr.contains(elsewhere.endpoint.trim_end_matches('/')),
                "{status}: the error names the status and the Location: {stderr}"
            );
        }
        assert_eq!(
            elsewhere.seen.requests.load(Ordering::SeqCst),
            0,
            "{status}: the redirect was followed"
        );
    }
}

#[test]
fn service_error_text_is_escaped_and_bounded() {
    let message = format!("\x1b[2J\x1b]0;owned\x07{}", "A".repeat(1 << 20));
    let server = scripted(2, move |_, _, _| {
        Some(service_error("NotAuthorizedException", &message))
    });
    let run = cli(&server.endpoint, SIGN_IN, "a-password\n");
    assert!(!run.success);
    run.assert_clean();
    run.assert_bounded(2_000);
    let stderr = run.stderr();
    assert!(stderr.starts_with("NotAuthorizedException"), "{stderr}");
    assert!(stderr.contains("more bytes"), "says it was cut: {stderr}");
}

#[test]
fn challenge_names_and_parameters_are_escaped_and_bounded() {
    // An unknown challenge with a megabyte-long name.
    let name = format!("\x1b[2J{}", "X".repeat(1 << 20));
    let server = scripted(2, move |_, _, _| {
        Some(ok(
            json!({"ChallengeName": name, "Session": "s", "ChallengeParameters": {}}),
        ))
    });
    let run = cli(&server.endpoint, SIGN_IN, "a-password\n");
    assert!(!run.success);
    run.assert_clean();
    run.assert_bounded(2_000);

    // A custom challenge with 100k parameters.
    let server = scripted(2, |_, _, _| {
        let parameters: serde_json::Map<String, Value> = (0..100_000)
            .map(|i| (format!("k{i}\x1b[2J"), json!(format!("v\x1b]0;x\x07{i}"))))
            .collect();
        Some(ok(
            json!({"ChallengeName": "CUSTOM_CHALLENGE", "Session": "s",
                "ChallengeParameters": parameters}),
        ))
    });
    let run = cli(&server.endpoint, SIGN_IN, "a-password\n");
    assert!(!run.success, "no terminal to answer on");
    run.assert_clean();
    run.assert_bounded(4_000);

    // Code delivery destinations and required attribute names are the service's text too.
    let server = scripted(2, |_, _, _| {
        Some(ok(json!({"ChallengeName": "SMS_MFA", "Session": "s",
                "ChallengeParameters": {"CODE_DELIVERY_DESTINATION": format!("\x1b[2J{}", "9".repeat(1 << 20)),
                    "CODE_DELIVERY_DELIVERY_MEDIUM": "SMS"}})))
    });
    let run = cli(&server.endpoint, SIGN_IN, "a-password\n");
    assert!(!run.success, "no terminal to answer on");
    run.assert_clean();
    run.assert_bounded(2_000);
}

#[test]
fn user_names_and_attribute_values_are_escaped_and_bounded() {
    let hostile_name = format!("\x1b[2J\x1b[31mroot{}", "n".repeat(1 << 20));
    let name = hostile_name.clone();
    let server = scripted(2, move |_, _, _| Some(ok(tokens_body(&name, "m"))));
    let run = cli(&server.endpoint, SIGN_IN, "a-password\n");
    assert!(run.success, "{}", run.stderr());
    run.assert_clean();
    run.assert_bounded(2_000);
    assert!(
        run.stdout().starts_with("Signed in as "),
        "{}",
        run.stdout()
    );

    let name = hostile_name.clone();
    let server = scripted(2, move |_, _, _| {
        Some(ok(json!({"Username": name, "UserAttributes": [
            {"Name": "email\x1b[2J", "Value": format!("\x1b]0;title\x07{}", "v".repeat(1 << 20))},
            {"Name": "sub", "Value": "0000-sub"}
        ]})))
    });
    let run = cli(&server.endpoint, &["user", "--access-token", "t"], "");
    assert!(run.success, "{}", run.stderr());
    run.assert_clean();
    run.assert_bounded(3_000);
    assert!(run.stdout().contains("sub = 0000-sub"), "{}", run.stdout());
}

/// Two challenges the CLI answers by itself with a TOTP secret file, alternating, so that no
/// challenge comes twice in a row.
fn alternating_challenge(n: usize) -> Vec<u8> {
    match n % 2 {
        0 => ok(
            json!({"ChallengeName": "SELECT_MFA_TYPE", "Session": format!("session-{n}"),
            "ChallengeParameters": {"MFAS_CAN_CHOOSE": "[\"SOFTWARE_TOKEN_MFA\"]"}}),
        ),
        _ => ok(json!({"ChallengeName": "SOFTWARE_TOKEN_MFA",
            "Session": format!("session-{n}"), "ChallengeParameters": {}})),
    }
}

#[test]
fn a_challenge_loop_is_bounded_in_round_trips() {
    let dir = temp_dir();
    let secret = dir.path().join("totp.secret");
    std::fs::write(&secret, format!("{TOTP_SECRET}\n")).unwrap();
    let server = scripted(300, |n, _, _| Some(alternating_challenge(n)));
    let run = cli(
        &server.endpoint,
        &sign_in_args(&["--totp-secret-file", path_str(&secret)]),
        "a-password\n",
    );
    let requests = server.seen.requests.load(Ordering::SeqCst);
    assert!(!run.success, "an endless challenge loop is not a sign-in");
    assert!(
        requests <= 33,
        "{requests} round trips before giving up: {}",
        run.stderr()
    );
    run.assert_clean();
    assert_eq!(run.stderr().trim().lines().count(), 1, "{}", run.stderr());
}

#[test]
fn a_deadline_bounds_a_slow_sign_in() {
    let dir = temp_dir();
    let secret = dir.path().join("totp.secret");
    std::fs::write(&secret, format!("{TOTP_SECRET}\n")).unwrap();
    // Each reply is slow, but well under the per-request timeout.
    let server = scripted(40, |n, _, _| {
        std::thread::sleep(Duration::from_millis(600));
        Some(alternating_challenge(n))
    });
    let run = cli_env(
        &server.endpoint,
        &sign_in_args(&["--totp-secret-file", path_str(&secret)]),
        "a-password\n",
        &[("COGNITO_TIMEOUT", "2")],
    );
    assert!(!run.success);
    assert!(
        run.took < Duration::from_secs(6),
        "took {:?}: {}",
        run.took,
        run.stderr()
    );
    assert!(run.stderr().contains("2 s"), "{}", run.stderr());

    // A server that never answers.
    let silent = scripted(2, |_, _, _| None);
    let run = cli(&silent.endpoint, &sign_in_args(&["--timeout", "1"]), "p\n");
    assert!(!run.success);
    assert!(run.took < Duration::from_secs(5), "took {:?}", run.took);
}

#[cfg(unix)]
#[test]
fn a_forgotten_device_keeps_the_old_credentials_aside() {
    let dir = temp_dir();
    let device = dir.path().join("device.json");
    let credentials = json!({"device_key": "us-east-1_11111111-2222-3333-4444-555555555555",
        "device_group_key": "-group", "device_password": "pw", "user_sub": "0000-sub"})
    .to_string();
    write_with_mode(&device, &credentials, 0o644);
    let server = scripted(4, |n, _, _| {
        Some(match n {
            0 => service_error("ResourceNotFoundException", "Device does not exist."),
            _ => service_error("NotAuthorizedException", "Incorrect username or password."),
        })
    });
    let run = cli(
        &server.endpoint,
        &sign_in_args(&["--device-file", path_str(&device)]),
        "a-password\n",
    );
    assert!(!run.success);
    let aside = set_aside(dir.path(), "device.json");
    assert_eq!(aside.len(), 1, "the old credentials are kept: {aside:?}");
    let name = aside[0].file_name().unwrap().to_str().unwrap().to_owned();
    assert!(name.starts_with("device.json.forgotten-"), "{name}");
    assert_eq!(std::fs::read_to_string(&aside[0]).unwrap(), credentials);
    assert_eq!(mode(&aside[0]), 0o600);
    assert!(
        run.stderr().contains(&name),
        "says where they went: {}",
        run.stderr()
    );
}

#[cfg(unix)]
#[test]
fn mfa_setup_keeps_the_old_totp_secret_aside() {
    let dir = temp_dir();
    let secret = dir.path().join("totp.secret");
    write_with_mode(&secret, &format!("{TOTP_SECRET}\n"), 0o644);
    let server = scripted(10, |_, target, _| {
        Some(ok(match target {
            "InitiateAuth" => json!({"ChallengeName": "MFA_SETUP", "Session": "s1",
                    "ChallengeParameters": {"MFAS_CAN_SETUP": "[\"SOFTWARE_TOKEN_MFA\"]"}}),
            "AssociateSoftwareToken" => json!({"SecretCode": NEW_TOTP_SECRET, "Session": "s2"}),
            "VerifySoftwareToken" => json!({"Status": "SUCCESS", "Session": "s3"}),
            _ => tokens_body("ann", "m"),
        }))
    });
    let run = cli(
        &server.endpoint,
        &sign_in_args(&["--totp-secret-file", path_str(&secret)]),
        "a-password\n",
    );
    assert!(run.success, "{}", run.stderr());
    assert_eq!(
        std::fs::read_to_string(&secret).unwrap().trim(),
        NEW_TOTP_SECRET
    );
    assert_eq!(mode(&secret), 0o600);
    let aside = set_aside(dir.path(), "totp.secret");
    assert_eq!(aside.len(), 1, "the old secret is kept: {aside:?}");
    assert_eq!(
        std::fs::read_to_string(&aside[0]).unwrap().trim(),
        TOTP_SECRET
    );
    assert_eq!(mode(&aside[0]), 0o600);
    let name = aside[0].file_name().unwrap().to_str().unwrap();
    assert!(name.starts_with("totp.secret.old-"), "{name}");
    assert!(run.stderr().contains(name), "{}", run.stderr());

    // `mfa setup-totp` keeps the one it replaces too.
    std::fs::remove_file(&aside[0]).unwrap();
    let server = scripted(10, |_, target, _| {
        Some(ok(match target {
            "AssociateSoftwareToken" => json!({"SecretCode": TOTP_SECRET}),
            "VerifySoftwareToken" => json!({"Status": "SUCCESS"}),
            _ => json!({}),
        }))
    });
    let run = cli(
        &server.endpoint,
        &[
            "mfa",
            "setup-totp",
            "--access-token",
            "t",
            "--totp-secret-file",
            path_str(&secret),
        ],
        "",
    );
    assert!(run.success, "{}", run.stderr());
    let aside = set_aside(dir.path(), "totp.secret");
    assert_eq!(aside.len(), 1, "{aside:?}");
    assert_eq!(
        std::fs::read_to_string(&aside[0]).unwrap().trim(),
        NEW_TOTP_SECRET
    );
    assert_eq!(
        std::fs::read_to_string(&secret).unwrap().trim(),
        TOTP_SECRET
    );
}

#[cfg(unix)]
#[test]
fn secret_files_are_replaced_owner_only_and_never_through_a_symlink() {
    let dir = temp_dir();
    let server = scripted(10, |_, _, _| Some(ok(tokens_body("ann", "m"))));

    // An existing world-readable tokens file, with a second (hard) link to it.
    let tokens = dir.path().join("tokens.json");
    write_with_mode(&tokens, "old tokens\n", 0o644);
    let link = dir.path().join("tokens.hardlink");
    std::fs::hard_link(&tokens, &link).unwrap();
    let run = cli(
        &server.endpoint,
        &sign_in_args(&["--tokens-file", path_str(&tokens)]),
        "a-password\n",
    );
    assert!(run.success, "{}", run.stderr());
    assert_eq!(mode(&tokens), 0o600, "the tokens file is owner-only");
    let saved: Value = serde_json::from_str(&std::fs::read_to_string(&tokens).unwrap()).unwrap();
    assert_eq!(saved["AuthenticationResult"]["RefreshToken"], "refresh-m");
    // Written to a new file renamed over the old one, not truncated and rewritten in place.
    assert_eq!(std::fs::read_to_string(&link).unwrap(), "old tokens\n");
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(leftovers.len(), 2, "no temporary file left: {leftovers:?}");

    // A symlink at the target path: refused, its target untouched.
    let victim = dir.path().join("victim");
    write_with_mode(&victim, "precious\n", 0o644);
    let symlink = dir.path().join("tokens-link.json");
    std::os::unix::fs::symlink(&victim, &symlink).unwrap();
    let run = cli(
        &server.endpoint,
        &sign_in_args(&["--tokens-file", path_str(&symlink)]),
        "a-password\n",
    );
    assert!(!run.success, "writing through a symlink is refused");
    assert!(
        run.stderr().contains("symbolic link") && run.stderr().contains(path_str(&symlink)),
        "{}",
        run.stderr()
    );
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious\n");
    assert_eq!(mode(&victim), 0o644);
    assert!(std::fs::symlink_metadata(&symlink).unwrap().is_symlink());

    // The same for the TOTP secret file (mfa setup-totp).
    let secret_link = dir.path().join("totp-link");
    std::os::unix::fs::symlink(&victim, &secret_link).unwrap();
    let setup = scripted(10, |_, target, _| {
        Some(ok(match target {
            "AssociateSoftwareToken" => json!({"SecretCode": TOTP_SECRET}),
            "VerifySoftwareToken" => json!({"Status": "SUCCESS"}),
            _ => json!({}),
        }))
    });
    let run = cli(
        &setup.endpoint,
        &[
            "mfa",
            "setup-totp",
            "--access-token",
            "t",
            "--totp-secret-file",
            path_str(&secret_link),
        ],
        "",
    );
    assert!(!run.success);
    assert!(run.stderr().contains("symbolic link"), "{}", run.stderr());
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious\n");
}

#[test]
fn corrupt_files_are_named_the_same_way_by_every_command() {
    let dir = temp_dir();
    let server = scripted(20, |_, _, _| {
        Some(service_error("NotAuthorizedException", "no"))
    });
    for contents in ["not json at all", "{\"foo\": 1}", "[]"] {
        let tokens = dir.path().join("tokens.json");
        std::fs::write(&tokens, contents).unwrap();
        let tokens = path_str(&tokens);
        let expected = format!("{tokens}: not a cognito-auth tokens file: ");
        for args in [
            vec!["user", "--tokens-file", tokens],
            vec!["refresh", "--tokens-file", tokens],
            vec!["sign-out", "--tokens-file", tokens],
            vec!["devices", "list", "--tokens-file", tokens],
        ] {
            let run = cli(&server.endpoint, &args, "");
            assert!(!run.success);
            assert!(
                run.stderr().starts_with(&expected),
                "{args:?} with {contents:?}: {}",
                run.stderr()
            );
        }

        let device = dir.path().join("device.json");
        std::fs::write(&device, contents).unwrap();
        let device = path_str(&device);
        let expected = format!("{device}: not a cognito-auth device file: ");
        for args in [
            sign_in_args(&["--device-file", device]),
            vec!["refresh", "--refresh-token", "r", "--device-file", device],
            vec![
                "devices",
                "forget",
                "--access-token",
                "t",
                "--device-file",
                device,
            ],
        ] {
            let run = cli(&server.endpoint, &args, "a-password\n");
            assert!(!run.success);
            assert!(
                run.stderr().starts_with(&expected),
                "{args:?} with {contents:?}: {}",
                run.stderr()
            );
        }
    }
    assert_eq!(
        server.seen.requests.load(Ordering::SeqCst),
        0,
        "a corrupt file stops the command before it calls the service"
    );
}

// ---- The user study's findings -------------------------------------------------------------

/// Runs the CLI with `stdin` from a file (e.g. /dev/zero); killed after `limit`.
fn cli_stdin_file(endpoint: &str, args: &[&str], stdin: &Path, limit: Duration) -> Run {
    let started = Instant::now();
    let mut child = Command::new(bin())
        .args(pool_args(endpoint))
        .args(args)
        .stdin(std::fs::File::open(stdin).unwrap())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = child.stdout.take().unwrap();
    let mut err = child.stderr.take().unwrap();
    let out_reader = std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = out.read_to_end(&mut bytes);
        bytes
    });
    let err_reader = std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = err.read_to_end(&mut bytes);
        bytes
    });
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            break child.wait().unwrap();
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Run {
        success: status.success(),
        stdout: out_reader.join().unwrap(),
        stderr: err_reader.join().unwrap(),
        took: started.elapsed(),
    }
}

/// The exit status of a run, through `cli_status` (the `Run` of the other helpers keeps only
/// success).
fn cli_status(endpoint: &str, args: &[&str], stdin: &str) -> (i32, String, String) {
    let output = {
        let mut child = Command::new(bin())
            .args(pool_args(endpoint))
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut pipe = child.stdin.take().unwrap();
        let input = stdin.to_owned();
        let writer = std::thread::spawn(move || {
            let _ = pipe.write_all(input.as_bytes());
        });
        let output = child.wait_with_output().unwrap();
        let _ = writer.join();
        output
    };
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn endless_stdin_and_files_are_read_bounded_and_empty_input_is_refused() {
    let server = scripted(10, |_, _, _| Some(ok(tokens_body("ann", "m"))));
    let zero = Path::new("/dev/zero");
    // The password line from an endless stdin: refused after 4 KiB, nothing sent.
    let run = cli_stdin_file(&server.endpoint, SIGN_IN, zero, Duration::from_secs(8));
    assert!(!run.success, "an endless line is not a password");
    assert!(run.took < Duration::from_secs(5), "took {:?}", run.took);
    assert!(run.stderr().contains("4096"), "{}", run.stderr());
    // A file that never ends (a tokens file, a TOTP secret): refused after 1 MiB.
    let run = cli_stdin_file(
        &server.endpoint,
        &["user", "--tokens-file", "/dev/zero"],
        Path::new("/dev/null"),
        Duration::from_secs(8),
    );
    assert!(!run.success);
    assert!(run.took < Duration::from_secs(5), "took {:?}", run.took);
    assert!(run.stderr().contains("larger than"), "{}", run.stderr());
    // Empty user names and passwords: refused before any request, as usage errors.
    let (code, _, stderr) = cli_status(&server.endpoint, SIGN_IN, "\n");
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("empty"), "{stderr}");
    let (code, _, stderr) = cli_status(
        &server.endpoint,
        &["sign-in", "--username", "", "--password-stdin"],
        "a-password\n",
    );
    assert_eq!(code, 2, "{stderr}");
    assert_eq!(server.seen.requests.load(Ordering::SeqCst), 0);
}

#[test]
fn errors_have_exit_codes_by_class_and_are_json_with_json() {
    let server = scripted(20, |n, target, _| {
        Some(match (n, target) {
            (_, "GetUser") => http(200, &[("Content-Type", "text/html")], "<html>oops</html>"),
            (0, _) => service_error("NotAuthorizedException", "Incorrect username or password."),
            _ => service_error("TooManyRequestsException", "Rate exceeded"),
        })
    });
    let parse = |stderr: &str| -> Value {
        assert_eq!(stderr.trim().lines().count(), 1, "one line: {stderr}");
        serde_json::from_str(stderr.trim()).unwrap_or_else(|e| panic!("{e}: {stderr}"))
    };
    fn json_sign_in(extra: &[&'static str]) -> Vec<&'static str> {
        let mut args = vec!["--json"];
        args.extend_from_slice(SIGN_IN);
        args.extend_from_slice(extra);
        args
    }
    // 3: refused by the service, with its code; throttling is retryable.
    let (code, _, stderr) = cli_status(&server.endpoint, &json_sign_in(&[]), "pw\n");
    assert_eq!(code, 3, "{stderr}");
    let error = &parse(&stderr)["error"];
    assert_eq!(error["class"], "refused");
    assert_eq!(error["code"], "NotAuthorizedException");
    assert_eq!(error["retryable"], false);
    assert!(error["message"].as_str().unwrap().contains("Incorrect"));
    let (code, _, stderr) = cli_status(&server.endpoint, &json_sign_in(&[]), "pw\n");
    assert_eq!(code, 3, "{stderr}");
    assert_eq!(parse(&stderr)["error"]["retryable"], true);
    // 5: not Cognito's reply; the operation named is the one sent.
    let (code, _, stderr) = cli_status(
        &server.endpoint,
        &["--json", "user", "--access-token", "t"],
        "",
    );
    assert_eq!(code, 5, "{stderr}");
    let error = &parse(&stderr)["error"];
    assert_eq!(error["class"], "protocol");
    assert_eq!(error["code"], Value::Null);
    assert!(
        error["message"].as_str().unwrap().contains("GetUser"),
        "{error}"
    );
    // 2: usage, from clap too.
    let (code, _, stderr) = cli_status(&server.endpoint, &["--json", "sign-in", "--bogus"], "");
    assert_eq!(code, 2, "{stderr}");
    assert_eq!(parse(&stderr)["error"]["class"], "usage");
    // 6: a local file.
    let (code, _, stderr) = cli_status(
        &server.endpoint,
        &[
            "--json",
            "user",
            "--tokens-file",
            "/nonexistent/tokens.json",
        ],
        "",
    );
    assert_eq!(code, 6, "{stderr}");
    assert_eq!(parse(&stderr)["error"]["class"], "file");
    // 4: nobody listening. Plain text without --json, the same status.
    let closed = TcpListener::bind("127.0.0.1:0").unwrap();
    let dead = format!("http://{}/", closed.local_addr().unwrap());
    drop(closed);
    let (code, _, stderr) = cli_status(&dead, SIGN_IN, "pw\n");
    assert_eq!(code, 4, "{stderr}");
    assert!(!stderr.starts_with('{'), "{stderr}");
    let (code, _, stderr) = cli_status(&dead, &json_sign_in(&[]), "pw\n");
    assert_eq!(code, 4, "{stderr}");
    assert_eq!(parse(&stderr)["error"]["class"], "network");
}

#[test]
fn an_html_reply_to_initiate_auth_is_named_as_such() {
    let server = scripted(4, |_, _, _| {
        Some(http(
            200,
            &[("Content-Type", "text/html")],
            "<html>gateway</html>",
        ))
    });
    for flow in ["srp", "password"] {
        let run = cli(
            &server.endpoint,
            &[
                "sign-in",
                "--username",
                "ann",
                "--password-stdin",
                "--flow",
                flow,
            ],
            "pw\n",
        );
        assert!(!run.success);
        assert!(
            run.stderr().contains("InitiateAuth response")
                && !run.stderr().contains("RespondToAuthChallenge"),
            "{}",
            run.stderr()
        );
    }
}

fn mfa_server(code_ok: &'static str) -> Scripted {
    scripted(10, move |_, target, body| {
        let body = String::from_utf8_lossy(body);
        Some(match target {
            "InitiateAuth" => ok(
                json!({"ChallengeName": "SOFTWARE_TOKEN_MFA", "Session": "s1",
                "ChallengeParameters": {}}),
            ),
            _ if body.contains(code_ok) => ok(tokens_body("ann", "m")),
            _ => service_error("CodeMismatchException", "Invalid code received for user"),
        })
    })
}

#[test]
fn mfa_codes_can_come_from_a_script_and_their_absence_names_the_flag() {
    let server = mfa_server("123456");
    let run = cli(
        &server.endpoint,
        &sign_in_args(&["--code-stdin", "--tokens-file", "/dev/null/x"]),
        "a-password\n123456\n",
    );
    // The tokens file cannot be written there: the sign-in was still answered from stdin.
    assert!(run.stderr().contains("/dev/null/x"), "{}", run.stderr());
    let run = cli(
        &server.endpoint,
        &sign_in_args(&["--code-stdin"]),
        "a-password\n123456\n",
    );
    assert!(run.success, "{}", run.stderr());
    // No terminal and no code: the failure names the flag, as a usage error.
    let (code, _, stderr) = cli_status(&server.endpoint, SIGN_IN, "a-password\n");
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("--code-stdin") && stderr.contains("authenticator"),
        "{stderr}"
    );
}

#[test]
fn client_secret_advice_names_the_command_line_options() {
    let server = scripted(6, |_, _, _| {
        Some(service_error(
            "NotAuthorizedException",
            "Unable to verify secret hash for client hostileclient0000001",
        ))
    });
    let run = cli(&server.endpoint, SIGN_IN, "pw\n");
    assert!(!run.success);
    assert!(
        run.stderr().contains("--client-secret-file") && !run.stderr().contains("PoolConfig"),
        "{}",
        run.stderr()
    );
    let dir = temp_dir();
    let secret = dir.path().join("client.secret");
    std::fs::write(&secret, "not-the-secret\n").unwrap();
    let run = cli(
        &server.endpoint,
        &[
            "--client-secret-file",
            path_str(&secret),
            "sign-in",
            "--username",
            "ann",
            "--password-stdin",
            "--flow",
            "password",
        ],
        "pw\n",
    );
    assert!(!run.success);
    assert!(
        run.stderr().contains("does not match") && !run.stderr().contains("PoolConfig"),
        "{}",
        run.stderr()
    );
    assert!(
        server.seen.targets.lock().unwrap().len() == 2,
        "the secret file was used for both"
    );
}

#[test]
fn tokens_are_printed_on_request_and_otherwise_said_to_be_unsaved() {
    let server = scripted(10, |_, _, _| Some(ok(tokens_body("ann", "m"))));
    let run = cli(&server.endpoint, SIGN_IN, "pw\n");
    assert!(run.success, "{}", run.stderr());
    assert!(
        run.stdout().starts_with("Signed in as ") && run.stdout().contains("--tokens-file"),
        "{}",
        run.stdout()
    );
    let run = cli(&server.endpoint, &sign_in_args(&["--print-tokens"]), "pw\n");
    assert!(run.success, "{}", run.stderr());
    let printed: Value = serde_json::from_str(run.stdout().trim()).unwrap();
    assert_eq!(printed["AuthenticationResult"]["RefreshToken"], "refresh-m");
    // refresh --refresh-token: the new tokens are printed on request, not thrown away.
    let run = cli(
        &server.endpoint,
        &["refresh", "--refresh-token", "r", "--print-tokens"],
        "",
    );
    assert!(run.success, "{}", run.stderr());
    let printed: Value = serde_json::from_str(run.stdout().trim()).unwrap();
    assert_eq!(printed["AuthenticationResult"]["RefreshToken"], "refresh-m");
    let run = cli(&server.endpoint, &["refresh", "--refresh-token", "r"], "");
    assert!(run.stdout().contains("--print-tokens"), "{}", run.stdout());
}

#[test]
fn an_expired_access_token_is_refreshed_and_saved_before_the_command() {
    let dir = temp_dir();
    let tokens = dir.path().join("tokens.json");
    let expired = jwt(
        json!({"sub": "0000-sub", "username": "ann", "token_use": "access",
        "exp": 1_000_000_000u64, "client_id": "hostileclient0000001"}),
    );
    std::fs::write(
        &tokens,
        json!({"AuthenticationResult": {"AccessToken": expired, "IdToken": expired,
            "RefreshToken": "refresh-old", "ExpiresIn": 3600, "TokenType": "Bearer"}})
        .to_string(),
    )
    .unwrap();
    let server = scripted(6, |_, target, _| {
        Some(match target {
            "GetTokensFromRefreshToken" | "InitiateAuth" => ok(tokens_body("ann", "new")),
            _ => ok(json!({"Username": "ann", "UserAttributes": []})),
        })
    });
    let run = cli(
        &server.endpoint,
        &["user", "--tokens-file", path_str(&tokens)],
        "",
    );
    assert!(run.success, "{}", run.stderr());
    let targets = server.seen.targets.lock().unwrap().clone();
    assert_eq!(
        targets,
        ["GetTokensFromRefreshToken", "GetUser"],
        "{}",
        run.stderr()
    );
    let saved: Value = serde_json::from_str(&std::fs::read_to_string(&tokens).unwrap()).unwrap();
    assert_eq!(saved["AuthenticationResult"]["RefreshToken"], "refresh-new");
}

#[test]
fn refresh_errors_say_what_is_missing() {
    // A device-bound refresh token without the device key.
    let server = scripted(4, |_, _, _| {
        Some(service_error(
            "NotAuthorizedException",
            "Invalid Refresh Token",
        ))
    });
    let run = cli(&server.endpoint, &["refresh", "--refresh-token", "r"], "");
    assert!(!run.success);
    assert!(run.stderr().contains("--device-file"), "{}", run.stderr());
    // A tokens file without a refresh token: it was passed, say what it lacks.
    let dir = temp_dir();
    let tokens = dir.path().join("tokens.json");
    std::fs::write(&tokens, r#"{"AuthenticationResult": {"AccessToken": "a"}}"#).unwrap();
    let run = cli(
        &server.endpoint,
        &["refresh", "--tokens-file", path_str(&tokens)],
        "",
    );
    assert!(!run.success);
    assert!(
        run.stderr().contains(path_str(&tokens)) && !run.stderr().contains("pass --tokens-file"),
        "{}",
        run.stderr()
    );
}

#[test]
fn mfa_preference_without_a_change_is_refused() {
    let server = scripted(4, |_, _, _| Some(ok(json!({}))));
    for extra in [
        &[][..],
        &["--preferred", "totp"][..],
        &["--totp", "off", "--preferred", "totp"][..],
    ] {
        let mut args = vec!["mfa", "preference", "--access-token", "t"];
        args.extend_from_slice(extra);
        let (code, stdout, stderr) = cli_status(&server.endpoint, &args, "");
        assert_eq!(code, 2, "{extra:?}: {stdout}{stderr}");
        assert!(!stdout.contains("saved"), "{stdout}");
    }
    assert_eq!(server.seen.requests.load(Ordering::SeqCst), 0);
}

// ---- At a terminal (a pseudo-terminal driven by python3's pty module) ----------------------

/// The options naming `endpoint` and the pool every run here talks to.
fn pool_args(endpoint: &str) -> [&str; 6] {
    [
        "--endpoint",
        endpoint,
        "--pool-id",
        "us-east-1_Hostile001",
        "--client-id",
        "hostileclient0000001",
    ]
}

/// Drives `args` on a pseudo-terminal against `endpoint` ([`pty::drive`]).
fn at_terminal(endpoint: &str, args: &[&str], steps: &[(&str, &str)]) -> (i64, bool, String) {
    let mut all = pool_args(endpoint).to_vec();
    all.extend_from_slice(args);
    pty::drive(&bin(), &all, steps)
}

#[cfg(unix)]
#[test]
fn ctrl_c_at_the_password_prompt_restores_the_echo() {
    let server = scripted(1, |_, _, _| None);
    let (code, echo, shown) = at_terminal(
        &server.endpoint,
        &["sign-in", "--username", "ann"],
        &[("Password:", "\u{3}")],
    );
    assert!(echo, "the terminal was left without echo: {shown}");
    assert_eq!(code, 130, "{shown}");
    assert_eq!(server.seen.requests.load(Ordering::SeqCst), 0);
}

#[cfg(unix)]
#[test]
fn a_mistyped_code_is_asked_again_at_a_terminal() {
    let server = mfa_server("222222");
    let (code, echo, shown) = at_terminal(
        &server.endpoint,
        &["sign-in", "--username", "ann", "--flow", "password"],
        &[
            ("Password:", "a-password\r"),
            ("authenticator app:", "111111\r"),
            ("authenticator app:", "222222\r"),
        ],
    );
    assert_eq!(code, 0, "{shown}");
    assert!(echo);
    assert!(shown.contains("Try again"), "{shown}");
    assert!(shown.contains("Signed in as ann"), "{shown}");
}

#[cfg(unix)]
#[test]
fn a_new_password_the_policy_refuses_is_asked_again_at_a_terminal() {
    let server = scripted(10, |_, target, body| {
        let body = String::from_utf8_lossy(body);
        Some(match target {
            "InitiateAuth" => ok(json!({"ChallengeName": "NEW_PASSWORD_REQUIRED",
                "Session": "s1", "ChallengeParameters": {"userAttributes": "{}",
                "requiredAttributes": "[]", "USER_ID_FOR_SRP": "ann"}})),
            _ if body.contains("Strong-Pass-1!") => ok(tokens_body("ann", "m")),
            _ => service_error(
                "InvalidPasswordException",
                "Password does not conform to policy: Password not long enough",
            ),
        })
    });
    let (code, _, shown) = at_terminal(
        &server.endpoint,
        &["sign-in", "--username", "ann", "--flow", "password"],
        &[
            ("Password:", "Temporary-1!\r"),
            ("New password:", "weak\r"),
            ("New password:", "Strong-Pass-1!\r"),
        ],
    );
    assert_eq!(code, 0, "{shown}");
    assert!(shown.contains("not long enough"), "{shown}");
    assert!(shown.contains("Signed in as ann"), "{shown}");
}
