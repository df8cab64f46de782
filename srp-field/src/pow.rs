//! Constant-time exponentiation `base^e mod N` with fixed 4-bit windows, and the
//! two constant-time helpers it shares with the comb of `g^e` (`srp/comb.rs`):
//! a table look-up that reads every entry, and reading an exponent bit.
//!
//! Every function here runs in time independent of the *values* of its secret
//! arguments: loop bounds and bit positions depend only on public lengths, and
//! table look-ups read every entry and keep one with masks.

use crypto_bigint::{Limb, U3072, Word};
use zeroize::Zeroize as _;

use crate::modulus::{Fe, LIMBS, ONE};
use crate::product_scanning::{mul, square};

/// `table[idx]`, reading every entry (constant time in `idx`; an `idx` out of
/// range gives Montgomery zero).
///
/// Every limb of every entry is read and ANDed with a mask that is all ones for
/// the entry at `idx` and zero otherwise, and the masked limbs are ORed together.
/// The mask comes from arithmetic on `j ^ idx` (no comparison to branch on) and
/// is opaque to the optimiser (`black_box`, once per entry), like the final
/// subtraction's select in `product_scanning.rs`. crypto-bigint's `CtAssign`
/// did the same per limb through an out-of-line mask function on targets
/// without a `cmov` backend (wasm32: 19 % of a sign-in step's time).
#[inline]
pub fn ct_lookup(table: &[Fe], idx: u32) -> Fe {
    let mut out = [0 as Word; LIMBS];
    for (j, entry) in (0u32..).zip(table) {
        // `j ^ idx` is below 2^32, so subtracting 1 borrows into bit 63 exactly when it is 0.
        let hit = (u64::from(j ^ idx).wrapping_sub(1) >> 63) as Word;
        let mask = core::hint::black_box((0 as Word).wrapping_sub(hit));
        for (o, limb) in out.iter_mut().zip(entry.as_montgomery().as_limbs()) {
            *o |= limb.0 & mask;
        }
    }
    Fe::from_montgomery(U3072::new(out.map(Limb)))
}

/// Bit `pos` of `e` as 0 or 1 (positions past the end read as 0). `pos` is
/// public at every call (loop counters and public lengths); the bit's value is
/// not branched on. crypto-bigint 0.7's `bit_vartime` is variable-time in the
/// position only: `if limb_num >= self.limbs.len() { false } else {
/// (self.limbs[limb_num].0 >> index_in_limb) & 1 == 1 }` (`uint/ref_type/bits.rs`),
/// a bounds test on `pos`, one load at a `pos`-derived address and a shift. Its
/// constant-time `bit`, which reads every limb with masks for each bit, cost
/// 2.6 % more instructions in g^a and g^x and 3.0 % in S and the key
/// (`tests/constant_time.sh` counts; 1.4 % and 1.5 % with LTO) to hide a
/// position that is public; `tests/constant_time.sh` checks the result.
#[inline(always)]
pub fn bit(e: &U3072, pos: u32) -> u32 {
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
#[expect(
    clippy::indexing_slicing,
    reason = "building the 16-entry table: public indices 1..16"
)]
pub fn pow(base: &Fe, e: &U3072, bits: u32) -> Fe {
    let bits = bits.min(U3072::BITS);
    let mut table = [ONE; 1 << WINDOW];
    table[1] = *base;
    for k in 2..table.len() {
        table[k] = mul(&table[k - 1], base);
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
    use crate::modulus::tests::{big, n_big, samples, uint};
    use crate::modulus::{retrieve, to_monty};
    use num_bigint::BigUint;

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
