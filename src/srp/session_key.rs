//! The 16-byte key from S, `HKDF-SHA256(ikm = padHex(S), salt = padHex(u),
//! "Caldera Derived Key")`, in time independent of S.
//!
//! padHex(S) drops S's leading zero bytes and adds one `00` when the top bit
//! is set, so its length (1 to 385 bytes) depends on the secret. A streaming
//! HMAC would show that length in the work it does, the channel of the
//! Raccoon attack on TLS-DH (Merget et al., USENIX Security 2021). Here the
//! message is moved into place by a masked barrel shift, padded with masks,
//! and SHA-256 compresses the most blocks any length needs, keeping the state
//! after the block where the padded message ends (as TLS stacks mask MAC
//! lengths since Lucky 13). Every loop bound is public.

use hmac::digest::generic_array::GenericArray;
use sha2::{Digest as _, Sha256};
use subtle::{Choice, ConditionallySelectable as _, ConstantTimeEq as _, ConstantTimeLess as _};
use zeroize::{Zeroize as _, Zeroizing};

use super::field::N_BYTES;
use super::kdf::{BLOCK, HKDF_INFO, hmac_sha256, key_block};

/// `00 | S`: the longest padHex(S).
const MAX_LEN: usize = N_BYTES + 1;
/// Blocks after HMAC's key block for the longest message and its padding.
const MSG_BLOCKS: usize = (MAX_LEN + 9).div_ceil(BLOCK);
/// SHA-256's initial state (FIPS 180-4, 5.3.3).
const IV: [u32; 8] = [
    0x6a09_e667,
    0xbb67_ae85,
    0x3c6e_f372,
    0xa54f_f53a,
    0x510e_527f,
    0x9b05_688c,
    0x1f83_d9ab,
    0x5be0_cd19,
];

/// `HKDF-SHA256(ikm = padHex(s), salt, info = "Caldera Derived Key")`, first 16
/// bytes, for the big-endian `s` of N's length; `salt` is public (padHex(u)).
pub(crate) fn key_from_s(s: &[u8; N_BYTES], salt: &[u8]) -> [u8; 16] {
    let prk = Zeroizing::new(hmac_padded_s(&key_block(salt), s));
    let okm = Zeroizing::new(hmac_sha256(prk.as_slice(), &[HKDF_INFO, &[1u8]]));
    let mut key = [0u8; 16];
    for (k, &b) in key.iter_mut().zip(okm.iter()) {
        *k = b;
    }
    key
}

/// `HMAC-SHA256(key_block, padHex(s))` with the work independent of `s`.
fn hmac_padded_s(key_block: &[u8; BLOCK], s: &[u8; N_BYTES]) -> [u8; 32] {
    let mut padded = Zeroizing::new([0u8; MSG_BLOCKS * BLOCK]);
    let len = pad_hex_in_place(s, &mut padded);
    append_sha256_padding(&mut padded, BLOCK + len);

    // Inner hash: the key block, then every message block; keep the state
    // after the last block of the padded message.
    let mut state = IV;
    let ipad = key_block.map(|b| b ^ 0x36);
    sha2::compress256(&mut state, &[GenericArray::clone_from_slice(&ipad)]);
    let last = (len + 9).div_ceil(BLOCK);
    let mut kept = [0u32; 8];
    for (i, block) in padded.chunks_exact(BLOCK).enumerate() {
        sha2::compress256(&mut state, &[GenericArray::clone_from_slice(block)]);
        let here = (i as u64 + 1).ct_eq(&(last as u64));
        for (k, &w) in kept.iter_mut().zip(&state) {
            k.conditional_assign(&w, here);
        }
    }
    let mut inner = [0u8; 32];
    for (out, w) in inner.chunks_exact_mut(4).zip(&kept) {
        out.copy_from_slice(&w.to_be_bytes());
    }
    state.zeroize();
    kept.zeroize();

    // Outer hash: fixed lengths.
    let opad = key_block.map(|b| b ^ 0x5c);
    let mut outer = Sha256::new();
    outer.update(opad);
    outer.update(inner);
    inner.zeroize();
    outer.finalize().into()
}

