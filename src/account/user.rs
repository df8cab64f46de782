//! The signed-in user's own profile: GetUser, attributes, deletion, sign-out, revocation,
//! auth factors and threat-protection feedback.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::types::{Attribute, AuthFactor, CodeDeliveryDetails, CodeSent, Empty, MfaOption, find};
use super::{call, wire};
use crate::config::PoolConfig;
use crate::secret::SecretString;

/// Request shape with only `AccessToken`.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct AccessTokenOnly<'a> {
    access_token: &'a str,
}

/// `GetUser`: the signed-in user's name, attributes and MFA settings.
///
/// [API reference](https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_GetUser.html).
/// The exceptions it can return: [`Operation::GetUser`](crate::Operation::GetUser)`.errors()`.
#[derive(Debug, Clone)]
pub struct GetUser {
    access_token: SecretString,
}

impl GetUser {
    /// For the user of this access token ([`Tokens::access_token`](crate::Tokens::access_token)).
    pub fn new(access_token: impl Into<SecretString>) -> Self {
        Self {
            access_token: access_token.into(),
        }
    }

    fn wire(&self, _: &PoolConfig) -> AccessTokenOnly<'_> {
        AccessTokenOnly {
            access_token: self.access_token.expose(),
        }
    }
}
call!(GetUser, GetUser, User);

/// `GetUserResponse`: the user's profile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct User {
    /// Cognito's internal user name (a UUID in pools that sign in with e-mail).
    pub username: String,
    /// Every attribute the app client may read.
    #[serde(default)]
    pub user_attributes: Vec<Attribute>,
    /// Legacy SMS MFA options.
    #[serde(default, rename = "MFAOptions", skip_serializing_if = "Vec::is_empty")]
    pub mfa_options: Vec<MfaOption>,
    /// The preferred MFA method (`SMS_MFA`, `SOFTWARE_TOKEN_MFA`, `EMAIL_OTP`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preferred_mfa_setting: Option<String>,
    /// The MFA methods the user has turned on.
    #[serde(
        default,
        rename = "UserMFASettingList",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub user_mfa_setting_list: Vec<String>,
}

impl User {
    /// The value of the attribute `name` (`email`, `sub`, `custom:team`...).
    pub fn attribute(&self, name: &str) -> Option<&str> {
        find(&self.user_attributes, name)
    }

    /// The attributes as a map from name to value (attributes without a value are left out).
    pub fn attribute_map(&self) -> BTreeMap<&str, &str> {
        self.user_attributes
            .iter()
            .filter_map(|a| a.value.as_deref().map(|v| (a.name.as_str(), v)))
            .collect()
    }
}

/// `UpdateUserAttributes`: sets attributes of the signed-in user. Changing an attribute that
/// the pool verifies (e-mail, phone) sends a code: finish with [`VerifyUserAttribute`].
///
/// [API reference](https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_UpdateUserAttributes.html).
/// The exceptions it can return: [`Operation::UpdateUserAttributes`](crate::Operation::UpdateUserAttributes)`.errors()`.
#[derive(Debug, Clone)]
pub struct UpdateUserAttributes {
    access_token: SecretString,
    attributes: Vec<Attribute>,
    client_metadata: Option<BTreeMap<String, String>>,
}

impl UpdateUserAttributes {
    /// Sets `attributes` (name, value) for the user of `access_token`.
    pub fn new<N: Into<String>, V: Into<String>>(
        access_token: impl Into<SecretString>,
        attributes: impl IntoIterator<Item = (N, V)>,
    ) -> Self {
        Self {
            access_token: access_token.into(),
            attributes: attributes
                .into_iter()
                .map(|(n, v)| Attribute::new(n, v))
                .collect(),
            client_metadata: None,
        }
    }

    /// `ClientMetadata` for the custom-message Lambda trigger, in place of the configured one.
    #[must_use]
    pub fn with_client_metadata(mut self, metadata: BTreeMap<String, String>) -> Self {
        self.client_metadata = Some(metadata);
        self
    }

    fn wire<'a>(&'a self, config: &'a PoolConfig) -> UpdateUserAttributesWire<'a> {
        UpdateUserAttributesWire {
            user_attributes: &self.attributes,
            access_token: self.access_token.expose(),
            client_metadata: wire::metadata(config, self.client_metadata.as_ref()),
        }
    }
}
call!(
    UpdateUserAttributes,
    UpdateUserAttributes,
    UpdateUserAttributesOutput
);

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct UpdateUserAttributesWire<'a> {
    user_attributes: &'a [Attribute],
    access_token: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    client_metadata: Option<&'a BTreeMap<String, String>>,
}

/// `UpdateUserAttributesResponse`: where verification codes went.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct UpdateUserAttributesOutput {
    /// One entry per attribute that now waits for verification.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub code_delivery_details_list: Vec<CodeDeliveryDetails>,
}

