//! Tokens: what Cognito issues, refreshing them, and keeping them fresh.

mod issued;
pub(crate) mod manager;
pub(crate) mod refresh;
mod stored;

pub use issued::{Claims, NewDeviceMetadata, Tokens};
