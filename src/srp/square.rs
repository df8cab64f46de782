//! Montgomery squaring mod N, a quarter cheaper than crypto-bigint's (which squares by
//! multiplying): the cross products `a_i·a_j`, `i < j`, are computed once and doubled,
//! then the 2n-limb square is reduced (Montgomery's REDC, operand-scanned). n(n+1)/2 + n²
//! limb products instead of 2n². S, `g^a` and `g^x` are mostly squarings.
//!
//! Constant time: every loop bound is a public limb count, carries are propagated
//! arithmetically, and the final subtraction of N is selected with a mask.

use crypto_bigint::{Limb, U3072, WideWord, Word};

use super::monty::{Fe, ModN};
use crypto_bigint::modular::ConstMontyParams as _;

const L: usize = U3072::LIMBS;

/// `a²/R mod N` for `a` in Montgomery form (reduced), the same value as `a.square()`.
pub(crate) fn square(a: &Fe) -> Fe {
    let params = ModN::PARAMS;
    let a: [Word; L] = a.as_montgomery().to_limbs().map(|l: Limb| l.0);
    let n: [Word; L] = params.modulus().as_ref().to_limbs().map(|l: Limb| l.0);
    let mut t = [0 as Word; 2 * L];
    cross_products(&a, &mut t);
    double_and_add_diagonal(&a, &mut t);
    let out = reduce(&mut t, &n, params.mod_neg_inv().0);
    Fe::from_montgomery(U3072::new(out.map(Limb)))
}

const BITS: u32 = Word::BITS;

/// `t = Σ_{i<j} a_i·a_j·B^(i+j)`, row by row.
fn cross_products(a: &[Word; L], t: &mut [Word; 2 * L]) {
    for (i, &ai) in a.iter().enumerate() {
        let ai = WideWord::from(ai);
        let mut carry: WideWord = 0;
        let rest = a.get(i + 1..).unwrap_or_default();
        let row = t.get_mut(2 * i + 1..i + 1 + L).unwrap_or_default();
        for (dst, &aj) in row.iter_mut().zip(rest) {
            let v = ai * WideWord::from(aj) + WideWord::from(*dst) + carry;
            *dst = v as Word;
            carry = v >> BITS;
        }
        if let Some(slot) = t.get_mut(i + L) {
            *slot = carry as Word;
        }
    }
}

/// `t = 2·t + Σ a_i²·B^(2i)`: the full square (it fits 2n limbs).
fn double_and_add_diagonal(a: &[Word; L], t: &mut [Word; 2 * L]) {
    let mut top: Word = 0;
    for v in t.iter_mut() {
        let x = *v;
        *v = (x << 1) | top;
        top = x >> (BITS - 1);
    }
    let mut carry: WideWord = 0;
    for (pair, &ai) in t.chunks_exact_mut(2).zip(a) {
        let sq = WideWord::from(ai) * WideWord::from(ai);
        if let [lo_limb, hi_limb] = pair {
            let lo = WideWord::from(*lo_limb) + WideWord::from(sq as Word) + carry;
            *lo_limb = lo as Word;
            let hi = WideWord::from(*hi_limb) + (sq >> BITS) + (lo >> BITS);
            *hi_limb = hi as Word;
            carry = hi >> BITS;
        }
    }
}

/// Montgomery reduction of the 2n-limb `t < N·R`: `t/R mod N`, fully reduced.
fn reduce(t: &mut [Word; 2 * L], n: &[Word; L], n0inv: Word) -> [Word; L] {
    let mut extra: Word = 0;
    for i in 0..L {
        let Some(window) = t.get_mut(i..i + L + 1) else {
            continue;
        };
        let (body, last) = window.split_at_mut(L);
        let u = WideWord::from(body.first().copied().unwrap_or(0).wrapping_mul(n0inv));
        let mut carry: WideWord = 0;
        for (dst, &nj) in body.iter_mut().zip(n) {
            let v = u * WideWord::from(nj) + WideWord::from(*dst) + carry;
            *dst = v as Word;
            carry = v >> BITS;
        }
        if let Some(next) = last.first_mut() {
            let v = WideWord::from(*next) + carry + WideWord::from(extra);
            *next = v as Word;
            extra = (v >> BITS) as Word;
        }
    }
    // The result t[L..] + extra·R is below 2N: subtract N when it is at least N.
    let high = t.get(L..).unwrap_or_default();
    let mut diff = [0 as Word; L];
    let mut borrow: Word = 0;
    for ((d, &h), &nj) in diff.iter_mut().zip(high).zip(n) {
        let (d1, b1) = h.overflowing_sub(nj);
        let (d2, b2) = d1.overflowing_sub(borrow);
        *d = d2;
        borrow = Word::from(b1 | b2);
    }
    let keep_diff = (extra | (borrow ^ 1)) & 1;
    let mask = (0 as Word).wrapping_sub(keep_diff);
    let mut out = [0 as Word; L];
    for ((o, &d), &h) in out.iter_mut().zip(&diff).zip(high) {
        *o = (d & mask) | (h & !mask);
    }
    out
}
