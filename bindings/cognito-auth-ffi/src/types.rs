//! Records and enums crossing the FFI, and their conversions to and from the core types.

use std::fmt;

use cognito_auth::{HttpResponse, Request, SecretString};

use crate::error::CognitoError;

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
#[derive(Clone, PartialEq, Eq, uniffi::Record)]
pub struct HttpRequest {
    /// The endpoint.
    pub url: String,
    /// Always `POST`.
    pub method: String,
    /// `Content-Type` and `X-Amz-Target`.
    pub headers: Vec<Header>,
    /// The JSON body. It may carry secrets (a password, tokens, the Session): never log it.
    pub body: Vec<u8>,
}

impl fmt::Debug for HttpRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpRequest")
            .field("url", &self.url)
            .field("method", &self.method)
            .field("headers", &self.headers)
            .field(
                "body",
                &format_args!("<redacted {} bytes>", self.body.len()),
            )
            .finish()
    }
}

impl From<Request> for HttpRequest {
    fn from(request: Request) -> Self {
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
            body: request.body().to_vec(),
        }
    }
}

/// Runs `f` with the core view of a response (status, the headers the machines read, body).
pub(crate) fn with_response<T>(
    status: u16,
    headers: &[Header],
    body: &[u8],
    f: impl FnOnce(HttpResponse<'_>) -> T,
) -> T {
    let response = headers
        .iter()
        .fold(HttpResponse::new(status, body), |response, header| {
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

/// The tokens of a sign-in or refresh. Store them in the keychain / keystore.
#[derive(Clone, PartialEq, Eq, uniffi::Record)]
pub struct Tokens {
    /// The ID token (JWT).
    pub id_token: String,
    /// The access token (JWT).
    pub access_token: String,
    /// The refresh token (kept from before when a refresh did not rotate it).
    pub refresh_token: Option<String>,
    /// Normally `Bearer`.
    pub token_type: String,
    /// Lifetime of the ID and access tokens, in seconds.
    pub expires_in: u64,
    /// `now` as passed in, plus `expires_in` (Unix seconds).
    pub expires_at: u64,
    /// Set when the pool tracks devices and this one is new: see `DeviceConfirmation`.
    pub new_device: Option<NewDeviceMetadata>,
}

impl fmt::Debug for Tokens {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Tokens")
            .field("id_token", &"<redacted>")
            .field("access_token", &"<redacted>")
            .field(
                "refresh_token",
                &self.refresh_token.as_ref().map(|_| "<redacted>"),
            )
            .field("token_type", &self.token_type)
            .field("expires_in", &self.expires_in)
            .field("expires_at", &self.expires_at)
            .field("new_device", &self.new_device)
            .finish()
    }
}

impl From<cognito_auth::Tokens> for Tokens {
    fn from(tokens: cognito_auth::Tokens) -> Self {
        Tokens {
            id_token: tokens.id_token.expose().to_owned(),
            access_token: tokens.access_token.expose().to_owned(),
            refresh_token: tokens.refresh_token.as_ref().map(|t| t.expose().to_owned()),
            token_type: tokens.token_type.clone(),
            expires_in: tokens.expires_in,
            expires_at: tokens.expires_at.as_secs(),
            new_device: tokens.new_device.as_ref().map(|d| NewDeviceMetadata {
                device_key: d.device_key.clone(),
                device_group_key: d.device_group_key.clone(),
            }),
        }
    }
}

impl TryFrom<&Tokens> for cognito_auth::Tokens {
    type Error = CognitoError;

    /// The core type is built through its serialized form (its fields are not constructible
    /// outside the crate).
    fn try_from(tokens: &Tokens) -> Result<Self, CognitoError> {
        let value = serde_json::json!({
            "id_token": tokens.id_token,
            "access_token": tokens.access_token,
            "refresh_token": tokens.refresh_token,
            "token_type": tokens.token_type,
            "expires_in": tokens.expires_in,
            "expires_at": tokens.expires_at,
            "new_device": tokens.new_device.as_ref().map(|d| serde_json::json!({
                "device_key": d.device_key,
                "device_group_key": d.device_group_key,
            })),
        });
        serde_json::from_value(value)
            .map_err(|e| CognitoError::invalid_input(format!("unusable tokens: {e}")))
    }
}

/// A remembered device, to store under the user's `sub` and pass to later sign-ins.
#[derive(Clone, PartialEq, Eq, uniffi::Record)]
pub struct DeviceCredentials {
    /// `DeviceKey`.
    pub device_key: String,
    /// `DeviceGroupKey`.
    pub device_group_key: String,
    /// The random device secret. Keep it in the keychain / keystore.
    pub device_password: String,
    /// The `sub` of the user the device belongs to.
    pub user_sub: String,
}

impl fmt::Debug for DeviceCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DeviceCredentials")
            .field("device_key", &self.device_key)
            .field("device_group_key", &self.device_group_key)
            .field("device_password", &"<redacted>")
            .field("user_sub", &self.user_sub)
            .finish()
    }
}

impl From<cognito_auth::DeviceCredentials> for DeviceCredentials {
    fn from(c: cognito_auth::DeviceCredentials) -> Self {
        DeviceCredentials {
            device_password: c.device_password.expose().to_owned(),
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
            device_password: SecretString::new(c.device_password),
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
