//! `application/x-www-form-urlencoded` and URL query encoding, both ways.

use zeroize::Zeroizing;

/// Appends `value` percent-encoded: RFC 3986 unreserved characters stay, the rest become
/// `%XX`. With `plus_for_space`, a space becomes `+` (form bodies, RFC 6749 appendix B).
pub(crate) fn encode_into(out: &mut String, value: &str, plus_for_space: bool) {
    let hex = |nibble: u8| char::from_digit(u32::from(nibble), 16).map(|c| c.to_ascii_uppercase());
    for byte in value.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                out.push(char::from(byte));
            }
            b' ' if plus_for_space => out.push('+'),
            _ => {
                out.push('%');
                out.extend(hex(byte >> 4));
                out.extend(hex(byte & 0x0f));
            }
        }
    }
}

/// The length of `value` once encoded by [`encode_into`].
pub(crate) fn encoded_len(value: &str, plus_for_space: bool) -> usize {
    value
        .bytes()
        .map(|byte| match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => 1,
            b' ' if plus_for_space => 1,
            _ => 3,
        })
        .sum()
}

/// `name=value&...`, every name and value encoded; a form body when `plus_for_space`.
pub(crate) fn encode_pairs<'a>(
    pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
    plus_for_space: bool,
) -> Zeroizing<String> {
    let pairs: Vec<(&str, &str)> = pairs.into_iter().collect();
    // The exact length up front: a growing buffer would leave a copy of what it held (a
    // refresh token of ~1,800 characters, the PKCE verifier) in freed memory.
    let len = pairs
        .iter()
        .fold(pairs.len().saturating_sub(1), |len, (name, value)| {
            len + encoded_len(name, plus_for_space) + 1 + encoded_len(value, plus_for_space)
        });
    let mut out = Zeroizing::new(String::with_capacity(len));
    for (i, (name, value)) in pairs.into_iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        encode_into(&mut out, name, plus_for_space);
        out.push('=');
        encode_into(&mut out, value, plus_for_space);
    }
    out
}

/// Decodes one form-encoded component (`+` is a space). `None` for a bad `%` escape or a
/// result that is not UTF-8.
pub(crate) fn decode(component: &str) -> Option<Zeroizing<String>> {
    let bytes = component.as_bytes();
    let mut out = Zeroizing::new(Vec::with_capacity(bytes.len()));
    let mut i = 0;
    while let Some(&byte) = bytes.get(i) {
        match byte {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = |at: usize| bytes.get(at).and_then(|b| char::from(*b).to_digit(16));
                let (hi, lo) = (hex(i + 1)?, hex(i + 2)?);
                out.push(u8::try_from(hi * 16 + lo).ok()?);
                i += 2;
            }
            other => out.push(other),
        }
        i += 1;
    }
    let text = std::str::from_utf8(&out).ok()?;
    Some(Zeroizing::new(text.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_and_decodes() {
        let mut s = String::new();
        encode_into(&mut s, "a b/c?d=é~", true);
        assert_eq!(s, "a+b%2Fc%3Fd%3D%C3%A9~");
        assert_eq!(
            decode(&s).as_deref().map(String::as_str),
            Some("a b/c?d=é~")
        );
        let mut q = String::new();
        encode_into(&mut q, "openid email", false);
        assert_eq!(q, "openid%20email");
        assert_eq!(decode("%2").as_deref(), None);
        assert_eq!(decode("%zz").as_deref(), None);
        assert_eq!(decode("%FF").as_deref(), None);
    }
}
