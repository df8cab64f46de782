//! Constant-time Montgomery arithmetic modulo the fixed group prime N.
//!
//! Residues are 48 little-endian 64-bit words in Montgomery form
//! (`x·R mod N`, `R = 2^3072`), the same representation crypto-bigint's
//! `FixedMontyForm<U3072>` uses, which the tests use as the oracle.
//!
//! N is "Montgomery-friendly": its low word is `2^64 − 1`, so `−N⁻¹ mod 2^64`
//! is 1 and each reduction step is `t ← t/2^64 + t₀·M` with
//! `M = (N + 1)/2^64` (47 words). Squaring computes each cross product once.
//!
//! Every function here runs in time independent of the *values* of its
//! arguments: no branch and no memory index depends on them (loop bounds and
//! the window positions of [`pow`] depend only on public lengths). Table
//! look-ups read every entry and keep one with a mask.

use subtle::ConstantTimeEq as _;

use super::group::N_HEX;

/// Words of a residue mod N.
pub(crate) const LIMBS: usize = 48;
/// A residue mod N in Montgomery form, little-endian 64-bit words.
pub(crate) type Fe = [u64; LIMBS];

/// N as little-endian words, parsed from [`N_HEX`] at compile time.
pub(crate) const N: Fe = words_from_hex(N_HEX);

/// `M = (N + 1) / 2^64` (N's low word is all ones, so `N + 1` has a zero low word).
// Evaluated at compile time: an out-of-range index would fail the build, not panic.
#[allow(clippy::indexing_slicing)]
const M: [u64; LIMBS - 1] = {
    let mut m = [0u64; LIMBS - 1];
    let mut carry = 1u64;
    let mut i = 0;
    while i < LIMBS {
        let (s, c) = N[i].overflowing_add(carry);
        carry = c as u64;
        if i > 0 {
            m[i - 1] = s;
        }
        i += 1;
    }
    m
};

/// Montgomery 1: `R mod N = 2^3072 − N`.
// Evaluated at compile time: an out-of-range index would fail the build, not panic.
#[allow(clippy::indexing_slicing)]
pub(crate) const ONE: Fe = {
    let mut out = [0u64; LIMBS];
    let mut borrow = 0u64;
    let mut i = 0;
    while i < LIMBS {
        let (d, b1) = 0u64.overflowing_sub(N[i]);
        let (d, b2) = d.overflowing_sub(borrow);
        out[i] = d;
        borrow = (b1 | b2) as u64;
        i += 1;
    }
    out
};

/// Parses 768 hex digits (big-endian) into little-endian words. Only used to
/// define [`N`], i.e. at compile time, where a bad digit or length fails the
/// build instead of panicking at run time.
#[allow(clippy::indexing_slicing, clippy::panic)]
const fn words_from_hex(hex: &str) -> Fe {
    let bytes = hex.as_bytes();
    assert!(bytes.len() == LIMBS * 16);
    let mut out = [0u64; LIMBS];
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        let v = match c {
            b'0'..=b'9' => c - b'0',
            b'a'..=b'f' => c - b'a' + 10,
            b'A'..=b'F' => c - b'A' + 10,
            _ => panic!("bad hex digit in N"),
        };
        let digit = bytes.len() - 1 - i; // position from the least significant end
        out[digit / 16] |= (v as u64) << ((digit % 16) * 4);
        i += 1;
    }
    out
}

/// `a·b + c + d` as (low, high) words; cannot overflow 128 bits.
#[inline(always)]
#[allow(clippy::cast_possible_truncation)]
fn mac(a: u64, b: u64, c: u64, d: u64) -> (u64, u64) {
    let s = u128::from(a) * u128::from(b) + u128::from(c) + u128::from(d);
    (s as u64, (s >> 64) as u64)
}

/// `a − b` over all words, returning the difference and the final borrow (0 or 1).
#[inline(always)]
fn sub_words(a: &Fe, b: &Fe) -> (Fe, u64) {
    let mut out = [0u64; LIMBS];
    let mut borrow = 0u64;
    for ((o, &x), &y) in out.iter_mut().zip(a).zip(b) {
        let (d, b1) = x.overflowing_sub(y);
        let (d, b2) = d.overflowing_sub(borrow);
        *o = d;
        borrow = u64::from(b1 | b2);
    }
    (out, borrow)
}

