#![doc = include_str!("../README.md")]
#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod account;
mod config;
mod devices;
mod error;
#[cfg(any(fuzzing, feature = "__fuzzing"))]
#[doc(hidden)]
pub mod fuzzing;
pub mod oauth;
mod random;
mod secret;
pub mod secret_hash;
pub mod sign_in;
pub mod srp;
mod time;
mod tokens;
pub mod totp;
pub mod verify;
mod wire;

pub use wire::operation;

pub use config::{ConfigError, PoolConfig};
pub use devices::{ConfirmedDevice, DeviceConfirmation, DeviceCredentials, DeviceStore};
pub use error::{ApiMisuse, Error, InvalidResponse, PeerMisbehaved};
#[cfg(feature = "getrandom")]
pub use random::OsRandom;
pub use random::{RandomError, SecureRandom};
pub use secret::SecretString;
pub use sign_in::{
    AuthFlow, Challenge, ChallengeAnswer, CodeDelivery, FirstFactor, MfaType, SignIn, Status, Step,
    SuspendedSignIn, TotpSetup,
};
pub use time::UnixTime;
pub use tokens::manager::{RefreshOutcome, TokenManager};
pub use tokens::refresh::{Refresh, RefreshFlow};
pub use tokens::{Claims, NewDeviceMetadata, Tokens};
pub use wire::operation::{Authorization, Operation};
pub use wire::request::{CONTENT_TYPE, Request};
pub use wire::response::{HttpResponse, OwnedHttpResponse};
pub use wire::service_error::{ErrorKind, ServiceError};
#[cfg(feature = "sigv4")]
pub use wire::sigv4::AwsCredentials;
