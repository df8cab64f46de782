//! Tokens on disk and on stdout, in the service's own JSON form (`AuthenticationResult`).

use std::path::{Path, PathBuf};

use cognito_auth::{Claims, Tokens};
use serde_json::{Value, json};

use crate::app::{Failure, read_file, write_private};

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

impl TokenSource {
    fn stored(&self, member: &str) -> Result<Option<String>, Failure> {
        let Some(path) = &self.tokens_file else {
            return Ok(None);
        };
        let value: Value = serde_json::from_str(&read_file(path)?)?;
        Ok(value["AuthenticationResult"][member]
            .as_str()
            .map(str::to_owned))
    }

    pub(crate) fn access_token(&self) -> Result<String, Failure> {
        match &self.access_token {
            Some(token) => Ok(token.clone()),
            None => self.stored("AccessToken")?.ok_or_else(|| {
                Failure::new("no access token: pass --tokens-file or --access-token")
            }),
        }
    }

    pub(crate) fn refresh_token(&self) -> Result<String, Failure> {
        match &self.refresh_token {
            Some(token) => Ok(token.clone()),
            None => self.stored("RefreshToken")?.ok_or_else(|| {
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
