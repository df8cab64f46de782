//! HMAC-SHA256 and the password's `x` (the key from S is in `session_key.rs`).

use hmac::digest::generic_array::GenericArray;
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

/// The HKDF `info` string Cognito uses.
pub(crate) const HKDF_INFO: &[u8] = b"Caldera Derived Key";

/// SHA-256's block size: HMAC keys up to this length are zero-padded, longer
/// ones are hashed first (RFC 2104).
pub(crate) const BLOCK: usize = 64;

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
    let block = key_block(key);
    <Hmac<Sha256> as Mac>::new(GenericArray::from_slice(block.as_slice()))
}

/// HMAC's key block (RFC 2104): the key zero-padded to 64 bytes, or its
/// SHA-256 zero-padded if it is longer than that.
#[expect(
    clippy::indexing_slicing,
    reason = "32 < BLOCK, and the key is copied whole only when it is at most BLOCK bytes"
)]
pub(crate) fn key_block(key: &[u8]) -> Zeroizing<[u8; BLOCK]> {
    let mut block = Zeroizing::new([0u8; BLOCK]);
    if key.len() > BLOCK {
        let hashed: [u8; 32] = Sha256::digest(key).into();
        block[..32].copy_from_slice(&hashed);
    } else {
        block[..key.len()].copy_from_slice(key);
    }
    block
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
