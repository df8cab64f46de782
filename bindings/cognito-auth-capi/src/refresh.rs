//! `CognitoTokenManager`: the core's single-flight, rotation-aware refresh.

use std::sync::{Mutex, MutexGuard};

use cognito_auth::{HttpResponse, RefreshOutcome, TokenManager, Tokens, UnixTime};

use crate::bytes::{CognitoBytes, CognitoHeader, CognitoRequest, borrow, borrow_str, write_out};
use crate::error::{CognitoResult, Failure};
use crate::panic::{boundary, quietly};
use crate::sign_in::{CognitoConfig, handle, response_with_headers};

/// A user's tokens with single-flight refresh (opaque). Make it with
/// `cognito_token_manager_new`, free it with `cognito_token_manager_free`.
#[derive(Debug)]
pub struct CognitoTokenManager {
    inner: Mutex<TokenManager>,
}

/// What a refresh reply did (the value `cognito_token_manager_handle_response` writes).
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CognitoRefreshOutcome {
    /// New tokens are held (and written out): store them.
    Refreshed = 1,
    /// Throttling, a server fault or an unreadable reply: the tokens are kept; poll again
    /// after `cognito_token_manager_next_refresh_at`.
    RetryLater = 2,
    /// The refresh token was refused (revoked, expired, reused): the tokens are dropped; sign
    /// in again.
    SignedOut = 3,
}

impl CognitoTokenManager {
    fn lock(&self) -> Result<MutexGuard<'_, TokenManager>, Failure> {
        self.inner.lock().map_err(|_| {
            Failure::new(
                CognitoResult::Internal,
                "the token manager is unusable: an earlier call on it panicked",
            )
        })
    }
}

pub(crate) fn tokens_json(tokens: &Tokens) -> Result<CognitoBytes, Failure> {
    CognitoBytes::json_of(tokens).map_err(|e| {
        Failure::new(
            CognitoResult::Internal,
            format!("cannot serialize tokens: {e}"),
        )
    })
}

/// Makes a token manager for `tokens_json` (the `tokens_json` of a `DONE` step, or the same
/// JSON read back from secure storage): it refreshes 5 minutes before expiry (at most half the
/// lifetime) with GetTokensFromRefreshToken, gives up on a refresh unanswered for 30 s and
/// backs off 1 s, 2 s, ... 5 min after failures. Writes the handle to `*out_manager` (null on
/// failure).
///
/// # Safety
/// `config` must be null or live; `tokens_json` must point to `tokens_json_len` bytes;
/// `out_manager` must be valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cognito_token_manager_new(
    config: *const CognitoConfig,
    tokens_json: *const u8,
    tokens_json_len: usize,
    out_manager: *mut *mut CognitoTokenManager,
) -> CognitoResult {
    boundary(|| {
        // SAFETY: the caller's contract above, for every pointer.
        unsafe {
            write_out(out_manager, std::ptr::null_mut(), "out_manager")?;
            let config = handle(config, "config")?;
            let json = borrow_str(tokens_json, tokens_json_len, "tokens_json")?;
            let tokens: Tokens = serde_json::from_str(json).map_err(|e| {
                Failure::new(
                    CognitoResult::InvalidInput,
                    format!(
                        "not tokens JSON ({:?} error at line {}, column {})",
                        e.classify(),
                        e.line(),
                        e.column()
                    ),
                )
            })?;
            let manager = TokenManager::new(config.shared(), tokens);
            let boxed = Box::new(CognitoTokenManager {
                inner: Mutex::new(manager),
            });
            write_out(out_manager, Box::into_raw(boxed), "out_manager")
        }
    })
}

/// Before using the access token, and when the timer set to
/// `cognito_token_manager_next_refresh_at` fires: when the tokens are due at `now_unix_secs`,
/// the backoff has passed and no refresh is out, writes the refresh request to
/// `*out_request` and `true` to `*out_has_request`; otherwise leaves the request unset and
/// writes `false`. Send the request, then call `cognito_token_manager_handle_response`, or
/// `cognito_token_manager_handle_transport_failure` when no reply came.
///
/// # Safety
/// `manager` must be null or live; `out_request` and `out_has_request` must be valid for
/// writes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cognito_token_manager_poll_refresh(
    manager: *const CognitoTokenManager,
    now_unix_secs: u64,
    out_request: *mut CognitoRequest,
    out_has_request: *mut bool,
) -> CognitoResult {
    boundary(|| {
        // SAFETY: the caller's contract above, for every pointer.
        unsafe {
            write_out(out_request, CognitoRequest::EMPTY, "out_request")?;
            write_out(out_has_request, false, "out_has_request")?;
            let manager = handle(manager, "manager")?;
            let request = manager.lock()?.poll_refresh(UnixTime(now_unix_secs))?;
            if let Some(request) = request {
                write_out(
                    out_request,
                    CognitoRequest::from_request(&request),
                    "out_request",
                )?;
                write_out(out_has_request, true, "out_has_request")?;
            }
            Ok(())
        }
    })
}

