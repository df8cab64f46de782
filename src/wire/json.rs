//! Private mirrors of Cognito's JSON shapes (PascalCase member names, as in the model).

use core::fmt;
use std::borrow::Cow;
use std::collections::BTreeMap;

use serde::Serialize;
use serde::ser::{SerializeMap as _, Serializer};

pub(crate) use super::borrowed::{ChallengeParameters, ErrorMembers};
pub(crate) use super::read::Text;
use super::read::{self, JsonReader, members, optional, required};

use crate::config::RequestContext;
use crate::secret::SecretString;

/// Keys of AuthParameters and ChallengeResponses, and challenge parameter names.
pub(crate) mod keys {
    pub(crate) const USERNAME: &str = "USERNAME";
    pub(crate) const PASSWORD: &str = "PASSWORD";
    pub(crate) const SRP_A: &str = "SRP_A";
    pub(crate) const SRP_B: &str = "SRP_B";
    pub(crate) const SALT: &str = "SALT";
    pub(crate) const SECRET_BLOCK: &str = "SECRET_BLOCK";
    pub(crate) const USER_ID_FOR_SRP: &str = "USER_ID_FOR_SRP";
    pub(crate) const SECRET_HASH: &str = "SECRET_HASH";
    pub(crate) const DEVICE_KEY: &str = "DEVICE_KEY";
    pub(crate) const PASSWORD_CLAIM_SECRET_BLOCK: &str = "PASSWORD_CLAIM_SECRET_BLOCK";
    pub(crate) const PASSWORD_CLAIM_SIGNATURE: &str = "PASSWORD_CLAIM_SIGNATURE";
    pub(crate) const TIMESTAMP: &str = "TIMESTAMP";
    pub(crate) const ANSWER: &str = "ANSWER";

    // The answers to the challenges the app answers.
    pub(crate) const SMS_MFA_CODE: &str = "SMS_MFA_CODE";
    pub(crate) const SOFTWARE_TOKEN_MFA_CODE: &str = "SOFTWARE_TOKEN_MFA_CODE";
    pub(crate) const EMAIL_OTP_CODE: &str = "EMAIL_OTP_CODE";
    pub(crate) const SMS_OTP_CODE: &str = "SMS_OTP_CODE";
    pub(crate) const NEW_PASSWORD: &str = "NEW_PASSWORD";
    pub(crate) const CREDENTIAL: &str = "CREDENTIAL";
    pub(crate) const EMAIL: &str = "EMAIL";
    /// NEW_PASSWORD_REQUIRED's attribute keys, `userAttributes.<name>`.
    pub(crate) const USER_ATTRIBUTES_PREFIX: &str = "userAttributes.";

    // Challenge parameters of the challenges the app answers.
    pub(crate) const CODE_DELIVERY_DESTINATION: &str = "CODE_DELIVERY_DESTINATION";
    pub(crate) const CODE_DELIVERY_DELIVERY_MEDIUM: &str = "CODE_DELIVERY_DELIVERY_MEDIUM";
    pub(crate) const MFAS_CAN_CHOOSE: &str = "MFAS_CAN_CHOOSE";
    pub(crate) const MFAS_CAN_SETUP: &str = "MFAS_CAN_SETUP";
    pub(crate) const USER_ATTRIBUTES: &str = "userAttributes";
    pub(crate) const REQUIRED_ATTRIBUTES: &str = "requiredAttributes";
    pub(crate) const CREDENTIAL_REQUEST_OPTIONS: &str = "CREDENTIAL_REQUEST_OPTIONS";
}

/// `AnalyticsMetadata`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct AnalyticsMetadata<'a> {
    pub(crate) analytics_endpoint_id: &'a str,
}

/// `UserContextData`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct UserContextData<'a> {
    pub(crate) encoded_data: &'a str,
}

/// The optional members shared by InitiateAuth, RespondToAuthChallenge and friends.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct Context<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) client_metadata: Option<&'a BTreeMap<String, String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) analytics_metadata: Option<AnalyticsMetadata<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) user_context_data: Option<UserContextData<'a>>,
}

impl<'a> Context<'a> {
    pub(crate) fn from(context: &'a RequestContext) -> Self {
        Self::with_metadata(context, None)
    }

