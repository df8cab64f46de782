//! The modulus N and the residue type: N is written once (the RFC 3526 hex), and
//! every other form of it (the odd `U3072`, crypto-bigint's Montgomery
//! parameters, the limbs product scanning reads) is derived from that one
//! constant here, so they cannot disagree.

use crypto_bigint::modular::{ConstMontyForm, ConstMontyParams, FixedMontyParams};
use crypto_bigint::{Odd, U3072, Word};

/// N in hexadecimal (RFC 3526 group 15, the value every Cognito client uses).
pub const N_HEX: &str = concat!(
    "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DD",
    "EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED",
    "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F",
    "83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B",
    "E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA0510",
    "15728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7",
    "ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864D87602733EC86A64521F2B18177B200C",
    "BBE117577A615D6C770988C0BAD946E208E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF",
);

/// N as a checked odd 3072-bit integer (parsed by the compiler; an even or
/// malformed constant is a build error).
pub const N: Odd<U3072> = Odd::<U3072>::from_be_hex(N_HEX);

/// The byte length of N (and of every residue mod N in big-endian form).
pub const N_BYTES: usize = U3072::BYTES;

/// Limbs of N and of every residue.
pub const LIMBS: usize = U3072::LIMBS;

/// The limbs of N, least significant first.
pub const N_LIMBS: [Word; LIMBS] = N.as_ref().to_words();

/// N as a crypto-bigint constant-modulus parameter set.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ModN;

impl ConstMontyParams<LIMBS> for ModN {
    const LIMBS: usize = LIMBS;
    // `R mod N`, `R² mod N` and `−N⁻¹ mod 2^w`, evaluated by the compiler
    // (`new_vartime` is a `const fn`, and N is public), so nothing about N is
    // computed at run time.
    const PARAMS: FixedMontyParams<LIMBS> = FixedMontyParams::new_vartime(N);
}

/// A residue mod N in Montgomery form (`x·R mod N`, `R = 2^3072`).
pub type Fe = ConstMontyForm<ModN, LIMBS>;

/// Montgomery 1 (`R mod N`).
pub const ONE: Fe = Fe::ONE;

/// `a − b mod N` (crypto-bigint's, constant time).
#[inline]
pub fn sub_mod(a: &Fe, b: &Fe) -> Fe {
    a.sub(b)
}

/// Converts an integer `x < 2^3072` into Montgomery form (`x mod N`, reduced;
/// crypto-bigint's, constant time).
pub fn to_monty(x: &U3072) -> Fe {
    Fe::new(x)
}

/// The ordinary integer in `[0, N)` of a Montgomery residue.
pub fn retrieve(a: &Fe) -> U3072 {
    a.retrieve()
}

/// Big-endian bytes (at most [`N_BYTES`], leading zeros allowed) as a `U3072`;
/// `None` if longer.
pub fn uint_from_be(bytes: &[u8]) -> Option<U3072> {
    let mut buf = zeroize::Zeroizing::new([0u8; N_BYTES]);
    let start = N_BYTES.checked_sub(bytes.len())?;
    #[expect(
        clippy::indexing_slicing,
        reason = "start = N_BYTES − len ≤ N_BYTES, checked just above"
    )]
    buf[start..].copy_from_slice(bytes);
    Some(U3072::from_be_slice(buf.as_slice()))
}

/// A *public* value (big-endian bytes of any length) reduced mod N, in variable
/// time (it is public). Horner's rule over 384-byte chunks, most significant
/// first: `acc·2^3072 + chunk mod N`, where `acc·2^3072 mod N` is the Montgomery
/// form of `acc` (`R = 2^3072`), so a value longer than N (only a hostile or
/// broken server sends one) needs no other big-number arithmetic.
pub fn reduce_public(bytes: &[u8]) -> Option<U3072> {
    let mut acc: Option<U3072> = None;
    for chunk in bytes.rchunks(N_BYTES).rev() {
        let low = uint_from_be(chunk)?.rem_vartime(N.as_nz_ref());
        acc = Some(match acc {
            None => low,
            Some(high) => to_monty(to_monty(&high).as_montgomery())
                .add(&to_monty(&low))
                .retrieve(),
        });
    }
    Some(acc.unwrap_or(U3072::ZERO))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use num_bigint::BigUint;

    /// N parsed by num-bigint from the hex text: the tests' independent oracle.
    pub(crate) fn n_big() -> BigUint {
        BigUint::parse_bytes(N_HEX.as_bytes(), 16).unwrap_or_default()
    }

    pub(crate) fn big(x: &U3072) -> BigUint {
        BigUint::from_bytes_be(x.to_be_bytes().as_slice())
    }

    /// `x < 2^3072` as a `U3072`.
    pub(crate) fn uint(x: &BigUint) -> U3072 {
        let got = uint_from_be(&x.to_bytes_be());
        assert!(got.is_some(), "{x:x} does not fit in 3072 bits");
        got.unwrap_or_default()
    }

    /// Residues below N: edge cases plus pseudo-random ones (xorshift; deterministic).
    pub(crate) fn samples() -> Vec<BigUint> {
        let n = n_big();
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        let mut out = vec![
            BigUint::from(0u8),
            BigUint::from(1u8),
            BigUint::from(2u8),
            &n - 1u8,
            ((BigUint::from(1u8) << 3072) - 1u8) % &n,
        ];
        for _ in 0..20 {
            let mut bytes = [0u8; 384];
            for chunk in bytes.chunks_exact_mut(8) {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                chunk.copy_from_slice(&state.to_le_bytes());
            }
            out.push(BigUint::from_bytes_le(&bytes) % &n);
        }
        out
    }

    #[test]
    fn constants_match_num_bigint() {
        let n = n_big();
        assert_eq!(n.bits(), 3072);
        assert_eq!(N_BYTES, 384);
        assert_eq!(big(N.as_ref()), n);
        let r = BigUint::from(1u8) << 3072;
        assert_eq!(big(ONE.as_montgomery()), &r % &n);
        assert_eq!(big(ModN::PARAMS.r2()), (&r * &r) % &n);
        assert_eq!(big(ModN::PARAMS.modulus().as_ref()), n);
        let limbs = N_LIMBS
            .iter()
            .rev()
            .fold(BigUint::from(0u8), |acc, &w| (acc << Word::BITS) + w);
        assert_eq!(limbs, n);
    }

    #[test]
    fn reduce_public_matches_num_bigint() {
        let n = n_big();
        // One chunk, a short leading chunk, whole chunks, and all ones (the largest value of
        // each length).
        for len in [0usize, 1, 383, 384, 385, 512, 767, 768, 769, 1153, 2048] {
            let patterned: Vec<u8> = (0..len).map(|i| (i * 37 + 11) as u8 | 0x80).collect();
            for bytes in [patterned, vec![0xff; len]] {
                let got = reduce_public(&bytes).map(|x| big(&x));
                assert_eq!(got, Some(BigUint::from_bytes_be(&bytes) % &n), "len={len}");
            }
        }
        assert_eq!(uint_from_be(&[0; 385]), None);
    }
}
