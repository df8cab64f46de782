//! This crate's full client step and GMP doing the same work, timed pair by pair in one
//! process, so the ratios do not depend on how busy the machine was in another minute.
//!
//! Full client step = A = g^a, then u, x, g^x, S, HKDF and the PASSWORD_CLAIM_SIGNATURE
//! HMAC for the first `password_verifier` case of the vectors file. GMP's step is checked
//! to produce the same signature before anything is timed. Each round times this crate
//! with a 256-bit a (its default), this crate with the vector's 1024-bit a, and GMP with
//! the 1024-bit a (the peers' work), in a rotating order; the ratios are taken per round
//! and their medians printed with distribution-free 95% intervals.
//!
//! `cargo run --release -- [VECTORS] [ROUNDS]`

use std::hint::black_box;
use std::process::ExitCode;

use base64::Engine as _;
use cognito_auth::srp::{
    EphemeralSecret, SrpClient, VerifierInput, decode_secret_block, format_timestamp,
};
use hmac::{Hmac, Mac};
use rug::Integer;
use rug::integer::Order;
use rug::ops::RemRounding as _;
use serde_json::Value;
use sha2::{Digest, Sha256};

const TIMESTAMP_SECS: u64 = 1_704_164_645;

struct Case {
    n: Integer,
    a1024: Vec<u8>,
    pool: String,
    user: String,
    password: String,
    salt: String,
    srp_b: String,
    secret_block: String,
}

fn load(path: &str) -> Option<Case> {
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(path).ok()?).ok()?;
    let case = doc.get("password_verifier")?.get(0)?;
    let s = |k: &str| case.get(k)?.as_str().map(str::to_owned);
    let a = Integer::from_str_radix(&s("a")?, 16).ok()?;
    Some(Case {
        n: Integer::from_str_radix(doc.get("group")?.get("n")?.as_str()?, 16).ok()?,
        a1024: a.to_digits(Order::Msf),
        pool: s("pool_id")?.split_once('_')?.1.to_owned(),
        user: s("user_id_for_srp")?,
        password: s("password")?,
        salt: s("salt")?,
        srp_b: s("srp_b")?,
        secret_block: s("secret_block")?,
    })
}

/// This crate's step, as `benches/compare.rs` times it.
fn ours(c: &Case, a: &[u8]) -> Option<String> {
    let client = EphemeralSecret::from_be_bytes(a)
        .and_then(SrpClient::new)
        .ok()?;
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
    let timestamp = format_timestamp(TIMESTAMP_SECS).ok()?;
    Some(d.signature(&c.pool, &c.user, &block, &timestamp))
}

/// Java `BigInteger.toByteArray` of a non-negative value.
fn pad(n: &Integer) -> Vec<u8> {
    let mut bytes = n.to_digits::<u8>(Order::Msf);
    if bytes.first().is_none_or(|&b| b & 0x80 != 0) {
        bytes.insert(0, 0);
    }
    bytes
}

fn sha(parts: &[&[u8]]) -> Integer {
    let mut h = Sha256::new();
    for p in parts {
        h.update(p);
    }
    Integer::from_digits(&h.finalize(), Order::Msf)
}

/// The same step with GMP's `mpz_powm` (variable time).
fn gmp(c: &Case, a: &Integer) -> Option<String> {
    let n = &c.n;
    let g = Integer::from(2);
    let big_a = g.clone().pow_mod(a, n).ok()?;
    let b = Integer::from_str_radix(&c.srp_b, 16).ok()?;
    let salt = Integer::from_str_radix(&c.salt, 16).ok()?;
    let k = sha(&[&pad(n), &pad(&g)]);
    let u = sha(&[&pad(&big_a), &pad(&b)]);
    let inner = Sha256::digest(format!("{}{}:{}", c.pool, c.user, c.password));
    let x = sha(&[&pad(&salt), &inner]);
    let gx = g.pow_mod(&x, n).ok()?;
    let base = (b - k * gx).rem_euc(n.clone());
    let exp = a + Integer::from(&u * &x);
    let s = base.pow_mod(&exp, n).ok()?;
    let mut key = [0u8; 16];
    hkdf::Hkdf::<Sha256>::new(Some(&pad(&u)), &pad(&s))
        .expand(b"Caldera Derived Key", &mut key)
        .ok()?;
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&key).ok()?;
    mac.update(c.pool.as_bytes());
    mac.update(c.user.as_bytes());
    mac.update(&decode_secret_block(&c.secret_block).ok()?);
    mac.update(format_timestamp(TIMESTAMP_SECS).ok()?.as_bytes());
    Some(base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes()))
}

