//! Tokens on disk and on stdout, in the service's own JSON form (`AuthenticationResult`).

use std::path::{Path, PathBuf};

use cognito_auth::{Claims, Refresh, SecretString, Tokens};

use crate::app::{App, Class, Failure, now, out, secret_json_line};
use crate::files::{load, refuse_symlink, write_private};
use crate::stored::{StoredTokens, TokensFile, pretty_json, tokens_json};

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

    pub(crate) fn access_token(&self) -> Result<SecretString, Failure> {
        match &self.access_token {
            Some(token) => Ok(SecretString::from(token.as_str())),
            None => self.stored()?.map(|s| s.access_token).ok_or_else(|| {
                Failure::usage("no access token: pass --tokens-file or --access-token")
            }),
        }
    }

    /// The access token for an account command. One from a tokens file that has expired (or
    /// expires within a minute) is refreshed first with the file's refresh token, and the new
    /// tokens are saved back.
    pub(crate) fn fresh_access_token(&self, app: &App) -> Result<SecretString, Failure> {
        let (Some(path), None) = (&self.tokens_file, &self.access_token) else {
            return self.access_token();
        };
        let Some(stored) = self.stored()? else {
            return self.access_token();
        };
        let claims = Claims::decode(stored.access_token.expose()).ok();
        let expired = claims
            .as_ref()
            .and_then(|c| c.exp)
            .is_some_and(|exp| exp <= now().as_secs().saturating_add(60));
        let refresh_token = match (&self.refresh_token, stored.refresh_token) {
            (Some(token), _) => Some(SecretString::from(token.as_str())),
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
        Ok(tokens.access_token.clone())
    }

    pub(crate) fn refresh_token(&self) -> Result<SecretString, Failure> {
        if let Some(token) = &self.refresh_token {
            return Ok(SecretString::from(token.as_str()));
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
            .and_then(|token| Claims::decode(token.expose()).ok())
    }

    /// Saves refreshed tokens back to the tokens file, when one is used.
    pub(crate) fn save(&self, tokens: &Tokens) -> Result<(), Failure> {
        match &self.tokens_file {
            Some(path) => save(path, tokens),
            None => Ok(()),
        }
    }
}

/// Writes tokens to `path`, readable by the owner only: pretty JSON and a newline.
pub(crate) fn save(path: &Path, tokens: &Tokens) -> Result<(), Failure> {
    let text = pretty_json(&tokens_json(tokens), "\n")?;
    write_private(path, &text)
}

/// Prints tokens received: their JSON on one line with `--json` or `print_tokens`
/// (`--print-tokens`), else `human`.
pub(crate) fn print(
    app: &App,
    tokens: &Tokens,
    print_tokens: bool,
    human: impl FnOnce() -> String,
) -> Result<(), Failure> {
    match print_tokens || app.json {
        true => out(&secret_json_line(
            SecretString::json(&tokens_json(tokens))?.expose(),
        )),
        false => out(&human()),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use serde_json::{Value, json};

    use super::*;
    use crate::app::json_line;

    /// The JSON as it was built before (a `serde_json::Value`, members sorted).
    fn as_value(tokens: &Tokens) -> Value {
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

    #[test]
    fn tokens_print_and_save_byte_for_byte_as_before() {
        let hostile = "a\"b\\c\u{1b}[2J\u{7f}\u{9b}31m\u{85}é\u{202e}";
        let device = json!({"device_key": format!("k{hostile}"), "device_group_key": "g"});
        for (refresh, new_device) in [
            (Value::Null, Value::Null),
            (json!(format!("r{hostile}")), device),
        ] {
            let tokens: Tokens = serde_json::from_value(json!({
                "id_token": format!("i{hostile}"),
                "access_token": format!("a{hostile}"),
                "refresh_token": refresh,
                "token_type": format!("Bearer{hostile}"),
                "expires_in": 3600,
                "expires_at": 1_700_003_600,
                "new_device": new_device,
            }))
            .unwrap();
            let value = as_value(&tokens);
            let compact = SecretString::json(&tokens_json(&tokens)).unwrap();
            assert_eq!(compact.expose(), value.to_string());
            assert_eq!(*secret_json_line(compact.expose()), json_line(&value));
            let file = pretty_json(&tokens_json(&tokens), "\n").unwrap();
            assert_eq!(*file, format!("{value:#}\n"));
            assert_eq!(file.capacity(), file.len());
        }
    }

    #[test]
    fn device_files_byte_for_byte_as_before() {
        let credentials = cognito_auth::DeviceCredentials {
            device_key: "us-east-1_k\u{9b}".into(),
            device_group_key: "g\"".into(),
            device_password: "p\\\u{1}".into(),
            user_sub: "s".into(),
        };
        let mut value = serde_json::to_value(&credentials).unwrap();
        value
            .as_object_mut()
            .unwrap()
            .insert("username".into(), Value::from("alice\u{7f}"));
        let text = crate::stored::device_json(&credentials, "alice\u{7f}").unwrap();
        assert_eq!(text.expose(), serde_json::to_string_pretty(&value).unwrap());
    }
}
