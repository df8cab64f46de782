//! Challenges, answers and the next step of a sign-in, flattened for UniFFI.

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

use cognito_auth::{FirstFactor, MfaType, Step};

use crate::secret::Secret;
use crate::types::{HttpRequest, Tokens};

/// A challenge to put to the user; answer it with `SignInSession.answer`. Factor lists hold
/// Cognito's names (`SMS_MFA`, `SOFTWARE_TOKEN_MFA`, `EMAIL_OTP`, `PASSWORD_SRP`...).
/// (Not `Challenge`: inside Kotlin's `NextStep`, the variant `NextStep.Challenge` would shadow
/// a type of that name and the generated code would not compile.)
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum AuthChallenge {
    /// SMS_MFA: a code was sent by SMS. Answer with `Code`.
    SmsMfa {
        /// The masked destination (`+*******1234`).
        destination: Option<String>,
        /// `SMS` or `EMAIL`.
        medium: Option<String>,
    },
    /// SOFTWARE_TOKEN_MFA: the authenticator app's code. Answer with `Code`.
    SoftwareTokenMfa,
    /// EMAIL_OTP: a code was e-mailed. Answer with `Code`.
    EmailOtp {
        /// The masked destination.
        destination: Option<String>,
        /// `SMS` or `EMAIL`.
        medium: Option<String>,
    },
    /// SMS_OTP (passwordless): a code was sent by SMS. Answer with `Code`.
    SmsOtp {
        /// The masked destination.
        destination: Option<String>,
        /// `SMS` or `EMAIL`.
        medium: Option<String>,
    },
    /// SELECT_MFA_TYPE: answer with `SelectMfaType` naming one of `factors`.
    SelectMfaType {
        /// The factors offered.
        factors: Vec<String>,
    },
    /// MFA_SETUP: answer with `SetUpTotp` or `SetUpEmail`.
    MfaSetup {
        /// The factors the user may enrol.
        factors: Vec<String>,
    },
    /// NEW_PASSWORD_REQUIRED: answer with `NewPassword`, giving every required attribute.
    NewPasswordRequired {
        /// The user's current attributes (writable ones).
        user_attributes: HashMap<String, String>,
        /// Attributes the user must supply.
        required_attributes: Vec<String>,
    },
    /// CUSTOM_CHALLENGE: your trigger's public parameters. Answer with `Custom`.
    Custom {
        /// The parameters.
        parameters: HashMap<String, String>,
    },
    /// SELECT_CHALLENGE (USER_AUTH): answer with `SelectFirstFactor` or `Password`.
    SelectChallenge {
        /// The first factors offered.
        factors: Vec<String>,
    },
    /// TOTP enrolment: show the URI as a QR code (or the secret), then answer with
    /// `VerifyTotp`.
    TotpSetup {
        /// The secret being enrolled.
        setup: TotpEnrolment,
    },
    /// WEB_AUTHN: pass the options to the platform authenticator, answer with
    /// `WebAuthnCredential`.
    WebAuthn {
        /// PublicKeyCredentialRequestOptions, JSON.
        credential_request_options: String,
    },
    /// DEVICE_SRP_AUTH without device credentials: start again with the device, or without.
    DeviceSrpAuth,
    /// A challenge this library does not know.
    Unsupported {
        /// `ChallengeName`.
        name: String,
        /// `ChallengeParameters`.
        parameters: HashMap<String, String>,
    },
}

/// An authenticator-app secret being enrolled (TOTP). Both print as `<redacted>`.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct TotpEnrolment {
    /// The base32 secret, for manual entry (`reveal()`). Do not log it.
    pub secret: Arc<Secret>,
    /// The `otpauth://totp/...` URI to show as a QR code (it contains the secret).
    pub uri: Arc<Secret>,
}

