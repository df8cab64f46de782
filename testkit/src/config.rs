//! The pool's configuration, from code or from a JSON file (see README.md).

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

/// A whole pool: id, app clients, policies and seeded users.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// `<region>_<name>`, e.g. `us-east-1_TestPool1`.
    pub pool_id: String,
    /// App clients.
    #[serde(default)]
    pub clients: Vec<ClientConfig>,
    /// Multi-factor authentication for the pool.
    #[serde(default)]
    pub mfa: MfaMode,
    /// Factors the pool offers (`SOFTWARE_TOKEN_MFA`, `SMS_MFA`, `EMAIL_OTP`).
    #[serde(default = "default_factors")]
    pub mfa_factors: Vec<String>,
    /// Device remembering.
    #[serde(default)]
    pub device_tracking: DeviceTracking,
    /// Attributes that *are* the user name (`email`, `phone_number`): the internal
    /// name, USER_ID_FOR_SRP, is then a UUID, and people sign in with the attribute.
    #[serde(default)]
    pub username_attributes: Vec<String>,
    /// Attributes that may be typed instead of the user name once verified.
    #[serde(default)]
    pub alias_attributes: Vec<String>,
    /// Attributes NEW_PASSWORD_REQUIRED asks for when the user has none.
    #[serde(default)]
    pub required_attributes: Vec<String>,
    /// The password policy.
    #[serde(default)]
    pub password_policy: PasswordPolicy,
    /// The `iss` claim. Default `https://cognito-idp.<region>.amazonaws.com/<pool id>`;
    /// the HTTP server sets its own URL when this is absent.
    #[serde(default)]
    pub issuer: Option<String>,
    /// Users that exist from the start.
    #[serde(default)]
    pub users: Vec<UserSeed>,
    /// `admin_credentials`: the IAM callers whose SigV4 signatures the Admin* operations and
    /// ListUsers accept (none: every signed request is refused as UnrecognizedClientException).
    #[serde(default)]
    pub admin_credentials: Vec<crate::sigv4::AdminCredentials>,
    /// `SignInPolicy`: the first factors of choice-based sign-in (USER_AUTH).
    #[serde(default)]
    pub sign_in_policy: SignInPolicy,
    /// CUSTOM_AUTH for every client without its own script: the Lambda triggers as data.
    #[serde(default)]
    pub custom_auth: Option<CustomAuth>,
    /// Passkeys: `SetUserPoolMfaConfig`'s `WebAuthnConfiguration` (with `WEB_AUTHN` in
    /// `sign_in_policy`).
    #[serde(default)]
    pub web_authn_configuration: crate::webauthn::WebAuthnConfiguration,
}

/// `SignInPolicy`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignInPolicy {
    /// `AllowedFirstAuthFactors`: `PASSWORD` (offers PASSWORD and PASSWORD_SRP),
    /// `EMAIL_OTP`, `SMS_OTP`, `WEB_AUTHN` (passkeys). `PASSWORD_SRP` alone, a testkit
    /// extension, offers only the SRP variant. Default `["PASSWORD"]`, as the service's.
    #[serde(default = "password_only")]
    pub allowed_first_auth_factors: Vec<String>,
}

fn password_only() -> Vec<String> {
    vec!["PASSWORD".to_owned()]
}

impl Default for SignInPolicy {
    fn default() -> Self {
        Self {
            allowed_first_auth_factors: password_only(),
        }
    }
}

impl SignInPolicy {
    pub(crate) fn allows(&self, factor: &str) -> bool {
        self.allowed_first_auth_factors.iter().any(|f| f == factor)
    }
}

/// CUSTOM_AUTH with the three Lambda triggers expressed as data.
///
/// - DefineAuthChallenge: with `CHALLENGE_NAME: SRP_A` in AuthParameters the password is
///   proven first (PASSWORD_VERIFIER, refused without it when `require_password`); then the
///   `challenges` in order; tokens once each was answered right. A wrong answer asks the same
///   challenge again with a new Session; the `max_wrong_answers`-th wrong answer fails the
///   sign-in (NotAuthorizedException "Incorrect username or password.").
/// - CreateAuthChallenge: each challenge's `public` parameters (plus `USERNAME`) become the
///   CUSTOM_CHALLENGE's ChallengeParameters; the private expected answer is `answer`, or a
///   fresh code sent to the user's e-mail (the outbox) with `send_code: true`.
/// - VerifyAuthChallengeResponse: `ANSWER` equals the expected answer (constant time).
///
/// Every trigger call is recorded with the request's ClientMetadata: `Pool::trigger_calls`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CustomAuth {
    /// The custom challenges, in order.
    #[serde(default)]
    pub challenges: Vec<CustomChallenge>,
    /// Fail unless the password was proven by SRP first (default false).
    #[serde(default)]
    pub require_password: bool,
    /// Wrong answers before the sign-in fails (default 3).
    #[serde(default = "three")]
    pub max_wrong_answers: u32,
}

