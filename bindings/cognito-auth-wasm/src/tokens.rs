//! `RawTokens` and `RawDevice`: what a sign-in gives, kept in wasm memory until JS reads it.

use js_sys::JsString;
use wasm_bindgen::prelude::*;
use zeroize::Zeroizing;

use crate::convert;
use crate::error::{Failure, Result};
use crate::unix_time;

/// Tokens from a sign-in or refresh, kept in wasm memory (zeroized when freed).
#[wasm_bindgen]
pub struct RawTokens {
    pub(crate) inner: cognito_auth::Tokens,
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
    pub(crate) inner: cognito_auth::DeviceCredentials,
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
