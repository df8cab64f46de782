//! One criterion run that puts this crate's SRP client step next to the same
//! work done by num-bigint (`modpow` everywhere, variable time) and by the
//! `aws-cognito-srp` crate. `benches/compare.sh` runs it together with the
//! GMP (gmpy2) and pycognito timings of `benches/compare_py.py` and writes
//! `benches/RESULTS.md`.
//!
//! "Full client step" = A = g^a, then u, x, g^x, S, HKDF and the
//! PASSWORD_CLAIM_SIGNATURE HMAC for one PASSWORD_VERIFIER challenge (the
//! first `password_verifier` case of the vectors file).

#[path = "common/mod.rs"]
mod common;
#[path = "common/cputime.rs"]
mod cputime;

use std::hint::black_box;
use std::time::Duration;

use cognito_auth::srp::{
    DeviceVerifier, EphemeralSecret, SrpClient, SrpError, VerifierInput, decode_secret_block,
    format_timestamp,
};
use criterion::{Criterion, criterion_main};
use num_bigint::BigUint;

/// This crate's full client step for the secret `a` (big-endian bytes).
fn full_step(c: &common::Case, a: &[u8]) -> Result<String, SrpError> {
    let client = EphemeralSecret::from_be_bytes(a).and_then(SrpClient::new)?;
    let input = VerifierInput {
        pool_name: &c.pool,
        user_id: &c.user,
        password: &c.password,
        salt_hex: &c.salt,
        srp_b_hex: &c.srp_b,
    };
    let d = client.derive(&input)?;
    let block = decode_secret_block(&c.secret_block)?;
    let timestamp = format_timestamp(1_704_164_645)?;
    Ok(d.signature(&c.pool, &c.user, &block, &timestamp))
}

fn benches(crit: &mut Criterion<cputime::ThreadCpu>) {
    let Some(c) = common::load() else {
        eprintln!("compare bench: cannot load the vectors file; nothing to measure");
        return;
    };
    let a256 = [0x5au8; EphemeralSecret::DEFAULT_LEN];
    let a1024 = c.a.clone();

    let mut group = crit.benchmark_group("compare/full_step");
    group.sample_size(30);
    group.measurement_time(Duration::from_secs(6));
    group.bench_function("cognito_auth_a256", |b| {
        b.iter(|| full_step(black_box(&c), black_box(&a256)));
    });
    group.bench_function("cognito_auth_a1024", |b| {
        b.iter(|| full_step(black_box(&c), black_box(&a1024)));
    });
    let g = BigUint::from(2u8);
    let a_big = BigUint::from_bytes_be(&a1024);
    group.bench_function("num_bigint_a1024", |b| {
        b.iter(|| {
            let big_a = g.modpow(black_box(&a_big), &c.n);
            common::oracle_full_step(black_box(&c), &a_big, &big_a)
        });
    });
    let a_big256 = BigUint::from_bytes_be(&a256);
    group.bench_function("num_bigint_a256", |b| {
        b.iter(|| {
            let big_a = g.modpow(black_box(&a_big256), &c.n);
            common::oracle_full_step(black_box(&c), &a_big256, &big_a)
        });
    });
    // aws-cognito-srp draws its own 128-byte (1024-bit) a in `SrpClient::new`
    // and computes A there and again in `verify`; this is its whole step.
    let pool_id = format!("us-east-1_{}", c.pool);
    group.bench_function("aws_cognito_srp_a1024", |b| {
        b.iter(|| {
            let client = aws_cognito_srp::SrpClient::new(
                aws_cognito_srp::User::new(&pool_id, &c.user, &c.password),
                "client-id",
                None,
            );
            let auth = client.get_auth_parameters();
            let verified = client.verify(&c.secret_block, &c.user, &c.salt, &c.srp_b);
            (auth.a.len(), verified.map(|v| v.password_claim_signature))
        });
    });
    group.finish();

    let input = VerifierInput {
        pool_name: &c.pool,
        user_id: &c.user,
        password: &c.password,
        salt_hex: &c.salt,
        srp_b_hex: &c.srp_b,
    };
    let mut group = crit.benchmark_group("compare/parts");
    group.sample_size(30);
    group.measurement_time(Duration::from_secs(4));
    for (name, a) in [("a256", &a256[..]), ("a1024", &a1024[..])] {
        group.bench_function(format!("cognito_auth_public_a_{name}"), |b| {
            b.iter(|| {
                EphemeralSecret::from_be_bytes(black_box(a))
                    .and_then(SrpClient::new)
                    .map(|cl| cl.public_a_hex().len())
            });
        });
        let Ok(client) = EphemeralSecret::from_be_bytes(a).and_then(SrpClient::new) else {
            eprintln!("compare bench: bad a");
            return;
        };
        group.bench_function(format!("cognito_auth_derive_{name}"), |b| {
            b.iter(|| client.derive(black_box(&input)).map(|d| d.key()[0]));
        });
    }
    group.bench_function("num_bigint_g_pow_a1024", |b| {
        b.iter(|| g.modpow(black_box(&a_big), &c.n));
    });
    if let Some(dev) = common::load_device() {
        group.bench_function("cognito_auth_device_srp_step_a256", |b| {
            b.iter(|| full_step(black_box(&dev), black_box(&a256)));
        });
    }
    group.bench_function("cognito_auth_device_verifier", |b| {
        b.iter(|| {
            DeviceVerifier::compute(
                black_box("-DHTsDlNCq"),
                black_box("us-east-1_2e227ddb-e351-913e-5e34-14c2f2d5e48f"),
                black_box("jbbeYR1zo4GBSfhPYR+xNbRciChwovTyqXLOlNr+G6mc3XOzYoqtXw=="),
                black_box(&[0x1e; 16]),
            )
            .map(|v| v.password_verifier_b64().len())
        });
    });
    group.finish();
}

/// criterion's macro generates an undocumented `pub fn`.
mod harness {
    #![allow(missing_docs, unreachable_pub)]
    criterion::criterion_group! {
        name = compare;
        config = criterion::Criterion::default().with_measurement(super::cputime::ThreadCpu);
        targets = super::benches
    }
}
criterion_main!(harness::compare);
