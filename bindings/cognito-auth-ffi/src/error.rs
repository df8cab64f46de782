//! The one error type every exported function returns.

use cognito_auth::Error;
use cognito_auth::oauth::OAuthError;
use cognito_auth::verify::VerifyError;

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
/// - `AuthorizationServer`: managed login's server refused (an `error=` redirect, or an OAuth
///   error reply of the token, revoke or userInfo endpoint). Match on `code`.
/// - `InvalidRedirect`: the callback URL of a managed login cannot be used (`kind`: a state
///   that is not this login's, no state, no code, bad encoding). Start a new login.
/// - `InvalidToken`: `JwtVerifier` refused a token or the JWKS (`kind`); `UnknownKey` means:
///   fetch the JWKS again, build a new verifier and retry once.
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
    /// Managed login's authorization server refused: an error redirect
    /// (`?error=access_denied`) or an OAuth error reply (`{"error": "invalid_grant"}`).
    #[error("the authorization server refused: {code} {description:?}")]
    AuthorizationServer {
        /// The OAuth `error` code (`invalid_grant`, `access_denied`, `invalid_token`...).
        code: String,
        /// `error_description`, when sent (server text).
        description: Option<String>,
        /// The HTTP status of the reply; none for an error redirect.
        status: Option<u16>,
        /// True for `server_error`, `temporarily_unavailable`, 429 and 5xx.
        retryable: bool,
    },
    /// The managed-login callback URL cannot be used. Do not exchange anything from it.
    #[error("unusable redirect ({kind:?}): {reason}")]
    InvalidRedirect {
        /// Which problem.
        kind: RedirectErrorKind,
        /// What was wrong, in words.
        reason: String,
    },
    /// A token did not verify, or the JWKS document cannot be used.
    #[error("token refused ({kind:?}): {reason}")]
    InvalidToken {
        /// Which check failed.
        kind: TokenErrorKind,
        /// What was wrong, in words (never the token itself).
        reason: String,
    },
}

/// Why a managed-login callback URL was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum RedirectErrorKind {
    /// The `state` is not this login's: a forged or crossed redirect (CSRF).
    StateMismatch,
    /// The redirect carries no `state`.
    MissingState,
    /// The redirect carries neither `code` nor `error`.
    MissingCode,
    /// Bad percent-encoding or a repeated parameter.
    Malformed,
}

/// Which check of `JwtVerifier` failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum TokenErrorKind {
    /// The JWKS document is not one, or holds no usable RS256 key.
    Jwks,
    /// Not a JWT, or a claim of the wrong type.
    Malformed,
    /// `alg` is not RS256.
    Algorithm,
    /// The token's `kid` is not in the JWKS: fetch the JWKS again (keys rotate), retry once.
    UnknownKey,
    /// The signature does not verify.
    BadSignature,
    /// `iss` is not the expected issuer.
    Issuer,
    /// `aud` / `client_id` is another app client's.
    Audience,
    /// `token_use` is not the expected one (an access token given as an ID token...).
    TokenUse,
    /// `exp` is past (beyond the leeway) or missing.
    Expired,
    /// `nbf` / `iat` is in the future beyond the leeway.
    NotYetValid,
    /// The ID token's `nonce` is not this login's.
    Nonce,
    /// A refusal this version of the bindings does not name.
    Other,
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

impl From<OAuthError> for CognitoError {
    fn from(error: OAuthError) -> Self {
        let redirect = |kind| CognitoError::InvalidRedirect {
            kind,
            reason: error.to_string(),
        };
        match &error {
            OAuthError::Server(server) => CognitoError::AuthorizationServer {
                code: server.code.as_str().to_owned(),
                description: server.description.clone(),
                status: server.status,
                retryable: error.is_retryable(),
            },
            OAuthError::StateMismatch => redirect(RedirectErrorKind::StateMismatch),
            OAuthError::MissingState => redirect(RedirectErrorKind::MissingState),
            OAuthError::MissingCode => redirect(RedirectErrorKind::MissingCode),
            OAuthError::MalformedRedirect(_) => redirect(RedirectErrorKind::Malformed),
            OAuthError::InvalidResponse { .. } => CognitoError::InvalidResponse {
                reason: error.to_string(),
            },
            OAuthError::InvalidInput(reason) => CognitoError::invalid_input(reason.clone()),
            // No random source, a failed one, or a variant added later.
            _ => CognitoError::Internal {
                reason: error.to_string(),
            },
        }
    }
}

