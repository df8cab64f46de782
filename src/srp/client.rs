//! The client side of one SRP exchange: A, then u, x, S and the key.

use core::fmt;

use base64::Engine as _;
use crypto_bigint::{U256, U512, U3072};
use hmac::{Hmac, Mac as _};
use sha2::{Digest, Sha256};
use zeroize::{Zeroize, Zeroizing};

use super::comb;
use super::ephemeral::EphemeralSecret;
use super::error::SrpError;
use super::field::{self, N_BYTES};
use super::group;
use super::kdf::{hmac_for, password_x};
use super::pad::{pad_bytes, pad_into, parse_hex, to_hex_minimal, update_padded};
use super::secret_block::for_each_chunk;
use super::session_key::key_from_s;

/// Exponent bits of `x` (a SHA-256 output).
const X_BITS: u32 = 256;
/// Exponent bits of `u·x` (two SHA-256 outputs).
const UX_BITS: u32 = 512;

/// One client SRP session: the secret `a` and the public `A = g^a mod N`.
///
/// `Send + Sync`; `Debug` shows only `A`.
pub struct SrpClient {
    a: EphemeralSecret,
    a_padded: Vec<u8>,
    a_hex: String,
}

impl SrpClient {
    /// Computes `A = g^a mod N` with constant-time Montgomery exponentiation
    /// (the exponent bound is `8 ×` the byte length of `a`, a public value).
    ///
    /// Errors with [`SrpError::IllegalA`] if `A mod N == 0` (impossible for
    /// `0 < a < N`, checked as the reference clients do).
    pub fn new(a: EphemeralSecret) -> Result<Self, SrpError> {
        let big_a = field::retrieve(&comb::pow_g(a.value(), a.bits()));
        if bool::from(big_a.is_zero()) {
            return Err(SrpError::IllegalA);
        }
        let bytes = big_a.to_be_bytes();
        let a_padded = pad_bytes(bytes.as_slice());
        let a_hex = to_hex_minimal(bytes.as_slice());
        Ok(Self { a, a_padded, a_hex })
    }

    /// SRP_A as sent to Cognito: lower-case hex, no leading zeros.
    pub fn public_a_hex(&self) -> &str {
        &self.a_hex
    }

    /// Derives u, x, S and the 16-byte key from a PASSWORD_VERIFIER (or
    /// DEVICE_PASSWORD_VERIFIER) challenge.
    ///
    /// * `u = H(padHex(A) | padHex(B))` with B as sent (not reduced);
    /// * `x = H(padHex(salt) | H(pool_name | user_id | ":" | password))`;
    /// * `S = (B − k·g^x)^(a + u·x) mod N`, base reduced into `[0, N)`, the
    ///   exponent computed exactly (not reduced), all in constant time;
    /// * `key = HKDF-SHA256(ikm = padHex(S), salt = padHex(u), "Caldera Derived Key")[..16]`.
    ///
    /// SALT and SRP_B may have any length up to
    /// [`MAX_HEX_DIGITS`](super::MAX_HEX_DIGITS) hex digits, either case, odd
    /// or even digit count; SRP_B ≥ N is reduced mod N.
    ///
    /// # Errors
    /// [`SrpError::EmptyValue`], [`SrpError::InvalidHex`],
    /// [`SrpError::NegativeValue`], [`SrpError::ValueTooLarge`] for malformed
    /// SALT / SRP_B; [`SrpError::IllegalB`] if `B mod N == 0`;
    /// [`SrpError::IllegalU`] if `u == 0`.
    pub fn derive(&self, input: &VerifierInput<'_>) -> Result<Derivation, SrpError> {
        let b_bytes = parse_hex(input.srp_b_hex, "SRP_B")?;
        let salt_bytes = parse_hex(input.salt_hex, "SALT")?;

        let b_reduced = field::reduce_public(&b_bytes).ok_or(SrpError::IllegalB)?;
        if bool::from(b_reduced.is_zero()) {
            return Err(SrpError::IllegalB);
        }

        let mut h = Sha256::new();
        h.update(&self.a_padded);
        update_padded(&mut h, &b_bytes);
        let u: [u8; 32] = h.finalize().into();
        check_u(&u)?;

        let x = password_x(
            input.pool_name,
            input.user_id,
            input.password,
            &pad_bytes(&salt_bytes),
        );
        // padHex(u), the HKDF salt: public, so padded out here, where its
        // length may show.
        let mut u_buf = [0u8; 33];
        let u_padded = pad_into(&u, &mut u_buf);
        Ok(self.derive_from_parts(&b_reduced, u, u_padded, x))
    }