/// `mask ? a : b` word by word (`mask` is all ones or zero).
#[inline(always)]
fn select(mask: u64, a: &Fe, b: &Fe) -> Fe {
    let mut out = *b;
    for (o, &x) in out.iter_mut().zip(a) {
        *o ^= mask & (*o ^ x);
    }
    out
}

/// The value `top·2^3072 + lo` (known to be `< 2N`) reduced into `[0, N)`.
#[inline(always)]
fn final_sub(top: u64, lo: &Fe) -> Fe {
    let (d, borrow) = sub_words(lo, &N);
    // Subtract N if the value overflowed 2^3072 or if lo ≥ N.
    let take = top | (borrow ^ 1);
    select(take.wrapping_neg(), &d, lo)
}

/// Montgomery reduction of a 96-word value `t < N·R`: `t/R mod N` in `[0, N)`.
#[inline(always)]
fn reduce(t: &mut [u64; 2 * LIMBS]) -> Fe {
    let mut top = 0u64;
    for i in 0..LIMBS {
        // −N⁻¹ ≡ 1 (mod 2^64), so the quotient word is t[i] itself and
        // t + u·N·2^(64i) = t − u·2^(64i) + u·M·2^(64(i+1)) clears word i.
        let u = t.get(i).copied().unwrap_or(0);
        let mut c = 0u64;
        for (tj, &mj) in t.iter_mut().skip(i + 1).zip(M.iter()) {
            (*tj, c) = mac(u, mj, *tj, c);
        }
        if let Some(tj) = t.get_mut(i + LIMBS) {
            let (s, c1) = tj.overflowing_add(c);
            let (s, c2) = s.overflowing_add(top);
            *tj = s;
            top = u64::from(c1 | c2);
        }
    }
    let mut lo = [0u64; LIMBS];
    for (o, &x) in lo.iter_mut().zip(t.iter().skip(LIMBS)) {
        *o = x;
    }
    final_sub(top, &lo)
}

/// Montgomery product `a·b/R mod N` for `a, b < N`.
#[inline]
pub(crate) fn mul(a: &Fe, b: &Fe) -> Fe {
    let mut t = [0u64; 2 * LIMBS];
    for (i, &ai) in a.iter().enumerate() {
        let mut c = 0u64;
        for (tj, &bj) in t.iter_mut().skip(i).zip(b.iter()) {
            (*tj, c) = mac(ai, bj, *tj, c);
        }
        if let Some(tj) = t.get_mut(i + LIMBS) {
            *tj = c;
        }
    }
    reduce(&mut t)
}

/// Montgomery square `a²/R mod N` for `a < N`.
#[inline]
pub(crate) fn square(a: &Fe) -> Fe {
    let mut t = [0u64; 2 * LIMBS];
    // Cross products a[i]·a[j], i < j, once.
    for (i, &ai) in a.iter().enumerate() {
        let mut c = 0u64;
        for (tj, &aj) in t.iter_mut().skip(2 * i + 1).zip(a.iter().skip(i + 1)) {
            (*tj, c) = mac(ai, aj, *tj, c);
        }
        if let Some(tj) = t.get_mut(i + LIMBS) {
            *tj = c;
        }
    }
    // Double them and add the squares a[i]².
    let mut shifted_in = 0u64;
    let mut c = 0u64;
    for (pair, &ai) in t.chunks_exact_mut(2).zip(a.iter()) {
        if let [lo, hi] = pair {
            let dlo = (*lo << 1) | shifted_in;
            let dhi = (*hi << 1) | (*lo >> 63);
            shifted_in = *hi >> 63;
            let (sq_lo, sq_hi) = mac(ai, ai, 0, 0);
            let (r0, c0) = mac(1, dlo, sq_lo, c);
            let (r1, c1) = mac(1, dhi, sq_hi, c0);
            *lo = r0;
            *hi = r1;
            c = c1;
        }
    }
    reduce(&mut t)
}

/// Converts a Montgomery residue to the ordinary integer (`a/R mod N`).
pub(crate) fn retrieve(a: &Fe) -> Fe {
    let mut t = [0u64; 2 * LIMBS];
    for (o, &x) in t.iter_mut().zip(a) {
        *o = x;
    }
    reduce(&mut t)
}

