//! Token verification for C: `cognito_auth::verify::JwtVerifier` behind a handle, made from
//! the JWKS document the app fetched; a verified token's claims come out as JSON.

use cognito_auth::UnixTime;
use cognito_auth::verify::{JwtVerifier, VerifiedToken, VerifyError, cognito_issuer};
use serde_json::Value;

use crate::bytes::{CognitoBytes, borrow, borrow_opt_str, borrow_str, write_out};
use crate::error::{CognitoResult, Failure};
use crate::panic::{boundary, quietly};
use crate::sign_in::{CognitoConfig, handle};

/// A verifier of one issuer's tokens for one app client (opaque). Make it with
/// `cognito_jwt_verifier_new`, free it with `cognito_jwt_verifier_free`.
#[derive(Debug)]
pub struct CognitoJwtVerifier {
    inner: JwtVerifier,
}

impl From<VerifyError> for Failure {
    fn from(error: VerifyError) -> Self {
        let check = match &error {
            VerifyError::Jwks(_) => "jwks",
            VerifyError::Malformed(_) => "malformed",
            VerifyError::Algorithm(_) => "algorithm",
            VerifyError::UnknownKey { .. } => "unknown_key",
            VerifyError::BadSignature => "bad_signature",
            VerifyError::Issuer { .. } => "issuer",
            VerifyError::Audience { .. } => "audience",
            VerifyError::TokenUse { .. } => "token_use",
            VerifyError::Expired { .. } => "expired",
            VerifyError::NotYetValid { .. } => "not_yet_valid",
            VerifyError::Nonce => "nonce",
            _ => "other",
        };
        let code = match &error {
            VerifyError::UnknownKey { .. } => CognitoResult::UnknownKey,
            _ => CognitoResult::InvalidToken,
        };
        Failure {
            code,
            message: error.to_string(),
            service_code: Some(check.to_owned()),
        }
    }
}

/// Makes a verifier for the tokens of `config`'s app client, signed by the keys of
/// `jwks_json` (the document at `<issuer>/.well-known/jwks.json`, fetched by the app; cache
/// it) and issued by `issuer` (null: the pool's Cognito issuer,
/// `https://cognito-idp.<region>.amazonaws.com/<pool id>`). Writes the handle to
/// `*out_verifier` (null on failure).
///
/// Fails with `COGNITO_RESULT_INVALID_TOKEN` (`cognito_last_service_error_code`: `jwks`)
/// when the document holds no usable RS256 key.
///
/// # Safety
/// `config` must be null or live; the text pointers must point to their lengths of bytes
/// (`issuer` may be null); `out_verifier` must be valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cognito_jwt_verifier_new(
    config: *const CognitoConfig,
    issuer: *const u8,
    issuer_len: usize,
    jwks_json: *const u8,
    jwks_json_len: usize,
    out_verifier: *mut *mut CognitoJwtVerifier,
) -> CognitoResult {
    boundary(|| {
        // SAFETY: the caller's contract above, for every pointer.
        unsafe {
            write_out(out_verifier, std::ptr::null_mut(), "out_verifier")?;
            let config = handle(config, "config")?.core();
            let issuer = borrow_opt_str(issuer, issuer_len, "issuer")?
                .map_or_else(|| cognito_issuer(config), str::to_owned);
            let jwks = borrow(jwks_json, jwks_json_len, "jwks_json")?;
            let inner = JwtVerifier::new(issuer, config.client_id(), jwks)?;
            let boxed = Box::new(CognitoJwtVerifier { inner });
            write_out(out_verifier, Box::into_raw(boxed), "out_verifier")
        }
    })
}

/// Frees a verifier. Null is ignored.
///
/// # Safety
/// `verifier` must be null or from `cognito_jwt_verifier_new`, and not freed before.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cognito_jwt_verifier_free(verifier: *mut CognitoJwtVerifier) {
    quietly(|| {
        if !verifier.is_null() {
            // SAFETY: made by `Box::into_raw` in `cognito_jwt_verifier_new`, freed once.
            drop(unsafe { Box::from_raw(verifier) });
        }
    });
}

fn claims_json(verified: VerifiedToken) -> Result<CognitoBytes, Failure> {
    CognitoBytes::json_of(&Value::Object(verified.payload)).map_err(|e| {
        Failure::new(
            CognitoResult::Internal,
            format!("cannot serialize the claims: {e}"),
        )
    })
}

/// Verifies an ID token at `now_unix_secs` (RS256 signature, issuer, audience, `token_use`,
/// expiry with 60 s of leeway) and, when `nonce` is given (the managed login's, from the
/// `nonce` of the authorize URL or the pending login), that the token carries it. Writes the
/// token's claims (its whole payload) as JSON to `*out_claims_json`.
///
/// Fails with `COGNITO_RESULT_UNKNOWN_KEY` when the token's key is not in the JWKS (fetch it
/// again, make a new verifier, retry once) and `COGNITO_RESULT_INVALID_TOKEN` otherwise, with
/// the check that failed in `cognito_last_service_error_code` (`bad_signature`, `expired`,
/// `audience`, `issuer`, `token_use`, `nonce`, `malformed`, `algorithm`...).
///
/// # Safety
/// `verifier` must be null or live; `token` and `nonce` must point to their lengths of bytes
/// (`nonce` may be null); `out_claims_json` must be valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cognito_jwt_verify_id_token(
    verifier: *const CognitoJwtVerifier,
    token: *const u8,
    token_len: usize,
    now_unix_secs: u64,
    nonce: *const u8,
    nonce_len: usize,
    out_claims_json: *mut CognitoBytes,
) -> CognitoResult {
    boundary(|| {
        // SAFETY: the caller's contract above, for every pointer.
        unsafe {
            write_out(out_claims_json, CognitoBytes::EMPTY, "out_claims_json")?;
            let verifier = handle(verifier, "verifier")?;
            let token = borrow_str(token, token_len, "token")?;
            let nonce = borrow_opt_str(nonce, nonce_len, "nonce")?;
            let verified = verifier
                .inner
                .verify_id_token(token, UnixTime(now_unix_secs), nonce)?;
            write_out(out_claims_json, claims_json(verified)?, "out_claims_json")
        }
    })
}

/// Verifies an access token at `now_unix_secs` (as `cognito_jwt_verify_id_token`, with the app
/// client in `client_id` and no nonce) and writes its claims as JSON to `*out_claims_json`.
///
/// # Safety
/// `verifier` must be null or live; `token` must point to `token_len` bytes;
/// `out_claims_json` must be valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cognito_jwt_verify_access_token(
    verifier: *const CognitoJwtVerifier,
    token: *const u8,
    token_len: usize,
    now_unix_secs: u64,
    out_claims_json: *mut CognitoBytes,
) -> CognitoResult {
    boundary(|| {
        // SAFETY: the caller's contract above, for every pointer.
        unsafe {
            write_out(out_claims_json, CognitoBytes::EMPTY, "out_claims_json")?;
            let verifier = handle(verifier, "verifier")?;
            let token = borrow_str(token, token_len, "token")?;
            let verified = verifier
                .inner
                .verify_access_token(token, UnixTime(now_unix_secs))?;
            write_out(out_claims_json, claims_json(verified)?, "out_claims_json")
        }
    })
}
