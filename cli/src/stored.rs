//! The formats of the command line's tokens and device files, and how a corrupt one reads.
//! Pure (no I/O, no other module of the command line), so that the fuzz drivers compile this
//! same file (fuzz-drivers/src/cli_files.rs) and check what every command reads.

use std::fmt;
use std::path::Path;

use cognito_auth::{DeviceCredentials, SecretString, Tokens};
use serde::Serialize;
use serde::de::DeserializeOwned;
use zeroize::Zeroizing;

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
/// the command line reads: not larger than that, and UTF-8. The bytes are wiped when the
/// file is refused, the text when it is dropped (the files hold secrets).
pub(crate) fn text(path: &Path, bytes: Vec<u8>) -> Result<Zeroizing<String>, FileError> {
    let mut bytes = Zeroizing::new(bytes);
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(FileError(format!(
            "{}: larger than {} KiB; not a file this command reads",
            path.display(),
            MAX_FILE_BYTES / 1024
        )));
    }
    match String::from_utf8(std::mem::take(&mut *bytes)) {
        Ok(text) => Ok(Zeroizing::new(text)),
        Err(e) => {
            drop(Zeroizing::new(e.into_bytes()));
            Err(FileError(format!("{}: not UTF-8 text", path.display())))
        }
    }
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
    pub(crate) access_token: SecretString,
    #[serde(rename = "RefreshToken")]
    pub(crate) refresh_token: Option<SecretString>,
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
/// as Cognito names them: what `--tokens-file` holds and `--print-tokens` shows. It borrows
/// the tokens (no copy to wipe); write it with `SecretString::json` or [`pretty_json`].
pub(crate) fn tokens_json(tokens: &Tokens) -> TokensJson<'_> {
    TokensJson {
        result: AuthenticationResult {
            access_token: &tokens.access_token,
            expires_in: tokens.expires_in,
            id_token: &tokens.id_token,
            new_device: tokens.new_device.as_ref().map(|device| DeviceMetadata {
                device_group_key: &device.device_group_key,
                device_key: &device.device_key,
            }),
            refresh_token: tokens.refresh_token.as_ref(),
            token_type: &tokens.token_type,
        },
    }
}

/// [`tokens_json`]. The members are in the order (sorted) the files and outputs have always
/// had them.
#[derive(Serialize)]
pub(crate) struct TokensJson<'a> {
    #[serde(rename = "AuthenticationResult")]
    result: AuthenticationResult<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct AuthenticationResult<'a> {
    access_token: &'a SecretString,
    expires_in: u64,
    id_token: &'a SecretString,
    #[serde(rename = "NewDeviceMetadata", skip_serializing_if = "Option::is_none")]
    new_device: Option<DeviceMetadata<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    refresh_token: Option<&'a SecretString>,
    token_type: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct DeviceMetadata<'a> {
    device_group_key: &'a str,
    device_key: &'a str,
}

/// `value` as pretty JSON followed by `suffix` (a file's last newline), in one allocation of
/// exactly that length and wiped when dropped: tokens files hold secrets.
pub(crate) fn pretty_json<T: Serialize + ?Sized>(
    value: &T,
    suffix: &str,
) -> serde_json::Result<Zeroizing<String>> {
    let json = SecretString::json_pretty(value)?;
    let mut text = Zeroizing::new(String::with_capacity(json.expose().len() + suffix.len()));
    text.push_str(json.expose());
    text.push_str(suffix);
    Ok(text)
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

/// The contents of a device file: the credentials and the user name typed at the sign-in
/// (pretty JSON, the members sorted as they have always been); it holds the device password.
pub(crate) fn device_json(
    credentials: &DeviceCredentials,
    username: &str,
) -> serde_json::Result<SecretString> {
    #[derive(Serialize)]
    struct Contents<'a> {
        device_group_key: &'a str,
        device_key: &'a str,
        device_password: &'a SecretString,
        user_sub: &'a str,
        username: &'a str,
    }
    // Every member, named: a member added to the credentials does not build until it is here.
    let DeviceCredentials {
        device_key,
        device_group_key,
        device_password,
        user_sub,
    } = credentials;
    SecretString::json_pretty(&Contents {
        device_group_key,
        device_key,
        device_password,
        user_sub,
        username,
    })
}