fn three() -> u32 {
    3
}

impl CustomAuth {
    /// A script asking these challenges in order, three wrong answers allowed.
    pub fn new(challenges: Vec<CustomChallenge>) -> Self {
        Self {
            challenges,
            require_password: false,
            max_wrong_answers: three(),
        }
    }
}

/// One CUSTOM_CHALLENGE.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CustomChallenge {
    /// `publicChallengeParameters`.
    #[serde(default)]
    pub public: BTreeMap<String, String>,
    /// `privateChallengeParameters.answer`: the expected ANSWER.
    #[serde(default)]
    pub answer: Option<String>,
    /// Instead of a fixed answer: a new 6-digit code per challenge, sent to the user's e-mail.
    #[serde(default)]
    pub send_code: bool,
}

impl CustomChallenge {
    /// A challenge with these public parameters and this expected answer.
    pub fn new<'a>(public: impl IntoIterator<Item = (&'a str, &'a str)>, answer: &str) -> Self {
        Self {
            public: public
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .collect(),
            answer: Some(answer.to_owned()),
            send_code: false,
        }
    }
}

fn default_factors() -> Vec<String> {
    ["SOFTWARE_TOKEN_MFA", "SMS_MFA", "EMAIL_OTP"]
        .map(String::from)
        .to_vec()
}

impl Config {
    /// A pool with this id and defaults everywhere else (MFA off, devices off, no clients).
    pub fn new(pool_id: impl Into<String>) -> Self {
        Self {
            pool_id: pool_id.into(),
            clients: Vec::new(),
            mfa: MfaMode::Off,
            mfa_factors: default_factors(),
            device_tracking: DeviceTracking::Off,
            username_attributes: Vec::new(),
            alias_attributes: Vec::new(),
            required_attributes: Vec::new(),
            password_policy: PasswordPolicy::default(),
            issuer: None,
            users: Vec::new(),
            admin_credentials: Vec::new(),
            sign_in_policy: SignInPolicy::default(),
            custom_auth: None,
            web_authn_configuration: crate::webauthn::WebAuthnConfiguration::default(),
        }
    }

    /// Reads the JSON format documented in README.md.
    ///
    /// # Errors
    /// When the text is not JSON of that shape.
    pub fn from_json(text: &str) -> Result<Self, serde_json::Error> {
        serde_json::from_str(text)
    }

    /// Reads a JSON configuration file.
    ///
    /// # Errors
    /// When the file cannot be read (or is not valid: `ErrorKind::InvalidData`).
    pub fn from_path(path: impl AsRef<std::path::Path>) -> std::io::Result<Self> {
        let text = std::fs::read_to_string(path)?;
        Self::from_json(&text).map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))
    }

    /// Adds an app client.
    #[must_use]
    pub fn with_client(mut self, client: ClientConfig) -> Self {
        self.clients.push(client);
        self
    }

    /// Adds a user.
    #[must_use]
    pub fn with_user(mut self, user: UserSeed) -> Self {
        self.users.push(user);
        self
    }

    /// The region: the pool id before `_`.
    pub fn region(&self) -> &str {
        self.pool_id.split_once('_').map_or("", |(r, _)| r)
    }

    /// The SRP pool name: the pool id after `_`.
    pub fn pool_name(&self) -> &str {
        self.pool_id.split_once('_').map_or("", |(_, n)| n)
    }
}

/// `off`, `optional` or `on`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MfaMode {
    /// No MFA.
    #[default]
    Off,
    /// Users who enabled a factor are asked for it.
    Optional,
    /// Every user must pass a second factor (and set one up first: MFA_SETUP).
    On,
}