    /// Without `UserContextData`: the admin operations take a server's `ContextData` instead.
    pub(crate) fn without_user_context_data(mut self) -> Self {
        self.user_context_data = None;
        self
    }

    /// The configuration's context, with `metadata` instead of its ClientMetadata when given.
    pub(crate) fn with_metadata(
        context: &'a RequestContext,
        metadata: Option<&'a BTreeMap<String, String>>,
    ) -> Self {
        let metadata = metadata.unwrap_or(&context.client_metadata);
        Self {
            client_metadata: (!metadata.is_empty()).then_some(metadata),
            analytics_metadata: context.analytics_endpoint_id.as_deref().map(|id| {
                AnalyticsMetadata {
                    analytics_endpoint_id: id,
                }
            }),
            user_context_data: context
                .user_context_data
                .as_deref()
                .map(|d| UserContextData { encoded_data: d }),
        }
    }
}

/// `InitiateAuthRequest`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct InitiateAuth<'a> {
    /// Only for AdminInitiateAuth.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) user_pool_id: Option<&'a str>,
    pub(crate) auth_flow: &'a str,
    pub(crate) client_id: &'a str,
    pub(crate) auth_parameters: AuthParameters<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) session: Option<&'a str>,
    #[serde(flatten)]
    pub(crate) context: Context<'a>,
}

/// `RespondToAuthChallengeRequest`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct RespondToAuthChallenge<'a> {
    /// Only for AdminRespondToAuthChallenge.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) user_pool_id: Option<&'a str>,
    pub(crate) challenge_name: &'a str,
    pub(crate) client_id: &'a str,
    pub(crate) session: &'a str,
    pub(crate) challenge_responses: ChallengeResponses<'a>,
    #[serde(flatten)]
    pub(crate) context: Context<'a>,
}

/// `GetTokensFromRefreshTokenRequest`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct GetTokensFromRefreshToken<'a> {
    pub(crate) refresh_token: &'a str,
    pub(crate) client_id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) client_secret: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) device_key: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) client_metadata: Option<&'a BTreeMap<String, String>>,
}

/// `AuthParameters` of InitiateAuth, in the order a sorted map would give (the service does
/// not care; tests and logs read more easily). Built on the stack: no map is allocated.
#[derive(Default, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub(crate) struct AuthParameters<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) challenge_name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) device_key: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) password: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) preferred_challenge: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) refresh_token: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) secret_hash: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) srp_a: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) username: Option<&'a str>,
}

impl fmt::Debug for AuthParameters<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AuthParameters(<redacted>)")
    }
}

/// `ChallengeResponses` of RespondToAuthChallenge: the challenge's own answers, then
/// DEVICE_KEY, SECRET_HASH and USERNAME. Serialized straight from these borrows.
pub(crate) struct ChallengeResponses<'a> {
    pub(crate) answers: &'a [(Cow<'a, str>, &'a str)],
    pub(crate) device_key: Option<&'a str>,
    pub(crate) secret_hash: Option<&'a str>,
    pub(crate) username: &'a str,
}

impl Serialize for ChallengeResponses<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        for (key, value) in self.answers {
            map.serialize_entry(key.as_ref(), value)?;
        }
        if let Some(device_key) = self.device_key {
            map.serialize_entry(keys::DEVICE_KEY, device_key)?;
        }
        if let Some(hash) = self.secret_hash {
            map.serialize_entry(keys::SECRET_HASH, hash)?;
        }
        map.serialize_entry(keys::USERNAME, self.username)?;
        map.end()
    }
}

impl fmt::Debug for ChallengeResponses<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ChallengeResponses(<redacted>)")
    }
}

/// The output of InitiateAuth and RespondToAuthChallenge, borrowed from the body: the SRP
/// step reads it and lets go, allocating nothing.
#[derive(Debug, Default)]
pub(crate) struct AuthResponse<'a> {
    pub(crate) challenge_name: Option<Text<'a>>,
    pub(crate) session: Option<Text<'a>>,
    pub(crate) challenge_parameters: Option<ChallengeParameters<'a>>,
    pub(crate) authentication_result: Option<AuthenticationResult>,
    pub(crate) available_challenges: Vec<String>,
}

