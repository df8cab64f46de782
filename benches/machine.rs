//! What the sign-in machine costs around the SRP math.
//!
//! `machine/sign_in_to_verifier_answer` drives `cognito_auth::SignIn` through
//! `start` → `handle_response(PASSWORD_VERIFIER)` with a fixed random source
//! and a fixed time; `machine/srp_only` does the same SRP work alone (A, then
//! u, x, g^x, S, HKDF, HMAC). Their difference is the machine's overhead, too
//! small against the noise of two ~5 ms medians, so it is measured pair by pair
//! before the criterion run and printed (`machine overhead: median=...`).
//!
//! Allocations are counted with a counting global allocator (stats_alloc) for
//! `start` and for `handle_response(PASSWORD_VERIFIER)` separately, and printed
//! once before the timings (`machine allocations: ...`). The caller's owned
//! username and password are made outside the counted region.

#[path = "common/mod.rs"]
mod common;
#[path = "common/cputime.rs"]
mod cputime;

use std::alloc::System;
use std::hint::black_box;
use std::sync::Arc;
use std::time::Duration;

use cognito_auth::srp::{EphemeralSecret, SrpClient, VerifierInput, decode_secret_block};
use cognito_auth::{
    HttpResponse, PoolConfig, RandomError, SecureRandom, SignIn, Step, UnixTime,
    srp::format_timestamp,
};
use criterion::{BatchSize, Criterion, criterion_main};
use serde_json::json;
use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

/// A "random" source that always yields the same bytes (0x5a…), so `a` is
/// the fixed 32-byte value the SRP-only bench uses.
struct FixedRandom;

impl SecureRandom for FixedRandom {
    fn fill(&self, buf: &mut [u8]) -> Result<(), RandomError> {
        buf.fill(0x5a);
        Ok(())
    }
}

/// 2024-01-02 03:04:05 UTC.
const NOW: UnixTime = UnixTime(1_704_164_645);

struct Fixture {
    config: Arc<PoolConfig>,
    verifier_body: Vec<u8>,
    case: common::Case,
}

fn fixture() -> Option<Fixture> {
    let case = common::load()?;
    let config = PoolConfig::new(format!("us-east-1_{}", case.pool), "1example23456789")
        .ok()?
        .with_random(Arc::new(FixedRandom));
    let verifier_body = serde_json::to_vec(&json!({
        "ChallengeName": "PASSWORD_VERIFIER",
        "Session": "bench-session-0123456789",
        "ChallengeParameters": {
            "SALT": case.salt,
            "SRP_B": case.srp_b,
            "SECRET_BLOCK": case.secret_block,
            "USERNAME": case.user,
            "USER_ID_FOR_SRP": case.user,
        }
    }))
    .ok()?;
    Some(Fixture {
        config: Arc::new(config),
        verifier_body,
        case,
    })
}

/// The caller's inputs: the username and password it hands over (not counted as the
/// machine's allocations).
fn inputs(f: &Fixture) -> (String, String) {
    (f.case.user.clone(), f.case.password.clone())
}

/// A sign-in after `start`, waiting for the PASSWORD_VERIFIER challenge.
fn started(f: &Fixture, (user, password): (String, String)) -> Option<SignIn> {
    let mut sign_in = SignIn::new(f.config.clone(), user, password);
    let first = sign_in.start().ok()?;
    black_box(first.body().len());
    Some(sign_in)
}

/// `handle_response(PASSWORD_VERIFIER)`; returns the answer's body length.
fn machine_answer(f: &Fixture, mut sign_in: SignIn) -> Option<usize> {
    match sign_in.handle_response(HttpResponse::new(200, &f.verifier_body), NOW) {
        Ok(Step::Send(req)) => Some(req.body().len()),
        _ => None,
    }
}

/// start → PASSWORD_VERIFIER answer.
fn machine_step(f: &Fixture, input: (String, String)) -> Option<usize> {
    machine_answer(f, started(f, input)?)
}

