//! A small JSON pull reader for the replies and stored shapes the sign-in machines read.
//!
//! Why not serde derives: each derived shape brings its own generic visitor, field matcher and
//! error formatting; in the WebAssembly module a dozen of them and serde_json's deserializer
//! weighed 53 of the sign-in module's 296 KiB (bindings/js/BENCH.md). One non-generic reader
//! and a short hand loop per shape do the same work. It reads RFC 8259 JSON as serde_json
//! does: 127 levels of nesting; in the strings it reads, lone surrogates, control characters
//! and bad UTF-8 refused; a value it skips checked only as serde_json checks an ignored one;
//! nothing after the value. The `json_read` fuzz target (fuzz-drivers/src/json_read.rs) holds
//! it to serde_json's answers.

use core::fmt;
use std::borrow::Cow;

use zeroize::{Zeroize as _, Zeroizing};

use crate::secret::SecretString;

/// A JSON string borrowed from the response body, or owned when it had escapes. An owned
/// copy is zeroized on drop: these strings include Sessions.
pub(crate) struct Text<'a>(Cow<'a, str>);

impl<'a> Text<'a> {
    pub(crate) fn borrowed(text: &'a str) -> Self {
        Self(Cow::Borrowed(text))
    }

    pub(crate) fn owned(text: String) -> Self {
        Self(Cow::Owned(text))
    }

    pub(crate) fn as_str(&self) -> &str {
        &self.0
    }

    #[cfg(test)]
    pub(crate) fn is_borrowed(&self) -> bool {
        matches!(self.0, Cow::Borrowed(_))
    }

    /// The text as a `String`, moved out when already owned.
    pub(crate) fn into_string(mut self) -> String {
        match core::mem::take(&mut self.0) {
            Cow::Borrowed(text) => text.to_owned(),
            Cow::Owned(text) => text,
        }
    }
}

impl Drop for Text<'_> {
    fn drop(&mut self) {
        if let Cow::Owned(s) = &mut self.0 {
            s.zeroize();
        }
    }
}

impl fmt::Debug for Text<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<text>")
    }
}

/// The levels of nesting serde_json reads by default (its recursion limit refuses a 128th).
const MAX_DEPTH: u32 = 127;

/// What was wrong with a JSON text, and at which byte.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct JsonError {
    pub(crate) what: Cow<'static, str>,
    pub(crate) at: usize,
}

impl fmt::Display for JsonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} at byte {}", self.what, self.at)
    }
}

/// Said when a value of another type stands where an object belongs (serde derives would
/// also take an array of the members in order; this reader does not).
pub(crate) const EXPECTED_OBJECT: &str = "expected an object";

pub(crate) type Result<T> = core::result::Result<T, JsonError>;

/// A cursor over one JSON text.
pub(crate) struct JsonReader<'a> {
    text: &'a [u8],
    at: usize,
    depth: u32,
}

impl<'a> JsonReader<'a> {
    pub(crate) fn new(text: &'a [u8]) -> Self {
        Self {
            text,
            at: 0,
            depth: 0,
        }
    }

    pub(crate) fn error(&self, what: impl Into<Cow<'static, str>>) -> JsonError {
        JsonError {
            what: what.into(),
            at: self.at,
        }
    }

    /// The next byte that is not whitespace, not consumed.
    pub(crate) fn peek(&mut self) -> Option<u8> {
        while let Some(&b) = self.text.get(self.at) {
            if !matches!(b, b' ' | b'\n' | b'\r' | b'\t') {
                return Some(b);
            }
            self.at += 1;
        }
        None
    }

    fn eat(&mut self, byte: u8) -> bool {
        let found = self.peek() == Some(byte);
        self.at += usize::from(found);
        found
    }

    fn expect(&mut self, byte: u8, what: &'static str) -> Result<()> {
        if self.eat(byte) {
            Ok(())
        } else {
            Err(self.error(what))
        }
    }

    fn literal(&mut self, word: &[u8]) -> Result<()> {
        if self.text.get(self.at..self.at + word.len()) == Some(word) {
            self.at += word.len();
            Ok(())
        } else {
            Err(self.error("expected a JSON value"))
        }
    }

