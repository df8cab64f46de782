//! Result codes and the thread-local last error.

use std::cell::RefCell;
use std::ffi::{CString, c_char};

/// What a call returned. Anything but `COGNITO_RESULT_OK` comes with a message from
/// `cognito_last_error_message`.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CognitoResult {
    /// Success.
    Ok = 0,
    /// A required pointer was null (or a buffer pointer was null with a non-zero length).
    NullParameter = 1,
    /// Text that must be UTF-8 was not.
    InvalidUtf8 = 2,
    /// A length is out of range.
    InvalidLength = 3,
    /// Cognito answered with an error; `cognito_last_service_error_code` names it.
    Service = 10,
    /// A successful status with a body that is not what the operation returns.
    InvalidResponse = 11,
    /// The reply broke the protocol (a missing parameter, an unusable SRP value).
    Protocol = 12,
    /// The call does not fit the machine's state (`answer` without a challenge...).
    Misuse = 13,
    /// The input cannot be used (a bad pool id, an empty code...). Nothing changed.
    InvalidInput = 14,
    /// The random source failed, or an earlier call on this handle panicked.
    Internal = 15,
    /// Managed login's server refused (an `error=` redirect, or an OAuth error reply);
    /// `cognito_last_service_error_code` gives the OAuth `error` (`invalid_grant`...).
    Oauth = 16,
    /// The callback URL's `state` is not this login's (forged or crossed): start over.
    StateMismatch = 17,
    /// The callback URL cannot be used: no state, no code, or bad encoding.
    InvalidRedirect = 18,
    /// A token did not verify; `cognito_last_service_error_code` names the check
    /// (`bad_signature`, `expired`, `audience`, `nonce`, `jwks`...).
    InvalidToken = 19,
    /// The token's key is not in the JWKS: fetch the JWKS again, make a new verifier and
    /// retry once.
    UnknownKey = 20,
    /// A panic was caught at the boundary. The handle involved should be freed.
    Panic = 99,
}

/// A failure on its way to the caller.
#[derive(Debug)]
pub(crate) struct Failure {
    pub(crate) code: CognitoResult,
    pub(crate) message: String,
    pub(crate) service_code: Option<String>,
}

impl Failure {
    pub(crate) fn new(code: CognitoResult, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            service_code: None,
        }
    }

    pub(crate) fn null(what: &str) -> Self {
        Self::new(CognitoResult::NullParameter, format!("{what} is null"))
    }
}

impl From<cognito_auth::Error> for Failure {
    fn from(error: cognito_auth::Error) -> Self {
        use cognito_auth::Error as E;
        let code = match &error {
            E::Service(_) => CognitoResult::Service,
            E::InvalidResponse(_) => CognitoResult::InvalidResponse,
            E::PeerMisbehaved(_) | E::Srp(_) => CognitoResult::Protocol,
            E::ApiMisuse(_) => CognitoResult::Misuse,
            E::InvalidInput(_) => CognitoResult::InvalidInput,
            _ => CognitoResult::Internal,
        };
        Self {
            code,
            message: error.to_string(),
            service_code: error.service().map(|s| s.kind().code().to_owned()),
        }
    }
}

struct LastError {
    message: CString,
    service_code: CString,
}

thread_local! {
    static LAST_ERROR: RefCell<Option<LastError>> = const { RefCell::new(None) };
}

fn c_string(text: &str) -> CString {
    // Interior NULs (a hostile server message) would cut the text short: replace them.
    CString::new(text.replace('\0', "\u{fffd}")).unwrap_or_default()
}

/// Records `failure` as this thread's last error and returns its code.
pub(crate) fn record(failure: Failure) -> CognitoResult {
    let last = LastError {
        message: c_string(&failure.message),
        service_code: c_string(failure.service_code.as_deref().unwrap_or("")),
    };
    // `try_with` fails only while the thread is being torn down; the code still gets out.
    let _ = LAST_ERROR.try_with(|cell| {
        if let Ok(mut slot) = cell.try_borrow_mut() {
            *slot = Some(last);
        }
    });
    failure.code
}

/// Forgets the last error (after a successful call).
pub(crate) fn clear() {
    let _ = LAST_ERROR.try_with(|cell| {
        if let Ok(mut slot) = cell.try_borrow_mut() {
            *slot = None;
        }
    });
}

fn last(pick: fn(&LastError) -> *const c_char) -> *const c_char {
    let found = std::panic::catch_unwind(|| {
        LAST_ERROR
            .try_with(|cell| {
                cell.try_borrow()
                    .ok()
                    .and_then(|slot| slot.as_ref().map(pick))
            })
            .ok()
            .flatten()
    });
    match found {
        Ok(Some(pointer)) => pointer,
        _ => c"".as_ptr(),
    }
}

/// The message of the last failed call on this thread: a NUL-terminated UTF-8 string owned
/// by the library, valid until the next `cognito_*` call on this thread. Never null: empty
/// after a successful call.
#[unsafe(no_mangle)]
pub extern "C" fn cognito_last_error_message() -> *const c_char {
    last(|e| e.message.as_ptr())
}

/// After `COGNITO_RESULT_SERVICE`: the exception name Cognito sent
/// (`NotAuthorizedException`...); after `COGNITO_RESULT_OAUTH`, the OAuth `error`
/// (`invalid_grant`...); after `COGNITO_RESULT_INVALID_TOKEN` / `_UNKNOWN_KEY`, the check
/// that failed (`bad_signature`...); empty otherwise. Same lifetime rules as
/// `cognito_last_error_message`. Never null.
#[unsafe(no_mangle)]
pub extern "C" fn cognito_last_service_error_code() -> *const c_char {
    last(|e| e.service_code.as_ptr())
}
