//! The handles: a pool configuration and a sign-in.

use std::sync::{Arc, Mutex, MutexGuard};

use cognito_auth::{Challenge, ChallengeAnswer, HttpResponse, PoolConfig, SignIn, Step, UnixTime};

use crate::bytes::{
    CognitoBytes, CognitoHeader, CognitoRequest, borrow, borrow_array, borrow_opt_str, borrow_str,
    write_out,
};
use crate::error::{CognitoResult, Failure};
use crate::panic::{boundary, quietly};

/// A user pool and app client (opaque). Make it with `cognito_config_new`, free it with
/// `cognito_config_free`; sign-ins made from it keep their own reference.
#[derive(Debug)]
pub struct CognitoConfig {
    inner: Arc<PoolConfig>,
}

/// One user's sign-in (opaque). Make it with `cognito_sign_in_new`, free it with
/// `cognito_sign_in_free`.
#[derive(Debug)]
pub struct CognitoSignIn {
    inner: Mutex<SignIn>,
}

/// What `cognito_sign_in_handle_response` found (the value of `CognitoStep.kind`).
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CognitoStepKind {
    /// Send `request`, then call `cognito_sign_in_handle_response` again.
    Send = 1,
    /// Ask the user: `challenge_name` says what (`SOFTWARE_TOKEN_MFA`, `SMS_MFA`...). Codes are
    /// answered with `cognito_sign_in_answer_code`.
    Challenge = 2,
    /// Signed in: `tokens_json` holds the tokens.
    Done = 3,
    /// The sign-up was never confirmed.
    ConfirmSignUp = 4,
    /// An administrator requires a password reset.
    ResetPassword = 5,
    /// Cognito forgot the stored device `device_key`: forget it, then send `request`.
    DeviceForgotten = 6,
}

/// The next step of a sign-in. Every buffer is unset unless the kind says otherwise. Release
/// it with `cognito_step_free`.
#[repr(C)]
#[derive(Debug)]
pub struct CognitoStep {
    /// A `CognitoStepKind` value.
    pub kind: u32,
    /// For `SEND` and `DEVICE_FORGOTTEN`.
    pub request: CognitoRequest,
    /// For `CHALLENGE`: Cognito's challenge name (`TOTP_SETUP` for an authenticator being
    /// enrolled, which has no name of its own).
    pub challenge_name: CognitoBytes,
    /// For `DONE`: `{"id_token","access_token","refresh_token","token_type","expires_in",
    /// "expires_at","new_device"}`. Secrets: keep it out of logs.
    pub tokens_json: CognitoBytes,
    /// For `DEVICE_FORGOTTEN`.
    pub device_key: CognitoBytes,
}

impl CognitoStep {
    const EMPTY: CognitoStep = CognitoStep {
        kind: 0,
        request: CognitoRequest::EMPTY,
        challenge_name: CognitoBytes::EMPTY,
        tokens_json: CognitoBytes::EMPTY,
        device_key: CognitoBytes::EMPTY,
    };

    pub(crate) fn from_step(step: Step) -> Result<Self, Failure> {
        let mut out = Self::EMPTY;
        match step {
            Step::Send(request) => {
                out.kind = CognitoStepKind::Send as u32;
                out.request = CognitoRequest::from_request(&request);
            }
            Step::Challenge(challenge) => {
                out.kind = CognitoStepKind::Challenge as u32;
                out.challenge_name = CognitoBytes::from_str(challenge_name(&challenge));
            }
            Step::Done(tokens) => {
                let json = CognitoBytes::json_of(&*tokens).map_err(|e| {
                    Failure::new(
                        CognitoResult::Internal,
                        format!("cannot serialize tokens: {e}"),
                    )
                })?;
                out.kind = CognitoStepKind::Done as u32;
                out.tokens_json = json;
            }
            Step::ConfirmSignUp => out.kind = CognitoStepKind::ConfirmSignUp as u32,
            Step::ResetPassword => out.kind = CognitoStepKind::ResetPassword as u32,
            Step::DeviceForgotten {
                request,
                device_key,
            } => {
                out.kind = CognitoStepKind::DeviceForgotten as u32;
                out.request = CognitoRequest::from_request(&request);
                out.device_key = CognitoBytes::from_str(&device_key);
            }
            _ => {
                return Err(Failure::new(
                    CognitoResult::Internal,
                    "a kind of step this C API does not know",
                ));
            }
        }
        Ok(out)
    }
}

