//! Randomness is injected: any `rand_core::RngCore`. [`SeededRng`] is a
//! deterministic one for tests (SHA-256 of a seed and a counter); the HTTP
//! server uses [`OsRng`] unless told otherwise.

pub use rand_core::{OsRng, RngCore};
use sha2::{Digest, Sha256};

/// Deterministic bytes: SHA-256(seed ‖ counter) blocks. Not for production.
#[derive(Debug, Clone)]
pub struct SeededRng {
    seed: u64,
    counter: u64,
    block: [u8; 32],
    used: usize,
}

impl SeededRng {
    /// A generator that always yields the same stream for `seed`.
    pub fn new(seed: u64) -> Self {
        Self {
            seed,
            counter: 0,
            block: [0; 32],
            used: 32,
        }
    }
}

impl RngCore for SeededRng {
    fn next_u32(&mut self) -> u32 {
        let mut b = [0u8; 4];
        self.fill_bytes(&mut b);
        u32::from_be_bytes(b)
    }

    fn next_u64(&mut self) -> u64 {
        let mut b = [0u8; 8];
        self.fill_bytes(&mut b);
        u64::from_be_bytes(b)
    }

    fn fill_bytes(&mut self, dest: &mut [u8]) {
        for byte in dest {
            if self.used >= self.block.len() {
                self.counter = self.counter.wrapping_add(1);
                self.block = Sha256::new()
                    .chain_update(self.seed.to_be_bytes())
                    .chain_update(self.counter.to_be_bytes())
                    .finalize()
                    .into();
                self.used = 0;
            }
            *byte = self.block.get(self.used).copied().unwrap_or_default();
            self.used += 1;
        }
    }

    fn try_fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), rand_core::Error> {
        self.fill_bytes(dest);
        Ok(())
    }
}
