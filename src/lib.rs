#![doc = include_str!("../README.md")]
#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod account;
mod config;
mod device;
mod error;
#[cfg(any(fuzzing, feature = "__fuzzing"))]
#[doc(hidden)]
pub mod fuzzing;
pub mod operation;
mod operation_errors;
mod random;
mod refresh;
mod request;
mod response;
mod secret;
pub mod secret_hash;
mod service_error;
pub mod sign_in;
#[cfg(feature = "sigv4")]
mod sigv4;
pub mod srp;
mod time;
mod token_manager;
mod tokens;
pub mod totp;
mod wire;

pub use config::{ConfigError, PoolConfig};
pub use device::{ConfirmedDevice, DeviceConfirmation, DeviceCredentials, DeviceStore};
pub use error::{ApiMisuse, Error, InvalidResponse, PeerMisbehaved};
pub use operation::{Authorization, Operation};
#[cfg(feature = "getrandom")]
pub use random::OsRandom;
pub use random::{RandomError, SecureRandom};
pub use refresh::{Refresh, RefreshFlow};
pub use request::{CONTENT_TYPE, Request};
pub use response::HttpResponse;
pub use secret::SecretString;
pub use service_error::{ErrorKind, ServiceError};
pub use sign_in::{
    AuthFlow, Challenge, ChallengeAnswer, CodeDelivery, FirstFactor, MfaType, SignIn, Status, Step,
    SuspendedSignIn, TotpSetup,
};
#[cfg(feature = "sigv4")]
pub use sigv4::AwsCredentials;
pub use time::UnixTime;
pub use token_manager::{RefreshOutcome, TokenManager};
pub use tokens::{Claims, NewDeviceMetadata, Tokens};
