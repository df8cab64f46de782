//! What every command shares: the pool configuration, the transport, output and prompts.

use std::cell::Cell;
use std::fmt;
use std::io::{BufRead, IsTerminal, Read, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant, SystemTime};

use cognito_auth::account::Call;
use cognito_auth::{ErrorKind, PoolConfig, Request, SecretString, ServiceError, UnixTime};
use zeroize::Zeroizing;

use crate::transport::{Reply, Transport};

/// What kind of failure a command had: the exit status scripts dispatch on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Class {
    /// 1: anything else.
    Other,
    /// 2: the command line itself (a missing or contradictory option, an empty password,
    /// a device file of another user).
    Usage,
    /// 3: the service refused (wrong credentials, a code, a policy, throttling).
    Refused,
    /// 4: the service could not be reached or did not answer in time.
    Network,
    /// 5: the reply broke the protocol (not JSON, a redirect, a hostile SRP value).
    Protocol,
    /// 6: a local file could not be read or written, or is not what it should be.
    File,
}

impl Class {
    /// The process exit status.
    pub(crate) fn exit_code(self) -> u8 {
        match self {
            Class::Other => 1,
            Class::Usage => 2,
            Class::Refused => 3,
            Class::Network => 4,
            Class::Protocol => 5,
            Class::File => 6,
        }
    }

    /// The name in `--json` errors.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Class::Other => "other",
            Class::Usage => "usage",
            Class::Refused => "refused",
            Class::Network => "network",
            Class::Protocol => "protocol",
            Class::File => "file",
        }
    }
}

/// The exit statuses, for `--help`.
pub(crate) const EXIT_CODES_HELP: &str = "\
Exit status:
  0  success
  1  any other failure
  2  usage: a missing, empty or contradictory option or input; a device file of another user
  3  refused by the service: wrong credentials or code, a password policy, throttling
  4  network: the service could not be reached or did not answer in time (--timeout)
  5  protocol: the reply was not Cognito's (not JSON, a redirect, a hostile value)
  6  local file: cannot read or write a tokens, device, secret or configuration file
