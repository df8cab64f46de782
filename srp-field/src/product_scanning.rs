//! Montgomery multiplication and squaring mod N by product scanning: the
//! "finely integrated product scanning" (FIPS) method of Koç, Acar and Kaliski
//! (IEEE Micro 1996). Nothing to do with FIPS 140, nor with the FIPS endpoint of
//! `PoolConfig::with_fips`; hence the file's name.
//!
//! Column by column, every limb product of the result's column and the matching
//! products of the reduction (`m_i·N_j`) are added into three-limb accumulators
//! (two interleaved where that measured faster, summed at the column's end), so
//! the carry chain is one add-with-carry per product instead of a row's
//! read-modify-write of a limb array (the operand scanning of crypto-bigint's
//! multiplication). Squaring adds each cross product `a_i·a_j`, `i < j`, once and
//! doubles the column. On x86-64 (Zen 3), side by side with crypto-bigint's
//! (`benches/montgomery.rs`): multiplication 0.82–0.89×, squaring 0.65–0.69× the time
//! (three runs).
//!
//! N is fixed, and `N ≡ −1 mod 2^w` (its low 64 bits are all ones, RFC 3526), so
//! `−N⁻¹ mod 2^w = 1`: the reduction factor of a column is its low limb, and
//! `m·N_0 = m·2^w − m` clears that limb and carries `m` (checked at compile time).
//!
//! Constant time: every loop bound and every index is a public limb count (the
//! column number), carries are propagated arithmetically, and the final
//! subtraction of N is selected with a mask. Indices are written plainly: each
//! is in range by the column arithmetic noted beside it, so an out-of-range one
//! would be a bug to panic on, not a value to replace silently.

use crypto_bigint::modular::ConstMontyParams as _;
use crypto_bigint::{Limb, U3072, WideWord, Word};

use crate::modulus::{Fe, LIMBS as L, ModN, N_LIMBS as N};

const BITS: u32 = Word::BITS;

// The reduction below relies on `−N⁻¹ ≡ 1 (mod 2^w)` and `N_0 = 2^w − 1`.
const _: () = assert!(N[0] == Word::MAX && ModN::PARAMS.mod_neg_inv().0 == 1);

/// A column sum `lo + hi·2^(2w)`; a column has at most 3·L products, so `hi`
/// stays far below 2^w.
#[derive(Clone, Copy, Default)]
struct Acc {
    lo: WideWord,
    hi: Word,
}

impl Acc {
    #[inline(always)]
    fn mac(&mut self, x: Word, y: Word) {
        let (lo, carry) = self
            .lo
            .overflowing_add(WideWord::from(x) * WideWord::from(y));
        self.lo = lo;
        self.hi = self.hi.wrapping_add(Word::from(carry));
    }

    #[inline(always)]
    fn add(&mut self, other: Self) {
        let (lo, carry) = self.lo.overflowing_add(other.lo);
        self.lo = lo;
        self.hi = self
            .hi
            .wrapping_add(other.hi)
            .wrapping_add(Word::from(carry));
    }

    /// Adds `2·other`.
    #[inline(always)]
    fn add_doubled(&mut self, mut other: Self) {
        other.hi = (other.hi << 1) | (other.lo >> (2 * BITS - 1)) as Word;
        other.lo <<= 1;
        self.add(other);
    }

    /// The low limb, and the sum shifted down one limb.
    #[inline(always)]
    fn shift(&mut self) -> Word {
        let low = self.lo as Word;
        self.lo = (self.lo >> BITS) | (WideWord::from(self.hi) << BITS);
        self.hi = 0;
        low
    }

    /// Ends a column `k < L`: its low limb is `m_k`, and adding `m_k·N_0`
    /// (`= m_k·2^w − m_k`) clears it and carries `m_k`.
    #[inline(always)]
    fn reduce_column(&mut self) -> Word {
        let m = self.shift();
        self.add(Self {
            lo: WideWord::from(m),
            hi: 0,
        });
        m
    }
}

/// Adds `Σ x_i·y_i` over the shorter length: one column's products, `y` running
/// over a reversed operand (`y_rev[j] = y_{L−1−j}`) so both slices go forwards.
#[inline(always)]
fn dot(acc: &mut Acc, x: &[Word], y: &[Word]) {
    for (&xi, &yi) in x.iter().zip(y) {
        acc.mac(xi, yi);
    }
}