/// `R² mod N`, for converting into Montgomery form (computed once, public).
fn r2() -> &'static Fe {
    static R2: std::sync::OnceLock<Fe> = std::sync::OnceLock::new();
    R2.get_or_init(|| {
        // Double R mod N 3072 times: R·2^3072 mod N.
        let mut x = ONE;
        for _ in 0..LIMBS * 64 {
            let mut top = 0u64;
            for w in x.iter_mut() {
                let next = *w >> 63;
                *w = (*w << 1) | top;
                top = next;
            }
            x = final_sub(top, &x);
        }
        x
    })
}

/// Converts an integer `x < N` (little-endian words) into Montgomery form.
pub(crate) fn to_monty(x: &Fe) -> Fe {
    mul(x, r2())
}

/// Big-endian bytes (at most 384; the value must be `< N`) as words.
pub(crate) fn from_be_bytes(bytes: &[u8]) -> Option<Fe> {
    if bytes.len() > LIMBS * 8 {
        return None;
    }
    let mut out = [0u64; LIMBS];
    for (k, &b) in bytes.iter().rev().enumerate() {
        if let Some(w) = out.get_mut(k / 8) {
            *w |= u64::from(b) << ((k % 8) * 8);
        }
    }
    Some(out)
}

/// The 384 big-endian bytes of `x`.
pub(crate) fn to_be_bytes(x: &Fe) -> [u8; LIMBS * 8] {
    let mut out = [0u8; LIMBS * 8];
    for (chunk, w) in out.rchunks_exact_mut(8).zip(x.iter()) {
        chunk.copy_from_slice(&w.to_be_bytes());
    }
    out
}

/// `table[idx]`, reading every entry (constant time in `idx`).
#[inline]
pub(crate) fn ct_lookup(table: &[Fe], idx: u64) -> Fe {
    let mut out = [0u64; LIMBS];
    for (j, entry) in (0u64..).zip(table) {
        let mask = u64::from(j.ct_eq(&idx).unwrap_u8()).wrapping_neg();
        for (o, &x) in out.iter_mut().zip(entry) {
            *o |= mask & x;
        }
    }
    out
}

/// `x mod N` for any `x < 2^3072` (one conditional subtraction; `2^3072 < 2N`).
pub(crate) fn reduce_once(x: &Fe) -> Fe {
    final_sub(0, x)
}

/// `a − b mod N` for `a, b < N` (Montgomery or not: subtraction commutes with R).
pub(crate) fn sub_mod(a: &Fe, b: &Fe) -> Fe {
    let (d, borrow) = sub_words(a, b);
    let mut out = [0u64; LIMBS];
    let mask = borrow.wrapping_neg();
    let mut carry = 0u64;
    for ((o, &x), &n) in out.iter_mut().zip(&d).zip(&N) {
        (*o, carry) = mac(1, x, n & mask, carry);
    }
    out
}

/// Window width of [`pow`].
const WINDOW: u32 = 5;

/// `W` bits of the little-endian word string `e` starting at bit `pos`
/// (positions are public; the bits are not branched on).
#[inline(always)]
pub(crate) fn bits_at(e: &[u64], pos: u32, width: u32) -> u64 {
    let word = (pos / 64) as usize;
    let shift = pos % 64;
    let lo = e.get(word).copied().unwrap_or(0) >> shift;
    let hi = if shift == 0 {
        0
    } else {
        e.get(word + 1).copied().unwrap_or(0) << (64 - shift)
    };
    (lo | hi) & ((1u64 << width) - 1)
}

/// `base^e mod N` (Montgomery form in and out) for the exponent `e`
/// (little-endian words), of which the low `bits` bits are used.
///
/// Left-to-right fixed window of [`WINDOW`] bits: `bits` squarings and
/// `⌈bits/WINDOW⌉` multiplications by a table entry chosen in constant time,
/// whatever the exponent's value. Only `bits` (public) shapes the running time.
pub(crate) fn pow(base: &Fe, e: &[u64], bits: u32) -> Fe {
    let mut table = [ONE; 1 << WINDOW];
    let mut prev = ONE;
    for entry in table.iter_mut().skip(1) {
        prev = mul(&prev, base);
        *entry = prev;
    }
    let windows = bits.div_ceil(WINDOW);
    let mut acc = ONE;
    for w in (0..windows).rev() {
        let pos = w * WINDOW;
        let width = WINDOW.min(bits - pos);
        if w + 1 < windows {
            for _ in 0..WINDOW {
                acc = square(&acc);
            }
        }
        let digit = bits_at(e, pos, width);
        acc = mul(&acc, &ct_lookup(&table, digit));
    }
    zeroize::Zeroize::zeroize(&mut table);
    acc
}

