//! WebAssembly bindings of [`cognito_auth`] for the npm package `cognito-auth`
//! (`bindings/js/`). This crate only adapts: every request, proof, parse and state change is the
//! core's. The classes here are the raw layer (`Raw*`); `bindings/js/src/api.mjs` wraps them in
//! the JavaScript API (`PoolConfig`, `SignIn`, `CognitoError`, `Tokens`, ...).
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
mod error;
#[cfg(feature = "full")]
mod oauth;
#[cfg(feature = "full")]
mod verify;

use std::sync::Arc;

#[cfg(feature = "full")]
use cognito_auth::SuspendedSignIn;
use cognito_auth::{HttpResponse, Operation, PoolConfig, SignIn, UnixTime};
use js_sys::JsString;
use wasm_bindgen::prelude::*;
use zeroize::Zeroizing;

#[cfg(feature = "full")]
pub use crate::account::{raw_account_request, raw_account_response};
#[cfg(feature = "full")]
pub use crate::oauth::{RawAuthorizationCode, RawManagedLogin, RawPendingLogin};
#[cfg(feature = "full")]
pub use crate::verify::RawJwtVerifier;

use crate::answer::{js_pairs, parse_answer};
use crate::convert::{parse_flow, parse_refresh_flow, request_to_js, step_to_js};
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

/// One user's sign-in (the core `SignIn`).
#[wasm_bindgen]
pub struct RawSignIn {
    inner: SignIn,
}

#[wasm_bindgen]
impl RawSignIn {
    /// `flow`: `USER_SRP_AUTH` (default), `USER_PASSWORD_AUTH`, `CUSTOM_AUTH` (with SRP),
    /// `CUSTOM_AUTH_WITHOUT_SRP`, `USER_AUTH`. No password: a passwordless flow.
    #[wasm_bindgen(constructor)]
    pub fn new(
        config: &RawConfig,
        username: String,
        password: Option<String>,
        flow: Option<String>,
        device: Option<RawDevice>,
    ) -> Result<RawSignIn> {
        let flow = parse_flow(flow.as_deref())?;
        let config = Arc::clone(&config.inner);
        let mut inner = match password {
            Some(password) => SignIn::new(config, username, password).with_flow(flow),
            None => SignIn::passwordless(config, username, flow),
        };
        if let Some(device) = device {
            inner = inner.with_device(device.inner);
        }
        Ok(RawSignIn { inner })
    }

    /// A sign-in waiting at the challenge `suspend` saved (the full module only, as `suspend`:
    /// the stored shape's parser would grow the sign-in module by ~14 KiB).
    #[cfg(feature = "full")]
    pub fn resume(config: &RawConfig, suspended_json: String) -> Result<RawSignIn> {
        let suspended_json = Zeroizing::new(suspended_json);
        let suspended: SuspendedSignIn = serde_json::from_slice(suspended_json.as_bytes())
            .map_err(|e| invalid_input(format!("not a suspended sign-in: {e}")))?;
        let inner = SignIn::resume(Arc::clone(&config.inner), suspended).map_err(Failure::from)?;
        Ok(RawSignIn { inner })
    }

    /// The InitiateAuth request.
    pub fn start(&mut self) -> Result<JsValue> {
        Ok(request_to_js(self.inner.start().map_err(Failure::from)?))
    }

    /// The reply to the last request: the next step object.
    #[wasm_bindgen(js_name = handleResponse)]
    pub fn handle_response(
        &mut self,
        status: u16,
        headers: Vec<String>,
        body: String,
        now: f64,
    ) -> Result<JsValue> {
        let now = unix_time(now)?;
        let inner = &mut self.inner;
        let step = with_response(status, &headers, body, |response| {
            inner.handle_response(response, now)
        })
        .map_err(Failure::from)?;
        step_to_js(step)
    }

    /// Answers the pending challenge: `members` and `attributes` are `[name, value, ...]`, the
    /// members of `{ kind, ... }` and of its `attributes` (see the JS layer).
    pub fn answer(&mut self, members: Vec<JsValue>, attributes: Vec<JsValue>) -> Result<JsValue> {
        let answer = parse_answer(js_pairs(members)?, js_pairs(attributes)?)?;
        Ok(request_to_js(
            self.inner.answer(answer).map_err(Failure::from)?,
        ))
    }

