//! Time as the caller hands it in: the crate never reads a clock.

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

    /// Seconds since the epoch.
    pub fn as_secs(self) -> u64 {
        self.0
    }

    /// This instant plus `secs`, saturating.
    pub fn plus(self, secs: u64) -> Self {
        Self(self.0.saturating_add(secs))
    }
}
