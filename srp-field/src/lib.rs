//! Arithmetic modulo the SRP group prime N of Amazon Cognito (RFC 3526, 3072 bits), in
//! constant time: the one place that knows N, the residue type, Montgomery
//! multiplication, squaring and exponentiation. The SRP code of `cognito-auth`
//! (`src/srp/`) uses it; this crate knows nothing about SRP.
//!
//! A crate of its own so that builds optimizing for size (the WebAssembly package,
//! profile `wasm-release`) can compile this hot arithmetic at `opt-level = 3` and the
//! rest of `cognito-auth` at `z`. Not a stable API: `cognito-auth` re-exports nothing
//! from here.
//!
//! Inside it the files depend one way: `modulus` ← `product_scanning` ← `pow`.
//!
//! * `modulus`: N (written once, every other form derived from it), its
//!   compile-time Montgomery parameters, the residue type [`Fe`] (crypto-bigint's
//!   `ConstMontyForm<_, U3072>`), conversions and subtraction (crypto-bigint's
//!   constant-time ones), and the reduction of long public values.
//! * [`product_scanning`]: Montgomery multiplication and squaring specialised to N
//!   (0.82–0.89× the time of crypto-bigint's multiplication and 0.65–0.69× of its
//!   squaring, `benches/montgomery.rs` of `cognito-auth`).
//! * `pow`: the fixed-window exponentiation of S, and the constant-time table
//!   look-up and bit read the comb of `g^e` shares.

mod modulus;
mod pow;
pub mod product_scanning;

pub use modulus::{
    Fe, LIMBS, ModN, N, N_BYTES, N_HEX, N_LIMBS, ONE, reduce_public, retrieve, sub_mod, to_monty,
    uint_from_be,
};
pub use pow::{bit, ct_lookup, pow};
pub use product_scanning::{mul, square};

#[cfg(test)]
mod tests {
    use super::modulus::tests::{big, n_big, samples, uint};
    use super::*;

    /// The arithmetic the SRP code calls, against num-bigint and crypto-bigint.
    #[test]
    fn arithmetic_matches_num_bigint() {
        let n = n_big();
        let s = samples();
        for a in &s {
            let fa = to_monty(&uint(a));
            assert_eq!(big(&retrieve(&fa)), *a);
            assert_eq!(big(&retrieve(&square(&fa))), (a * a) % &n);
            assert_eq!(
                square(&fa),
                fa.square(),
                "the same residue as crypto-bigint's"
            );
            for b in &s {
                let fb = to_monty(&uint(b));
                assert_eq!(big(&retrieve(&mul(&fa, &fb))), (a * b) % &n);
                assert_eq!(mul(&fa, &fb), fa.mul(&fb), "as crypto-bigint's");
                assert_eq!(big(&retrieve(&sub_mod(&fa, &fb))), (a + &n - b) % &n);
            }
        }
        // Values in [N, 2^3072) are reduced on conversion.
        let top = (num_bigint::BigUint::from(1u8) << 3072) - 1u8;
        assert_eq!(big(&retrieve(&to_monty(&uint(&top)))), &top % &n);
        assert_eq!(
            big(&retrieve(&to_monty(&uint(&n)))),
            num_bigint::BigUint::from(0u8)
        );
    }
}
