//! Records and enums crossing the FFI, and their conversions to and from the core types.

use std::sync::Arc;

use cognito_auth::{HttpResponse, Request, SecretString};
use serde::Serialize;
use zeroize::Zeroizing;

use crate::error::CognitoError;
use crate::secret::Secret;

/// An HTTP header.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Header {
    /// The name, any case.
    pub name: String,
    /// The value.
    pub value: String,
}

/// A request to send: `method` to `url` with these headers and body, then pass the reply to
/// the machine's `handle_response`.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct HttpRequest {
    /// The endpoint.
    pub url: String,
    /// Always `POST`.
    pub method: String,
    /// `Content-Type` and `X-Amz-Target`.
    pub headers: Vec<Header>,
    /// The JSON body (UTF-8): `body.reveal()` is what to send. It may carry secrets (a
    /// password, tokens, the Session), so it prints as `<redacted>`.
    pub body: Arc<Secret>,
}

impl From<Request> for HttpRequest {
    fn from(request: Request) -> Self {
        // One copy of exactly the body's size, zeroized with the `Secret`; the core request
        // zeroizes its own buffer when dropped below.
        let body = body_secret(request.body());
        HttpRequest {
            url: request.url().to_owned(),
            method: request.method().to_owned(),
            headers: request
                .headers()
                .iter()
                .map(|(name, value)| Header {
                    name: (*name).to_owned(),
                    value: (*value).to_owned(),
                })
                .collect(),
            body: Secret::wrap(body),
        }
    }
}

/// A request body the core built, as a secret (it is UTF-8; lossy only for a core bug).
pub(crate) fn body_secret(body: &[u8]) -> SecretString {
    match std::str::from_utf8(body) {
        Ok(text) => SecretString::new(text),
        Err(_) => SecretString::new(String::from_utf8_lossy(body)),
    }
}

/// Runs `f` with the core view of a response (status, the headers the machines read, body).
/// The body (it may carry tokens) is zeroized when `f` is done with it.
pub(crate) fn with_response<T>(
    status: u16,
    headers: &[Header],
    body: Vec<u8>,
    f: impl FnOnce(HttpResponse<'_>) -> T,
) -> T {
    let body = Zeroizing::new(body);
    let response = headers
        .iter()
        .fold(HttpResponse::new(status, &body), |response, header| {
            response.header(&header.name, &header.value)
        });
    f(response)
}

/// `NewDeviceMetadata`: the device Cognito asks this app to confirm.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct NewDeviceMetadata {
    /// `DeviceKey`.
    pub device_key: String,
    /// `DeviceGroupKey`.
    pub device_group_key: String,
}

/// The tokens of a sign-in or refresh. Store them in the keychain / keystore (each token's
/// `reveal()`); they print as `<redacted>`.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Tokens {
    /// The ID token (JWT).
    pub id_token: Arc<Secret>,
    /// The access token (JWT).
    pub access_token: Arc<Secret>,
    /// The refresh token (kept from before when a refresh did not rotate it).
    pub refresh_token: Option<Arc<Secret>>,
    /// Normally `Bearer`.
    pub token_type: String,
    /// Lifetime of the ID and access tokens, in seconds.
    pub expires_in: u64,
    /// `now` as passed in, plus `expires_in` (Unix seconds).
    pub expires_at: u64,
    /// Set when the pool tracks devices and this one is new: see `DeviceConfirmation`.
    pub new_device: Option<NewDeviceMetadata>,
}

impl From<cognito_auth::Tokens> for Tokens {
    /// The core's secrets are moved, not copied.
    fn from(tokens: cognito_auth::Tokens) -> Self {
        Tokens {
            id_token: Secret::wrap(tokens.id_token),
            access_token: Secret::wrap(tokens.access_token),
            refresh_token: tokens.refresh_token.map(Secret::wrap),
            token_type: tokens.token_type,
            expires_in: tokens.expires_in,
            expires_at: tokens.expires_at.as_secs(),
            new_device: tokens.new_device.map(|d| NewDeviceMetadata {
                device_key: d.device_key,
                device_group_key: d.device_group_key,
            }),
        }
    }
}

/// The core `Tokens` in its serialized form, borrowing the record's text.
#[derive(Serialize)]
struct TokensJson<'a> {
    id_token: &'a str,
    access_token: &'a str,
    refresh_token: Option<&'a str>,
    token_type: &'a str,
    expires_in: u64,
    expires_at: u64,
    new_device: Option<NewDeviceJson<'a>>,
}

#[derive(Serialize)]
struct NewDeviceJson<'a> {
    device_key: &'a str,
    device_group_key: &'a str,
}

