//! Challenges Cognito asks during sign-in, typed, and the answers the app gives.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::names::{ChallengeName, FirstFactor, MfaType};
use crate::error::PeerMisbehaved;
use crate::secret::SecretString;
use crate::wire::read;
use crate::wire::{self, keys};

/// A challenge the app must answer with [`SignIn::answer`](crate::SignIn::answer).
///
/// New challenge names the service adds arrive as [`Challenge::Unsupported`], never as an
/// error, so an app can still show something and start over.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Challenge {
    /// `SMS_MFA`: a code was sent by SMS. Answer with [`ChallengeAnswer::Code`].
    SmsMfa(CodeDelivery),
    /// `SOFTWARE_TOKEN_MFA`: the code from the user's authenticator app.
    /// Answer with [`ChallengeAnswer::Code`].
    SoftwareTokenMfa,
    /// `EMAIL_OTP`: a code was e-mailed. Answer with [`ChallengeAnswer::Code`].
    EmailOtp(CodeDelivery),
    /// `SMS_OTP` (passwordless USER_AUTH): a code was sent by SMS. Answer with
    /// [`ChallengeAnswer::Code`].
    SmsOtp(CodeDelivery),
    /// `SELECT_MFA_TYPE`: the user picks one of these. Answer with
    /// [`ChallengeAnswer::SelectMfaType`].
    SelectMfaType(Vec<MfaType>),
    /// `MFA_SETUP`: the user must enrol one of these factors before signing in. Answer with
    /// [`ChallengeAnswer::SetUpTotp`] or [`ChallengeAnswer::SetUpEmail`].
    MfaSetup(Vec<MfaType>),
    /// `NEW_PASSWORD_REQUIRED`: the user must choose a password (an admin-created account).
    /// Answer with [`ChallengeAnswer::NewPassword`], giving every name in `required_attributes`.
    NewPasswordRequired {
        /// The user's current attributes, minus those that must not be sent back.
        user_attributes: BTreeMap<String, String>,
        /// Attributes the user must supply (names without the `userAttributes.` prefix).
        required_attributes: Vec<String>,
    },
    /// `CUSTOM_CHALLENGE`: the public parameters your Create-Auth-Challenge trigger set.
    /// Answer with [`ChallengeAnswer::Custom`].
    Custom(BTreeMap<String, String>),
    /// `SELECT_CHALLENGE` (USER_AUTH): the first factors the user may use. Answer with
    /// [`ChallengeAnswer::SelectFirstFactor`], or with [`ChallengeAnswer::Password`] to use a
    /// password (by SRP when offered).
    SelectChallenge(Vec<FirstFactor>),
    /// TOTP enrolment during MFA_SETUP, after [`ChallengeAnswer::SetUpTotp`]: show the secret
    /// (or its QR code), then answer with [`ChallengeAnswer::VerifyTotp`].
    TotpSetup(TotpSetup),
    /// `WEB_AUTHN`: pass `credential_request_options` (PublicKeyCredentialRequestOptions JSON)
    /// to the platform authenticator and answer with [`ChallengeAnswer::WebAuthnCredential`].
    WebAuthn {
        /// `CREDENTIAL_REQUEST_OPTIONS`, JSON.
        credential_request_options: String,
    },
    /// `DEVICE_SRP_AUTH`: the pool wants a remembered device's proof, but this sign-in has no
    /// device credentials. Start again with the device, or without `DEVICE_KEY`.
    DeviceSrpAuth,
    /// A challenge this crate does not know.
    Unsupported {
        /// `ChallengeName` as sent.
        name: String,
        /// `ChallengeParameters` as sent.
        parameters: BTreeMap<String, String>,
    },
}

/// Where a one-time code was sent.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CodeDelivery {
    /// `CODE_DELIVERY_DESTINATION`, masked (`+*******1234`, `a***@e***`).
    pub destination: Option<String>,
    /// `CODE_DELIVERY_DELIVERY_MEDIUM`: `SMS` or `EMAIL`.
    pub medium: Option<String>,
}

