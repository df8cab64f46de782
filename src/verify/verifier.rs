//! `JwtVerifier`: RS256 signature and claims of Cognito's ID and access tokens.

use core::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rsa::RsaPublicKey;
use rsa::pkcs1v15::{Signature, VerifyingKey};
use rsa::signature::Verifier as _;
use serde_json::{Map, Value};
use sha2::Sha256;
use subtle::ConstantTimeEq as _;

use crate::config::PoolConfig;
use crate::time::UnixTime;
use crate::tokens::Claims;
use crate::verify::error::VerifyError;
use crate::verify::jwks;

/// The leeway [`JwtVerifier`] allows on `exp`, `nbf` and `iat` unless told otherwise, for
/// clocks that are a little off: 60 seconds.
pub const DEFAULT_LEEWAY_SECS: u64 = 60;

/// The issuer of a pool's tokens: `https://cognito-idp.<region>.amazonaws.com/<pool id>`
/// (`amazonaws.com.cn` in the China regions). Its JWKS is at
/// `<issuer>/.well-known/jwks.json`.
pub fn cognito_issuer(config: &PoolConfig) -> String {
    let suffix = if config.region().starts_with("cn-") {
        "amazonaws.com.cn"
    } else {
        "amazonaws.com"
    };
    format!(
        "https://cognito-idp.{}.{suffix}/{}",
        config.region(),
        config.user_pool_id()
    )
}

/// A token that verified: its claims, and the whole payload for the claims [`Claims`] does not
/// name (`cognito:groups`, `scope`, custom attributes...).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct VerifiedToken {
    /// The common claims.
    pub claims: Claims,
    /// Every claim of the payload.
    pub payload: Map<String, Value>,
}

/// Verifies Cognito's ID and access tokens offline: an RS256 signature by a key of the pool's
/// JWKS, then `iss`, the app client (`aud` of ID tokens, `client_id` of access tokens),
/// `token_use`, `exp` / `nbf` / `iat` with a leeway, and the login's `nonce` for ID tokens.
/// Sans-IO: the app fetches the JWKS document (`<issuer>/.well-known/jwks.json`, cache it) and
/// passes the time in. When a token names a `kid` the JWKS lacks, the error
/// ([`VerifyError::UnknownKey`]) says to fetch the JWKS again.
///
/// Usable on its own by back ends: it needs no sign-in machine.
#[derive(Clone)]
pub struct JwtVerifier {
    issuer: String,
    client_ids: Vec<String>,
    keys: Vec<(String, RsaPublicKey)>,
    leeway: u64,
}

impl JwtVerifier {
    /// A verifier for tokens of `issuer` issued to `client_id`, with the keys of `jwks` (the
    /// bytes of the JWKS document).
    ///
    /// # Errors
    /// [`VerifyError::Jwks`] when the document is not a JWKS, an RSA key in it cannot be read or
    /// is shorter than 2048 bits, or it holds no RS256 signing key.
    pub fn new(
        issuer: impl Into<String>,
        client_id: impl Into<String>,
        jwks: &[u8],
    ) -> Result<Self, VerifyError> {
        Ok(Self {
            issuer: issuer.into(),
            client_ids: vec![client_id.into()],
            keys: jwks::parse(jwks)?,
            leeway: DEFAULT_LEEWAY_SECS,
        })
    }

    /// A verifier for the pool and app client of `config`, issuer [`cognito_issuer`].
    ///
    /// # Errors
    /// As [`new`](Self::new).
    pub fn for_pool(config: &PoolConfig, jwks: &[u8]) -> Result<Self, VerifyError> {
        Self::new(cognito_issuer(config), config.client_id(), jwks)
    }

    /// Also accepts tokens issued to this app client (a back end serving several clients).
    #[must_use]
    pub fn with_client_id(mut self, client_id: impl Into<String>) -> Self {
        self.client_ids.push(client_id.into());
        self
    }

    /// The leeway on `exp`, `nbf` and `iat` in seconds (default [`DEFAULT_LEEWAY_SECS`]).
    #[must_use]
    pub fn with_leeway(mut self, secs: u64) -> Self {
        self.leeway = secs;
        self
    }

    /// The issuer expected in `iss`.
    pub fn issuer(&self) -> &str {
        &self.issuer
    }

    /// The leeway in seconds.
    pub fn leeway(&self) -> u64 {
        self.leeway
    }