/// Thread CPU nanoseconds `f` takes.
fn timed<T>(f: impl FnOnce() -> T) -> f64 {
    let start = cpu_time::ThreadTime::now();
    black_box(f());
    start.elapsed().as_nanos() as f64
}

/// Median and distribution-free 95% interval (ranks n/2 ± 0.98·√n) of `values`.
fn median_ci(mut values: Vec<f64>) -> (f64, f64, f64) {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    let half = 0.98 * (n as f64).sqrt();
    let at = |r: f64| values[(r.max(0.0) as usize).min(n - 1)];
    (
        at(n as f64 / 2.0),
        at(n as f64 / 2.0 - half),
        at(n as f64 / 2.0 + half),
    )
}

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let path = args
        .next()
        .unwrap_or_else(|| "../../tests/data/srp.json".into());
    let rounds: usize = args
        .next()
        .and_then(|r| r.parse().ok())
        .unwrap_or(400)
        .max(1);
    let Some(c) = load(&path) else {
        eprintln!("cannot read the password_verifier case of {path}");
        return ExitCode::from(2);
    };
    let a256 = [0x5au8; EphemeralSecret::DEFAULT_LEN];
    let a1024_int = Integer::from_digits(&c.a1024, Order::Msf);
    let a256_int = Integer::from_digits(&a256, Order::Msf);
    // Same work, same answer: GMP's step must give this crate's signature for both a.
    for (bytes, int) in [(&c.a1024[..], &a1024_int), (&a256[..], &a256_int)] {
        let (mine, theirs) = (ours(&c, bytes), gmp(&c, int));
        if mine.is_none() || mine != theirs {
            eprintln!("GMP and this crate disagree: {mine:?} vs {theirs:?}");
            return ExitCode::FAILURE;
        }
    }
    let (mut r256, mut r1024) = (Vec::new(), Vec::new());
    let mut times: [Vec<f64>; 4] = Default::default();
    for round in 0..rounds {
        let mut t = [0.0; 4];
        for slot in 0..4 {
            match (round + slot) % 4 {
                0 => t[0] = timed(|| ours(&c, &a256)),
                1 => t[1] = timed(|| ours(&c, &c.a1024)),
                2 => t[2] = timed(|| gmp(&c, &a1024_int)),
                _ => t[3] = timed(|| gmp(&c, &a256_int)),
            }
        }
        r256.push(t[0] / t[2]);
        r1024.push(t[1] / t[2]);
        for (all, one) in times.iter_mut().zip(t) {
            all.push(one);
        }
    }
    let (m256, lo256, hi256) = median_ci(r256);
    let (m1024, lo1024, hi1024) = median_ci(r1024);
    let ms = |v: &Vec<f64>| median_ci(v.clone()).0 / 1e6;
    println!(
        "gmp paired: a256/gmp1024 median={m256:.3} ci95=[{lo256:.3}, {hi256:.3}] | \
         a1024/gmp1024 median={m1024:.3} ci95=[{lo1024:.3}, {hi1024:.3}] | rounds={rounds} | \
         ms ours_a256={:.3} ours_a1024={:.3} gmp_a1024={:.3} gmp_a256={:.3} | gmp={}.{}.{}",
        ms(&times[0]),
        ms(&times[1]),
        ms(&times[2]),
        ms(&times[3]),
        gmp_mpfr_sys::gmp::VERSION,
        gmp_mpfr_sys::gmp::VERSION_MINOR,
        gmp_mpfr_sys::gmp::VERSION_PATCHLEVEL,
    );
    ExitCode::SUCCESS
}