#[cfg(test)]
mod tests {
    use super::*;
    use crypto_bigint::modular::{FixedMontyForm, FixedMontyParams};
    use crypto_bigint::{Odd, U3072};
    use num_bigint::BigUint;

    fn big(x: &Fe) -> BigUint {
        BigUint::from_bytes_be(&to_be_bytes(x))
    }

    fn fe(x: &BigUint) -> Fe {
        from_be_bytes(&x.to_bytes_be()).unwrap_or([0; LIMBS])
    }

    /// Pseudo-random residues below N (xorshift; deterministic).
    fn samples() -> Vec<Fe> {
        let n = big(&N);
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        let mut out = vec![[0u64; LIMBS], ONE, reduce_once(&[u64::MAX; LIMBS])];
        let mut nm1 = N;
        nm1[0] -= 1;
        out.push(nm1);
        for _ in 0..20 {
            let mut x = [0u64; LIMBS];
            for w in x.iter_mut() {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                *w = state;
            }
            out.push(fe(&(big(&x) % &n)));
        }
        out
    }

    #[test]
    fn constants() {
        let n = BigUint::parse_bytes(N_HEX.as_bytes(), 16).unwrap_or_default();
        assert_eq!(big(&N), n);
        let r = BigUint::from(1u8) << 3072;
        assert_eq!(big(&ONE), &r % &n);
        assert_eq!(big(r2()), (&r * &r) % &n);
    }

    #[test]
    fn mul_and_square_match_crypto_bigint() {
        let params = FixedMontyParams::new_vartime(Odd::<U3072>::from_be_hex(N_HEX));
        let s = samples();
        for a in &s {
            let ca =
                FixedMontyForm::from_montgomery(U3072::from_be_slice(&to_be_bytes(a)), &params);
            let sq = ca.square().as_montgomery().to_be_bytes();
            assert_eq!(to_be_bytes(&square(a)).as_slice(), sq.as_slice());
            for b in &s {
                let cb =
                    FixedMontyForm::from_montgomery(U3072::from_be_slice(&to_be_bytes(b)), &params);
                let p = ca.mul(&cb).as_montgomery().to_be_bytes();
                assert_eq!(to_be_bytes(&mul(a, b)).as_slice(), p.as_slice());
            }
        }
    }

    #[test]
    fn conversions_sub_and_pow_match_num_bigint() {
        let n = big(&N);
        let s = samples();
        for (i, a) in s.iter().enumerate() {
            assert_eq!(big(&retrieve(&to_monty(a))), big(a));
            let b = s.get((i + 5) % s.len()).copied().unwrap_or(ONE);
            let d = retrieve(&sub_mod(&to_monty(a), &to_monty(&b)));
            assert_eq!(big(&d), (big(a) + &n - big(&b)) % &n);
            // exponents of several public lengths, incl. ones that are not a
            // multiple of the window (long ones for a few bases only: debug builds are slow)
            let lengths: &[u32] = if i < 4 {
                &[1, 5, 7, 256, 513, 1025, 3073]
            } else {
                &[1, 7, 258]
            };
            for &bits in lengths {
                let mut e = [0u64; LIMBS + 1];
                for (k, w) in e.iter_mut().enumerate() {
                    *w = a.get(k).copied().unwrap_or(0x0123_4567_89ab_cdef) ^ 0xa5a5_a5a5_a5a5_a5a5;
                }
                let e_big = BigUint::from_bytes_le(
                    &e.iter().flat_map(|w| w.to_le_bytes()).collect::<Vec<_>>(),
                ) % (BigUint::from(1u8) << bits);
                let got = retrieve(&pow(&to_monty(&b), &e, bits));
                assert_eq!(big(&got), big(&b).modpow(&e_big, &n), "bits={bits}");
            }
        }
    }

    #[test]
    fn lookup_and_bits() {
        let table: Vec<Fe> = (0..8u64).map(|k| [k; LIMBS]).collect();
        for k in 0..8u64 {
            assert_eq!(ct_lookup(&table, k), [k; LIMBS]);
        }
        let e = [0xf0u64, 0x1];
        assert_eq!(bits_at(&e, 4, 4), 0xf);
        assert_eq!(bits_at(&e, 62, 3), 0b100);
        assert_eq!(bits_at(&e, 200, 5), 0);
    }
}
