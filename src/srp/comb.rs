//! Fixed-base exponentiation `g^e mod N` for the group generator g = 2, with
//! Lim–Lee comb tables built once per process.
//!
//! The exponent is cut into blocks of `TEETH·SPACING` bits; block `b` has a
//! table of the `2^TEETH` products of `g^(2^(b·TEETH·SPACING + k·SPACING))`,
//! `k < TEETH`. Evaluation takes `SPACING − 1` squarings plus one
//! multiplication per block and column, each by a table entry chosen with a
//! constant-time scan of the whole table ([`field::ct_lookup`]); the
//! multiplications and squarings are the constant-time Montgomery arithmetic of
//! [`super::field`]. A 256-bit
//! exponent costs 21 squarings and 44 multiplications instead of 256 squarings
//! and 64 multiplications for a windowed exponentiation.
//!
//! Tables are built on first use (blocks 0 and 1 cover exponents up to 264
//! bits; longer secrets such as a 1024-bit `a` build blocks 2–7 on first use)
//! and hold only public values, so building them indexes plainly (public indices)
//! and only the evaluation in [`pow_g`] has to be constant-time.

use std::sync::OnceLock;

use crypto_bigint::U3072;

use super::field::{self, Fe, ONE};
use super::group::G;

/// Bits combined into one table index.
const TEETH: u32 = 6;
/// Distance between the bits of one index = number of columns. 22 makes a
/// 256-bit exponent two blocks: 21 squarings and 44 multiplications (one block
/// of 43 columns took 42 and 43), for a second 24 KB table.
const SPACING: u32 = 22;
/// Exponent bits covered by one table.
const BLOCK_BITS: u32 = TEETH * SPACING;
/// Tables needed for a 3073-bit exponent (a 3072-bit `a` is the longest accepted).
const BLOCKS: usize = (U3072::BITS + 1).div_ceil(BLOCK_BITS) as usize;

/// One block's table: entry `j` is `Π_{k: bit k of j} β_k` with
/// `β_k = g^(2^(b·BLOCK_BITS + k·SPACING))`, in Montgomery form.
struct Table {
    entries: Vec<Fe>,
}

impl Table {
    /// Builds the table whose first base is `beta0`.
    #[expect(
        clippy::indexing_slicing,
        reason = "k < TEETH = betas.len(); for 0 < j < 2^TEETH, its top bit < TEETH and rest < j"
    )]
    fn build(beta0: &Fe) -> Self {
        let mut betas = [*beta0; TEETH as usize];
        for k in 1..betas.len() {
            let mut x = betas[k - 1];
            for _ in 0..SPACING {
                x = field::square(&x);
            }
            betas[k] = x;
        }
        let mut entries = vec![ONE; 1 << TEETH];
        for j in 1..entries.len() {
            let top = usize::BITS - 1 - j.leading_zeros();
            let rest = j & !(1 << top);
            entries[j] = field::mul(&entries[rest], &betas[top as usize]);
        }
        Self { entries }
    }

    /// `β_{TEETH−1}^(2^SPACING)`: the first base of the next block.
    #[expect(
        clippy::indexing_slicing,
        reason = "entries has 2^TEETH entries, built by `build`"
    )]
    fn next_beta0(&self) -> Fe {
        let mut x = self.entries[1 << (TEETH - 1)];
        for _ in 0..SPACING {
            x = field::square(&x);
        }
        x
    }
}

/// The tables of blocks `0..blocks` (at most [`BLOCKS`]), building missing
/// ones in order on first use.
fn tables(blocks: usize) -> [Option<&'static Table>; BLOCKS] {
    static TABLES: [OnceLock<Table>; BLOCKS] = [const { OnceLock::new() }; BLOCKS];
    let mut out = [None; BLOCKS];
    let mut prev: Option<&'static Table> = None;
    for (cell, slot) in TABLES.iter().zip(out.iter_mut()).take(blocks) {
        let t = cell.get_or_init(|| {
            let beta0 = prev.map_or_else(|| field::to_monty(&U3072::from_u8(G)), Table::next_beta0);
            Table::build(&beta0)
        });
        *slot = Some(t);
        prev = Some(t);
    }
    out
}

/// `g^e mod N` in Montgomery form, for the exponent `e` of which the low
/// `bits` bits are used (`bits` is public, at most 3168; higher bits of `e`
/// must be zero).
///
/// Never inlined: `tests/constant_time.sh` counts the instructions executed
/// inside this function, found by name, for g^a and g^x; inlined, it would
/// measure nothing. A call costs nothing next to the exponentiation.
#[inline(never)]
pub(crate) fn pow_g(e: &U3072, bits: u32) -> Fe {
    let blocks = bits.div_ceil(BLOCK_BITS).max(1) as usize;
    let tables = tables(blocks);
    let mut acc = ONE;
    for col in (0..SPACING).rev() {
        if col + 1 < SPACING {
            acc = field::square(&acc);
        }
        for (b, t) in (0u32..).zip(tables.iter().flatten()) {
            let mut idx = 0u32;
            for k in 0..TEETH {
                idx |= field::bit(e, b * BLOCK_BITS + k * SPACING + col) << k;
            }
            acc = field::mul(&acc, &field::ct_lookup(&t.entries, idx));
        }
    }
    acc
}

#[cfg(test)]
mod tests {
    use super::*;
    use num_bigint::BigUint;

    #[test]
    fn pow_g_matches_num_bigint() {
        let n = field::n_big();
        let mut bytes = [0u8; 384];
        let mut state = 0x2545_f491_4f6c_dd1du64;
        for chunk in bytes.chunks_exact_mut(8) {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            chunk.copy_from_slice(&state.to_be_bytes());
        }
        let e_full = BigUint::from_bytes_be(&bytes);
        for bits in [
            1u32, 8, 131, 132, 133, 255, 256, 258, 259, 264, 265, 512, 1024, 1025, 3072,
        ] {
            let e = &e_full % (BigUint::from(1u8) << bits);
            let e_uint = field::uint_from_be(&e.to_bytes_be());
            assert!(e_uint.is_some(), "bits={bits}");
            let got = field::retrieve(&pow_g(&e_uint.unwrap_or_default(), bits));
            let got = BigUint::from_bytes_be(got.to_be_bytes().as_slice());
            assert_eq!(got, BigUint::from(2u8).modpow(&e, &n), "bits={bits}");
        }
    }
}