With --json, a failure is one JSON object on stderr:
  {\"error\": {\"class\", \"code\" (the service's, or null), \"kind\", \"retryable\", \"message\"}}

Secrets: arguments show in `ps`. Prefer standard input (--password-stdin,
--new-password-stdin, --code-stdin), files (--client-secret-file, --tokens-file) or the
environment (COGNITO_CLIENT_SECRET, COGNITO_NEW_PASSWORD, COGNITO_ACCESS_TOKEN,
COGNITO_REFRESH_TOKEN) over --client-secret, --new-password, --access-token, --refresh-token.";

/// A failure the command line reports as one line on stderr (one JSON object with `--json`).
#[derive(Debug)]
pub(crate) struct Failure {
    message: String,
    class: Class,
    kind: &'static str,
    code: Option<String>,
    retryable: bool,
}

impl Failure {
    /// A failure of class "other".
    pub(crate) fn new(message: impl Into<String>) -> Self {
        Self::of(Class::Other, "other", message)
    }

    /// A failure of `class`, with a finer `kind` for `--json`.
    pub(crate) fn of(class: Class, kind: &'static str, message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            class,
            kind,
            code: None,
            retryable: false,
        }
    }

    /// A usage error (exit 2).
    pub(crate) fn usage(message: impl Into<String>) -> Self {
        Self::of(Class::Usage, "usage", message)
    }

    /// A local file error (exit 6).
    pub(crate) fn file(message: impl Into<String>) -> Self {
        Self::of(Class::File, "file", message)
    }

    /// Standard output was closed (`| head -1`): exit quietly.
    pub(crate) fn stdout_closed() -> Self {
        Self::of(Class::Other, "stdout_closed", "standard output was closed")
    }

    pub(crate) fn class(&self) -> Class {
        self.class
    }

    pub(crate) fn kind(&self) -> &'static str {
        self.kind
    }

    /// The service's error code, when the service refused.
    pub(crate) fn code(&self) -> Option<&str> {
        self.code.as_deref()
    }

    /// The same failure with another message (the class and code are kept).
    pub(crate) fn with_message(mut self, message: impl Into<String>) -> Self {
        self.message = message.into();
        self
    }

    /// The same failure with the server's error code (an OAuth error) and whether a retry
    /// may succeed.
    pub(crate) fn with_code(mut self, code: &str, retryable: bool) -> Self {
        self.code = Some(shown(code));
        self.retryable = retryable;
        self
    }

    /// The same failure with another kind.
    pub(crate) fn with_kind(mut self, kind: &'static str) -> Self {
        self.kind = kind;
        self
    }

    /// The `--json` form: `{"error": {...}}`.
    pub(crate) fn to_json(&self, limit: usize) -> serde_json::Value {
        serde_json::json!({"error": {
            "class": self.class.name(),
            "code": self.code,
            "kind": self.kind,
            "retryable": self.retryable,
            "message": shown_up_to(&self.message, limit),
        }})
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// Set when the pool configuration has a client secret (for the advice on SECRET_HASH errors).
static CLIENT_SECRET_GIVEN: AtomicBool = AtomicBool::new(false);

pub(crate) fn set_client_secret_given(given: bool) {
    CLIENT_SECRET_GIVEN.store(given, Ordering::Relaxed);
}

/// A service error as the command line says it: the service's code and message (shown), and
/// advice in terms of this command line's options, never the library's API.
pub(crate) fn service_text(service: &ServiceError) -> String {
    let mut text = match service.kind().code() {
        "" => format!("HTTP {} without an error code", service.status()),
        code => shown(code),
    };
    if !service.message().is_empty() {
        text.push_str(": ");
        text.push_str(&shown(service.message()));
    }
    if let Some(hint) = hint(service) {
        text.push_str(&format!(" ({hint})"));
    }
    text
}

fn hint(service: &ServiceError) -> Option<&'static str> {
    let message = service.message().to_ascii_lowercase();
    Some(match service.kind() {
        ErrorKind::NotAuthorized
            if message.contains("secret hash") || message.contains("secret was not received") =>
        {
            match CLIENT_SECRET_GIVEN.load(Ordering::Relaxed) {
                true => {
                    "the client secret given does not match this app client: check \
                     --client-secret-file, COGNITO_CLIENT_SECRET or --client-secret"
                }
                false => {
                    "the app client has a secret: pass it with --client-secret-file FILE or \
                     COGNITO_CLIENT_SECRET"
                }
            }
        }
        ErrorKind::NotAuthorized if message.contains("session") => {
            "the sign-in session expired or was already used: sign in again"
        }
        ErrorKind::NotAuthorized if message.contains("attempts exceeded") => {
            "too many failed attempts: the user is locked out for a while"
        }
        ErrorKind::NotAuthorized if message.contains("refresh token") => {
            "the refresh token is no longer valid: sign in again"
        }
        ErrorKind::UserNotConfirmed => "confirm the sign-up with confirm-sign-up",
        ErrorKind::PasswordResetRequired => "reset the password with forgot-password",
        ErrorKind::InvalidParameter if message.contains("flow") => {
            "enable this auth flow on the app client (ExplicitAuthFlows), or choose another \
             with --flow"
        }
        ErrorKind::TooManyRequests => "throttled: retry later",
        ErrorKind::CodeMismatch => "the code is wrong",
        ErrorKind::ExpiredCode => "the code expired: request a new one",
        _ => return None,
    })
}

impl From<cognito_auth::Error> for Failure {
    fn from(error: cognito_auth::Error) -> Self {
        use cognito_auth::Error as E;
        // A service error reads best as the service names it: "NotAuthorizedException: ...".
        // Either way the text is (or quotes) the service's: shown, not printed raw.
        if let Some(service) = error.service() {
            let code = match service.kind().code() {
                "" => None,
                code => Some(shown(code)),
            };
            return Self {
                message: service_text(service),
                class: Class::Refused,
                kind: "service",
                code,
                retryable: service.is_retryable(),
            };
        }
        let (class, kind) = match &error {
            E::InvalidResponse(_) => (Class::Protocol, "invalid_response"),
            E::PeerMisbehaved(_) => (Class::Protocol, "protocol"),
            E::Srp(_) => (Class::Protocol, "srp"),
            E::InvalidInput(_) => (Class::Usage, "input"),
            _ => (Class::Other, "internal"),
        };
        Self::of(class, kind, shown(&error.to_string()))
    }
}

/// How many characters of one piece of service-provided text are shown.
pub(crate) const SHOWN_CHARS: usize = 500;

/// Service-provided text (an error message, a challenge name or parameter, a user name, an
/// attribute value) made safe for a terminal: control and invisible formatting characters
/// are shown as escapes (`\u{1b}`), and at most [`SHOWN_CHARS`] characters are kept, the rest
/// counted ("… (N more bytes)"). Everything the service says goes through this before it is
/// printed.
pub(crate) fn shown(text: &str) -> String {
    shown_up_to(text, SHOWN_CHARS)
}