    /// Verifies an ID token at `now`. `nonce` is the login's
    /// ([`PendingLogin::nonce`](crate::oauth::PendingLogin::nonce)): when given, the token's
    /// `nonce` must equal it (tokens from the API sign-in carry none: pass `None`).
    ///
    /// # Errors
    /// The first check that fails, as a [`VerifyError`].
    pub fn verify_id_token(
        &self,
        token: &str,
        now: UnixTime,
        nonce: Option<&str>,
    ) -> Result<VerifiedToken, VerifyError> {
        let verified = self.verify(token, now, "id")?;
        self.check_client(verified.claims.aud.as_deref())?;
        if let Some(expected) = nonce {
            let found = verified.payload.get("nonce").and_then(Value::as_str);
            let matches =
                found.is_some_and(|found| bool::from(found.as_bytes().ct_eq(expected.as_bytes())));
            if !matches {
                return Err(VerifyError::Nonce);
            }
        }
        Ok(verified)
    }

    /// Verifies an access token at `now`.
    ///
    /// # Errors
    /// The first check that fails, as a [`VerifyError`].
    pub fn verify_access_token(
        &self,
        token: &str,
        now: UnixTime,
    ) -> Result<VerifiedToken, VerifyError> {
        let verified = self.verify(token, now, "access")?;
        self.check_client(verified.claims.client_id.as_deref())?;
        Ok(verified)
    }

    fn check_client(&self, found: Option<&str>) -> Result<(), VerifyError> {
        if found.is_some_and(|found| self.client_ids.iter().any(|id| id == found)) {
            Ok(())
        } else {
            Err(VerifyError::Audience {
                found: found.map(str::to_owned),
            })
        }
    }

    /// The signature, then the claims every token carries.
    fn verify(
        &self,
        token: &str,
        now: UnixTime,
        token_use: &'static str,
    ) -> Result<VerifiedToken, VerifyError> {
        let malformed = |why: &str| VerifyError::Malformed(why.to_owned());
        let mut parts = token.split('.');
        let (Some(header), Some(payload), Some(signature), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(malformed("expected three dot-separated parts"));
        };
        let object = |part: &str| -> Result<Map<String, Value>, VerifyError> {
            let bytes = URL_SAFE_NO_PAD
                .decode(part)
                .map_err(|_| malformed("a part is not base64url"))?;
            serde_json::from_slice(&bytes)
                .map_err(|_| malformed("the header or payload is not a JSON object"))
        };
        let header = object(header)?;
        match header.get("alg") {
            Some(Value::String(alg)) if alg == "RS256" => {}
            Some(Value::String(alg)) => return Err(VerifyError::Algorithm(alg.clone())),
            _ => return Err(VerifyError::Algorithm(String::new())),
        }
        let kid = header.get("kid").and_then(Value::as_str);
        let key = kid
            .and_then(|kid| self.keys.iter().find(|(k, _)| k == kid))
            .map(|(_, key)| key)
            .ok_or_else(|| VerifyError::UnknownKey {
                kid: kid.map(str::to_owned),
            })?;
        let signature = URL_SAFE_NO_PAD
            .decode(signature)
            .map_err(|_| malformed("the signature is not base64url"))?;
        let signature =
            Signature::try_from(signature.as_slice()).map_err(|_| VerifyError::BadSignature)?;
        // The signing input is the first two parts as they are, with the dot between them.
        let signed = token
            .rsplit_once('.')
            .map_or(token, |(signed, _)| signed)
            .as_bytes();
        VerifyingKey::<Sha256>::new(key.clone())
            .verify(signed, &signature)
            .map_err(|_| VerifyError::BadSignature)?;

        let payload = object(payload)?;
        let claims: Claims = serde_json::from_value(Value::Object(payload.clone()))
            .map_err(|_| malformed("a claim has the wrong type"))?;
        if claims.iss.as_deref() != Some(self.issuer.as_str()) {
            return Err(VerifyError::Issuer {
                expected: self.issuer.clone(),
                found: claims.iss,
            });
        }
        if claims.token_use.as_deref() != Some(token_use) {
            return Err(VerifyError::TokenUse {
                expected: token_use,
                found: claims.token_use,
            });
        }
        let (now, leeway) = (now.as_secs(), self.leeway);
        if claims
            .exp
            .is_none_or(|exp| now > exp.saturating_add(leeway))
        {
            return Err(VerifyError::Expired {
                exp: claims.exp,
                now,
                leeway,
            });
        }
        let nbf = match payload.get("nbf") {
            None => None,
            Some(nbf) => Some(
                nbf.as_u64()
                    .ok_or_else(|| malformed("nbf is not a number"))?,
            ),
        };
        for not_before in [nbf, claims.iat].into_iter().flatten() {
            if not_before > now.saturating_add(leeway) {
                return Err(VerifyError::NotYetValid {
                    not_before,
                    now,
                    leeway,
                });
            }
        }
        Ok(VerifiedToken { claims, payload })
    }
}

impl fmt::Debug for JwtVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JwtVerifier")
            .field("issuer", &self.issuer)
            .field("client_ids", &self.client_ids)
            .field(
                "kids",
                &self.keys.iter().map(|(kid, _)| kid).collect::<Vec<_>>(),
            )
            .field("leeway", &self.leeway)
            .finish()
    }
}
