//! `RawDeviceConfirmation`: ConfirmDevice, then UpdateDeviceStatus.

use std::sync::Arc;

use wasm_bindgen::prelude::*;

use crate::convert;
use crate::convert::request_to_js;
use crate::error::{Failure, Result};
use crate::{RawConfig, RawDevice, RawTokens, with_response};

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
