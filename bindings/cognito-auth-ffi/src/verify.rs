//! `JwtVerifier`: the core's RS256 verification of Cognito's ID and access tokens against
//! the JWKS document the app fetched.

use std::sync::Arc;

use cognito_auth::UnixTime;
use cognito_auth::verify::{self, VerifiedToken};
use serde_json::Value;

use crate::PoolConfig;
use crate::claims::TokenClaims;
use crate::error::CognitoError;
use crate::secret::Secret;

/// A token that verified.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct VerifiedClaims {
    /// The common claims.
    pub claims: TokenClaims,
    /// `cognito:groups`: the user's groups (empty when none).
    pub groups: Vec<String>,
    /// Access tokens: the `scope` claim, split at spaces (empty when none).
    pub scopes: Vec<String>,
    /// The whole payload as JSON, for the claims not named above (custom attributes...).
    pub payload_json: String,
}

impl From<VerifiedToken> for VerifiedClaims {
    fn from(token: VerifiedToken) -> Self {
        let groups = match token.payload.get("cognito:groups") {
            Some(Value::Array(groups)) => groups
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect(),
            _ => Vec::new(),
        };
        let scopes = token
            .payload
            .get("scope")
            .and_then(Value::as_str)
            .map(|scope| scope.split_whitespace().map(str::to_owned).collect())
            .unwrap_or_default();
        VerifiedClaims {
            payload_json: Value::Object(token.payload).to_string(),
            claims: token.claims.into(),
            groups,
            scopes,
        }
    }
}

/// Verifies Cognito's ID and access tokens offline, with the keys of the JWKS document the
/// app fetched (`<issuer>/.well-known/jwks.json`; cache it): the RS256 signature, `iss`, the
/// app client, `token_use`, `exp` / `nbf` / `iat` with a leeway (60 s unless set) and, for ID
/// tokens of a managed login, the nonce. On `InvalidToken { kind: UnknownKey }` fetch the
/// JWKS again, build a new verifier and retry once.
#[derive(Debug, uniffi::Object)]
pub struct JwtVerifier {
    inner: verify::JwtVerifier,
}

#[uniffi::export]
impl JwtVerifier {
    /// A verifier for tokens of `issuer` issued to `client_id`, with the keys of `jwks_json`.
    ///
    /// # Errors
    /// `InvalidToken { kind: Jwks }` when the document has no usable RS256 key.
    #[uniffi::constructor]
    pub fn new(
        issuer: String,
        client_id: String,
        jwks_json: String,
    ) -> Result<Arc<Self>, CognitoError> {
        Ok(Arc::new(Self {
            inner: verify::JwtVerifier::new(issuer, client_id, jwks_json.as_bytes())?,
        }))
    }

    /// A verifier for `config`'s pool and app client (issuer `cognito_issuer(config)`).
    ///
    /// # Errors
    /// As `new`.
    #[uniffi::constructor]
    pub fn for_pool(config: Arc<PoolConfig>, jwks_json: String) -> Result<Arc<Self>, CognitoError> {
        Ok(Arc::new(Self {
            inner: verify::JwtVerifier::for_pool(&config.core(), jwks_json.as_bytes())?,
        }))
    }

    /// The same verifier, also accepting tokens issued to `client_id`.
    pub fn with_client_id(&self, client_id: String) -> Arc<Self> {
        Arc::new(Self {
            inner: self.inner.clone().with_client_id(client_id),
        })
    }

    /// The same verifier with this leeway on `exp`, `nbf` and `iat`, in seconds.
    pub fn with_leeway(&self, secs: u64) -> Arc<Self> {
        Arc::new(Self {
            inner: self.inner.clone().with_leeway(secs),
        })
    }

    /// The issuer expected in `iss`.
    pub fn issuer(&self) -> String {
        self.inner.issuer().to_owned()
    }

    /// The leeway, in seconds.
    pub fn leeway(&self) -> u64 {
        self.inner.leeway()
    }

    /// Verifies an ID token at `now_unix_secs`; with `nonce` (the managed login's
    /// `PendingLogin.nonce()`), the token must carry it. Tokens of the API sign-in have none.
    ///
    /// # Errors
    /// `InvalidToken` with the check that failed.
    pub fn verify_id_token(
        &self,
        token: Arc<Secret>,
        now_unix_secs: u64,
        nonce: Option<Arc<Secret>>,
    ) -> Result<VerifiedClaims, CognitoError> {
        Ok(self
            .inner
            .verify_id_token(
                token.expose(),
                UnixTime(now_unix_secs),
                nonce.as_deref().map(Secret::expose),
            )?
            .into())
    }

    /// Verifies an access token at `now_unix_secs`.
    ///
    /// # Errors
    /// `InvalidToken` with the check that failed.
    pub fn verify_access_token(
        &self,
        token: Arc<Secret>,
        now_unix_secs: u64,
    ) -> Result<VerifiedClaims, CognitoError> {
        Ok(self
            .inner
            .verify_access_token(token.expose(), UnixTime(now_unix_secs))?
            .into())
    }
}

/// The issuer of `config`'s tokens, `https://cognito-idp.<region>.amazonaws.com/<pool id>`;
/// its JWKS is at `<issuer>/.well-known/jwks.json`.
#[uniffi::export]
pub fn cognito_issuer(config: Arc<PoolConfig>) -> String {
    verify::cognito_issuer(&config.core())
}
