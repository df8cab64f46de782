//! Cognito's `padHex` byte encoding and lenient hexadecimal parsing.
//!
//! `padHex(n)` for a non-negative integer is its minimal big-endian unsigned
//! byte string, with one extra leading `0x00` byte iff the top bit of the first
//! byte is set (so the bytes read as a *positive* two's-complement number, as
//! Java's `BigInteger.toByteArray()` does). Zero encodes as `[0x00]`. It is not
//! padding to the length of N.
//!
//! Hexadecimal input from the server is parsed leniently: any length, odd or
//! even number of digits, upper or lower case, leading zeros allowed.
//! **Negative numbers are rejected** ([`SrpError::NegativeValue`]): the
//! reference clients would encode them in two's complement, but Cognito never
//! sends a negative SALT or SRP_B, and a negative value can only come from a
//! broken or hostile server, so there is nothing to be compatible with.

use super::error::SrpError;

/// The longest hexadecimal string accepted for a server value (SALT, SRP_B):
/// 4096 digits = 2048 bytes, far above the 768 digits of a 3072-bit number.
pub const MAX_HEX_DIGITS: usize = 4096;

/// Parses a non-negative hexadecimal number into its minimal big-endian bytes
/// (no leading zero bytes; zero gives an empty vector).
pub(crate) fn parse_hex(hex: &str, field: &'static str) -> Result<Vec<u8>, SrpError> {
    if hex.is_empty() {
        return Err(SrpError::EmptyValue { field });
    }
    if hex.starts_with('-') {
        return Err(SrpError::NegativeValue { field });
    }
    if hex.len() > MAX_HEX_DIGITS {
        return Err(SrpError::ValueTooLarge {
            field,
            max_hex_digits: MAX_HEX_DIGITS,
        });
    }
    // One allocation: digits are paired straight into bytes (an odd count
    // gets an implicit leading 0), then leading zero bytes are drained in place.
    let mut out = Vec::with_capacity(hex.len().div_ceil(2));
    let mut pending: Option<u8> = (hex.len() % 2 == 1).then_some(0);
    for c in hex.bytes() {
        let v = match c {
            b'0'..=b'9' => c - b'0',
            b'a'..=b'f' => c - b'a' + 10,
            b'A'..=b'F' => c - b'A' + 10,
            _ => return Err(SrpError::InvalidHex { field }),
        };
        match pending.take() {
            Some(hi) => out.push((hi << 4) | v),
            None => pending = Some(v),
        }
    }
    let first = out.iter().position(|&b| b != 0).unwrap_or(out.len());
    out.drain(..first);
    Ok(out)
}

/// The bytes without leading zero bytes (an all-zero input gives an empty slice).
#[expect(
    clippy::indexing_slicing,
    reason = "first is a position in bytes, or its length"
)]
pub(crate) fn strip_leading_zeros(bytes: &[u8]) -> &[u8] {
    let first = bytes.iter().position(|&b| b != 0).unwrap_or(bytes.len());
    &bytes[first..]
}

/// `padHex` of the unsigned big-endian integer `bytes` (leading zeros allowed).
pub(crate) fn pad_bytes(bytes: &[u8]) -> Vec<u8> {
    let minimal = strip_leading_zeros(bytes);
    match minimal.first() {
        None => vec![0],
        Some(&b) if b & 0x80 != 0 => {
            let mut out = Vec::with_capacity(minimal.len() + 1);
            out.push(0);
            out.extend_from_slice(minimal);
            out
        }
        Some(_) => minimal.to_vec(),
    }
}

/// `padHex` of the big-endian `bytes` written into the front of `buf`,
/// without allocating; returns the written part. `buf` must have room for
/// the minimal bytes plus one (otherwise the output is cut short).
#[expect(
    clippy::indexing_slicing,
    reason = "head ≤ len ≤ buf.len(), and len − head ≤ minimal.len() since len ≤ prefix + minimal.len()"
)]
pub(crate) fn pad_into<'a>(bytes: &[u8], buf: &'a mut [u8]) -> &'a [u8] {
    let minimal = strip_leading_zeros(bytes);
    let prefix = match minimal.first() {
        None => 1,
        Some(&b) => usize::from(b & 0x80 != 0),
    };
    let len = (prefix + minimal.len()).min(buf.len());
    let head = prefix.min(len);
    buf[..head].fill(0);
    buf[head..len].copy_from_slice(&minimal[..len - head]);
    &buf[..len]
}