/// `VerifyUserAttribute`: confirms an attribute with the code Cognito sent.
///
/// [API reference](https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_VerifyUserAttribute.html).
/// The exceptions it can return: [`Operation::VerifyUserAttribute`](crate::Operation::VerifyUserAttribute)`.errors()`.
#[derive(Debug, Clone)]
pub struct VerifyUserAttribute {
    access_token: SecretString,
    attribute_name: String,
    code: SecretString,
}

impl VerifyUserAttribute {
    /// Verifies `attribute_name` (`email`, `phone_number`) with `code`.
    pub fn new(
        access_token: impl Into<SecretString>,
        attribute_name: impl Into<String>,
        code: impl Into<SecretString>,
    ) -> Self {
        Self {
            access_token: access_token.into(),
            attribute_name: attribute_name.into(),
            code: code.into(),
        }
    }

    fn wire(&self, _: &PoolConfig) -> VerifyUserAttributeWire<'_> {
        VerifyUserAttributeWire {
            access_token: self.access_token.expose(),
            attribute_name: &self.attribute_name,
            code: self.code.expose(),
        }
    }
}
call!(VerifyUserAttribute, VerifyUserAttribute, Empty);

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct VerifyUserAttributeWire<'a> {
    access_token: &'a str,
    attribute_name: &'a str,
    code: &'a str,
}

/// `GetUserAttributeVerificationCode`: (re)sends the code that verifies an attribute.
///
/// [API reference](https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_GetUserAttributeVerificationCode.html).
/// The exceptions it can return: [`Operation::GetUserAttributeVerificationCode`](crate::Operation::GetUserAttributeVerificationCode)`.errors()`.
#[derive(Debug, Clone)]
pub struct GetUserAttributeVerificationCode {
    access_token: SecretString,
    attribute_name: String,
    client_metadata: Option<BTreeMap<String, String>>,
}

impl GetUserAttributeVerificationCode {
    /// Sends a code for `attribute_name`.
    pub fn new(access_token: impl Into<SecretString>, attribute_name: impl Into<String>) -> Self {
        Self {
            access_token: access_token.into(),
            attribute_name: attribute_name.into(),
            client_metadata: None,
        }
    }

    /// `ClientMetadata` for the custom-message Lambda trigger, in place of the configured one.
    #[must_use]
    pub fn with_client_metadata(mut self, metadata: BTreeMap<String, String>) -> Self {
        self.client_metadata = Some(metadata);
        self
    }

    fn wire<'a>(&'a self, config: &'a PoolConfig) -> GetUserAttributeVerificationCodeWire<'a> {
        GetUserAttributeVerificationCodeWire {
            access_token: self.access_token.expose(),
            attribute_name: &self.attribute_name,
            client_metadata: wire::metadata(config, self.client_metadata.as_ref()),
        }
    }
}
call!(
    GetUserAttributeVerificationCode,
    GetUserAttributeVerificationCode,
    CodeSent
);

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct GetUserAttributeVerificationCodeWire<'a> {
    access_token: &'a str,
    attribute_name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    client_metadata: Option<&'a BTreeMap<String, String>>,
}

/// `DeleteUserAttributes`: removes attributes from the signed-in user.
///
/// [API reference](https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_DeleteUserAttributes.html).
/// The exceptions it can return: [`Operation::DeleteUserAttributes`](crate::Operation::DeleteUserAttributes)`.errors()`.
#[derive(Debug, Clone)]
pub struct DeleteUserAttributes {
    access_token: SecretString,
    names: Vec<String>,
}

impl DeleteUserAttributes {
    /// Deletes the attributes called `names`.
    pub fn new<N: Into<String>>(
        access_token: impl Into<SecretString>,
        names: impl IntoIterator<Item = N>,
    ) -> Self {
        Self {
            access_token: access_token.into(),
            names: names.into_iter().map(Into::into).collect(),
        }
    }

    fn wire(&self, _: &PoolConfig) -> DeleteUserAttributesWire<'_> {
        DeleteUserAttributesWire {
            user_attribute_names: &self.names,
            access_token: self.access_token.expose(),
        }
    }
}
call!(DeleteUserAttributes, DeleteUserAttributes, Empty);

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct DeleteUserAttributesWire<'a> {
    user_attribute_names: &'a [String],
    access_token: &'a str,
}

/// Declares a call whose only input is the access token.
macro_rules! access_token_call {
    ($(#[$doc:meta])* $ty:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone)]
        pub struct $ty {
            access_token: SecretString,
        }

        impl $ty {
            /// For the user of this access token.
            pub fn new(access_token: impl Into<SecretString>) -> Self {
                Self { access_token: access_token.into() }
            }

            fn wire(&self, _: &PoolConfig) -> AccessTokenOnly<'_> {
                AccessTokenOnly { access_token: self.access_token.expose() }
            }
        }
    };
}
pub(super) use access_token_call;