/// A = g^a for the same `a` the machine draws.
fn srp_client() -> Option<SrpClient> {
    let a = [0x5au8; EphemeralSecret::DEFAULT_LEN];
    let client = EphemeralSecret::from_be_bytes(&a)
        .and_then(SrpClient::new)
        .ok()?;
    black_box(client.public_a_hex().len());
    Some(client)
}

/// The SRP work of the PASSWORD_VERIFIER answer: u, x, g^x, S, HKDF, HMAC.
fn srp_answer(f: &Fixture, client: SrpClient) -> Option<String> {
    let c = &f.case;
    let d = client
        .derive(&VerifierInput {
            pool_name: &c.pool,
            user_id: &c.user,
            password: &c.password,
            salt_hex: &c.salt,
            srp_b_hex: &c.srp_b,
        })
        .ok()?;
    let block = decode_secret_block(&c.secret_block).ok()?;
    let ts = format_timestamp(NOW.0).ok()?;
    Some(d.signature(&c.pool, &c.user, &block, &ts))
}

/// The SRP work of the whole step alone, with the same `a`.
fn srp_step(f: &Fixture) -> Option<String> {
    srp_answer(f, srp_client()?)
}

/// Thread CPU nanoseconds `f` takes.
fn timed<T>(f: impl FnOnce() -> T) -> i128 {
    let start = cpu_time::ThreadTime::now();
    black_box(f());
    i128::try_from(start.elapsed().as_nanos()).unwrap_or(0)
}

/// Pairs timed by [`report_paired_overhead`] for the answer (half as many for the whole
/// step and for the noise floor); `MACHINE_PAIRS` overrides.
const DEFAULT_PAIRS: usize = 5000;