impl<'a> AuthResponse<'a> {
    pub(crate) fn read(reader: &mut JsonReader<'a>) -> read::Result<Self> {
        let mut out = Self::default();
        let names = [
            "ChallengeName",
            "Session",
            "ChallengeParameters",
            "AuthenticationResult",
            "AvailableChallenges",
        ];
        members(reader, &names, &mut |r, member| {
            match member {
                0 => out.challenge_name = optional(r, JsonReader::string)?,
                1 => out.session = optional(r, JsonReader::string)?,
                2 => out.challenge_parameters = optional(r, ChallengeParameters::read)?,
                3 => out.authentication_result = optional(r, AuthenticationResult::read)?,
                _ => out.available_challenges = strings(r)?,
            }
            Ok(())
        })?;
        Ok(out)
    }
}

/// An array of strings.
pub(crate) fn strings(reader: &mut JsonReader<'_>) -> read::Result<Vec<String>> {
    let mut out = Vec::new();
    reader.array(&mut |r| {
        out.push(r.string()?.into_string());
        Ok(())
    })?;
    Ok(out)
}

/// The output of GetTokensFromRefreshToken.
#[derive(Debug)]
pub(crate) struct RefreshResponse {
    pub(crate) authentication_result: Option<AuthenticationResult>,
}

impl RefreshResponse {
    pub(crate) fn read(reader: &mut JsonReader<'_>) -> read::Result<Self> {
        let mut authentication_result = None;
        members(reader, &["AuthenticationResult"], &mut |r, _| {
            authentication_result = optional(r, AuthenticationResult::read)?;
            Ok(())
        })?;
        Ok(Self {
            authentication_result,
        })
    }
}

/// `AuthenticationResultType`.
#[derive(Debug, Default)]
pub(crate) struct AuthenticationResult {
    pub(crate) access_token: Option<SecretString>,
    pub(crate) id_token: Option<SecretString>,
    pub(crate) refresh_token: Option<SecretString>,
    pub(crate) expires_in: Option<i64>,
    pub(crate) token_type: Option<String>,
    pub(crate) new_device_metadata: Option<NewDeviceMetadata>,
}

impl AuthenticationResult {
    fn read(reader: &mut JsonReader<'_>) -> read::Result<Self> {
        let mut out = Self::default();
        let names = [
            "AccessToken",
            "IdToken",
            "RefreshToken",
            "ExpiresIn",
            "TokenType",
            "NewDeviceMetadata",
        ];
        members(reader, &names, &mut |r, member| {
            match member {
                0 => out.access_token = read::secret(r)?,
                1 => out.id_token = read::secret(r)?,
                2 => out.refresh_token = read::secret(r)?,
                3 => out.expires_in = optional(r, JsonReader::integer)?,
                4 => out.token_type = read::text(r)?,
                _ => out.new_device_metadata = optional(r, NewDeviceMetadata::read)?,
            }
            Ok(())
        })?;
        Ok(out)
    }
}

/// `NewDeviceMetadataType`.
#[derive(Debug)]
pub(crate) struct NewDeviceMetadata {
    pub(crate) device_key: String,
    pub(crate) device_group_key: String,
}

impl NewDeviceMetadata {
    fn read(reader: &mut JsonReader<'_>) -> read::Result<Self> {
        let (device_key, device_group_key) = device_keys(reader, ["DeviceKey", "DeviceGroupKey"])?;
        Ok(Self {
            device_key,
            device_group_key,
        })
    }
}

/// A device's key and group key, under these two member names (both required).
pub(crate) fn device_keys(
    reader: &mut JsonReader<'_>,
    names: [&str; 2],
) -> read::Result<(String, String)> {
    let (mut key, mut group) = (None, None);
    members(reader, &names, &mut |r, member| {
        let value = Some(r.string()?.into_string());
        match member {
            0 => key = value,
            _ => group = value,
        }
        Ok(())
    })?;
    let [key_name, group_name] = names;
    Ok((
        required(reader, key, key_name)?,
        required(reader, group, group_name)?,
    ))
}
