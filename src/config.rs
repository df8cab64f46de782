//! What identifies the user pool and app client, and where requests go.

use core::fmt;
use std::collections::BTreeMap;
use std::sync::Arc;

use crate::random::SecureRandom;
use crate::secret::SecretString;

/// The user pool, its app client and the endpoint. Shared by every machine (`Arc<PoolConfig>`).
///
/// ```
/// use cognito_auth::PoolConfig;
/// let config = PoolConfig::new("us-east-1_AbCdEfGhI", "1example23456789")?
///     .with_client_secret("app-client-secret");
/// assert_eq!(config.url(), "https://cognito-idp.us-east-1.amazonaws.com/");
/// # Ok::<(), cognito_auth::ConfigError>(())
/// ```
#[derive(Clone)]
pub struct PoolConfig {
    user_pool_id: String,
    client_id: String,
    client_secret: Option<SecretString>,
    /// Shared with every request built from this configuration (no copy per request).
    url: Arc<str>,
    random: Option<Arc<dyn SecureRandom>>,
    pub(crate) context: RequestContext,
}

/// Optional members Cognito takes on sign-in and account requests, set once for every request.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct RequestContext {
    pub(crate) client_metadata: BTreeMap<String, String>,
    pub(crate) analytics_endpoint_id: Option<String>,
    pub(crate) user_context_data: Option<String>,
}

/// A configuration value is not usable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// The pool id is not `<region>_<name>`.
    #[error("user pool id {0:?} is not of the form <region>_<name>, e.g. us-east-1_AbC123")]
    UserPoolId(String),
    /// The client id is empty.
    #[error("the app client id is empty")]
    EmptyClientId,
}

impl PoolConfig {
    /// A pool id such as `us-east-1_AbC123` and an app client id. The endpoint is the region's
    /// Cognito endpoint; the random source is [`OsRandom`](crate::OsRandom) when the
    /// `getrandom` feature is on (the default).
    ///
    /// # Errors
    /// When the pool id has no `_` or an empty region or name, or the client id is empty.
    pub fn new(
        user_pool_id: impl Into<String>,
        client_id: impl Into<String>,
    ) -> Result<Self, ConfigError> {
        let user_pool_id = user_pool_id.into();
        let client_id = client_id.into();
        let region = match user_pool_id.split_once('_') {
            Some((region, name))
                if !name.is_empty()
                    && !region.is_empty()
                    && region
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'-') =>
            {
                region.to_owned()
            }
            _ => return Err(ConfigError::UserPoolId(user_pool_id)),
        };
        if client_id.is_empty() {
            return Err(ConfigError::EmptyClientId);
        }
        Ok(Self {
            url: regional_url(&region, false).into(),
            user_pool_id,
            client_id,
            client_secret: None,
            random: default_random(),
            context: RequestContext::default(),
        })
    }

    /// The app client's secret, for clients created with one. Every request that needs it then
    /// carries SECRET_HASH (or the raw secret where the operation takes it).
    #[must_use]
    pub fn with_client_secret(mut self, secret: impl Into<String>) -> Self {
        self.client_secret = Some(SecretString::new(secret));
        self
    }

    /// Sends requests to `url` instead of the regional endpoint: a local pool, a proxy, a test.
    #[must_use]
    pub fn with_endpoint(mut self, url: impl Into<String>) -> Self {
        self.url = Arc::from(url.into());
        self
    }

    /// Uses the region's FIPS endpoint (`cognito-idp-fips.<region>...`).
    #[must_use]
    pub fn with_fips(mut self) -> Self {
        self.url = regional_url(self.region(), true).into();
        self
    }

    /// The random source for SRP ephemerals and device secrets.
    #[must_use]
    pub fn with_random(mut self, random: Arc<dyn SecureRandom>) -> Self {
        self.random = Some(random);
        self
    }

    /// `ClientMetadata` sent with every request that takes it (passed to Lambda triggers).
    #[must_use]
    pub fn with_client_metadata(mut self, metadata: BTreeMap<String, String>) -> Self {
        self.context.client_metadata = metadata;
        self
    }

    /// `AnalyticsMetadata.AnalyticsEndpointId` for Amazon Pinpoint.
    #[must_use]
    pub fn with_analytics_endpoint_id(mut self, id: impl Into<String>) -> Self {
        self.context.analytics_endpoint_id = Some(id.into());
        self
    }

    /// `UserContextData.EncodedData`, the device fingerprint for threat protection, produced
    /// by the app with Cognito's context-data collection library.
    #[must_use]
    pub fn with_user_context_data(mut self, encoded_data: impl Into<String>) -> Self {
        self.context.user_context_data = Some(encoded_data.into());
        self
    }

    /// The pool id, e.g. `us-east-1_AbC123`.
    pub fn user_pool_id(&self) -> &str {
        &self.user_pool_id
    }

    /// The region, the part of the pool id before `_`.
    pub fn region(&self) -> &str {
        self.user_pool_id
            .split_once('_')
            .map_or("", |(region, _)| region)
    }

    /// The pool name used by SRP, the part of the pool id after `_`.
    pub fn pool_name(&self) -> &str {
        self.user_pool_id
            .split_once('_')
            .map_or("", |(_, name)| name)
    }

    /// The app client id.
    pub fn client_id(&self) -> &str {
        &self.client_id
    }

    /// The URL every request is POSTed to.
    pub fn url(&self) -> &str {
        &self.url
    }

    pub(crate) fn shared_url(&self) -> Arc<str> {
        self.url.clone()
    }

    pub(crate) fn client_secret(&self) -> Option<&SecretString> {
        self.client_secret.as_ref()
    }

    pub(crate) fn random(&self) -> Option<&dyn SecureRandom> {
        self.random.as_deref()
    }

    /// SECRET_HASH over `username` when the client has a secret.
    pub(crate) fn secret_hash(&self, username: &str) -> Option<String> {
        self.client_secret
            .as_ref()
            .map(|secret| crate::secret_hash::compute(&self.client_id, secret.expose(), username))
    }
}

