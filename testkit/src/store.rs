//! What the pool remembers: users (verifier and salt, never the password),
//! devices, challenge sessions and refresh tokens.

use std::collections::BTreeMap;

use crate::srp::{ServerExchange, Verifier};

/// A user's account status, as AdminGetUser names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UserStatus {
    /// Signed up, code not yet confirmed.
    Unconfirmed,
    /// Normal.
    Confirmed,
    /// Created by an administrator: must choose a password (NEW_PASSWORD_REQUIRED).
    ForceChangePassword,
    /// Must reset the password (PasswordResetRequiredException).
    ResetRequired,
}

impl UserStatus {
    /// The service's name.
    pub fn as_str(self) -> &'static str {
        match self {
            UserStatus::Unconfirmed => "UNCONFIRMED",
            UserStatus::Confirmed => "CONFIRMED",
            UserStatus::ForceChangePassword => "FORCE_CHANGE_PASSWORD",
            UserStatus::ResetRequired => "RESET_REQUIRED",
        }
    }

    pub(crate) fn parse(name: &str) -> Option<Self> {
        Some(match name {
            "UNCONFIRMED" => UserStatus::Unconfirmed,
            "CONFIRMED" => UserStatus::Confirmed,
            "FORCE_CHANGE_PASSWORD" => UserStatus::ForceChangePassword,
            "RESET_REQUIRED" => UserStatus::ResetRequired,
            _ => return None,
        })
    }
}

/// One user.
#[derive(Debug, Clone)]
pub(crate) struct User {
    /// The internal name (USER_ID_FOR_SRP, `username` claim).
    pub(crate) username: String,
    pub(crate) sub: String,
    pub(crate) status: UserStatus,
    pub(crate) verifier: Verifier,
    /// Attributes, `sub` excluded.
    pub(crate) attributes: BTreeMap<String, String>,
    pub(crate) mfa: UserMfa,
    pub(crate) devices: BTreeMap<String, Device>,
    pub(crate) device_group_key: String,
    /// Pending codes by purpose key (`signup`, `forgot`, `verify:<attr>`).
    pub(crate) codes: BTreeMap<String, PendingCode>,
    pub(crate) modified: u64,
    /// When the user was created (UserCreateDate).
    pub(crate) created: u64,
    /// When an administrator's temporary password stops working (FORCE_CHANGE_PASSWORD
    /// users of AdminCreateUser / AdminSetUserPassword; seeded ones have none).
    pub(crate) temporary_password_expires: Option<u64>,
    pub(crate) passkeys: crate::webauthn::Passkeys,
}

impl User {
    pub(crate) fn attr(&self, name: &str) -> Option<&str> {
        self.attributes.get(name).map(String::as_str)
    }

    pub(crate) fn verified(&self, name: &str) -> bool {
        self.attr(&format!("{name}_verified")) == Some("true")
    }

    /// The factors this user has enabled, in the service's order.
    pub(crate) fn enabled_factors(&self, pool_factors: &[String]) -> Vec<&'static str> {
        let offered = |name: &str| pool_factors.iter().any(|f| f == name);
        let mut factors = Vec::new();
        if self.mfa.sms && self.attr("phone_number").is_some() && offered("SMS_MFA") {
            factors.push("SMS_MFA");
        }
        if self.mfa.totp_enabled && self.mfa.totp.is_some() && offered("SOFTWARE_TOKEN_MFA") {
            factors.push("SOFTWARE_TOKEN_MFA");
        }
        if self.mfa.email && self.attr("email").is_some() && offered("EMAIL_OTP") {
            factors.push("EMAIL_OTP");
        }
        factors
    }
}

/// A user's MFA settings.
#[derive(Debug, Clone, Default)]
pub(crate) struct UserMfa {
    /// The verified TOTP secret.
    pub(crate) totp: Option<Vec<u8>>,
    pub(crate) totp_enabled: bool,
    /// A secret from AssociateSoftwareToken(AccessToken) awaiting VerifySoftwareToken.
    pub(crate) pending_totp: Option<Vec<u8>>,
    pub(crate) sms: bool,
    pub(crate) email: bool,
    pub(crate) preferred: Option<String>,
    /// The last TOTP step accepted: a code is good once.
    pub(crate) last_totp_step: Option<u64>,
}

/// A code waiting to be confirmed.
#[derive(Debug, Clone)]
pub(crate) struct PendingCode {
    pub(crate) code: String,
    pub(crate) expires: u64,
    /// Wrong codes tried so far; at [`MAX_CODE_ATTEMPTS`] the code is dead.
    pub(crate) failed_attempts: u32,
}

/// Wrong tries of one confirmation code (sign-up, password reset, attribute verification)
/// before it stops working: then even the right code gets ExpiredCodeException and a new
/// code must be requested. The service documents no number; TooManyFailedAttemptsException
/// and LimitExceededException are in the error lists of ConfirmSignUp and
/// ConfirmForgotPassword (the team protocol notes, protocol.md Appendix B; not read by any test), and ExpiredCodeException's
/// "Invalid code provided, please request a code again." is what a dead code gets.
pub(crate) const MAX_CODE_ATTEMPTS: u32 = 5;

/// Wrong one-time codes (SMS_MFA, EMAIL_OTP, SOFTWARE_TOKEN_MFA, the MFA_SETUP
/// VerifySoftwareToken) one challenge session takes: each gets CodeMismatchException and
/// the challenge stays open, the last one also ends the session, so the next answer gets
/// NotAuthorizedException "Invalid session for the user." (protocol.md §4.3, the team protocol notes:
/// consumed sessions fail so, and a wrong answer may invalidate the session,
/// aws-amplify/amplify-js#5834; §4.4: VerifySoftwareToken's ERROR "may mean ... too many
/// retries"). Cognito allows three tries of an MFA code per sign-in.
pub(crate) const MAX_SESSION_CODE_ATTEMPTS: u32 = 3;

