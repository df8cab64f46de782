//! The fixed SRP group: the RFC 3526 3072-bit MODP prime N, g = 2 and the
//! SRP-6a multiplier k = H(padHex(N) | padHex(g)), all computed once.

use std::sync::OnceLock;

use crypto_bigint::{Odd, U256, U3072};
use num_bigint::BigUint;
use sha2::{Digest, Sha256};

use super::monty::{self, Fe};
use super::pad::pad_bytes;

/// N in hexadecimal (RFC 3526 group 15, the value every Cognito client uses).
pub(crate) const N_HEX: &str = concat!(
    "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DD",
    "EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED",
    "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F",
    "83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B",
    "E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA0510",
    "15728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7",
    "ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864D87602733EC86A64521F2B18177B200C",
    "BBE117577A615D6C770988C0BAD946E208E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF",
);

/// N as a checked odd 3072-bit integer (evaluated at compile time).
pub(crate) const N: Odd<U3072> = Odd::<U3072>::from_be_hex(N_HEX);

/// The byte length of N (and of every residue mod N in big-endian form).
pub(crate) const N_BYTES: usize = 384;

/// Precomputed group data.
pub(crate) struct Group {
    /// N as an integer.
    pub(crate) n: U3072,
    /// N for the num-bigint reduction of public values.
    pub(crate) n_big: BigUint,
    /// k in Montgomery form for [`super::monty`].
    pub(crate) k_fe: Fe,
}

/// The group, built on first use.
pub(crate) fn group() -> &'static Group {
    static GROUP: OnceLock<Group> = OnceLock::new();
    GROUP.get_or_init(|| {
        let n = *N.as_ref();
        let n_bytes = n.to_be_bytes();
        let n_big = BigUint::from_bytes_be(n_bytes.as_slice());
        let mut h = Sha256::new();
        h.update(pad_bytes(n_bytes.as_slice()));
        h.update(pad_bytes(&[2]));
        let k_bytes: [u8; 32] = h.finalize().into();
        let k_fe = monty::to_monty(&U256::from_be_slice(&k_bytes).resize());
        Group { n, n_big, k_fe }
    })
}

/// Big-endian bytes (at most 384, leading zeros allowed) as a `U3072`;
/// `None` if longer.
pub(crate) fn u3072_from_be(bytes: &[u8]) -> Option<U3072> {
    let mut buf = zeroize::Zeroizing::new([0u8; N_BYTES]);
    let start = N_BYTES.checked_sub(bytes.len())?;
    buf.get_mut(start..)?.copy_from_slice(bytes);
    Some(U3072::from_be_slice(buf.as_slice()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn k_matches_protocol() {
        let k = super::super::pad::to_hex_minimal(
            monty::retrieve(&group().k_fe).to_be_bytes().as_slice(),
        );
        assert_eq!(
            k,
            "538282c4354742d7cbbde2359fcf67f9f5b3a6b08791e5011b43b8a5b66d9ee6"
        );
        assert_eq!(group().n_big.bits(), 3072);
    }
}