impl fmt::Debug for PoolConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PoolConfig")
            .field("user_pool_id", &self.user_pool_id)
            .field("client_id", &self.client_id)
            .field(
                "client_secret",
                &self.client_secret.as_ref().map(|_| "<redacted>"),
            )
            .field("url", &self.url)
            .finish_non_exhaustive()
    }
}

fn regional_url(region: &str, fips: bool) -> String {
    let host = if fips {
        "cognito-idp-fips"
    } else {
        "cognito-idp"
    };
    let suffix = if region.starts_with("cn-") {
        "amazonaws.com.cn"
    } else {
        "amazonaws.com"
    };
    format!("https://{host}.{region}.{suffix}/")
}

#[cfg(feature = "getrandom")]
fn default_random() -> Option<Arc<dyn SecureRandom>> {
    Some(Arc::new(crate::random::OsRandom))
}

#[cfg(not(feature = "getrandom"))]
fn default_random() -> Option<Arc<dyn SecureRandom>> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn region_and_pool_name_come_from_the_pool_id() {
        let c = PoolConfig::new("eu-west-2_Xy1", "cid").unwrap_or_else(|e| unreachable!("{e}"));
        assert_eq!(c.region(), "eu-west-2");
        assert_eq!(c.pool_name(), "Xy1");
        assert_eq!(c.url(), "https://cognito-idp.eu-west-2.amazonaws.com/");
        assert_eq!(
            c.clone().with_fips().url(),
            "https://cognito-idp-fips.eu-west-2.amazonaws.com/"
        );
        let cn = PoolConfig::new("cn-north-1_Q", "cid").map(|c| c.url().to_owned());
        assert_eq!(
            cn.as_deref(),
            Ok("https://cognito-idp.cn-north-1.amazonaws.com.cn/")
        );
    }

    #[test]
    fn bad_ids_are_rejected() {
        assert!(matches!(
            PoolConfig::new("nounderscore", "c"),
            Err(ConfigError::UserPoolId(_))
        ));
        assert!(matches!(
            PoolConfig::new("_x", "c"),
            Err(ConfigError::UserPoolId(_))
        ));
        assert!(matches!(
            PoolConfig::new("us-east-1_", "c"),
            Err(ConfigError::UserPoolId(_))
        ));
        assert_eq!(
            PoolConfig::new("us-east-1_a", "").err(),
            Some(ConfigError::EmptyClientId)
        );
    }

    #[test]
    fn debug_hides_the_secret() {
        let c = PoolConfig::new("us-east-1_a", "c").map(|c| c.with_client_secret("s3cr3t-value"));
        assert!(!format!("{c:?}").contains("s3cr3t"));
    }
}
