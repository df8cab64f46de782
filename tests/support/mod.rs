//! A scripted Cognito for driving the machines: it checks each request body and answers as
//! the service would. Its SRP half is written independently of the crate (num-bigint), so a
//! signature it accepts was computed right.
#![allow(
    dead_code,
    unreachable_pub,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::sync::Mutex;

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use cognito_auth::{
    Challenge, HttpResponse, RandomError, Request, SecureRandom, Step, Tokens, UnixTime,
};
use hmac::{Hmac, Mac};
use num_bigint::BigUint;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

pub const POOL_ID: &str = "us-east-1_AbCdEfGhI";
pub const CLIENT_ID: &str = "3n4b5urk1ft4fl3mg5e62d9ado";
pub const CLIENT_SECRET: &str = "1qmvhubmkgt3i9ul6o8ll8o2qmvh7lf2vqhn2o5skc8m3e5ou1v";
/// 2023-11-14 22:13:20 UTC.
pub const NOW: UnixTime = UnixTime(1_700_000_000);
pub const NOW_TIMESTAMP: &str = "Tue Nov 14 22:13:20 UTC 2023";

const N_HEX: &str = "ffffffffffffffffc90fdaa22168c234c4c6628b80dc1cd129024e088a67cc74020bbea63b139b22514a08798e3404ddef9519b3cd3a431b302b0a6df25f14374fe1356d6d51c245e485b576625e7ec6f44c42e9a637ed6b0bff5cb6f406b7edee386bfb5a899fa5ae9f24117c4b1fe649286651ece45b3dc2007cb8a163bf0598da48361c55d39a69163fa8fd24cf5f83655d23dca3ad961c62f356208552bb9ed529077096966d670c354e4abc9804f1746c08ca18217c32905e462e36ce3be39e772c180e86039b2783a2ec07a28fb5c55df06f4c52c9de2bcbf6955817183995497cea956ae515d2261898fa051015728e5a8aaac42dad33170d04507a33a85521abdf1cba64ecfb850458dbef0a8aea71575d060c7db3970f85a6e1e4c7abf5ae8cdb0933d71e8c94e04a25619dcee3d2261ad2ee6bf12ffa06d98a0864d87602733ec86a64521f2b18177b200cbbe117577a615d6c770988c0bad946e208e24fa074e5ab3143db5bfce0fd108e4b82d120a93ad2caffffffffffffffff";

pub fn n() -> BigUint {
    BigUint::parse_bytes(N_HEX.as_bytes(), 16).unwrap()
}

