//! TOTP (RFC 6238) for Cognito's authenticator-app MFA: the current code for a secret, and the
//! `otpauth://` URI an authenticator app scans.
//!
//! Cognito's SOFTWARE_TOKEN_MFA uses SHA-1, 6 digits and 30-second steps, the authenticator
//! defaults; its `SecretCode` is the base32 secret. The code is RFC 4226's dynamic truncation
//! of HMAC-SHA1 (RustCrypto's `hmac` and `sha1`) over the 30-second counter: SHA-1 only, so no
//! other hash is linked in (the WebAssembly module carried SHA-512 for totp-rs's other
//! algorithms).

use hmac::{Hmac, Mac as _};
use sha1::Sha1;
use zeroize::Zeroizing;

use crate::error::Error;
use crate::time::UnixTime;

/// The current 6-digit code for a base32 secret (as AssociateSoftwareToken returns it) at
/// `now`. For apps that automate sign-in, for tests and for the command line.
///
/// # Errors
/// [`Error::InvalidInput`] when `secret_base32` is not base32.
///
/// ```
/// use cognito_auth::{totp, UnixTime};
/// // RFC 6238 appendix B, SHA-1, T = 59 s: 94287082, of which Cognito uses 6 digits.
/// let secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"; // base32 of "12345678901234567890"
/// assert_eq!(totp::code(secret, UnixTime(59))?, "287082");
/// # Ok::<(), cognito_auth::Error>(())
/// ```
pub fn code(secret_base32: &str, now: UnixTime) -> Result<String, Error> {
    generate(secret_base32, 6, now)
}

/// A code of `digits` digits (6 to 8) with SHA-1 and 30-second steps.
///
/// # Errors
/// [`Error::InvalidInput`] when the secret is not base32 or `digits` is outside 6..=8.
pub fn generate(secret_base32: &str, digits: usize, now: UnixTime) -> Result<String, Error> {
    if !(6..=8).contains(&digits) {
        return Err(Error::InvalidInput(format!(
            "a TOTP code has 6 to 8 digits, not {digits}"
        )));
    }
    // The normalized copy is the secret too: zeroized on drop, and sized up front so that it
    // never grows (growing would free the old buffer, with part of the secret, unzeroized).
    let mut normalized = Zeroizing::new(String::with_capacity(secret_base32.len()));
    normalized.extend(
        secret_base32
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '=')
            .map(|c| c.to_ascii_uppercase()),
    );
    // RFC 4648 base32 without padding; the decoded key is a secret too.
    let key = base32::decode(base32::Alphabet::Rfc4648 { padding: false }, &normalized)
        .map(Zeroizing::new)
        .ok_or_else(|| Error::InvalidInput("the TOTP secret is not base32".into()))?;
    if key.is_empty() {
        return Err(Error::InvalidInput("the TOTP secret is empty".into()));
    }
    // HMAC accepts keys of any length.
    let mut mac = Hmac::<Sha1>::new_from_slice(&key)
        .map_err(|_| Error::InvalidInput("the TOTP secret is not a usable key".into()))?;
    mac.update(&(now.as_secs() / 30).to_be_bytes());
    let digest: [u8; 20] = mac.finalize().into_bytes().into();
    // RFC 4226 §5.3: 31 bits at the offset the last nibble names (offset ≤ 15: bytes ≤ 18).
    let [.., last] = digest;
    let offset = usize::from(last & 0x0f);
    let word: [u8; 4] = digest
        .get(offset..offset + 4)
        .and_then(|bytes| bytes.try_into().ok())
        .unwrap_or_default();
    let value = u32::from_be_bytes(word) & 0x7fff_ffff;
    // `digits` is 6..=8 (checked above).
    let modulus = 10u32.pow(u32::try_from(digits).unwrap_or(6));
    Ok(format!("{:0digits$}", value % modulus))
}

/// The key URI an authenticator app scans (Google Authenticator "Key-Uri-Format"):
/// `otpauth://totp/ISSUER:ACCOUNT?secret=…&issuer=ISSUER&algorithm=SHA1&digits=6&period=30`,
/// with issuer and account percent-encoded.
pub fn otpauth_uri(secret_base32: &str, issuer: &str, account: &str) -> String {
    let issuer = percent_encode(issuer);
    let account = percent_encode(account);
    let secret = percent_encode(secret_base32);
    format!(
        "otpauth://totp/{issuer}:{account}?secret={secret}&issuer={issuer}&algorithm=SHA1&digits=6&period=30"
    )
}

/// RFC 3986: everything but unreserved characters is percent-encoded (UTF-8 bytes).
fn percent_encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238 appendix B, SHA-1 rows (secret "12345678901234567890", 8 digits).
    const RFC6238_SHA1: &[(u64, &str)] = &[
        (59, "94287082"),
        (1_111_111_109, "07081804"),
        (1_111_111_111, "14050471"),
        (1_234_567_890, "89005924"),
        (2_000_000_000, "69279037"),
        (20_000_000_000, "65353130"),
    ];
    const RFC_SECRET: &str = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

    #[test]
    fn rfc6238_sha1_vectors() {
        for (time, expected) in RFC6238_SHA1 {
            assert_eq!(
                generate(RFC_SECRET, 8, UnixTime(*time)).ok().as_deref(),
                Some(*expected),
                "T = {time}"
            );
            let six = expected.get(2..).unwrap_or_default();
            assert_eq!(
                code(RFC_SECRET, UnixTime(*time)).ok().as_deref(),
                Some(six),
                "T = {time}"
            );
        }
    }

    #[test]
    fn lower_case_and_spaced_secrets_are_accepted() {
        let spaced = "gezd gnbv gy3t qojq gezd gnbv gy3t qojq";
        assert_eq!(code(spaced, UnixTime(59)).ok().as_deref(), Some("287082"));
    }

    #[test]
    fn bad_input_is_an_error() {
        assert!(code("not base32 !!", UnixTime(0)).is_err());
        assert!(code("", UnixTime(0)).is_err());
        assert!(generate(RFC_SECRET, 10, UnixTime(0)).is_err());
    }

    #[test]
    fn uri_is_percent_encoded() {
        let uri = otpauth_uri("JBSWY3DPEHPK3PXP", "My App", "jane@example.com");
        assert_eq!(
            uri,
            "otpauth://totp/My%20App:jane%40example.com?secret=JBSWY3DPEHPK3PXP&issuer=My%20App&algorithm=SHA1&digits=6&period=30"
        );
    }
}
