//! Tokens on disk and on stdout, in the service's own JSON form (`AuthenticationResult`).

use std::path::{Path, PathBuf};

use cognito_auth::{Claims, Refresh, Tokens};

use crate::app::{App, Class, Failure, now};
use crate::files::{load, refuse_symlink, write_private};
use crate::stored::{StoredTokens, TokensFile};

pub(crate) use crate::stored::tokens_json as to_json;

/// Where a command takes its tokens from: `--tokens-file`, or a token given directly.
// No `Debug` on the command line's arguments: they hold secrets (client secret, new
// password, tokens), and what has no `Debug` cannot be logged by accident.
#[derive(Clone, Default, clap::Args)]
pub(crate) struct TokenSource {
    /// A file written by `sign-in --tokens-file`.
    #[arg(long, env = "COGNITO_TOKENS_FILE")]
    pub(crate) tokens_file: Option<PathBuf>,
    /// An access token (instead of --tokens-file). Visible in `ps`: prefer
    /// COGNITO_ACCESS_TOKEN or --tokens-file.
    #[arg(long, env = "COGNITO_ACCESS_TOKEN", hide_env_values = true)]
    pub(crate) access_token: Option<String>,
    /// A refresh token (instead of --tokens-file). Visible in `ps`: prefer
    /// COGNITO_REFRESH_TOKEN or --tokens-file.
    #[arg(long, env = "COGNITO_REFRESH_TOKEN", hide_env_values = true)]
    pub(crate) refresh_token: Option<String>,
}

impl TokenSource {
    fn stored(&self) -> Result<Option<StoredTokens>, Failure> {
        match &self.tokens_file {
            Some(path) => Ok(Some(load::<TokensFile>(path, "tokens")?.result)),
            None => Ok(None),
        }
    }

    /// Fails before any request when the tokens could not be saved back (a symbolic link):
    /// with refresh-token rotation, tokens received and not saved would be lost.
    pub(crate) fn check_writable(&self) -> Result<(), Failure> {
        match &self.tokens_file {
            Some(path) => refuse_symlink(path),
            None => Ok(()),
        }
    }

    pub(crate) fn access_token(&self) -> Result<String, Failure> {
        match &self.access_token {
            Some(token) => Ok(token.clone()),
            None => self.stored()?.map(|s| s.access_token).ok_or_else(|| {
                Failure::usage("no access token: pass --tokens-file or --access-token")
            }),
        }
    }

    /// The access token for an account command. One from a tokens file that has expired (or
    /// expires within a minute) is refreshed first with the file's refresh token, and the new
    /// tokens are saved back.
    pub(crate) fn fresh_access_token(&self, app: &App) -> Result<String, Failure> {
        let (Some(path), None) = (&self.tokens_file, &self.access_token) else {
            return self.access_token();
        };
        let Some(stored) = self.stored()? else {
            return self.access_token();
        };
        let claims = Claims::decode(&stored.access_token).ok();
        let expired = claims
            .as_ref()
            .and_then(|c| c.exp)
            .is_some_and(|exp| exp <= now().as_secs().saturating_add(60));
        let refresh_token = match (&self.refresh_token, stored.refresh_token) {
            (Some(token), _) => Some(token.clone()),
            (None, token) => token,
        };
        let Some(refresh_token) = refresh_token.filter(|_| expired) else {
            return Ok(stored.access_token);
        };
        refuse_symlink(path)?;
        let mut refresh = Refresh::from_refresh_token(app.config.clone(), refresh_token);
        if let Some(username) = claims.as_ref().and_then(|c| c.username.clone()) {
            refresh = refresh.with_internal_username(username);
        }
        if let Some(device_key) = claims.and_then(|c| c.device_key) {
            refresh = refresh.with_device_key(device_key);
        }
        let reply = app.send(&refresh.request()?)?;
        let tokens = refresh
            .handle_response(reply.response(), now())
            .map_err(|e| {
                let failure = Failure::from(e);
                let message = format!(
                    "the access token in {} has expired and refreshing it failed: {failure}",
                    path.display()
                );
                failure.with_message(message)
            })?;
        save(path, &tokens)?;
        eprintln!(
            "The access token had expired: refreshed, and the new tokens saved to {}.",
            path.display()
        );
        Ok(tokens.access_token.expose().to_owned())
    }

    pub(crate) fn refresh_token(&self) -> Result<String, Failure> {
        if let Some(token) = &self.refresh_token {
            return Ok(token.clone());
        }
        match (&self.tokens_file, self.stored()?) {
            (Some(path), Some(stored)) => stored.refresh_token.ok_or_else(|| {
                Failure::of(
                    Class::Usage,
                    "no_refresh_token",
                    format!(
                        "{} holds no refresh token: sign in again (sign-in --tokens-file), or \
                         pass --refresh-token",
                        path.display()
                    ),
                )
            }),
            _ => Err(Failure::usage(
                "no refresh token: pass --tokens-file or --refresh-token",
            )),
        }
    }

    /// The access token's claims, when one is at hand (for the internal user name, device key).
    pub(crate) fn access_claims(&self) -> Option<Claims> {
        self.access_token()
            .ok()
            .and_then(|token| Claims::decode(&token).ok())
    }

    /// Saves refreshed tokens back to the tokens file, when one is used.
    pub(crate) fn save(&self, tokens: &Tokens) -> Result<(), Failure> {
        match &self.tokens_file {
            Some(path) => save(path, tokens),
            None => Ok(()),
        }
    }
}

/// Writes tokens to `path`, readable by the owner only.
pub(crate) fn save(path: &Path, tokens: &Tokens) -> Result<(), Failure> {
    write_private(path, &format!("{:#}\n", to_json(tokens)))
}
