//! Criterion benchmarks of the SRP core, with a num-bigint baseline.
//!
//! Inputs are fixed: the first `password_verifier` case of the vectors file
//! (`../shared/vectors/srp.json`, or `COGNITO_SRP_VECTORS`).

use std::hint::black_box;
use std::path::PathBuf;

use cognito_auth::srp::{
    DeviceVerifier, EphemeralSecret, SrpClient, VerifierInput, decode_secret_block,
};
use criterion::{Criterion, criterion_main};
use hmac::{Hmac, Mac};
use num_bigint::BigUint;
use serde_json::Value;
use sha2::{Digest, Sha256};

struct Case {
    a: Vec<u8>,
    pool: String,
    user: String,
    password: String,
    salt: String,
    srp_b: String,
    secret_block: String,
    timestamp: String,
    n: BigUint,
}

fn load() -> Option<Case> {
    let path = std::env::var_os("COGNITO_SRP_VECTORS").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/vectors/srp.json"),
        PathBuf::from,
    );
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(path).ok()?).ok()?;
    let case = doc.get("password_verifier")?.get(0)?;
    let s = |k: &str| case.get(k).and_then(Value::as_str).map(str::to_owned);
    let a_hex = s("a")?;
    let a_hex = if a_hex.len() % 2 == 1 {
        format!("0{a_hex}")
    } else {
        a_hex
    };
    let a = (0..a_hex.len())
        .step_by(2)
        .map(|i| {
            a_hex
                .get(i..i + 2)
                .and_then(|p| u8::from_str_radix(p, 16).ok())
        })
        .collect::<Option<Vec<u8>>>()?;
    let n_hex = doc.get("group")?.get("n")?.as_str()?;
    Some(Case {
        a,
        pool: s("pool_id")?.split_once('_')?.1.to_owned(),
        user: s("user_id_for_srp")?,
        password: s("password")?,
        salt: s("salt")?,
        srp_b: s("srp_b")?,
        secret_block: s("secret_block")?,
        timestamp: s("timestamp")?,
        n: BigUint::parse_bytes(n_hex.as_bytes(), 16)?,
    })
}

fn pad(n: &BigUint) -> Vec<u8> {
    let mut b = n.to_bytes_be();
    if b.first().is_some_and(|&x| x & 0x80 != 0) {
        b.insert(0, 0);
    }
    b
}

fn hmac(key: &[u8], parts: &[&[u8]]) -> Option<[u8; 32]> {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key).ok()?;
    for p in parts {
        mac.update(p);
    }
    Some(mac.finalize().into_bytes().into())
}

/// The PASSWORD_VERIFIER answer with num-bigint `modpow` everywhere
/// (variable time; the baseline for the constant-time path).
fn oracle_full_step(c: &Case, a: &BigUint, big_a: &BigUint) -> Option<[u8; 32]> {
    let n = &c.n;
    let g = BigUint::from(2u8);
    let mut h = Sha256::new();
    h.update(pad(n));
    h.update([2u8]);
    let k = BigUint::from_bytes_be(&h.finalize());
    let b = BigUint::parse_bytes(c.srp_b.as_bytes(), 16)?;
    let salt = BigUint::parse_bytes(c.salt.as_bytes(), 16)?;
    let mut h = Sha256::new();
    h.update(pad(big_a));
    h.update(pad(&b));
    let u_bytes = h.finalize();
    let u = BigUint::from_bytes_be(&u_bytes);
    let inner = Sha256::digest(format!("{}{}:{}", c.pool, c.user, c.password));
    let mut h = Sha256::new();
    h.update(pad(&salt));
    h.update(inner);
    let x = BigUint::from_bytes_be(&h.finalize());
    let gx = g.modpow(&x, n);
    let kgx = k * gx % n;
    let base = ((&b % n) + n - kgx) % n;
    let s = base.modpow(&(a + &u * &x), n);
    let mut key = [0u8; 16];
    hkdf::Hkdf::<Sha256>::new(Some(&pad(&u)), &pad(&s))
        .expand(b"Caldera Derived Key", &mut key)
        .ok()?;
    let block = decode_secret_block(&c.secret_block).ok()?;
    hmac(
        &key,
        &[
            c.pool.as_bytes(),
            c.user.as_bytes(),
            &block,
            c.timestamp.as_bytes(),
        ],
    )
}

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