/// A device the pool issued a key for.
#[derive(Debug, Clone)]
pub(crate) struct Device {
    pub(crate) key: String,
    pub(crate) name: Option<String>,
    /// Set by ConfirmDevice.
    pub(crate) verifier: Option<Verifier>,
    pub(crate) remembered: bool,
    pub(crate) created: u64,
    pub(crate) last_modified: u64,
    pub(crate) last_authenticated: u64,
}

impl Device {
    pub(crate) fn confirmed(&self) -> bool {
        self.verifier.is_some()
    }
}

/// A challenge session: single use, expires with the client's AuthSessionValidity.
#[derive(Debug, Clone)]
pub(crate) struct Session {
    pub(crate) username: String,
    pub(crate) client_id: String,
    pub(crate) expires: u64,
    /// The DEVICE_KEY the client sent with the sign-in.
    pub(crate) device_key: Option<String>,
    pub(crate) step: Step,
    /// Wrong one-time codes answered in this session (see [`MAX_SESSION_CODE_ATTEMPTS`]).
    pub(crate) failed_attempts: u32,
}

/// What a session waits for.
#[derive(Debug, Clone)]
pub(crate) enum Step {
    PasswordVerifier(ServerExchange),
    NewPasswordRequired,
    /// SMS_MFA / EMAIL_OTP (with the code sent) or SOFTWARE_TOKEN_MFA (no code).
    Mfa {
        challenge: &'static str,
        code: Option<String>,
    },
    SelectMfaType(Vec<&'static str>),
    MfaSetup,
    /// AssociateSoftwareToken(Session) gave this secret.
    MfaSetupAssociated(Vec<u8>),
    /// VerifySoftwareToken(Session) succeeded: answer MFA_SETUP.
    MfaSetupVerified,
    DeviceSrpAuth,
    DevicePasswordVerifier {
        device_key: String,
        exchange: ServerExchange,
    },
    /// USER_AUTH without (an available) PREFERRED_CHALLENGE: the first factors offered.
    SelectChallenge(Vec<&'static str>),
    /// MFA_SETUP answered with `EMAIL`: the code sent there, answered as EMAIL_OTP.
    MfaEmailSetup {
        email: String,
        code: String,
    },
    /// CUSTOM_AUTH with `CHALLENGE_NAME: SRP_A`: the password proof before the custom
    /// challenges.
    CustomPasswordVerifier(ServerExchange),
    /// CUSTOM_AUTH: the `index`-th scripted challenge, its expected answer, and the wrong
    /// answers so far in this sign-in.
    Custom {
        index: usize,
        expected: String,
        wrong_answers: u32,
    },
    /// SignUp's Session (for a client allowing USER_AUTH): ConfirmSignUp turns it into
    /// [`Step::SignUpConfirmed`].
    SignedUp,
    /// ConfirmSignUp's Session: InitiateAuth(USER_AUTH) with it signs the user in.
    SignUpConfirmed,
    /// WEB_AUTHN: the assertion must sign this challenge.
    WebAuthn {
        challenge: Vec<u8>,
    },
}

impl Step {
    pub(crate) fn challenge_name(&self) -> &'static str {
        match self {
            Step::PasswordVerifier(_) => "PASSWORD_VERIFIER",
            Step::NewPasswordRequired => "NEW_PASSWORD_REQUIRED",
            Step::Mfa { challenge, .. } => challenge,
            Step::SelectMfaType(_) => "SELECT_MFA_TYPE",
            Step::MfaSetup | Step::MfaSetupAssociated(_) | Step::MfaSetupVerified => "MFA_SETUP",
            Step::DeviceSrpAuth => "DEVICE_SRP_AUTH",
            Step::DevicePasswordVerifier { .. } => "DEVICE_PASSWORD_VERIFIER",
            Step::SelectChallenge(_) => "SELECT_CHALLENGE",
            Step::MfaEmailSetup { .. } => "EMAIL_OTP",
            Step::CustomPasswordVerifier(_) => "PASSWORD_VERIFIER",
            Step::Custom { .. } => "CUSTOM_CHALLENGE",
            Step::WebAuthn { .. } => "WEB_AUTHN",
            // Not challenges: no ChallengeName answers them.
            Step::SignedUp | Step::SignUpConfirmed => "",
        }
    }
}

/// One refresh token.
#[derive(Debug, Clone)]
pub(crate) struct RefreshRecord {
    pub(crate) username: String,
    pub(crate) client_id: String,
    pub(crate) origin_jti: String,
    pub(crate) auth_time: u64,
    pub(crate) device_key: Option<String>,
    pub(crate) expires: u64,
    pub(crate) revoked: bool,
    /// When rotation replaced it; it still works for the grace period after.
    pub(crate) rotated_at: Option<u64>,
    /// The scopes of a managed-login grant (refreshes keep them); `None` for the API's.
    pub(crate) scope: Option<String>,
}

/// One call of a Lambda trigger the pool plays from configuration (CUSTOM_AUTH's
/// DefineAuthChallenge, CreateAuthChallenge, VerifyAuthChallengeResponse), with the
/// request's ClientMetadata, as the Lambda would have received them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TriggerCall {
    /// `DefineAuthChallenge`, `CreateAuthChallenge` or `VerifyAuthChallengeResponse`.
    pub trigger: &'static str,
    /// The user's internal name.
    pub username: String,
    /// The app client.
    pub client_id: String,
    /// `ClientMetadata` of the request that caused the call (empty when none was sent).
    pub client_metadata: BTreeMap<String, String>,
    /// When (the `now` of the request).
    pub at: u64,
}
