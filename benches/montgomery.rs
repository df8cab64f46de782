//! One Montgomery multiplication and one squaring mod the 3072-bit N: this crate's
//! product scanning (`src/srp/field/product_scanning.rs`) side by side with crypto-bigint 0.7's
//! `ConstMontyForm`, which it replaced. Thread CPU time, like the other benches.
//!
//! `cargo bench --features __fuzzing --bench montgomery`

#[path = "common/cputime.rs"]
mod cputime;

use std::hint::black_box;

use cognito_auth::fuzzing::Residue;
use criterion::{Criterion, criterion_main};

/// Pseudo-random bytes (xorshift) with the top bit clear, so the value is below N.
fn operand(seed: u64) -> Residue {
    let mut state = seed;
    let mut bytes = [0u8; 384];
    for chunk in bytes.chunks_exact_mut(8) {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        chunk.copy_from_slice(&state.to_le_bytes());
    }
    bytes.iter_mut().take(1).for_each(|b| *b >>= 1);
    Residue::from_be_bytes(&bytes)
}

/// Thread CPU nanoseconds of `reps` calls of `op`.
fn batch(reps: u32, mut op: impl FnMut()) -> f64 {
    let start = cpu_time::ThreadTime::now();
    for _ in 0..reps {
        op();
    }
    start.elapsed().as_nanos() as f64
}

/// Ratios measured side by side: each round times a batch of every operation back to
/// back, so the shared machine's drift between rounds cancels; prints the median per-round
/// ratio of this crate's operation to crypto-bigint's, with a distribution-free 95% CI,
/// as `montgomery paired: ...`.
fn report_paired(x: &Residue, y: &Residue) {
    const ROUNDS: usize = 400;
    const REPS: u32 = 100;
    let mut mul = Vec::with_capacity(ROUNDS);
    let mut square = Vec::with_capacity(ROUNDS);
    for _ in 0..ROUNDS {
        let fm = batch(REPS, || {
            black_box(black_box(x).mul(black_box(y)));
        });
        let cm = batch(REPS, || {
            black_box(black_box(x).crypto_bigint_mul(black_box(y)));
        });
        let fs = batch(REPS, || {
            black_box(black_box(x).square());
        });
        let cs = batch(REPS, || {
            black_box(black_box(x).crypto_bigint_square());
        });
        mul.push(fm / cm);
        square.push(fs / cs);
    }
    let summary = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        let half = (0.98 * (v.len() as f64).sqrt()) as usize;
        let at = |i: usize| v.get(i.min(v.len() - 1)).copied().unwrap_or(f64::NAN);
        let mid = v.len() / 2;
        format!(
            "median={:.3} ci95=[{:.3}, {:.3}]",
            at(mid),
            at(mid.saturating_sub(half)),
            at(mid + half)
        )
    };
    eprintln!(
        "montgomery paired: fips_mul/crypto_bigint_mul {} | fips_square/crypto_bigint_square {} | rounds={ROUNDS}",
        summary(&mut mul),
        summary(&mut square)
    );
}

fn benches(crit: &mut Criterion<cputime::ThreadCpu>) {
    let x = operand(0x9e37_79b9_7f4a_7c15);
    let y = operand(0x2545_f491_4f6c_dd1d);
    assert_eq!(x.mul(&y), x.crypto_bigint_mul(&y), "the two agree");
    report_paired(&x, &y);
    let mut group = crit.benchmark_group("montgomery");
    group.bench_function("fips_mul", |b| {
        b.iter(|| black_box(&x).mul(black_box(&y)));
    });
    group.bench_function("crypto_bigint_mul", |b| {
        b.iter(|| black_box(&x).crypto_bigint_mul(black_box(&y)));
    });
    group.bench_function("fips_square", |b| {
        b.iter(|| black_box(&x).square());
    });
    group.bench_function("crypto_bigint_square", |b| {
        b.iter(|| black_box(&x).crypto_bigint_square());
    });
    group.finish();
}

/// criterion's macro generates an undocumented `pub fn`.
mod harness {
    #![allow(missing_docs, unreachable_pub)]
    criterion::criterion_group! {
        name = montgomery;
        config = criterion::Criterion::default().with_measurement(super::cputime::ThreadCpu);
        targets = super::benches
    }
}
criterion_main!(harness::montgomery);