/// Java BigInteger.toByteArray of a non-negative value.
pub fn pad(value: &BigUint) -> Vec<u8> {
    let mut bytes = value.to_bytes_be();
    if bytes[0] & 0x80 != 0 {
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

/// Deterministic bytes: SHA-256 of a seed and a counter.
pub struct FixedRandom(Mutex<(u64, u64)>);

impl FixedRandom {
    pub fn new(seed: u64) -> Self {
        Self(Mutex::new((seed, 0)))
    }
}

impl SecureRandom for FixedRandom {
    fn fill(&self, buf: &mut [u8]) -> Result<(), RandomError> {
        let mut guard = self.0.lock().unwrap();
        for chunk in buf.chunks_mut(32) {
            guard.1 += 1;
            let block = Sha256::new()
                .chain_update(guard.0.to_be_bytes())
                .chain_update(guard.1.to_be_bytes())
                .finalize();
            chunk.copy_from_slice(&block[..chunk.len()]);
        }
        Ok(())
    }
}

/// A random source that always fails.
pub struct BrokenRandom;

impl SecureRandom for BrokenRandom {
    fn fill(&self, _: &mut [u8]) -> Result<(), RandomError> {
        Err(RandomError)
    }
}

/// The server half of Cognito SRP for one user.
pub struct SrpServer {
    pub pool_name: String,
    pub user_id: String,
    pub salt: BigUint,
    pub verifier: BigUint,
    pub b: BigUint,
    pub big_b: BigUint,
    pub secret_block: Vec<u8>,
}

impl SrpServer {
    pub fn new(pool_name: &str, user_id: &str, password: &str) -> Self {
        let n = n();
        let g = BigUint::from(2u8);
        let k = h(&[&pad(&n), &pad(&g)]);
        let salt = BigUint::parse_bytes(b"f0e1d2c3b4a5968778695a4b3c2d1e0f", 16).unwrap();
        let inner = Sha256::digest(format!("{pool_name}{user_id}:{password}").as_bytes());
        let x = h(&[&pad(&salt), &inner]);
        let verifier = g.modpow(&x, &n);
        let b = BigUint::parse_bytes(
            b"7a1c9b3e5d2f4a6b8c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b",
            16,
        )
        .unwrap();
        let big_b = (&k * &verifier + g.modpow(&b, &n)) % &n;
        Self {
            pool_name: pool_name.to_owned(),
            user_id: user_id.to_owned(),
            salt,
            verifier,
            b,
            big_b,
            secret_block: (0u8..64).collect(),
        }
    }

    /// The server half for a verifier registered by the client (ConfirmDevice).
    pub fn from_verifier(pool_name: &str, user_id: &str, salt: BigUint, verifier: BigUint) -> Self {
        let n = n();
        let g = BigUint::from(2u8);
        let k = h(&[&pad(&n), &pad(&g)]);
        let b = BigUint::parse_bytes(
            b"5b1c9b3e5d2f4a6b8c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2c",
            16,
        )
        .unwrap();
        let big_b = (&k * &verifier + g.modpow(&b, &n)) % &n;
        Self {
            pool_name: pool_name.to_owned(),
            user_id: user_id.to_owned(),
            salt,
            verifier,
            b,
            big_b,
            secret_block: (100u8..164).collect(),
        }
    }

    /// x for a password, computed independently: H(pad(salt) ‖ H(pool ‖ user ‖ ":" ‖ password)).
    pub fn x_for(pool_name: &str, user_id: &str, password: &str, salt: &BigUint) -> BigUint {
        let inner = Sha256::digest(format!("{pool_name}{user_id}:{password}").as_bytes());
        h(&[&pad(salt), &inner])
    }

    /// PASSWORD_VERIFIER ChallengeParameters.
    pub fn challenge_parameters(&self) -> Value {
        json!({
            "SALT": self.salt.to_str_radix(16),
            "SRP_B": self.big_b.to_str_radix(16),
            "SECRET_BLOCK": STANDARD.encode(&self.secret_block),
            "USERNAME": self.user_id,
            "USER_ID_FOR_SRP": self.user_id,
        })
    }

    /// The signature a client that knows the password must send.
    pub fn expected_signature(&self, srp_a_hex: &str, timestamp: &str) -> String {
        let n = n();
        let a = BigUint::parse_bytes(srp_a_hex.as_bytes(), 16).unwrap();
        let u = h(&[&pad(&a), &pad(&self.big_b)]);
        let s = (a * self.verifier.modpow(&u, &n)).modpow(&self.b, &n);
        let hk = hkdf::Hkdf::<Sha256>::new(Some(&pad(&u)), &pad(&s));
        let mut key = [0u8; 16];
        hk.expand(b"Caldera Derived Key", &mut key).unwrap();
        let mut mac = Hmac::<Sha256>::new_from_slice(&key).unwrap();
        mac.update(self.pool_name.as_bytes());
        mac.update(self.user_id.as_bytes());
        mac.update(&self.secret_block);
        mac.update(timestamp.as_bytes());
        STANDARD.encode(mac.finalize().into_bytes())
    }
}

/// SECRET_HASH, computed here independently of the crate.
pub fn secret_hash(username: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(CLIENT_SECRET.as_bytes()).unwrap();
    mac.update(username.as_bytes());
    mac.update(CLIENT_ID.as_bytes());
    STANDARD.encode(mac.finalize().into_bytes())
}

/// An unsigned JWT-shaped token with these claims.
pub fn jwt(claims: Value) -> String {
    format!(
        "{}.{}.c2lnbmF0dXJl",
        URL_SAFE_NO_PAD.encode(br#"{"alg":"RS256","kid":"k1"}"#),
        URL_SAFE_NO_PAD.encode(claims.to_string())
    )
}

/// An AuthenticationResult body for `username` (internal name) with `sub`.
pub fn tokens_body(username: &str, sub: &str, refresh: Option<&str>) -> Value {
    let mut result = json!({
        "AccessToken": jwt(json!({"sub": sub, "username": username, "token_use": "access", "exp": NOW.0 + 3600, "auth_time": NOW.0, "client_id": CLIENT_ID})),
        "IdToken": jwt(json!({"sub": sub, "cognito:username": username, "token_use": "id", "exp": NOW.0 + 3600, "aud": CLIENT_ID})),
        "ExpiresIn": 3600,
        "TokenType": "Bearer",
    });
    if let Some(refresh) = refresh {
        result["RefreshToken"] = json!(refresh);
    }
    json!({ "AuthenticationResult": result, "ChallengeParameters": {} })
}

/// A Cognito error body.
pub fn error_body(kind: &str, message: &str) -> Value {
    json!({ "__type": kind, "message": message })
}

/// The request's JSON body, after checking the wire form every request shares.
pub fn body_of(request: &Request, operation: &str) -> Value {
    assert_eq!(request.method(), "POST");
    assert_eq!(request.operation().name(), operation);
    assert_eq!(
        request.url(),
        "https://cognito-idp.us-east-1.amazonaws.com/"
    );
    assert_eq!(
        request.headers(),
        [
            ("Content-Type", "application/x-amz-json-1.1"),
            (
                "X-Amz-Target",
                format!("AWSCognitoIdentityProviderService.{operation}").leak() as &str
            )
        ]
    );
    serde_json::from_slice(request.body()).expect("request body is JSON")
}

/// A response as the service would send it.
pub struct Reply {
    pub status: u16,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn ok(body: Value) -> Self {
        Self {
            status: 200,
            body: body.to_string().into_bytes(),
        }
    }

    pub fn error(kind: &str, message: &str) -> Self {
        Self {
            status: 400,
            body: error_body(kind, message).to_string().into_bytes(),
        }
    }

    pub fn raw(status: u16, body: &[u8]) -> Self {
        Self {
            status,
            body: body.to_vec(),
        }
    }

    pub fn as_response(&self) -> HttpResponse<'_> {
        HttpResponse::new(self.status, &self.body).header("x-amzn-RequestId", "test-request-id")
    }
}

/// The request a step carries.
pub fn expect_send(step: Step) -> Request {
    match step {
        Step::Send(request) => request,
        other => panic!("expected a request, got {other:?}"),
    }
}

/// The tokens of a finished sign-in.
pub fn expect_done(step: Step) -> Tokens {
    match step {
        Step::Done(tokens) => *tokens,
        other => panic!("expected tokens, got {other:?}"),
    }
}

/// The challenge a step asks.
pub fn expect_challenge(step: Step) -> Challenge {
    match step {
        Step::Challenge(challenge) => challenge,
        other => panic!("expected a challenge, got {other:?}"),
    }
}