    /// Succeeds when only whitespace is left.
    pub(crate) fn finish(&mut self) -> Result<()> {
        match self.peek() {
            None => Ok(()),
            Some(_) => Err(self.error("trailing characters")),
        }
    }

    /// Reads an object; `member` gets each name and must read (or [`skip`](Self::skip)) its
    /// value.
    pub(crate) fn object(
        &mut self,
        member: &mut dyn FnMut(&mut Self, Text<'a>) -> Result<()>,
    ) -> Result<()> {
        self.sequence(b'}', &mut |r| {
            let name = r.name(Self::string)?;
            member(r, name)
        })
    }

    /// Reads an object of any members, checking it.
    pub(crate) fn any_object(&mut self) -> Result<()> {
        self.object(&mut |r, _| r.skip())
    }

    /// Reads an array; `element` reads each element.
    pub(crate) fn array(&mut self, element: &mut dyn FnMut(&mut Self) -> Result<()>) -> Result<()> {
        self.sequence(b']', element)
    }

    /// A member name and the `:` after it.
    fn name<T>(&mut self, read: impl FnOnce(&mut Self) -> Result<T>) -> Result<T> {
        if self.peek() != Some(b'"') {
            return Err(self.error("expected a member name"));
        }
        let name = read(self)?;
        self.expect(b':', "expected `:`")?;
        Ok(name)
    }

    /// `{...}` (`close` is `}`) or `[...]` (`]`), each item read by `item`.
    fn sequence(&mut self, close: u8, item: &mut dyn FnMut(&mut Self) -> Result<()>) -> Result<()> {
        let (open, what, next) = if close == b'}' {
            (b'{', EXPECTED_OBJECT, "expected `,` or `}`")
        } else {
            (b'[', "expected an array", "expected `,` or `]`")
        };
        if self.peek() != Some(open) {
            return Err(self.error(what));
        }
        self.nest(|r| {
            r.at += 1;
            if r.eat(close) {
                return Ok(());
            }
            loop {
                item(r)?;
                if r.eat(close) {
                    return Ok(());
                }
                r.expect(b',', next)?;
            }
        })
    }

    fn nest(&mut self, inner: impl FnOnce(&mut Self) -> Result<()>) -> Result<()> {
        if self.depth >= MAX_DEPTH {
            return Err(self.error("nested too deeply"));
        }
        self.depth += 1;
        let result = inner(self);
        self.depth -= 1;
        result
    }

    /// True when the next value is a string.
    pub(crate) fn peek_string(&mut self) -> bool {
        self.peek() == Some(b'"')
    }

    /// Consumes a `null`; false (and nothing consumed) for any other value.
    pub(crate) fn null(&mut self) -> Result<bool> {
        if self.peek() == Some(b'n') {
            self.literal(b"null")?;
            return Ok(true);
        }
        Ok(false)
    }

    /// A string, borrowed from the text unless it has escapes.
    pub(crate) fn string(&mut self) -> Result<Text<'a>> {
        if self.peek() != Some(b'"') {
            return Err(self.error("expected a string"));
        }
        self.at += 1;
        let start = self.at;
        let mut escaped = false;
        loop {
            match self.text.get(self.at) {
                None => return Err(self.error("unterminated string")),
                Some(b'"') => break,
                Some(b'\\') => {
                    escaped = true;
                    self.at += 1;
                }
                Some(0..0x20) => return Err(self.error("control character in a string")),
                Some(_) => {}
            }
            self.at += 1;
        }
        let end = self.at;
        if !escaped {
            self.at += 1;
            return self.utf8(start, end).map(Text::borrowed);
        }
        // Unescaped text is never longer than the escaped: one allocation, never regrown. It
        // may be a Session: zeroized by `Text`, or here when a bad escape stops it halfway.
        let mut out = Zeroizing::new(String::with_capacity(end - start));
        self.at = start;
        while self.at < end {
            let run = self.at;
            while self.at < end && self.text.get(self.at) != Some(&b'\\') {
                self.at += 1;
            }
            out.push_str(self.utf8(run, self.at)?);
            if self.at < end {
                self.at += 1;
                out.push(self.escape()?);
            }
        }
        self.at = end + 1;
        Ok(Text::owned(core::mem::take(&mut *out)))
    }

