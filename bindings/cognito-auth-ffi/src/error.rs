//! The one error type every exported function returns.

use cognito_auth::Error;

/// Why a call failed, flattened to the cases an app acts on differently.
///
/// - `Service`: Cognito said no. Match on `code` (`NotAuthorizedException`,
///   `CodeMismatchException`, ...); retry later only when `retryable`.
/// - `InvalidResponse` / `Protocol`: the reply could not be used (a proxy page, a truncated
///   body, an unsafe SRP value). Start over; report it if it persists.
/// - `Misuse`: a call out of turn (`answer` without a challenge...). A bug in the app.
/// - `InvalidInput`: the app's input cannot be sent (an empty code, a missing attribute, a bad
///   pool id or suspended JSON). The machine is unchanged: fix the input and call again.
/// - `Internal`: the random source failed, or an earlier call on this object panicked
///   (a poisoned lock). Not the app's or the service's fault; start over.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, uniffi::Error)]
pub enum CognitoError {
    /// Cognito answered with an error.
    #[error("{code}: {reason}")]
    Service {
        /// The exception name, e.g. `NotAuthorizedException` (empty when none was sent).
        code: String,
        /// Cognito's message, as sent. (Not `message`: Kotlin exceptions have their own.)
        reason: String,
        /// True for throttling and server faults: retrying later may succeed.
        retryable: bool,
    },
    /// A successful status with a body that is not what the operation returns.
    #[error("malformed Cognito response: {reason}")]
    InvalidResponse {
        /// What was wrong with it.
        reason: String,
    },
    /// The reply broke the protocol (missing challenge parameter, unusable SRP value...).
    #[error("Cognito violated the protocol: {reason}")]
    Protocol {
        /// What was wrong with it.
        reason: String,
    },
    /// The call does not fit the machine's state.
    #[error("API misuse: {reason}")]
    Misuse {
        /// Which rule was broken.
        reason: String,
    },
    /// The app's input cannot be used.
    #[error("invalid input: {reason}")]
    InvalidInput {
        /// What is wrong with it.
        reason: String,
    },
    /// Neither the app's nor the service's fault: the random source failed, or a lock was
    /// poisoned by an earlier panic.
    #[error("internal error: {reason}")]
    Internal {
        /// What failed.
        reason: String,
    },
}

impl From<Error> for CognitoError {
    fn from(error: Error) -> Self {
        match &error {
            Error::Service(service) => CognitoError::Service {
                code: service.kind().code().to_owned(),
                reason: service.message().to_owned(),
                retryable: service.is_retryable(),
            },
            Error::InvalidResponse(e) => CognitoError::InvalidResponse {
                reason: e.to_string(),
            },
            Error::PeerMisbehaved(e) => CognitoError::Protocol {
                reason: e.to_string(),
            },
            Error::Srp(e) => CognitoError::Protocol {
                reason: format!("SRP failed: {e}"),
            },
            Error::ApiMisuse(e) => CognitoError::Misuse {
                reason: e.to_string(),
            },
            Error::InvalidInput(reason) => CognitoError::InvalidInput {
                reason: reason.clone(),
            },
            Error::Random(e) => CognitoError::Internal {
                reason: e.to_string(),
            },
            // `Error` is non-exhaustive: a variant added later still maps to something.
            _ => CognitoError::Internal {
                reason: error.to_string(),
            },
        }
    }
}

impl From<cognito_auth::ConfigError> for CognitoError {
    fn from(error: cognito_auth::ConfigError) -> Self {
        CognitoError::InvalidInput {
            reason: error.to_string(),
        }
    }
}

impl CognitoError {
    /// A lock poisoned by a panic in an earlier call on the same object.
    pub(crate) fn poisoned(what: &str) -> Self {
        CognitoError::Internal {
            reason: format!("the {what} is unusable: an earlier call on it panicked"),
        }
    }

    pub(crate) fn invalid_input(reason: impl Into<String>) -> Self {
        CognitoError::InvalidInput {
            reason: reason.into(),
        }
    }
}
