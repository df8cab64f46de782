//! MFA self-service: TOTP enrolment (AssociateSoftwareToken, VerifySoftwareToken) with an
//! access token or a sign-in Session, MFA preferences, and the legacy SetUserSettings.

use serde::{Deserialize, Serialize};

use super::call;
use super::types::{Empty, MfaOption, open_enum};
use crate::config::PoolConfig;
use crate::secret::SecretString;
use crate::wire::read::{self, JsonReader, members};

/// Who enrols: a signed-in user (access token) or a sign-in waiting at MFA_SETUP (Session).
#[derive(Debug, Clone)]
enum Principal {
    AccessToken(SecretString),
    Session(SecretString),
}

impl Principal {
    fn access_token(&self) -> Option<&str> {
        match self {
            Principal::AccessToken(token) => Some(token.expose()),
            Principal::Session(_) => None,
        }
    }

    fn session(&self) -> Option<&str> {
        match self {
            Principal::Session(session) => Some(session.expose()),
            Principal::AccessToken(_) => None,
        }
    }
}

/// `AssociateSoftwareToken`: starts TOTP enrolment and returns the shared secret to put in an
/// authenticator app. Then [`VerifySoftwareToken`] with a code from the app, then
/// [`SetUserMfaPreference`] to turn TOTP on.
///
/// [API reference](https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AssociateSoftwareToken.html).
/// The exceptions it can return: [`Operation::AssociateSoftwareToken`](crate::Operation::AssociateSoftwareToken)`.errors()`.
#[derive(Debug, Clone)]
pub struct AssociateSoftwareToken {
    principal: Principal,
}

impl AssociateSoftwareToken {
    /// For a signed-in user.
    pub fn with_access_token(access_token: impl Into<SecretString>) -> Self {
        Self {
            principal: Principal::AccessToken(access_token.into()),
        }
    }

    /// For a sign-in at the MFA_SETUP challenge, with its Session.
    pub fn with_session(session: impl Into<SecretString>) -> Self {
        Self {
            principal: Principal::Session(session.into()),
        }
    }

    fn wire(&self, _: &PoolConfig) -> PrincipalWire<'_> {
        PrincipalWire {
            access_token: self.principal.access_token(),
            session: self.principal.session(),
        }
    }
}
call!(
    AssociateSoftwareToken,
    AssociateSoftwareToken,
    SoftwareTokenSecret,
    read = SoftwareTokenSecret::read
);

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct PrincipalWire<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    access_token: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    session: Option<&'a str>,
}

/// `AssociateSoftwareTokenResponse`: the TOTP secret.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct SoftwareTokenSecret {
    /// The shared secret (base32), for the authenticator app's `otpauth://` URI.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret_code: Option<SecretString>,
    /// The next Session, when enrolling with one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session: Option<SecretString>,
}

impl SoftwareTokenSecret {
    fn read(reader: &mut JsonReader<'_>) -> read::Result<Self> {
        let mut out = Self::default();
        members(reader, &["SecretCode", "Session"], &mut |r, member| {
            let value = read::secret(r)?;
            match member {
                0 => out.secret_code = value,
                _ => out.session = value,
            }
            Ok(())
        })?;
        Ok(out)
    }
}

/// `VerifySoftwareToken`: proves the authenticator app works with a code from it.
///
/// [API reference](https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_VerifySoftwareToken.html).
/// The exceptions it can return: [`Operation::VerifySoftwareToken`](crate::Operation::VerifySoftwareToken)`.errors()`.
#[derive(Debug, Clone)]
pub struct VerifySoftwareToken {
    principal: Principal,
    user_code: SecretString,
    friendly_device_name: Option<String>,
}

impl VerifySoftwareToken {
    /// For a signed-in user, with the 6-digit `user_code`.
    pub fn with_access_token(
        access_token: impl Into<SecretString>,
        user_code: impl Into<SecretString>,
    ) -> Self {
        Self {
            principal: Principal::AccessToken(access_token.into()),
            user_code: user_code.into(),
            friendly_device_name: None,
        }
    }

    /// For a sign-in at MFA_SETUP, with the Session AssociateSoftwareToken returned.
    pub fn with_session(
        session: impl Into<SecretString>,
        user_code: impl Into<SecretString>,
    ) -> Self {
        Self {
            principal: Principal::Session(session.into()),
            user_code: user_code.into(),
            friendly_device_name: None,
        }
    }

    /// A name for the authenticator (`"Phone"`), shown in the user's MFA settings.
    #[must_use]
    pub fn with_friendly_device_name(mut self, name: impl Into<String>) -> Self {
        self.friendly_device_name = Some(name.into());
        self
    }

    fn wire(&self, _: &PoolConfig) -> VerifySoftwareTokenWire<'_> {
        VerifySoftwareTokenWire {
            access_token: self.principal.access_token(),
            session: self.principal.session(),
            user_code: self.user_code.expose(),
            friendly_device_name: self.friendly_device_name.as_deref(),
        }
    }
}
call!(
    VerifySoftwareToken,
    VerifySoftwareToken,
    VerifySoftwareTokenOutput,
    read = VerifySoftwareTokenOutput::read
);

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct VerifySoftwareTokenWire<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    access_token: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    session: Option<&'a str>,
    user_code: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    friendly_device_name: Option<&'a str>,
}

open_enum! {
    /// `VerifySoftwareTokenResponseType`.
    VerifySoftwareTokenStatus {
        /// The code was right: the authenticator is registered.
        Success => "SUCCESS",
        /// It was not (a wrong code, clock skew, too many tries).
        Error => "ERROR",
    }
}