/// [`dot`] into two sums, two independent carry chains: faster for the squaring's
/// columns and for the reduction's products of the multiplication, slower for its
/// `a_i·b_j` (measured with `benches/montgomery.rs`).
#[inline(always)]
#[expect(
    clippy::indexing_slicing,
    reason = "n is the shorter length, and chunks_exact(2) yields exactly two limbs"
)]
fn dot2(acc: &mut Acc, x: &[Word], y: &[Word]) {
    let n = x.len().min(y.len());
    let (x, y) = (&x[..n], &y[..n]);
    let mut other = Acc::default();
    let (xs, ys) = (x.chunks_exact(2), y.chunks_exact(2));
    let (x_rest, y_rest) = (xs.remainder(), ys.remainder());
    for (xp, yp) in xs.zip(ys) {
        acc.mac(xp[0], yp[0]);
        other.mac(xp[1], yp[1]);
    }
    dot(acc, x_rest, y_rest);
    acc.add(other);
}

/// The limbs from `start`; callers pass `start ≤ L` (a column offset).
#[inline(always)]
#[expect(
    clippy::indexing_slicing,
    reason = "every caller's start is L − 1 − k or k + 1 − L for a column k < 2L − 1, so at most L − 1"
)]
fn from(x: &[Word; L], start: usize) -> &[Word] {
    &x[start..]
}

/// The first `len` limbs; callers pass `len ≤ L` (a column number).
#[inline(always)]
#[expect(
    clippy::indexing_slicing,
    reason = "every caller's len is k, k + 1 or ⌈k/2⌉ for a column k < L, so at most L"
)]
fn upto(x: &[Word; L], len: usize) -> &[Word] {
    &x[..len]
}

/// N's limbs, most significant first.
const N_REV: [Word; L] = n_reversed();

#[expect(
    clippy::indexing_slicing,
    reason = "evaluated by the compiler: an index out of range is a build error"
)]
const fn n_reversed() -> [Word; L] {
    let mut out = [0; L];
    let mut i = 0;
    while i < L {
        out[i] = N[L - 1 - i];
        i += 1;
    }
    out
}

fn reversed(x: &[Word; L]) -> [Word; L] {
    let mut out = *x;
    out.reverse();
    out
}

/// `a·b/R mod N` for `a`, `b` in Montgomery form (reduced); the same residue as `a.mul(b)`.
///
/// Column `k` sums `a_i·b_{k−i}` and `m_i·N_{k−i}`; with `b` and N reversed,
/// `b_{k−i}` is `b_rev[L−1−k+i]`.
#[expect(clippy::indexing_slicing, reason = "m[k] for a column k < L")]
pub fn mul(a: &Fe, b: &Fe) -> Fe {
    let a = limbs(a);
    let b_rev = reversed(&limbs(b));
    let mut m = [0 as Word; L];
    let mut out = [0 as Word; L];
    let mut acc = Acc::default();
    for k in 0..L {
        dot(&mut acc, upto(&a, k + 1), from(&b_rev, L - 1 - k));
        dot2(&mut acc, upto(&m, k), from(&N_REV, L - 1 - k));
        m[k] = acc.reduce_column();
    }
    for (k, slot) in (L..).zip(out.iter_mut().take(L - 1)) {
        dot(&mut acc, from(&a, k + 1 - L), &b_rev);
        dot2(&mut acc, from(&m, k + 1 - L), &N_REV);
        *slot = acc.shift();
    }
    finish(out, acc)
}

/// `a²/R mod N` for `a` in Montgomery form (reduced); the same residue as `a.square()`.
///
/// Column `k`: the cross products `a_i·a_{k−i}`, `i < k − i`, summed once and
/// doubled, the diagonal `a_{k/2}²` when `k` is even, then the reduction's products.
#[expect(
    clippy::indexing_slicing,
    reason = "m[k] for k < L; for a column k < 2L − 1, k/2 < L and k + 1 − L ≤ ⌈k/2⌉ ≤ L"
)]
pub fn square(a: &Fe) -> Fe {
    let a = limbs(a);
    let a_rev = reversed(&a);
    let mut m = [0 as Word; L];
    let mut out = [0 as Word; L];
    let mut acc = Acc::default();
    for k in 0..L {
        let mut cross = Acc::default();
        dot2(&mut cross, upto(&a, k.div_ceil(2)), from(&a_rev, L - 1 - k));
        acc.add_doubled(cross);
        if k % 2 == 0 {
            let ai = a[k / 2];
            acc.mac(ai, ai);
        }
        dot2(&mut acc, upto(&m, k), from(&N_REV, L - 1 - k));
        m[k] = acc.reduce_column();
    }
    for (k, slot) in (L..).zip(out.iter_mut().take(L - 1)) {
        let first = k + 1 - L;
        let mut cross = Acc::default();
        dot2(&mut cross, &a[first..k.div_ceil(2)], &a_rev);
        acc.add_doubled(cross);
        if k % 2 == 0 {
            let ai = a[k / 2];
            acc.mac(ai, ai);
        }
        dot2(&mut acc, from(&m, first), &N_REV);
        *slot = acc.shift();
    }
    finish(out, acc)
}

