//! The command line's tokens and device files, read by the same code as the `cognito-auth`
//! binary (its module compiled here): a corrupt file gives an error that names the file and
//! shows no secret; a file that reads writes back, through the binary's writers, to the same.

use std::path::Path;

use serde_json::json;

use cognito_auth::{DeviceCredentials, Tokens};

use crate::device::tokens_json;
use crate::input::*;
use crate::oracle::*;
use crate::*;

/// The binary's own module (no I/O, no other module of it).
#[path = "../../cli/src/stored.rs"]
mod stored;

use stored::{DeviceFile, FileError, TokensFile};

const TOKENS_PATH: &str = "/home/alice/.config/cognito/tokens.json";
const DEVICE_PATH: &str = "/home/alice/.config/cognito/device.json";

/// A tokens file as `sign-in --tokens-file` writes it, with the drivers' secret tokens.
fn tokens_file() -> String {
    let claims = json!({ "sub": "5f0c", "username": "a1b2-internal", "token_use": "access" });
    let value = tokens_json(
        &claims,
        &claims,
        3600,
        1_700_003_600,
        Some(REFRESH_TOKEN),
        None,
    );
    match serde_json::from_value::<Tokens>(value) {
        Ok(tokens) => match stored::pretty_json(&stored::tokens_json(&tokens), "\n") {
            Ok(text) => String::clone(&text),
            Err(e) => panic!("the tokens template does not serialize: {e}"),
        },
        Err(e) => panic!("the tokens template does not deserialize: {e}"),
    }
}

/// A device file as `sign-in --device-file` writes it, with the drivers' device password.
fn device_file() -> String {
    let credentials = DeviceCredentials {
        device_key: "us-east-1_0d1e2f3a-4b5c-6d7e-8f90-a1b2c3d4e5f6".into(),
        device_group_key: "-Xb7ZcQjV".into(),
        device_password: DEVICE_PASSWORD.into(),
        user_sub: "5f0c".into(),
    };
    match stored::device_json(&credentials, USERNAME) {
        Ok(json) => json.expose().to_owned(),
        Err(e) => panic!("the device template does not serialize: {e}"),
    }
}

/// Bit 0 of the first byte picks the file (device or tokens), bits 1-2 its bytes: the
/// input's rest, or the file as written cut short, with a byte changed, or with bytes
/// inserted (so the secrets in it are not in the input: an error that shows one leaks it).
pub fn cli_files(data: &[u8]) {
    let mut inp = Input::new(data);
    let mode = inp.byte();
    let device = mode & 1 != 0;
    let template = if device { device_file() } else { tokens_file() }.into_bytes();
    let at = |inp: &mut Input<'_>| usize::from(inp.u16()) % (template.len() + 1);
    let bytes = match (mode >> 1) % 4 {
        0 => inp.take(data.len()).to_vec(),
        1 => template[..at(&mut inp)].to_vec(),
        2 => {
            let mut bytes = template.clone();
            let i = at(&mut inp) % template.len();
            bytes[i] = inp.byte();
            bytes
        }
        _ => {
            let mut bytes = template.clone();
            let i = at(&mut inp);
            bytes.splice(i..i, inp.bytes().iter().copied());
            bytes
        }
    };
    let (path, kind) = match device {
        true => (Path::new(DEVICE_PATH), "device"),
        false => (Path::new(TOKENS_PATH), "tokens"),
    };
    let text = match stored::text(path, bytes) {
        Ok(text) => text,
        Err(e) => return check_file_error(data, path, None, &e),
    };
    if device {
        match stored::parse::<DeviceFile>(path, kind, &text) {
            Ok(file) => device_round_trip(data, path, &file),
            Err(e) => check_file_error(data, path, Some(kind), &e),
        }
    } else {
        match stored::parse::<TokensFile>(path, kind, &text) {
            Ok(file) => tokens_round_trip(data, path, &file.result),
            Err(e) => check_file_error(data, path, Some(kind), &e),
        }
    }
}

/// The error names the file (and, for a parse, what it should have been); no secret.
fn check_file_error(data: &[u8], path: &Path, kind: Option<&str>, error: &FileError) {
    let message = error.to_string();
    assert!(
        message.starts_with(&format!("{}: ", path.display())),
        "an error that does not name the file: {message}"
    );
    if let Some(kind) = kind {
        assert!(
            message.contains(&format!("not a cognito-auth {kind} file")),
            "{message}"
        );
    }
    assert_no_secret(data, "a file error", &message);
    check_debug(data, "a file error's Debug", error);
}

fn device_round_trip(data: &[u8], path: &Path, file: &DeviceFile) {
    check_debug(data, "a DeviceFile's Debug", file);
    let username = file.username.clone().unwrap_or_default();
    let written = match stored::device_json(&file.credentials, &username) {
        Ok(json) => json,
        Err(e) => panic!("a device file read does not write: {e}"),
    };
    match stored::parse::<DeviceFile>(path, "device", written.expose()) {
        Ok(again) => {
            assert_eq!(
                again.credentials, file.credentials,
                "device credentials changed"
            );
            assert_eq!(again.username.as_deref(), Some(username.as_str()));
        }
        Err(e) => panic!("a device file written back does not read: {e}"),
    }
}

fn tokens_round_trip(data: &[u8], path: &Path, stored_tokens: &stored::StoredTokens) {
    check_debug(data, "the StoredTokens' Debug", stored_tokens);
    let value = json!({
        "id_token": stored_tokens.access_token,
        "access_token": stored_tokens.access_token,
        "refresh_token": stored_tokens.refresh_token,
        "token_type": "Bearer",
        "expires_in": 3600,
        "expires_at": FIXED_NOW.as_secs() + 3600,
        "new_device": null,
    });
    let tokens: Tokens = match serde_json::from_value(value) {
        Ok(tokens) => tokens,
        Err(e) => panic!("tokens from a tokens file do not make Tokens: {e}"),
    };
    let written = match stored::pretty_json(&stored::tokens_json(&tokens), "\n") {
        Ok(text) => text,
        Err(e) => panic!("tokens read back do not serialize: {e}"),
    };
    match stored::parse::<TokensFile>(path, "tokens", &written) {
        Ok(again) => assert_eq!(
            &again.result, stored_tokens,
            "tokens changed on a round trip"
        ),
        Err(e) => panic!("a tokens file written back does not read: {e}"),
    }
}