/// Cognito's challenge name, except for an authenticator being enrolled: it is part of
/// MFA_SETUP, which the app has already answered, so it gets a name of its own.
fn challenge_name(challenge: &Challenge) -> &str {
    match challenge {
        Challenge::TotpSetup(_) => "TOTP_SETUP",
        other => other.name(),
    }
}

/// Where a sign-in is (the value `cognito_sign_in_status` writes).
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CognitoStatus {
    /// Not started.
    NotStarted = 1,
    /// A request is out.
    AwaitingResponse = 2,
    /// A challenge waits for an answer.
    AwaitingAnswer = 3,
    /// Finished.
    Done = 4,
    /// Failed for good (or poisoned by a panic).
    Failed = 5,
}

/// Adds the caller's headers to `response`; a header that is not UTF-8 is skipped (only
/// three are read, none of them ever binary).
///
/// # Safety
/// `headers` must point to `headers_len` headers whose pointers each point to their lengths
/// of bytes, valid for `'a`.
pub(crate) unsafe fn response_with_headers<'a>(
    mut response: HttpResponse<'a>,
    headers: *const CognitoHeader,
    headers_len: usize,
) -> Result<HttpResponse<'a>, Failure> {
    // SAFETY: forwarded contract.
    let headers = unsafe { borrow_array(headers, headers_len, "headers") }?;
    for header in headers {
        // SAFETY: forwarded contract, for each header's pointers.
        let name = unsafe { borrow_str(header.name, header.name_len, "header name") };
        // SAFETY: as above.
        let value = unsafe { borrow_str(header.value, header.value_len, "header value") };
        match (name, value) {
            (Ok(name), Ok(value)) => response = response.header(name, value),
            (Err(e), _) | (_, Err(e)) if e.code != CognitoResult::InvalidUtf8 => return Err(e),
            _ => {}
        }
    }
    Ok(response)
}

/// Borrows a handle.
///
/// # Safety
/// `handle` must be null or a live pointer from the matching `*_new`.
pub(crate) unsafe fn handle<'a, T>(handle: *const T, what: &str) -> Result<&'a T, Failure> {
    // SAFETY: null or live and properly made, per the contract above.
    unsafe { handle.as_ref() }.ok_or_else(|| Failure::null(what))
}

impl CognitoConfig {
    pub(crate) fn core(&self) -> &PoolConfig {
        &self.inner
    }

    pub(crate) fn shared(&self) -> Arc<PoolConfig> {
        Arc::clone(&self.inner)
    }
}

impl CognitoSignIn {
    /// Hands a sign-in over to the caller as a handle for `cognito_sign_in_free`.
    pub(crate) fn into_raw(sign_in: SignIn) -> *mut Self {
        Box::into_raw(Box::new(CognitoSignIn {
            inner: Mutex::new(sign_in),
        }))
    }

    pub(crate) fn lock(&self) -> Result<MutexGuard<'_, SignIn>, Failure> {
        self.inner.lock().map_err(|_| {
            Failure::new(
                CognitoResult::Internal,
                "the sign-in is unusable: an earlier call on it panicked",
            )
        })
    }
}