    /// `notStarted`, `awaitingResponse`, `awaitingAnswer`, `done` or `failed`.
    #[wasm_bindgen(getter)]
    pub fn status(&self) -> String {
        match self.inner.status() {
            cognito_auth::Status::NotStarted => "notStarted",
            cognito_auth::Status::AwaitingResponse(_) => "awaitingResponse",
            cognito_auth::Status::AwaitingAnswer => "awaitingAnswer",
            cognito_auth::Status::Done => "done",
            _ => "failed",
        }
        .to_owned()
    }

    /// Cognito's internal user name, once known.
    #[wasm_bindgen(getter, js_name = userId)]
    pub fn user_id(&self) -> Option<String> {
        self.inner.user_id().map(str::to_owned)
    }

    /// A JSON snapshot of a sign-in waiting at a challenge (the Session, never the password).
    #[cfg(feature = "full")]
    pub fn suspend(&self) -> Result<Option<JsString>> {
        let Some(suspended) = self.inner.suspend() else {
            return Ok(None);
        };
        let json = convert::secret_json(&suspended)?;
        Ok(Some(JsString::from(json.expose())))
    }
}

/// Tokens from a sign-in or refresh, kept in wasm memory (zeroized when freed).
#[wasm_bindgen]
pub struct RawTokens {
    inner: cognito_auth::Tokens,
}

impl RawTokens {
    pub(crate) fn wrap(inner: cognito_auth::Tokens) -> Self {
        RawTokens { inner }
    }
}

#[wasm_bindgen]
impl RawTokens {
    /// The ID token.
    #[wasm_bindgen(getter, js_name = idToken)]
    pub fn id_token(&self) -> JsString {
        JsString::from(self.inner.id_token.expose())
    }

    /// The access token.
    #[wasm_bindgen(getter, js_name = accessToken)]
    pub fn access_token(&self) -> JsString {
        JsString::from(self.inner.access_token.expose())
    }

    /// The refresh token, if any.
    #[wasm_bindgen(getter, js_name = refreshToken)]
    pub fn refresh_token(&self) -> Option<JsString> {
        self.inner
            .refresh_token
            .as_ref()
            .map(|t| JsString::from(t.expose()))
    }

    /// `Bearer`.
    #[wasm_bindgen(getter, js_name = tokenType)]
    pub fn token_type(&self) -> String {
        self.inner.token_type.clone()
    }

    /// Lifetime of the ID and access tokens, in seconds.
    #[wasm_bindgen(getter, js_name = expiresIn)]
    pub fn expires_in(&self) -> f64 {
        convert::secs_to_f64(self.inner.expires_in)
    }

    /// Unix seconds when they expire.
    #[wasm_bindgen(getter, js_name = expiresAt)]
    pub fn expires_at(&self) -> f64 {
        convert::secs_to_f64(self.inner.expires_at.as_secs())
    }

    /// `{ deviceKey, deviceGroupKey }` when the pool tracks devices and this one is new.
    #[wasm_bindgen(getter, js_name = newDevice)]
    pub fn new_device(&self) -> JsValue {
        match &self.inner.new_device {
            Some(d) => convert::object(&[
                ("deviceKey", JsValue::from_str(&d.device_key)),
                ("deviceGroupKey", JsValue::from_str(&d.device_group_key)),
            ]),
            None => JsValue::UNDEFINED,
        }
    }

    /// Cognito's internal user name, read from the tokens.
    #[wasm_bindgen(getter, js_name = internalUsername)]
    pub fn internal_username(&self) -> Option<String> {
        self.inner.internal_username()
    }

    /// True when expired at `now` with `margin` seconds to spare.
    #[wasm_bindgen(js_name = isExpired)]
    pub fn is_expired(&self, now: f64, margin: f64) -> Result<bool> {
        let margin = unix_time(margin)?;
        Ok(self.inner.is_expired(unix_time(now)?, margin.as_secs()))
    }

    /// The core's serialized form, to store (it holds the tokens).
    #[wasm_bindgen(js_name = toStorageJson)]
    pub fn to_storage_json(&self) -> Result<JsString> {
        let json = convert::secret_json(&self.inner)?;
        Ok(JsString::from(json.expose()))
    }

