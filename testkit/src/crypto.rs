//! Small helpers: SECRET_HASH, the TIMESTAMP parser, ids and codes from the
//! injected random source.

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use hmac::{Hmac, Mac};
use rand_core::RngCore;
use sha2::Sha256;
use subtle::ConstantTimeEq as _;

/// `base64(HMAC-SHA256(key = client secret, username | client id))`, compared in
/// constant time with what the client sent.
pub(crate) fn secret_hash_matches(
    secret: &str,
    username: &str,
    client_id: &str,
    sent: &str,
) -> bool {
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret.as_bytes()) else {
        return false;
    };
    mac.update(username.as_bytes());
    mac.update(client_id.as_bytes());
    let expected = STANDARD.encode(mac.finalize().into_bytes());
    expected.as_bytes().ct_eq(sent.as_bytes()).into()
}

/// Compares a secret (a one-time code, a client secret) with what a client sent without
/// an early exit at the first differing byte (`subtle`). Only the length can leak, and the
/// lengths of codes and secrets are not secret.
pub(crate) fn ct_eq(expected: &str, sent: &str) -> bool {
    expected.as_bytes().ct_eq(sent.as_bytes()).into()
}

const DAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// Parses Cognito's TIMESTAMP, `EEE MMM d HH:mm:ss UTC yyyy`, strictly: English
/// names, an unpadded day, two-digit time fields, a weekday that matches the
/// date. Returns Unix seconds.
pub(crate) fn parse_timestamp(text: &str) -> Option<u64> {
    let parts: Vec<&str> = text.split(' ').collect();
    let [weekday, month, day, time, zone, year] = parts.as_slice() else {
        return None;
    };
    if *zone != "UTC" {
        return None;
    }
    let month_index = MONTHS.iter().position(|m| m == month)?;
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(day) || day.starts_with('0') || day.len() > 2 || !digits(year) || year.len() != 4 {
        return None;
    }
    let day: u64 = day.parse().ok()?;
    let year: i64 = year.parse().ok()?;
    let hms: Vec<&str> = time.split(':').collect();
    let [hh, mm, ss] = hms.as_slice() else {
        return None;
    };
    if ![hh, mm, ss].iter().all(|f| f.len() == 2 && digits(f)) {
        return None;
    }
    let (hh, mm, ss): (u64, u64, u64) = (hh.parse().ok()?, mm.parse().ok()?, ss.parse().ok()?);
    if hh > 23 || mm > 59 || ss > 59 || day == 0 || day > days_in_month(year, month_index) {
        return None;
    }
    let days = days_from_civil(year, month_index as i64 + 1, day as i64);
    let weekday_index = (days + 4).rem_euclid(7) as usize; // 1970-01-01 was a Thursday
    if DAYS.get(weekday_index) != Some(weekday) {
        return None;
    }
    let secs = days * 86_400 + (hh * 3600 + mm * 60 + ss) as i64;
    u64::try_from(secs).ok()
}

fn days_in_month(year: i64, month_index: usize) -> u64 {
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    match month_index {
        1 if leap => 29,
        1 => 28,
        3 | 5 | 8 | 10 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
pub(crate) fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// A random UUID (version 4 layout), lower-case.
pub(crate) fn uuid(rng: &mut dyn RngCore) -> String {
    let mut b = [0u8; 16];
    rng.fill_bytes(&mut b);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

/// A random opaque token of `bytes` random bytes, base64url without padding.
pub(crate) fn opaque(rng: &mut dyn RngCore, bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    rng.fill_bytes(&mut buf);
    URL_SAFE_NO_PAD.encode(buf)
}

/// A six-digit one-time code.
pub(crate) fn code(rng: &mut dyn RngCore) -> String {
    format!("{:06}", rng.next_u32() % 1_000_000)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps() {
        assert_eq!(
            parse_timestamp("Tue Nov 14 22:13:20 UTC 2023"),
            Some(1_700_000_000)
        );
        assert_eq!(
            parse_timestamp("Tue Jan 2 03:04:05 UTC 2024"),
            Some(1_704_164_645)
        );
        assert_eq!(parse_timestamp("Tue Jan 02 03:04:05 UTC 2024"), None);
        assert_eq!(parse_timestamp("Wed Jan 2 03:04:05 UTC 2024"), None);
        assert_eq!(parse_timestamp("Tue Jan 2 3:04:05 UTC 2024"), None);
        assert_eq!(parse_timestamp("Tue Jan 2 03:04:05 GMT 2024"), None);
        assert_eq!(parse_timestamp("Tue Feb 30 03:04:05 UTC 2024"), None);
        assert_eq!(parse_timestamp(""), None);
    }
}