/// Writes padHex(s) at the start of `out` (zeros after it) and returns its
/// length, without branching on `s` or indexing by it (indices are loop
/// counters, and the only branch is on them).
#[expect(
    clippy::indexing_slicing,
    reason = "i and i + step are below MAX_LEN, and out has MSG_BLOCKS·BLOCK ≥ MAX_LEN bytes"
)]
fn pad_hex_in_place(s: &[u8; N_BYTES], out: &mut [u8; MSG_BLOCKS * BLOCK]) -> usize {
    // Leading zero bytes, and the first non-zero byte.
    let mut leading = Choice::from(1);
    let mut zeros = 0u64;
    let mut first = 0u8;
    for &b in s {
        let zero = b.ct_eq(&0);
        first.conditional_assign(&b, leading & !zero);
        leading &= zero;
        zeros += u64::from(leading.unwrap_u8());
    }
    let top_bit = u64::from(first >> 7);
    let len = N_BYTES as u64 - zeros + top_bit;
    // padHex(0) is the single byte 00.
    let len = len + u64::from(len.ct_eq(&0).unwrap_u8());

    // `00 | s`, shifted left by MAX_LEN − len bytes one power of two at a time
    // (each pass reads ahead of where it writes).
    out.fill(0);
    for (o, &b) in out.iter_mut().skip(1).zip(s) {
        *o = b;
    }
    let shift = MAX_LEN as u64 - len;
    for bit in 0..usize::BITS - MAX_LEN.leading_zeros() {
        let step = 1usize << bit;
        let take = Choice::from(((shift >> bit) & 1) as u8);
        for i in 0..MAX_LEN {
            let moved = if i + step < MAX_LEN { out[i + step] } else { 0 };
            out[i].conditional_assign(&moved, take);
        }
    }
    len as usize
}

/// SHA-256 padding for a message of `total` bytes (HMAC's key block included)
/// whose bytes after the key block are already in `padded` followed by zeros:
/// `0x80`, then the bit length at the end of the block the message ends in.
fn append_sha256_padding(padded: &mut [u8; MSG_BLOCKS * BLOCK], total: usize) {
    let len = (total - BLOCK) as u64;
    let end = (len + 9).div_ceil(BLOCK as u64) * BLOCK as u64;
    let bits = ((total as u64) * 8).to_be_bytes();
    // `end` is a multiple of 8, so byte i of the length field is bits[i % 8].
    for (i, (byte, &length_byte)) in (0u64..).zip(padded.iter_mut().zip(bits.iter().cycle())) {
        *byte |= 0x80 & 0u8.wrapping_sub(i.ct_eq(&len).unwrap_u8());
        let in_length = !i.ct_lt(&(end - 8)) & i.ct_lt(&end);
        *byte |= length_byte & 0u8.wrapping_sub(in_length.unwrap_u8());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::srp::pad::pad_into;

    /// The `hkdf` crate over the streaming padHex(S): the independent oracle.
    fn reference(s: &[u8; N_BYTES], salt: &[u8]) -> Result<[u8; 16], hkdf::InvalidLength> {
        let mut buf = [0u8; MAX_LEN];
        let ikm = pad_into(s, &mut buf);
        let mut okm = [0u8; 16];
        hkdf::Hkdf::<Sha256>::new(Some(salt), ikm).expand(HKDF_INFO, &mut okm)?;
        Ok(okm)
    }

    /// S with `zeros` leading zero bytes, then `first`, then pseudo-random bytes.
    fn s_with(zeros: usize, first: u8, seed: u64) -> [u8; N_BYTES] {
        let mut state = seed | 1;
        let mut s = [0u8; N_BYTES];
        for (i, b) in s.iter_mut().enumerate() {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            *b = match i.cmp(&zeros) {
                core::cmp::Ordering::Less => 0,
                core::cmp::Ordering::Equal => first,
                core::cmp::Ordering::Greater => state as u8,
            };
        }
        s
    }

    #[test]
    fn pad_hex_of_every_length() {
        for zeros in 0..=N_BYTES {
            for first in [0x01, 0x7f, 0x80, 0xff] {
                let s = s_with(zeros, first, zeros as u64);
                let mut want = [0u8; MAX_LEN];
                let want = pad_into(&s, &mut want);
                let mut got = [0xa5u8; MSG_BLOCKS * BLOCK];
                let len = pad_hex_in_place(&s, &mut got);
                assert_eq!(len, want.len(), "zeros={zeros} first={first:#x}");
                assert_eq!(got.get(..len), Some(want), "zeros={zeros}");
                assert!(got.iter().skip(len).all(|&b| b == 0), "zeros={zeros}");
            }
        }
    }

    #[test]
    fn matches_hkdf_over_pad_hex_for_every_length() -> Result<(), hkdf::InvalidLength> {
        // padHex(u): 33 bytes with the 00 prefix, 32 without, a short one.
        let mut salt_top = [0x9cu8; 33];
        salt_top.iter_mut().take(1).for_each(|b| *b = 0);
        let salts: [&[u8]; 3] = [&salt_top, &[0x31u8; 32], &[0x05u8]];
        for zeros in 0..=N_BYTES {
            for first in [0x01, 0x80] {
                for salt in salts {
                    let s = s_with(zeros, first, 7 + zeros as u64);
                    assert_eq!(
                        key_from_s(&s, salt),
                        reference(&s, salt)?,
                        "zeros={zeros} first={first:#x} salt={}",
                        salt.len()
                    );
                }
            }
        }
        // S = 0 (padHex is `00`), and all ones (top bit set, no zero byte).
        let zero = [0u8; N_BYTES];
        assert_eq!(key_from_s(&zero, &[1]), reference(&zero, &[1])?);
        let ones = [0xffu8; N_BYTES];
        assert_eq!(key_from_s(&ones, &[1]), reference(&ones, &[1])?);
        Ok(())
    }
}
