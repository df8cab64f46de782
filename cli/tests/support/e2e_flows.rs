//! `sign-in --flow user-auth | custom | custom-srp` and e-mail MFA against `cognito-auth serve`:
//! codes read from the pool's outbox while the command waits for them on standard input, and
//! SELECT_CHALLENGE answered at a pseudo-terminal.

use std::io::Write;
use std::process::Output;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use super::{PASSWORD, Served, bin, pty};

fn flows_config() -> Value {
    json!({
        "pool_id": "us-east-1_CliFlows01",
        "clients": [{"client_id": "cliflowsclient000001",
            "explicit_auth_flows": ["ALLOW_USER_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_CUSTOM_AUTH",
                "ALLOW_REFRESH_TOKEN_AUTH"]}],
        "mfa": "optional",
        "sign_in_policy": {"allowed_first_auth_factors": ["PASSWORD", "EMAIL_OTP", "SMS_OTP"]},
        "custom_auth": {
            "challenges": [
                {"public": {"question": "2 + 2?"}, "answer": "4"},
                {"public": {"question": "Capital of France?", "hint": "\u{1b}[2Jcity"},
                    "answer": "Paris"}
            ],
            "require_password": false,
            "max_wrong_answers": 2
        },
        "users": [
            {"username": "ann", "password": PASSWORD, "status": "CONFIRMED",
                "attributes": {"email": "ann@example.com", "email_verified": "true"}},
            {"username": "sam", "password": PASSWORD, "attributes": {"phone_number": "+15555550100",
                "phone_number_verified": "true"}},
            {"username": "eve", "password": PASSWORD, "status": "CONFIRMED",
                "attributes": {"email": "eve@example.com", "email_verified": "true"},
                "mfa": {"email": true, "preferred": "EMAIL_OTP"}}
        ]
    })
}

/// Runs `sign-in --json` with `first` on standard input; once the pool has sent `who` a new
/// code, types it (or `instead` of it) on the next line, as a person reading the e-mail or SMS would.
fn with_sent_code(
    pool: &Served,
    args: &[&str],
    first: &str,
    who: &str,
    instead: Option<&str>,
) -> Output {
    let before = pool.messages_for(who).len();
    let mut all = vec!["--json", "sign-in"];
    all.extend_from_slice(args);
    let mut child = pool.spawn(&all);
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(first.as_bytes()).unwrap();
    let started = Instant::now();
    while pool.messages_for(who).len() == before {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "no code was sent to {who}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    let code = pool.code_for(who);
    let line = format!("{}\n", instead.unwrap_or(&code));
    stdin.write_all(line.as_bytes()).unwrap();
    drop(stdin);
    child.wait_with_output().unwrap()
}

fn signed_in_as(output: &Output, who: &str) {
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    let out: Value = serde_json::from_slice(&output.stdout).unwrap();
    let access = out["AuthenticationResult"]["AccessToken"].as_str().unwrap();
    let payload = access.split('.').nth(1).unwrap();
    let claims = String::from_utf8(base64url(payload)).unwrap();
    assert!(
        claims.contains(&format!("\"username\":\"{who}\"")),
        "{claims}"
    );
}

/// Unpadded base64url, decoded (the access token's claims).
fn base64url(text: &str) -> Vec<u8> {
    let value = |c: u8| match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'-' => 62,
        _ => 63,
    };
    let bits: Vec<u8> = text.bytes().map(value).collect();
    bits.chunks(4)
        .flat_map(|chunk| {
            let n = chunk
                .iter()
                .enumerate()
                .fold(0u32, |n, (i, v)| n | (u32::from(*v) << (18 - 6 * i)));
            let bytes = n.to_be_bytes();
            bytes[1..chunk.len()].to_vec()
        })
        .collect()
}

fn exit_code(output: &Output) -> Option<i32> {
    output.status.code()
}

#[test]
fn user_auth_with_email_or_sms_otp_signs_in_without_a_password() {
    let pool = Served::start("userauth-otp", flows_config());
    let args = [
        "--username",
        "ann",
        "--flow",
        "user-auth",
        "--preferred-challenge",
        "EMAIL_OTP",
        "--code-stdin",
    ];
    // The only line is the code: a password read first would take it and fail.
    let output = with_sent_code(&pool, &args, "", "ann", None);
    signed_in_as(&output, "ann");

    // A wrong code: refused by the service, exit 3, the service's exception named.
    let output = with_sent_code(&pool, &args, "", "ann", Some("000000"));
    let (code, error) = failed(&output);
    assert_eq!(code, Some(3), "{error}");
    assert_eq!(error["code"], "CodeMismatchException", "{error}");

    // SMS_OTP the same way, the code sent by SMS.
    let mut args = args.to_vec();
    args[1] = "sam";
    args[5] = "SMS_OTP";
    let output = with_sent_code(&pool, &args, "", "sam", None);
    signed_in_as(&output, "sam");
}

/// `--json sign-in --username ann --flow FLOW EXTRA...` with `stdin`.
fn ann(pool: &Served, flow: &str, extra: &[&str], stdin: &str) -> Output {
    let mut args = vec!["--json", "sign-in", "--username", "ann", "--flow", flow];
    args.extend_from_slice(extra);
    pool.run(&args, stdin)
}

/// A `--json` failure's exit status and its error object (the last line of stderr: the
/// challenges shown come before it).
fn failed(output: &Output) -> (Option<i32>, Value) {
    let stderr = String::from_utf8_lossy(&output.stderr);
    let last = stderr.lines().last().unwrap_or_default();
    let error: Value = serde_json::from_str(last).unwrap_or_else(|e| panic!("{e}: {stderr}"));
    (exit_code(output), error["error"].clone())
}