/// The app's answer to a [`Challenge`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ChallengeAnswer {
    /// The one-time code for SMS_MFA, SOFTWARE_TOKEN_MFA, EMAIL_OTP or SMS_OTP.
    Code(SecretString),
    /// The chosen factor for SELECT_MFA_TYPE.
    SelectMfaType(MfaType),
    /// The new password and the required attributes for NEW_PASSWORD_REQUIRED.
    NewPassword {
        /// The password the user chose.
        password: SecretString,
        /// Values for the required attributes (and any writable attribute to change).
        attributes: BTreeMap<String, String>,
    },
    /// The answer to a CUSTOM_CHALLENGE.
    Custom(SecretString),
    /// The authenticator's response (AuthenticationResponseJSON) to a WEB_AUTHN challenge.
    WebAuthnCredential(String),
    /// MFA_SETUP: enrol an authenticator app. The machine calls AssociateSoftwareToken and
    /// answers with [`Challenge::TotpSetup`].
    SetUpTotp,
    /// TOTP enrolment: the first code from the authenticator app, and an optional name for it.
    /// The machine calls VerifySoftwareToken, then completes MFA_SETUP itself.
    VerifyTotp {
        /// The 6-digit code.
        code: SecretString,
        /// `FriendlyDeviceName` shown in the user's MFA settings.
        friendly_name: Option<String>,
    },
    /// MFA_SETUP: use e-mail codes, sent to this address.
    SetUpEmail(String),
    /// SELECT_CHALLENGE: the first factor to use. PASSWORD and PASSWORD_SRP use the password
    /// the sign-in was created with.
    SelectFirstFactor(FirstFactor),
    /// SELECT_CHALLENGE: sign in with this password, by SRP when the pool offers it (the
    /// password then never leaves the device), else by PASSWORD.
    Password(SecretString),
}

impl ChallengeAnswer {
    /// A one-time code.
    pub fn code(code: impl Into<String>) -> Self {
        ChallengeAnswer::Code(SecretString::new(code))
    }
}

/// An authenticator-app secret being enrolled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TotpSetup {
    secret: SecretString,
    issuer: String,
    account: String,
}

impl TotpSetup {
    pub(crate) fn new(secret: SecretString, issuer: String, account: String) -> Self {
        Self {
            secret,
            issuer,
            account,
        }
    }

    /// The base32 secret (`SecretCode`), for manual entry.
    pub fn secret(&self) -> &SecretString {
        &self.secret
    }

    /// The `otpauth://totp/...` URI to show as a QR code (SHA1, 6 digits, 30 s). The issuer
    /// and account label come from [`SignIn::with_totp_label`](crate::SignIn::with_totp_label).
    pub fn uri(&self) -> String {
        crate::totp::otpauth_uri(self.secret.expose(), &self.issuer, &self.account)
    }
}

/// Attributes Cognito sends in NEW_PASSWORD_REQUIRED that it refuses to take back.
const READ_ONLY_ATTRIBUTES: &[&str] = &["email_verified", "phone_number_verified", "sub"];

/// True for attributes Cognito never takes back in NEW_PASSWORD_REQUIRED.
pub(crate) fn is_read_only_attribute(name: &str) -> bool {
    READ_ONLY_ATTRIBUTES.contains(&name)
}

impl Challenge {
    /// The `ChallengeName` this challenge answers: [`Challenge::TotpSetup`] is part of
    /// `MFA_SETUP`, [`Challenge::Unsupported`] gives the name as sent.
    pub fn name(&self) -> &str {
        let known = match self {
            Challenge::SmsMfa(_) => ChallengeName::SmsMfa,
            Challenge::SoftwareTokenMfa => ChallengeName::SoftwareTokenMfa,
            Challenge::EmailOtp(_) => ChallengeName::EmailOtp,
            Challenge::SmsOtp(_) => ChallengeName::SmsOtp,
            Challenge::SelectMfaType(_) => ChallengeName::SelectMfaType,
            Challenge::MfaSetup(_) | Challenge::TotpSetup(_) => ChallengeName::MfaSetup,
            Challenge::NewPasswordRequired { .. } => ChallengeName::NewPasswordRequired,
            Challenge::Custom(_) => ChallengeName::CustomChallenge,
            Challenge::SelectChallenge(_) => ChallengeName::SelectChallenge,
            Challenge::WebAuthn { .. } => ChallengeName::WebAuthn,
            Challenge::DeviceSrpAuth => ChallengeName::DeviceSrpAuth,
            Challenge::Unsupported { name, .. } => return name,
        };
        known.as_str()
    }

