//! RS256 JWTs signed with a fixed test key shipped in the crate
//! (`keys/test-signing-key.pem`, 2048-bit, generated for this crate only), and
//! the JWKS that publishes its public half.
//!
//! **Test only.** The private key is published in this repository (and embedded in every
//! binary that links the testkit), so anyone can forge tokens under it: it must never sign
//! anything real, and nothing outside tests may trust its public key. Its `kid` starts with
//! `testkit-only-` (`KID_PREFIX`) so a token or JWKS carrying it reads as test-only wherever
//! it shows up.

use std::sync::{Arc, OnceLock};

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use ring::rand::SystemRandom;
use ring::signature::{
    RSA_PKCS1_2048_8192_SHA256, RSA_PKCS1_SHA256, RsaKeyPair, RsaPublicKeyComponents,
};
use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};

/// The published test key (see `keys/README.md`): never for anything real.
const TEST_KEY_PEM: &str = include_str!("../keys/test-signing-key.pem");

/// The start of the test key's `kid`, so the key reads as test-only in every header and JWKS.
const KID_PREFIX: &str = "testkit-only-";

/// Signs and verifies the pool's tokens, with the published test key only: whatever it signs
/// is forgeable by anyone and must never be trusted outside tests.
///
/// RSASSA-PKCS1-v1_5 with SHA-256 through `ring` (deterministic: the same claims give the same
/// token; `ring` blinds the private-key operation with randomness from `rng`).
#[derive(Clone)]
pub(crate) struct Signer {
    key_pair: Arc<RsaKeyPair>,
    public: Arc<RsaPublicKeyComponents<Vec<u8>>>,
    rng: SystemRandom,
    kid: String,
    jwk: Value,
}

impl std::fmt::Debug for Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Signer(kid = {})", self.kid)
    }
}

/// The DER inside a PEM block labelled `label`.
fn pem_der(pem: &str, label: &str) -> Option<Vec<u8>> {
    let begin = format!("-----BEGIN {label}-----");
    let end = format!("-----END {label}-----");
    let body = pem
        .split_once(begin.as_str())?
        .1
        .split_once(end.as_str())?
        .0;
    let base64: String = body.split_whitespace().collect();
    STANDARD.decode(base64).ok()
}

impl Signer {
    /// The shipped, published test key (`kid` = `testkit-only-` + the first 16 bytes of
    /// SHA-256(n), base64url). `None` only if the embedded PEM were corrupt. Parsed (and
    /// checked by `ring`) once per process; every pool shares it.
    pub(crate) fn test_key() -> Option<Self> {
        static TEST_KEY: OnceLock<Option<Signer>> = OnceLock::new();
        TEST_KEY.get_or_init(Self::parse_test_key).clone()
    }

    fn parse_test_key() -> Option<Self> {
        let der = pem_der(TEST_KEY_PEM, "PRIVATE KEY")?;
        let key_pair = RsaKeyPair::from_pkcs8(&der).ok()?;
        let public = RsaPublicKeyComponents::<Vec<u8>>::from(key_pair.public());
        // Both big-endian without leading zeros, as JWK (RFC 7518 §6.3.1) wants them.
        let (n, e) = (&public.n, &public.e);
        let digest = Sha256::digest(n);
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
            key_pair: Arc::new(key_pair),
            public: Arc::new(public),
            rng: SystemRandom::new(),
            kid,
            jwk,
        })
    }

    /// `{"keys": [jwk]}`.
    pub(crate) fn jwks(&self) -> Value {
        json!({ "keys": [self.jwk.clone()] })
    }

    /// A compact RS256 JWT of `claims`; `None` only if the OS random source (which `ring`
    /// needs to blind the RSA operation) failed.
    pub(crate) fn sign(&self, claims: &Value) -> Option<String> {
        let header = json!({"kid": self.kid, "alg": "RS256"});
        let signing_input = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(header.to_string()),
            URL_SAFE_NO_PAD.encode(claims.to_string())
        );
        let mut signature = vec![0u8; self.key_pair.public().modulus_len()];
        self.key_pair
            .sign(
                &RSA_PKCS1_SHA256,
                &self.rng,
                signing_input.as_bytes(),
                &mut signature,
            )
            .ok()?;
        Some(format!(
            "{signing_input}.{}",
            URL_SAFE_NO_PAD.encode(signature)
        ))
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
        let signature = URL_SAFE_NO_PAD.decode(signature).ok()?;
        let signed = token.get(..header_len(token)?)?;
        self.public
            .verify(&RSA_PKCS1_2048_8192_SHA256, signed.as_bytes(), &signature)
            .ok()?;
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

#[cfg(test)]
#[allow(clippy::expect_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    #[test]
    fn test_key_kid_jwk_and_round_trip() {
        let signer = Signer::test_key().expect("the embedded test key parses");
        // SHA-256 of the modulus (`openssl rsa -modulus`), first 16 bytes, base64url.
        assert_eq!(signer.kid, "testkit-only-TOOvyQjaqFpjzzkJ1nnP1Q");
        let jwk = &signer.jwks()["keys"][0];
        assert_eq!(jwk["e"], "AQAB");
        assert_eq!(jwk["kid"], signer.kid);
        let n = URL_SAFE_NO_PAD
            .decode(jwk["n"].as_str().expect("n"))
            .expect("base64url n");
        assert_eq!(n.len(), 256);
        assert_ne!(n.first(), Some(&0));

        let claims = json!({"sub": "abc", "token_use": "id", "exp": 1});
        let token = signer.sign(&claims).expect("signed");
        let header = token.split('.').next().expect("header");
        let header: Value =
            serde_json::from_slice(&URL_SAFE_NO_PAD.decode(header).expect("header b64"))
                .expect("header JSON");
        assert_eq!(header, json!({"alg": "RS256", "kid": signer.kid}));
        assert_eq!(signer.verify(&token), claims.as_object().cloned());
        // PKCS#1 v1.5 is deterministic: the same claims give the same token.
        assert_eq!(signer.sign(&claims), Some(token.clone()));
        let (signed, signature) = token.rsplit_once('.').expect("three parts");
        let mut bad = URL_SAFE_NO_PAD.decode(signature).expect("sig b64");
        if let Some(byte) = bad.last_mut() {
            *byte ^= 1;
        }
        let forged = format!("{signed}.{}", URL_SAFE_NO_PAD.encode(&bad));
        assert_eq!(signer.verify(&forged), None);
        let tampered = token.replacen(".ey", ".eY", 1);
        assert_eq!(signer.verify(&tampered), None);
    }
}
