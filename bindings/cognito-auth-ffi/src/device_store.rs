//! `DeviceStore`: the remembered devices of every user of this app, keyed by `sub`, with the
//! names each signed in with; exported and imported as JSON in a `Secret`.

use std::sync::{Arc, Mutex, MutexGuard};

use crate::error::CognitoError;
use crate::secret::Secret;
use crate::types::DeviceCredentials;

/// The devices remembered for the users of this app: `insert` after ConfirmDevice,
/// `for_username(typed)` before a sign-in (`SignInSession.with_options(device)`),
/// `remove_device` after Cognito forgot one. `export()` gives it as JSON in a `Secret` (the
/// device passwords are in it: keep it in the Keychain / Keystore-backed storage);
/// `DeviceStore.import_store(secret)` reads it back. One object may be shared by threads.
#[derive(Debug, Default, uniffi::Object)]
pub struct DeviceStore {
    inner: Mutex<cognito_auth::DeviceStore>,
}

impl DeviceStore {
    fn lock(&self) -> Result<MutexGuard<'_, cognito_auth::DeviceStore>, CognitoError> {
        self.inner
            .lock()
            .map_err(|_| CognitoError::poisoned("device store"))
    }
}

#[uniffi::export]
impl DeviceStore {
    /// An empty store.
    #[uniffi::constructor]
    pub fn new() -> Arc<Self> {
        Arc::new(Self::default())
    }

    /// Reads what `export` wrote.
    ///
    /// # Errors
    /// `InvalidInput` when it is not an exported store (the message never quotes the text).
    #[uniffi::constructor]
    pub fn import_store(exported: Arc<Secret>) -> Result<Arc<Self>, CognitoError> {
        let store = serde_json::from_str(exported.expose())
            .map_err(|e| CognitoError::unreadable("an exported device store", &e))?;
        Ok(Arc::new(Self {
            inner: Mutex::new(store),
        }))
    }

    /// The store as JSON in a `Secret`.
    ///
    /// # Errors
    /// `Internal` when it cannot be serialized, or a call on it panicked earlier.
    pub fn export(&self) -> Result<Arc<Secret>, CognitoError> {
        let store = self.lock()?;
        let json =
            cognito_auth::SecretString::json(&*store).map_err(|e| CognitoError::Internal {
                reason: format!("cannot serialize the device store: {e}"),
            })?;
        Ok(Secret::wrap(json))
    }

    /// The device of the user who signs in as `typed` (a name seen with `insert` or
    /// `link_alias`, or the `sub` itself).
    ///
    /// # Errors
    /// `Internal` when a call on the store panicked earlier.
    pub fn for_username(&self, typed: String) -> Result<Option<DeviceCredentials>, CognitoError> {
        Ok(self.lock()?.for_username(&typed).cloned().map(Into::into))
    }

    /// Stores `credentials` under their `user_sub`, reachable also as `typed`.
    ///
    /// # Errors
    /// `Internal` when a call on the store panicked earlier.
    pub fn insert(
        &self,
        typed: String,
        credentials: DeviceCredentials,
    ) -> Result<(), CognitoError> {
        self.lock()?.insert(&typed, credentials.into());
        Ok(())
    }

    /// Remembers that `typed` names the user `sub` (after any sign-in).
    ///
    /// # Errors
    /// `Internal` when a call on the store panicked earlier.
    pub fn link_alias(&self, typed: String, sub: String) -> Result<(), CognitoError> {
        self.lock()?.link_alias(&typed, &sub);
        Ok(())
    }

    /// Forgets the device with this key; returns it if it was stored.
    ///
    /// # Errors
    /// `Internal` when a call on the store panicked earlier.
    pub fn remove_device(
        &self,
        device_key: String,
    ) -> Result<Option<DeviceCredentials>, CognitoError> {
        Ok(self.lock()?.remove_device(&device_key).map(Into::into))
    }
}
