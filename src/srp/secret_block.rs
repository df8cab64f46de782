//! SECRET_BLOCK: the opaque base64 blob of PASSWORD_VERIFIER that the signature covers.

use base64::Engine as _;
use base64::alphabet;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};

use super::error::SrpError;

/// Standard alphabet, padding optional, non-zero trailing bits tolerated.
const LENIENT_B64: GeneralPurpose = GeneralPurpose::new(
    &alphabet::STANDARD,
    GeneralPurposeConfig::new()
        .with_decode_padding_mode(DecodePaddingMode::Indifferent)
        .with_decode_allow_trailing_bits(true),
);

/// The longest SECRET_BLOCK accepted, in characters. Cognito's is about 1.7 KB of base64;
/// anything much longer is refused before any work (and before it is echoed back in the
/// response as PASSWORD_CLAIM_SECRET_BLOCK).
pub(crate) const MAX_SECRET_BLOCK_LEN: usize = 16 * 1024;

/// Characters decoded per chunk: a multiple of 4, so only the last chunk can be partial.
const CHUNK_CHARS: usize = 512;

/// Decodes SECRET_BLOCK for the signature, leniently, as Amplify JS v6 does:
/// surrounding whitespace is ignored, the standard and the URL-safe alphabets
/// are both accepted (`-` is read as `+`, `_` as `/`, even mixed), and `=`
/// padding (at most two, at the end) is optional. Anything else — an empty
/// string, characters outside both alphabets, a length that no base64 string
/// can have, `=` anywhere else — is
/// [`SrpError::SecretBlock`]. A string longer than 16 KiB (whitespace included) is
/// [`SrpError::SecretBlockTooLarge`], before anything is decoded.
///
/// Note on mock servers: moto sends a UUID (`xxxxxxxx-xxxx-…`, 36 characters)
/// as SECRET_BLOCK. Under the URL-safe reading that *is* valid base64, so it is
/// accepted and decodes to the same 27 bytes Amplify JS v6 computes (pycognito
/// instead drops the `-` characters and gets 24 different bytes; moto checks
/// neither). The real service always sends standard base64.
pub fn decode_secret_block(b64: &str) -> Result<Vec<u8>, SrpError> {
    let mut out = Vec::with_capacity(b64.len() / 4 * 3 + 3);
    for_each_chunk(b64, |chunk| out.extend_from_slice(chunk))?;
    Ok(out)
}

/// Decodes as [`decode_secret_block`] does, handing the bytes to `sink` a chunk at a time
/// from stack buffers, so the signature can be computed without allocating. Nothing
/// reaches `sink` unless the whole string is valid.
pub(crate) fn for_each_chunk(b64: &str, mut sink: impl FnMut(&[u8])) -> Result<(), SrpError> {
    let data = validate(b64)?;
    let mut chars = [0u8; CHUNK_CHARS];
    let mut bytes = [0u8; CHUNK_CHARS / 4 * 3];
    for chunk in data.chunks(CHUNK_CHARS) {
        let mapped = chars.get_mut(..chunk.len()).ok_or(SrpError::SecretBlock)?;
        for (dst, &c) in mapped.iter_mut().zip(chunk) {
            *dst = match c {
                b'-' => b'+',
                b'_' => b'/',
                other => other,
            };
        }
        let n = LENIENT_B64
            .decode_slice(&*mapped, &mut bytes)
            .map_err(|_| SrpError::SecretBlock)?;
        sink(bytes.get(..n).ok_or(SrpError::SecretBlock)?);
    }
    Ok(())
}

