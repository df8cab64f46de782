//! Constant-time arithmetic modulo the fixed group prime N, on residues held in
//! crypto-bigint's `ConstMontyForm<_, U3072>`.
//!
//! Montgomery multiplication and squaring are [`super::fips`] (product
//! scanning, specialised to N; 0.82–0.89× the time of crypto-bigint's multiplication
//! and 0.65–0.69× of its squaring, `benches/montgomery.rs`); subtraction and
//! conversions are crypto-bigint's constant-time implementations; the windowed
//! exponentiation of S is below. The Montgomery parameters
//! of N (`R mod N`, `R² mod N`, `−N⁻¹ mod 2^w`) are computed at compile time
//! ([`ModN::PARAMS`], an associated constant), so nothing about N is computed
//! at run time.
//!
//! Every function here runs in time independent of the *values* of its
//! secret arguments: loop bounds and bit positions depend only on public
//! lengths, table look-ups read every entry and keep one with
//! crypto-bigint's constant-time `CtAssign`.

use crypto_bigint::modular::{ConstMontyForm, ConstMontyParams, FixedMontyParams};
use crypto_bigint::{CtAssign as _, CtEq as _, Odd, U3072};
use zeroize::Zeroize as _;

use super::group::N_HEX;

/// The modulus N as a crypto-bigint constant-modulus parameter set.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct ModN;

impl ConstMontyParams<{ U3072::LIMBS }> for ModN {
    const LIMBS: usize = U3072::LIMBS;
    // Evaluated by the compiler (`new_vartime` is a `const fn`; N is public).
    const PARAMS: FixedMontyParams<{ U3072::LIMBS }> =
        FixedMontyParams::new_vartime(Odd::<U3072>::from_be_hex(N_HEX));
}

/// A residue mod N in Montgomery form (`x·R mod N`, `R = 2^3072`).
pub(crate) type Fe = ConstMontyForm<ModN, { U3072::LIMBS }>;

/// Montgomery 1 (`R mod N`).
pub(crate) const ONE: Fe = Fe::ONE;

/// Montgomery product `a·b/R mod N` (see [`super::fips`]).
#[inline]
pub(crate) fn mul(a: &Fe, b: &Fe) -> Fe {
    super::fips::mul(a, b)
}

/// Montgomery square `a²/R mod N` (see [`super::fips`]: cheaper than `a.square()`).
#[inline]
pub(crate) fn square(a: &Fe) -> Fe {
    super::fips::square(a)
}

/// `a − b mod N`.
#[inline]
pub(crate) fn sub_mod(a: &Fe, b: &Fe) -> Fe {
    a.sub(b)
}

/// Converts an integer `x < 2^3072` into Montgomery form (`x mod N`, reduced).
pub(crate) fn to_monty(x: &U3072) -> Fe {
    Fe::new(x)
}

/// The ordinary integer in `[0, N)` of a Montgomery residue.
pub(crate) fn retrieve(a: &Fe) -> U3072 {
    a.retrieve()
}

/// `table[idx]`, reading every entry (constant time in `idx`; an `idx` out of
/// range gives Montgomery zero).
#[inline]
pub(crate) fn ct_lookup(table: &[Fe], idx: u32) -> Fe {
    let mut out = Fe::ZERO;
    for (j, entry) in (0u32..).zip(table) {
        out.ct_assign(entry, j.ct_eq(&idx));
    }
    out
}

/// Bit `pos` of `e` as 0 or 1 (`pos` is public; the bit's value is not
/// branched on; positions past the end read as 0).
#[inline(always)]
pub(crate) fn bit(e: &U3072, pos: u32) -> u32 {
    u32::from(e.bit_vartime(pos))
}

/// Window width of [`pow`]: 16-entry tables.
const WINDOW: u32 = 4;

