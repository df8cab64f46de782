//! The `Date` header (`HttpResponse::server_time`, the IMF-fixdate parser in `src/time.rs`),
//! against a strict reference parser and a formatter written independently.

use cognito_auth::{HttpResponse, UnixTime};

use crate::input::*;

const WEEKDAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];
/// 9999-12-31T23:59:60Z: no date the parser accepts is later.
const LATEST: u64 = 253_402_300_800;

fn leap(year: u64) -> bool {
    year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400))
}

fn month_days(year: u64, month: usize) -> u64 {
    match month {
        1 if leap(year) => 29,
        1 => 28,
        3 | 5 | 8 | 10 => 30,
        _ => 31,
    }
}

/// Days from 1970-01-01, by counting (no closed form).
fn days_before(year: u64, month: usize) -> u64 {
    let years: u64 = (1970..year).map(|y| if leap(y) { 366 } else { 365 }).sum();
    years + (0..month).map(|m| month_days(year, m)).sum::<u64>()
}

/// `secs` as IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`), for `secs` before year 10000.
pub(crate) fn format_http_date(secs: u64) -> String {
    let mut days = secs / 86_400;
    let weekday = WEEKDAYS[usize::try_from((days + 4) % 7).unwrap_or(0)];
    let mut year = 1970;
    while days >= if leap(year) { 366 } else { 365 } {
        days -= if leap(year) { 366 } else { 365 };
        year += 1;
    }
    let mut month = 0;
    while days >= month_days(year, month) {
        days -= month_days(year, month);
        month += 1;
    }
    let rest = secs % 86_400;
    format!(
        "{weekday}, {:02} {} {year:04} {:02}:{:02}:{:02} GMT",
        days + 1,
        MONTHS[month.min(11)],
        rest / 3600,
        rest / 60 % 60,
        rest % 60
    )
}

/// A strict IMF-fixdate reader (RFC 9110 5.6.7): fixed widths, a real calendar date.
fn strict(value: &str) -> Option<u64> {
    let b = value.as_bytes();
    if b.len() != 29 || !value.is_ascii() {
        return None;
    }
    let digits = |range: std::ops::Range<usize>| -> Option<u64> {
        let s = value.get(range)?;
        s.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| s.parse().ok())
            .flatten()
    };
    let shape = WEEKDAYS.contains(&value.get(0..3)?)
        && value.get(3..5)? == ", "
        && b[7] == b' '
        && b[11] == b' '
        && b[16] == b' '
        && b[19] == b':'
        && b[22] == b':'
        && value.get(25..)? == " GMT";
    if !shape {
        return None;
    }
    let month = MONTHS.iter().position(|m| Some(*m) == value.get(8..11))?;
    let (day, year) = (digits(5..7)?, digits(12..16)?);
    let (h, m, s) = (digits(17..19)?, digits(20..22)?, digits(23..25)?);
    if !(1970..=9999).contains(&year)
        || day == 0
        || day > month_days(year, month)
        || h > 23
        || m > 59
        || s > 60
    {
        return None;
    }
    Some((days_before(year, month) + day - 1) * 86_400 + h * 3600 + m * 60 + s)
}

fn server_time(name: &str, value: &str) -> Option<UnixTime> {
    HttpResponse::new(200, b"")
        .header(name, value)
        .server_time()
}

/// Mode 0: a time (below year 10000) formatted as IMF-fixdate must read back exactly, under any
/// spelling of the header name; else an arbitrary value, which must agree with the strict
/// reader whenever that one accepts it, and stay within the calendar's range.
pub fn http_date(data: &[u8]) {
    let mut inp = Input::new(data);
    let mode = inp.byte();
    let name = ["Date", "date", "DATE", "dAtE"][usize::from(mode >> 6)];
    if mode.is_multiple_of(4) {
        let secs = inp.u64() % LATEST;
        let text = format_http_date(secs);
        assert_eq!(
            strict(&text),
            Some(secs),
            "the reference disagrees with itself: {text}"
        );
        assert_eq!(
            server_time(name, &text),
            Some(UnixTime(secs)),
            "{text} misread"
        );
        assert_eq!(
            server_time("x-date", &text),
            None,
            "another header read as Date"
        );
        return;
    }
    let value = inp.string();
    let got = server_time(name, &value);
    if let Some(want) = strict(&value) {
        assert_eq!(got, Some(UnixTime(want)), "{value:?} misread");
    }
    if let Some(UnixTime(t)) = got {
        assert!(t <= LATEST, "{value:?} read as {t}, past year 9999");
    }
}
