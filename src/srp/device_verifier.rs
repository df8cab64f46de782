//! The DeviceSecretVerifierConfig for ConfirmDevice: the verifier `g^x` a client
//! registers for a remembered device ([`DeviceVerifier`]). Named for its type so it
//! is not mistaken for the device sign-in flow (`src/devices/`).

use core::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use crypto_bigint::{U256, U3072};
use zeroize::{Zeroize, Zeroizing};

use super::comb;
use super::error::SrpError;
use super::field;
use super::kdf::password_x;
use super::pad::{MAX_HEX_DIGITS, pad_bytes, to_hex_minimal};

/// The verifier a client registers for a remembered device (ConfirmDevice's
/// `DeviceSecretVerifierConfig`). `x` is zeroized on drop and not shown by
/// `Debug`.
pub struct DeviceVerifier {
    x: Zeroizing<[u8; 32]>,
    password_verifier_b64: String,
    salt_b64: String,
}

impl DeviceVerifier {
    /// `x = H(padHex(salt) | H(group_key | device_key | ":" | device_password))`,
    /// `verifier = g^x mod N` (constant-time, 256-bit exponent bound).
    ///
    /// `salt` is read as an unsigned big-endian integer (the reference clients
    /// use 16 random bytes); it must be 1..=2048 bytes
    /// ([`SrpError::EmptyValue`] / [`SrpError::ValueTooLarge`] otherwise).
    pub fn compute(
        device_group_key: &str,
        device_key: &str,
        device_password: &str,
        salt: &[u8],
    ) -> Result<Self, SrpError> {
        if salt.is_empty() {
            return Err(SrpError::EmptyValue { field: "salt" });
        }
        if salt.len() > MAX_HEX_DIGITS / 2 {
            return Err(SrpError::ValueTooLarge {
                field: "salt",
                max_hex_digits: MAX_HEX_DIGITS,
            });
        }
        let padded_salt = pad_bytes(salt);
        let x = password_x(device_group_key, device_key, device_password, &padded_salt);
        let mut x256 = U256::from_be_slice(x.as_slice());
        let mut x_int: U3072 = x256.resize();
        x256.zeroize();
        let verifier = field::retrieve(&comb::pow_g(&x_int, 256));
        x_int.zeroize();
        let password_verifier_b64 = STANDARD.encode(pad_bytes(verifier.to_be_bytes().as_slice()));
        let salt_b64 = STANDARD.encode(&padded_salt);
        Ok(Self {
            x,
            password_verifier_b64,
            salt_b64,
        })
    }

    /// `PasswordVerifier`: standard base64 of padHex(g^x mod N).
    pub fn password_verifier_b64(&self) -> &str {
        &self.password_verifier_b64
    }

    /// `Salt`: standard base64 of padHex(salt as an unsigned integer).
    pub fn salt_b64(&self) -> &str {
        &self.salt_b64
    }

    /// x (secret), lower-case hex without leading zeros; zeroized when dropped.
    pub fn x_hex(&self) -> Zeroizing<String> {
        Zeroizing::new(to_hex_minimal(self.x.as_slice()))
    }
}

impl fmt::Debug for DeviceVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DeviceVerifier")
            .field("x", &"<redacted>")
            .field("password_verifier_b64", &self.password_verifier_b64)
            .field("salt_b64", &self.salt_b64)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn salt_bounds() {
        assert_eq!(
            DeviceVerifier::compute("g", "d", "p", &[]).err(),
            Some(SrpError::EmptyValue { field: "salt" })
        );
        assert!(DeviceVerifier::compute("g", "d", "p", &[0; 2048]).is_ok());
        assert!(matches!(
            DeviceVerifier::compute("g", "d", "p", &[0; 2049]),
            Err(SrpError::ValueTooLarge { .. })
        ));
        // protocol.md 3.2 example salt.
        let v = DeviceVerifier::compute(
            "-ZMSK6pI1",
            "us-east-1_01234567-89ab-cdef-0123-456789abcdef",
            "pw",
            &[
                0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff, 0x00, 0x11, 0x22, 0x33, 0x44, 0x55,
                0x66, 0x77,
            ],
        );
        assert_eq!(
            v.as_ref().map(DeviceVerifier::salt_b64).ok(),
            Some("AIiZqrvM3e7/ABEiM0RVZnc=")
        );
        assert!(format!("{v:?}").contains("<redacted>"));
    }
}
