//! The client library's real machines against the testkit pool.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::too_many_arguments,
    unreachable_pub,
    dead_code,
    missing_docs
)]

mod support;

mod admin;
mod authenticator;
mod challenges;
mod config;
mod custom_auth;
mod devices;
mod email_mfa;
mod http;
mod limits;
mod oauth;
mod passkeys;
mod refresh;
mod robustness;
mod server_limits;
mod sign_in;
mod sign_up;
mod user_auth;