/// `base^e mod N` (Montgomery form in and out) using the low `bits` bits of
/// `e` (`bits` is public; at most 3072 bits are used).
///
/// Fixed 4-bit windows from the top: four squarings, then one multiplication
/// by the table entry the window selects, read with a full constant-time scan
/// ([`ct_lookup`]). Only `bits` shapes the running time.
pub(crate) fn pow(base: &Fe, e: &U3072, bits: u32) -> Fe {
    let bits = bits.min(U3072::BITS);
    let mut table = [ONE; 1 << WINDOW];
    for k in 1..table.len() {
        let prev = table.get(k - 1).copied().unwrap_or(ONE);
        if let Some(slot) = table.get_mut(k) {
            *slot = if k == 1 { *base } else { mul(&prev, base) };
        }
    }
    let windows = bits.div_ceil(WINDOW);
    let mut acc = ONE;
    for w in (0..windows).rev() {
        if w + 1 < windows {
            for _ in 0..WINDOW {
                acc = square(&acc);
            }
        }
        let mut idx = 0u32;
        for k in 0..WINDOW {
            let pos = w * WINDOW + k;
            if pos < bits {
                idx |= bit(e, pos) << k;
            }
        }
        acc = mul(&acc, &ct_lookup(&table, idx));
    }
    // Powers of a base derived from x.
    table.zeroize();
    acc
}

#[cfg(test)]
mod tests {
    use super::*;
    use num_bigint::BigUint;

    fn n_big() -> BigUint {
        BigUint::parse_bytes(N_HEX.as_bytes(), 16).unwrap_or_default()
    }

    fn big(x: &U3072) -> BigUint {
        BigUint::from_bytes_be(x.to_be_bytes().as_slice())
    }

    fn uint(x: &BigUint) -> U3072 {
        let bytes = x.to_bytes_be();
        let mut buf = [0u8; 384];
        let start = buf.len().saturating_sub(bytes.len());
        if let Some(dst) = buf.get_mut(start..) {
            dst.copy_from_slice(bytes.get(..dst.len()).unwrap_or_default());
        }
        U3072::from_be_slice(&buf)
    }

    /// Residues below N: edge cases plus pseudo-random ones (xorshift; deterministic).
    fn samples() -> Vec<BigUint> {
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
        let r = BigUint::from(1u8) << 3072;
        assert_eq!(big(ONE.as_montgomery()), &r % &n);
        assert_eq!(big(ModN::PARAMS.r2()), (&r * &r) % &n);
        assert_eq!(big(ModN::PARAMS.modulus().as_ref()), n);
    }

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
        let top = (BigUint::from(1u8) << 3072) - 1u8;
        assert_eq!(big(&retrieve(&to_monty(&uint(&top)))), &top % &n);
        assert_eq!(big(&retrieve(&to_monty(&uint(&n)))), BigUint::from(0u8));
    }

    #[test]
    fn pow_matches_num_bigint() {
        let n = n_big();
        let s = samples();
        let e_full = s.last().cloned().unwrap_or_default() ^ (BigUint::from(0xa5u8) << 3000);
        for (i, b) in s.iter().enumerate() {
            // exponents of several public lengths, incl. ones that are not a
            // multiple of the window (long ones for a few bases only).
            let lengths: &[u32] = if i < 6 {
                &[0, 1, 4, 5, 7, 256, 257, 513, 1025, 3072, 3073]
            } else {
                &[1, 7, 258, 513]
            };
            for &bits in lengths {
                let e = &e_full % (BigUint::from(1u8) << bits.min(3072));
                let got = retrieve(&pow(&to_monty(&uint(b)), &uint(&e_full), bits));
                assert_eq!(big(&got), b.modpow(&e, &n), "i={i} bits={bits}");
            }
        }
    }

    #[test]
    fn lookup_and_bits() {
        let table: Vec<Fe> = (0..8u64)
            .map(|k| to_monty(&U3072::from_u64(k + 3)))
            .collect();
        for k in 0..8u32 {
            assert_eq!(
                retrieve(&ct_lookup(&table, k)),
                U3072::from_u64(u64::from(k) + 3)
            );
        }
        assert_eq!(ct_lookup(&table, 8), Fe::ZERO);
        let e = U3072::from_u128(0x1_0000_0000_0000_00f0);
        assert_eq!(bit(&e, 4), 1);
        assert_eq!(bit(&e, 3), 0);
        assert_eq!(bit(&e, 64), 1);
        assert_eq!(bit(&e, 60), 0);
        assert_eq!(bit(&e, 5000), 0);
    }
}
