//! Criterion benchmarks of the SRP core, with a num-bigint baseline.
//!
//! Inputs are fixed: the first `password_verifier` case of the vectors file
//! (`tests/data/srp.json`, or `COGNITO_SRP_VECTORS`).

mod common;

use std::hint::black_box;

use cognito_auth::srp::{
    DeviceVerifier, EphemeralSecret, SrpClient, VerifierInput, decode_secret_block,
};
use common::{load, oracle_full_step};
use criterion::{Criterion, criterion_main};
use num_bigint::BigUint;

fn benches(crit: &mut Criterion) {
    let Some(c) = load() else {
        eprintln!("srp bench: cannot load the vectors file; nothing to measure");
        return;
    };
    let a256 = [0x5au8; EphemeralSecret::DEFAULT_LEN];

    let mut group = crit.benchmark_group("srp/public_a");
    group.bench_function("a_256_bit", |bch| {
        bch.iter(|| {
            EphemeralSecret::from_be_bytes(black_box(&a256))
                .and_then(SrpClient::new)
                .map(|cl| cl.public_a_hex().len())
        });
    });
    group.bench_function("a_1024_bit_vector", |bch| {
        bch.iter(|| {
            EphemeralSecret::from_be_bytes(black_box(&c.a))
                .and_then(SrpClient::new)
                .map(|cl| cl.public_a_hex().len())
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
    let claim = |client: &SrpClient| {
        let d = client.derive(black_box(&input))?;
        let block = decode_secret_block(black_box(&c.secret_block))?;
        Ok::<_, cognito_auth::srp::SrpError>(d.signature(&c.pool, &c.user, &block, &c.timestamp))
    };
    let mut group = crit.benchmark_group("srp/password_claim");
    for (name, a) in [("a_256_bit", &a256[..]), ("a_1024_bit_vector", &c.a[..])] {
        let Ok(client) = EphemeralSecret::from_be_bytes(a).and_then(SrpClient::new) else {
            eprintln!("srp bench: bad a");
            return;
        };
        group.bench_function(name, |bch| bch.iter(|| claim(&client)));
    }
    group.finish();

    let mut group = crit.benchmark_group("srp/device_verifier");
    group.bench_function("compute", |bch| {
        bch.iter(|| {
            DeviceVerifier::compute(
                black_box("-DHTsDlNCq"),
                black_box("us-east-1_2e227ddb-e351-913e-5e34-14c2f2d5e48f"),
                black_box("jbbeYR1zo4GBSfhPYR+xNbRciChwovTyqXLOlNr+G6mc3XOzYoqtXw=="),
                black_box(&[0x1e; 16]),
            )
        });
    });
    group.finish();

    let a_big = BigUint::from_bytes_be(&c.a);
    let big_a = BigUint::from(2u8).modpow(&a_big, &c.n);
    let mut group = crit.benchmark_group("srp/num_bigint_oracle_full_step");
    group.bench_function("a_1024_bit_vector", |bch| {
        bch.iter(|| oracle_full_step(black_box(&c), black_box(&a_big), black_box(&big_a)));
    });
    let a_big = BigUint::from_bytes_be(&a256);
    let big_a = BigUint::from(2u8).modpow(&a_big, &c.n);
    group.bench_function("a_256_bit", |bch| {
        bch.iter(|| oracle_full_step(black_box(&c), black_box(&a_big), black_box(&big_a)));
    });
    group.finish();
}

/// criterion's macro generates an undocumented `pub fn`.
mod harness {
    #![allow(missing_docs, unreachable_pub)]
    criterion::criterion_group!(srp, super::benches);
}
criterion_main!(harness::srp);