    /// Tokens stored with `toStorageJson`.
    #[wasm_bindgen(js_name = fromStorageJson)]
    pub fn from_storage_json(json: String) -> Result<RawTokens> {
        let json = Zeroizing::new(json);
        cognito_auth::Tokens::from_json(&json)
            .map(RawTokens::wrap)
            .map_err(Failure::from)
    }
}

/// A remembered device (its password zeroized when freed).
#[wasm_bindgen]
pub struct RawDevice {
    inner: cognito_auth::DeviceCredentials,
}

#[wasm_bindgen]
impl RawDevice {
    /// `DeviceKey`.
    #[wasm_bindgen(getter, js_name = deviceKey)]
    pub fn device_key(&self) -> String {
        self.inner.device_key.clone()
    }

    /// `DeviceGroupKey`.
    #[wasm_bindgen(getter, js_name = deviceGroupKey)]
    pub fn device_group_key(&self) -> String {
        self.inner.device_group_key.clone()
    }

    /// The `sub` of the user the device belongs to.
    #[wasm_bindgen(getter, js_name = userSub)]
    pub fn user_sub(&self) -> String {
        self.inner.user_sub.clone()
    }

    /// The device secret.
    #[wasm_bindgen(getter, js_name = devicePassword)]
    pub fn device_password(&self) -> JsString {
        JsString::from(self.inner.device_password.expose())
    }

    /// A copy (the sign-in takes its own).
    #[wasm_bindgen(js_name = clone)]
    pub fn clone_device(&self) -> RawDevice {
        RawDevice {
            inner: self.inner.clone(),
        }
    }

    /// The core's serialized form, to store (it holds the device password).
    #[wasm_bindgen(js_name = toStorageJson)]
    pub fn to_storage_json(&self) -> Result<JsString> {
        let json = convert::secret_json(&self.inner)?;
        Ok(JsString::from(json.expose()))
    }

    /// A device stored with `toStorageJson`.
    #[wasm_bindgen(js_name = fromStorageJson)]
    pub fn from_storage_json(json: String) -> Result<RawDevice> {
        let json = Zeroizing::new(json);
        cognito_auth::DeviceCredentials::from_json(&json)
            .map(|inner| RawDevice { inner })
            .map_err(Failure::from)
    }
}

/// One refresh (the core `Refresh`).
#[wasm_bindgen]
pub struct RawRefresh {
    inner: cognito_auth::Refresh,
}

#[wasm_bindgen]
impl RawRefresh {
    /// Refreshes `tokens`; `flow`: `GetTokensFromRefreshToken` (default) or
    /// `REFRESH_TOKEN_AUTH`.
    #[wasm_bindgen(constructor)]
    pub fn new(config: &RawConfig, tokens: &RawTokens, flow: Option<String>) -> Result<RawRefresh> {
        let inner = cognito_auth::Refresh::new(Arc::clone(&config.inner), &tokens.inner)
            .map_err(Failure::from)?
            .with_flow(parse_refresh_flow(flow.as_deref())?);
        Ok(RawRefresh { inner })
    }

    /// From a refresh token alone.
    #[wasm_bindgen(js_name = fromRefreshToken)]
    pub fn from_refresh_token(
        config: &RawConfig,
        refresh_token: String,
        flow: Option<String>,
        internal_username: Option<String>,
        device_key: Option<String>,
    ) -> Result<RawRefresh> {
        let mut inner =
            cognito_auth::Refresh::from_refresh_token(Arc::clone(&config.inner), refresh_token)
                .with_flow(parse_refresh_flow(flow.as_deref())?);
        if let Some(username) = internal_username {
            inner = inner.with_internal_username(username);
        }
        if let Some(device_key) = device_key {
            inner = inner.with_device_key(device_key);
        }
        Ok(RawRefresh { inner })
    }

    /// The refresh request.
    pub fn request(&mut self) -> Result<JsValue> {
        Ok(request_to_js(self.inner.request().map_err(Failure::from)?))
    }