#[test]
fn user_auth_with_a_password_factor_and_the_refusals() {
    let pool = Served::start("userauth-password", flows_config());
    let password = format!("{PASSWORD}\n");
    for factor in ["PASSWORD", "password_srp"] {
        let extra = ["--preferred-challenge", factor, "--password-stdin"];
        signed_in_as(&ann(&pool, "user-auth", &extra, &password), "ann");
        let wrong = ann(&pool, "user-auth", &extra, "Wrong-Horse-9!\n");
        let (code, error) = failed(&wrong);
        assert_eq!(code, Some(3), "{error}");
        assert_eq!(error["code"], "NotAuthorizedException", "{error}");
    }
    // SELECT_CHALLENGE and no terminal: the offered factors named, exit 2.
    let (code, error) = failed(&ann(&pool, "user-auth", &[], ""));
    let message = error["message"].to_string();
    assert_eq!(code, Some(2), "{message}");
    assert!(
        message.contains("PASSWORD, PASSWORD_SRP, EMAIL_OTP") && message.contains("--preferred"),
        "{message}"
    );
    // Passkeys: refused before any request, saying why.
    let extra = ["--preferred-challenge", "WEB_AUTHN"];
    let (code, error) = failed(&ann(&pool, "user-auth", &extra, ""));
    let message = error["message"].to_string();
    assert_eq!(code, Some(2), "{message}");
    assert!(message.contains("platform authenticator"), "{message}");
}

/// Drives `sign-in ARGS` on a pseudo-terminal ([`pty::drive`]): the exit status and
/// everything shown.
fn at_terminal(pool: &Served, args: &[&str], steps: &[(&str, &str)]) -> (i64, String) {
    let mut all = vec!["--endpoint", &pool.endpoint, "--pool-id", &pool.pool_id];
    all.extend(["--client-id", &pool.client_id, "sign-in"]);
    all.extend_from_slice(args);
    let (code, _, shown) = pty::drive(&bin(), &all, steps);
    (code, shown)
}

#[cfg(unix)]
#[test]
fn user_auth_select_challenge_answered_password_at_a_terminal() {
    let pool = Served::start("userauth-select", flows_config());
    let (code, shown) = at_terminal(
        &pool,
        &["--username", "ann", "--flow", "user-auth"],
        &[
            ("(PASSWORD, PASSWORD_SRP, EMAIL_OTP):", "password\r"),
            ("Password:", &format!("{PASSWORD}\r")),
        ],
    );
    assert_eq!(code, 0, "{shown}");
    assert!(shown.contains("Signed in as ann"), "{shown}");
    // PASSWORD_SRP is offered too: the password is proven, not sent.
    assert!(shown.contains("by PASSWORD_SRP"), "{shown}");
    // The password typed is never shown.
    assert!(!shown.contains(PASSWORD), "{shown}");
}

#[test]
fn custom_auth_answers_two_scripted_challenges() {
    let pool = Served::start("custom", flows_config());
    let extra = ["--code-stdin", "--client-metadata", "app=cli"];
    let out = ann(&pool, "custom", &extra, "4\nParis\n");
    signed_in_as(&out, "ann");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("question: 2 + 2?"), "{stderr}");
    assert!(stderr.contains("question: Capital of France?"), "{stderr}");
    // Service text is shown with its control characters escaped.
    assert!(stderr.contains("hint: \\u{1b}[2Jcity"), "{stderr}");

    // SRP first: the password line, then the answers.
    let extra = ["--password-stdin", "--code-stdin"];
    let stdin = format!("{PASSWORD}\n4\nParis\n");
    signed_in_as(&ann(&pool, "custom-srp", &extra, &stdin), "ann");
    // A malformed --client-metadata is a usage error.
    let out = ann(&pool, "custom", &["--client-metadata", "app"], "");
    assert_eq!(exit_code(&out), Some(2));
}

#[test]
fn a_wrong_custom_answer_is_refused() {
    let pool = Served::start("custom-wrong", flows_config());
    // The first wrong answer asks the same challenge again; the second (max_wrong_answers 2)
    // fails the sign-in: NotAuthorizedException, exit 3.
    let out = ann(&pool, "custom", &["--code-stdin"], "5\n5\n");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.matches("question: 2 + 2?").count(), 2, "{stderr}");
    let (code, error) = failed(&out);
    assert_eq!(code, Some(3), "{error}");
    assert_eq!(error["code"], "NotAuthorizedException", "{error}");
}

#[test]
fn email_mfa_set_up_then_asked() {
    let mut config = flows_config();
    config["mfa"] = json!("on");
    config["users"] = json!([{"username": "nora", "password": PASSWORD}]);
    let pool = Served::start("email-mfa-setup", config);
    let password = format!("{PASSWORD}\n");
    // MFA_SETUP offers TOTP and e-mail: --mfa-email picks e-mail, the pool proves the address
    // with a code sent to it, then signs in.
    let mut args = vec!["--username", "nora", "--password-stdin", "--code-stdin"];
    args.extend(["--mfa-email", "nora@example.com"]);
    let output = with_sent_code(&pool, &args, &password, "nora@example.com", None);
    signed_in_as(&output, "nora");
    // From now on EMAIL_OTP follows the password.
    let output = with_sent_code(&pool, &args[..4], &password, "nora", None);
    signed_in_as(&output, "nora");
}

#[test]
fn email_mfa_after_the_password() {
    let pool = Served::start("email-mfa", flows_config());
    let args = ["--username", "eve", "--password-stdin", "--code-stdin"];
    let output = with_sent_code(&pool, &args, &format!("{PASSWORD}\n"), "eve", None);
    signed_in_as(&output, "eve");
}
