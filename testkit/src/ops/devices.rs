//! ConfirmDevice (stores the device's SRP verifier and salt), ListDevices, GetDevice,
//! ForgetDevice, UpdateDeviceStatus.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Value, json};

use crate::config::DeviceTracking;
use crate::error::{ApiError, ApiResult};
use crate::pool::{Cx, Pool};
use crate::srp::Verifier;
use crate::store::Device;
use crate::wire::Body;

fn device_json(device: &Device) -> Value {
    let mut attributes = vec![
        json!({"Name": "device_status", "Value": "valid"}),
        json!({"Name": "dev:device_remembered_status",
               "Value": if device.remembered { "remembered" } else { "not_remembered" }}),
    ];
    if let Some(name) = &device.name {
        attributes.push(json!({"Name": "device_name", "Value": name}));
    }
    json!({
        "DeviceKey": device.key,
        "DeviceAttributes": attributes,
        "DeviceCreateDate": device.created,
        "DeviceLastModifiedDate": device.last_modified,
        "DeviceLastAuthenticatedDate": device.last_authenticated,
    })
}

impl Pool {
    pub(crate) fn confirm_device(&mut self, body: &Body, cx: &mut Cx<'_>) -> ApiResult<Value> {
        let token = body.str("AccessToken")?;
        let key = body.str("DeviceKey")?;
        let name = body.opt_str("DeviceName")?.map(String::from);
        let config = body
            .opt_struct("DeviceSecretVerifierConfig")?
            .ok_or_else(|| ApiError::missing_member("DeviceSecretVerifierConfig"))?;
        let decode = |member: &str| -> ApiResult<Vec<u8>> {
            let text = config.str(member)?;
            STANDARD
                .decode(text)
                .map_err(|_| ApiError::invalid_parameter(format!("{member} is not valid base64")))
        };
        let verifier = Verifier::from_device_config(&decode("PasswordVerifier")?, &decode("Salt")?)
            .ok_or_else(|| {
                ApiError::invalid_parameter("The device verifier or salt is not a positive number")
            })?;
        let username = self.authorize(token, cx.now)?;
        let tracking = self.config.device_tracking;
        if tracking == DeviceTracking::Off {
            return Err(ApiError::invalid_parameter(
                "Device tracking is not enabled for this user pool",
            ));
        }
        let user = self.user_mut(&username)?;
        let device = user
            .devices
            .get_mut(key)
            .ok_or_else(ApiError::device_not_found)?;
        if device.confirmed() {
            return Err(ApiError::new(
                "DeviceKeyExistsException",
                "Device key already exists.",
            ));
        }
        device.verifier = Some(verifier);
        device.name = name;
        device.remembered = tracking == DeviceTracking::Always;
        device.last_modified = cx.now;
        Ok(json!({"UserConfirmationNecessary": tracking == DeviceTracking::UserOptIn}))
    }

    pub(crate) fn list_devices(&mut self, body: &Body, cx: &mut Cx<'_>) -> ApiResult<Value> {
        let token = body.str("AccessToken")?;
        let limit = body.opt_u64("Limit")?.unwrap_or(60).clamp(1, 60);
        let start: usize = match body.opt_str("PaginationToken")? {
            Some(t) => t
                .parse()
                .map_err(|_| ApiError::invalid_parameter("Invalid pagination token"))?,
            None => 0,
        };
        let username = self.authorize(token, cx.now)?;
        let user = self.user_mut(&username)?;
        let confirmed: Vec<&Device> = user.devices.values().filter(|d| d.confirmed()).collect();
        let limit = usize::try_from(limit).unwrap_or(60);
        let page: Vec<Value> = confirmed
            .iter()
            .skip(start)
            .take(limit)
            .map(|d| device_json(d))
            .collect();
        let mut response = json!({"Devices": page});
        if start.saturating_add(limit) < confirmed.len() {
            if let Some(obj) = response.as_object_mut() {
                obj.insert("PaginationToken".into(), json!((start + limit).to_string()));
            }
        }
        Ok(response)
    }

    fn device_of(&mut self, body: &Body, now: u64) -> ApiResult<(String, String)> {
        let username = self.authorize(body.str("AccessToken")?, now)?;
        let key = body.str("DeviceKey")?.to_owned();
        if !self
            .user_mut(&username)?
            .devices
            .get(&key)
            .is_some_and(Device::confirmed)
        {
            return Err(ApiError::device_not_found());
        }
        Ok((username, key))
    }

    pub(crate) fn get_device(&mut self, body: &Body, cx: &mut Cx<'_>) -> ApiResult<Value> {
        let (username, key) = self.device_of(body, cx.now)?;
        let user = self.user_mut(&username)?;
        let device = user
            .devices
            .get(&key)
            .ok_or_else(ApiError::device_not_found)?;
        Ok(json!({"Device": device_json(device)}))
    }

    pub(crate) fn forget_device(&mut self, body: &Body, cx: &mut Cx<'_>) -> ApiResult<Value> {
        let (username, key) = self.device_of(body, cx.now)?;
        self.user_mut(&username)?.devices.remove(&key);
        Ok(json!({}))
    }

    pub(crate) fn update_device_status(
        &mut self,
        body: &Body,
        cx: &mut Cx<'_>,
    ) -> ApiResult<Value> {
        let (username, key) = self.device_of(body, cx.now)?;
        let remembered = match body.opt_str("DeviceRememberedStatus")? {
            Some("remembered") => true,
            Some("not_remembered") | None => false,
            Some(other) => {
                return Err(ApiError::invalid_parameter(format!(
                    "1 validation error detected: Value '{other}' at 'deviceRememberedStatus' failed to satisfy constraint: Member must satisfy enum value set: [remembered, not_remembered]"
                )));
            }
        };
        let user = self.user_mut(&username)?;
        if let Some(device) = user.devices.get_mut(&key) {
            device.remembered = remembered;
            device.last_modified = cx.now;
        }
        Ok(json!({}))
    }
}
