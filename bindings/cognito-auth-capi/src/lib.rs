//! A C ABI over the [`cognito_auth`] sans-IO machines, for apps in any language with a C FFI.
//!
//! The shape follows rustls-ffi:
//! - **Opaque handles** (`CognitoConfig`, `CognitoSignIn`) made by `*_new`, released by
//!   `*_free` (null is accepted and ignored).
//! - **Buffers** go in as pointer + length (a null pointer is allowed only with length 0) and
//!   come out as [`CognitoBytes`] owned by the library, released with `cognito_bytes_free` (or
//!   the `*_free` of the struct holding them). Every buffer out is followed by a NUL byte not
//!   counted in `len`, so text can be read as a C string.
//! - **Results** are [`CognitoResult`] codes; after a failure, `cognito_last_error_message`
//!   tells why (thread-local).
//! - **No unwinding across the boundary**: every entry point catches panics and returns
//!   `COGNITO_RESULT_PANIC`.
//!
//! Handles may be used from any thread; calls on one handle are serialized by a lock.

mod account;
mod bytes;
mod challenge;
mod device;
mod error;
mod oauth;
mod panic;
mod refresh;
mod sign_in;
mod sign_in_options;
mod suspend;
mod verify;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_sign_in;

pub use account::{cognito_account_request, cognito_account_response};
pub use bytes::{
    CognitoBytes, CognitoHeader, CognitoRequest, cognito_bytes_free, cognito_request_free,
};
pub use challenge::cognito_sign_in_challenge;
pub use device::{
    CognitoDeviceConfirmation, cognito_device_confirmation_free,
    cognito_device_confirmation_handle_response,
    cognito_device_confirmation_handle_status_response, cognito_device_confirmation_new,
    cognito_device_confirmation_remember, cognito_device_confirmation_start,
};
pub use error::{CognitoResult, cognito_last_error_message, cognito_last_service_error_code};
pub use oauth::{
    CognitoManagedLogin, CognitoManagedLoginCall, CognitoOAuthRequest,
    cognito_managed_login_authorize, cognito_managed_login_free, cognito_managed_login_logout_url,
    cognito_managed_login_new, cognito_managed_login_request, cognito_managed_login_response,
    cognito_managed_login_token_request, cognito_managed_login_token_response,
    cognito_oauth_request_free,
};
pub use refresh::{
    CognitoRefreshOutcome, CognitoTokenManager, cognito_token_manager_free,
    cognito_token_manager_handle_response, cognito_token_manager_handle_transport_failure,
    cognito_token_manager_new, cognito_token_manager_next_refresh_at,
    cognito_token_manager_poll_refresh, cognito_token_manager_tokens,
};
pub use sign_in::{
    CognitoConfig, CognitoSignIn, CognitoStatus, CognitoStep, CognitoStepKind, cognito_config_free,
    cognito_config_new, cognito_sign_in_answer_code, cognito_sign_in_free,
    cognito_sign_in_handle_response, cognito_sign_in_new, cognito_sign_in_start,
    cognito_sign_in_status, cognito_step_free, cognito_totp_code,
};
pub use sign_in_options::{cognito_sign_in_answer, cognito_sign_in_new_with_options};
pub use suspend::{cognito_sign_in_resume, cognito_sign_in_suspend};
pub use verify::{
    CognitoJwtVerifier, cognito_jwt_verifier_free, cognito_jwt_verifier_new,
    cognito_jwt_verify_access_token, cognito_jwt_verify_id_token,
};
