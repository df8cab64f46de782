//! The claims of a Cognito token, decoded (unverified) or verified by `JwtVerifier`.

use std::sync::Arc;

use crate::error::CognitoError;
use crate::secret::Secret;
use crate::types::Tokens;

/// The claims of a Cognito ID or access token that apps commonly read. From `token_claims`,
/// `id_claims` and `access_claims` they are decoded without verification: show them, do not
/// trust them (a back end uses `JwtVerifier`).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct TokenClaims {
    /// The user's stable id (a UUID).
    pub sub: Option<String>,
    /// Cognito's internal user name, from `username` (access tokens) or `cognito:username`
    /// (ID tokens). In pools signing in with e-mail or phone, a UUID.
    pub internal_username: Option<String>,
    /// `access` or `id`.
    pub token_use: Option<String>,
    /// Expiry, Unix seconds.
    pub exp: Option<u64>,
    /// Issued at, Unix seconds.
    pub iat: Option<u64>,
    /// When the user signed in (unchanged by refresh).
    pub auth_time: Option<u64>,
    /// The app client: `client_id` of access tokens, `aud` of ID tokens.
    pub client_id: Option<String>,
    /// The issuer, `https://cognito-idp.<region>.amazonaws.com/<pool id>`.
    pub iss: Option<String>,
    /// Present when the token can be revoked.
    pub origin_jti: Option<String>,
    /// Access tokens of a tracked device.
    pub device_key: Option<String>,
    /// ID tokens: the e-mail address, when the client may read it.
    pub email: Option<String>,
}

impl From<cognito_auth::Claims> for TokenClaims {
    fn from(claims: cognito_auth::Claims) -> Self {
        TokenClaims {
            internal_username: claims.internal_username().map(str::to_owned),
            sub: claims.sub,
            token_use: claims.token_use,
            exp: claims.exp,
            iat: claims.iat,
            auth_time: claims.auth_time,
            client_id: claims.client_id.or(claims.aud),
            iss: claims.iss,
            origin_jti: claims.origin_jti,
            device_key: claims.device_key,
            email: claims.email,
        }
    }
}

/// The claims of a token (ID or access), decoded without verification.
///
/// # Errors
/// `InvalidResponse` when it is not a JWT with a JSON payload.
#[uniffi::export]
pub fn token_claims(token: Arc<Secret>) -> Result<TokenClaims, CognitoError> {
    Ok(cognito_auth::Claims::decode(token.expose())?.into())
}

/// The ID token's claims, decoded without verification.
///
/// # Errors
/// As `token_claims`.
#[uniffi::export]
pub fn id_claims(tokens: Tokens) -> Result<TokenClaims, CognitoError> {
    token_claims(tokens.id_token)
}

/// The access token's claims, decoded without verification.
///
/// # Errors
/// As `token_claims`.
#[uniffi::export]
pub fn access_claims(tokens: Tokens) -> Result<TokenClaims, CognitoError> {
    token_claims(tokens.access_token)
}
