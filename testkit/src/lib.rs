#![doc = include_str!("../README.md")]

mod config;
mod crypto;
mod error;
mod fifo;
#[doc(hidden)]
pub mod fuzzing;
mod http;
mod jwt;
mod ops;
mod outbox;
mod pool;
mod rng;
mod sigv4;
mod srp;
mod store;
mod web;
mod webauthn;
mod wire;

pub use config::{
    ClientConfig, Config, CustomAuth, CustomChallenge, DeviceTracking, MfaMode, PasswordPolicy,
    Rotation, SignInPolicy, UserMfaSeed, UserSeed,
};
pub use error::ApiError;
pub use http::{Clock, OUTBOX_PATH, Server, ServerBuilder};
pub use outbox::{Medium, Message, Purpose};
pub use pool::{ConfigError, DEFAULT_OUTBOX_LIMIT, Pool, PoolResponse, TARGET_PREFIX};
pub use rng::{OsRng, RngCore, SeededRng};
pub use sigv4::AdminCredentials;
pub use store::{TriggerCall, UserStatus};
pub use web::CODE_VALIDITY_SECS;
pub use webauthn::{UserVerification, WebAuthnConfiguration};
