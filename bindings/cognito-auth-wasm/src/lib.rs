//! WebAssembly bindings of [`cognito_auth`] for the npm package `cognito-auth`
//! (`bindings/js/`). This crate only adapts: every request, proof, parse and state change is the
//! core's. The classes here are the raw layer (`Raw*`: `RawConfig` here, the others one module
//! each: `sign_in`, `tokens`, `refresh`, `device_confirmation`, `operation`);
//! `bindings/js/src/api.mjs` wraps them in the JavaScript API (`PoolConfig`, `SignIn`,
//! `CognitoError`, `Tokens`, ...).
//!
//! Feature `full` adds the typed account calls (`account.rs`), managed login (`oauth.rs`) and
//! token verification (`verify.rs`); the npm package builds the crate with and without it.
//!
//! Conventions across the boundary:
//! - a request is a plain object `{ url, method, headers: { name: value }, body }`, built from
//!   the core `Request` in place (its body is zeroized in wasm memory when it is dropped);
//! - response headers come in flat, `[name, value, name, value, ...]`; the body as a string,
//!   zeroized once read; the time as Unix seconds (a JS number);
//! - an error is thrown as a JSON string `{ kind, code, message, retryable, status, requestId }`
//!   which the JS layer turns into a `CognitoError`;
//! - tokens and device credentials stay in wasm memory (`RawTokens`, `RawDevice`, zeroized when
//!   freed) until JS reads one through a getter.

#![forbid(unsafe_code)]

#[cfg(feature = "full")]
mod account;
mod answer;
mod convert;
mod device_confirmation;
mod error;
#[cfg(feature = "full")]
mod oauth;
mod operation;
mod refresh;
mod sign_in;
mod tokens;
#[cfg(feature = "full")]
mod verify;

use std::sync::Arc;

use cognito_auth::{HttpResponse, PoolConfig, UnixTime};
use wasm_bindgen::prelude::*;
use zeroize::Zeroizing;

#[cfg(feature = "full")]
pub use crate::account::{raw_account_request, raw_account_response};
pub use crate::device_confirmation::RawDeviceConfirmation;
#[cfg(feature = "full")]
pub use crate::oauth::{RawAuthorizationCode, RawManagedLogin, RawPendingLogin};
pub use crate::operation::{raw_operation_request, raw_operation_response};
pub use crate::refresh::{RawRefresh, RawTokenManager};
pub use crate::sign_in::RawSignIn;
pub use crate::tokens::{RawDevice, RawTokens};
#[cfg(feature = "full")]
pub use crate::verify::RawJwtVerifier;

use crate::error::{Failure, Result, invalid_input};

/// The user pool and app client.
#[wasm_bindgen]
pub struct RawConfig {
    pub(crate) inner: Arc<PoolConfig>,
}

#[wasm_bindgen]
impl RawConfig {
    /// `poolId` such as `us-east-1_AbC123`, the client id, its secret and another endpoint.
    #[wasm_bindgen(constructor)]
    pub fn new(
        pool_id: String,
        client_id: String,
        client_secret: Option<String>,
        endpoint: Option<String>,
    ) -> Result<RawConfig> {
        let mut config = PoolConfig::new(pool_id, client_id).map_err(Failure::from)?;
        if let Some(secret) = client_secret {
            // Moved into the core's zeroizing secret, never copied.
            config = config.with_client_secret(secret);
        }
        if let Some(endpoint) = endpoint {
            if endpoint.is_empty() {
                return Err(invalid_input("the endpoint is empty"));
            }
            config = config.with_endpoint(endpoint);
        }
        Ok(RawConfig {
            inner: Arc::new(config),
        })
    }

    /// The user pool id.
    #[wasm_bindgen(getter, js_name = poolId)]
    pub fn pool_id(&self) -> String {
        self.inner.user_pool_id().to_owned()
    }

    /// The app client id.
    #[wasm_bindgen(getter, js_name = clientId)]
    pub fn client_id(&self) -> String {
        self.inner.client_id().to_owned()
    }

    /// Where requests go.
    #[wasm_bindgen(getter)]
    pub fn url(&self) -> String {
        self.inner.url().to_owned()
    }
}

/// Converts a JS number of Unix seconds.
pub(crate) fn unix_time(now: f64) -> Result<UnixTime> {
    if (0.0..1e15).contains(&now) {
        // Truncation intended: whole seconds.
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        Ok(UnixTime(now as u64))
    } else {
        Err(invalid_input(
            "the time must be a non-negative number of Unix seconds",
        ))
    }
}

/// Runs `f` on the core view of a response; the body (tokens, sessions) is zeroized after.
pub(crate) fn with_response<T>(
    status: u16,
    headers: &[String],
    body: String,
    f: impl FnOnce(HttpResponse<'_>) -> T,
) -> T {
    let body = Zeroizing::new(body);
    let mut response = HttpResponse::new(status, body.as_bytes());
    for pair in headers.chunks_exact(2) {
        if let [name, value] = pair {
            response = response.header(name, value);
        }
    }
    f(response)
}

/// The current 6-digit TOTP code (SHA-1, 30 s) for a base32 secret at `now`. The full module
/// only: an authenticator's work, which a sign-in page does not do (SHA-1 and base32 stay out).
#[cfg(feature = "full")]
#[wasm_bindgen(js_name = totpCode)]
pub fn totp_code(secret: String, now: f64) -> Result<String> {
    let secret = Zeroizing::new(secret);
    cognito_auth::totp::code(&secret, unix_time(now)?).map_err(Failure::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_checked() {
        assert!(unix_time(1_700_000_000.5).is_ok());
        assert!(unix_time(-1.0).is_err());
        assert!(unix_time(f64::NAN).is_err());
    }

    #[test]
    fn headers_are_read_in_pairs() {
        let headers = vec![
            "x-amzn-ErrorType".to_owned(),
            "NotAuthorizedException:".to_owned(),
            "dangling".to_owned(),
        ];
        let status = with_response(400, &headers, "{}".to_owned(), |response| {
            use cognito_auth::account::Call as _;
            match cognito_auth::account::GlobalSignOut::parse(response) {
                Err(cognito_auth::Error::Service(e)) => e.kind().code().to_owned(),
                other => format!("{other:?}"),
            }
        });
        assert_eq!(status, "NotAuthorizedException");
    }
}
