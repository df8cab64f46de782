//! The typed account operations (`cognito_auth::account`) by name (feature `full`, the npm
//! package's `cognito-auth/full` module): the request built by the
//! core's builder (which adds `ClientId`, `SecretHash` from the configured client secret, and
//! the configured context), the reply read by the same operation's `Call::parse`. The mapping
//! is the UniFFI and C bindings' own (`cognito-auth-ffi/src/account_json.rs`, included), so
//! every language reaches one implementation; the JS layer (`bindings/js/src/account.mjs`)
//! converts its camelCase objects to and from the service's PascalCase JSON.

use js_sys::JsString;
use wasm_bindgen::prelude::*;
use zeroize::Zeroizing;

use crate::convert::request_to_js;
use crate::error::{Failure, Result, invalid_input};
use crate::{RawConfig, with_response};

mod generic {
    include!("../../cognito-auth-ffi/src/account_json.rs");
}

use generic::AccountError;

impl From<AccountError> for Failure {
    fn from(error: AccountError) -> Self {
        match error {
            AccountError::Core(error) => error.into(),
            AccountError::Input(reason) => invalid_input(reason),
            AccountError::Reply(reason) => Failure::invalid_response(reason),
        }
    }
}

/// The request of the account operation `operation` (`SignUp`, `GetUser`,
/// `SetUserMFAPreference`...) with its input as the service's JSON; SigV4 operations are
/// refused, members an operation does not have too.
#[wasm_bindgen(js_name = rawAccountRequest)]
pub fn raw_account_request(
    config: &RawConfig,
    operation: &str,
    input_json: String,
) -> Result<JsValue> {
    let input_json = Zeroizing::new(input_json);
    let request = generic::account_request(&config.inner, operation, &input_json)?;
    Ok(request_to_js(request))
}

/// The reply to [`raw_account_request`]'s request: the typed output as the service's JSON
/// (a string), or the service error thrown.
#[wasm_bindgen(js_name = rawAccountResponse)]
pub fn raw_account_response(
    operation: &str,
    status: u16,
    headers: Vec<String>,
    body: String,
) -> Result<JsString> {
    let output = with_response(status, &headers, body, |response| {
        generic::account_response(operation, response)
    })
    .map_err(Failure::from)?;
    Ok(JsString::from(output.expose()))
}
