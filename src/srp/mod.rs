//! SRP-6a as Amazon Cognito user pools speak it (USER_SRP_AUTH,
//! PASSWORD_VERIFIER, DEVICE_SRP_AUTH / DEVICE_PASSWORD_VERIFIER, ConfirmDevice).
//!
//! Group: the RFC 3526 3072-bit MODP prime N, g = 2, SHA-256 for `H`.
//! `padHex(n)` is the minimal big-endian unsigned encoding of `n` plus one
//! leading `0x00` byte iff its top bit is set (`0` → `00`); see [`pad_hex`].
//! `|` is byte concatenation.
//!
//! | value | formula |
//! |---|---|
//! | k | `H(padHex(N) \| padHex(g))` = `5382…9ee6` |
//! | A (SRP_A) | `g^a mod N`, sent as lower-case hex without leading zeros; `A mod N ≠ 0` |
//! | u | `H(padHex(A) \| padHex(B))`, B as sent; `B mod N ≠ 0`, `u ≠ 0` |
//! | x | `H(padHex(salt) \| H(utf8(pool_name \| user_id \| ":" \| password)))` |
//! | S | `(B − k·g^x mod N)^(a + u·x) mod N`, base in `[0, N)`, exponent not reduced |
//! | key | `HKDF-SHA256(ikm = padHex(S), salt = padHex(u), info = "Caldera Derived Key")`, 16 bytes |
//! | PASSWORD_CLAIM_SIGNATURE | `base64(HMAC-SHA256(key, pool_name \| user_id \| b64dec(SECRET_BLOCK) \| TIMESTAMP))` |
//! | TIMESTAMP | `EEE MMM d HH:mm:ss UTC yyyy`, English, UTC, day not zero-padded |
//! | device x | `H(padHex(salt) \| H(device_group_key \| device_key \| ":" \| device_password))` |
//! | PasswordVerifier | `base64(padHex(g^x mod N))`; Salt = `base64(padHex(salt))` |
//!
//! `pool_name` is the user-pool ID after `_`; `user_id` is USER_ID_FOR_SRP.
//! For device SRP, the DeviceGroupKey takes the place of `pool_name`, the
//! DeviceKey that of `user_id`, and the device's random password that of the
//! password.
//!
//! Every exponentiation with a secret exponent (`a`, `x`, `a + u·x`) is a
//! constant-time Montgomery exponentiation whose exponent bit bound depends
//! only on public lengths: fixed-base comb tables for g = 2 (built once per
//! process, `comb.rs`) for `g^a` and `g^x`, and a fixed 4-bit-window
//! exponentiation for `S`, over Montgomery multiplication and squaring by
//! product scanning (`field/product_scanning.rs`) in crypto-bigint's
//! `ConstMontyForm<_, U3072>` (parameters of N computed at compile time; the
//! tests check all of it against num-bigint and crypto-bigint). `a + u·x` is
//! computed exactly with crypto-bigint. The key is derived from S in constant
//! time too (`session_key.rs`: the length of padHex(S) depends on S). Secrets are zeroized on drop and never
//! shown by `Debug`. Public server values (SALT, SRP_B) are parsed leniently
//! (any length up to [`MAX_HEX_DIGITS`], any case, odd digit counts) but
//! negative numbers are rejected. No input panics: failures are [`SrpError`].
//!
//! Layout; imports point one way, from the protocol steps down to the arithmetic:
//! `client` and `device_verifier` (the protocol steps) use `comb` (`g^e`),
//! `group` (g, k), `session_key` (the key from S), `ephemeral` (`a`), `kdf` and
//! `pad`; whatever computes mod N uses `field` (N, the residue type, Montgomery
//! multiplication, squaring, exponentiation), which imports nothing from `srp`.

mod client;
mod comb;
mod device_verifier;
#[cfg(any(fuzzing, feature = "__fuzzing"))]
pub(crate) mod differential;
mod ephemeral;
mod error;
mod field;
mod group;
mod kdf;
mod pad;
mod secret_block;
mod session_key;
mod timestamp;

pub use client::{Derivation, SrpClient, VerifierInput};
pub use device_verifier::DeviceVerifier;
pub use ephemeral::EphemeralSecret;
pub use error::SrpError;
pub(crate) use kdf::hmac_sha256;
pub use pad::{MAX_HEX_DIGITS, pad_hex};
pub use secret_block::decode_secret_block;
pub(crate) use secret_block::validate as validate_secret_block;
pub(crate) use timestamp::Timestamp;
pub use timestamp::format_timestamp;