/// Feeds the reply to the refresh request: the status, `headers_len` headers, the body and
/// the time. Writes a `CognitoRefreshOutcome` to `*out_outcome` and, for `REFRESHED`, the new
/// tokens (the same JSON as a `DONE` step's `tokens_json`; secrets) to `*out_tokens_json`,
/// which stays unset otherwise.
///
/// Fails with `COGNITO_RESULT_MISUSE` when no refresh is out (and the reply is not a late one
/// that can be applied).
///
/// # Safety
/// `manager` must be null or live; `headers` must point to `headers_len` headers whose
/// pointers each point to their lengths of bytes; `body` to `body_len` bytes; `out_outcome`
/// and `out_tokens_json` must be valid for writes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cognito_token_manager_handle_response(
    manager: *const CognitoTokenManager,
    status: u16,
    headers: *const CognitoHeader,
    headers_len: usize,
    body: *const u8,
    body_len: usize,
    now_unix_secs: u64,
    out_outcome: *mut u32,
    out_tokens_json: *mut CognitoBytes,
) -> CognitoResult {
    boundary(|| {
        // SAFETY: the caller's contract above, for every pointer.
        unsafe {
            write_out(out_tokens_json, CognitoBytes::EMPTY, "out_tokens_json")?;
            write_out(out_outcome, 0, "out_outcome")?;
            let manager = handle(manager, "manager")?;
            let body = borrow(body, body_len, "body")?;
            let response =
                response_with_headers(HttpResponse::new(status, body), headers, headers_len)?;
            let mut manager = manager.lock()?;
            let outcome = manager.handle_refresh_response(response, UnixTime(now_unix_secs))?;
            let kind = match outcome {
                RefreshOutcome::Refreshed => {
                    if let Some(tokens) = manager.tokens() {
                        write_out(out_tokens_json, tokens_json(tokens)?, "out_tokens_json")?;
                    }
                    CognitoRefreshOutcome::Refreshed
                }
                RefreshOutcome::SignedOut(_) => CognitoRefreshOutcome::SignedOut,
                _ => CognitoRefreshOutcome::RetryLater,
            };
            write_out(out_outcome, kind as u32, "out_outcome")
        }
    })
}

/// No reply came to the refresh request (timeout, offline): the tokens are kept and a later
/// poll sends another after the backoff.
///
/// Fails with `COGNITO_RESULT_MISUSE` when no refresh is out (safe to ignore).
///
/// # Safety
/// `manager` must be null or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cognito_token_manager_handle_transport_failure(
    manager: *const CognitoTokenManager,
    now_unix_secs: u64,
) -> CognitoResult {
    boundary(|| {
        // SAFETY: the caller's contract above.
        let manager = unsafe { handle(manager, "manager") }?;
        Ok(manager
            .lock()?
            .handle_transport_failure(UnixTime(now_unix_secs))?)
    })
}

/// When a poll next has something to do (Unix seconds, may be past), for a timer: writes it
/// to `*out_at` and `true` to `*out_has_time`; `false` (and 0) when signed out.
///
/// # Safety
/// `manager` must be null or live; `out_at` and `out_has_time` must be valid for writes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cognito_token_manager_next_refresh_at(
    manager: *const CognitoTokenManager,
    out_at: *mut u64,
    out_has_time: *mut bool,
) -> CognitoResult {
    boundary(|| {
        // SAFETY: the caller's contract above, for every pointer.
        unsafe {
            write_out(out_at, 0, "out_at")?;
            write_out(out_has_time, false, "out_has_time")?;
            let at = handle(manager, "manager")?.lock()?.next_refresh_at();
            if let Some(at) = at {
                write_out(out_at, at.as_secs(), "out_at")?;
                write_out(out_has_time, true, "out_has_time")?;
            }
            Ok(())
        }
    })
}

/// The tokens held, as JSON (secrets), to `*out_tokens_json`; left unset once signed out.
///
/// # Safety
/// `manager` must be null or live; `out_tokens_json` must be valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cognito_token_manager_tokens(
    manager: *const CognitoTokenManager,
    out_tokens_json: *mut CognitoBytes,
) -> CognitoResult {
    boundary(|| {
        // SAFETY: the caller's contract above, for every pointer.
        unsafe {
            write_out(out_tokens_json, CognitoBytes::EMPTY, "out_tokens_json")?;
            let manager = handle(manager, "manager")?.lock()?;
            if let Some(tokens) = manager.tokens() {
                write_out(out_tokens_json, tokens_json(tokens)?, "out_tokens_json")?;
            }
            Ok(())
        }
    })
}

/// Frees a token manager. Null is ignored.
///
/// # Safety
/// `manager` must be null or from `cognito_token_manager_new`, and not freed before.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cognito_token_manager_free(manager: *mut CognitoTokenManager) {
    quietly(|| {
        if !manager.is_null() {
            // SAFETY: made by `Box::into_raw` in `cognito_token_manager_new`, freed once.
            drop(unsafe { Box::from_raw(manager) });
        }
    });
}