/// Machine minus SRP-only, measured pair by pair: each pair times one machine step and one
/// SRP-only step back to back (alternating which goes first), so slow drift of the shared
/// machine cancels. The difference of two ~5 ms steps is a few µs, well inside the noise of
/// either, so the estimate is the median over all pairs, with its distribution-free 95%
/// confidence interval (order statistics n/2 ± 0.98·√n), printed as `machine overhead: ...`.
fn report_paired_overhead(f: &Fixture) {
    let pairs = std::env::var("MACHINE_PAIRS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(DEFAULT_PAIRS)
        .max(10);
    // The measure: parsing the PASSWORD_VERIFIER response and building the answer,
    // SRP excluded. `start` and A are done untimed before each timed half.
    let answer = paired_median(
        pairs,
        |_| {
            let sign_in = started(f, inputs(f));
            timed(|| sign_in.and_then(|s| machine_answer(f, s)))
        },
        || {
            let client = srp_client();
            timed(|| client.and_then(|c| srp_answer(f, c)))
        },
    );
    // The whole sign-in to that point: InitiateAuth too.
    let whole = paired_median(
        pairs / 2,
        |_| {
            let input = inputs(f);
            timed(|| machine_step(f, input))
        },
        || timed(|| srp_step(f)),
    );
    // The same method on the SRP work against itself: the noise floor, which should be ~0.
    let null = paired_median(
        pairs / 2,
        |_| {
            let client = srp_client();
            timed(|| client.and_then(|c| srp_answer(f, c)))
        },
        || {
            let client = srp_client();
            timed(|| client.and_then(|c| srp_answer(f, c)))
        },
    );
    eprintln!(
        "machine overhead: answer {answer} | start to answer {whole} | \
         srp vs itself {null}"
    );
}

/// Median of `a − b` over `pairs` pairs (order alternating), with its 95% interval.
fn paired_median(pairs: usize, a: impl Fn(usize) -> i128, b: impl Fn() -> i128) -> String {
    let mut diffs: Vec<i128> = (0..pairs)
        .map(|i| {
            if i % 2 == 0 {
                let x = a(i);
                x - b()
            } else {
                let y = b();
                a(i) - y
            }
        })
        .collect();
    diffs.sort_unstable();
    let half_width = 0.98 * (pairs as f64).sqrt();
    let mid = pairs as f64 / 2.0;
    let at = |r: f64| {
        let rank = (r.max(0.0) as usize).min(pairs - 1);
        diffs.get(rank).map_or(f64::NAN, |&ns| ns as f64 / 1e3)
    };
    format!(
        "median={:.1} us ci95=[{:.1}, {:.1}] us n={pairs}",
        at(mid),
        at(mid - half_width),
        at(mid + half_width)
    )
}

fn report_allocations(f: &Fixture) {
    // Warm the process-wide tables first: they are built once, not per sign-in.
    let _ = machine_step(f, inputs(f));
    let (user, password) = inputs(f);
    let mut sign_in = SignIn::new(f.config.clone(), user, password);
    let region = Region::new(GLOBAL);
    let first = sign_in.start();
    let start = region.change();
    let region = Region::new(GLOBAL);
    let answer = sign_in.handle_response(HttpResponse::new(200, &f.verifier_body), NOW);
    let handle = region.change();
    let ok = first.is_ok() && matches!(answer, Ok(Step::Send(_)));
    drop((first, answer, sign_in));
    let region = Region::new(GLOBAL);
    let _ = srp_step(f);
    let srp = region.change();
    eprintln!(
        "machine allocations: ok={ok} start allocations={} bytes={} | PASSWORD_VERIFIER answer \
         allocations={} bytes={} | srp_only allocations={} bytes={}",
        start.allocations,
        start.bytes_allocated,
        handle.allocations,
        handle.bytes_allocated,
        srp.allocations,
        srp.bytes_allocated
    );
}

enum Which {
    Machine,
    Srp,
}

struct StepsOnly {
    which: Which,
    count: usize,
}

/// `MACHINE_STEPS_ONLY=machine:N` or `srp:N`: run N steps of one kind and exit.
fn steps_only() -> Option<StepsOnly> {
    let spec = std::env::var("MACHINE_STEPS_ONLY").ok()?;
    let (which, count) = spec.split_once(':')?;
    let which = match which {
        "machine" => Which::Machine,
        "srp" => Which::Srp,
        _ => return None,
    };
    Some(StepsOnly {
        which,
        count: count.parse().ok()?,
    })
}

fn benches(crit: &mut Criterion<cputime::ThreadCpu>) {
    let Some(f) = fixture() else {
        eprintln!("machine bench: cannot load the vectors file; nothing to measure");
        return;
    };
    if let Some(steps) = steps_only() {
        // For an instruction count under valgrind (benches/machine_instructions.sh).
        for _ in 0..steps.count {
            match steps.which {
                Which::Machine => black_box(machine_step(&f, inputs(&f))).map(|_| ()),
                Which::Srp => black_box(srp_step(&f)).map(|_| ()),
            };
        }
        std::process::exit(0);
    }
    report_allocations(&f);
    report_paired_overhead(&f);
    let mut group = crit.benchmark_group("machine");
    group.sample_size(40);
    group.measurement_time(Duration::from_secs(6));
    group.bench_function("sign_in_to_verifier_answer", |b| {
        b.iter_batched(
            || inputs(&f),
            |input| machine_step(black_box(&f), input),
            BatchSize::SmallInput,
        );
    });
    group.bench_function("srp_only", |b| b.iter(|| srp_step(black_box(&f))));
    group.finish();
}

/// criterion's macro generates an undocumented `pub fn`.
mod harness {
    #![allow(missing_docs, unreachable_pub)]
    criterion::criterion_group! {
        name = machine;
        config = criterion::Criterion::default().with_measurement(super::cputime::ThreadCpu);
        targets = super::benches
    }
}
criterion_main!(harness::machine);
