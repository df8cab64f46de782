//! What the two examples share and is not about HTTP: their settings (arguments or
//! environment) and the "user" who answers the MFA challenge with an authenticator app.
//!
//! The HTTP side, the drive loops and the checks are written out in each binary:
//! `src/bin/async_reqwest.rs` (tokio + reqwest) and `src/bin/blocking_ureq.rs` (ureq).

use std::sync::Arc;

use cognito_auth::{Challenge, ChallengeAnswer, PoolConfig, UnixTime, totp};

/// A failure of an example, as text: it is printed and the process exits non-zero.
pub type Failure = Box<dyn std::error::Error>;

/// Where and as whom to sign in.
#[derive(Debug, Clone)]
pub struct Settings {
    /// `--endpoint` / `COGNITO_ENDPOINT`: the pool's URL (`cognito-auth serve` prints it).
    pub endpoint: String,
    /// `--pool-id` / `COGNITO_POOL_ID`.
    pub pool_id: String,
    /// `--client-id` / `COGNITO_CLIENT_ID`.
    pub client_id: String,
    /// `--client-secret` / `COGNITO_CLIENT_SECRET`, for app clients with a secret.
    pub client_secret: Option<String>,
    /// `--username` / `COGNITO_USERNAME`.
    pub username: String,
    /// `--password` / `COGNITO_PASSWORD`.
    pub password: String,
    /// `--totp-secret` / `COGNITO_TOTP_SECRET`: the user's authenticator-app secret (base32).
    pub totp_secret: String,
    /// `--wrong-code-first`: answer the first MFA challenge with a wrong code, to show the
    /// retry.
    pub wrong_code_first: bool,
}

const USAGE: &str = "options (or environment variables): --endpoint URL (COGNITO_ENDPOINT) \
    --pool-id ID (COGNITO_POOL_ID) --client-id ID (COGNITO_CLIENT_ID) [--client-secret S \
    (COGNITO_CLIENT_SECRET)] --username NAME (COGNITO_USERNAME) --password P (COGNITO_PASSWORD) \
    --totp-secret BASE32 (COGNITO_TOTP_SECRET) [--wrong-code-first]";

impl Settings {
    /// Reads the command line, then the environment for what it does not give.
    ///
    /// # Errors
    /// An unknown option, or a setting given nowhere.
    pub fn from_args_and_env() -> Result<Self, Failure> {
        let mut given = std::collections::BTreeMap::new();
        let mut wrong_code_first = false;
        let mut args = std::env::args().skip(1);
        while let Some(arg) = args.next() {
            match arg.as_str() {
                "--wrong-code-first" => wrong_code_first = true,
                "--endpoint" | "--pool-id" | "--client-id" | "--client-secret" | "--username"
                | "--password" | "--totp-secret" => {
                    let value = args.next().ok_or_else(|| format!("{arg} needs a value"))?;
                    given.insert(arg, value);
                }
                "-h" | "--help" => return Err(USAGE.into()),
                other => return Err(format!("unknown argument {other:?}; {USAGE}").into()),
            }
        }
        let mut setting = |option: &str, variable: &str| {
            given
                .remove(option)
                .or_else(|| std::env::var(variable).ok())
                .filter(|v| !v.is_empty())
        };
        let mut required = |option: &str, variable: &str| {
            setting(option, variable)
                .ok_or_else(|| format!("{option} (or {variable}) is required; {USAGE}"))
        };
        Ok(Self {
            endpoint: required("--endpoint", "COGNITO_ENDPOINT")?,
            pool_id: required("--pool-id", "COGNITO_POOL_ID")?,
            client_id: required("--client-id", "COGNITO_CLIENT_ID")?,
            username: required("--username", "COGNITO_USERNAME")?,
            password: required("--password", "COGNITO_PASSWORD")?,
            totp_secret: required("--totp-secret", "COGNITO_TOTP_SECRET")?,
            client_secret: setting("--client-secret", "COGNITO_CLIENT_SECRET"),
            wrong_code_first,
        })
    }

    /// The pool configuration: the operating system's random source, this endpoint.
    ///
    /// # Errors
    /// A pool id that is not `<region>_<id>`.
    pub fn config(&self) -> Result<Arc<PoolConfig>, Failure> {
        let mut config =
            PoolConfig::new(&self.pool_id, &self.client_id)?.with_endpoint(&self.endpoint);
        if let Some(secret) = &self.client_secret {
            config = config.with_client_secret(secret.as_str());
        }
        Ok(Arc::new(config))
    }
}

/// The user at the keyboard, with an authenticator app: answers SOFTWARE_TOKEN_MFA with the
/// current TOTP code (the first time a wrong one, when asked to).
#[derive(Debug)]
pub struct User {
    totp_secret: String,
    wrong_codes_left: u32,
    /// The challenges asked, by `ChallengeName`.
    pub asked: Vec<String>,
}

impl User {
    /// The user of these settings.
    pub fn new(settings: &Settings) -> Self {
        Self {
            totp_secret: settings.totp_secret.clone(),
            wrong_codes_left: u32::from(settings.wrong_code_first),
            asked: Vec::new(),
        }
    }

    /// The answer to `challenge` at `now`.
    ///
    /// # Errors
    /// A challenge an authenticator app cannot answer.
    pub fn answer(
        &mut self,
        challenge: &Challenge,
        now: UnixTime,
    ) -> Result<ChallengeAnswer, Failure> {
        self.asked.push(challenge.name().to_owned());
        match challenge {
            Challenge::SoftwareTokenMfa => {
                let mut code = totp::code(&self.totp_secret, now)?;
                if self.wrong_codes_left > 0 {
                    self.wrong_codes_left -= 1;
                    // Another digit at the end: surely wrong, whatever the time.
                    let last = code.pop().and_then(|c| c.to_digit(10)).unwrap_or(0);
                    code.push(char::from(b'0' + u8::try_from((last + 1) % 10)?));
                }
                Ok(ChallengeAnswer::code(code))
            }
            other => Err(format!(
                "the pool asks {}; this example answers SOFTWARE_TOKEN_MFA only",
                other.name()
            )
            .into()),
        }
    }
}

/// Fails with `message` unless `condition` holds.
///
/// # Errors
/// `message`, when `condition` is false.
pub fn check(condition: bool, message: impl Into<String>) -> Result<(), Failure> {
    if condition {
        Ok(())
    } else {
        Err(message.into().into())
    }
}
