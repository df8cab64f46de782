//! Any operation by name with a JSON input, and its reply as JSON text.

use cognito_auth::Operation;
use js_sys::JsString;
use wasm_bindgen::prelude::*;
use zeroize::Zeroizing;

use crate::convert::request_to_js;
use crate::error::{Failure, Result, invalid_input};
use crate::{RawConfig, with_response};

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