impl From<cognito_auth::Challenge> for AuthChallenge {
    fn from(challenge: cognito_auth::Challenge) -> Self {
        use cognito_auth::Challenge as C;
        let names = |factors: Vec<MfaType>| factors.iter().map(|f| f.name().to_owned()).collect();
        match challenge {
            C::SmsMfa(d) => AuthChallenge::SmsMfa {
                destination: d.destination,
                medium: d.medium,
            },
            C::SoftwareTokenMfa => AuthChallenge::SoftwareTokenMfa,
            C::EmailOtp(d) => AuthChallenge::EmailOtp {
                destination: d.destination,
                medium: d.medium,
            },
            C::SmsOtp(d) => AuthChallenge::SmsOtp {
                destination: d.destination,
                medium: d.medium,
            },
            C::SelectMfaType(factors) => AuthChallenge::SelectMfaType {
                factors: names(factors),
            },
            C::MfaSetup(factors) => AuthChallenge::MfaSetup {
                factors: names(factors),
            },
            C::NewPasswordRequired {
                user_attributes,
                required_attributes,
            } => AuthChallenge::NewPasswordRequired {
                user_attributes: user_attributes.into_iter().collect(),
                required_attributes,
            },
            C::Custom(parameters) => AuthChallenge::Custom {
                parameters: parameters.into_iter().collect(),
            },
            C::SelectChallenge(factors) => AuthChallenge::SelectChallenge {
                factors: factors.iter().map(|f| f.name().to_owned()).collect(),
            },
            C::TotpSetup(setup) => AuthChallenge::TotpSetup {
                setup: TotpEnrolment {
                    secret: Secret::new(setup.secret().expose().to_owned()),
                    uri: Secret::new(setup.uri()),
                },
            },
            C::WebAuthn {
                credential_request_options,
            } => AuthChallenge::WebAuthn {
                credential_request_options,
            },
            C::DeviceSrpAuth => AuthChallenge::DeviceSrpAuth,
            C::Unsupported { name, parameters } => AuthChallenge::Unsupported {
                name,
                parameters: parameters.into_iter().collect(),
            },
            // The core `Challenge` is non-exhaustive: a kind added later arrives as unsupported.
            _ => AuthChallenge::Unsupported {
                name: String::new(),
                parameters: HashMap::new(),
            },
        }
    }
}

/// The app's answer to an `AuthChallenge`. Codes, passwords and custom answers are `Secret`s
/// (`Secret(text)`), so an answer prints without them.
#[derive(Clone, PartialEq, Eq, uniffi::Enum)]
pub enum ChallengeAnswer {
    /// The one-time code for SMS_MFA, SOFTWARE_TOKEN_MFA, EMAIL_OTP or SMS_OTP.
    Code {
        /// The code.
        code: Arc<Secret>,
    },
    /// SELECT_MFA_TYPE: the chosen factor's name.
    SelectMfaType {
        /// E.g. `SOFTWARE_TOKEN_MFA`.
        factor: String,
    },
    /// NEW_PASSWORD_REQUIRED: the new password and the required attributes.
    NewPassword {
        /// The new password.
        password: Arc<Secret>,
        /// Required (and other writable) attributes.
        attributes: HashMap<String, String>,
    },
    /// CUSTOM_CHALLENGE: the answer.
    Custom {
        /// The answer.
        answer: Arc<Secret>,
    },
    /// WEB_AUTHN: the authenticator's AuthenticationResponseJSON.
    WebAuthnCredential {
        /// The JSON.
        credential: String,
    },
    /// MFA_SETUP: enrol an authenticator app (the machine calls AssociateSoftwareToken).
    SetUpTotp,
    /// TOTP enrolment: the first code, and an optional name for the authenticator.
    VerifyTotp {
        /// The 6-digit code.
        code: Arc<Secret>,
        /// `FriendlyDeviceName`.
        friendly_name: Option<String>,
    },
    /// MFA_SETUP: use e-mail codes sent to this address.
    SetUpEmail {
        /// The address.
        email: String,
    },
    /// SELECT_CHALLENGE: the first factor's name (`PASSWORD_SRP`, `EMAIL_OTP`...).
    SelectFirstFactor {
        /// The factor.
        factor: String,
    },
    /// SELECT_CHALLENGE: sign in with this password (by SRP when offered).
    Password {
        /// The password.
        password: Arc<Secret>,
    },
}

