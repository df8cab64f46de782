//! `CognitoDeviceConfirmation`: ConfirmDevice with a fresh device secret and its SRP verifier,
//! then UpdateDeviceStatus when the pool asks the user.

use std::sync::{Mutex, MutexGuard};

use cognito_auth::{DeviceConfirmation, HttpResponse, Request, Tokens};

use crate::bytes::{
    CognitoBytes, CognitoHeader, CognitoRequest, borrow, borrow_opt_str, borrow_str, write_out,
};
use crate::error::{CognitoResult, Failure};
use crate::panic::{boundary, quietly};
use crate::sign_in::{CognitoConfig, handle, response_with_headers};
use crate::sign_in_options::from_json;

/// A device being confirmed (opaque). Make it with `cognito_device_confirmation_new`, free it
/// with `cognito_device_confirmation_free` (the device secret it holds is zeroized).
#[derive(Debug)]
pub struct CognitoDeviceConfirmation {
    inner: Mutex<DeviceConfirmation>,
}

impl CognitoDeviceConfirmation {
    fn lock(&self) -> Result<MutexGuard<'_, DeviceConfirmation>, Failure> {
        self.inner.lock().map_err(|_| {
            Failure::new(
                CognitoResult::Internal,
                "the device confirmation is unusable: an earlier call on it panicked",
            )
        })
    }
}

/// Runs `make` on the locked confirmation and writes the request it gives.
///
/// # Safety
/// `confirmation` must be null or live; `out_request` must be valid for a write.
unsafe fn request_of(
    confirmation: *const CognitoDeviceConfirmation,
    out_request: *mut CognitoRequest,
    make: impl FnOnce(&mut DeviceConfirmation) -> Result<Request, cognito_auth::Error>,
) -> Result<(), Failure> {
    // SAFETY: forwarded contract.
    unsafe {
        write_out(out_request, CognitoRequest::EMPTY, "out_request")?;
        let request = make(&mut *handle(confirmation, "confirmation")?.lock()?)?;
        write_out(
            out_request,
            CognitoRequest::from_request(&request),
            "out_request",
        )
    }
}

/// Makes a device confirmation for the tokens of a sign-in (`tokens_json`, as a `DONE` step
/// wrote it) that name a new device (`"new_device"` set). Writes the handle to
/// `*out_confirmation` (null on failure). Fails with `COGNITO_RESULT_INVALID_INPUT` for JSON
/// that is not tokens, or tokens without a new device.
///
/// # Safety
/// `config` must be null or live; `tokens_json` must point to `tokens_json_len` bytes;
/// `out_confirmation` must be valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cognito_device_confirmation_new(
    config: *const CognitoConfig,
    tokens_json: *const u8,
    tokens_json_len: usize,
    out_confirmation: *mut *mut CognitoDeviceConfirmation,
) -> CognitoResult {
    boundary(|| {
        // SAFETY: the caller's contract above, for every pointer.
        unsafe {
            write_out(out_confirmation, std::ptr::null_mut(), "out_confirmation")?;
            let config = handle(config, "config")?;
            let json = borrow_str(tokens_json, tokens_json_len, "tokens_json")?;
            let tokens: Tokens = from_json(json, "tokens_json")?;
            let confirmation = DeviceConfirmation::new(config.shared(), &tokens)?;
            let boxed = Box::new(CognitoDeviceConfirmation {
                inner: Mutex::new(confirmation),
            });
            write_out(out_confirmation, Box::into_raw(boxed), "out_confirmation")
        }
    })
}

/// Writes the ConfirmDevice request (a new random device secret, its salt and SRP verifier)
/// to `*out_request`; `device_name` (null for none) is the name the user sees in their device
/// list.
///
/// # Safety
/// `confirmation` must be null or live; `device_name` null (length 0) or pointing to its
/// length of bytes; `out_request` valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cognito_device_confirmation_start(
    confirmation: *const CognitoDeviceConfirmation,
    device_name: *const u8,
    device_name_len: usize,
    out_request: *mut CognitoRequest,
) -> CognitoResult {
    boundary(|| {
        // SAFETY: the caller's contract above, for every pointer.
        unsafe {
            let name = borrow_opt_str(device_name, device_name_len, "device_name")?;
            request_of(confirmation, out_request, |c| c.start(name))
        }
    })
}

