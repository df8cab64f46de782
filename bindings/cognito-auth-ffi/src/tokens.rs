//! After sign-in: refreshing tokens and confirming the device.

use std::sync::{Arc, Mutex, MutexGuard};

use cognito_auth::UnixTime;

use crate::PoolConfig;
use crate::error::CognitoError;
use crate::types::{ConfirmedDevice, Header, HttpRequest, Tokens, with_response};

/// Which operation refreshes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, uniffi::Enum)]
pub enum RefreshFlow {
    /// GetTokensFromRefreshToken (works with refresh-token rotation). The default.
    #[default]
    GetTokensFromRefreshToken,
    /// InitiateAuth REFRESH_TOKEN_AUTH (not with rotation).
    RefreshTokenAuth,
}

impl From<RefreshFlow> for cognito_auth::RefreshFlow {
    fn from(flow: RefreshFlow) -> Self {
        match flow {
            RefreshFlow::GetTokensFromRefreshToken => {
                cognito_auth::RefreshFlow::GetTokensFromRefreshToken
            }
            RefreshFlow::RefreshTokenAuth => cognito_auth::RefreshFlow::RefreshTokenAuth,
        }
    }
}

fn lock<'a, T>(mutex: &'a Mutex<T>, what: &str) -> Result<MutexGuard<'a, T>, CognitoError> {
    mutex.lock().map_err(|_| CognitoError::poisoned(what))
}

/// One token refresh: `request`, send it, `handle_response`. An error never means "sign out"
/// by itself: `CognitoError::Service { retryable: true }` is worth retrying with a new
/// `Refresh` later.
#[derive(Debug, uniffi::Object)]
pub struct Refresh {
    inner: Mutex<cognito_auth::Refresh>,
}

#[uniffi::export]
impl Refresh {
    /// Refreshes the tokens of a sign-in (the internal user name and device key are read from
    /// their claims).
    ///
    /// # Errors
    /// `InvalidInput` when the tokens carry no refresh token.
    #[uniffi::constructor]
    pub fn new(
        config: Arc<PoolConfig>,
        tokens: Tokens,
        flow: RefreshFlow,
    ) -> Result<Arc<Self>, CognitoError> {
        let tokens = cognito_auth::Tokens::try_from(&tokens)?;
        let refresh = cognito_auth::Refresh::new(config.core(), &tokens)?.with_flow(flow.into());
        Ok(Self::wrap(refresh))
    }

    /// Refreshes a stored refresh token. REFRESH_TOKEN_AUTH with a client secret needs the
    /// internal user name; a pool that tracks devices needs the device key.
    #[uniffi::constructor]
    pub fn from_refresh_token(
        config: Arc<PoolConfig>,
        refresh_token: String,
        flow: RefreshFlow,
        internal_username: Option<String>,
        device_key: Option<String>,
    ) -> Arc<Self> {
        let mut refresh = cognito_auth::Refresh::from_refresh_token(config.core(), refresh_token)
            .with_flow(flow.into());
        if let Some(username) = internal_username {
            refresh = refresh.with_internal_username(username);
        }
        if let Some(device_key) = device_key {
            refresh = refresh.with_device_key(device_key);
        }
        Self::wrap(refresh)
    }

    /// The request to send.
    ///
    /// # Errors
    /// `Misuse` on a second call; `InvalidInput` when REFRESH_TOKEN_AUTH lacks the user name.
    pub fn request(&self) -> Result<HttpRequest, CognitoError> {
        Ok(lock(&self.inner, "refresh")?.request()?.into())
    }

    /// The new tokens from Cognito's reply (the old refresh token kept unless rotated).
    ///
    /// # Errors
    /// `Service` (throttling is `retryable`), `InvalidResponse`, `Protocol`, `Misuse`.
    pub fn handle_response(
        &self,
        status: u16,
        headers: Vec<Header>,
        body: Vec<u8>,
        now_unix_secs: u64,
    ) -> Result<Tokens, CognitoError> {
        let mut refresh = lock(&self.inner, "refresh")?;
        let tokens = with_response(status, &headers, body, |response| {
            refresh.handle_response(response, UnixTime(now_unix_secs))
        })?;
        Ok(tokens.into())
    }
}

impl Refresh {
    fn wrap(refresh: cognito_auth::Refresh) -> Arc<Self> {
        Arc::new(Self {
            inner: Mutex::new(refresh),
        })
    }
}

/// Confirms the new device named in `Tokens.new_device`: `start` (ConfirmDevice), then
/// `handle_response` gives the credentials to store; when `user_confirmation_necessary`, ask
/// the user and send `remember(...)`, then `handle_status_response`.
#[derive(Debug, uniffi::Object)]
pub struct DeviceConfirmation {
    inner: Mutex<cognito_auth::DeviceConfirmation>,
}

#[uniffi::export]
impl DeviceConfirmation {
    /// For tokens that carry `new_device`.
    ///
    /// # Errors
    /// `InvalidInput` when they name no new device or carry no `sub`.
    #[uniffi::constructor]
    pub fn new(config: Arc<PoolConfig>, tokens: Tokens) -> Result<Arc<Self>, CognitoError> {
        let tokens = cognito_auth::Tokens::try_from(&tokens)?;
        let confirmation = cognito_auth::DeviceConfirmation::new(config.core(), &tokens)?;
        Ok(Arc::new(Self {
            inner: Mutex::new(confirmation),
        }))
    }

    /// The ConfirmDevice request (a fresh device secret is drawn).
    ///
    /// # Errors
    /// `Misuse` on a second call; `Internal` when the random source fails.
    pub fn start(&self, device_name: Option<String>) -> Result<HttpRequest, CognitoError> {
        let mut confirmation = lock(&self.inner, "device confirmation")?;
        Ok(confirmation.start(device_name.as_deref())?.into())
    }

    /// ConfirmDevice's reply.
    ///
    /// # Errors
    /// `Service`, `InvalidResponse`, `Misuse` out of turn.
    pub fn handle_response(
        &self,
        status: u16,
        headers: Vec<Header>,
        body: Vec<u8>,
    ) -> Result<ConfirmedDevice, CognitoError> {
        let mut confirmation = lock(&self.inner, "device confirmation")?;
        let confirmed = with_response(status, &headers, body, |response| {
            confirmation.handle_response(response)
        })?;
        Ok(ConfirmedDevice {
            credentials: confirmed.credentials.into(),
            user_confirmation_necessary: confirmed.user_confirmation_necessary,
        })
    }

    /// UpdateDeviceStatus: remembered or not, as the user chose.
    ///
    /// # Errors
    /// `Misuse` before the device is confirmed.
    pub fn remember(&self, remember: bool) -> Result<HttpRequest, CognitoError> {
        Ok(lock(&self.inner, "device confirmation")?
            .remember(remember)?
            .into())
    }

    /// UpdateDeviceStatus's reply.
    ///
    /// # Errors
    /// `Service`; `Misuse` out of turn.
    pub fn handle_status_response(
        &self,
        status: u16,
        headers: Vec<Header>,
        body: Vec<u8>,
    ) -> Result<(), CognitoError> {
        let mut confirmation = lock(&self.inner, "device confirmation")?;
        Ok(with_response(status, &headers, body, |response| {
            confirmation.handle_status_response(response)
        })?)
    }
}
