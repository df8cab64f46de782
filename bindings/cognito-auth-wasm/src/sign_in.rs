//! `RawSignIn`: one user's sign-in (the core `SignIn`).

use std::sync::Arc;

use cognito_auth::SignIn;
use wasm_bindgen::prelude::*;

use crate::answer::{js_pairs, parse_answer};
use crate::convert::{parse_flow, request_to_js, step_to_js};
use crate::error::{Failure, Result};
use crate::{RawConfig, RawDevice, unix_time, with_response};

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
        let suspended_json = zeroize::Zeroizing::new(suspended_json);
        let suspended: cognito_auth::SuspendedSignIn =
            serde_json::from_slice(suspended_json.as_bytes()).map_err(|e| {
                crate::error::invalid_input(format!("not a suspended sign-in: {e}"))
            })?;
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
    pub fn suspend(&self) -> Result<Option<js_sys::JsString>> {
        let Some(suspended) = self.inner.suspend() else {
            return Ok(None);
        };
        let json = crate::convert::secret_json(&suspended)?;
        Ok(Some(js_sys::JsString::from(json.expose())))
    }
}