/// Makes a configuration: the pool id (`us-east-1_AbC123`), the app client id, the client
/// secret (null when the app client has none) and the endpoint (null for the region's).
/// Writes the handle to `*out_config` (null on failure).
///
/// # Safety
/// Each pointer must be null or point to its length of readable bytes; `out_config` must be
/// valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cognito_config_new(
    pool_id: *const u8,
    pool_id_len: usize,
    client_id: *const u8,
    client_id_len: usize,
    client_secret: *const u8,
    client_secret_len: usize,
    endpoint: *const u8,
    endpoint_len: usize,
    out_config: *mut *mut CognitoConfig,
) -> CognitoResult {
    boundary(|| {
        // SAFETY: the caller's contract above, for every pointer.
        unsafe {
            write_out(out_config, std::ptr::null_mut(), "out_config")?;
            let pool_id = borrow_str(pool_id, pool_id_len, "pool_id")?;
            let client_id = borrow_str(client_id, client_id_len, "client_id")?;
            let secret = borrow_opt_str(client_secret, client_secret_len, "client_secret")?;
            let endpoint = borrow_opt_str(endpoint, endpoint_len, "endpoint")?;
            let mut config = PoolConfig::new(pool_id, client_id)
                .map_err(|e| Failure::new(CognitoResult::InvalidInput, e.to_string()))?;
            if let Some(secret) = secret {
                config = config.with_client_secret(secret);
            }
            if let Some(endpoint) = endpoint {
                config = config.with_endpoint(endpoint);
            }
            let boxed = Box::new(CognitoConfig {
                inner: Arc::new(config),
            });
            write_out(out_config, Box::into_raw(boxed), "out_config")
        }
    })
}

/// Frees a configuration. Null is ignored.
///
/// # Safety
/// `config` must be null or from `cognito_config_new`, and not freed before.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cognito_config_free(config: *mut CognitoConfig) {
    quietly(|| {
        if !config.is_null() {
            // SAFETY: made by `Box::into_raw` in `cognito_config_new`, freed once.
            drop(unsafe { Box::from_raw(config) });
        }
    });
}

/// Makes an SRP sign-in (USER_SRP_AUTH) for `username` with `password`.
///
/// # Safety
/// `config` must be null or live; the text pointers must point to their lengths of bytes;
/// `out_sign_in` must be valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cognito_sign_in_new(
    config: *const CognitoConfig,
    username: *const u8,
    username_len: usize,
    password: *const u8,
    password_len: usize,
    out_sign_in: *mut *mut CognitoSignIn,
) -> CognitoResult {
    boundary(|| {
        // SAFETY: the caller's contract above, for every pointer.
        unsafe {
            write_out(out_sign_in, std::ptr::null_mut(), "out_sign_in")?;
            let config = handle(config, "config")?;
            let username = borrow_str(username, username_len, "username")?;
            let password = borrow_str(password, password_len, "password")?;
            let sign_in = SignIn::new(Arc::clone(&config.inner), username, password);
            write_out(out_sign_in, CognitoSignIn::into_raw(sign_in), "out_sign_in")
        }
    })
}

/// Writes the InitiateAuth request to `*out_request` (unset on failure).
///
/// # Safety
/// `sign_in` must be null or live; `out_request` must be valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cognito_sign_in_start(
    sign_in: *const CognitoSignIn,
    out_request: *mut CognitoRequest,
) -> CognitoResult {
    boundary(|| {
        // SAFETY: the caller's contract above.
        unsafe {
            write_out(out_request, CognitoRequest::EMPTY, "out_request")?;
            let request = handle(sign_in, "sign_in")?.lock()?.start()?;
            write_out(
                out_request,
                CognitoRequest::from_request(&request),
                "out_request",
            )
        }
    })
}

/// Feeds Cognito's reply to the last request: the status, `headers_len` headers (only
/// `x-amzn-ErrorType`, `x-amzn-RequestId` and `Date` are read; headers that are not UTF-8 are
/// skipped), the body, and the current time in Unix seconds. Writes the next step to
/// `*out_step` (all unset on failure).
///
/// # Safety
/// `sign_in` must be null or live; `headers` must point to `headers_len` headers whose
/// pointers each point to their lengths of bytes; `body` to `body_len` bytes; `out_step`
/// must be valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cognito_sign_in_handle_response(
    sign_in: *const CognitoSignIn,
    status: u16,
    headers: *const CognitoHeader,
    headers_len: usize,
    body: *const u8,
    body_len: usize,
    now_unix_secs: u64,
    out_step: *mut CognitoStep,
) -> CognitoResult {
    boundary(|| {
        // SAFETY: the caller's contract above, for every pointer.
        unsafe {
            write_out(out_step, CognitoStep::EMPTY, "out_step")?;
            let sign_in = handle(sign_in, "sign_in")?;
            let body = borrow(body, body_len, "body")?;
            let response =
                response_with_headers(HttpResponse::new(status, body), headers, headers_len)?;
            let step = sign_in
                .lock()?
                .handle_response(response, UnixTime(now_unix_secs))?;
            write_out(out_step, CognitoStep::from_step(step)?, "out_step")
        }
    })
}