impl From<VerifyError> for CognitoError {
    fn from(error: VerifyError) -> Self {
        let kind = match &error {
            VerifyError::Jwks(_) => TokenErrorKind::Jwks,
            VerifyError::Malformed(_) => TokenErrorKind::Malformed,
            VerifyError::Algorithm(_) => TokenErrorKind::Algorithm,
            VerifyError::UnknownKey { .. } => TokenErrorKind::UnknownKey,
            VerifyError::BadSignature => TokenErrorKind::BadSignature,
            VerifyError::Issuer { .. } => TokenErrorKind::Issuer,
            VerifyError::Audience { .. } => TokenErrorKind::Audience,
            VerifyError::TokenUse { .. } => TokenErrorKind::TokenUse,
            VerifyError::Expired { .. } => TokenErrorKind::Expired,
            VerifyError::NotYetValid { .. } => TokenErrorKind::NotYetValid,
            VerifyError::Nonce => TokenErrorKind::Nonce,
            _ => TokenErrorKind::Other,
        };
        CognitoError::InvalidToken {
            kind,
            reason: error.to_string(),
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

    /// `InvalidInput` for exported JSON that cannot be read back, without the text it quotes
    /// (a token or password may be in it). `what` is e.g. `a stored session`.
    pub(crate) fn unreadable(what: &str, error: &serde_json::Error) -> Self {
        CognitoError::invalid_input(format!(
            "not {what} ({:?} error at line {}, column {})",
            error.classify(),
            error.line(),
            error.column()
        ))
    }

    pub(crate) fn invalid_input(reason: impl Into<String>) -> Self {
        CognitoError::InvalidInput {
            reason: reason.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn oauth_errors_map_to_typed_kinds() {
        // A server error is what the core reads from a reply (its type is not constructible).
        let config = cognito_auth::PoolConfig::new("us-east-1_AbC123", "client").unwrap();
        let domain = cognito_auth::oauth::Domain::base_url("http://127.0.0.1:9").unwrap();
        let login = cognito_auth::oauth::ManagedLogin::new(&config, domain, "myapp://cb");
        let server = |status, body: &[u8]| {
            let reply = cognito_auth::HttpResponse::new(status, body);
            CognitoError::from(
                login
                    .handle_token_response(reply, cognito_auth::UnixTime(0))
                    .unwrap_err(),
            )
        };
        assert_eq!(
            server(
                400,
                br#"{"error":"invalid_grant","error_description":"why"}"#
            ),
            CognitoError::AuthorizationServer {
                code: "invalid_grant".into(),
                description: Some("why".into()),
                status: Some(400),
                retryable: false,
            }
        );
        assert!(matches!(
            server(503, br#"{"error":"temporarily_unavailable"}"#),
            CognitoError::AuthorizationServer {
                retryable: true,
                ..
            }
        ));
        let kind = |error| match CognitoError::from(error) {
            CognitoError::InvalidRedirect { kind, .. } => Some(kind),
            _ => None,
        };
        assert_eq!(
            kind(OAuthError::StateMismatch),
            Some(RedirectErrorKind::StateMismatch)
        );
        assert_eq!(
            kind(OAuthError::MissingState),
            Some(RedirectErrorKind::MissingState)
        );
        assert_eq!(
            kind(OAuthError::MissingCode),
            Some(RedirectErrorKind::MissingCode)
        );
        assert_eq!(
            kind(OAuthError::MalformedRedirect("x".into())),
            Some(RedirectErrorKind::Malformed)
        );
        assert!(matches!(
            CognitoError::from(OAuthError::NoRandomSource),
            CognitoError::Internal { .. }
        ));
        assert!(matches!(
            CognitoError::from(OAuthError::InvalidInput("x".into())),
            CognitoError::InvalidInput { .. }
        ));
    }

    #[test]
    fn verify_errors_map_to_typed_kinds() {
        let cases = [
            (VerifyError::Jwks("x".into()), TokenErrorKind::Jwks),
            (
                VerifyError::Malformed("x".into()),
                TokenErrorKind::Malformed,
            ),
            (
                VerifyError::Algorithm("HS256".into()),
                TokenErrorKind::Algorithm,
            ),
            (
                VerifyError::UnknownKey { kid: None },
                TokenErrorKind::UnknownKey,
            ),
            (VerifyError::BadSignature, TokenErrorKind::BadSignature),
            (
                VerifyError::Issuer {
                    expected: "a".into(),
                    found: None,
                },
                TokenErrorKind::Issuer,
            ),
            (
                VerifyError::Audience { found: None },
                TokenErrorKind::Audience,
            ),
            (
                VerifyError::TokenUse {
                    expected: "id",
                    found: None,
                },
                TokenErrorKind::TokenUse,
            ),
            (
                VerifyError::Expired {
                    exp: None,
                    now: 1,
                    leeway: 0,
                },
                TokenErrorKind::Expired,
            ),
            (
                VerifyError::NotYetValid {
                    not_before: 2,
                    now: 1,
                    leeway: 0,
                },
                TokenErrorKind::NotYetValid,
            ),
            (VerifyError::Nonce, TokenErrorKind::Nonce),
        ];
        for (error, expected) in cases {
            let reason = error.to_string();
            assert_eq!(
                CognitoError::from(error),
                CognitoError::InvalidToken {
                    kind: expected,
                    reason
                }
            );
        }
    }
}
