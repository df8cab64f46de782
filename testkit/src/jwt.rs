//! RS256 JWTs signed with a fixed test key shipped in the crate
//! (`keys/test-signing-key.pem`, 2048-bit, generated for this crate only), and
//! the JWKS that publishes its public half.
//!
//! **Test only.** The private key is published in this repository (and embedded in every
//! binary that links the testkit), so anyone can forge tokens under it: it must never sign
//! anything real, and nothing outside tests may trust its public key. Its `kid` starts with
//! `testkit-only-` (`KID_PREFIX`) so a token or JWKS carrying it reads as test-only wherever
//! it shows up.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rsa::RsaPrivateKey;
use rsa::pkcs1v15::{Signature, SigningKey, VerifyingKey};
use rsa::pkcs8::DecodePrivateKey as _;
use rsa::signature::{SignatureEncoding as _, Signer as _, Verifier as _};
use rsa::traits::PublicKeyParts as _;
use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};

/// The published test key (see `keys/README.md`): never for anything real.
const TEST_KEY_PEM: &str = include_str!("../keys/test-signing-key.pem");

/// The start of the test key's `kid`, so the key reads as test-only in every header and JWKS.
const KID_PREFIX: &str = "testkit-only-";

/// Signs and verifies the pool's tokens, with the published test key only: whatever it signs
/// is forgeable by anyone and must never be trusted outside tests.
#[derive(Clone)]
pub(crate) struct Signer {
    signing: SigningKey<Sha256>,
    verifying: VerifyingKey<Sha256>,
    kid: String,
    jwk: Value,
}

impl std::fmt::Debug for Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Signer(kid = {})", self.kid)
    }
}

impl Signer {
    /// The shipped, published test key (`kid` = `testkit-only-` + the first 16 bytes of
    /// SHA-256(n), base64url). `None` only if the embedded PEM were corrupt.
    pub(crate) fn test_key() -> Option<Self> {
        let key = RsaPrivateKey::from_pkcs8_pem(TEST_KEY_PEM).ok()?;
        let public = key.to_public_key();
        let n = public.n().to_bytes_be();
        let e = public.e().to_bytes_be();
        let digest = Sha256::digest(&n);
        let kid = format!("{KID_PREFIX}{}", URL_SAFE_NO_PAD.encode(digest.get(..16)?));
        let jwk = json!({
            "alg": "RS256",
            "e": URL_SAFE_NO_PAD.encode(e),
            "kid": kid,
            "kty": "RSA",
            "n": URL_SAFE_NO_PAD.encode(n),
            "use": "sig",
        });
        Some(Self {
            verifying: VerifyingKey::<Sha256>::new(public),
            signing: SigningKey::<Sha256>::new(key),
            kid,
            jwk,
        })
    }

    /// `{"keys": [jwk]}`.
    pub(crate) fn jwks(&self) -> Value {
        json!({ "keys": [self.jwk.clone()] })
    }

    /// A compact RS256 JWT of `claims`.
    pub(crate) fn sign(&self, claims: &Value) -> String {
        let header = json!({"kid": self.kid, "alg": "RS256"});
        let signing_input = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(header.to_string()),
            URL_SAFE_NO_PAD.encode(claims.to_string())
        );
        let signature = self.signing.sign(signing_input.as_bytes());
        format!(
            "{signing_input}.{}",
            URL_SAFE_NO_PAD.encode(signature.to_bytes())
        )
    }

    /// The claims of a token this pool signed; `None` for anything else
    /// (malformed, another key, another algorithm, a tampered payload).
    pub(crate) fn verify(&self, token: &str) -> Option<Map<String, Value>> {
        let mut parts = token.split('.');
        let (header, payload, signature) = (parts.next()?, parts.next()?, parts.next()?);
        if parts.next().is_some() {
            return None;
        }
        let header: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(header).ok()?).ok()?;
        if header.get("alg")?.as_str()? != "RS256" || header.get("kid")?.as_str()? != self.kid {
            return None;
        }
        let signature =
            Signature::try_from(URL_SAFE_NO_PAD.decode(signature).ok()?.as_slice()).ok()?;
        let signed = token.get(..header_len(token)?)?;
        self.verifying.verify(signed.as_bytes(), &signature).ok()?;
        match serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).ok()?).ok()? {
            Value::Object(claims) => Some(claims),
            _ => None,
        }
    }
}

/// Length of `header.payload` in a compact JWT.
fn header_len(token: &str) -> Option<usize> {
    token.rfind('.')
}
