//! Remembered devices of the signed-in user: typed requests and outputs (the device-tracking
//! flow itself lives elsewhere).

use serde::{Deserialize, Serialize};

use super::call;
use super::types::{Attribute, Empty, find};
use crate::config::PoolConfig;
use crate::secret::SecretString;
use crate::wire::read::{self, JsonReader, members};

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct DeviceKeyWire<'a> {
    access_token: &'a str,
    device_key: &'a str,
}

/// `ConfirmDevice`: remembers the device Cognito announced in `NewDeviceMetadata`, with the
/// SRP verifier and salt computed on the device.
///
/// [API reference](https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_ConfirmDevice.html).
/// The exceptions it can return: [`Operation::ConfirmDevice`](crate::Operation::ConfirmDevice)`.errors()`.
#[derive(Debug, Clone)]
pub struct ConfirmDevice {
    access_token: SecretString,
    device_key: String,
    verifier: Option<(String, String)>,
    device_name: Option<String>,
}

impl ConfirmDevice {
    /// Confirms `device_key`.
    pub fn new(access_token: impl Into<SecretString>, device_key: impl Into<String>) -> Self {
        Self {
            access_token: access_token.into(),
            device_key: device_key.into(),
            verifier: None,
            device_name: None,
        }
    }

    /// `DeviceSecretVerifierConfig`: the base64 SRP `PasswordVerifier` and `Salt`.
    #[must_use]
    pub fn with_verifier(
        mut self,
        password_verifier: impl Into<String>,
        salt: impl Into<String>,
    ) -> Self {
        self.verifier = Some((password_verifier.into(), salt.into()));
        self
    }

    /// A name for the device (`"Alice's iPhone"`).
    #[must_use]
    pub fn with_device_name(mut self, name: impl Into<String>) -> Self {
        self.device_name = Some(name.into());
        self
    }

    fn wire(&self, _: &PoolConfig) -> ConfirmDeviceWire<'_> {
        ConfirmDeviceWire {
            access_token: self.access_token.expose(),
            device_key: &self.device_key,
            device_secret_verifier_config: self.verifier.as_ref().map(|(verifier, salt)| {
                VerifierConfig {
                    password_verifier: verifier,
                    salt,
                }
            }),
            device_name: self.device_name.as_deref(),
        }
    }
}
call!(
    ConfirmDevice,
    ConfirmDevice,
    ConfirmDeviceOutput,
    read = ConfirmDeviceOutput::read
);

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct VerifierConfig<'a> {
    password_verifier: &'a str,
    salt: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct ConfirmDeviceWire<'a> {
    access_token: &'a str,
    device_key: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    device_secret_verifier_config: Option<VerifierConfig<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    device_name: Option<&'a str>,
}

/// `ConfirmDeviceResponse`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct ConfirmDeviceOutput {
    /// True when the pool lets the user choose whether to remember the device: ask, then call
    /// [`UpdateDeviceStatus`].
    #[serde(default, skip_serializing_if = "core::ops::Not::not")]
    pub user_confirmation_necessary: bool,
}

impl ConfirmDeviceOutput {
    fn read(reader: &mut JsonReader<'_>) -> read::Result<Self> {
        let mut out = Self::default();
        members(reader, &["UserConfirmationNecessary"], &mut |r, _| {
            out.user_confirmation_necessary = r.bool()?;
            Ok(())
        })?;
        Ok(out)
    }
}

/// `DeviceType`: a remembered device. Dates are seconds since the epoch, as Cognito sends
/// them (fractional).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct Device {
    /// `<region>_<uuid>`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_key: Option<String>,
    /// `device_name`, `device_status`, `last_ip_used`...
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub device_attributes: Vec<Attribute>,
    /// When it was first confirmed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_create_date: Option<f64>,
    /// When it was last changed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_last_modified_date: Option<f64>,
    /// When it last signed in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_last_authenticated_date: Option<f64>,
}

impl Device {
    /// The value of the device attribute `name` (`device_name`, `device_status`...).
    pub fn attribute(&self, name: &str) -> Option<&str> {
        find(&self.device_attributes, name)
    }

    /// The name given at ConfirmDevice, if any.
    pub fn name(&self) -> Option<&str> {
        self.attribute("device_name")
    }
}

/// `ListDevices`: the signed-in user's remembered devices, a page at a time.
///
/// [API reference](https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_ListDevices.html).
/// The exceptions it can return: [`Operation::ListDevices`](crate::Operation::ListDevices)`.errors()`.
#[derive(Debug, Clone)]
pub struct ListDevices {
    access_token: SecretString,
    limit: Option<u32>,
    pagination_token: Option<String>,
}

