//! Differential checks for the fuzzer (`cognito_auth::fuzzing::arithmetic`): this
//! crate's Montgomery arithmetic and constant-time key derivation against
//! independent implementations. A disagreement panics, which is the fuzz oracle.
//! [`Residue`] hands both multiplications to `benches/montgomery.rs`.
#![allow(clippy::panic)]

use crypto_bigint::U3072;
use crypto_bigint::modular::ConstMontyParams as _;
use sha2::Sha256;

use super::group::N_BYTES;
use super::kdf::HKDF_INFO;
use super::monty::{Fe, ModN};
use super::pad::pad_into;
use super::{fips, session_key};

/// The residue whose Montgomery form is `bytes` (big-endian) reduced below N.
fn montgomery_form(bytes: &[u8; N_BYTES]) -> Fe {
    let x = U3072::from_be_slice(bytes);
    let n = ModN::PARAMS.modulus().as_ref();
    // x < 2^3072 < 2N: one conditional subtraction reduces it.
    let reduced = if x >= *n { x.wrapping_sub(n) } else { x };
    Fe::from_montgomery(reduced)
}

/// A residue mod N in Montgomery form, multiplied by this crate's product scanning
/// or by crypto-bigint's `ConstMontyForm`, for the side-by-side bench.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Residue(Fe);

impl Residue {
    /// The residue whose Montgomery form is `bytes` (big-endian), reduced below N.
    pub fn from_be_bytes(bytes: &[u8; N_BYTES]) -> Self {
        Self(montgomery_form(bytes))
    }

    /// Montgomery product by product scanning (`fips.rs`), as the SRP code uses it.
    pub fn mul(&self, other: &Self) -> Self {
        Self(fips::mul(&self.0, &other.0))
    }

    /// Montgomery square by product scanning (`fips.rs`).
    pub fn square(&self) -> Self {
        Self(fips::square(&self.0))
    }

    /// crypto-bigint's Montgomery product.
    pub fn crypto_bigint_mul(&self, other: &Self) -> Self {
        Self(self.0.mul(&other.0))
    }

    /// crypto-bigint's Montgomery square (a multiplication of the value by itself).
    pub fn crypto_bigint_square(&self) -> Self {
        Self(self.0.square())
    }
}

/// `fips::mul` and `fips::square` against crypto-bigint's Montgomery arithmetic.
pub(crate) fn check_arithmetic(x: &[u8; N_BYTES], y: &[u8; N_BYTES]) {
    let a = montgomery_form(x);
    let b = montgomery_form(y);
    if fips::mul(&a, &b) != a.mul(&b) {
        panic!("fips::mul disagrees with crypto-bigint");
    }
    if fips::square(&a) != a.square() {
        panic!("fips::square disagrees with crypto-bigint");
    }
}

/// The constant-time key from S against the `hkdf` crate over the streaming padHex(S).
pub(crate) fn check_session_key(s: &[u8; N_BYTES], salt: &[u8]) {
    let mut buf = [0u8; N_BYTES + 1];
    let ikm = pad_into(s, &mut buf);
    let mut want = [0u8; 16];
    if hkdf::Hkdf::<Sha256>::new(Some(salt), ikm)
        .expand(HKDF_INFO, &mut want)
        .is_err()
    {
        panic!("16 bytes are a valid HKDF-SHA256 output length");
    }
    if session_key::key_from_s(s, salt) != want {
        panic!("session_key disagrees with the hkdf crate");
    }
}
