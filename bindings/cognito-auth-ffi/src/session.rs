//! `StoredSession`: what an app keeps to stay signed in across restarts, as one versioned
//! JSON value inside a `Secret` (for the Keychain / Keystore-backed storage).

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::PoolConfig;
use crate::error::CognitoError;
use crate::secret::Secret;
use crate::types::{DeviceCredentials, Tokens};

/// The format version `export` writes and `import_session` reads.
const VERSION: u64 = 1;

/// A signed-in user's session: the pool and app client it belongs to, the tokens, the
/// remembered device (so the next sign-in can skip MFA) and the name the user signed in with.
/// `export()` gives it as versioned JSON (`{"version": 1, ...}`) in a `Secret`: put its
/// `reveal()` in the Keychain / EncryptedSharedPreferences, and on the next start
/// `StoredSession.import_session(config, Secret(text))`, then `TokenManager.from_session`.
/// (`import` is a keyword in Python and Swift, hence `import_session`.)
#[derive(Debug, uniffi::Object)]
pub struct StoredSession {
    pool_id: String,
    client_id: String,
    username: Option<String>,
    tokens: cognito_auth::Tokens,
    device: Option<cognito_auth::DeviceCredentials>,
}

/// Version 1, as written.
#[derive(Serialize)]
struct V1Out<'a> {
    version: u64,
    pool_id: &'a str,
    client_id: &'a str,
    username: Option<&'a str>,
    tokens: &'a cognito_auth::Tokens,
    device: Option<&'a cognito_auth::DeviceCredentials>,
}

/// Version 1, as read (members added by later writers of version 1 are ignored).
#[derive(Deserialize)]
struct V1In {
    pool_id: String,
    client_id: String,
    #[serde(default)]
    username: Option<String>,
    tokens: cognito_auth::Tokens,
    #[serde(default)]
    device: Option<cognito_auth::DeviceCredentials>,
}

#[derive(Deserialize)]
struct Versioned {
    version: Option<serde_json::Value>,
}

fn garbage(error: &serde_json::Error) -> CognitoError {
    CognitoError::unreadable("a stored session", error)
}

#[uniffi::export]
impl StoredSession {
    /// A session of `config`'s pool and client with these tokens, the device remembered for
    /// this user (if any) and the name the user typed (if the app wants it back).
    ///
    /// # Errors
    /// `InvalidInput` for tokens that cannot be used.
    #[uniffi::constructor]
    pub fn new(
        config: Arc<PoolConfig>,
        tokens: Tokens,
        device: Option<DeviceCredentials>,
        username: Option<String>,
    ) -> Result<Arc<Self>, CognitoError> {
        Ok(Arc::new(Self {
            pool_id: config.pool_id(),
            client_id: config.client_id(),
            username,
            tokens: cognito_auth::Tokens::try_from(&tokens)?,
            device: device.map(Into::into),
        }))
    }

    /// Reads what `export` wrote.
    ///
    /// # Errors
    /// `InvalidInput` when it is not a stored session (garbage, a missing member), has a
    /// version other than 1, or belongs to another pool or app client.
    #[uniffi::constructor]
    pub fn import_session(
        config: Arc<PoolConfig>,
        exported: Arc<Secret>,
    ) -> Result<Arc<Self>, CognitoError> {
        let text = exported.expose();
        let versioned: Versioned = serde_json::from_str(text).map_err(|e| garbage(&e))?;
        match versioned.version {
            Some(serde_json::Value::Number(n)) if n.as_u64() == Some(VERSION) => {}
            Some(serde_json::Value::Number(n)) => {
                return Err(CognitoError::invalid_input(format!(
                    "a stored session of version {n}: this library reads version {VERSION}"
                )));
            }
            _ => {
                return Err(CognitoError::invalid_input(
                    "not a stored session: no numeric \"version\"",
                ));
            }
        }
        let stored: V1In = serde_json::from_str(text).map_err(|e| garbage(&e))?;
        if stored.pool_id != config.pool_id() || stored.client_id != config.client_id() {
            return Err(CognitoError::invalid_input(format!(
                "the stored session is for pool {} and client {}, not this configuration's",
                stored.pool_id, stored.client_id
            )));
        }
        Ok(Arc::new(Self {
            pool_id: stored.pool_id,
            client_id: stored.client_id,
            username: stored.username,
            tokens: stored.tokens,
            device: stored.device,
        }))
    }

    /// The session as versioned JSON, in a `Secret` (it holds the tokens and the device
    /// password): store its `reveal()` in the Keychain / Keystore-backed storage only.
    ///
    /// # Errors
    /// `Internal` when it cannot be serialized.
    pub fn export(&self) -> Result<Arc<Secret>, CognitoError> {
        let json = cognito_auth::SecretString::json(&V1Out {
            version: VERSION,
            pool_id: &self.pool_id,
            client_id: &self.client_id,
            username: self.username.as_deref(),
            tokens: &self.tokens,
            device: self.device.as_ref(),
        })
        .map_err(|e| CognitoError::Internal {
            reason: format!("cannot serialize the session: {e}"),
        })?;
        Ok(Secret::wrap(json))
    }

    /// The tokens (possibly expired: refresh them with `TokenManager.from_session`).
    pub fn tokens(&self) -> Tokens {
        self.tokens.clone().into()
    }

    /// The remembered device, for `SignInSession.with_options` on the next sign-in.
    pub fn device(&self) -> Option<DeviceCredentials> {
        self.device.clone().map(Into::into)
    }

    /// The name the user signed in with, if it was stored.
    pub fn username(&self) -> Option<String> {
        self.username.clone()
    }

    /// The user pool id.
    pub fn pool_id(&self) -> String {
        self.pool_id.clone()
    }

    /// The app client id.
    pub fn client_id(&self) -> String {
        self.client_id.clone()
    }

    /// The same session with new tokens (after a refresh) and the same device and name.
    ///
    /// # Errors
    /// `InvalidInput` for tokens that cannot be used.
    pub fn with_tokens(&self, tokens: Tokens) -> Result<Arc<StoredSession>, CognitoError> {
        Ok(Arc::new(Self {
            pool_id: self.pool_id.clone(),
            client_id: self.client_id.clone(),
            username: self.username.clone(),
            tokens: cognito_auth::Tokens::try_from(&tokens)?,
            device: self.device.clone(),
        }))
    }
}

impl StoredSession {
    pub(crate) fn core_tokens(&self) -> &cognito_auth::Tokens {
        &self.tokens
    }
}