impl ListDevices {
    /// The first page.
    pub fn new(access_token: impl Into<SecretString>) -> Self {
        Self {
            access_token: access_token.into(),
            limit: None,
            pagination_token: None,
        }
    }

    /// At most `limit` devices per page (the service allows 0 to 60).
    #[must_use]
    pub fn with_limit(mut self, limit: u32) -> Self {
        self.limit = Some(limit);
        self
    }

    /// The page after the one that returned `token` ([`DeviceList::pagination_token`]).
    #[must_use]
    pub fn with_pagination_token(mut self, token: impl Into<String>) -> Self {
        self.pagination_token = Some(token.into());
        self
    }

    fn wire(&self, _: &PoolConfig) -> ListDevicesWire<'_> {
        ListDevicesWire {
            access_token: self.access_token.expose(),
            limit: self.limit,
            pagination_token: self.pagination_token.as_deref(),
        }
    }
}
call!(ListDevices, ListDevices, DeviceList);

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct ListDevicesWire<'a> {
    access_token: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    limit: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pagination_token: Option<&'a str>,
}

/// `ListDevicesResponse`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct DeviceList {
    /// This page's devices.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub devices: Vec<Device>,
    /// Present when there are more: pass it to [`ListDevices::with_pagination_token`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pagination_token: Option<String>,
}

/// `GetDevice`: one remembered device.
///
/// [API reference](https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_GetDevice.html).
/// The exceptions it can return: [`Operation::GetDevice`](crate::Operation::GetDevice)`.errors()`.
#[derive(Debug, Clone)]
pub struct GetDevice {
    access_token: SecretString,
    device_key: String,
}

impl GetDevice {
    /// The device `device_key`.
    pub fn new(access_token: impl Into<SecretString>, device_key: impl Into<String>) -> Self {
        Self {
            access_token: access_token.into(),
            device_key: device_key.into(),
        }
    }

    fn wire(&self, _: &PoolConfig) -> DeviceKeyWire<'_> {
        DeviceKeyWire {
            access_token: self.access_token.expose(),
            device_key: &self.device_key,
        }
    }
}
call!(GetDevice, GetDevice, GetDeviceOutput);

/// `GetDeviceResponse`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct GetDeviceOutput {
    /// The device.
    pub device: Device,
}

/// `DeviceRememberedStatusType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum DeviceRememberedStatus {
    /// Remember the device: it may skip MFA.
    Remembered,
    /// Keep it tracked but not remembered.
    NotRemembered,
}

/// `UpdateDeviceStatus`: remembers or stops remembering a device.
///
/// [API reference](https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_UpdateDeviceStatus.html).
/// The exceptions it can return: [`Operation::UpdateDeviceStatus`](crate::Operation::UpdateDeviceStatus)`.errors()`.
#[derive(Debug, Clone)]
pub struct UpdateDeviceStatus {
    access_token: SecretString,
    device_key: String,
    status: DeviceRememberedStatus,
}

impl UpdateDeviceStatus {
    /// Sets `device_key` to `status`.
    pub fn new(
        access_token: impl Into<SecretString>,
        device_key: impl Into<String>,
        status: DeviceRememberedStatus,
    ) -> Self {
        Self {
            access_token: access_token.into(),
            device_key: device_key.into(),
            status,
        }
    }

    fn wire(&self, _: &PoolConfig) -> UpdateDeviceStatusWire<'_> {
        UpdateDeviceStatusWire {
            access_token: self.access_token.expose(),
            device_key: &self.device_key,
            device_remembered_status: self.status,
        }
    }
}
call!(UpdateDeviceStatus, UpdateDeviceStatus, Empty);

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct UpdateDeviceStatusWire<'a> {
    access_token: &'a str,
    device_key: &'a str,
    device_remembered_status: DeviceRememberedStatus,
}

/// `ForgetDevice`: forgets a remembered device.
///
/// [API reference](https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_ForgetDevice.html).
/// The exceptions it can return: [`Operation::ForgetDevice`](crate::Operation::ForgetDevice)`.errors()`.
#[derive(Debug, Clone)]
pub struct ForgetDevice {
    access_token: SecretString,
    device_key: String,
}

impl ForgetDevice {
    /// Forgets `device_key`.
    pub fn new(access_token: impl Into<SecretString>, device_key: impl Into<String>) -> Self {
        Self {
            access_token: access_token.into(),
            device_key: device_key.into(),
        }
    }

    fn wire(&self, _: &PoolConfig) -> DeviceKeyWire<'_> {
        DeviceKeyWire {
            access_token: self.access_token.expose(),
            device_key: &self.device_key,
        }
    }
}
call!(ForgetDevice, ForgetDevice, Empty);
