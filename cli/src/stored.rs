//! The formats of the command line's tokens and device files, and how a corrupt one reads.
//! Pure (no I/O, no other module of the command line), so that the fuzz drivers compile this
//! same file (fuzz-drivers/src/cli_files.rs) and check what every command reads.

use std::fmt;
use std::path::Path;

use cognito_auth::{DeviceCredentials, Tokens};
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

/// The largest file the command line reads (tokens, device credentials, a TOTP secret, a
/// pool configuration are a few KiB).
pub(crate) const MAX_FILE_BYTES: u64 = 1 << 20;

/// A file the command line cannot use; the message names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FileError(String);

impl fmt::Display for FileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The bytes read from `path` (at most one past [`MAX_FILE_BYTES`]) as the text of a file
/// the command line reads: not larger than that, and UTF-8.
pub(crate) fn text(path: &Path, bytes: Vec<u8>) -> Result<String, FileError> {
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(FileError(format!(
            "{}: larger than {} KiB; not a file this command reads",
            path.display(),
            MAX_FILE_BYTES / 1024
        )));
    }
    String::from_utf8(bytes).map_err(|_| FileError(format!("{}: not UTF-8 text", path.display())))
}

/// One of the command line's JSON files; `kind` names it in the error ("tokens", "device"):
/// `<path>: not a cognito-auth tokens file: <why>`.
pub(crate) fn parse<T: DeserializeOwned>(
    path: &Path,
    kind: &str,
    text: &str,
) -> Result<T, FileError> {
    serde_json::from_str(text).map_err(|e| {
        FileError(format!(
            "{}: not a cognito-auth {kind} file: {e}",
            path.display()
        ))
    })
}

/// A tokens file, `{"AuthenticationResult": {"AccessToken": ..., ...}}` (what `sign-in
/// --tokens-file` writes, [`tokens_json`]); only the tokens a command sends are read.
#[derive(serde::Deserialize)]
pub(crate) struct TokensFile {
    #[serde(rename = "AuthenticationResult")]
    pub(crate) result: StoredTokens,
}

/// The tokens a command takes from a tokens file.
#[derive(Clone, PartialEq, Eq, serde::Deserialize)]
pub(crate) struct StoredTokens {
    #[serde(rename = "AccessToken")]
    pub(crate) access_token: String,
    #[serde(rename = "RefreshToken")]
    pub(crate) refresh_token: Option<String>,
}

impl fmt::Debug for StoredTokens {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StoredTokens")
            .field("access_token", &"<redacted>")
            .field(
                "refresh_token",
                &self.refresh_token.as_ref().map(|_| "<redacted>"),
            )
            .finish()
    }
}

/// Tokens in the service's own JSON form, `{"AuthenticationResult": {...}}` with the members
/// as Cognito names them: what `--tokens-file` holds and `--print-tokens` shows.
pub(crate) fn tokens_json(tokens: &Tokens) -> Value {
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

/// A device file: the credentials, and the user name they were saved for (files written
/// before it was stored have none; the credentials' `user_sub` binds them either way).
#[derive(Debug, serde::Deserialize)]
pub(crate) struct DeviceFile {
    #[serde(flatten)]
    pub(crate) credentials: DeviceCredentials,
    #[serde(default)]
    pub(crate) username: Option<String>,
}

/// The contents of a device file: the credentials and the user name typed at the sign-in.
pub(crate) fn device_json(
    credentials: &DeviceCredentials,
    username: &str,
) -> Result<String, serde_json::Error> {
    let mut value = serde_json::to_value(credentials)?;
    if let Some(object) = value.as_object_mut() {
        object.insert("username".into(), Value::from(username));
    }
    serde_json::to_string_pretty(&value)
}
