//! Drivers of the SRP math: hostile server values into the claim, and the arithmetic against independent implementations.

use num_bigint::BigUint;
use num_traits::Zero as _;

use cognito_auth::srp::{
    DeviceVerifier, EphemeralSecret, MAX_HEX_DIGITS, SrpClient, SrpError, VerifierInput,
    decode_secret_block, format_timestamp, pad_hex,
};

use crate::input::*;
use crate::oracle::*;
use crate::responses::*;
use crate::*;

/// Arbitrary SALT, SRP_B (including multiples of N), SECRET_BLOCK, user id and password into
/// the SRP derivation and signature; device verifiers and timestamps too.
pub fn srp_password_claim(data: &[u8]) {
    let mut inp = Input::new(data);
    let flags = inp.byte();
    let salt_hex = match inp.byte() % 3 {
        0 | 1 => hex(inp.bytes()),
        _ => inp.string(),
    };
    let (b_hex, multiple_of_n) = srp_b(&mut inp);
    let block = secret_block(&mut inp);
    let pool_name = if flags & 1 != 0 {
        inp.string()
    } else {
        "AbC123".to_owned()
    };
    let user_id = inp.string();
    let password = if flags & 2 != 0 {
        inp.string()
    } else {
        PASSWORD.to_owned()
    };
    let secs = inp.u64();

    let a = if flags & 4 != 0 {
        match EphemeralSecret::from_be_bytes(inp.bytes()) {
            Ok(a) => a,
            Err(_) => return,
        }
    } else {
        match EphemeralSecret::from_be_bytes(&FIXED_A) {
            Ok(a) => a,
            Err(e) => panic!("the fixed a is valid: {e}"),
        }
    };
    let client = match SrpClient::new(a) {
        Ok(c) => c,
        Err(e) => panic!("A = 0 for 0 < a < N: {e}"),
    };
    let input = VerifierInput {
        pool_name: &pool_name,
        user_id: &user_id,
        password: &password,
        salt_hex: &salt_hex,
        srp_b_hex: &b_hex,
    };
    let result = client.derive(&input);

    // The independent oracle: B parsed with num-bigint.
    let well_formed = |s: &str| {
        !s.is_empty() && s.len() <= MAX_HEX_DIGITS && s.bytes().all(|c| c.is_ascii_hexdigit())
    };
    let b_value = well_formed(&b_hex)
        .then(|| BigUint::parse_bytes(b_hex.as_bytes(), 16))
        .flatten();
    let b_zero_mod_n = b_value.as_ref().map(|b| (b % n()).is_zero());
    if multiple_of_n && b_hex.len() <= MAX_HEX_DIGITS {
        assert_eq!(b_zero_mod_n, Some(true), "k·N generator is wrong");
    }
    if b_zero_mod_n == Some(true) {
        assert!(result.is_err(), "B ≡ 0 mod N accepted");
        if well_formed(&salt_hex) {
            assert!(
                matches!(result, Err(SrpError::IllegalB)),
                "B ≡ 0 mod N gave {result:?}"
            );
        }
    }
    if b_value.is_none() {
        assert!(result.is_err(), "malformed SRP_B {b_hex:?} accepted");
    }
    if !well_formed(&salt_hex) {
        assert!(result.is_err(), "malformed SALT {salt_hex:?} accepted");
    }

    let block_bytes = decode_secret_block(&block);
    let timestamp = format_timestamp(secs);
    assert_eq!(
        timestamp.is_ok(),
        secs <= 253_402_300_799,
        "timestamp range"
    );
    if let Ok(derivation) = &result {
        assert_no_secret(data, "a Derivation's Debug", &format!("{derivation:?}"));
        let block_bytes = block_bytes.unwrap_or_else(|_| block.clone().into_bytes());
        let ts = timestamp.unwrap_or_default();
        let signature = derivation.signature(&pool_name, &user_id, &block_bytes, &ts);
        assert_eq!(
            signature.len(),
            44,
            "a signature is 32 bytes in padded base64"
        );
    }

    if flags & 8 != 0 {
        let salt = inp.bytes();
        let device = DeviceVerifier::compute(&pool_name, &user_id, &password, salt);
        assert_eq!(
            device.is_ok(),
            !salt.is_empty() && salt.len() <= MAX_HEX_DIGITS / 2,
            "device verifier salt bounds"
        );
        if let Ok(device) = device {
            assert_no_secret(data, "a DeviceVerifier's Debug", &format!("{device:?}"));
        }
    }
}

/// Differential check of the SRP arithmetic: two 384-byte numbers (each a shape byte,
/// then up to 384 bytes; shape 1 fills the rest with `0xFF`, 2 with zeros, else repeats
/// the bytes) are taken as Montgomery forms below N and multiplied and squared by this
/// crate and by crypto-bigint; the first also goes, with a shape-dependent number of
/// leading zero bytes, as S through the constant-time key derivation and through the
/// `hkdf` crate over padHex(S), with a salt of up to 33 bytes. Any disagreement panics.
pub fn arithmetic(data: &[u8]) {
    let mut input = Input::new(data);
    let mut number = || {
        let shape = input.byte();
        let given = input.bytes();
        let mut out = [0u8; 384];
        let fill: Box<dyn Iterator<Item = u8>> = match shape % 3 {
            1 => Box::new(given.iter().copied().chain(std::iter::repeat(0xff))),
            2 => Box::new(given.iter().copied().chain(std::iter::repeat(0))),
            _ if given.is_empty() => Box::new(std::iter::repeat(0)),
            _ => Box::new(given.iter().copied().cycle()),
        };
        for (o, b) in out.iter_mut().zip(fill) {
            *o = b;
        }
        (shape, out)
    };
    let (shape, x) = number();
    let (_, y) = number();
    check_arithmetic(&x, &y);
    let mut s = x;
    let zeros = usize::from(shape / 3) * 3;
    s.iter_mut().take(zeros).for_each(|b| *b = 0);
    let salt = input.take(33);
    check_session_key(&s, salt);
}

/// This crate's Montgomery multiplication and squaring against crypto-bigint's.
fn check_arithmetic(x: &[u8; 384], y: &[u8; 384]) {
    let (a, b) = (Residue::from_be_bytes(x), Residue::from_be_bytes(y));
    if a.mul(&b) != a.crypto_bigint_mul(&b) {
        panic!("the Montgomery product disagrees with crypto-bigint");
    }
    if a.square() != a.crypto_bigint_square() {
        panic!("the Montgomery square disagrees with crypto-bigint");
    }
}

/// The constant-time key from S against the `hkdf` crate over padHex(S) (`srp::pad_hex`).
fn check_session_key(s: &[u8; 384], salt: &[u8]) {
    let ikm = pad_hex(&hex(s)).unwrap_or_else(|e| panic!("S as hex is valid: {e}"));
    let mut want = [0u8; 16];
    if hkdf::Hkdf::<sha2::Sha256>::new(Some(salt), &ikm)
        .expand(b"Caldera Derived Key", &mut want)
        .is_err()
    {
        panic!("16 bytes are a valid HKDF-SHA256 output length");
    }
    if cognito_auth::fuzzing::key_from_s(s, salt) != want {
        panic!("the key from S disagrees with the hkdf crate");
    }
}