/// Answers the pending challenge with a one-time code (SMS_MFA, SOFTWARE_TOKEN_MFA,
/// EMAIL_OTP, SMS_OTP). Writes the request to send to `*out_request`.
///
/// # Safety
/// `sign_in` must be null or live; `code` must point to `code_len` bytes; `out_request` must
/// be valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cognito_sign_in_answer_code(
    sign_in: *const CognitoSignIn,
    code: *const u8,
    code_len: usize,
    out_request: *mut CognitoRequest,
) -> CognitoResult {
    boundary(|| {
        // SAFETY: the caller's contract above, for every pointer.
        unsafe {
            write_out(out_request, CognitoRequest::EMPTY, "out_request")?;
            let sign_in = handle(sign_in, "sign_in")?;
            let code = borrow_str(code, code_len, "code")?;
            let request = sign_in.lock()?.answer(ChallengeAnswer::code(code))?;
            write_out(
                out_request,
                CognitoRequest::from_request(&request),
                "out_request",
            )
        }
    })
}

/// Writes where the sign-in is (a `CognitoStatus` value) to `*out_status`.
///
/// # Safety
/// `sign_in` must be null or live; `out_status` must be valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cognito_sign_in_status(
    sign_in: *const CognitoSignIn,
    out_status: *mut u32,
) -> CognitoResult {
    boundary(|| {
        // SAFETY: the caller's contract above.
        unsafe {
            let sign_in = handle(sign_in, "sign_in")?;
            let status = match sign_in.lock().map(|s| s.status()) {
                Ok(cognito_auth::Status::NotStarted) => CognitoStatus::NotStarted,
                Ok(cognito_auth::Status::AwaitingResponse(_)) => CognitoStatus::AwaitingResponse,
                Ok(cognito_auth::Status::AwaitingAnswer) => CognitoStatus::AwaitingAnswer,
                Ok(cognito_auth::Status::Done) => CognitoStatus::Done,
                _ => CognitoStatus::Failed,
            };
            write_out(out_status, status as u32, "out_status")
        }
    })
}

/// Frees a sign-in (its secrets are zeroized). Null is ignored.
///
/// # Safety
/// `sign_in` must be null or from `cognito_sign_in_new`, not freed before, and not in use
/// by another thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cognito_sign_in_free(sign_in: *mut CognitoSignIn) {
    quietly(|| {
        if !sign_in.is_null() {
            // SAFETY: made by `Box::into_raw` in `cognito_sign_in_new`, freed once.
            drop(unsafe { Box::from_raw(sign_in) });
        }
    });
}

/// Frees the buffers of a step and resets them. Null is ignored.
///
/// # Safety
/// `step` must be null or a step filled by `cognito_sign_in_handle_response` (or zeroed).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cognito_step_free(step: *mut CognitoStep) {
    quietly(|| {
        // SAFETY: null or valid for reads and writes, per the contract above.
        if let Some(step) = unsafe { step.as_mut() } {
            step.request.release();
            step.challenge_name.release();
            step.tokens_json.release();
            step.device_key.release();
            step.kind = 0;
        }
    });
}

/// Writes the current 6-digit TOTP code (SHA-1, 30 s) for a base32 secret to `*out_code`.
///
/// # Safety
/// `secret` must point to `secret_len` bytes; `out_code` must be valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cognito_totp_code(
    secret: *const u8,
    secret_len: usize,
    now_unix_secs: u64,
    out_code: *mut CognitoBytes,
) -> CognitoResult {
    boundary(|| {
        // SAFETY: the caller's contract above.
        unsafe {
            write_out(out_code, CognitoBytes::EMPTY, "out_code")?;
            let secret = borrow_str(secret, secret_len, "secret")?;
            let code = cognito_auth::totp::code(secret, UnixTime(now_unix_secs))?;
            write_out(out_code, CognitoBytes::from_str(&code), "out_code")
        }
    })
}
