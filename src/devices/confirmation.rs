//! Confirming a new device (ConfirmDevice) and remembering it (UpdateDeviceStatus).

use std::sync::Arc;

use base64::Engine as _;
use zeroize::Zeroizing;

use super::DeviceCredentials;
use crate::account::{Call as _, ConfirmDevice, DeviceRememberedStatus, UpdateDeviceStatus};
use crate::config::PoolConfig;
use crate::error::{ApiMisuse, Error};
use crate::secret::SecretString;
use crate::srp::DeviceVerifier;
use crate::tokens::Tokens;
use crate::wire::request::Request;
use crate::wire::response::HttpResponse;

/// Confirms the device Cognito named in [`Tokens::new_device`], then optionally remembers it:
/// 1. [`start`](Self::start) gives ConfirmDevice (a fresh device secret and salt are drawn and
///    their SRP verifier registered);
/// 2. [`handle_response`](Self::handle_response) gives the [`DeviceCredentials`] to store and
///    whether the pool asks the user (UserConfirmationNecessary);
/// 3. if so, [`remember`](Self::remember) gives UpdateDeviceStatus and
///    [`handle_status_response`](Self::handle_status_response) reads its reply.
#[derive(Debug)]
pub struct DeviceConfirmation {
    config: Arc<PoolConfig>,
    access_token: SecretString,
    credentials: Option<DeviceCredentials>,
    stage: Stage,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stage {
    Ready,
    ExpectConfirm,
    Confirmed,
    ExpectStatus,
    Done,
}

/// The result of ConfirmDevice.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ConfirmedDevice {
    /// What to store.
    pub credentials: DeviceCredentials,
    /// True when the pool remembers devices only if the user agrees: ask, then call
    /// [`DeviceConfirmation::remember`]. False: the device is already remembered.
    pub user_confirmation_necessary: bool,
}

impl DeviceConfirmation {
    /// For tokens that carry `NewDeviceMetadata`.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] when the tokens name no new device or carry no `sub`.
    pub fn new(config: Arc<PoolConfig>, tokens: &Tokens) -> Result<Self, Error> {
        let device = tokens
            .new_device
            .as_ref()
            .ok_or_else(|| Error::InvalidInput("these tokens carry no NewDeviceMetadata".into()))?;
        let user_sub = tokens
            .access_claims()
            .ok()
            .and_then(|c| c.sub)
            .or_else(|| tokens.id_claims().ok().and_then(|c| c.sub))
            .ok_or_else(|| {
                Error::InvalidInput("the tokens carry no sub to key the device by".into())
            })?;
        Ok(Self {
            config,
            access_token: tokens.access_token.clone(),
            credentials: Some(DeviceCredentials {
                device_key: device.device_key.clone(),
                device_group_key: device.device_group_key.clone(),
                device_password: SecretString::new(String::new()),
                user_sub,
            }),
            stage: Stage::Ready,
        })
    }

    /// The ConfirmDevice request. Draws 40 random bytes for the device secret (base64, as the
    /// Amplify libraries do) and 16 for the salt.
    ///
    /// # Errors
    /// [`ApiMisuse::AlreadyStarted`]; [`Error::Random`]; [`Error::Srp`] (not expected).
    pub fn start(&mut self, device_name: Option<&str>) -> Result<Request, Error> {
        if self.stage != Stage::Ready {
            return Err(ApiMisuse::AlreadyStarted.into());
        }
        let credentials = self.credentials.as_mut().ok_or(ApiMisuse::Finished)?;
        let random = self.config.random().ok_or(ApiMisuse::NoRandomSource)?;
        let mut secret = Zeroizing::new([0u8; 40]);
        let mut salt = Zeroizing::new([0u8; 16]);
        random.fill(secret.as_mut())?;
        random.fill(salt.as_mut())?;
        let password =
            SecretString::new(base64::engine::general_purpose::STANDARD.encode(secret.as_ref()));
        let verifier = DeviceVerifier::compute(
            &credentials.device_group_key,
            &credentials.device_key,
            password.expose(),
            salt.as_ref(),
        )?;
        credentials.device_password = password;
        let mut call = ConfirmDevice::new(self.access_token.clone(), &credentials.device_key)
            .with_verifier(verifier.password_verifier_b64(), verifier.salt_b64());
        if let Some(name) = device_name {
            call = call.with_device_name(name);
        }
        let request = call.request(&self.config);
        self.stage = Stage::ExpectConfirm;
        Ok(request)
    }

    /// Reads ConfirmDevice's reply.
    ///
    /// # Errors
    /// [`Error::Service`] (e.g. DeviceKeyExistsException, NotAuthorizedException),
    /// [`Error::InvalidResponse`]; [`ApiMisuse::NoRequestInFlight`] out of turn.
    pub fn handle_response(
        &mut self,
        response: HttpResponse<'_>,
    ) -> Result<ConfirmedDevice, Error> {
        if self.stage != Stage::ExpectConfirm {
            return Err(ApiMisuse::NoRequestInFlight.into());
        }
        let parsed = ConfirmDevice::parse(response)?;
        let credentials = self.credentials.clone().ok_or(ApiMisuse::Finished)?;
        self.stage = Stage::Confirmed;
        Ok(ConfirmedDevice {
            credentials,
            user_confirmation_necessary: parsed.user_confirmation_necessary,
        })
    }

    /// UpdateDeviceStatus: `remembered` or `not_remembered`, as the user chose.
    ///
    /// # Errors
    /// [`ApiMisuse::NoRequestInFlight`] before the device is confirmed.
    pub fn remember(&mut self, remember: bool) -> Result<Request, Error> {
        if self.stage != Stage::Confirmed {
            return Err(ApiMisuse::NoRequestInFlight.into());
        }
        let credentials = self.credentials.as_ref().ok_or(ApiMisuse::Finished)?;
        let status = if remember {
            DeviceRememberedStatus::Remembered
        } else {
            DeviceRememberedStatus::NotRemembered
        };
        let request =
            UpdateDeviceStatus::new(self.access_token.clone(), &credentials.device_key, status)
                .request(&self.config);
        self.stage = Stage::ExpectStatus;
        Ok(request)
    }

    /// Reads UpdateDeviceStatus's (empty) reply.
    ///
    /// # Errors
    /// [`Error::Service`]; [`ApiMisuse::NoRequestInFlight`] out of turn.
    pub fn handle_status_response(&mut self, response: HttpResponse<'_>) -> Result<(), Error> {
        if self.stage != Stage::ExpectStatus {
            return Err(ApiMisuse::NoRequestInFlight.into());
        }
        UpdateDeviceStatus::parse(response)?;
        self.stage = Stage::Done;
        Ok(())
    }
}
