//! Service errors in the shape Cognito sends them: HTTP 400, a JSON body
//! `{"__type": "...", "message": "..."}` and the `x-amzn-ErrorType` header.

use std::fmt;

/// One service error: the exception name and its message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// The exception shape name, e.g. `NotAuthorizedException`.
    pub kind: &'static str,
    /// The human-readable message, as the real service words it where known.
    pub message: String,
}

impl ApiError {
    /// An error of `kind` with `message`.
    pub fn new(kind: &'static str, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
        }
    }

    /// The HTTP status the service uses on the wire: 400 for client errors
    /// (NotAuthorizedException included, as captured), 500 for server faults.
    pub fn status(&self) -> u16 {
        match self.kind {
            "InternalErrorException" => 500,
            // An unsigned request to a SigV4 operation (AWS common errors: 403).
            "MissingAuthenticationTokenException" => 403,
            _ => 400,
        }
    }

    pub(crate) fn not_authorized(message: impl Into<String>) -> Self {
        Self::new("NotAuthorizedException", message)
    }

    pub(crate) fn incorrect_password() -> Self {
        Self::not_authorized("Incorrect username or password.")
    }

    pub(crate) fn invalid_session() -> Self {
        Self::not_authorized("Invalid session for the user.")
    }

    pub(crate) fn invalid_parameter(message: impl Into<String>) -> Self {
        Self::new("InvalidParameterException", message)
    }

    pub(crate) fn serialization(message: impl Into<String>) -> Self {
        Self::new("SerializationException", message)
    }

    pub(crate) fn user_not_found() -> Self {
        Self::new("UserNotFoundException", "User does not exist.")
    }

    pub(crate) fn code_mismatch() -> Self {
        Self::new(
            "CodeMismatchException",
            "Invalid verification code provided, please try again.",
        )
    }

    pub(crate) fn expired_code() -> Self {
        Self::new(
            "ExpiredCodeException",
            "Invalid code provided, please request a code again.",
        )
    }

    pub(crate) fn device_not_found() -> Self {
        Self::new("ResourceNotFoundException", "Device does not exist.")
    }

    pub(crate) fn invalid_access_token() -> Self {
        Self::not_authorized("Invalid Access Token")
    }

    pub(crate) fn invalid_refresh_token() -> Self {
        Self::not_authorized("Invalid Refresh Token")
    }

    /// "1 validation error detected" for a required member that is absent or null.
    pub(crate) fn missing_member(member: &str) -> Self {
        let mut chars = member.chars();
        let camel: String = chars
            .next()
            .map(|c| c.to_ascii_lowercase())
            .into_iter()
            .chain(chars)
            .collect();
        Self::invalid_parameter(format!(
            "1 validation error detected: Value null at '{camel}' failed to satisfy constraint: Member must not be null"
        ))
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.kind, self.message)
    }
}

impl std::error::Error for ApiError {}

/// The result type of every operation handler.
pub(crate) type ApiResult<T> = Result<T, ApiError>;
