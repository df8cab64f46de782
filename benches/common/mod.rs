//! Shared inputs for the benches: the first `password_verifier` case of the
//! vectors file (`tests/data/srp.json`, or `COGNITO_SRP_VECTORS`), and
//! the num-bigint oracle of the full client step.
#![allow(dead_code, unreachable_pub)]

use std::path::PathBuf;

use cognito_auth::srp::decode_secret_block;
use hmac::{Hmac, Mac};
use num_bigint::BigUint;
use serde_json::Value;
use sha2::{Digest, Sha256};

pub struct Case {
    pub a: Vec<u8>,
    pub pool: String,
    pub user: String,
    pub password: String,
    pub salt: String,
    pub srp_b: String,
    pub secret_block: String,
    pub timestamp: String,
    pub n: BigUint,
}

pub fn load() -> Option<Case> {
    load_from("password_verifier")
}

/// The first `device_srp` case: DeviceGroupKey, DeviceKey and the device
/// password take the places of pool name, user id and password.
pub fn load_device() -> Option<Case> {
    load_from("device_srp")
}

fn load_from(section: &str) -> Option<Case> {
    let path = std::env::var_os("COGNITO_SRP_VECTORS").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/srp.json"),
        PathBuf::from,
    );
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(path).ok()?).ok()?;
    let case = doc.get(section)?.get(0)?;
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
    let (pool, user, password) = if section == "device_srp" {
        (
            s("device_group_key")?,
            s("device_key")?,
            s("device_password")?,
        )
    } else {
        (
            s("pool_id")?.split_once('_')?.1.to_owned(),
            s("user_id_for_srp")?,
            s("password")?,
        )
    };
    Some(Case {
        a,
        pool,
        user,
        password,
        salt: s("salt")?,
        srp_b: s("srp_b")?,
        secret_block: s("secret_block")?,
        timestamp: s("timestamp")?,
        n: BigUint::parse_bytes(n_hex.as_bytes(), 16)?,
    })
}

pub fn pad(n: &BigUint) -> Vec<u8> {
    let mut b = n.to_bytes_be();
    if b.first().is_some_and(|&x| x & 0x80 != 0) {
        b.insert(0, 0);
    }
    b
}

pub fn hmac(key: &[u8], parts: &[&[u8]]) -> Option<[u8; 32]> {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key).ok()?;
    for p in parts {
        mac.update(p);
    }
    Some(mac.finalize().into_bytes().into())
}

/// The PASSWORD_VERIFIER answer with num-bigint `modpow` everywhere
/// (variable time; the baseline for the constant-time path).
pub fn oracle_full_step(c: &Case, a: &BigUint, big_a: &BigUint) -> Option<[u8; 32]> {
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