    fn utf8(&self, from: usize, to: usize) -> Result<&'a str> {
        let bytes = self.text.get(from..to).unwrap_or_default();
        core::str::from_utf8(bytes).map_err(|e| JsonError {
            what: "invalid UTF-8 in a string".into(),
            at: from + e.valid_up_to(),
        })
    }

    /// The character an escape stands for; `self.at` is just past the backslash.
    fn escape(&mut self) -> Result<char> {
        let Some(&b) = self.text.get(self.at) else {
            return Err(self.error("unterminated string"));
        };
        self.at += 1;
        Ok(match b {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => {
                let first = self.hex4()?;
                let code = if (0xD800..0xDC00).contains(&first) {
                    if self.text.get(self.at..self.at + 2) != Some(b"\\u") {
                        return Err(self.error("lone leading surrogate in an escape"));
                    }
                    self.at += 2;
                    let second = self.hex4()?;
                    if !(0xDC00..0xE000).contains(&second) {
                        return Err(self.error("lone leading surrogate in an escape"));
                    }
                    0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
                } else {
                    first
                };
                char::from_u32(code)
                    .ok_or_else(|| self.error("lone trailing surrogate in an escape"))?
            }
            _ => return Err(self.error("invalid escape")),
        })
    }

    fn hex4(&mut self) -> Result<u32> {
        let digits = self.text.get(self.at..self.at + 4).unwrap_or_default();
        let mut value = 0;
        for &d in digits {
            let digit = (d as char)
                .to_digit(16)
                .ok_or_else(|| self.error("invalid \\u escape"))?;
            value = value * 16 + digit;
        }
        if digits.len() < 4 {
            return Err(self.error("invalid \\u escape"));
        }
        self.at += 4;
        Ok(value)
    }

    /// `true` or `false`.
    pub(crate) fn bool(&mut self) -> Result<bool> {
        match self.peek() {
            Some(b't') => self.literal(b"true").map(|()| true),
            Some(b'f') => self.literal(b"false").map(|()| false),
            _ => Err(self.error("expected a boolean")),
        }
    }

    /// A number's text, checked against the JSON grammar.
    fn number(&mut self) -> Result<&'a str> {
        let start = self.at;
        let digits = |r: &mut Self| {
            let from = r.at;
            while r.text.get(r.at).is_some_and(u8::is_ascii_digit) {
                r.at += 1;
            }
            r.at - from
        };
        let at = |r: &Self, b: u8| r.text.get(r.at) == Some(&b);
        self.at += usize::from(at(self, b'-'));
        let leading_zero = at(self, b'0');
        match digits(self) {
            0 => return Err(self.error("invalid number")),
            n if leading_zero && n > 1 => return Err(self.error("invalid number")),
            _ => {}
        }
        if at(self, b'.') {
            self.at += 1;
            if digits(self) == 0 {
                return Err(self.error("invalid number"));
            }
        }
        if at(self, b'e') || at(self, b'E') {
            self.at += 1;
            if at(self, b'+') || at(self, b'-') {
                self.at += 1;
            }
            if digits(self) == 0 {
                return Err(self.error("invalid number"));
            }
        }
        self.utf8(start, self.at)
    }

    /// An integer that fits an `i64` (no fraction or exponent, as serde_json's `i64`).
    pub(crate) fn integer(&mut self) -> Result<i64> {
        let (start, text) = self.integer_text()?;
        text.parse().map_err(|_| JsonError {
            what: "expected an integer that fits 64 bits".into(),
            at: start,
        })
    }

    /// A non-negative integer that fits a `u64`.
    pub(crate) fn unsigned(&mut self) -> Result<u64> {
        let (start, text) = self.integer_text()?;
        text.parse().map_err(|_| JsonError {
            what: "expected a non-negative integer that fits 64 bits".into(),
            at: start,
        })
    }

    /// A number's text, with where it starts; a fraction or exponent is refused.
    fn integer_text(&mut self) -> Result<(usize, &'a str)> {
        if !matches!(self.peek(), Some(b'-' | b'0'..=b'9')) {
            return Err(self.error("expected an integer"));
        }
        let start = self.at;
        let text = self.number()?;
        // serde_json reads `-0` as the float -0.0, not as an integer.
        if text.contains(['.', 'e', 'E']) || text == "-0" {
            return Err(JsonError {
                what: "expected an integer, not a fraction".into(),
                at: start,
            });
        }
        Ok((start, text))
    }

    /// Skips one value of any type, checking its syntax as serde_json skips an unknown member:
    /// strings, member names included, are scanned, not decoded (their escapes must be well
    /// formed, but neither their surrogates nor their UTF-8 are checked).
    pub(crate) fn skip(&mut self) -> Result<()> {
        match self.peek() {
            Some(b'{') => self.sequence(b'}', &mut |r| {
                r.name(Self::skip_string)?;
                r.skip()
            }),
            Some(b'[') => self.sequence(b']', &mut Self::skip),
            Some(b'"') => self.skip_string(),
            Some(b't' | b'f') => self.bool().map(drop),
            Some(b'n') => self.literal(b"null"),
            Some(_) => self.number().map(drop),
            None => Err(self.error("expected a JSON value")),
        }
    }

    fn skip_string(&mut self) -> Result<()> {
        self.at += 1;
        loop {
            let Some(&b) = self.text.get(self.at) else {
                return Err(self.error("unterminated string"));
            };
            self.at += 1;
            match b {
                b'"' => return Ok(()),
                b'\\' => match self.text.get(self.at) {
                    Some(b'u') => {
                        self.at += 1;
                        self.hex4()?;
                    }
                    Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => self.at += 1,
                    _ => return Err(self.error("invalid escape")),
                },
                0..0x20 => return Err(self.error("control character in a string")),
                _ => {}
            }
        }
    }

    /// One value of any type, checked as by [`skip`](Self::skip), as its text (UTF-8).
    pub(crate) fn raw(&mut self) -> Result<&'a str> {
        self.peek();
        let start = self.at;
        self.skip()?;
        self.utf8(start, self.at)
    }
}

