//! Fixed-base exponentiation tables: `g^b` for every `B`, and each recently used verifier's
//! `v^u` in the proof check. Variable time, like the rest of the server half (see the
//! parent module's note). Checked against plain `modpow` in the tests below.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, OnceLock};

use num_bigint::BigUint;

/// Exponents the tables cover: `b` is 32 random bytes and `u` a SHA-256 output.
const EXPONENT_BITS: usize = 256;

/// `rows[i][d - 1] = base^(d · 2^(w·i)) mod n` for digits `d` in `1..2^w`: one
/// multiplication per non-zero `w`-bit digit of the exponent instead of `modpow`'s
/// squarings.
pub(super) struct Comb {
    window_bits: usize,
    rows: Vec<Vec<BigUint>>,
}

impl Comb {
    /// `rows · (2^w − 1)` multiplications: 8,160 for `w = 8`, 960 for `w = 4`.
    fn build(base: &BigUint, n: &BigUint, window_bits: usize) -> Self {
        let windows = EXPONENT_BITS.div_ceil(window_bits);
        let mut rows = Vec::with_capacity(windows);
        let mut row_base = base % n;
        for _ in 0..windows {
            let mut row = Vec::with_capacity((1 << window_bits) - 1);
            let mut acc = row_base.clone();
            for _ in 1..(1usize << window_bits) {
                let next = (&acc * &row_base) % n;
                row.push(acc);
                acc = next;
            }
            // acc = row_base^(2^w): the next row's base.
            row_base = acc;
            rows.push(row);
        }
        Self { window_bits, rows }
    }

    /// `base^e mod n`; exponents past [`EXPONENT_BITS`] fall back to `modpow`.
    pub(super) fn pow(&self, base: &BigUint, e: &BigUint, n: &BigUint) -> BigUint {
        if e.bits() > EXPONENT_BITS as u64 {
            return base.modpow(e, n);
        }
        let mask = (1u64 << self.window_bits) - 1;
        let mut acc: Option<BigUint> = None;
        for (i, row) in self.rows.iter().enumerate() {
            let mut digit = 0u64;
            for bit in 0..self.window_bits {
                let position = (i * self.window_bits + bit) as u64;
                digit |= u64::from(e.bit(position)) << bit;
            }
            let Some(entry) = usize::try_from(digit & mask)
                .ok()
                .and_then(|d| d.checked_sub(1))
                .and_then(|index| row.get(index))
            else {
                continue; // a zero digit contributes base^0
            };
            acc = Some(match acc {
                None => entry.clone(),
                Some(acc) => (acc * entry) % n,
            });
        }
        acc.unwrap_or_else(|| BigUint::from(1u8) % n)
    }
}

/// The generator's table, 8-bit windows (32 × 255 elements, about 3 MiB), built once.
pub(super) fn g_table(g: &BigUint, n: &BigUint) -> &'static Comb {
    static TABLE: OnceLock<Comb> = OnceLock::new();
    TABLE.get_or_init(|| Comb::build(g, n, 8))
}

/// Verifiers whose tables are kept: 64 × 368 KiB at most (4-bit windows: 64 × 15 elements).
const VERIFIER_TABLES: usize = 64;

/// The table of a verifier `v` that signed in recently, built on its second proof check (a
/// table costs 960 multiplications and saves about 250 per check, so one-off sign-ins do not
/// pay for it). Least recently used out first; the lock is not held while building.
pub(super) fn verifier_table(v: &BigUint, n: &BigUint) -> Option<Arc<Comb>> {
    struct Entry {
        v: BigUint,
        table: Option<Arc<Comb>>,
    }
    static CACHE: Mutex<VecDeque<Entry>> = Mutex::new(VecDeque::new());
    {
        let mut cache = CACHE
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(index) = cache.iter().position(|entry| entry.v == *v) {
            let entry = cache.remove(index)?;
            let table = entry.table.clone();
            cache.push_front(entry);
            if table.is_some() {
                return table;
            }
        } else {
            // First sight: remember the verifier, no table yet.
            cache.push_front(Entry {
                v: v.clone(),
                table: None,
            });
            cache.truncate(VERIFIER_TABLES);
            return None;
        }
    }
    let table = Arc::new(Comb::build(v, n, 4));
    let mut cache = CACHE
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some(entry) = cache.iter_mut().find(|entry| entry.v == *v) {
        entry.table = Some(Arc::clone(&table));
    }
    Some(table)
}

#[cfg(test)]
#[allow(clippy::expect_used)]
mod tests {
    use super::*;

    /// A small deterministic generator (splitmix64) for the test exponents.
    fn bytes(seed: &mut u64, len: usize) -> Vec<u8> {
        (0..len)
            .map(|_| {
                *seed = seed.wrapping_add(0x9e37_79b9_7f4a_7c15);
                let mut z = *seed;
                z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
                z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
                (z ^ (z >> 31)) as u8
            })
            .collect()
    }

    fn exponents() -> Vec<BigUint> {
        let mut seed = 7;
        let mut exponents: Vec<BigUint> = (0..40)
            .map(|i| BigUint::from_bytes_be(&bytes(&mut seed, 1 + i % 32)))
            .collect();
        let max = (BigUint::from(1u8) << 256u32) - 1u8;
        exponents.extend([
            BigUint::ZERO,
            BigUint::from(1u8),
            BigUint::from(15u8),
            BigUint::from(16u8),
            BigUint::from(255u8),
            BigUint::from(256u16),
            BigUint::from(1u8) << 255u32,
            max.clone(),
            // Zero digits inside and at the bottom.
            BigUint::from_bytes_be(&[0x80, 0, 0, 0, 0, 0, 0, 1, 0, 0]),
            BigUint::from(1u8) << 248u32,
            // Past the table: the modpow fallback.
            max + 1u8,
            BigUint::from(3u8) << 300u32,
        ]);
        exponents
    }

    #[test]
    fn tables_agree_with_modpow() {
        let n = super::super::group().n.clone();
        let g = BigUint::from(2u8);
        let mut seed = 11;
        let v = BigUint::from_bytes_be(&bytes(&mut seed, 384)) % &n;
        let g_comb = g_table(&g, &n);
        let v_comb = Comb::build(&v, &n, 4);
        for e in &exponents() {
            assert_eq!(g_comb.pow(&g, e, &n), g.modpow(e, &n), "g^{e:x}");
            assert_eq!(v_comb.pow(&v, e, &n), v.modpow(e, &n), "v^{e:x}");
        }
    }

    #[test]
    fn a_verifier_gets_its_table_on_the_second_check() {
        let n = super::super::group().n.clone();
        let mut seed = 23;
        let v = BigUint::from_bytes_be(&bytes(&mut seed, 384)) % &n;
        assert!(verifier_table(&v, &n).is_none(), "first check: no table");
        let table = verifier_table(&v, &n).expect("second check builds the table");
        let again = verifier_table(&v, &n).expect("kept");
        assert!(Arc::ptr_eq(&table, &again), "built once");
        let u = BigUint::from_bytes_be(&bytes(&mut seed, 32));
        assert_eq!(table.pow(&v, &u, &n), v.modpow(&u, &n));
    }
}