    /// Types a challenge from its name and parameters (and, for SELECT_CHALLENGE, the
    /// response's `AvailableChallenges`). The SRP verifiers never get here: the machine
    /// answers them, so a stray one is [`Challenge::Unsupported`] like any unknown name.
    pub(crate) fn parse(
        name: &str,
        parameters: &BTreeMap<String, String>,
        available: &[String],
    ) -> Result<Self, PeerMisbehaved> {
        let delivery = || CodeDelivery {
            destination: parameters.get(keys::CODE_DELIVERY_DESTINATION).cloned(),
            medium: parameters.get(keys::CODE_DELIVERY_DELIVERY_MEDIUM).cloned(),
        };
        Ok(match ChallengeName::from_wire(name) {
            Some(ChallengeName::SmsMfa) => Challenge::SmsMfa(delivery()),
            Some(ChallengeName::SoftwareTokenMfa) => Challenge::SoftwareTokenMfa,
            Some(ChallengeName::EmailOtp) => Challenge::EmailOtp(delivery()),
            Some(ChallengeName::SmsOtp) => Challenge::SmsOtp(delivery()),
            Some(ChallengeName::SelectMfaType) => {
                Challenge::SelectMfaType(mfa_list(name, parameters, keys::MFAS_CAN_CHOOSE)?)
            }
            Some(ChallengeName::MfaSetup) => {
                Challenge::MfaSetup(mfa_list(name, parameters, keys::MFAS_CAN_SETUP)?)
            }
            Some(ChallengeName::NewPasswordRequired) => new_password_required(name, parameters)?,
            Some(ChallengeName::CustomChallenge) => Challenge::Custom(parameters.clone()),
            Some(ChallengeName::SelectChallenge) => Challenge::SelectChallenge(
                available
                    .iter()
                    .map(|n| FirstFactor::from_name(n))
                    .collect(),
            ),
            Some(ChallengeName::WebAuthn) => Challenge::WebAuthn {
                credential_request_options: parameters
                    .get(keys::CREDENTIAL_REQUEST_OPTIONS)
                    .cloned()
                    .ok_or_else(|| missing(name, keys::CREDENTIAL_REQUEST_OPTIONS))?,
            },
            Some(ChallengeName::DeviceSrpAuth) => Challenge::DeviceSrpAuth,
            Some(ChallengeName::PasswordVerifier | ChallengeName::DevicePasswordVerifier)
            | None => Challenge::Unsupported {
                name: name.to_owned(),
                parameters: parameters.clone(),
            },
        })
    }
}

fn missing(challenge: &str, parameter: &'static str) -> PeerMisbehaved {
    PeerMisbehaved::MissingChallengeParameter {
        challenge: challenge.to_owned(),
        parameter,
    }
}

fn invalid(challenge: &str, parameter: &'static str, reason: impl Into<String>) -> PeerMisbehaved {
    PeerMisbehaved::InvalidChallengeParameter {
        challenge: challenge.to_owned(),
        parameter,
        reason: reason.into(),
    }
}

/// A JSON array of strings, as documented; moto sends a Python list (`['SMS_MFA']`), which
/// is read too. An absent parameter is an empty list.
fn string_list(
    challenge: &str,
    parameters: &BTreeMap<String, String>,
    key: &'static str,
) -> Result<Vec<String>, PeerMisbehaved> {
    let Some(raw) = parameters.get(key) else {
        return Ok(Vec::new());
    };
    let list = |text: &[u8]| read::whole(text, wire::strings);
    list(raw.as_bytes())
        .or_else(|_| list(raw.replace('\'', "\"").as_bytes()))
        .map_err(|e| invalid(challenge, key, e.to_string()))
}

fn mfa_list(
    challenge: &str,
    parameters: &BTreeMap<String, String>,
    key: &'static str,
) -> Result<Vec<MfaType>, PeerMisbehaved> {
    Ok(string_list(challenge, parameters, key)?
        .iter()
        .map(|n| MfaType::from_name(n))
        .collect())
}

