//! The operations, one file per family; each is an `impl Pool` block.

mod account;
mod admin;
mod auth;
mod challenge;
mod custom;
mod devices;
mod list_users;
mod mfa;
mod tokens;
mod user_auth;
mod webauthn;

pub(crate) use admin::{SIGNED_OPERATIONS, missing_authentication};
pub(crate) use tokens::OAuthGrant;

use std::collections::BTreeMap;

use crate::error::{ApiError, ApiResult};

/// A required AuthParameters / ChallengeResponses entry.
pub(crate) fn param<'a>(map: &'a BTreeMap<String, String>, key: &str) -> ApiResult<&'a str> {
    map.get(key)
        .map(String::as_str)
        .ok_or_else(|| ApiError::invalid_parameter(format!("Missing required parameter {key}")))
}
