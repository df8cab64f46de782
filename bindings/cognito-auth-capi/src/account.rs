//! The generic account call: any unsigned operation by name with a JSON input, built by the
//! core's typed builders (`SecretHash`, `ClientId` and the context added as the typed API
//! does), and its reply read back into the output's JSON.

use cognito_auth::HttpResponse;

use crate::bytes::{CognitoBytes, CognitoHeader, CognitoRequest, borrow, borrow_str, write_out};
use crate::error::{CognitoResult, Failure};
use crate::panic::boundary;
use crate::sign_in::{CognitoConfig, handle, response_with_headers};

/// The same code as the UniFFI crate's `AccountCall`, so every language reaches one
/// implementation of the JSON-to-builder mapping.
mod generic {
    include!("../../cognito-auth-ffi/src/account_json.rs");
}

use generic::AccountError;

impl From<AccountError> for Failure {
    fn from(error: AccountError) -> Self {
        match error {
            AccountError::Core(error) => error.into(),
            AccountError::Input(reason) => Failure::new(CognitoResult::InvalidInput, reason),
            AccountError::Reply(reason) => Failure::new(CognitoResult::InvalidResponse, reason),
        }
    }
}

/// Builds the request for the account operation `operation` (as the service spells it:
/// `GetUser`, `ChangePassword`, `SignUp`, `SetUserMFAPreference`...) with `input_json`, its
/// input in the service's JSON shape (`{"AccessToken": "..."}`; an empty input is `{}`).
/// Operations the core types are built by its builders, which add `ClientId`, `SecretHash`
/// (with the configured client secret) and the configured context, and refuse members they
/// do not know; others are sent as given. Writes the request to `*out_request` (unset on
/// failure); its body holds secrets (tokens, passwords): free it promptly.
///
/// Fails with `COGNITO_RESULT_INVALID_INPUT` for an unknown or administrative (SigV4)
/// operation, or input that is not the operation's shape.
///
/// # Safety
/// `config` must be null or live; the text pointers must point to their lengths of bytes;
/// `out_request` must be valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cognito_account_request(
    config: *const CognitoConfig,
    operation: *const u8,
    operation_len: usize,
    input_json: *const u8,
    input_json_len: usize,
    out_request: *mut CognitoRequest,
) -> CognitoResult {
    boundary(|| {
        // SAFETY: the caller's contract above, for every pointer.
        unsafe {
            write_out(out_request, CognitoRequest::EMPTY, "out_request")?;
            let config = handle(config, "config")?;
            let operation = borrow_str(operation, operation_len, "operation")?;
            let input = borrow_str(input_json, input_json_len, "input_json")?;
            let request = generic::account_request(config.core(), operation, input)?;
            write_out(
                out_request,
                CognitoRequest::from_request(&request),
                "out_request",
            )
        }
    })
}

/// Reads Cognito's reply to an account request made by `cognito_account_request` for
/// `operation`: the status, `headers_len` headers (headers that are not UTF-8 are skipped) and
/// the body. Writes the operation's output as JSON to `*out_json` (`{}` for operations without
/// one; unset on failure). The output may hold secrets (a Session, a TOTP secret): free it
/// with `cognito_bytes_free`, which zeroizes it.
///
/// Fails with `COGNITO_RESULT_SERVICE` for Cognito's errors (`cognito_last_service_error_code`
/// names it) and `COGNITO_RESULT_INVALID_RESPONSE` for a 2xx body that is not the output.
///
/// # Safety
/// `operation` must point to `operation_len` bytes; `headers` to `headers_len` headers whose
/// pointers each point to their lengths of bytes; `body` to `body_len` bytes; `out_json` must
/// be valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cognito_account_response(
    operation: *const u8,
    operation_len: usize,
    status: u16,
    headers: *const CognitoHeader,
    headers_len: usize,
    body: *const u8,
    body_len: usize,
    out_json: *mut CognitoBytes,
) -> CognitoResult {
    boundary(|| {
        // SAFETY: the caller's contract above, for every pointer.
        unsafe {
            write_out(out_json, CognitoBytes::EMPTY, "out_json")?;
            let operation = borrow_str(operation, operation_len, "operation")?;
            let body = borrow(body, body_len, "body")?;
            let response =
                response_with_headers(HttpResponse::new(status, body), headers, headers_len)?;
            let json = generic::account_response(operation, response)?;
            write_out(
                out_json,
                CognitoBytes::copy_of(json.expose().as_bytes()),
                "out_json",
            )
        }
    })
}
