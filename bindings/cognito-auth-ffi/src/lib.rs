//! UniFFI bindings for [`cognito_auth`]: the sans-IO Cognito machines for Swift, Kotlin and
//! Python. The app does the HTTP (URLSession, OkHttp, urllib) and passes the time in:
//!
//! 1. `PoolConfig(pool_id, client_id, client_secret, endpoint)`;
//! 2. `SignInSession(config, username, password)`, `start()` gives an [`HttpRequest`];
//! 3. send it, pass status, headers and body to `handle_response(..., now_unix_secs)`, which
//!    gives a [`NextStep`]: send the next request, answer an [`AuthChallenge`], or the [`Tokens`].
//!
//! Every failure is a [`CognitoError`]; nothing here panics on the caller's or the server's
//! data. Every secret that crosses the boundary (tokens, request bodies, device passwords,
//! TOTP secrets, the suspended Session, the app's codes and passwords in a `ChallengeAnswer`)
//! is a [`Secret`] object: it prints as `<redacted>` in every language (the generated records
//! are data classes that print their fields) and is zeroized on the Rust side when dropped;
//! `reveal()` gives its text.

#![forbid(unsafe_code)]

use std::sync::Arc;

mod account;
mod account_json;
mod challenge;
mod claims;
mod device_store;
mod error;
mod manager;
mod oauth;
mod secret;
mod session;
mod sign_in;
mod tokens;
mod types;
mod verify;

pub use account::{
    AccountCall, ChangePassword, CodeDelivery, Device, DeviceList, ForgetDevice, GetUser,
    GlobalSignOut, ListDevices, MfaPreference, PasswordResetFlow, PasswordResetStep,
    SetUserMfaPreference, SignUpFlow, SignUpStep, UpdateUserAttributes, User,
};
pub use challenge::{AuthChallenge, ChallengeAnswer, NextStep, TotpEnrolment};
pub use claims::{TokenClaims, access_claims, id_claims, token_claims};
pub use device_store::DeviceStore;
pub use error::{CognitoError, RedirectErrorKind, TokenErrorKind};
pub use manager::{RefreshOutcome, TokenManager};
pub use oauth::{
    AuthorizationCode, LoginDomain, ManagedLogin, OAuthRequest, PendingLogin, UserInfo,
};
pub use secret::Secret;
pub use session::StoredSession;
pub use sign_in::SignInSession;
pub use tokens::{DeviceConfirmation, Refresh, RefreshFlow};
pub use types::{
    AuthFlow, ConfirmedDevice, DeviceCredentials, Header, HttpRequest, NewDeviceMetadata,
    SignInStatus, Tokens,
};
pub use verify::{JwtVerifier, VerifiedClaims, cognito_issuer};

uniffi::setup_scaffolding!();

/// The user pool and app client, shared by every machine. The client secret, when the app
/// client has one, stays inside (it is not readable back).
#[derive(Debug, uniffi::Object)]
pub struct PoolConfig {
    inner: Arc<cognito_auth::PoolConfig>,
}

#[uniffi::export]
impl PoolConfig {
    /// A pool id such as `us-east-1_AbC123`, the app client id, its secret if it has one, and
    /// an endpoint other than the region's (a local pool, a proxy).
    ///
    /// # Errors
    /// `InvalidInput` for a pool id that is not `<region>_<name>` or an empty client id.
    #[uniffi::constructor]
    pub fn new(
        pool_id: String,
        client_id: String,
        client_secret: Option<String>,
        endpoint: Option<String>,
    ) -> Result<Arc<Self>, CognitoError> {
        let mut config = cognito_auth::PoolConfig::new(pool_id, client_id)?;
        if let Some(secret) = client_secret {
            config = config.with_client_secret(secret);
        }
        if let Some(endpoint) = endpoint {
            if endpoint.is_empty() {
                return Err(CognitoError::invalid_input("the endpoint is empty"));
            }
            config = config.with_endpoint(endpoint);
        }
        Ok(Arc::new(Self {
            inner: Arc::new(config),
        }))
    }

    /// The user pool id.
    pub fn pool_id(&self) -> String {
        self.inner.user_pool_id().to_owned()
    }

    /// The app client id.
    pub fn client_id(&self) -> String {
        self.inner.client_id().to_owned()
    }

    /// Where requests go.
    pub fn url(&self) -> String {
        self.inner.url().to_owned()
    }
}

impl PoolConfig {
    pub(crate) fn core(&self) -> Arc<cognito_auth::PoolConfig> {
        Arc::clone(&self.inner)
    }
}

/// The current 6-digit TOTP code (SHA-1, 30 s) for a base32 secret, e.g. the one shown during
/// enrolment. `now_unix_secs` is the current time.
///
/// # Errors
/// `InvalidInput` when the secret is not base32.
#[uniffi::export]
pub fn totp_code(secret: String, now_unix_secs: u64) -> Result<String, CognitoError> {
    let secret = zeroize::Zeroizing::new(secret);
    Ok(cognito_auth::totp::code(
        &secret,
        cognito_auth::UnixTime(now_unix_secs),
    )?)
}

#[cfg(test)]
mod tests;
