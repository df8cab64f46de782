//! The server half of Cognito's SRP-6a, written independently of the client
//! crate with num-bigint: verifiers from passwords, `B = k·v + g^b`, and the
//! check of PASSWORD_CLAIM_SIGNATURE.
//!
//! Byte encoding is Cognito's padHex: minimal big-endian bytes plus one `0x00`
//! when the top bit is set. `|` is concatenation, `H` is SHA-256.
//!
//! **Not constant time**, on purpose: this is a test double whose secrets (`b`, the stored
//! verifiers, the test passwords) protect nothing, so it uses num-bigint's variable-time
//! `modpow` and variable-time fixed-base tables for `g^b` and a recent verifier's `v^u`
//! ([`comb`]). Correctness is what matters here, and the tables are checked against plain
//! `modpow` in their tests.

mod comb;

use std::sync::OnceLock;

use hmac::{Hmac, Mac};
use num_bigint::BigUint;
use rand_core::RngCore;
use sha2::{Digest, Sha256};

const N_HEX: &[u8] = b"\
FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DD\
EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED\
EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F\
83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B\
E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA0510\
15728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7\
ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864D87602733EC86A64521F2B18177B200C\
BBE117577A615D6C770988C0BAD946E208E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF";

struct Group {
    n: BigUint,
    g: BigUint,
    k: BigUint,
}

fn group() -> &'static Group {
    static GROUP: OnceLock<Group> = OnceLock::new();
    GROUP.get_or_init(|| {
        let n = BigUint::parse_bytes(N_HEX, 16).unwrap_or_default();
        let g = BigUint::from(2u8);
        let k = h(&[&pad(&n), &pad(&g)]);
        Group { n, g, k }
    })
}

/// `g^e mod N` through the generator's fixed-base table.
fn pow_g(e: &BigUint) -> BigUint {
    let grp = group();
    comb::g_table(&grp.g, &grp.n).pow(&grp.g, e, &grp.n)
}

/// padHex bytes of a non-negative integer (`0` → `[0]`).
pub(crate) fn pad(value: &BigUint) -> Vec<u8> {
    let mut bytes = value.to_bytes_be();
    if bytes.first().is_some_and(|b| b & 0x80 != 0) {
        bytes.insert(0, 0);
    }
    bytes
}

fn h(parts: &[&[u8]]) -> BigUint {
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update(part);
    }
    BigUint::from_bytes_be(&hasher.finalize())
}

/// A stored SRP verifier: the salt and `v = g^x mod N`. Never the password.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct Verifier {
    pub(crate) salt: BigUint,
    pub(crate) v: BigUint,
}

impl std::fmt::Debug for Verifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Verifier(..)")
    }
}

impl Verifier {
    /// `x = H(padHex(salt) | H(pool_name | user_id | ":" | password))`, `v = g^x`.
    pub(crate) fn compute(pool_name: &str, user_id: &str, password: &str, salt: BigUint) -> Self {
        let x = x_of(pool_name, user_id, password, &salt);
        Self { v: pow_g(&x), salt }
    }

    /// A fresh 16-byte salt from `rng`, then [`compute`](Self::compute).
    pub(crate) fn generate(
        pool_name: &str,
        user_id: &str,
        password: &str,
        rng: &mut dyn RngCore,
    ) -> Self {
        let mut salt = [0u8; 16];
        rng.fill_bytes(&mut salt);
        Self::compute(pool_name, user_id, password, BigUint::from_bytes_be(&salt))
    }

    /// True when `password` gives this verifier (USER_PASSWORD_AUTH, ChangePassword).
    pub(crate) fn matches(&self, pool_name: &str, user_id: &str, password: &str) -> bool {
        let other = Self::compute(pool_name, user_id, password, self.salt.clone());
        // Public comparison of two group elements: the verifier is not the password.
        other.v == self.v
    }

    /// From ConfirmDevice's DeviceSecretVerifierConfig: base64 of padHex bytes. A first
    /// byte with the top bit set and no `00` prefix is a negative number, which Cognito
    /// refuses.
    pub(crate) fn from_device_config(verifier: &[u8], salt: &[u8]) -> Option<Self> {
        let positive = |bytes: &[u8]| bytes.first().is_some_and(|b| b & 0x80 == 0);
        if !positive(verifier) || !positive(salt) {
            return None;
        }
        let v = BigUint::from_bytes_be(verifier);
        let grp = group();
        if v == BigUint::ZERO || v >= grp.n {
            return None;
        }
        Some(Self {
            salt: BigUint::from_bytes_be(salt),
            v,
        })
    }
}