/// `text` as one value read by `read`, with nothing but whitespace after it.
pub(crate) fn whole<'a, T>(
    text: &'a [u8],
    read: impl FnOnce(&mut JsonReader<'a>) -> Result<T>,
) -> Result<T> {
    let mut reader = JsonReader::new(text);
    let value = read(&mut reader)?;
    reader.finish().map(|()| value)
}

/// Reads an object of which only `names` matter: `member` gets the index in `names` of
/// each one present and reads its value; the others are skipped. A member sent twice is an
/// error, as with a derived serde reader.
pub(crate) fn members<'a>(
    reader: &mut JsonReader<'a>,
    names: &[&str],
    member: &mut dyn FnMut(&mut JsonReader<'a>, usize) -> Result<()>,
) -> Result<()> {
    let mut seen = 0u64;
    reader.object(&mut |r, name| {
        let Some(index) = names.iter().position(|n| *n == name.as_str()) else {
            return r.skip();
        };
        let bit = 1 << (index % 64);
        if seen & bit != 0 {
            return Err(r.error(format!("duplicate member `{}`", name.as_str())));
        }
        seen |= bit;
        member(r, index)
    })
}

/// `value`, or an error naming the member that is missing.
pub(crate) fn required<T>(reader: &JsonReader<'_>, value: Option<T>, name: &str) -> Result<T> {
    value.ok_or_else(|| reader.error(format!("missing member `{name}`")))
}

/// Reads `null` as `None`, anything else with `read`.
pub(crate) fn optional<'a, T>(
    reader: &mut JsonReader<'a>,
    read: impl FnOnce(&mut JsonReader<'a>) -> Result<T>,
) -> Result<Option<T>> {
    if reader.null()? {
        Ok(None)
    } else {
        read(reader).map(Some)
    }
}

/// A string or `null`.
pub(crate) fn text(reader: &mut JsonReader<'_>) -> Result<Option<String>> {
    optional(reader, |r| Ok(r.string()?.into_string()))
}

