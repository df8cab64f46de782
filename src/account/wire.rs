//! Private pieces of the account operations' JSON input shapes.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::config::PoolConfig;

/// `AnalyticsMetadataType`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(super) struct AnalyticsMetadata<'a> {
    analytics_endpoint_id: &'a str,
}

/// `UserContextDataType` (only `EncodedData`; `IpAddress` is for servers).
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(super) struct UserContextData<'a> {
    encoded_data: &'a str,
}

/// `ClientMetadata`, `AnalyticsMetadata` and `UserContextData`, which the unauthenticated
/// user operations take. Flattened into the input shape.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(super) struct Context<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    client_metadata: Option<&'a BTreeMap<String, String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    analytics_metadata: Option<AnalyticsMetadata<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    user_context_data: Option<UserContextData<'a>>,
}

impl<'a> Context<'a> {
    /// The context configured on `config`, with `client_metadata` (when set) in place of the
    /// configured metadata.
    pub(super) fn new(
        config: &'a PoolConfig,
        client_metadata: Option<&'a BTreeMap<String, String>>,
    ) -> Self {
        let context = &config.context;
        Self {
            client_metadata: metadata(config, client_metadata),
            analytics_metadata: context.analytics_endpoint_id.as_deref().map(|id| {
                AnalyticsMetadata {
                    analytics_endpoint_id: id,
                }
            }),
            user_context_data: context
                .user_context_data
                .as_deref()
                .map(|data| UserContextData { encoded_data: data }),
        }
    }
}

/// The `ClientMetadata` to send: the call's own, else the configured one, never an empty map.
pub(super) fn metadata<'a>(
    config: &'a PoolConfig,
    own: Option<&'a BTreeMap<String, String>>,
) -> Option<&'a BTreeMap<String, String>> {
    own.or(Some(&config.context.client_metadata))
        .filter(|m| !m.is_empty())
}
