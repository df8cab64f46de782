//! The TIMESTAMP string of PASSWORD_VERIFIER answers.

use core::fmt::{self, Write as _};

use super::error::SrpError;

/// 9999-12-31T23:59:59Z.
const MAX_UNIX_SECS: u64 = 253_402_300_799;

const WEEKDAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// Formats seconds since the Unix epoch as Cognito's TIMESTAMP:
/// `EEE MMM d HH:mm:ss UTC yyyy` — English names, UTC, the day of the month
/// **not** zero-padded (a padded day makes Cognito reject the signature),
/// hours/minutes/seconds zero-padded, e.g. `Tue Jan 2 03:04:05 UTC 2024`.
///
/// Accepts 1970-01-01T00:00:00Z ..= 9999-12-31T23:59:59Z; anything later is
/// [`SrpError::TimestampOutOfRange`].
pub fn format_timestamp(unix_secs: u64) -> Result<String, SrpError> {
    Timestamp::new(unix_secs).map(|t| t.as_str().to_owned())
}

/// A formatted TIMESTAMP held on the stack: the sign-in machine formats one per
/// proof without allocating.
#[derive(Clone, Copy)]
pub(crate) struct Timestamp {
    /// The longest is 28 bytes (`Wed Sep 30 23:59:59 UTC 9999`).
    buf: [u8; 32],
    len: usize,
}

impl Timestamp {
    /// See [`format_timestamp`].
    pub(crate) fn new(unix_secs: u64) -> Result<Self, SrpError> {
        if unix_secs > MAX_UNIX_SECS {
            return Err(SrpError::TimestampOutOfRange);
        }
        let days = unix_secs / 86_400;
        let secs_of_day = unix_secs % 86_400;
        let (hh, mm, ss) = (secs_of_day / 3600, secs_of_day / 60 % 60, secs_of_day % 60);
        // 1970-01-01 was a Thursday.
        let weekday = usize::try_from((days + 4) % 7).map_err(|_| SrpError::TimestampOutOfRange)?;
        let (year, month, day) = civil_from_days(days);
        let wd = WEEKDAYS.get(weekday).ok_or(SrpError::TimestampOutOfRange)?;
        let mon = usize::try_from(month - 1)
            .ok()
            .and_then(|m| MONTHS.get(m))
            .ok_or(SrpError::TimestampOutOfRange)?;
        let mut out = Self {
            buf: [0; 32],
            len: 0,
        };
        write!(out, "{wd} {mon} {day} {hh:02}:{mm:02}:{ss:02} UTC {year}")
            .map_err(|_| SrpError::TimestampOutOfRange)?;
        Ok(out)
    }

    pub(crate) fn as_str(&self) -> &str {
        // Only `write_str` fills the buffer, with whole `&str`s.
        self.buf
            .get(..self.len)
            .and_then(|b| core::str::from_utf8(b).ok())
            .unwrap_or_default()
    }
}

impl fmt::Write for Timestamp {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        let end = self.len + s.len();
        let dst = self.buf.get_mut(self.len..end).ok_or(fmt::Error)?;
        dst.copy_from_slice(s.as_bytes());
        self.len = end;
        Ok(())
    }
}

/// Proleptic Gregorian (year, month 1..=12, day 1..=31) of a day count since
/// 1970-01-01 (Howard Hinnant's `civil_from_days`, non-negative inputs only).
fn civil_from_days(days: u64) -> (u64, u64, u64) {
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + u64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_values() {
        assert_eq!(
            format_timestamp(0).as_deref(),
            Ok("Thu Jan 1 00:00:00 UTC 1970")
        );
        assert_eq!(
            format_timestamp(1_704_164_645).as_deref(),
            Ok("Tue Jan 2 03:04:05 UTC 2024")
        );
        assert_eq!(
            format_timestamp(951_782_400).as_deref(),
            Ok("Tue Feb 29 00:00:00 UTC 2000")
        );
        assert_eq!(
            format_timestamp(MAX_UNIX_SECS).as_deref(),
            Ok("Fri Dec 31 23:59:59 UTC 9999")
        );
        assert_eq!(
            format_timestamp(MAX_UNIX_SECS + 1),
            Err(SrpError::TimestampOutOfRange)
        );
        assert_eq!(
            format_timestamp(u64::MAX),
            Err(SrpError::TimestampOutOfRange)
        );
    }
}