/// [`shown`] with another limit (the last guard on a whole error line).
pub(crate) fn shown_up_to(text: &str, limit: usize) -> String {
    let mut out = String::with_capacity(text.len().min(limit * 2));
    for (count, (at, c)) in text.char_indices().enumerate() {
        if count == limit {
            out.push_str(&format!("… ({} more bytes)", text.len() - at));
            break;
        }
        if needs_escape(c) {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    out
}

/// Characters that move the cursor, repaint, ring, or hide or reorder text on a terminal.
fn needs_escape(c: char) -> bool {
    c.is_control()
        || matches!(c,
            '\u{200b}'..='\u{200f}'   // zero-width, left-to-right and right-to-left marks
            | '\u{2028}'..='\u{202e}' // line and paragraph separators, bidirectional embeddings
            | '\u{2060}'..='\u{206f}' // word joiner, bidirectional isolates, invisible operators
            | '\u{feff}')
}

/// A JSON value as one line for stdout: serde_json escapes C0 controls in strings but writes
/// DEL and the C1 controls (U+0080..U+009F, CSI among them) as they are; escape those too.
pub(crate) fn json_line(value: &serde_json::Value) -> String {
    let text = value.to_string();
    if !text.chars().any(char::is_control) {
        return text;
    }
    String::clone(&secret_json_line(&text))
}

/// [`json_line`] for compact JSON text that holds secrets (tokens): the line is built in
/// room reserved for it up front (growing would leave copies behind) and wiped when dropped.
pub(crate) fn secret_json_line(text: &str) -> Zeroizing<String> {
    use std::fmt::Write as _;
    // Every control character is at most U+009F: six bytes as `\u00XX`.
    let length = text
        .chars()
        .map(|c| if c.is_control() { 6 } else { c.len_utf8() })
        .sum();
    let mut line = Zeroizing::new(String::with_capacity(length));
    for c in text.chars() {
        match c.is_control() {
            true => {
                let _ = write!(line, "\\u{:04x}", u32::from(c));
            }
            false => line.push(c),
        }
    }
    line
}

impl From<cognito_auth::ConfigError> for Failure {
    fn from(error: cognito_auth::ConfigError) -> Self {
        Self::usage(error.to_string())
    }
}

impl From<std::io::Error> for Failure {
    fn from(error: std::io::Error) -> Self {
        Self::new(error.to_string())
    }
}

impl From<serde_json::Error> for Failure {
    fn from(error: serde_json::Error) -> Self {
        Self::new(format!("invalid JSON: {error}"))
    }
}

/// The default of `--timeout`: how long one command may spend on the service, in seconds.
pub(crate) const DEFAULT_TIMEOUT_SECS: u64 = 120;

/// The configured client.
pub(crate) struct App {
    pub(crate) config: Arc<PoolConfig>,
    pub(crate) transport: Transport,
    pub(crate) json: bool,
    /// The whole command's time limit (`--timeout`).
    timeout: Duration,
    /// When the time runs out: set by the first request, pushed back by the time spent at a
    /// prompt (a person reading a code off a phone is not the service being slow).
    deadline: Cell<Option<Instant>>,
}

impl App {
    pub(crate) fn new(config: PoolConfig, json: bool, timeout: Duration) -> Self {
        Self {
            config: Arc::new(config),
            transport: Transport::new(),
            json,
            timeout,
            deadline: Cell::new(None),
        }
    }

    /// The time left before the deadline (which starts with the first request).
    pub(crate) fn remaining(&self) -> Duration {
        let deadline = match self.deadline.get() {
            Some(deadline) => deadline,
            None => {
                let deadline = Instant::now() + self.timeout;
                self.deadline.set(Some(deadline));
                deadline
            }
        };
        deadline.saturating_duration_since(Instant::now())
    }

    /// The failure when the deadline has passed.
    pub(crate) fn out_of_time(&self) -> Failure {
        Failure::of(
            Class::Network,
            "timeout",
            format!(
                "gave up: the command's time limit of {} s ran out (--timeout)",
                self.timeout.as_secs()
            ),
        )
    }

    /// Runs `wait` (a prompt) without counting its time against the deadline.
    pub(crate) fn paused<T>(&self, wait: impl FnOnce() -> T) -> T {
        let started = Instant::now();
        let result = wait();
        if let Some(deadline) = self.deadline.get() {
            self.deadline.set(Some(deadline + started.elapsed()));
        }
        result
    }

    /// Sends a request and returns the reply, whatever its status, within the deadline.
    pub(crate) fn send(&self, request: &Request) -> Result<Reply, Failure> {
        let remaining = self.remaining();
        if remaining.is_zero() {
            return Err(self.out_of_time());
        }
        self.transport.send(request, remaining).map_err(|failure| {
            match self.remaining().is_zero() {
                true => self.out_of_time(),
                false => failure,
            }
        })
    }

    /// One typed call: send, then parse the typed output (or the service error).
    pub(crate) fn call<C: Call>(&self, call: &C) -> Result<C::Output, Failure> {
        let reply = self.send(&call.request(&self.config))?;
        Ok(C::parse(reply.response())?)
    }

    /// Prints `value` as JSON in `--json` mode, else `human`.
    pub(crate) fn print(
        &self,
        value: &serde_json::Value,
        human: impl FnOnce() -> String,
    ) -> Result<(), Failure> {
        match self.json {
            true => out(&json_line(value)),
            false => out(&human()),
        }
    }
}

/// The current time, read here: the library never reads a clock.
pub(crate) fn now() -> UnixTime {
    UnixTime::from_system_time(SystemTime::now())
}

/// Writes a line to standard output. When the reader went away (`| head -1`), the command
/// stops quietly ([`Failure::stdout_closed`]) instead of panicking.
pub(crate) fn out(line: &str) -> Result<(), Failure> {
    let mut stdout = std::io::stdout().lock();
    match writeln!(stdout, "{line}").and_then(|()| stdout.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Err(Failure::stdout_closed()),
        Err(e) => Err(Failure::new(format!(
            "cannot write to standard output: {e}"
        ))),
    }
}

/// The longest line read for a secret (a password, a code, a client secret): Cognito
/// passwords are at most 256 characters.
pub(crate) const MAX_SECRET_LINE: usize = 4096;

/// Reads one line of at most [`MAX_SECRET_LINE`] bytes from `reader`; `None` at the end of
/// input. A longer line is refused after reading just past the limit (never read whole).
/// The line is a secret (a password, a code): read into room reserved for all of it (a buffer
/// that grew would leave copies behind) and wiped however this ends.
pub(crate) fn bounded_line(
    reader: &mut impl BufRead,
    what: &str,
) -> Result<Option<SecretString>, Failure> {
    let mut bytes = Zeroizing::new(Vec::with_capacity(MAX_SECRET_LINE + 1));
    reader
        .take(MAX_SECRET_LINE as u64 + 1)
        .read_until(b'\n', &mut bytes)
        .map_err(|e| Failure::new(format!("cannot read {what}: {e}")))?;
    if bytes.is_empty() {
        return Ok(None);
    }
    if bytes.last() == Some(&b'\n') {
        bytes.pop();
    } else if bytes.len() > MAX_SECRET_LINE {
        return Err(Failure::usage(format!(
            "{what}: the line is longer than {MAX_SECRET_LINE} bytes; refusing to read more"
        )));
    }
    if bytes.last() == Some(&b'\r') {
        bytes.pop();
    }
    match String::from_utf8(std::mem::take(&mut *bytes)) {
        Ok(line) => Ok(Some(SecretString::from(line))),
        Err(e) => {
            drop(Zeroizing::new(e.into_bytes()));
            Err(Failure::usage(format!("{what}: not UTF-8 text")))
        }
    }
}

/// Reads the next line of standard input (a password, a new password, a code), bounded.
pub(crate) fn stdin_line(what: &str, flag: &str) -> Result<SecretString, Failure> {
    bounded_line(&mut std::io::stdin().lock(), what)?.ok_or_else(|| {
        Failure::of(
            Class::Usage,
            "input_needed",
            format!("{what} expected on standard input ({flag}), which has no more lines"),
        )
    })
}

/// Reads `count` lines from standard input (passwords given with `--password-stdin`), none
/// empty.
pub(crate) fn stdin_lines(count: usize) -> Result<Vec<SecretString>, Failure> {
    let mut lines = Vec::with_capacity(count);
    for n in 1..=count {
        let what = match count {
            1 => "the password".to_owned(),
            _ => format!("password line {n}"),
        };
        lines.push(non_empty_secret(
            stdin_line(&what, "--password-stdin")?,
            &what,
        )?);
    }
    Ok(lines)
}

/// Refuses an empty secret before any request.
pub(crate) fn non_empty_secret(secret: SecretString, what: &str) -> Result<SecretString, Failure> {
    match secret.is_empty() {
        true => Err(Failure::usage(format!("{what} is empty"))),
        false => Ok(secret),
    }
}

/// A clap value parser: refuses empty (or blank) values such as an empty user name.
pub(crate) fn non_empty(text: &str) -> Result<String, String> {
    match text.trim().is_empty() {
        true => Err("must not be empty".into()),
        false => Ok(text.to_owned()),
    }
}

/// Whether standard input is a terminal a person can answer on.
pub(crate) fn at_terminal() -> bool {
    std::io::stdin().is_terminal()
}

/// A hidden prompt on the terminal; fails when there is none (scripts use --password-stdin).
/// Echo is restored however the prompt ends: a line, an error, or Ctrl-C.
pub(crate) fn prompt_secret(label: &str) -> Result<SecretString, Failure> {
    if !at_terminal() {
        return Err(Failure::of(
            Class::Usage,
            "input_needed",
            format!("{label} needed and no terminal to ask on (use --password-stdin)"),
        ));
    }
    let secret = crate::terminal::read_hidden(&format!("{label}: "))?;
    non_empty_secret(secret, label)
}

/// A visible prompt on the terminal; `flags` names the options that give the answer without one.
pub(crate) fn prompt(label: &str) -> Result<String, Failure> {
    prompt_or(label, "")
}

/// [`prompt`], naming in the failure the options that would give the answer.
pub(crate) fn prompt_or(label: &str, instead: &str) -> Result<String, Failure> {
    if !at_terminal() {
        return Err(Failure::of(
            Class::Usage,
            "input_needed",
            format!("{label} needed and no terminal to ask on{instead}"),
        ));
    }
    eprint!("{label}: ");
    std::io::stderr().flush()?;
    let line = bounded_line(&mut std::io::stdin().lock(), label)?
        .ok_or_else(|| Failure::usage(format!("{label}: no answer (end of input)")))?;
    Ok(line.expose().trim().to_owned())
}

/// A QR code drawn with Unicode half blocks, for an otpauth URI.
pub(crate) fn qr_code(data: &str) -> String {
    match qrcode::QrCode::new(data.as_bytes()) {
        Ok(code) => code
            .render::<qrcode::render::unicode::Dense1x2>()
            .dark_color(qrcode::render::unicode::Dense1x2::Light)
            .light_color(qrcode::render::unicode::Dense1x2::Dark)
            .build(),
        Err(_) => String::from("(the URI is too long for a QR code)"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shown_escapes_controls_and_invisible_formatting() {
        assert_eq!(shown("plain text, é ü 日本"), "plain text, é ü 日本");
        assert_eq!(shown("\u{1b}[2Jx\u{7}"), "\\u{1b}[2Jx\\u{7}");
        assert_eq!(shown("a\nb\r\t"), "a\\u{a}b\\u{d}\\u{9}");
        assert_eq!(shown("\u{9b}31m"), "\\u{9b}31m");
        assert_eq!(shown("\u{202e}gnp.exe"), "\\u{202e}gnp.exe");
    }

    #[test]
    fn shown_keeps_the_first_characters_and_counts_the_rest() {
        let long = "é".repeat(SHOWN_CHARS + 10);
        let text = shown(&long);
        assert!(text.starts_with(&"é".repeat(SHOWN_CHARS)));
        assert!(text.ends_with("… (20 more bytes)"), "{text}");
        assert_eq!(shown(&"x".repeat(SHOWN_CHARS)), "x".repeat(SHOWN_CHARS));
        assert_eq!(shown_up_to("abcdef", 3), "abc… (3 more bytes)");
    }

    #[test]
    fn a_secret_line_is_read_to_its_end_and_bounded() {
        let mut input: &[u8] = b"pass word\r\nnext\n";
        let line = bounded_line(&mut input, "the password").ok().flatten();
        assert_eq!(line.as_ref().map(SecretString::expose), Some("pass word"));
        let long = "x".repeat(MAX_SECRET_LINE);
        let mut input = long.as_bytes();
        let line = bounded_line(&mut input, "the password").ok().flatten();
        assert_eq!(line.as_ref().map(SecretString::expose), Some(long.as_str()));
        let mut input = "y".repeat(MAX_SECRET_LINE + 1).into_bytes();
        input.push(b'\n');
        let error = bounded_line(&mut input.as_slice(), "the password").err();
        assert!(error.is_some_and(|e| e.to_string().contains("longer than 4096 bytes")));
        let mut input: &[u8] = b"\xff\n";
        let error = bounded_line(&mut input, "the password").err();
        assert!(error.is_some_and(|e| e.to_string() == "the password: not UTF-8 text"));
    }

    #[test]
    fn json_lines_escape_del_and_c1_controls_and_stay_json() {
        let value = serde_json::json!({"name": "a\u{1b}b\u{7f}c\u{9b}d"});
        let line = json_line(&value);
        assert!(!line.chars().any(char::is_control), "{line}");
        let back: serde_json::Value = serde_json::from_str(&line).unwrap_or_default();
        assert_eq!(back, value);
    }
}
