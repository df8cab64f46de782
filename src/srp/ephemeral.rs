//! The client's secret ephemeral `a` ([`EphemeralSecret`]): range-checked in
//! constant time, zeroized on drop, redacted in `Debug`.

use core::fmt;

use crypto_bigint::U3072;
use crypto_bigint::ctutils::CtLt;
use zeroize::Zeroize;

use super::error::SrpError;
use super::field::{N, N_BYTES, uint_from_be};

/// The client's secret ephemeral `a` (1 ≤ a < N).
///
/// Zeroized on drop; `Debug` prints `EphemeralSecret(<redacted>)`. The byte
/// length it was created from is kept: it is public and bounds the
/// constant-time exponentiations (`8 × len` exponent bits).
pub struct EphemeralSecret {
    value: U3072,
    bits: u32,
}

impl EphemeralSecret {
    /// The recommended length of a fresh random `a`: 32 bytes (256 bits),
    /// ample for the 3072-bit group (NIST SP 800-56A sizes the exponent for a
    /// 3072-bit safe-prime group at 256 bits; Amplify Swift uses 32 bytes).
    pub const DEFAULT_LEN: usize = 32;

    /// `a` from big-endian bytes: 1..=384 bytes, rejecting `a == 0` and
    /// `a >= N` with [`SrpError::EphemeralOutOfRange`]. The range check is
    /// constant-time; only its yes/no outcome is observable.
    pub fn from_be_bytes(bytes: &[u8]) -> Result<Self, SrpError> {
        if bytes.is_empty() || bytes.len() > N_BYTES {
            return Err(SrpError::EphemeralOutOfRange);
        }
        let mut value = uint_from_be(bytes).ok_or(SrpError::EphemeralOutOfRange)?;
        let ok = value.is_nonzero() & value.ct_lt(N.as_ref());
        if !ok.to_bool() {
            value.zeroize();
            return Err(SrpError::EphemeralOutOfRange);
        }
        let bits = u32::try_from(bytes.len() * 8).map_err(|_| SrpError::EphemeralOutOfRange)?;
        Ok(Self { value, bits })
    }

    /// The secret value.
    pub(crate) fn value(&self) -> &U3072 {
        &self.value
    }

    /// The public bound on the bit length of `a` (8 × its byte length).
    pub(crate) fn bits(&self) -> u32 {
        self.bits
    }
}

impl Drop for EphemeralSecret {
    fn drop(&mut self) {
        self.value.zeroize();
    }
}

impl fmt::Debug for EphemeralSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("EphemeralSecret(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn range() {
        assert!(EphemeralSecret::from_be_bytes(&[1]).is_ok());
        assert!(EphemeralSecret::from_be_bytes(&[0xff; 32]).is_ok());
        assert_eq!(
            EphemeralSecret::from_be_bytes(&[]).err(),
            Some(SrpError::EphemeralOutOfRange)
        );
        assert_eq!(
            EphemeralSecret::from_be_bytes(&[0; 32]).err(),
            Some(SrpError::EphemeralOutOfRange)
        );
        assert_eq!(
            EphemeralSecret::from_be_bytes(&[0xff; 384]).err(),
            Some(SrpError::EphemeralOutOfRange)
        );
        assert_eq!(
            EphemeralSecret::from_be_bytes(&[1; 385]).err(),
            Some(SrpError::EphemeralOutOfRange)
        );
        let s = EphemeralSecret::from_be_bytes(&[0, 0, 5]);
        assert_eq!(s.as_ref().map(EphemeralSecret::bits).ok(), Some(24));
        assert_eq!(
            format!("{:?}", EphemeralSecret::from_be_bytes(&[7])),
            "Ok(EphemeralSecret(<redacted>))"
        );
    }
}