    /// The secret part of [`derive`](Self::derive), once B is reduced and u, x known.
    /// Not inlined, so `tests/constant_time.sh` can count its instructions.
    #[inline(never)]
    fn derive_from_parts(
        &self,
        b: &U3072,
        u: [u8; 32],
        u_padded: &[u8],
        x: Zeroizing<[u8; 32]>,
    ) -> Derivation {
        let mut x256 = U256::from_be_slice(x.as_slice());
        let u256 = U256::from_be_slice(&u);
        let mut x_int: U3072 = x256.resize();

        // base = (B − k·g^x) mod N, in [0, N), Montgomery form.
        let mut gx = comb::pow_g(&x_int, X_BITS);
        let mut kgx = field::mul(group::k(), &gx);
        let mut base = field::sub_mod(&field::to_monty(b), &kgx);

        // exp = a + u·x, exactly: a < N < 2^3072 − 2^3007 and u·x < 2^512,
        // so the sum is below 2^3072 and a U3072 holds it without wrapping.
        let mut ux: U512 = u256.concatenating_mul(&x256);
        let mut ux_wide: U3072 = ux.resize();
        let mut exp = self.a.value().wrapping_add(&ux_wide);
        // The public bound max(8·len(a), 512) + 1; bit 3072 is always 0 (see above).
        let bound = (self.a.bits().max(UX_BITS) + 1).min(U3072::BITS);

        let mut s_monty = field::pow(&base, &exp, bound);
        let s = field::retrieve(&s_monty);
        let mut s_bytes: [u8; N_BYTES] = s.to_be_bytes().into();
        let key = key_from_s(&s_bytes, u_padded);

        x256.zeroize();
        x_int.zeroize();
        gx.zeroize();
        kgx.zeroize();
        base.zeroize();
        ux.zeroize();
        ux_wide.zeroize();
        exp.zeroize();
        s_monty.zeroize();
        s_bytes.zeroize();

        Derivation { u, x: *x, s, key }
    }
}

/// `u == 0` is fatal (the session key would not depend on the password).
fn check_u(u: &[u8; 32]) -> Result<(), SrpError> {
    if u.iter().all(|&b| b == 0) {
        Err(SrpError::IllegalU)
    } else {
        Ok(())
    }
}

impl fmt::Debug for SrpClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SrpClient")
            .field("a", &self.a)
            .field("public_a_hex", &self.a_hex)
            .finish()
    }
}

/// The server's PASSWORD_VERIFIER (or DEVICE_PASSWORD_VERIFIER) values plus
/// the password, as [`SrpClient::derive`] needs them.
#[derive(Clone, Copy)]
pub struct VerifierInput<'a> {
    /// The user-pool ID after the first `_` (`us-east-1_AbC123` → `AbC123`),
    /// or the DeviceGroupKey for device SRP.
    pub pool_name: &'a str,
    /// USER_ID_FOR_SRP (Cognito's internal user name), or the DeviceKey.
    pub user_id: &'a str,
    /// The password, or the device's random password.
    pub password: &'a str,
    /// SALT as sent (hex).
    pub salt_hex: &'a str,
    /// SRP_B as sent (hex).
    pub srp_b_hex: &'a str,
}

impl fmt::Debug for VerifierInput<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VerifierInput")
            .field("pool_name", &self.pool_name)
            .field("user_id", &self.user_id)
            .field("password", &"<redacted>")
            .field("salt_hex", &self.salt_hex)
            .field("srp_b_hex", &self.srp_b_hex)
            .finish()
    }
}

/// u, x, S and the derived key of one exchange; zeroized on drop, `Debug`
/// redacted.
pub struct Derivation {
    u: [u8; 32],
    x: [u8; 32],
    s: U3072,
    key: [u8; 16],
}

impl Derivation {
    /// u, lower-case hex without leading zeros.
    pub fn u_hex(&self) -> String {
        to_hex_minimal(&self.u)
    }

    /// x (secret: it stands for the password), lower-case hex without leading zeros. For
    /// known-answer tests; zeroized on drop.
    pub fn x_hex(&self) -> Zeroizing<String> {
        Zeroizing::new(to_hex_minimal(&self.x))
    }

    /// The premaster secret S, lower-case hex without leading zeros. For known-answer tests;
    /// zeroized on drop.
    pub fn premaster_hex(&self) -> Zeroizing<String> {
        let mut bytes = self.s.to_be_bytes();
        let hex = Zeroizing::new(to_hex_minimal(bytes.as_slice()));
        bytes.zeroize();
        hex
    }

    /// The 16-byte HKDF key.
    pub fn key(&self) -> &[u8; 16] {
        &self.key
    }

