//! Private SRP arithmetic handed to the fuzz drivers (`fuzz-drivers/`, target `arithmetic`)
//! and to `benches/montgomery.rs`, which compare it with independent implementations
//! (crypto-bigint's multiplication, the `hkdf` crate). The oracles live there, not here.

use crypto_bigint::U3072;
use crypto_bigint::modular::ConstMontyParams as _;

use super::field::product_scanning;
use super::field::{Fe, ModN, N_BYTES};
use super::session_key;

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

    /// Montgomery product by product scanning (`field/product_scanning.rs`), as the SRP code uses it.
    pub fn mul(&self, other: &Self) -> Self {
        Self(product_scanning::mul(&self.0, &other.0))
    }

    /// Montgomery square by product scanning (`field/product_scanning.rs`).
    pub fn square(&self) -> Self {
        Self(product_scanning::square(&self.0))
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

/// The constant-time key from S (`session_key.rs`), for the drivers' `hkdf` oracle.
pub fn key_from_s(s: &[u8; N_BYTES], salt: &[u8]) -> [u8; 16] {
    session_key::key_from_s(s, salt)
}