impl fmt::Debug for ChallengeAnswer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Every answer but the factor choices carries a secret: print the variant only.
        let name = match self {
            ChallengeAnswer::Code { .. } => "Code",
            ChallengeAnswer::SelectMfaType { factor } => {
                return write!(f, "SelectMfaType({factor})");
            }
            ChallengeAnswer::NewPassword { .. } => "NewPassword",
            ChallengeAnswer::Custom { .. } => "Custom",
            ChallengeAnswer::WebAuthnCredential { .. } => "WebAuthnCredential",
            ChallengeAnswer::SetUpTotp => "SetUpTotp",
            ChallengeAnswer::VerifyTotp { .. } => "VerifyTotp",
            ChallengeAnswer::SetUpEmail { .. } => "SetUpEmail",
            ChallengeAnswer::SelectFirstFactor { factor } => {
                return write!(f, "SelectFirstFactor({factor})");
            }
            ChallengeAnswer::Password { .. } => "Password",
        };
        write!(f, "{name}(<redacted>)")
    }
}

impl From<ChallengeAnswer> for cognito_auth::ChallengeAnswer {
    fn from(answer: ChallengeAnswer) -> Self {
        use cognito_auth::ChallengeAnswer as A;
        match answer {
            ChallengeAnswer::Code { code } => A::Code(Secret::into_core(code)),
            ChallengeAnswer::SelectMfaType { factor } => {
                A::SelectMfaType(MfaType::from_name(&factor))
            }
            ChallengeAnswer::NewPassword {
                password,
                attributes,
            } => A::NewPassword {
                password: Secret::into_core(password),
                attributes: attributes.into_iter().collect(),
            },
            ChallengeAnswer::Custom { answer } => A::Custom(Secret::into_core(answer)),
            ChallengeAnswer::WebAuthnCredential { credential } => A::WebAuthnCredential(credential),
            ChallengeAnswer::SetUpTotp => A::SetUpTotp,
            ChallengeAnswer::VerifyTotp {
                code,
                friendly_name,
            } => A::VerifyTotp {
                code: Secret::into_core(code),
                friendly_name,
            },
            ChallengeAnswer::SetUpEmail { email } => A::SetUpEmail(email),
            ChallengeAnswer::SelectFirstFactor { factor } => {
                A::SelectFirstFactor(FirstFactor::from_name(&factor))
            }
            ChallengeAnswer::Password { password } => A::Password(Secret::into_core(password)),
        }
    }
}

/// What the app does after `handle_response`.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum NextStep {
    /// Send this request, then call `handle_response` again.
    Send {
        /// The request.
        request: HttpRequest,
    },
    /// Ask the user, then call `answer`.
    Challenge {
        /// The challenge.
        challenge: AuthChallenge,
    },
    /// Signed in.
    Done {
        /// The tokens.
        tokens: Tokens,
    },
    /// The sign-up was never confirmed: confirm it, then sign in again.
    ConfirmSignUp,
    /// An administrator requires a password reset: run the reset, then sign in again.
    ResetPassword,
    /// Cognito forgot the stored device: delete the credentials for `device_key`, then send
    /// `request` (the same step without the device).
    DeviceForgotten {
        /// The request to send next.
        request: HttpRequest,
        /// The device to forget.
        device_key: String,
    },
}

impl From<Step> for NextStep {
    fn from(step: Step) -> Self {
        match step {
            Step::Send(request) => NextStep::Send {
                request: request.into(),
            },
            Step::Challenge(challenge) => NextStep::Challenge {
                challenge: challenge.into(),
            },
            Step::Done(tokens) => NextStep::Done {
                tokens: (*tokens).into(),
            },
            Step::ConfirmSignUp => NextStep::ConfirmSignUp,
            Step::ResetPassword => NextStep::ResetPassword,
            Step::DeviceForgotten {
                request,
                device_key,
            } => NextStep::DeviceForgotten {
                request: request.into(),
                device_key,
            },
            // `Step` is non-exhaustive; a later kind of step is reported as a challenge the app
            // cannot answer, never a panic.
            _ => NextStep::Challenge {
                challenge: AuthChallenge::Unsupported {
                    name: String::new(),
                    parameters: HashMap::new(),
                },
            },
        }
    }
}
