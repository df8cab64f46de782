//! What an app stores for a remembered device, and a store of them keyed by the user's `sub`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::secret::SecretString;

/// What an app stores for a remembered device: the key and group Cognito assigned and the
/// random device secret only this device knows. Serializable for a keychain or a file; the
/// secret is zeroized on drop and redacted in `Debug`.
///
/// Store it under the user's `sub` (see [`DeviceStore`]), not under the alias typed: the same
/// person may sign in as `jane@example.com` or `+15555550100`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceCredentials {
    /// `DeviceKey`, `<region>_<uuid>`.
    pub device_key: String,
    /// `DeviceGroupKey`.
    pub device_group_key: String,
    /// The random secret whose SRP verifier was registered with ConfirmDevice.
    pub device_password: SecretString,
    /// The `sub` of the user the device belongs to.
    pub user_sub: String,
}

/// Device credentials of several users on this device, keyed by `sub`, with the aliases each
/// was signed in with. Serializable.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceStore {
    by_sub: BTreeMap<String, DeviceCredentials>,
    aliases: BTreeMap<String, String>,
}

impl DeviceStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// The device for the name the user typed (an alias seen before, or the sub itself).
    pub fn for_username(&self, typed: &str) -> Option<&DeviceCredentials> {
        let sub = self.aliases.get(typed).map_or(typed, String::as_str);
        self.by_sub.get(sub)
    }

    /// Stores `credentials` under their `user_sub`, reachable also by `typed`.
    pub fn insert(&mut self, typed: &str, credentials: DeviceCredentials) {
        self.aliases
            .insert(typed.to_owned(), credentials.user_sub.clone());
        self.by_sub
            .insert(credentials.user_sub.clone(), credentials);
    }

    /// Remembers that `typed` names the user `sub` (after any sign-in).
    pub fn link_alias(&mut self, typed: &str, sub: &str) {
        self.aliases.insert(typed.to_owned(), sub.to_owned());
    }

    /// Forgets the device with this key (after Cognito said it does not exist).
    pub fn remove_device(&mut self, device_key: &str) -> Option<DeviceCredentials> {
        let sub = self
            .by_sub
            .iter()
            .find(|(_, c)| c.device_key == device_key)
            .map(|(s, _)| s.clone())?;
        self.by_sub.remove(&sub)
    }
}
