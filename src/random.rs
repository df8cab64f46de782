//! The random source, injected by the caller: the crate draws no ambient randomness.

use core::fmt;

/// A cryptographically secure random source.
///
/// The SRP ephemeral `a` and, for devices, the device secret and salt are drawn from it.
pub trait SecureRandom: Send + Sync {
    /// Fills `buf` with random bytes.
    ///
    /// # Errors
    /// When the source cannot deliver; the sign-in then fails with [`crate::Error::Random`].
    fn fill(&self, buf: &mut [u8]) -> Result<(), RandomError>;
}

/// The random source failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RandomError;

impl fmt::Display for RandomError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the random source failed to produce bytes")
    }
}

impl std::error::Error for RandomError {}

/// The operating system's random source (`getrandom`).
#[cfg(feature = "getrandom")]
#[derive(Debug, Clone, Copy, Default)]
pub struct OsRandom;

#[cfg(feature = "getrandom")]
impl SecureRandom for OsRandom {
    fn fill(&self, buf: &mut [u8]) -> Result<(), RandomError> {
        getrandom::fill(buf).map_err(|_| RandomError)
    }
}