    /// The reply: the new tokens.
    #[wasm_bindgen(js_name = handleResponse)]
    pub fn handle_response(
        &mut self,
        status: u16,
        headers: Vec<String>,
        body: String,
        now: f64,
    ) -> Result<RawTokens> {
        let now = unix_time(now)?;
        let inner = &mut self.inner;
        let tokens = with_response(status, &headers, body, |response| {
            inner.handle_response(response, now)
        })
        .map_err(Failure::from)?;
        Ok(RawTokens::wrap(tokens))
    }
}

/// The core `TokenManager`: single-flight refresh with backoff.
#[wasm_bindgen]
pub struct RawTokenManager {
    inner: cognito_auth::TokenManager,
}

#[wasm_bindgen]
impl RawTokenManager {
    /// Manages a copy of `tokens`.
    #[wasm_bindgen(constructor)]
    pub fn new(
        config: &RawConfig,
        tokens: &RawTokens,
        margin: Option<f64>,
        flow: Option<String>,
        request_timeout: Option<f64>,
    ) -> Result<RawTokenManager> {
        let mut inner =
            cognito_auth::TokenManager::new(Arc::clone(&config.inner), tokens.inner.clone())
                .with_flow(parse_refresh_flow(flow.as_deref())?);
        if let Some(margin) = margin {
            inner = inner.with_margin(unix_time(margin)?.as_secs());
        }
        if let Some(timeout) = request_timeout {
            inner = inner.with_request_timeout(unix_time(timeout)?.as_secs());
        }
        Ok(RawTokenManager { inner })
    }

    /// A copy of the current tokens; `undefined` once signed out.
    pub fn tokens(&self) -> Option<RawTokens> {
        self.inner.tokens().cloned().map(RawTokens::wrap)
    }

    /// The access token if not expired at `now`.
    #[wasm_bindgen(js_name = accessToken)]
    pub fn access_token(&self, now: f64) -> Result<Option<JsString>> {
        Ok(self
            .inner
            .access_token(unix_time(now)?)
            .map(|t| JsString::from(t.expose())))
    }

    /// True while a refresh is out.
    #[wasm_bindgen(getter, js_name = isRefreshing)]
    pub fn is_refreshing(&self) -> bool {
        self.inner.is_refreshing()
    }

    /// When `pollRefresh` next has work (Unix seconds), or `undefined`.
    #[wasm_bindgen(js_name = nextRefreshAt)]
    pub fn next_refresh_at(&self) -> Option<f64> {
        self.inner
            .next_refresh_at()
            .map(|t| convert::secs_to_f64(t.as_secs()))
    }

    /// A refresh request when one is due and none is out.
    #[wasm_bindgen(js_name = pollRefresh)]
    pub fn poll_refresh(&mut self, now: f64) -> Result<JsValue> {
        let request = self
            .inner
            .poll_refresh(unix_time(now)?)
            .map_err(Failure::from)?;
        Ok(request.map_or(JsValue::UNDEFINED, request_to_js))
    }

    /// A refresh request now, unless one is out.
    #[wasm_bindgen(js_name = refreshNow)]
    pub fn refresh_now(&mut self) -> Result<JsValue> {
        let request = self.inner.refresh_now().map_err(Failure::from)?;
        Ok(request.map_or(JsValue::UNDEFINED, request_to_js))
    }

    /// The reply to the refresh: `{ outcome: 'refreshed' | 'retryLater' | 'signedOut', error }`.
    #[wasm_bindgen(js_name = handleRefreshResponse)]
    pub fn handle_refresh_response(
        &mut self,
        status: u16,
        headers: Vec<String>,
        body: String,
        now: f64,
    ) -> Result<JsValue> {
        let now = unix_time(now)?;
        let inner = &mut self.inner;
        let outcome = with_response(status, &headers, body, |response| {
            inner.handle_refresh_response(response, now)
        })
        .map_err(Failure::from)?;
        let (name, error) = match outcome {
            cognito_auth::RefreshOutcome::Refreshed => ("refreshed", JsValue::UNDEFINED),
            cognito_auth::RefreshOutcome::RetryLater(e) => {
                ("retryLater", Failure::from(e).into_js())
            }
            cognito_auth::RefreshOutcome::SignedOut(e) => ("signedOut", Failure::from(e).into_js()),
            _ => ("retryLater", JsValue::UNDEFINED),
        };
        Ok(convert::object(&[
            ("outcome", JsValue::from_str(name)),
            ("error", error),
        ]))
    }