/// `VerifySoftwareTokenResponse`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct VerifySoftwareTokenOutput {
    /// SUCCESS or ERROR.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<VerifySoftwareTokenStatus>,
    /// The Session to answer MFA_SETUP with, when enrolling during sign-in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session: Option<SecretString>,
}

impl VerifySoftwareTokenOutput {
    fn read(reader: &mut JsonReader<'_>) -> read::Result<Self> {
        let mut out = Self::default();
        members(reader, &["Status", "Session"], &mut |r, member| {
            match member {
                0 => out.status = read::text(r)?.map(|s| VerifySoftwareTokenStatus::from_wire(&s)),
                _ => out.session = read::secret(r)?,
            }
            Ok(())
        })?;
        Ok(out)
    }

    /// True when the status is SUCCESS.
    pub fn is_success(&self) -> bool {
        self.status == Some(VerifySoftwareTokenStatus::Success)
    }
}

/// `SMSMfaSettingsType`, `SoftwareTokenMfaSettingsType`, `EmailMfaSettingsType`: whether a
/// method is on and whether it is the preferred one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct MfaSettings {
    /// The method may be used.
    pub enabled: bool,
    /// The method is used by default.
    #[serde(rename = "PreferredMfa")]
    pub preferred: bool,
}

impl MfaSettings {
    /// Turns the method on, preferred or not.
    pub fn enabled(preferred: bool) -> Self {
        Self {
            enabled: true,
            preferred,
        }
    }

    /// Turns the method off.
    pub fn disabled() -> Self {
        Self::default()
    }
}

/// `WebAuthnMfaSettingsType`.
#[derive(Debug, Clone, Copy, Serialize)]
#[serde(rename_all = "PascalCase")]
struct WebAuthnMfaSettings {
    enabled: bool,
}

/// `SetUserMFAPreference`: which MFA methods the signed-in user has on, and the preferred one.
/// Methods left unset are not changed.
///
/// [API reference](https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_SetUserMFAPreference.html).
/// The exceptions it can return: [`Operation::SetUserMFAPreference`](crate::Operation::SetUserMFAPreference)`.errors()`.
#[derive(Debug, Clone)]
pub struct SetUserMfaPreference {
    access_token: SecretString,
    sms: Option<MfaSettings>,
    software_token: Option<MfaSettings>,
    email: Option<MfaSettings>,
    web_authn: Option<bool>,
}

impl SetUserMfaPreference {
    /// For the user of `access_token`; add the methods to change with `with_*`.
    pub fn new(access_token: impl Into<SecretString>) -> Self {
        Self {
            access_token: access_token.into(),
            sms: None,
            software_token: None,
            email: None,
            web_authn: None,
        }
    }

    /// SMS codes.
    #[must_use]
    pub fn with_sms(mut self, settings: MfaSettings) -> Self {
        self.sms = Some(settings);
        self
    }

    /// An authenticator app (TOTP).
    #[must_use]
    pub fn with_software_token(mut self, settings: MfaSettings) -> Self {
        self.software_token = Some(settings);
        self
    }

    /// E-mail codes.
    #[must_use]
    pub fn with_email(mut self, settings: MfaSettings) -> Self {
        self.email = Some(settings);
        self
    }

    /// Passkeys as a second factor (user verification counts as MFA).
    #[must_use]
    pub fn with_web_authn(mut self, enabled: bool) -> Self {
        self.web_authn = Some(enabled);
        self
    }

    fn wire(&self, _: &PoolConfig) -> SetUserMfaPreferenceWire<'_> {
        SetUserMfaPreferenceWire {
            sms_mfa_settings: self.sms,
            software_token_mfa_settings: self.software_token,
            email_mfa_settings: self.email,
            web_authn_mfa_settings: self
                .web_authn
                .map(|enabled| WebAuthnMfaSettings { enabled }),
            access_token: self.access_token.expose(),
        }
    }
}
call!(SetUserMfaPreference, SetUserMFAPreference, Empty);

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct SetUserMfaPreferenceWire<'a> {
    #[serde(rename = "SMSMfaSettings", skip_serializing_if = "Option::is_none")]
    sms_mfa_settings: Option<MfaSettings>,
    #[serde(skip_serializing_if = "Option::is_none")]
    software_token_mfa_settings: Option<MfaSettings>,
    #[serde(skip_serializing_if = "Option::is_none")]
    email_mfa_settings: Option<MfaSettings>,
    #[serde(skip_serializing_if = "Option::is_none")]
    web_authn_mfa_settings: Option<WebAuthnMfaSettings>,
    access_token: &'a str,
}

/// `SetUserSettings`: the legacy way to set SMS MFA. The service documents it as no longer
/// supported; use [`SetUserMfaPreference`].
///
/// [API reference](https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_SetUserSettings.html).
/// The exceptions it can return: [`Operation::SetUserSettings`](crate::Operation::SetUserSettings)`.errors()`.
#[derive(Debug, Clone)]
pub struct SetUserSettings {
    access_token: SecretString,
    mfa_options: Vec<MfaOption>,
}

impl SetUserSettings {
    /// Sets `mfa_options` (e.g. `[MfaOption::sms()]`, or none to turn SMS MFA off).
    pub fn new(access_token: impl Into<SecretString>, mfa_options: Vec<MfaOption>) -> Self {
        Self {
            access_token: access_token.into(),
            mfa_options,
        }
    }

    fn wire(&self, _: &PoolConfig) -> SetUserSettingsWire<'_> {
        SetUserSettingsWire {
            access_token: self.access_token.expose(),
            mfa_options: &self.mfa_options,
        }
    }
}
call!(SetUserSettings, SetUserSettings, Empty);

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct SetUserSettingsWire<'a> {
    access_token: &'a str,
    #[serde(rename = "MFAOptions")]
    mfa_options: &'a [MfaOption],
}