    /// PASSWORD_CLAIM_SIGNATURE = standard base64 (padded) of
    /// HMAC-SHA256(key, pool_name | user_id | secret_block | timestamp).
    ///
    /// `secret_block` is the *decoded* SECRET_BLOCK (see
    /// [`decode_secret_block`](super::decode_secret_block)); `timestamp` the exact TIMESTAMP string sent.
    pub fn signature(
        &self,
        pool_name: &str,
        user_id: &str,
        secret_block: &[u8],
        timestamp: &str,
    ) -> String {
        let feed = |mac: &mut Hmac<Sha256>| {
            mac.update(secret_block);
            Ok(())
        };
        // Cannot fail: the block is given decoded and 44 bytes always hold the base64.
        self.claim(pool_name, user_id, feed, timestamp)
            .map_or_else(|_| String::new(), |s| s.as_str().to_owned())
    }

    /// [`signature`](Self::signature) over SECRET_BLOCK as sent (base64), decoded a chunk
    /// at a time on the stack; the result is on the stack too. The machine's path: it
    /// allocates nothing.
    pub(crate) fn signature_over_encoded_block(
        &self,
        pool_name: &str,
        user_id: &str,
        secret_block_b64: &str,
        timestamp: &str,
    ) -> Result<Signature, SrpError> {
        let feed = |mac: &mut Hmac<Sha256>| for_each_chunk(secret_block_b64, |c| mac.update(c));
        self.claim(pool_name, user_id, feed, timestamp)
    }

    /// The one place the signed bytes are laid out: pool_name | user_id | block | timestamp.
    fn claim(
        &self,
        pool_name: &str,
        user_id: &str,
        feed_block: impl FnOnce(&mut Hmac<Sha256>) -> Result<(), SrpError>,
        timestamp: &str,
    ) -> Result<Signature, SrpError> {
        let mut mac = hmac_for(&self.key);
        mac.update(pool_name.as_bytes());
        mac.update(user_id.as_bytes());
        feed_block(&mut mac)?;
        mac.update(timestamp.as_bytes());
        let tag: [u8; 32] = mac.finalize().into_bytes().into();
        let mut out = Signature([0; 44]);
        base64::engine::general_purpose::STANDARD
            .encode_slice(tag, &mut out.0)
            .map_err(|_| SrpError::SecretBlock)?;
        Ok(out)
    }
}

/// PASSWORD_CLAIM_SIGNATURE on the stack: standard base64 of 32 bytes is 44 characters.
pub(crate) struct Signature([u8; 44]);

impl Signature {
    pub(crate) fn as_str(&self) -> &str {
        core::str::from_utf8(&self.0).unwrap_or_default()
    }
}

impl Drop for Derivation {
    fn drop(&mut self) {
        self.x.zeroize();
        self.s.zeroize();
        self.key.zeroize();
    }
}

impl fmt::Debug for Derivation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Derivation(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use num_bigint::BigUint;

    #[test]
    fn u_zero_is_rejected() {
        assert_eq!(check_u(&[0; 32]), Err(SrpError::IllegalU));
        let mut one = [0; 32];
        one[31] = 1;
        assert_eq!(check_u(&one), Ok(()));
    }

    /// The largest exponent a + u·x (a = N − 1, u = x = 2^256 − 1, 384-byte a)
    /// is used exactly, not wrapped or reduced: S matches num-bigint.
    #[test]
    fn largest_exponent_is_exact() {
        let n = &BigUint::from_bytes_be(field::N.as_ref().to_be_bytes().as_slice());
        let a_big = n - 1u8;
        let mut a_bytes = [0u8; N_BYTES];
        let ab = a_big.to_bytes_be();
        a_bytes.copy_from_slice(&ab);
        let client = EphemeralSecret::from_be_bytes(&a_bytes).and_then(SrpClient::new);
        assert!(client.is_ok(), "a = N − 1 must be accepted");
        let Ok(client) = client else { return };
        let b_big = BigUint::from(0x1234_5678_9abc_def0u64) << 2000u32;
        let b = field::uint_from_be(&b_big.to_bytes_be()).unwrap_or_default();
        let mut u_buf = [0u8; 33];
        let u_padded = pad_into(&[0xff; 32], &mut u_buf);
        let d = client.derive_from_parts(&b, [0xff; 32], u_padded, Zeroizing::new([0xff; 32]));
        let ones = BigUint::from_bytes_be(&[0xff; 32]);
        let k = BigUint::parse_bytes(
            b"538282c4354742d7cbbde2359fcf67f9f5b3a6b08791e5011b43b8a5b66d9ee6",
            16,
        )
        .unwrap_or_default();
        let gx = BigUint::from(2u8).modpow(&ones, n);
        let base = (&b_big + n - (k * gx) % n) % n;
        let exp = &a_big + &ones * &ones;
        assert!(exp.bits() > 3071);
        let s = base.modpow(&exp, n);
        assert_eq!(*d.premaster_hex(), format!("{s:x}"));
    }

    #[test]
    fn client_is_send_sync() {
        fn check<T: Send + Sync>() {}
        check::<SrpClient>();
        check::<Derivation>();
        check::<EphemeralSecret>();
    }
}
