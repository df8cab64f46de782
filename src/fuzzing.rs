//! The few entry points the fuzz drivers (`fuzz-drivers/`) and `benches/montgomery.rs` need
//! that the public API does not offer: the private SRP arithmetic, to compare with independent
//! implementations. The drivers, decoders and oracles live in `fuzz-drivers/`. Feature
//! `__fuzzing`; not a stable API.

pub use crate::srp::differential::{Residue, key_from_s};
