//! Cognito's names for challenges, second factors and first factors. Each mapping is one
//! `match` from the typed value to its wire name; reading a name goes through the same match,
//! so the two directions cannot disagree.

use std::convert::Infallible;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// Every `ChallengeName` this crate knows, including the ones the machine answers itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ChallengeName {
    SmsMfa,
    SoftwareTokenMfa,
    EmailOtp,
    SmsOtp,
    SelectMfaType,
    MfaSetup,
    NewPasswordRequired,
    CustomChallenge,
    SelectChallenge,
    WebAuthn,
    DeviceSrpAuth,
    PasswordVerifier,
    DevicePasswordVerifier,
}

impl ChallengeName {
    /// Every variant, for reading a name back: a variant missing here would read as unknown.
    const ALL: [Self; 13] = [
        Self::SmsMfa,
        Self::SoftwareTokenMfa,
        Self::EmailOtp,
        Self::SmsOtp,
        Self::SelectMfaType,
        Self::MfaSetup,
        Self::NewPasswordRequired,
        Self::CustomChallenge,
        Self::SelectChallenge,
        Self::WebAuthn,
        Self::DeviceSrpAuth,
        Self::PasswordVerifier,
        Self::DevicePasswordVerifier,
    ];

    /// The wire name.
    pub(crate) const fn as_str(self) -> &'static str {
        match self {
            Self::SmsMfa => "SMS_MFA",
            Self::SoftwareTokenMfa => "SOFTWARE_TOKEN_MFA",
            Self::EmailOtp => "EMAIL_OTP",
            Self::SmsOtp => "SMS_OTP",
            Self::SelectMfaType => "SELECT_MFA_TYPE",
            Self::MfaSetup => "MFA_SETUP",
            Self::NewPasswordRequired => "NEW_PASSWORD_REQUIRED",
            Self::CustomChallenge => "CUSTOM_CHALLENGE",
            Self::SelectChallenge => "SELECT_CHALLENGE",
            Self::WebAuthn => "WEB_AUTHN",
            Self::DeviceSrpAuth => "DEVICE_SRP_AUTH",
            Self::PasswordVerifier => "PASSWORD_VERIFIER",
            Self::DevicePasswordVerifier => "DEVICE_PASSWORD_VERIFIER",
        }
    }

    /// `None` for a name this crate does not know. No allocation: the SRP step calls it.
    pub(crate) fn from_wire(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|known| known.as_str() == name)
    }
}

/// A second factor.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub enum MfaType {
    /// `SMS_MFA`.
    Sms,
    /// `SOFTWARE_TOKEN_MFA` (TOTP).
    SoftwareToken,
    /// `EMAIL_OTP`.
    Email,
    /// A name this crate does not know.
    Other(String),
}

impl MfaType {
    /// The challenge name Cognito uses for it (`SMS_MFA`, `SOFTWARE_TOKEN_MFA`, `EMAIL_OTP`).
    pub fn name(&self) -> &str {
        let challenge = match self {
            MfaType::Sms => ChallengeName::SmsMfa,
            MfaType::SoftwareToken => ChallengeName::SoftwareTokenMfa,
            MfaType::Email => ChallengeName::EmailOtp,
            MfaType::Other(name) => return name,
        };
        challenge.as_str()
    }

    /// The challenge name Cognito uses for it; the same as [`name`](Self::name).
    pub fn challenge_name(&self) -> &str {
        self.name()
    }

    /// The factor Cognito names so; an unknown name gives [`MfaType::Other`]. `EMAIL_MFA`, an
    /// older spelling of e-mail MFA, is read as [`MfaType::Email`].
    pub fn from_name(name: &str) -> Self {
        [MfaType::Sms, MfaType::SoftwareToken, MfaType::Email]
            .into_iter()
            .find(|known| known.name() == name)
            .unwrap_or_else(|| match name {
                "EMAIL_MFA" => MfaType::Email,
                other => MfaType::Other(other.to_owned()),
            })
    }
}

/// Never fails: an unknown name is [`MfaType::Other`].
impl FromStr for MfaType {
    type Err = Infallible;

    fn from_str(name: &str) -> Result<Self, Infallible> {
        Ok(Self::from_name(name))
    }
}

/// A first factor of choice-based sign-in (USER_AUTH).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub enum FirstFactor {
    /// `PASSWORD`: the password, sent over TLS.
    Password,
    /// `PASSWORD_SRP`: the password, proven by SRP.
    PasswordSrp,
    /// `EMAIL_OTP`: a code by e-mail.
    EmailOtp,
    /// `SMS_OTP`: a code by SMS.
    SmsOtp,
    /// `WEB_AUTHN`: a passkey.
    WebAuthn,
    /// A factor this crate does not know.
    Other(String),
}

impl FirstFactor {
    /// The name Cognito uses (`PREFERRED_CHALLENGE`, `AvailableChallenges`, SELECT_CHALLENGE's
    /// `ANSWER`).
    pub fn name(&self) -> &str {
        match self {
            FirstFactor::Password => "PASSWORD",
            FirstFactor::PasswordSrp => "PASSWORD_SRP",
            FirstFactor::EmailOtp => "EMAIL_OTP",
            FirstFactor::SmsOtp => "SMS_OTP",
            FirstFactor::WebAuthn => "WEB_AUTHN",
            FirstFactor::Other(name) => name,
        }
    }

    /// The factor Cognito names so; an unknown name gives [`FirstFactor::Other`].
    pub fn from_name(name: &str) -> Self {
        [
            FirstFactor::Password,
            FirstFactor::PasswordSrp,
            FirstFactor::EmailOtp,
            FirstFactor::SmsOtp,
            FirstFactor::WebAuthn,
        ]
        .into_iter()
        .find(|known| known.name() == name)
        .unwrap_or_else(|| FirstFactor::Other(name.to_owned()))
    }
}

/// Never fails: an unknown name is [`FirstFactor::Other`].
impl FromStr for FirstFactor {
    type Err = Infallible;

    fn from_str(name: &str) -> Result<Self, Infallible> {
        Ok(Self::from_name(name))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn challenge_names_read_back() {
        for name in ChallengeName::ALL {
            assert_eq!(ChallengeName::from_wire(name.as_str()), Some(name));
        }
        assert_eq!(ChallengeName::from_wire("QUANTUM_MFA"), None);
    }

    #[test]
    fn factor_names_read_back() {
        for mfa in [MfaType::Sms, MfaType::SoftwareToken, MfaType::Email] {
            assert_eq!(mfa.name().parse(), Ok(mfa));
        }
        assert_eq!(MfaType::from_name("EMAIL_MFA"), MfaType::Email);
        assert_eq!(MfaType::from_name("X"), MfaType::Other("X".into()));
        for factor in [
            FirstFactor::Password,
            FirstFactor::PasswordSrp,
            FirstFactor::EmailOtp,
            FirstFactor::SmsOtp,
            FirstFactor::WebAuthn,
        ] {
            assert_eq!(factor.name().parse(), Ok(factor));
        }
        assert_eq!(FirstFactor::from_name("X"), FirstFactor::Other("X".into()));
    }
}