fn new_password_required(
    name: &str,
    parameters: &BTreeMap<String, String>,
) -> Result<Challenge, PeerMisbehaved> {
    let mut user_attributes = BTreeMap::new();
    if let Some(raw) = parameters.get(keys::USER_ATTRIBUTES) {
        // A string value is unescaped, anything else (a number, `true`) kept as its JSON text;
        // a repeated name keeps its last value.
        read::whole(raw.as_bytes(), |reader| {
            reader.object(&mut |r, key| {
                let value = if r.peek_string() {
                    r.string()?.into_string()
                } else {
                    r.raw()?.to_owned()
                };
                if !is_read_only_attribute(key.as_str()) {
                    user_attributes.insert(key.into_string(), value);
                }
                Ok(())
            })
        })
        .map_err(|e| invalid(name, keys::USER_ATTRIBUTES, e.to_string()))?;
    }
    let required_attributes = string_list(name, parameters, keys::REQUIRED_ATTRIBUTES)?
        .into_iter()
        .map(|a| {
            a.strip_prefix(keys::USER_ATTRIBUTES_PREFIX)
                .map_or(a.clone(), str::to_owned)
        })
        .collect();
    Ok(Challenge::NewPasswordRequired {
        user_attributes,
        required_attributes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn mfa_lists_json_and_python_style() {
        let c = Challenge::parse(
            "MFA_SETUP",
            &params(&[("MFAS_CAN_SETUP", "['SOFTWARE_TOKEN_MFA']")]),
            &[],
        );
        assert_eq!(c, Ok(Challenge::MfaSetup(vec![MfaType::SoftwareToken])));
        let c = Challenge::parse(
            "SELECT_MFA_TYPE",
            &params(&[("MFAS_CAN_CHOOSE", r#"["SMS_MFA","EMAIL_OTP"]"#)]),
            &[],
        );
        assert_eq!(
            c,
            Ok(Challenge::SelectMfaType(vec![MfaType::Sms, MfaType::Email]))
        );
        let c = Challenge::parse(
            "SELECT_MFA_TYPE",
            &params(&[("MFAS_CAN_CHOOSE", "[1,")]),
            &[],
        );
        assert!(matches!(
            c,
            Err(PeerMisbehaved::InvalidChallengeParameter { .. })
        ));
    }

    #[test]
    fn new_password_drops_read_only_and_strips_prefix() {
        let c = Challenge::parse(
            "NEW_PASSWORD_REQUIRED",
            &params(&[
                (
                    "userAttributes",
                    r#"{"email":"a@b.c","email_verified":"true","age":3,"nick":"J\u00f6","flag":true}"#,
                ),
                ("requiredAttributes", r#"["userAttributes.name"]"#),
            ]),
            &[],
        );
        let expected = Challenge::NewPasswordRequired {
            user_attributes: params(&[
                ("email", "a@b.c"),
                ("age", "3"),
                ("nick", "J\u{f6}"),
                ("flag", "true"),
            ]),
            required_attributes: vec!["name".to_owned()],
        };
        assert_eq!(c, Ok(expected));
    }

    #[test]
    fn name_gives_back_the_name_parsed() {
        // What suspend stores and resume parses again.
        let parameters = params(&[("CREDENTIAL_REQUEST_OPTIONS", "{}")]);
        for name in [
            "SMS_MFA",
            "SOFTWARE_TOKEN_MFA",
            "EMAIL_OTP",
            "SMS_OTP",
            "SELECT_MFA_TYPE",
            "MFA_SETUP",
            "NEW_PASSWORD_REQUIRED",
            "CUSTOM_CHALLENGE",
            "SELECT_CHALLENGE",
            "WEB_AUTHN",
            "DEVICE_SRP_AUTH",
            "PASSWORD_VERIFIER",
            "QUANTUM_MFA",
        ] {
            let challenge = Challenge::parse(name, &parameters, &[]);
            assert_eq!(challenge.as_ref().map(Challenge::name), Ok(name));
        }
    }

    #[test]
    fn unknown_names_are_unsupported_not_errors() {
        let c = Challenge::parse("QUANTUM_MFA", &params(&[("X", "1")]), &[]);
        assert_eq!(
            c,
            Ok(Challenge::Unsupported {
                name: "QUANTUM_MFA".into(),
                parameters: params(&[("X", "1")])
            })
        );
    }
}
