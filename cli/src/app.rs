//! What every command shares: the pool configuration, the transport, output and prompts.

use std::fmt;
use std::io::{BufRead, IsTerminal, Write};
use std::sync::Arc;
use std::time::SystemTime;

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
        match error.service() {
            Some(service) => Self(service.to_string()),
            None => Self(error.to_string()),
        }
    }
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

/// The configured client.
pub(crate) struct App {
    pub(crate) config: Arc<PoolConfig>,
    pub(crate) transport: Transport,
    pub(crate) json: bool,
}

impl App {
    pub(crate) fn new(config: PoolConfig, json: bool) -> Self {
        Self {
            config: Arc::new(config),
            transport: Transport::new(),
            json,
        }
    }

    /// Sends a request and returns the reply, whatever its status.
    pub(crate) fn send(&self, request: &Request) -> Result<Reply, Failure> {
        self.transport.send(request)
    }

    /// One typed call: send, then parse the typed output (or the service error).
    pub(crate) fn call<C: Call>(&self, call: &C) -> Result<C::Output, Failure> {
        let reply = self.send(&call.request(&self.config))?;
        Ok(C::parse(reply.response())?)
    }

    /// Prints `value` as JSON in `--json` mode, else `human`.
    pub(crate) fn print(&self, value: &serde_json::Value, human: impl FnOnce() -> String) {
        if self.json {
            println!("{value}");
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

/// Writes a file only its owner can read (tokens, device secrets, TOTP secrets).
pub(crate) fn write_private(path: &std::path::Path, contents: &str) -> Result<(), Failure> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options
        .open(path)
        .map_err(|e| Failure::new(format!("cannot write {}: {e}", path.display())))?;
    file.write_all(contents.as_bytes())?;
    Ok(())
}

/// Reads a file, naming it in the error.
pub(crate) fn read_file(path: &std::path::Path) -> Result<String, Failure> {
    std::fs::read_to_string(path)
        .map_err(|e| Failure::new(format!("cannot read {}: {e}", path.display())))
}
