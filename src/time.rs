//! Time as the caller hands it in: the crate never reads a clock unless the app calls
//! [`UnixTime::now`] (feature `clock`).

use serde::{Deserialize, Serialize};

/// Seconds since the Unix epoch (UTC), supplied by the caller.
///
/// Apps that know their clock is off can add the measured skew before passing it in: Cognito
/// rejects a PASSWORD_VERIFIER whose TIMESTAMP is too far from its own time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct UnixTime(pub u64);

impl UnixTime {
    /// Converts a `SystemTime` the caller read; instants before 1970 become 0.
    pub fn from_system_time(time: std::time::SystemTime) -> Self {
        Self(
            time.duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_secs()),
        )
    }

    /// The system clock now (`std::time::SystemTime::now()`), for apps that pass the time in
    /// from the clock. The machines never call it themselves: the time is always an argument.
    ///
    /// Behind the default feature `clock`: turn it off on targets without a system clock
    /// (`wasm32-unknown-unknown`, where `SystemTime::now` panics), or to make sure nothing in
    /// the crate reads the clock.
    #[cfg(feature = "clock")]
    pub fn now() -> Self {
        Self::from_system_time(std::time::SystemTime::now())
    }

    /// Seconds since the epoch.
    pub fn as_secs(self) -> u64 {
        self.0
    }

    /// This instant plus `secs`, saturating.
    pub fn plus(self, secs: u64) -> Self {
        Self(self.0.saturating_add(secs))
    }
}

/// Parses an HTTP `Date` header (IMF-fixdate, `Sun, 06 Nov 1994 08:49:37 GMT`).
pub(crate) fn parse_http_date(value: &str) -> Option<UnixTime> {
    let mut parts = value.split_whitespace();
    let (_weekday, day, month, year, time, zone) = (
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
    );
    if zone != "GMT" || parts.next().is_some() {
        return None;
    }
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let month = u32::try_from(MONTHS.iter().position(|m| *m == month)? + 1).ok()?;
    let day: u32 = day.parse().ok()?;
    let year: i64 = year.parse().ok()?;
    let mut hms = time.split(':').map(|p| p.parse::<u64>().ok());
    let (h, m, s) = (hms.next()??, hms.next()??, hms.next()??);
    if !(1..=31).contains(&day) || h > 23 || m > 59 || s > 60 || !(1970..=9999).contains(&year) {
        return None;
    }
    let days = u64::try_from(days_from_civil(year, month, day)).ok()?;
    Some(UnixTime(days * 86_400 + h * 3600 + m * 60 + s))
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = i64::from((month + 9) % 12);
    let doy = (153 * mp + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(feature = "clock")]
    #[test]
    fn now_is_the_system_clock() {
        let before = UnixTime::from_system_time(std::time::SystemTime::now());
        let now = UnixTime::now();
        let after = UnixTime::from_system_time(std::time::SystemTime::now());
        assert!(
            before <= now && now <= after,
            "{before:?} {now:?} {after:?}"
        );
        assert!(now > UnixTime(1_700_000_000));
    }

    #[test]
    fn http_dates() {
        assert_eq!(
            parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"),
            Some(UnixTime(784_111_777))
        );
        assert_eq!(
            parse_http_date("Tue, 14 Nov 2023 22:13:20 GMT"),
            Some(UnixTime(1_700_000_000))
        );
        assert_eq!(
            parse_http_date("Thu, 29 Feb 2024 00:00:00 GMT"),
            Some(UnixTime(1_709_164_800))
        );
        for bad in [
            "",
            "yesterday",
            "Sun, 06 Nov 1994 08:49:37 PST",
            "Sun, 06 Foo 1994 08:49:37 GMT",
            "Sun, 06 Nov 1994 25:00:00 GMT",
        ] {
            assert_eq!(parse_http_date(bad), None, "{bad}");
        }
    }
}
