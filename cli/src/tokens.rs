//! Tokens on disk and on stdout, in the service's own JSON form (`AuthenticationResult`).

use std::path::{Path, PathBuf};

use cognito_auth::{Claims, Tokens};
use serde_json::{Value, json};

use crate::app::Failure;
use crate::files::{load, refuse_symlink, write_private};

/// `{"AuthenticationResult": {...}}` with the members as Cognito names them.
pub(crate) fn to_json(tokens: &Tokens) -> Value {
    let mut result = json!({
        "AccessToken": tokens.access_token.expose(),
        "IdToken": tokens.id_token.expose(),
        "ExpiresIn": tokens.expires_in,
        "TokenType": tokens.token_type,
    });
    if let Some(refresh) = &tokens.refresh_token {
        result["RefreshToken"] = json!(refresh.expose());
    }
    if let Some(device) = &tokens.new_device {
        result["NewDeviceMetadata"] =
            json!({"DeviceKey": device.device_key, "DeviceGroupKey": device.device_group_key});
    }
    json!({ "AuthenticationResult": result })
}

/// Where a command takes its tokens from: `--tokens-file`, or a token given directly.
#[derive(Debug, Clone, Default, clap::Args)]
pub(crate) struct TokenSource {
    /// A file written by `sign-in --tokens-file`.
    #[arg(long, env = "COGNITO_TOKENS_FILE")]
    pub(crate) tokens_file: Option<PathBuf>,
    /// An access token (instead of --tokens-file).
    #[arg(long, env = "COGNITO_ACCESS_TOKEN", hide_env_values = true)]
    pub(crate) access_token: Option<String>,
    /// A refresh token (instead of --tokens-file).
    #[arg(long, env = "COGNITO_REFRESH_TOKEN", hide_env_values = true)]
    pub(crate) refresh_token: Option<String>,
}

/// What a tokens file must hold: `{"AuthenticationResult": {"AccessToken": ..., ...}}`.
#[derive(serde::Deserialize)]
struct Stored {
    #[serde(rename = "AuthenticationResult")]
    result: StoredResult,
}

#[derive(serde::Deserialize)]
struct StoredResult {
    #[serde(rename = "AccessToken")]
    access_token: String,
    #[serde(rename = "RefreshToken")]
    refresh_token: Option<String>,
}

impl TokenSource {
    fn stored(&self) -> Result<Option<StoredResult>, Failure> {
        match &self.tokens_file {
            Some(path) => Ok(Some(load::<Stored>(path, "tokens")?.result)),
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
                Failure::new("no access token: pass --tokens-file or --access-token")
            }),
        }
    }

    pub(crate) fn refresh_token(&self) -> Result<String, Failure> {
        match &self.refresh_token {
            Some(token) => Ok(token.clone()),
            None => self.stored()?.and_then(|s| s.refresh_token).ok_or_else(|| {
                Failure::new("no refresh token: pass --tokens-file or --refresh-token")
            }),
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