/// A string or `null`, kept as a secret.
pub(crate) fn secret(reader: &mut JsonReader<'_>) -> Result<Option<SecretString>> {
    optional(reader, |r| Ok(r.string()?.into_string().into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read<'a, T>(text: &'a str, f: impl FnOnce(&mut JsonReader<'a>) -> Result<T>) -> Result<T> {
        whole(text.as_bytes(), f)
    }

    fn string(text: &str) -> Result<String> {
        read(text, |r| r.string().map(Text::into_string))
    }

    #[test]
    fn strings_are_borrowed_unless_escaped_and_decoded_strictly() {
        let mut reader = JsonReader::new(br#" "plain" "#);
        assert!(
            reader
                .string()
                .is_ok_and(|t| t.is_borrowed() && t.as_str() == "plain")
        );
        assert_eq!(
            string(r#""\u00e9\ud83d\ude00\n\"\/\\\b\f\r\t""#)
                .ok()
                .as_deref(),
            Some("\u{e9}\u{1f600}\n\"/\\\u{8}\u{c}\r\t")
        );
        let bad = [
            r#""\ud800""#,
            r#""\udc00""#,
            r#""\ud800\u0041""#,
            r#""\x""#,
            r#""\u12""#,
            "\"\u{1}\"",
            "\"open",
        ];
        for bad in bad {
            assert!(string(bad).is_err(), "{bad}");
        }
        let mut invalid = JsonReader::new(b"\"\xff\"");
        assert!(invalid.string().is_err());
    }

    #[test]
    fn skipping_checks_syntax_as_serde_json_ignores_a_value() {
        let skip = |text: &[u8]| whole(text, JsonReader::skip);
        assert!(
            skip(b"{\"a\":[1,-2.5e+3,true,false,null,\"\\ud800\",{\"\xff\":\"\xfe\"}]}").is_ok()
        );
        let bad: [&[u8]; 9] = [
            b"[1,]",
            b"{\"a\" 1}",
            b"[01]",
            b"[1.]",
            b"[-]",
            b"tru",
            b"\"\\q\"",
            b"[1] [2]",
            b"",
        ];
        for bad in bad {
            assert!(skip(bad).is_err(), "{:?}", String::from_utf8_lossy(bad));
        }
        let deep = |levels: usize| format!("{}{}", "[".repeat(levels), "]".repeat(levels));
        assert!(skip(deep(127).as_bytes()).is_ok());
        assert!(skip(deep(128).as_bytes()).is_err_and(|e| e.what == "nested too deeply"));
        assert!(
            skip(deep(100_000).as_bytes()).is_err(),
            "bounded, not a stack overflow"
        );
    }

    #[test]
    fn integers_are_whole_and_in_range() {
        assert_eq!(
            read("-9223372036854775808", JsonReader::integer),
            Ok(i64::MIN)
        );
        assert_eq!(
            read(" 18446744073709551615 ", JsonReader::unsigned),
            Ok(u64::MAX)
        );
        for bad in ["1.0", "1e3", "-0", "9223372036854775808", "\"1\"", "null"] {
            assert!(read(bad, JsonReader::integer).is_err(), "{bad}");
        }
        assert!(read("-1", JsonReader::unsigned).is_err());
        assert!(read("18446744073709551616", JsonReader::unsigned).is_err());
    }

    #[test]
    fn members_skip_the_unknown_and_refuse_a_repeat() {
        let names = ["A", "B"];
        let mut seen = Vec::new();
        let ok = read(r#"{"x":{"A":1},"B":"b","A":null}"#, |r| {
            members(r, &names, &mut |r, i| {
                seen.push(i);
                r.skip()
            })
        });
        assert!(ok.is_ok());
        assert_eq!(seen, [1, 0]);
        let twice = read(r#"{"A":1,"A":2}"#, |r| {
            members(r, &names, &mut |r, _| r.skip())
        });
        assert!(twice.is_err_and(|e| e.what == "duplicate member `A`"));
        let array = read("[1]", |r| members(r, &names, &mut |r, _| r.skip()));
        assert!(array.is_err_and(|e| e.what == EXPECTED_OBJECT && e.at == 0));
    }
}
