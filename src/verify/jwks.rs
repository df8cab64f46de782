//! The JWKS document: the pool's RSA public keys by `kid`.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rsa::{BigUint, RsaPublicKey, traits::PublicKeyParts as _};
use serde::Deserialize;

use crate::verify::error::VerifyError;

/// The smallest modulus accepted: Cognito signs with 2048-bit keys.
const MIN_BITS: usize = 2048;

#[derive(Deserialize)]
struct Document {
    keys: Vec<Jwk>,
}

#[derive(Deserialize)]
struct Jwk {
    kty: Option<String>,
    kid: Option<String>,
    alg: Option<String>,
    #[serde(rename = "use")]
    use_: Option<String>,
    n: Option<String>,
    e: Option<String>,
}

/// The RS256 signing keys of a JWKS document, by `kid`. Keys of other types or uses are
/// skipped; an RSA key that cannot be read, or shorter than 2048 bits, is an error.
pub(crate) fn parse(document: &[u8]) -> Result<Vec<(String, RsaPublicKey)>, VerifyError> {
    let document: Document = serde_json::from_slice(document)
        .map_err(|e| VerifyError::Jwks(format!("not a JWKS document: {e}")))?;
    let mut keys = Vec::new();
    for jwk in document.keys {
        let usable = jwk.kty.as_deref() == Some("RSA")
            && jwk.alg.as_deref().is_none_or(|alg| alg == "RS256")
            && jwk.use_.as_deref().is_none_or(|u| u == "sig");
        if !usable {
            continue;
        }
        let (Some(kid), Some(n), Some(e)) = (jwk.kid, jwk.n, jwk.e) else {
            return Err(VerifyError::Jwks("an RSA key lacks kid, n or e".into()));
        };
        let number = |part: &str| {
            URL_SAFE_NO_PAD
                .decode(part)
                .map(|bytes| BigUint::from_bytes_be(&bytes))
                .map_err(|_| VerifyError::Jwks(format!("key {kid:?}: {part:?} is not base64url")))
        };
        let key = RsaPublicKey::new(number(&n)?, number(&e)?)
            .map_err(|e| VerifyError::Jwks(format!("key {kid:?}: {e}")))?;
        if key.size() * 8 < MIN_BITS {
            return Err(VerifyError::Jwks(format!(
                "key {kid:?} is shorter than {MIN_BITS} bits"
            )));
        }
        keys.push((kid, key));
    }
    if keys.is_empty() {
        return Err(VerifyError::Jwks("no RS256 signing key".into()));
    }
    Ok(keys)
}
