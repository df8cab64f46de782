//! HKDF-SHA256 (the 16-byte "Caldera Derived Key") and HMAC-SHA256.

use hmac::digest::generic_array::GenericArray;
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

/// The HKDF `info` string Cognito uses.
pub(crate) const HKDF_INFO: &[u8] = b"Caldera Derived Key";

/// SHA-256's block size: HMAC keys up to this length are zero-padded, longer
/// ones are hashed first (RFC 2104).
const BLOCK: usize = 64;

/// HMAC-SHA256 over the concatenation of `parts`, for a key of any length.
pub(crate) fn hmac_sha256(key: &[u8], parts: &[&[u8]]) -> [u8; 32] {
    let mut mac = hmac_for(key);
    for p in parts {
        mac.update(p);
    }
    mac.finalize().into_bytes().into()
}

/// An HMAC-SHA256 ready for `update`, for a key of any length.
///
/// Infallible by construction: the key is normalised to one 64-byte block
/// exactly as RFC 2104 prescribes, so `Hmac::new` never sees a bad length.
pub(crate) fn hmac_for(key: &[u8]) -> Hmac<Sha256> {
    let mut block = Zeroizing::new([0u8; BLOCK]);
    if key.len() > BLOCK {
        let hashed: [u8; 32] = Sha256::digest(key).into();
        if let Some(dst) = block.get_mut(..32) {
            dst.copy_from_slice(&hashed);
        }
    } else if let Some(dst) = block.get_mut(..key.len()) {
        dst.copy_from_slice(key);
    }
    <Hmac<Sha256> as Mac>::new(GenericArray::from_slice(block.as_slice()))
}

/// HKDF-SHA256 with `L = 16`: `PRK = HMAC(salt, ikm)`,
/// `OKM = HMAC(PRK, info | 0x01)[..16]` (RFC 5869; one output block suffices).
pub(crate) fn hkdf_16(ikm: &[u8], salt: &[u8]) -> [u8; 16] {
    let prk = Zeroizing::new(hmac_sha256(salt, &[ikm]));
    let okm = Zeroizing::new(hmac_sha256(prk.as_slice(), &[HKDF_INFO, &[1u8]]));
    let mut key = [0u8; 16];
    if let Some(first) = okm.first_chunk::<16>() {
        key.copy_from_slice(first);
    }
    key
}

/// `x = H(padHex(salt) | H(utf8(pool_name | user_id | ":" | password)))`.
///
/// The inner hash and the returned `x` are secrets (wrapped in `Zeroizing`).
pub(crate) fn password_x(
    pool_name: &str,
    user_id: &str,
    password: &str,
    padded_salt: &[u8],
) -> Zeroizing<[u8; 32]> {
    let mut h = Sha256::new();
    h.update(pool_name.as_bytes());
    h.update(user_id.as_bytes());
    h.update(b":");
    h.update(password.as_bytes());
    let inner = Zeroizing::new(<[u8; 32]>::from(h.finalize()));
    let mut h = Sha256::new();
    h.update(padded_salt);
    h.update(inner.as_slice());
    Zeroizing::new(h.finalize().into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hkdf_matches_the_hkdf_crate() -> Result<(), hkdf::InvalidLength> {
        for (ikm, salt) in [
            (&b"ikm"[..], &b"salt"[..]),
            (&[0u8; 385][..], &[0x80u8; 33][..]),
            (&[7u8; 1][..], &[9u8; 100][..]),
        ] {
            let mut expected = [0u8; 16];
            hkdf::Hkdf::<Sha256>::new(Some(salt), ikm).expand(HKDF_INFO, &mut expected)?;
            assert_eq!(hkdf_16(ikm, salt), expected);
        }
        Ok(())
    }

    #[test]
    fn hmac_matches_new_from_slice_for_long_keys() -> Result<(), hmac::digest::InvalidLength> {
        for len in [0usize, 1, 32, 63, 64, 65, 200] {
            let key = vec![0x5au8; len];
            let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&key)?;
            mac.update(b"hello ");
            mac.update(b"world");
            let expected: [u8; 32] = mac.finalize().into_bytes().into();
            assert_eq!(hmac_sha256(&key, &[b"hello ", b"world"]), expected);
        }
        Ok(())
    }
}