access_token_call! {
    /// `DeleteUser`: deletes the signed-in user's profile. The tokens stop working.
    ///
    /// [API reference](https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_DeleteUser.html).
    /// The exceptions it can return: [`Operation::DeleteUser`](crate::Operation::DeleteUser)`.errors()`.
    DeleteUser
}
call!(DeleteUser, DeleteUser, Empty);

access_token_call! {
    /// `GlobalSignOut`: invalidates every token Cognito issued to the user, on every device.
    /// Refreshing afterwards fails with `NotAuthorizedException` ("Refresh Token has been
    /// revoked"); ID and access tokens stay valid to anyone who only checks signatures until
    /// they expire.
    ///
    /// [API reference](https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_GlobalSignOut.html).
    /// The exceptions it can return: [`Operation::GlobalSignOut`](crate::Operation::GlobalSignOut)`.errors()`.
    GlobalSignOut
}
call!(GlobalSignOut, GlobalSignOut, Empty);

access_token_call! {
    /// `GetUserAuthFactors`: the ways the signed-in user can sign in and their MFA settings.
    ///
    /// [API reference](https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_GetUserAuthFactors.html).
    /// The exceptions it can return: [`Operation::GetUserAuthFactors`](crate::Operation::GetUserAuthFactors)`.errors()`.
    GetUserAuthFactors
}
call!(GetUserAuthFactors, GetUserAuthFactors, AuthFactors);

/// `GetUserAuthFactorsResponse`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct AuthFactors {
    /// Cognito's internal user name.
    pub username: String,
    /// The preferred MFA method.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preferred_mfa_setting: Option<String>,
    /// The MFA methods the user has turned on.
    #[serde(
        default,
        rename = "UserMFASettingList",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub user_mfa_setting_list: Vec<String>,
    /// The first factors the user can sign in with (USER_AUTH).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub configured_user_auth_factors: Vec<AuthFactor>,
}

/// `RevokeToken`: revokes a refresh token and the access tokens issued with it. Sends the
/// app client's raw secret (not a SECRET_HASH) when it has one.
///
/// [API reference](https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_RevokeToken.html).
/// The exceptions it can return: [`Operation::RevokeToken`](crate::Operation::RevokeToken)`.errors()`.
#[derive(Debug, Clone)]
pub struct RevokeToken {
    refresh_token: SecretString,
}

impl RevokeToken {
    /// Revokes `refresh_token` ([`Tokens::refresh_token`](crate::Tokens::refresh_token)).
    pub fn new(refresh_token: impl Into<SecretString>) -> Self {
        Self {
            refresh_token: refresh_token.into(),
        }
    }

    fn wire<'a>(&'a self, config: &'a PoolConfig) -> RevokeTokenWire<'a> {
        RevokeTokenWire {
            token: self.refresh_token.expose(),
            client_id: config.client_id(),
            client_secret: config.client_secret().map(SecretString::expose),
        }
    }
}
call!(RevokeToken, RevokeToken, Empty);

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct RevokeTokenWire<'a> {
    token: &'a str,
    client_id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    client_secret: Option<&'a str>,
}

/// `FeedbackValueType`: whether a risky sign-in was really the user.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[non_exhaustive]
pub enum FeedbackValue {
    /// It was the user.
    Valid,
    /// It was not.
    Invalid,
}

/// `UpdateAuthEventFeedback`: tells threat protection whether a sign-in it flagged was the
/// user's, with the feedback token from the notification e-mail. Needs no access token.
///
/// [API reference](https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_UpdateAuthEventFeedback.html).
/// The exceptions it can return: [`Operation::UpdateAuthEventFeedback`](crate::Operation::UpdateAuthEventFeedback)`.errors()`.
#[derive(Debug, Clone)]
pub struct UpdateAuthEventFeedback {
    username: String,
    event_id: String,
    feedback_token: SecretString,
    value: FeedbackValue,
}

impl UpdateAuthEventFeedback {
    /// Feedback on event `event_id` of `username`. The pool id comes from the configuration.
    pub fn new(
        username: impl Into<String>,
        event_id: impl Into<String>,
        feedback_token: impl Into<SecretString>,
        value: FeedbackValue,
    ) -> Self {
        Self {
            username: username.into(),
            event_id: event_id.into(),
            feedback_token: feedback_token.into(),
            value,
        }
    }

    fn wire<'a>(&'a self, config: &'a PoolConfig) -> UpdateAuthEventFeedbackWire<'a> {
        UpdateAuthEventFeedbackWire {
            user_pool_id: config.user_pool_id(),
            username: &self.username,
            event_id: &self.event_id,
            feedback_token: self.feedback_token.expose(),
            feedback_value: self.value,
        }
    }
}
call!(UpdateAuthEventFeedback, UpdateAuthEventFeedback, Empty);

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct UpdateAuthEventFeedbackWire<'a> {
    user_pool_id: &'a str,
    username: &'a str,
    event_id: &'a str,
    feedback_token: &'a str,
    feedback_value: FeedbackValue,
}
