//! Why a token was refused.

/// A token that did not verify, or a JWKS document that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum VerifyError {
    /// The JWKS document is not JSON with a `keys` array, or holds no usable RS256 key.
    #[error("unusable JWKS document: {0}")]
    Jwks(String),
    /// The token is not a JWT (three base64url parts, JSON header and payload) or a claim has
    /// the wrong type.
    #[error("malformed token: {0}")]
    Malformed(String),
    /// The header's `alg` is not `RS256` (`none`, `HS256`... are refused).
    #[error("the token's alg {0:?} is not RS256")]
    Algorithm(String),
    /// The header's `kid` names no key of the JWKS the verifier holds. Cognito may have
    /// rotated its keys: fetch `<issuer>/.well-known/jwks.json` again, build a new verifier and
    /// retry once.
    #[error("no key {kid:?} in the JWKS: fetch the JWKS again (the keys may have rotated)")]
    UnknownKey {
        /// The `kid` of the token, if it had one.
        kid: Option<String>,
    },
    /// The RS256 signature does not verify with the key.
    #[error("the token's signature is invalid")]
    BadSignature,
    /// `iss` is not the expected issuer.
    #[error("the token's issuer {found:?} is not {expected:?}")]
    Issuer {
        /// The issuer the verifier expects.
        expected: String,
        /// The token's `iss`.
        found: Option<String>,
    },
    /// `aud` (ID token) or `client_id` (access token) is not one of the verifier's app clients.
    #[error("the token is for another app client ({found:?})")]
    Audience {
        /// The token's `aud` or `client_id`.
        found: Option<String>,
    },
    /// `token_use` is not the expected one (an access token passed as an ID token...).
    #[error("the token's token_use {found:?} is not {expected:?}")]
    TokenUse {
        /// `id` or `access`.
        expected: &'static str,
        /// The token's `token_use`.
        found: Option<String>,
    },
    /// `exp` is past (beyond the leeway), or missing.
    #[error("the token expired at {exp:?} (now {now}, leeway {leeway} s)")]
    Expired {
        /// The token's `exp`.
        exp: Option<u64>,
        /// The time passed in.
        now: u64,
        /// The leeway allowed.
        leeway: u64,
    },
    /// `nbf` or `iat` is in the future beyond the leeway.
    #[error("the token is not valid before {not_before} (now {now}, leeway {leeway} s)")]
    NotYetValid {
        /// The token's `nbf` or `iat`.
        not_before: u64,
        /// The time passed in.
        now: u64,
        /// The leeway allowed.
        leeway: u64,
    },
    /// The ID token's `nonce` is not this login's (a replayed or injected token), or missing.
    #[error("the ID token's nonce does not match this login's")]
    Nonce,
}
