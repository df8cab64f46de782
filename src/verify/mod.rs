//! Verifying Cognito's ID and access tokens offline: RS256 signatures against the pool's JWKS
//! and the claims (issuer, app client, `token_use`, expiry, the login's `nonce`).
//!
//! The RSA arithmetic is the [`rsa`](https://docs.rs/rsa) crate's (RSASSA-PKCS1-v1_5 with
//! SHA-256, public-key operations only), not this crate's.
//!
//! ```no_run
//! use cognito_auth::verify::JwtVerifier;
//! use cognito_auth::{PoolConfig, UnixTime};
//! # fn fetch(_: &str) -> Vec<u8> { Vec::new() }
//! # let (id_token, nonce) = ("", "");
//! let config = PoolConfig::new("us-east-1_AbC123", "1example23456789")?;
//! let issuer = cognito_auth::verify::cognito_issuer(&config);
//! let jwks = fetch(&format!("{issuer}/.well-known/jwks.json")); // your HTTP client; cache it
//! let verifier = JwtVerifier::for_pool(&config, &jwks)?;
//! let verified = verifier.verify_id_token(id_token, UnixTime(1_700_000_000), Some(nonce))?;
//! println!("signed in: {:?}", verified.claims.sub);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod error;
mod jwks;
mod verifier;

pub use error::VerifyError;
pub use verifier::{DEFAULT_LEEWAY_SECS, JwtVerifier, VerifiedToken, cognito_issuer};