impl TryFrom<&Tokens> for cognito_auth::Tokens {
    type Error = CognitoError;

    /// The core type is built through its serialized form (its fields are not constructible
    /// outside the crate), written without leaving a copy in freed memory.
    fn try_from(tokens: &Tokens) -> Result<Self, CognitoError> {
        let json = cognito_auth::SecretString::json(&TokensJson {
            id_token: tokens.id_token.expose(),
            access_token: tokens.access_token.expose(),
            refresh_token: tokens.refresh_token.as_deref().map(Secret::expose),
            token_type: &tokens.token_type,
            expires_in: tokens.expires_in,
            expires_at: tokens.expires_at,
            new_device: tokens.new_device.as_ref().map(|d| NewDeviceJson {
                device_key: &d.device_key,
                device_group_key: &d.device_group_key,
            }),
        })
        .map_err(|e| CognitoError::invalid_input(format!("unusable tokens: {e}")))?;
        cognito_auth::Tokens::from_json(json.expose())
            .map_err(|e| CognitoError::invalid_input(format!("unusable tokens: {e}")))
    }
}

/// A remembered device, to store under the user's `sub` and pass to later sign-ins. The
/// device password prints as `<redacted>`.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct DeviceCredentials {
    /// `DeviceKey`.
    pub device_key: String,
    /// `DeviceGroupKey`.
    pub device_group_key: String,
    /// The random device secret. Keep it (`reveal()`) in the keychain / keystore.
    pub device_password: Arc<Secret>,
    /// The `sub` of the user the device belongs to.
    pub user_sub: String,
}

impl From<cognito_auth::DeviceCredentials> for DeviceCredentials {
    fn from(c: cognito_auth::DeviceCredentials) -> Self {
        DeviceCredentials {
            device_password: Secret::wrap(c.device_password),
            device_key: c.device_key,
            device_group_key: c.device_group_key,
            user_sub: c.user_sub,
        }
    }
}

impl From<DeviceCredentials> for cognito_auth::DeviceCredentials {
    fn from(c: DeviceCredentials) -> Self {
        cognito_auth::DeviceCredentials {
            device_key: c.device_key,
            device_group_key: c.device_group_key,
            device_password: Secret::into_core(c.device_password),
            user_sub: c.user_sub,
        }
    }
}

/// The result of ConfirmDevice.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ConfirmedDevice {
    /// What to store.
    pub credentials: DeviceCredentials,
    /// True when the user must be asked whether to remember the device: then call
    /// `DeviceConfirmation.remember`.
    pub user_confirmation_necessary: bool,
}

/// How the user is authenticated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum AuthFlow {
    /// USER_SRP_AUTH (the default): the password never leaves the device.
    UserSrp,
    /// USER_PASSWORD_AUTH: the password is sent over TLS.
    UserPassword,
    /// CUSTOM_AUTH after an SRP password proof.
    CustomWithSrp,
    /// CUSTOM_AUTH without a password.
    CustomWithoutSrp,
    /// USER_AUTH, choice-based.
    UserAuth,
}

impl From<AuthFlow> for cognito_auth::AuthFlow {
    fn from(flow: AuthFlow) -> Self {
        match flow {
            AuthFlow::UserSrp => cognito_auth::AuthFlow::UserSrp,
            AuthFlow::UserPassword => cognito_auth::AuthFlow::UserPassword,
            AuthFlow::CustomWithSrp => cognito_auth::AuthFlow::CustomWithSrp,
            AuthFlow::CustomWithoutSrp => cognito_auth::AuthFlow::CustomWithoutSrp,
            AuthFlow::UserAuth => cognito_auth::AuthFlow::UserAuth,
        }
    }
}

/// Where a sign-in is.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum SignInStatus {
    /// `start` not called yet.
    NotStarted,
    /// A request is out; `handle_response` is next.
    AwaitingResponse {
        /// The operation, e.g. `RespondToAuthChallenge`.
        operation: String,
    },
    /// A challenge waits for `answer`.
    AwaitingAnswer,
    /// Finished.
    Done,
    /// Failed for good.
    Failed,
}

impl From<cognito_auth::Status> for SignInStatus {
    fn from(status: cognito_auth::Status) -> Self {
        match status {
            cognito_auth::Status::NotStarted => SignInStatus::NotStarted,
            cognito_auth::Status::AwaitingResponse(operation) => SignInStatus::AwaitingResponse {
                operation: operation.to_string(),
            },
            cognito_auth::Status::AwaitingAnswer => SignInStatus::AwaitingAnswer,
            cognito_auth::Status::Done => SignInStatus::Done,
            _ => SignInStatus::Failed,
        }
    }
}