/// Reads ConfirmDevice's reply. Writes the device credentials to store (in the keychain)
/// to `*out_device_json`, `{"device_key","device_group_key","device_password","user_sub"}`, the
/// shape `cognito_sign_in_new_with_options` takes as `"device"` (a secret: free it with
/// `cognito_bytes_free`, which zeroizes it), and whether the pool asks the user to remember
/// the device to `*out_user_confirmation_necessary` (then call
/// `cognito_device_confirmation_remember`).
///
/// # Safety
/// `confirmation` must be null or live; `headers` must point to `headers_len` headers whose
/// pointers each point to their lengths of bytes; `body` to `body_len` bytes; the out
/// pointers must be valid for writes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cognito_device_confirmation_handle_response(
    confirmation: *const CognitoDeviceConfirmation,
    status: u16,
    headers: *const CognitoHeader,
    headers_len: usize,
    body: *const u8,
    body_len: usize,
    out_device_json: *mut CognitoBytes,
    out_user_confirmation_necessary: *mut bool,
) -> CognitoResult {
    boundary(|| {
        // SAFETY: the caller's contract above, for every pointer.
        unsafe {
            write_out(out_device_json, CognitoBytes::EMPTY, "out_device_json")?;
            write_out(
                out_user_confirmation_necessary,
                false,
                "out_user_confirmation_necessary",
            )?;
            let confirmation = handle(confirmation, "confirmation")?;
            let body = borrow(body, body_len, "body")?;
            let response =
                response_with_headers(HttpResponse::new(status, body), headers, headers_len)?;
            let confirmed = confirmation.lock()?.handle_response(response)?;
            let json = CognitoBytes::json_of(&confirmed.credentials).map_err(|e| {
                Failure::new(
                    CognitoResult::Internal,
                    format!("cannot serialize the device: {e}"),
                )
            })?;
            write_out(out_device_json, json, "out_device_json")?;
            write_out(
                out_user_confirmation_necessary,
                confirmed.user_confirmation_necessary,
                "out_user_confirmation_necessary",
            )
        }
    })
}

/// After a confirmation that asks the user: writes UpdateDeviceStatus (`remember`: remembered,
/// else not remembered) to `*out_request`. `COGNITO_RESULT_MISUSE` before the device is
/// confirmed or a second time.
///
/// # Safety
/// `confirmation` must be null or live; `out_request` must be valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cognito_device_confirmation_remember(
    confirmation: *const CognitoDeviceConfirmation,
    remember: bool,
    out_request: *mut CognitoRequest,
) -> CognitoResult {
    boundary(|| {
        // SAFETY: the caller's contract above, for every pointer.
        unsafe { request_of(confirmation, out_request, |c| c.remember(remember)) }
    })
}

/// Reads UpdateDeviceStatus's (empty) reply.
///
/// # Safety
/// As `cognito_device_confirmation_handle_response`, without the out pointers.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cognito_device_confirmation_handle_status_response(
    confirmation: *const CognitoDeviceConfirmation,
    status: u16,
    headers: *const CognitoHeader,
    headers_len: usize,
    body: *const u8,
    body_len: usize,
) -> CognitoResult {
    boundary(|| {
        // SAFETY: the caller's contract above, for every pointer.
        unsafe {
            let confirmation = handle(confirmation, "confirmation")?;
            let body = borrow(body, body_len, "body")?;
            let response =
                response_with_headers(HttpResponse::new(status, body), headers, headers_len)?;
            Ok(confirmation.lock()?.handle_status_response(response)?)
        }
    })
}

/// Frees a device confirmation (the device secret it holds is zeroized). Null is ignored.
///
/// # Safety
/// `confirmation` must be null or from `cognito_device_confirmation_new`, not freed before,
/// and not in use by another thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cognito_device_confirmation_free(
    confirmation: *mut CognitoDeviceConfirmation,
) {
    quietly(|| {
        if !confirmation.is_null() {
            // SAFETY: made by `Box::into_raw` in `cognito_device_confirmation_new`, freed once.
            drop(unsafe { Box::from_raw(confirmation) });
        }
    });
}
