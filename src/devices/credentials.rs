//! What an app stores for a remembered device, and a store of them keyed by the user's `sub`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::secret::SecretString;
use crate::wire::read::{self, members, required};

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

impl DeviceCredentials {
    /// Reads credentials from the JSON their `Serialize` writes, as `serde_json::from_str`
    /// would, without serde (see [`Tokens::from_json`](crate::Tokens::from_json)).
    ///
    /// # Errors
    /// [`Error::InvalidInput`] when `json` is not one object of that shape.
    pub fn from_json(json: &str) -> Result<Self, Error> {
        let names = [
            "device_key",
            "device_group_key",
            "device_password",
            "user_sub",
        ];
        read::whole(json.as_bytes(), |reader| {
            let (mut key, mut group, mut password, mut sub) = (None, None, None, None);
            members(reader, &names, &mut |r, member| {
                let value = r.string()?.into_string();
                match member {
                    0 => key = Some(value),
                    1 => group = Some(value),
                    // Straight into its SecretString: wiped whatever goes wrong after.
                    2 => password = Some(SecretString::new(value)),
                    _ => sub = Some(value),
                }
                Ok(())
            })?;
            Ok(Self {
                device_key: required(reader, key, "device_key")?,
                device_group_key: required(reader, group, "device_group_key")?,
                device_password: required(reader, password, "device_password")?,
                user_sub: required(reader, sub, "user_sub")?,
            })
        })
        .map_err(|e| Error::InvalidInput(format!("not stored device credentials: {e}")))
    }
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
