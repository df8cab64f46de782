//! Fuzz drivers, shared by the cargo-fuzz targets in `fuzz/` and by the stable seed replay
//! (`tests/seeds.rs` of this crate). Test tooling, not published; it uses only the public API of
//! `cognito-auth` plus the few private hooks behind its `__fuzzing` feature
//! (`cognito_auth::fuzzing`).
//!
//! Every driver reads its input with the small byte decoder [`Input`] (no `arbitrary`): a
//! missing byte reads as 0, so every input is valid and short inputs stop early. Lengths are one
//! byte, or `0xFF` followed by a little-endian `u16`. Response bodies are either raw bytes or one
//! of a few templates (PASSWORD_VERIFIER with real hex, tokens, a challenge, an error), so the
//! fuzzer reaches the deep states of the machines quickly. [`seeds`] builds the checked-in
//! seed corpus in this format.
//!
//! The `assert!`s and `panic!`s here are the fuzz oracle: a failing invariant must abort the run.
#![allow(clippy::panic)]

mod account;
mod capi;
mod challenges;
mod claims;
mod cli_files;
mod date;
mod device;
mod flows;
mod input;
mod json;
mod json_read;
mod machines;
mod oracle;
mod raw_bodies;
mod responses;
mod seeds;
mod seeds_more;
mod srp;
mod suspend;
mod testkit;
mod token_manager;

pub use account::account_responses;
pub use capi::capi;
pub use challenges::{challenge_params, challenge_params_srp};
pub use claims::jwt_claims;
pub use cli_files::cli_files;
pub use cognito_auth::fuzzing::Residue;
pub use date::http_date;
pub use device::{device_confirmation, device_store};
pub use flows::{password_reset_flow, sign_up_flow};
pub use input::{FixedRandom, Input, NoRandom, SeedWriter};
pub use json_read::json_read;
pub use machines::{parse_response, parse_response_srp, sign_in_password, sign_in_transcript};
pub use responses::OwnedResponse;
pub use seeds::seeds;
pub use srp::{arithmetic, srp_password_claim};
pub use suspend::suspended_resume;
pub use testkit::{testkit_config, testkit_http};
pub use token_manager::token_manager;

use cognito_auth::UnixTime;

/// The user's password in every driver; must never show in `Debug` or `Display`.
pub const PASSWORD: &str = "Pa55w0rd!fuzz-user-secret";
/// The app client secret when a driver uses one; must never show in `Debug` or `Display`.
pub const CLIENT_SECRET: &str = "fuzz-app-client-s3cret-0123456789";
/// The new password of a NEW_PASSWORD_REQUIRED answer; must never show either.
pub const NEW_PASSWORD: &str = "N3w-Pa55w0rd!fuzz-secret";
/// The refresh token the refresh drivers start from.
pub const REFRESH_TOKEN: &str = "fuzz-refresh-token-secret-eyJjdHkiOiJKV1Qi";
/// The refresh token a template reply rotates to; must never show either.
pub const ROTATED_REFRESH_TOKEN: &str = "fuzz-rotated-refresh-t0ken-secret";
/// Marks every Session the templates send (`fuzz-Session-s3cret-<n>`); must never show.
pub const SESSION_MARKER: &str = "fuzz-Session-s3cret";
/// The signature part of the access tokens the templates issue; must never show.
pub const ACCESS_TOKEN_MARKER: &str = "fuzzAccessT0kenSecretSig";
/// The signature part of the ID tokens the templates issue; must never show.
pub const ID_TOKEN_MARKER: &str = "fuzzIdT0kenSecretSig";
/// The TOTP shared secret (base32) of the AssociateSoftwareToken template; must never show.
pub const TOTP_SECRET: &str = "FUZZTOTPS3CRETJBSWY3DPEHPK3PXPAA";
/// The device password of the remembered device the drivers use; must never show.
pub const DEVICE_PASSWORD: &str = "fuzz-device-secret";
/// The fixed SRP ephemeral `a` drawn by [`FixedRandom`].
pub const FIXED_A: [u8; 32] = [
    0x3c, 0x91, 0x5e, 0x0a, 0x77, 0xd2, 0x48, 0x1b, 0xe6, 0x05, 0x9f, 0x34, 0xa8, 0x6d, 0xc1, 0x12,
    0x8b, 0x4f, 0xf0, 0x29, 0x63, 0xbe, 0x17, 0xda, 0x50, 0x0e, 0x95, 0x7c, 0x2a, 0xe3, 0x46, 0xb9,
];
/// The fixed time of the drivers (2023-11-14T22:13:20Z).
pub const FIXED_NOW: UnixTime = UnixTime(1_700_000_000);
pub(crate) const POOL_ID: &str = "us-east-1_AbC123";
pub(crate) const CLIENT_ID: &str = "1example23456789";
pub(crate) const USERNAME: &str = "alice@example.com";
/// At most this many calls per transcript.
pub(crate) const MAX_STEPS: usize = 24;
/// N, the RFC 3526 3072-bit MODP prime, written out independently of the crate's own constant.
pub(crate) const N_HEX: &str = concat!(
    "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DD",
    "EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED",
    "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F",
    "83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B",
    "E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA0510",
    "15728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7",
    "ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864D87602733EC86A64521F2B18177B200C",
    "BBE117577A615D6C770988C0BAD946E208E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF",
);