    /// No reply came to the refresh.
    #[wasm_bindgen(js_name = handleTransportFailure)]
    pub fn handle_transport_failure(&mut self, now: f64) -> Result<()> {
        self.inner
            .handle_transport_failure(unix_time(now)?)
            .map_err(Failure::from)?;
        Ok(())
    }
}

/// ConfirmDevice, then UpdateDeviceStatus (the core `DeviceConfirmation`).
#[wasm_bindgen]
pub struct RawDeviceConfirmation {
    inner: cognito_auth::DeviceConfirmation,
}

#[wasm_bindgen]
impl RawDeviceConfirmation {
    /// For the new device of these tokens.
    #[wasm_bindgen(constructor)]
    pub fn new(config: &RawConfig, tokens: &RawTokens) -> Result<RawDeviceConfirmation> {
        let inner = cognito_auth::DeviceConfirmation::new(Arc::clone(&config.inner), &tokens.inner)
            .map_err(Failure::from)?;
        Ok(RawDeviceConfirmation { inner })
    }

    /// The ConfirmDevice request.
    pub fn start(&mut self, device_name: Option<String>) -> Result<JsValue> {
        Ok(request_to_js(
            self.inner
                .start(device_name.as_deref())
                .map_err(Failure::from)?,
        ))
    }

    /// Its reply: `{ device: RawDevice, userConfirmationNecessary }`.
    #[wasm_bindgen(js_name = handleResponse)]
    pub fn handle_response(
        &mut self,
        status: u16,
        headers: Vec<String>,
        body: String,
    ) -> Result<JsValue> {
        let inner = &mut self.inner;
        let confirmed = with_response(status, &headers, body, |response| {
            inner.handle_response(response)
        })
        .map_err(Failure::from)?;
        Ok(convert::object(&[
            (
                "device",
                JsValue::from(RawDevice {
                    inner: confirmed.credentials,
                }),
            ),
            (
                "userConfirmationNecessary",
                JsValue::from_bool(confirmed.user_confirmation_necessary),
            ),
        ]))
    }

    /// The UpdateDeviceStatus request (remembered or not).
    pub fn remember(&mut self, remember: bool) -> Result<JsValue> {
        Ok(request_to_js(
            self.inner.remember(remember).map_err(Failure::from)?,
        ))
    }

    /// Its reply.
    #[wasm_bindgen(js_name = handleStatusResponse)]
    pub fn handle_status_response(
        &mut self,
        status: u16,
        headers: Vec<String>,
        body: String,
    ) -> Result<()> {
        let inner = &mut self.inner;
        with_response(status, &headers, body, |response| {
            inner.handle_status_response(response)
        })
        .map_err(Failure::from)?;
        Ok(())
    }
}

/// Any operation by name with a JSON input (`Request::from_json`): the request to send.
#[wasm_bindgen(js_name = rawOperationRequest)]
pub fn raw_operation_request(
    config: &RawConfig,
    operation: &str,
    input_json: String,
) -> Result<JsValue> {
    let operation = Operation::from_name(operation)
        .ok_or_else(|| invalid_input(format!("no Cognito operation is named {operation:?}")))?;
    let input_json = Zeroizing::new(input_json);
    let request = cognito_auth::Request::from_json_text(&config.inner, operation, &input_json)
        .map_err(Failure::from)?;
    Ok(request_to_js(request))
}

/// The reply to any operation: its JSON output (a string), or the service error thrown.
#[wasm_bindgen(js_name = rawOperationResponse)]
pub fn raw_operation_response(status: u16, headers: Vec<String>, body: String) -> Result<JsString> {
    with_response(status, &headers, body, |response| {
        // The core's reading (any `Call` reads errors the same way; GlobalSignOut's output is
        // `Empty`, which takes any JSON object, or an empty body).
        use cognito_auth::account::Call as _;
        cognito_auth::account::GlobalSignOut::parse(response).map_err(Failure::from)?;
        let text = std::str::from_utf8(response.body())
            .map_err(|_| Failure::invalid_response("the reply is not UTF-8"))?;
        if text.trim().is_empty() {
            return Ok(JsString::from("{}"));
        }
        Ok(JsString::from(text))
    })
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
