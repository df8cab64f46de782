//! Token verification (`cognito_auth::verify::JwtVerifier`), compiled only with the crate's
//! `full` feature: RS256 needs the `rsa` crate, which the sign-in module does without. The npm
//! package builds it into its second module, behind `cognito-auth/full` (bindings/js/build.mjs),
//! so the sign-in `.wasm` a page loads stays small. A token that does not verify throws a
//! `CognitoError` of kind `verify` whose `code` names the check (`BadSignature`, `Expired`,
//! `Audience`, `Nonce`, `UnknownKey` (fetch the JWKS again), ...).

use cognito_auth::verify::{JwtVerifier, VerifiedToken, VerifyError};
use wasm_bindgen::prelude::*;

use crate::error::{Failure, Result};
use crate::{RawConfig, unix_time};

impl From<VerifyError> for Failure {
    fn from(error: VerifyError) -> Self {
        let code = match &error {
            VerifyError::Jwks(_) => "Jwks",
            VerifyError::Malformed(_) => "Malformed",
            VerifyError::Algorithm(_) => "Algorithm",
            VerifyError::UnknownKey { .. } => "UnknownKey",
            VerifyError::BadSignature => "BadSignature",
            VerifyError::Issuer { .. } => "Issuer",
            VerifyError::Audience { .. } => "Audience",
            VerifyError::TokenUse { .. } => "TokenUse",
            VerifyError::Expired { .. } => "Expired",
            VerifyError::NotYetValid { .. } => "NotYetValid",
            VerifyError::Nonce => "Nonce",
            _ => "Other",
        };
        Failure::coded("verify", code, error.to_string(), false, None)
    }
}

/// The payload of a verified token as JSON (every claim).
fn payload_json(verified: &VerifiedToken) -> Result<String> {
    serde_json::to_string(&verified.payload)
        .map_err(|e| Failure::invalid_response(format!("cannot write the claims: {e}")))
}

/// Verifies a pool's ID and access tokens against its JWKS document.
#[wasm_bindgen]
pub struct RawJwtVerifier {
    inner: JwtVerifier,
}

#[wasm_bindgen]
impl RawJwtVerifier {
    /// For an issuer (`https://cognito-idp.<region>.amazonaws.com/<poolId>`), an app client
    /// and the JWKS document (`<issuer>/.well-known/jwks.json`) as text.
    #[wasm_bindgen(constructor)]
    pub fn new(issuer: String, client_id: String, jwks: &str) -> Result<RawJwtVerifier> {
        Ok(RawJwtVerifier {
            inner: JwtVerifier::new(issuer, client_id, jwks.as_bytes()).map_err(Failure::from)?,
        })
    }

    /// For the pool and app client of a configuration (its endpoint's issuer).
    #[wasm_bindgen(js_name = forPool)]
    pub fn for_pool(config: &RawConfig, jwks: &str) -> Result<RawJwtVerifier> {
        Ok(RawJwtVerifier {
            inner: JwtVerifier::for_pool(&config.inner, jwks.as_bytes()).map_err(Failure::from)?,
        })
    }

    /// Accepts tokens of another app client too.
    #[wasm_bindgen(js_name = addClientId)]
    pub fn add_client_id(&mut self, client_id: String) {
        self.inner = self.inner.clone().with_client_id(client_id);
    }

    /// The clock skew allowed on `exp`, `nbf` and `iat`, in seconds.
    #[wasm_bindgen(getter)]
    pub fn leeway(&self) -> f64 {
        crate::convert::secs_to_f64(self.inner.leeway())
    }

    /// Sets that skew.
    #[wasm_bindgen(setter)]
    pub fn set_leeway(&mut self, secs: u32) {
        self.inner = self.inner.clone().with_leeway(u64::from(secs));
    }

    /// The issuer tokens must name.
    #[wasm_bindgen(getter)]
    pub fn issuer(&self) -> String {
        self.inner.issuer().to_owned()
    }

    /// An ID token: its claims as JSON, or the failed check thrown. `nonce`: the login's.
    #[wasm_bindgen(js_name = verifyIdToken)]
    pub fn verify_id_token(&self, token: &str, now: f64, nonce: Option<String>) -> Result<String> {
        let verified = self
            .inner
            .verify_id_token(token, unix_time(now)?, nonce.as_deref())
            .map_err(Failure::from)?;
        payload_json(&verified)
    }

    /// An access token: its claims as JSON, or the failed check thrown.
    #[wasm_bindgen(js_name = verifyAccessToken)]
    pub fn verify_access_token(&self, token: &str, now: f64) -> Result<String> {
        let verified = self
            .inner
            .verify_access_token(token, unix_time(now)?)
            .map_err(Failure::from)?;
        payload_json(&verified)
    }
}
