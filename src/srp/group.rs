//! The SRP group on top of the field: the generator g = 2 and the SRP-6a
//! multiplier k = H(padHex(N) | padHex(g)), computed once. N itself is in
//! [`super::field`].

use std::sync::OnceLock;

use crypto_bigint::U256;
use sha2::{Digest, Sha256};

use super::field::{self, Fe, N};
use super::pad::pad_bytes;

/// The generator g (also the comb's base).
pub(crate) const G: u8 = 2;

/// k in Montgomery form, computed on first use.
pub(crate) fn k() -> &'static Fe {
    static K: OnceLock<Fe> = OnceLock::new();
    K.get_or_init(|| {
        let mut h = Sha256::new();
        h.update(pad_bytes(N.as_ref().to_be_bytes().as_slice()));
        h.update(pad_bytes(&[G]));
        let k_bytes: [u8; 32] = h.finalize().into();
        field::to_monty(&U256::from_be_slice(&k_bytes).resize())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn k_matches_protocol() {
        let k = super::super::pad::to_hex_minimal(field::retrieve(k()).to_be_bytes().as_slice());
        assert_eq!(
            k,
            "538282c4354742d7cbbde2359fcf67f9f5b3a6b08791e5011b43b8a5b66d9ee6"
        );
    }
}
