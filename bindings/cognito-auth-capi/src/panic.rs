//! The boundary every entry point runs inside: panics are caught, failures recorded.

use std::panic::{AssertUnwindSafe, catch_unwind};

use crate::error::{self, CognitoResult, Failure};

/// Runs `body`, catching any panic, and turns its outcome into a result code (recording the
/// message of a failure for `cognito_last_error_message`).
///
/// `AssertUnwindSafe` is sound here: state a panic could leave half-updated lives behind a
/// `Mutex`, which is poisoned by the panic and reported as `COGNITO_RESULT_INTERNAL` on the
/// next call.
pub(crate) fn boundary(body: impl FnOnce() -> Result<(), Failure>) -> CognitoResult {
    match catch_unwind(AssertUnwindSafe(body)) {
        Ok(Ok(())) => {
            error::clear();
            CognitoResult::Ok
        }
        Ok(Err(failure)) => error::record(failure),
        Err(_) => error::record(Failure::new(
            CognitoResult::Panic,
            "a panic was caught at the C boundary (a bug in cognito-auth); free the handle",
        )),
    }
}

/// For `*_free` functions, which return nothing: a panic is caught and dropped.
pub(crate) fn quietly(body: impl FnOnce()) {
    let _ = catch_unwind(AssertUnwindSafe(body));
}
