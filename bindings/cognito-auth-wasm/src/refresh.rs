//! `RawRefresh` (one refresh) and `RawTokenManager` (single-flight refresh with backoff).

use std::sync::Arc;

use js_sys::JsString;
use wasm_bindgen::prelude::*;

use crate::convert::{self, parse_refresh_flow, request_to_js};
use crate::error::{Failure, Result};
use crate::{RawConfig, RawTokens, unix_time, with_response};

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