/// Feeds `padHex(bytes)` to a SHA-256 state without allocating.
pub(crate) fn update_padded(h: &mut sha2::Sha256, bytes: &[u8]) {
    use sha2::Digest as _;
    let minimal = strip_leading_zeros(bytes);
    match minimal.first() {
        None => h.update([0u8]),
        Some(&b) if b & 0x80 != 0 => {
            h.update([0u8]);
            h.update(minimal);
        }
        Some(_) => h.update(minimal),
    }
}

/// Cognito `padHex` of a non-negative hexadecimal number, as bytes.
///
/// Accepts any length (up to [`MAX_HEX_DIGITS`]), odd or even digit counts and
/// either case; rejects empty input, non-hex characters and a leading `-`
/// (negative numbers never occur in the protocol).
///
/// ```
/// use cognito_auth::srp::pad_hex;
/// assert_eq!(pad_hex("c8").unwrap(), vec![0x00, 0xc8]);
/// assert_eq!(pad_hex("14").unwrap(), vec![0x14]);
/// assert_eq!(pad_hex("0").unwrap(), vec![0x00]);
/// ```
pub fn pad_hex(hex: &str) -> Result<Vec<u8>, SrpError> {
    parse_hex(hex, "value").map(|b| pad_bytes(&b))
}

/// Lower-case hexadecimal without leading zeros (`"0"` for zero), the form
/// Cognito sends and expects for big numbers.
pub(crate) fn to_hex_minimal(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for &b in strip_leading_zeros(bytes) {
        for nibble in [b >> 4, b & 0x0f] {
            if out.is_empty() && nibble == 0 {
                continue;
            }
            #[expect(clippy::indexing_slicing, reason = "a nibble is below 16")]
            let c = DIGITS[usize::from(nibble)];
            out.push(char::from(c));
        }
    }
    if out.is_empty() {
        out.push('0');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_lenient() {
        assert_eq!(parse_hex("0Ab", "t"), Ok(vec![0xab]));
        assert_eq!(parse_hex("abc", "t"), Ok(vec![0x0a, 0xbc]));
        assert_eq!(parse_hex("ABC", "t"), Ok(vec![0x0a, 0xbc]));
        assert_eq!(parse_hex("0000", "t"), Ok(vec![]));
        assert_eq!(parse_hex("", "t"), Err(SrpError::EmptyValue { field: "t" }));
        assert_eq!(
            parse_hex("-1", "t"),
            Err(SrpError::NegativeValue { field: "t" })
        );
        assert_eq!(
            parse_hex("0x12", "t"),
            Err(SrpError::InvalidHex { field: "t" })
        );
        assert_eq!(
            parse_hex("12 ", "t"),
            Err(SrpError::InvalidHex { field: "t" })
        );
        assert_eq!(
            parse_hex("é", "t"),
            Err(SrpError::InvalidHex { field: "t" })
        );
    }

    #[test]
    fn minimal_hex() {
        assert_eq!(to_hex_minimal(&[]), "0");
        assert_eq!(to_hex_minimal(&[0, 0]), "0");
        assert_eq!(to_hex_minimal(&[0, 0x0a, 0xbc]), "abc");
        assert_eq!(to_hex_minimal(&[0xff, 0x00]), "ff00");
    }

    #[test]
    fn padding() {
        for v in [&[][..], &[0, 0, 0x80], &[0x7f, 0], &[0xff; 384], &[0, 1]] {
            let mut buf = [0xaau8; 385];
            assert_eq!(pad_into(v, &mut buf), pad_bytes(v).as_slice());
        }
        assert_eq!(pad_bytes(&[]), vec![0]);
        assert_eq!(pad_bytes(&[0, 0, 0x80]), vec![0, 0x80]);
        assert_eq!(pad_bytes(&[0x7f, 0]), vec![0x7f, 0]);
    }
}
