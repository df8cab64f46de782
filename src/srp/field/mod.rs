//! Arithmetic modulo the fixed group prime N, in constant time: N, the residue
//! type, Montgomery multiplication, squaring and exponentiation. It lives in the
//! workspace crate `cognito-auth-srp-field` (`srp-field/`), so the WebAssembly
//! build can optimize it for speed and the rest of this crate for size; this
//! module is the one door the SRP code (`comb.rs`, `client.rs`, `group.rs`, ...)
//! goes through.

#[cfg(any(fuzzing, feature = "__fuzzing"))]
pub(crate) use cognito_auth_srp_field::ModN;
// Visible to `srp/differential.rs`, which hands the multiplication by name to the
// fuzz drivers and `benches/montgomery.rs`.
#[cfg(any(fuzzing, feature = "__fuzzing"))]
pub(crate) use cognito_auth_srp_field::product_scanning;
pub(crate) use cognito_auth_srp_field::{
    Fe, N, N_BYTES, ONE, bit, ct_lookup, mul, pow, reduce_public, retrieve, square, sub_mod,
    to_monty, uint_from_be,
};

/// N by num-bigint from the hex text, for the tests' independent checks.
#[cfg(test)]
pub(crate) fn n_big() -> num_bigint::BigUint {
    num_bigint::BigUint::parse_bytes(cognito_auth_srp_field::N_HEX.as_bytes(), 16)
        .unwrap_or_default()
}