/// Checks SECRET_BLOCK without decoding it and returns its base64 digits: at most
/// [`MAX_SECRET_BLOCK_LEN`] characters; surrounding whitespace and up to two trailing `=` are
/// dropped; what is left must be non-empty characters of either alphabet, of a length base64
/// can have (not 1 mod 4). Exactly what the decoder accepts (trailing bits are allowed), at a
/// fraction of its cost.
pub(crate) fn validate(b64: &str) -> Result<&[u8], SrpError> {
    if b64.len() > MAX_SECRET_BLOCK_LEN {
        return Err(SrpError::SecretBlockTooLarge {
            max_len: MAX_SECRET_BLOCK_LEN,
        });
    }
    let trimmed = b64.trim().as_bytes();
    let data = trimmed
        .strip_suffix(b"==")
        .or_else(|| trimmed.strip_suffix(b"="))
        .unwrap_or(trimmed);
    let digit = |c: &u8| c.is_ascii_alphanumeric() || matches!(c, b'+' | b'/' | b'-' | b'_');
    if data.is_empty() || data.len() % 4 == 1 || !data.iter().all(digit) {
        return Err(SrpError::SecretBlock);
    }
    Ok(data)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leniency() {
        let expect = Ok(vec![0xfb, 0xff]);
        assert_eq!(decode_secret_block("+/8="), expect);
        assert_eq!(decode_secret_block("-_8="), expect);
        assert_eq!(decode_secret_block("+/8"), expect);
        assert_eq!(decode_secret_block("  -/8=\n"), expect);
        assert_eq!(decode_secret_block(""), Err(SrpError::SecretBlock));
        assert_eq!(decode_secret_block("   "), Err(SrpError::SecretBlock));
        assert_eq!(decode_secret_block("=="), Err(SrpError::SecretBlock));
        assert_eq!(decode_secret_block("ab$d"), Err(SrpError::SecretBlock));
        assert_eq!(decode_secret_block("a"), Err(SrpError::SecretBlock));
        assert_eq!(decode_secret_block("ab cd"), Err(SrpError::SecretBlock));
        assert_eq!(decode_secret_block("+/8=+/8="), Err(SrpError::SecretBlock));
        assert_eq!(decode_secret_block("+/8==="), Err(SrpError::SecretBlock));
        let moto = decode_secret_block("3f2b8c1e-5d6a-4b7c-9e0f-a1b2c3d4e5f6");
        assert_eq!(moto.map(|v| v.len()), Ok(27));
    }

    /// Long blocks cross chunk boundaries; the result matches a one-shot decode,
    /// and padding in the middle is refused wherever it falls.
    #[test]
    fn chunks_match_one_shot_decode() {
        let strict = base64::engine::general_purpose::STANDARD;
        for len in [1usize, 383, 384, 385, 1000, 1536, 2048] {
            let raw: Vec<u8> = (0..len).map(|i| (i * 37 % 251) as u8).collect();
            let encoded = strict.encode(&raw);
            assert_eq!(decode_secret_block(&encoded), Ok(raw.clone()), "len {len}");
            let unpadded = encoded.trim_end_matches('=');
            assert_eq!(decode_secret_block(unpadded), Ok(raw), "len {len}");
        }
        let mut bad = strict.encode([7u8; 600]);
        bad.insert_str(CHUNK_CHARS - 2, "==");
        assert_eq!(decode_secret_block(&bad), Err(SrpError::SecretBlock));
        let mut bad = strict.encode([7u8; 600]);
        bad.insert(CHUNK_CHARS, '=');
        assert_eq!(decode_secret_block(&bad), Err(SrpError::SecretBlock));
    }

    /// The cheap check accepts exactly what a one-shot decode of the same digits accepts,
    /// and the chunked decode gives the same bytes, over many short strings of digits,
    /// padding, whitespace and strangers.
    #[test]
    fn the_check_agrees_with_the_decoder() {
        const SYMBOLS: &[u8] = b"Ab9+/-_= $";
        let mut state = 0x2545_f491_4f6c_dd1du64;
        for _ in 0..20_000 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let len = (state % 11) as usize;
            let text: String = (0..len)
                .map(|i| {
                    let pick = (state >> (4 + 4 * i)) % SYMBOLS.len() as u64;
                    SYMBOLS.get(pick as usize).copied().unwrap_or(b'A') as char
                })
                .collect();
            let trimmed = text.trim();
            let digits = trimmed
                .strip_suffix("==")
                .or_else(|| trimmed.strip_suffix('='))
                .unwrap_or(trimmed)
                .replace('-', "+")
                .replace('_', "/");
            // At most two `=`, at the end: the decoder alone would take a third as padding.
            let reference = if digits.is_empty() || digits.contains('=') {
                Err(SrpError::SecretBlock)
            } else {
                LENIENT_B64
                    .decode(digits.as_bytes())
                    .map_err(|_| SrpError::SecretBlock)
            };
            assert_eq!(decode_secret_block(&text), reference, "{text:?}");
        }
    }

    #[test]
    fn blocks_over_the_cap_are_refused_before_decoding() {
        let error = SrpError::SecretBlockTooLarge {
            max_len: MAX_SECRET_BLOCK_LEN,
        };
        let too_large = Err(error);
        let at_cap = "A".repeat(MAX_SECRET_BLOCK_LEN);
        assert_eq!(decode_secret_block(&at_cap).map(|v| v.len()), Ok(12 * 1024));
        let over = "A".repeat(MAX_SECRET_BLOCK_LEN + 4);
        assert_eq!(decode_secret_block(&over), too_large);
        // Whitespace counts: the cap is on what arrived, not on what it decodes to.
        assert_eq!(decode_secret_block(&format!("{at_cap} ")), too_large);
        // Megabytes are refused without looking at them, garbage or not.
        let mut called = false;
        let huge = "$".repeat(4 << 20);
        assert_eq!(for_each_chunk(&huge, |_| called = true), Err(error));
        assert!(!called);
    }

    #[test]
    fn nothing_reaches_the_sink_from_an_invalid_block() {
        let mut invalid = base64::engine::general_purpose::STANDARD.encode([1u8; 900]);
        invalid.push('$');
        let mut called = false;
        let result = for_each_chunk(&invalid, |_| called = true);
        assert_eq!(result, Err(SrpError::SecretBlock));
        assert!(!called);
    }
}