fn limbs(a: &Fe) -> [Word; L] {
    a.as_montgomery().to_limbs().map(|l: Limb| l.0)
}

/// The last column's carry is the result's top limb: `out + top·R < 2N`;
/// subtracts N when the value is at least N.
fn finish(mut out: [Word; L], mut acc: Acc) -> Fe {
    // A constant index: checked by the compiler, not at run time.
    out[L - 1] = acc.shift();
    let top = acc.shift();
    let mut diff = [0 as Word; L];
    let mut borrow: Word = 0;
    for ((d, &h), &nj) in diff.iter_mut().zip(&out).zip(&N) {
        let (d1, b1) = h.overflowing_sub(nj);
        let (d2, b2) = d1.overflowing_sub(borrow);
        *d = d2;
        borrow = Word::from(b1 | b2);
    }
    let keep_diff = (top | (borrow ^ 1)) & 1;
    // Opaque to the optimiser: without it, LLVM turned this select into a
    // branch around a copy (tests/constant_time.sh counted the difference).
    let mask = core::hint::black_box((0 as Word).wrapping_sub(keep_diff));
    for (o, &d) in out.iter_mut().zip(&diff) {
        *o = (d & mask) | (*o & !mask);
    }
    Fe::from_montgomery(U3072::new(out.map(Limb)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::modulus::tests::{big, n_big};
    use num_bigint::BigUint;

    fn fe_from_limbs(limbs: [Word; L]) -> Fe {
        Fe::from_montgomery(U3072::new(limbs.map(Limb)))
    }

    /// Montgomery representations (limbs below N) at the edges of the carries:
    /// 0, 1, N − 1, N − 2, all ones below N's top limb, one limb set, ...
    #[expect(clippy::indexing_slicing, reason = "fixed limb positions below L")]
    fn edge_cases() -> Vec<Fe> {
        let n_minus = |d: Word| {
            let mut x = N;
            x[0] -= d;
            fe_from_limbs(x)
        };
        let mut out = vec![n_minus(1), n_minus(2), n_minus(Word::MAX)];
        let mut ones = [Word::MAX; L];
        ones[L - 1] = 0;
        out.push(fe_from_limbs(ones));
        for i in [0, 1, L / 2, L - 1] {
            let mut x = [0 as Word; L];
            x[i] = if i == L - 1 { 1 } else { Word::MAX };
            out.push(fe_from_limbs(x));
        }
        out.push(fe_from_limbs([0; L]));
        let mut one = [0 as Word; L];
        one[0] = 1;
        out.push(fe_from_limbs(one));
        out
    }

    /// Pseudo-random Montgomery representations below N (xorshift, deterministic).
    fn random(count: usize) -> Vec<Fe> {
        let mut state = 0x2545_f491_4f6c_dd1du64;
        (0..count)
            .map(|_| {
                let mut limbs = [0 as Word; L];
                for limb in &mut limbs {
                    state ^= state << 13;
                    state ^= state >> 7;
                    state ^= state << 17;
                    *limb = state as Word;
                }
                // Clearing the top bit keeps it below N (whose top 64 bits are ones).
                limbs[L - 1] >>= 1;
                fe_from_limbs(limbs)
            })
            .collect()
    }

    #[test]
    fn agrees_with_crypto_bigint() {
        let values: Vec<Fe> = edge_cases().into_iter().chain(random(60)).collect();
        for a in &values {
            assert_eq!(square(a), a.square());
            for b in &values {
                assert_eq!(mul(a, b), a.mul(b));
            }
        }
    }

    #[test]
    fn agrees_with_num_bigint() {
        let n = n_big();
        let r: BigUint = BigUint::from(1u8) << 3072usize;
        let r_inv = r.modpow(&(&n - 2u8), &n);
        let values: Vec<Fe> = edge_cases().into_iter().chain(random(8)).collect();
        for a in &values {
            let x = big(a.as_montgomery());
            let want = (&x * &x % &n) * &r_inv % &n;
            assert_eq!(big(square(a).as_montgomery()), want);
            for b in &values {
                let y = big(b.as_montgomery());
                let want = (&x * &y % &n) * &r_inv % &n;
                assert_eq!(big(mul(a, b).as_montgomery()), want);
            }
        }
    }
}
