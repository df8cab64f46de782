//! What can go wrong in managed login: the redirect, the endpoints' OAuth error replies, the
//! random source.

use core::fmt;

use crate::random::RandomError;

/// An OAuth 2.0 error code (RFC 6749 §4.1.2.1 and §5.2, RFC 7009, RFC 6750), as the authorize
/// redirect or an endpoint's JSON reply names it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorCode {
    /// `invalid_request`: a parameter is missing, repeated or malformed.
    InvalidRequest,
    /// `invalid_client`: the client id or secret is wrong, or the client needs a secret.
    InvalidClient,
    /// `invalid_grant`: the code or refresh token is invalid, expired, revoked, already used,
    /// or was issued for another redirect URI or PKCE verifier. Sign in again.
    InvalidGrant,
    /// `unauthorized_client`: the app client may not use this grant or flow.
    UnauthorizedClient,
    /// `unsupported_grant_type`.
    UnsupportedGrantType,
    /// `invalid_scope`: a scope is unknown or not allowed for the client.
    InvalidScope,
    /// `access_denied`: the user or the identity provider refused.
    AccessDenied,
    /// `unsupported_response_type`.
    UnsupportedResponseType,
    /// `server_error`.
    ServerError,
    /// `temporarily_unavailable`.
    TemporarilyUnavailable,
    /// `invalid_token`: the access token given to `/oauth2/userInfo` is invalid or expired.
    InvalidToken,
    /// `unsupported_token_type` (`/oauth2/revoke`).
    UnsupportedTokenType,
    /// Any other code, as received.
    Other(String),
}

impl ErrorCode {
    /// Reads a code as the server spells it.
    pub fn parse(code: &str) -> Self {
        match code {
            "invalid_request" => Self::InvalidRequest,
            "invalid_client" => Self::InvalidClient,
            "invalid_grant" => Self::InvalidGrant,
            "unauthorized_client" => Self::UnauthorizedClient,
            "unsupported_grant_type" => Self::UnsupportedGrantType,
            "invalid_scope" => Self::InvalidScope,
            "access_denied" => Self::AccessDenied,
            "unsupported_response_type" => Self::UnsupportedResponseType,
            "server_error" => Self::ServerError,
            "temporarily_unavailable" => Self::TemporarilyUnavailable,
            "invalid_token" => Self::InvalidToken,
            "unsupported_token_type" => Self::UnsupportedTokenType,
            other => Self::Other(other.to_owned()),
        }
    }

    /// The code as the server spells it.
    pub fn as_str(&self) -> &str {
        match self {
            Self::InvalidRequest => "invalid_request",
            Self::InvalidClient => "invalid_client",
            Self::InvalidGrant => "invalid_grant",
            Self::UnauthorizedClient => "unauthorized_client",
            Self::UnsupportedGrantType => "unsupported_grant_type",
            Self::InvalidScope => "invalid_scope",
            Self::AccessDenied => "access_denied",
            Self::UnsupportedResponseType => "unsupported_response_type",
            Self::ServerError => "server_error",
            Self::TemporarilyUnavailable => "temporarily_unavailable",
            Self::InvalidToken => "invalid_token",
            Self::UnsupportedTokenType => "unsupported_token_type",
            Self::Other(code) => code,
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An OAuth error the server reported: in the redirect (`?error=access_denied&error_description=...`)
/// or as an endpoint's JSON reply (`{"error":"invalid_grant","error_description":"..."}`).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ServerError {
    /// The `error` code.
    pub code: ErrorCode,
    /// `error_description`, when given (server text: show it with care).
    pub description: Option<String>,
    /// The HTTP status of the reply; `None` for an error redirect.
    pub status: Option<u16>,
}

impl fmt::Display for ServerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code.as_str())?;
        if let Some(status) = self.status {
            write!(f, " (HTTP {status})")?;
        }
        if let Some(description) = &self.description {
            write!(f, ": {description}")?;
        }
        Ok(())
    }
}

/// Everything that can go wrong in managed login.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum OAuthError {
    /// The server refused: an error redirect or an OAuth error reply.
    #[error("the authorization server refused: {0}")]
    Server(ServerError),
    /// The redirect's `state` is not this login's: a forged or crossed redirect (CSRF). Do not
    /// exchange its code; start a new login.
    #[error("the redirect's state does not match this login's (forged or from another login)")]
    StateMismatch,
    /// The redirect carries no `state`.
    #[error("the redirect carries no state")]
    MissingState,
    /// The redirect carries neither `code` nor `error`.
    #[error("the redirect carries no authorization code")]
    MissingCode,
    /// The redirect URL cannot be read (bad percent-encoding, a repeated parameter...).
    #[error("the redirect cannot be read: {0}")]
    MalformedRedirect(String),
    /// A reply of an endpoint that is neither what it returns nor an OAuth error.
    #[error("unexpected reply from {endpoint}: {reason}")]
    InvalidResponse {
        /// The endpoint's path, e.g. `/oauth2/token`.
        endpoint: &'static str,
        /// What is wrong with it.
        reason: String,
    },
    /// The caller's input cannot be used (an empty token, a bad domain...).
    #[error("invalid input: {0}")]
    InvalidInput(String),
    /// No random source is configured (the `getrandom` feature is off): call
    /// [`PoolConfig::with_random`](crate::PoolConfig::with_random).
    #[error("no random source: call PoolConfig::with_random")]
    NoRandomSource,
    /// The random source failed.
    #[error(transparent)]
    Random(#[from] RandomError),
}

impl OAuthError {
    /// The server's error, if it sent one.
    pub fn server(&self) -> Option<&ServerError> {
        match self {
            Self::Server(e) => Some(e),
            _ => None,
        }
    }

    /// True when the server's error code is `code`.
    pub fn is(&self, code: &ErrorCode) -> bool {
        self.server().is_some_and(|e| &e.code == code)
    }

    /// True when retrying the same request later may succeed (`server_error`,
    /// `temporarily_unavailable`, HTTP 429 or 5xx).
    pub fn is_retryable(&self) -> bool {
        self.server().is_some_and(|e| {
            matches!(
                e.code,
                ErrorCode::ServerError | ErrorCode::TemporarilyUnavailable
            ) || e.status.is_some_and(|s| s == 429 || s >= 500)
        })
    }
}