/// `off`, `always` or `user_opt_in`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeviceTracking {
    /// No NewDeviceMetadata.
    #[default]
    Off,
    /// Every confirmed device is remembered.
    Always,
    /// ConfirmDevice answers UserConfirmationNecessary; UpdateDeviceStatus remembers.
    UserOptIn,
}

/// One app client. `Debug` shows whether it has a secret, never the secret.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClientConfig {
    /// The app client id.
    pub client_id: String,
    /// The client secret; requests must then carry SECRET_HASH.
    #[serde(default)]
    pub client_secret: Option<String>,
    /// `ExplicitAuthFlows`; default `ALLOW_USER_SRP_AUTH`, `ALLOW_REFRESH_TOKEN_AUTH`,
    /// `ALLOW_CUSTOM_AUTH` as the service's.
    #[serde(default = "default_flows")]
    pub explicit_auth_flows: Vec<String>,
    /// Refresh-token rotation.
    #[serde(default)]
    pub refresh_token_rotation: Option<Rotation>,
    /// `EnableTokenRevocation` (default true: tokens carry `origin_jti`).
    #[serde(default = "yes")]
    pub enable_token_revocation: bool,
    /// `PreventUserExistenceErrors`: unknown users look like wrong passwords.
    #[serde(default)]
    pub prevent_user_existence_errors: bool,
    /// Access and ID token lifetime, seconds (default 3600).
    #[serde(default = "hour")]
    pub token_validity_secs: u64,
    /// Refresh token lifetime, seconds (default 30 days).
    #[serde(default = "thirty_days")]
    pub refresh_token_validity_secs: u64,
    /// `AuthSessionValidity`, seconds (default 180).
    #[serde(default = "three_minutes")]
    pub auth_session_validity_secs: u64,
    /// `CallbackURLs`: where managed login may redirect after sign-in (exact match).
    #[serde(default)]
    pub callback_urls: Vec<String>,
    /// `LogoutURLs`: where `/logout` may redirect (exact match).
    #[serde(default)]
    pub logout_urls: Vec<String>,
    /// `AllowedOAuthFlows`: `code` (the authorization code grant; `implicit` and
    /// `client_credentials` are not served). Empty: no managed login for this client.
    #[serde(default)]
    pub allowed_oauth_flows: Vec<String>,
    /// `AllowedOAuthScopes`: `openid`, `email`, `phone`, `profile`,
    /// `aws.cognito.signin.user.admin`.
    #[serde(default)]
    pub allowed_oauth_scopes: Vec<String>,
    /// CUSTOM_AUTH for this client, in place of the pool's `custom_auth`.
    #[serde(default)]
    pub custom_auth: Option<CustomAuth>,
}

fn default_flows() -> Vec<String> {
    [
        "ALLOW_USER_SRP_AUTH",
        "ALLOW_REFRESH_TOKEN_AUTH",
        "ALLOW_CUSTOM_AUTH",
    ]
    .map(String::from)
    .to_vec()
}
fn yes() -> bool {
    true
}
fn hour() -> u64 {
    3600
}
fn thirty_days() -> u64 {
    30 * 86_400
}
fn three_minutes() -> u64 {
    180
}

impl ClientConfig {
    /// A public client (no secret) with the service's defaults.
    pub fn new(client_id: impl Into<String>) -> Self {
        Self {
            client_id: client_id.into(),
            client_secret: None,
            explicit_auth_flows: default_flows(),
            refresh_token_rotation: None,
            enable_token_revocation: true,
            prevent_user_existence_errors: false,
            token_validity_secs: hour(),
            refresh_token_validity_secs: thirty_days(),
            auth_session_validity_secs: three_minutes(),
            callback_urls: Vec::new(),
            logout_urls: Vec::new(),
            allowed_oauth_flows: Vec::new(),
            allowed_oauth_scopes: Vec::new(),
            custom_auth: None,
        }
    }

    /// Managed login with the authorization code grant (`allowed_oauth_flows: ["code"]`),
    /// redirecting to `callback_url`, with scopes `openid email phone profile
    /// aws.cognito.signin.user.admin`.
    #[must_use]
    pub fn with_managed_login(mut self, callback_url: impl Into<String>) -> Self {
        self.callback_urls.push(callback_url.into());
        self.allowed_oauth_flows = vec!["code".to_owned()];
        self.allowed_oauth_scopes = ["openid", "email", "phone", "profile"]
            .into_iter()
            .chain([OAUTH_ADMIN_SCOPE])
            .map(String::from)
            .collect();
        self
    }

