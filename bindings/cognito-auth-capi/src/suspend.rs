//! A sign-in paused at a challenge (the app sent to the background while the user fetches a
//! code) and picked up again, as JSON the app keeps in secure storage.

use cognito_auth::{SignIn, SuspendedSignIn};

use crate::bytes::{CognitoBytes, borrow_str, write_out};
use crate::error::{CognitoResult, Failure};
use crate::panic::boundary;
use crate::sign_in::{CognitoConfig, CognitoSignIn, handle};
use crate::sign_in_options::from_json;

/// Writes the sign-in waiting at a challenge to `*out_json`: the Session, a TOTP secret being
/// enrolled and the remembered device's credentials, never the password. A secret: keep it
/// where the device credentials are kept (Keychain, Keystore), free it with
/// `cognito_bytes_free` (which zeroizes it), and resume with `cognito_sign_in_resume` while the
/// Session lives (3 minutes by default). Fails with `COGNITO_RESULT_MISUSE` when no challenge
/// is pending.
///
/// # Safety
/// `sign_in` must be null or live; `out_json` must be valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cognito_sign_in_suspend(
    sign_in: *const CognitoSignIn,
    out_json: *mut CognitoBytes,
) -> CognitoResult {
    boundary(|| {
        // SAFETY: the caller's contract above, for every pointer.
        unsafe {
            write_out(out_json, CognitoBytes::EMPTY, "out_json")?;
            let suspended = handle(sign_in, "sign_in")?
                .lock()?
                .suspend()
                .ok_or_else(|| {
                    Failure::new(
                        CognitoResult::Misuse,
                        "only a sign-in waiting at a challenge can be suspended",
                    )
                })?;
            let json = CognitoBytes::json_of(&suspended).map_err(|e| {
                Failure::new(
                    CognitoResult::Internal,
                    format!("cannot serialize the sign-in: {e}"),
                )
            })?;
            write_out(out_json, json, "out_json")
        }
    })
}

/// Makes a sign-in from `suspended_json` (from `cognito_sign_in_suspend`), waiting at the same
/// challenge: answer it with `cognito_sign_in_answer` (its details with
/// `cognito_sign_in_challenge`). Writes the handle to `*out_sign_in` (null on failure). Fails
/// with `COGNITO_RESULT_INVALID_INPUT` for JSON that is not a suspended sign-in.
///
/// # Safety
/// `config` must be null or live; `suspended_json` must point to `suspended_json_len` bytes;
/// `out_sign_in` must be valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cognito_sign_in_resume(
    config: *const CognitoConfig,
    suspended_json: *const u8,
    suspended_json_len: usize,
    out_sign_in: *mut *mut CognitoSignIn,
) -> CognitoResult {
    boundary(|| {
        // SAFETY: the caller's contract above, for every pointer.
        unsafe {
            write_out(out_sign_in, std::ptr::null_mut(), "out_sign_in")?;
            let config = handle(config, "config")?;
            let json = borrow_str(suspended_json, suspended_json_len, "suspended_json")?;
            let suspended: SuspendedSignIn = from_json(json, "suspended_json")?;
            let sign_in = SignIn::resume(config.shared(), suspended)?;
            write_out(out_sign_in, CognitoSignIn::into_raw(sign_in), "out_sign_in")
        }
    })
}