fn x_of(pool_name: &str, user_id: &str, password: &str, salt: &BigUint) -> BigUint {
    let inner = Sha256::new()
        .chain_update(pool_name.as_bytes())
        .chain_update(user_id.as_bytes())
        .chain_update(b":")
        .chain_update(password.as_bytes())
        .finalize();
    h(&[&pad(salt), &inner])
}

/// The server's ephemeral values for one PASSWORD_VERIFIER (or
/// DEVICE_PASSWORD_VERIFIER) exchange.
#[derive(Clone)]
pub(crate) struct ServerExchange {
    a: BigUint,
    b: BigUint,
    big_b: BigUint,
    pub(crate) secret_block: Vec<u8>,
}

impl std::fmt::Debug for ServerExchange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ServerExchange(..)")
    }
}

/// SRP_A hex → A, refusing non-hex and `A mod N == 0`.
pub(crate) fn parse_public_a(hex: &str) -> Option<BigUint> {
    if hex.is_empty() || hex.len() > 4096 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let a = BigUint::parse_bytes(hex.as_bytes(), 16)?;
    (a.clone() % &group().n != BigUint::ZERO).then_some(a)
}

impl ServerExchange {
    /// `b` random (256 bits), `B = (k·v + g^b) mod N`, a random SECRET_BLOCK.
    pub(crate) fn start(verifier: &Verifier, a: BigUint, rng: &mut dyn RngCore) -> Self {
        let grp = group();
        loop {
            let mut b_bytes = [0u8; 32];
            rng.fill_bytes(&mut b_bytes);
            let b = BigUint::from_bytes_be(&b_bytes);
            let big_b = (&grp.k * &verifier.v + pow_g(&b)) % &grp.n;
            if big_b == BigUint::ZERO || b == BigUint::ZERO {
                continue;
            }
            let mut secret_block = vec![0u8; 128];
            rng.fill_bytes(&mut secret_block);
            return Self {
                a,
                b,
                big_b,
                secret_block,
            };
        }
    }

    /// SRP_B as Cognito sends it: lower-case hex without leading zeros.
    pub(crate) fn srp_b_hex(&self) -> String {
        self.big_b.to_str_radix(16)
    }

    /// Checks PASSWORD_CLAIM_SIGNATURE: `u = H(padHex(A) | padHex(B))`,
    /// `S = (A·v^u)^b mod N`, `key = HKDF(padHex(S), salt = padHex(u), "Caldera Derived Key")[..16]`,
    /// signature = `HMAC(key, pool_name | user_id | secret_block | timestamp)`.
    pub(crate) fn verify(
        &self,
        verifier: &Verifier,
        pool_name: &str,
        user_id: &str,
        timestamp: &str,
        signature: &[u8],
    ) -> bool {
        let grp = group();
        let u = h(&[&pad(&self.a), &pad(&self.big_b)]);
        if u == BigUint::ZERO {
            return false;
        }
        let v_u = match comb::verifier_table(&verifier.v, &grp.n) {
            Some(table) => table.pow(&verifier.v, &u, &grp.n),
            None => verifier.v.modpow(&u, &grp.n),
        };
        let s = (&self.a * v_u).modpow(&self.b, &grp.n);
        let hk = hkdf::Hkdf::<Sha256>::new(Some(&pad(&u)), &pad(&s));
        let mut key = [0u8; 16];
        if hk.expand(b"Caldera Derived Key", &mut key).is_err() {
            return false;
        }
        let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(&key) else {
            return false;
        };
        mac.update(pool_name.as_bytes());
        mac.update(user_id.as_bytes());
        mac.update(&self.secret_block);
        mac.update(timestamp.as_bytes());
        mac.verify_slice(signature).is_ok()
    }
}

/// Hex of a salt as Cognito sends SALT (lower-case, minimal).
pub(crate) fn hex(value: &BigUint) -> String {
    value.to_str_radix(16)
}