    /// Also allows `/logout` to redirect to `logout_url`.
    #[must_use]
    pub fn with_logout_url(mut self, logout_url: impl Into<String>) -> Self {
        self.logout_urls.push(logout_url.into());
        self
    }

    /// With a client secret.
    #[must_use]
    pub fn with_secret(mut self, secret: impl Into<String>) -> Self {
        self.client_secret = Some(secret.into());
        self
    }

    /// Also allows `USER_PASSWORD_AUTH`.
    #[must_use]
    pub fn allow_user_password_auth(mut self) -> Self {
        self.explicit_auth_flows
            .push("ALLOW_USER_PASSWORD_AUTH".to_owned());
        self
    }

    /// Also allows `USER_AUTH` (choice-based sign-in).
    #[must_use]
    pub fn allow_user_auth(mut self) -> Self {
        self.explicit_auth_flows.push("ALLOW_USER_AUTH".to_owned());
        self
    }

    /// CUSTOM_AUTH for this client by this script.
    #[must_use]
    pub fn with_custom_auth(mut self, script: CustomAuth) -> Self {
        self.custom_auth = Some(script);
        self
    }

    /// Turns refresh-token rotation on with this grace period.
    #[must_use]
    pub fn with_rotation(mut self, retry_grace_period_seconds: u64) -> Self {
        self.refresh_token_rotation = Some(Rotation {
            enabled: true,
            retry_grace_period_seconds,
        });
        self
    }

    pub(crate) fn allows(&self, flow: &str) -> bool {
        self.explicit_auth_flows.iter().any(|f| f == flow)
    }

    pub(crate) fn rotation(&self) -> Option<Rotation> {
        self.refresh_token_rotation.filter(|r| r.enabled)
    }
}

/// The scope of tokens that may call the user's own API operations (GetUser, ...).
pub(crate) const OAUTH_ADMIN_SCOPE: &str = "aws.cognito.signin.user.admin";

/// `RefreshTokenRotation`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rotation {
    /// `Feature: ENABLED`.
    #[serde(default = "yes")]
    pub enabled: bool,
    /// `RetryGracePeriodSeconds`, 0–60: how long a rotated-out token still works.
    #[serde(default)]
    pub retry_grace_period_seconds: u64,
}

/// The password policy (defaults: the service's: 8 characters, upper, lower, digit, symbol).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PasswordPolicy {
    /// Minimum length.
    #[serde(default = "eight")]
    pub minimum_length: usize,
    /// Needs an upper-case letter.
    #[serde(default = "yes")]
    pub require_uppercase: bool,
    /// Needs a lower-case letter.
    #[serde(default = "yes")]
    pub require_lowercase: bool,
    /// Needs a digit.
    #[serde(default = "yes")]
    pub require_numbers: bool,
    /// Needs a symbol.
    #[serde(default = "yes")]
    pub require_symbols: bool,
    /// `TemporaryPasswordValidityDays`: how long the temporary password of AdminCreateUser /
    /// AdminSetUserPassword (`Permanent: false`) signs in (default 7).
    #[serde(default = "seven")]
    pub temporary_password_validity_days: u64,
}

fn eight() -> usize {
    8
}

fn seven() -> u64 {
    7
}

impl Default for PasswordPolicy {
    fn default() -> Self {
        Self {
            minimum_length: 8,
            require_uppercase: true,
            require_lowercase: true,
            require_numbers: true,
            require_symbols: true,
            temporary_password_validity_days: seven(),
        }
    }
}

impl PasswordPolicy {
    /// The service's message for the first rule `password` breaks, if any.
    pub(crate) fn violation(&self, password: &str) -> Option<&'static str> {
        let has = |f: fn(&char) -> bool| password.chars().any(|c| f(&c));
        if password.chars().count() < self.minimum_length {
            Some("Password not long enough")
        } else if self.require_uppercase && !has(char::is_ascii_uppercase) {
            Some("Password must have uppercase characters")
        } else if self.require_lowercase && !has(char::is_ascii_lowercase) {
            Some("Password must have lowercase characters")
        } else if self.require_numbers && !has(char::is_ascii_digit) {
            Some("Password must have numeric characters")
        } else if self.require_symbols && !has(|c| c.is_ascii_punctuation() || *c == ' ') {
            Some("Password must have symbol characters")
        } else {
            None
        }
    }
}

