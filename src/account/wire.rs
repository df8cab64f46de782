//! Private pieces of the account operations' JSON input shapes.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::config::PoolConfig;

/// `ClientMetadata`, `AnalyticsMetadata` and `UserContextData`, as the sign-in requests send
/// them (flattened into the input shape).
pub(super) use crate::wire::Context;

/// The context configured on `config`, with `client_metadata` (when set) in place of the
/// configured metadata.
pub(super) fn context<'a>(
    config: &'a PoolConfig,
    client_metadata: Option<&'a BTreeMap<String, String>>,
) -> Context<'a> {
    Context::with_metadata(&config.context, client_metadata)
}

/// The `ClientMetadata` to send: the call's own, else the configured one, never an empty map.
pub(super) fn metadata<'a>(
    config: &'a PoolConfig,
    own: Option<&'a BTreeMap<String, String>>,
) -> Option<&'a BTreeMap<String, String>> {
    own.or(Some(&config.context.client_metadata))
        .filter(|m| !m.is_empty())
}

/// The input of the operations that name only a user (`ForgotPassword`,
/// `ResendConfirmationCode`): `ClientId`, `SecretHash` over the user name when the client has
/// a secret, `Username` and the context.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(super) struct UsernameInput<'a> {
    client_id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    secret_hash: Option<String>,
    username: &'a str,
    #[serde(flatten)]
    context: Context<'a>,
}

impl<'a> UsernameInput<'a> {
    pub(super) fn new(
        config: &'a PoolConfig,
        username: &'a str,
        client_metadata: Option<&'a BTreeMap<String, String>>,
    ) -> Self {
        Self {
            client_id: config.client_id(),
            secret_hash: config.secret_hash(username),
            username,
            context: context(config, client_metadata),
        }
    }
}
