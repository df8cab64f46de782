//! What every command shares: the pool configuration, the transport, output and prompts.

use std::cell::Cell;
use std::fmt;
use std::io::{BufRead, IsTerminal, Write};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use cognito_auth::account::Call;
use cognito_auth::{PoolConfig, Request, UnixTime};

use crate::transport::{Reply, Transport};

/// A failure the command line reports as one line on stderr.
#[derive(Debug)]
pub(crate) struct Failure(String);

impl Failure {
    pub(crate) fn new(message: impl Into<String>) -> Self {
        Self(message.into())
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<cognito_auth::Error> for Failure {
    fn from(error: cognito_auth::Error) -> Self {
        // A service error reads best as the service names it: "NotAuthorizedException: ...".
        // Either way the text is (or quotes) the service's: shown, not printed raw.
        match error.service() {
            Some(service) => Self(shown(&service.to_string())),
            None => Self(shown(&error.to_string())),
        }
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
    text.chars()
        .map(|c| match c {
            c if c.is_control() => format!("\\u{:04x}", u32::from(c)),
            c => c.to_string(),
        })
        .collect()
}

impl From<cognito_auth::ConfigError> for Failure {
    fn from(error: cognito_auth::ConfigError) -> Self {
        Self(error.to_string())
    }
}

impl From<std::io::Error> for Failure {
    fn from(error: std::io::Error) -> Self {
        Self(error.to_string())
    }
}

impl From<serde_json::Error> for Failure {
    fn from(error: serde_json::Error) -> Self {
        Self(format!("invalid JSON: {error}"))
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
        Failure::new(format!(
            "gave up: the command's time limit of {} s ran out (--timeout)",
            self.timeout.as_secs()
        ))
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
    pub(crate) fn print(&self, value: &serde_json::Value, human: impl FnOnce() -> String) {
        if self.json {
            println!("{}", json_line(value));
        } else {
            println!("{}", human());
        }
    }
}

/// The current time, read here: the library never reads a clock.
pub(crate) fn now() -> UnixTime {
    UnixTime::from_system_time(SystemTime::now())
}

/// Reads `count` lines from standard input (passwords given with `--password-stdin`).
pub(crate) fn stdin_lines(count: usize) -> Result<Vec<String>, Failure> {
    let mut lines = Vec::with_capacity(count);
    for line in std::io::stdin().lock().lines().take(count) {
        lines.push(line?.trim_end_matches('\r').to_owned());
    }
    if lines.len() < count {
        return Err(Failure::new(format!(
            "expected {count} line(s) on standard input"
        )));
    }
    Ok(lines)
}

/// A hidden prompt on the terminal; fails when there is none (scripts use --password-stdin).
pub(crate) fn prompt_secret(label: &str) -> Result<String, Failure> {
    if !std::io::stdin().is_terminal() {
        return Err(Failure::new(format!(
            "{label} needed and no terminal to ask on (use --password-stdin)"
        )));
    }
    rpassword::prompt_password(format!("{label}: ")).map_err(Failure::from)
}

/// A visible prompt on the terminal.
pub(crate) fn prompt(label: &str) -> Result<String, Failure> {
    if !std::io::stdin().is_terminal() {
        return Err(Failure::new(format!(
            "{label} needed and no terminal to ask on"
        )));
    }
    eprint!("{label}: ");
    std::io::stderr().flush()?;
    let mut line = String::new();
    std::io::stdin().read_line(&mut line)?;
    Ok(line.trim().to_owned())
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
    fn json_lines_escape_del_and_c1_controls_and_stay_json() {
        let value = serde_json::json!({"name": "a\u{1b}b\u{7f}c\u{9b}d"});
        let line = json_line(&value);
        assert!(!line.chars().any(char::is_control), "{line}");
        let back: serde_json::Value = serde_json::from_str(&line).unwrap_or_default();
        assert_eq!(back, value);
    }
}