/// A user that exists when the pool starts. `Debug` never shows the password.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UserSeed {
    /// What the user types. In a pool with `username_attributes` this is the
    /// e-mail (or phone), and the internal name becomes a UUID.
    pub username: String,
    /// The password (only its SRP verifier is kept).
    pub password: String,
    /// `CONFIRMED` (default), `UNCONFIRMED`, `FORCE_CHANGE_PASSWORD` or `RESET_REQUIRED`.
    #[serde(default = "confirmed")]
    pub status: String,
    /// Attributes (`email`, `phone_number`, `name`, `custom:x`, ...).
    #[serde(default)]
    pub attributes: BTreeMap<String, String>,
    /// The user's MFA settings.
    #[serde(default)]
    pub mfa: UserMfaSeed,
}

fn confirmed() -> String {
    "CONFIRMED".to_owned()
}

impl UserSeed {
    /// A confirmed user.
    pub fn new(username: impl Into<String>, password: impl Into<String>) -> Self {
        Self {
            username: username.into(),
            password: password.into(),
            status: confirmed(),
            attributes: BTreeMap::new(),
            mfa: UserMfaSeed::default(),
        }
    }

    /// Sets the status (`FORCE_CHANGE_PASSWORD`, ...).
    #[must_use]
    pub fn with_status(mut self, status: impl Into<String>) -> Self {
        self.status = status.into();
        self
    }

    /// Sets an attribute (`email` also sets `email_verified` unless given).
    #[must_use]
    pub fn with_attribute(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.attributes.insert(name.into(), value.into());
        self
    }

    /// Registers and enables a TOTP authenticator with this base32 secret.
    #[must_use]
    pub fn with_totp_secret(mut self, base32: impl Into<String>) -> Self {
        self.mfa.totp_secret = Some(base32.into());
        self
    }
}

/// A seeded user's MFA settings. `Debug` never shows the TOTP secret.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UserMfaSeed {
    /// A registered, enabled TOTP authenticator (base32 secret).
    #[serde(default)]
    pub totp_secret: Option<String>,
    /// SMS MFA enabled (needs `phone_number`).
    #[serde(default)]
    pub sms: bool,
    /// E-mail MFA enabled (needs `email`).
    #[serde(default)]
    pub email: bool,
    /// The preferred factor's challenge name.
    #[serde(default)]
    pub preferred: Option<String>,
}

/// What `Debug` shows of a secret: whether there is one.
fn redacted(secret: Option<&String>) -> Option<&'static str> {
    secret.map(|_| "<redacted>")
}

impl fmt::Debug for ClientConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientConfig")
            .field("client_id", &self.client_id)
            .field("client_secret", &redacted(self.client_secret.as_ref()))
            .field("explicit_auth_flows", &self.explicit_auth_flows)
            .field("refresh_token_rotation", &self.refresh_token_rotation)
            .field("enable_token_revocation", &self.enable_token_revocation)
            .field(
                "prevent_user_existence_errors",
                &self.prevent_user_existence_errors,
            )
            .field("token_validity_secs", &self.token_validity_secs)
            .field(
                "refresh_token_validity_secs",
                &self.refresh_token_validity_secs,
            )
            .field(
                "auth_session_validity_secs",
                &self.auth_session_validity_secs,
            )
            .field("callback_urls", &self.callback_urls)
            .field("logout_urls", &self.logout_urls)
            .field("allowed_oauth_flows", &self.allowed_oauth_flows)
            .field("allowed_oauth_scopes", &self.allowed_oauth_scopes)
            .field("custom_auth", &self.custom_auth)
            .finish()
    }
}

impl fmt::Debug for UserSeed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UserSeed")
            .field("username", &self.username)
            .field("password", &"<redacted>")
            .field("status", &self.status)
            .field("attributes", &self.attributes)
            .field("mfa", &self.mfa)
            .finish()
    }
}

impl fmt::Debug for UserMfaSeed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UserMfaSeed")
            .field("totp_secret", &redacted(self.totp_secret.as_ref()))
            .field("sms", &self.sms)
            .field("email", &self.email)
            .field("preferred", &self.preferred)
            .finish()
    }
}
