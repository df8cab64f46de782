//! What every state of a sign-in reads: the pool, the user, the options.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::config::PoolConfig;
use crate::devices::DeviceCredentials;
use crate::secret::SecretString;
use crate::wire;

#[derive(Debug)]
pub(super) struct Context {
    pub(super) config: Arc<PoolConfig>,
    /// What the user typed (an alias is fine for InitiateAuth).
    pub(super) username: String,
    /// Cognito's internal name, once a challenge names it; every later request uses it.
    user_id: UserId,
    /// Until it has been used.
    pub(super) password: Option<SecretString>,
    /// A remembered device, used for DEVICE_KEY and device SRP.
    pub(super) device: Option<DeviceCredentials>,
    /// ClientMetadata for this sign-in, instead of the configuration's.
    pub(super) client_metadata: Option<BTreeMap<String, String>>,
    /// Issuer and account label of the otpauth URI for TOTP enrolment.
    pub(super) totp_label: Option<(String, String)>,
    /// AdminInitiateAuth / AdminRespondToAuthChallenge instead of the public operations.
    pub(super) admin: bool,
}

/// Cognito's internal user name, as far as the service has named it.
#[derive(Debug)]
enum UserId {
    NotYetNamed,
    /// The name typed (no copy kept: the usual case, and the SRP step allocates nothing).
    AsTyped,
    /// Another name: the user typed an alias (e-mail, phone, preferred_username).
    Internal(String),
}

impl Context {
    pub(super) fn new(
        config: Arc<PoolConfig>,
        username: String,
        password: Option<SecretString>,
    ) -> Self {
        Self {
            config,
            username,
            user_id: UserId::NotYetNamed,
            password,
            device: None,
            client_metadata: None,
            totp_label: None,
            admin: false,
        }
    }

    /// The USERNAME for a challenge response, and for its SECRET_HASH.
    pub(super) fn response_username(&self) -> &str {
        self.user_id().unwrap_or(&self.username)
    }

    pub(super) fn user_id(&self) -> Option<&str> {
        match &self.user_id {
            UserId::NotYetNamed => None,
            UserId::AsTyped => Some(&self.username),
            UserId::Internal(name) => Some(name),
        }
    }

    /// Records the name a challenge gave; every later request uses it.
    pub(super) fn set_user_id(&mut self, user_id: &str) {
        self.user_id = if user_id == self.username {
            UserId::AsTyped
        } else {
            UserId::Internal(user_id.to_owned())
        };
    }

    pub(super) fn wire_context(&self) -> wire::Context<'_> {
        let context =
            wire::Context::with_metadata(&self.config.context, self.client_metadata.as_ref());
        if self.admin {
            context.without_user_context_data()
        } else {
            context
        }
    }

    pub(super) fn totp_label(&self) -> (String, String) {
        self.totp_label
            .clone()
            .unwrap_or_else(|| (self.config.pool_name().to_owned(), self.username.clone()))
    }
}
