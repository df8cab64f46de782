//! The account operations: sign-up and password-reset flows, the signed-in user's
//! self-service calls as typed objects, and `AccountCall` for any other operation by name with
//! a JSON input. All of them are the core's `cognito_auth::account` builders and parsers.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

use cognito_auth::Request;
use cognito_auth::account::{self, Call};

use crate::PoolConfig;
use crate::account_json::{AccountError, account_request, account_response};
use crate::error::CognitoError;
use crate::secret::Secret;
use crate::types::{Header, HttpRequest, with_response};

impl From<AccountError> for CognitoError {
    fn from(error: AccountError) -> Self {
        match error {
            AccountError::Core(error) => error.into(),
            AccountError::Input(reason) => CognitoError::InvalidInput { reason },
            AccountError::Reply(reason) => CognitoError::InvalidResponse { reason },
        }
    }
}

fn lock<'a, T>(mutex: &'a Mutex<T>, what: &str) -> Result<MutexGuard<'a, T>, CognitoError> {
    mutex.lock().map_err(|_| CognitoError::poisoned(what))
}

/// Any unsigned Cognito operation by name, with its input as JSON in the service's own shape
/// (`{"AccessToken": "...", "UserAttributes": [{"Name": "name", "Value": "Kim"}]}`). Operations
/// the core types (sign-up, password, user, device and MFA self-service) are built by its
/// builders, which add `ClientId`, `SecretHash` and the configured context; members they do not
/// know are refused. `request()` can be sent again (a retry); `handle_response` gives the
/// typed output as JSON, a `Secret` since outputs may carry a Session or a TOTP secret.
#[derive(Debug, uniffi::Object)]
pub struct AccountCall {
    operation: String,
    request: Request,
}

#[uniffi::export]
impl AccountCall {
    /// `operation` as the service spells it (`GetUser`, `SetUserMFAPreference`...) and its
    /// input JSON (empty text is `{}`).
    ///
    /// # Errors
    /// `InvalidInput` for an unknown or SigV4 (administrative) operation, input that is not
    /// the operation's shape, or a `ClientId` other than the configured one.
    #[uniffi::constructor]
    pub fn new(
        config: Arc<PoolConfig>,
        operation: String,
        input_json: String,
    ) -> Result<Arc<Self>, CognitoError> {
        let input_json = zeroize::Zeroizing::new(input_json);
        let request = account_request(&config.core(), &operation, &input_json)?;
        Ok(Arc::new(Self { operation, request }))
    }

    /// The operation's name.
    pub fn operation(&self) -> String {
        self.operation.clone()
    }

    /// The request to send.
    pub fn request(&self) -> HttpRequest {
        self.request.clone().into()
    }

    /// The reply: the output as JSON (`{}` for operations without one).
    ///
    /// # Errors
    /// `Service` for Cognito's errors, `InvalidResponse` for a 2xx body that is not the
    /// operation's output.
    pub fn handle_response(
        &self,
        status: u16,
        headers: Vec<Header>,
        body: Vec<u8>,
    ) -> Result<Arc<Secret>, CognitoError> {
        let json = with_response(status, &headers, body, |response| {
            account_response(&self.operation, response)
        })?;
        Ok(Secret::wrap(json))
    }
}

/// Where Cognito sent a code (the destination is masked, e.g. `a***@e***.com`).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct CodeDelivery {
    /// The masked address or number.
    pub destination: Option<String>,
    /// `EMAIL` or `SMS`.
    pub medium: Option<String>,
    /// The attribute the code went to (`email`, `phone_number`).
    pub attribute_name: Option<String>,
}

impl From<account::CodeDeliveryDetails> for CodeDelivery {
    fn from(d: account::CodeDeliveryDetails) -> Self {
        CodeDelivery {
            destination: d.destination,
            medium: d.delivery_medium.map(|m| m.as_str().to_owned()),
            attribute_name: d.attribute_name,
        }
    }
}

/// What a `SignUpFlow` reply did.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum SignUpStep {
    /// Registered; a code was sent: `confirm` it (or `resend_code`).
    ConfirmationRequired {
        /// The new user's `sub`.
        user_sub: String,
        /// Where the code went.
        delivery: Option<CodeDelivery>,
    },
    /// A new code was sent.
    CodeResent {
        /// Where it went.
        delivery: Option<CodeDelivery>,
    },
    /// Confirmed (or confirmed by a trigger at once): the user can sign in.
    Confirmed {
        /// The user's `sub` (empty after `resume_confirmation`).
        user_sub: String,
        /// A Session for signing in without the password again (USER_AUTH), when sent.
        session: Option<Arc<Secret>>,
    },
}

impl From<account::SignUpStep> for SignUpStep {
    fn from(step: account::SignUpStep) -> Self {
        match step {
            account::SignUpStep::ConfirmationRequired { user_sub, delivery } => {
                SignUpStep::ConfirmationRequired {
                    user_sub,
                    delivery: delivery.map(Into::into),
                }
            }
            account::SignUpStep::CodeResent(delivery) => SignUpStep::CodeResent {
                delivery: delivery.map(Into::into),
            },
            account::SignUpStep::Confirmed { user_sub, session } => SignUpStep::Confirmed {
                user_sub,
                session: session.map(Secret::wrap),
            },
            // Non-exhaustive in the core: a later kind reads as "needs a code".
            _ => SignUpStep::CodeResent { delivery: None },
        }
    }
}

/// Registration: `start` (SignUp), then `confirm(code)` (ConfirmSignUp) or `resend_code`; send
/// each request and pass the reply to `handle_response`. A wrong or expired code leaves the
/// flow waiting for another; calls out of turn are `Misuse`.
#[derive(Debug, uniffi::Object)]
pub struct SignUpFlow {
    inner: Mutex<account::SignUpFlow>,
}

#[uniffi::export]
impl SignUpFlow {
    /// Registers `username` with `password` (none in passwordless pools) and attributes
    /// (`email`, `name`, `custom:...`).
    #[uniffi::constructor]
    pub fn new(
        config: Arc<PoolConfig>,
        username: String,
        password: Option<Arc<Secret>>,
        attributes: HashMap<String, String>,
    ) -> Arc<Self> {
        let mut attributes: Vec<_> = attributes.into_iter().collect();
        attributes.sort();
        let sign_up = attributes.into_iter().fold(
            account::SignUp::new(username, password.map(Secret::into_core)),
            |sign_up, (name, value)| sign_up.with_attribute(name, value),
        );
        Self::wrap(account::SignUpFlow::new(config.core(), sign_up))
    }

    /// A registration already made (the app restarted while the user fetched the code):
    /// waits for `confirm` or `resend_code`.
    #[uniffi::constructor]
    pub fn resume_confirmation(config: Arc<PoolConfig>, username: String) -> Arc<Self> {
        Self::wrap(account::SignUpFlow::resume_confirmation(
            config.core(),
            username,
        ))
    }

    /// The SignUp request.
    ///
    /// # Errors
    /// `Misuse` when already started.
    pub fn start(&self) -> Result<HttpRequest, CognitoError> {
        Ok(self.lock()?.start()?.into())
    }

    /// The ConfirmSignUp request with the code the user received.
    ///
    /// # Errors
    /// `Misuse` unless a code is awaited.
    pub fn confirm(&self, code: Arc<Secret>) -> Result<HttpRequest, CognitoError> {
        Ok(self.lock()?.confirm(Secret::into_core(code))?.into())
    }

    /// The ResendConfirmationCode request.
    ///
    /// # Errors
    /// `Misuse` unless a code is awaited.
    pub fn resend_code(&self) -> Result<HttpRequest, CognitoError> {
        Ok(self.lock()?.resend_code()?.into())
    }

    /// The reply to the last request.
    ///
    /// # Errors
    /// `Service` (`UsernameExistsException`, `CodeMismatchException`...), `InvalidResponse`,
    /// `Misuse` when no request is out.
    pub fn handle_response(
        &self,
        status: u16,
        headers: Vec<Header>,
        body: Vec<u8>,
    ) -> Result<SignUpStep, CognitoError> {
        let mut flow = self.lock()?;
        let step = with_response(status, &headers, body, |r| flow.handle_response(r))?;
        Ok(step.into())
    }

    /// The new user's `sub`, once SignUp answered.
    pub fn user_sub(&self) -> Option<String> {
        self.lock().ok()?.user_sub().map(str::to_owned)
    }

    /// True once confirmed.
    pub fn is_done(&self) -> bool {
        self.lock().is_ok_and(|f| f.is_done())
    }

    /// True while a code is awaited.
    pub fn is_awaiting_code(&self) -> bool {
        self.lock().is_ok_and(|f| f.is_awaiting_code())
    }
}

impl SignUpFlow {
    fn wrap(flow: account::SignUpFlow) -> Arc<Self> {
        Arc::new(Self {
            inner: Mutex::new(flow),
        })
    }

    fn lock(&self) -> Result<MutexGuard<'_, account::SignUpFlow>, CognitoError> {
        lock(&self.inner, "sign-up flow")
    }
}

/// What a `PasswordResetFlow` reply did.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum PasswordResetStep {
    /// A code was sent (no delivery when the pool hides whether the user exists): `confirm`.
    CodeSent {
        /// Where it went.
        delivery: Option<CodeDelivery>,
    },
    /// The password is reset.
    Done,
}

/// Forgotten password: `start` (ForgotPassword), then `confirm(code, new_password)`
/// (ConfirmForgotPassword) or `resend_code`; send each request and pass the reply to
/// `handle_response`. A wrong code or a refused password leaves it waiting for another try.
#[derive(Debug, uniffi::Object)]
pub struct PasswordResetFlow {
    inner: Mutex<account::PasswordResetFlow>,
}

#[uniffi::export]
impl PasswordResetFlow {
    /// Resets `username`'s password.
    #[uniffi::constructor]
    pub fn new(config: Arc<PoolConfig>, username: String) -> Arc<Self> {
        Arc::new(Self {
            inner: Mutex::new(account::PasswordResetFlow::new(config.core(), username)),
        })
    }

    /// The ForgotPassword request.
    ///
    /// # Errors
    /// `Misuse` when already started.
    pub fn start(&self) -> Result<HttpRequest, CognitoError> {
        Ok(self.lock()?.start()?.into())
    }

    /// ForgotPassword again, for a new code.
    ///
    /// # Errors
    /// `Misuse` unless a code is awaited.
    pub fn resend_code(&self) -> Result<HttpRequest, CognitoError> {
        Ok(self.lock()?.resend_code()?.into())
    }

    /// The ConfirmForgotPassword request.
    ///
    /// # Errors
    /// `Misuse` unless a code is awaited.
    pub fn confirm(
        &self,
        code: Arc<Secret>,
        new_password: Arc<Secret>,
    ) -> Result<HttpRequest, CognitoError> {
        Ok(self
            .lock()?
            .confirm(Secret::into_core(code), Secret::into_core(new_password))?
            .into())
    }

    /// The reply to the last request.
    ///
    /// # Errors
    /// `Service` (`CodeMismatchException`, `InvalidPasswordException`...), `InvalidResponse`,
    /// `Misuse` when no request is out.
    pub fn handle_response(
        &self,
        status: u16,
        headers: Vec<Header>,
        body: Vec<u8>,
    ) -> Result<PasswordResetStep, CognitoError> {
        let mut flow = self.lock()?;
        let step = with_response(status, &headers, body, |r| flow.handle_response(r))?;
        Ok(match step {
            account::PasswordResetStep::CodeSent(delivery) => PasswordResetStep::CodeSent {
                delivery: delivery.map(Into::into),
            },
            account::PasswordResetStep::Done => PasswordResetStep::Done,
            _ => PasswordResetStep::CodeSent { delivery: None },
        })
    }

    /// True once the password is reset.
    pub fn is_done(&self) -> bool {
        self.lock().is_ok_and(|f| f.is_done())
    }

    /// True while a code is awaited.
    pub fn is_awaiting_code(&self) -> bool {
        self.lock().is_ok_and(|f| f.is_awaiting_code())
    }
}

impl PasswordResetFlow {
    fn lock(&self) -> Result<MutexGuard<'_, account::PasswordResetFlow>, CognitoError> {
        lock(&self.inner, "password reset flow")
    }
}

/// Reads a reply with the core's parser for call `C`.
fn parse<C: Call>(
    status: u16,
    headers: &[Header],
    body: Vec<u8>,
) -> Result<C::Output, CognitoError> {
    Ok(with_response(status, headers, body, C::parse)?)
}

/// Declares a one-call object: it holds the built request (send it again to retry) and reads
/// the reply with the call's parser.
macro_rules! single_call {
    ($(#[$doc:meta])* $name:ident, $core:ty) => {
        $(#[$doc])*
        #[derive(Debug, uniffi::Object)]
        pub struct $name {
            request: Request,
        }

        impl $name {
            fn build(config: &PoolConfig, call: $core) -> Arc<Self> {
                Arc::new(Self {
                    request: call.request(&config.core()),
                })
            }
        }
    };
}

single_call!(
    /// ChangePassword: the signed-in user's password, from `previous` to `proposed`.
    ChangePassword,
    account::ChangePassword
);

#[uniffi::export]
impl ChangePassword {
    /// For the user of `access_token`; `previous` may be absent only for a user who signed
    /// in without a password.
    #[uniffi::constructor]
    pub fn new(
        config: Arc<PoolConfig>,
        access_token: Arc<Secret>,
        previous: Option<Arc<Secret>>,
        proposed: Arc<Secret>,
    ) -> Arc<Self> {
        Self::build(
            &config,
            account::ChangePassword::new(
                Secret::into_core(access_token),
                previous.map(Secret::into_core),
                Secret::into_core(proposed),
            ),
        )
    }

    /// The request to send.
    pub fn request(&self) -> HttpRequest {
        self.request.clone().into()
    }

    /// The reply.
    ///
    /// # Errors
    /// `Service` (`NotAuthorizedException` for a wrong previous password,
    /// `InvalidPasswordException`, `LimitExceededException`...).
    pub fn handle_response(
        &self,
        status: u16,
        headers: Vec<Header>,
        body: Vec<u8>,
    ) -> Result<(), CognitoError> {
        parse::<account::ChangePassword>(status, &headers, body).map(|_| ())
    }
}

single_call!(
    /// GlobalSignOut: revokes every token Cognito issued to the user, on every device. Refreshes
    /// then fail (`NotAuthorizedException`); drop the stored session.
    GlobalSignOut,
    account::GlobalSignOut
);

#[uniffi::export]
impl GlobalSignOut {
    /// For the user of `access_token`.
    #[uniffi::constructor]
    pub fn new(config: Arc<PoolConfig>, access_token: Arc<Secret>) -> Arc<Self> {
        Self::build(
            &config,
            account::GlobalSignOut::new(Secret::into_core(access_token)),
        )
    }

    /// The request to send.
    pub fn request(&self) -> HttpRequest {
        self.request.clone().into()
    }

    /// The reply.
    ///
    /// # Errors
    /// `Service` (`NotAuthorizedException` for a revoked access token...).
    pub fn handle_response(
        &self,
        status: u16,
        headers: Vec<Header>,
        body: Vec<u8>,
    ) -> Result<(), CognitoError> {
        parse::<account::GlobalSignOut>(status, &headers, body).map(|_| ())
    }
}

/// The signed-in user, as GetUser returns it.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct User {
    /// The internal user name.
    pub username: String,
    /// The attributes (`sub`, `email`, `email_verified`, `name`, `custom:...`).
    pub attributes: HashMap<String, String>,
    /// The preferred MFA method (`SOFTWARE_TOKEN_MFA`...), if any.
    pub preferred_mfa: Option<String>,
    /// The MFA methods turned on.
    pub mfa_methods: Vec<String>,
}

single_call!(
    /// GetUser: the signed-in user's attributes and MFA settings.
    GetUser,
    account::GetUser
);

#[uniffi::export]
impl GetUser {
    /// For the user of `access_token`.
    #[uniffi::constructor]
    pub fn new(config: Arc<PoolConfig>, access_token: Arc<Secret>) -> Arc<Self> {
        Self::build(
            &config,
            account::GetUser::new(Secret::into_core(access_token)),
        )
    }

    /// The request to send.
    pub fn request(&self) -> HttpRequest {
        self.request.clone().into()
    }

    /// The user.
    ///
    /// # Errors
    /// `Service`, `InvalidResponse`.
    pub fn handle_response(
        &self,
        status: u16,
        headers: Vec<Header>,
        body: Vec<u8>,
    ) -> Result<User, CognitoError> {
        let user = parse::<account::GetUser>(status, &headers, body)?;
        Ok(User {
            attributes: user
                .user_attributes
                .into_iter()
                .filter_map(|a| Some((a.name, a.value?)))
                .collect(),
            username: user.username,
            preferred_mfa: user.preferred_mfa_setting,
            mfa_methods: user.user_mfa_setting_list,
        })
    }
}

single_call!(
    /// UpdateUserAttributes: sets attributes of the signed-in user. Changing one the pool
    /// verifies (e-mail, phone) sends a code (see the deliveries), to verify with an
    /// `AccountCall` of VerifyUserAttribute.
    UpdateUserAttributes,
    account::UpdateUserAttributes
);

#[uniffi::export]
impl UpdateUserAttributes {
    /// Sets `attributes` for the user of `access_token`.
    #[uniffi::constructor]
    pub fn new(
        config: Arc<PoolConfig>,
        access_token: Arc<Secret>,
        attributes: HashMap<String, String>,
    ) -> Arc<Self> {
        let mut attributes: Vec<_> = attributes.into_iter().collect();
        attributes.sort();
        Self::build(
            &config,
            account::UpdateUserAttributes::new(Secret::into_core(access_token), attributes),
        )
    }

    /// The request to send.
    pub fn request(&self) -> HttpRequest {
        self.request.clone().into()
    }

    /// Where verification codes went (empty when none was needed).
    ///
    /// # Errors
    /// `Service` (`InvalidParameterException` for an unknown attribute...), `InvalidResponse`.
    pub fn handle_response(
        &self,
        status: u16,
        headers: Vec<Header>,
        body: Vec<u8>,
    ) -> Result<Vec<CodeDelivery>, CognitoError> {
        let output = parse::<account::UpdateUserAttributes>(status, &headers, body)?;
        Ok(output
            .code_delivery_details_list
            .into_iter()
            .map(Into::into)
            .collect())
    }
}

/// A device of the user's, as ListDevices returns it.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct Device {
    /// `DeviceKey`.
    pub device_key: Option<String>,
    /// The name given at ConfirmDevice (`device_name`), if any.
    pub name: Option<String>,
    /// Its attributes (`device_name`, `device_status`, `last_ip_used`...).
    pub attributes: HashMap<String, String>,
    /// When it was first seen (Unix seconds).
    pub created_at: Option<f64>,
    /// When it was last changed.
    pub last_modified_at: Option<f64>,
    /// When it was last used to sign in.
    pub last_authenticated_at: Option<f64>,
}

/// A page of the user's devices.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct DeviceList {
    /// The devices.
    pub devices: Vec<Device>,
    /// For the next page, when there is one.
    pub pagination_token: Option<String>,
}

single_call!(
    /// ListDevices: the signed-in user's tracked devices.
    ListDevices,
    account::ListDevices
);

#[uniffi::export]
impl ListDevices {
    /// For the user of `access_token`; at most `limit` (Cognito's default 10, up to 60),
    /// after `pagination_token`.
    #[uniffi::constructor]
    pub fn new(
        config: Arc<PoolConfig>,
        access_token: Arc<Secret>,
        limit: Option<u32>,
        pagination_token: Option<String>,
    ) -> Arc<Self> {
        let mut call = account::ListDevices::new(Secret::into_core(access_token));
        if let Some(limit) = limit {
            call = call.with_limit(limit);
        }
        if let Some(token) = pagination_token {
            call = call.with_pagination_token(token);
        }
        Self::build(&config, call)
    }

    /// The request to send.
    pub fn request(&self) -> HttpRequest {
        self.request.clone().into()
    }

    /// The devices.
    ///
    /// # Errors
    /// `Service`, `InvalidResponse`.
    pub fn handle_response(
        &self,
        status: u16,
        headers: Vec<Header>,
        body: Vec<u8>,
    ) -> Result<DeviceList, CognitoError> {
        let list = parse::<account::ListDevices>(status, &headers, body)?;
        Ok(DeviceList {
            devices: list
                .devices
                .into_iter()
                .map(|d| Device {
                    name: d.name().map(str::to_owned),
                    attributes: d
                        .device_attributes
                        .into_iter()
                        .filter_map(|a| Some((a.name, a.value?)))
                        .collect(),
                    device_key: d.device_key,
                    created_at: d.device_create_date,
                    last_modified_at: d.device_last_modified_date,
                    last_authenticated_at: d.device_last_authenticated_date,
                })
                .collect(),
            pagination_token: list.pagination_token,
        })
    }
}

single_call!(
    /// ForgetDevice: stops tracking a device (drop its stored credentials too).
    ForgetDevice,
    account::ForgetDevice
);

#[uniffi::export]
impl ForgetDevice {
    /// Forgets `device_key` of the user of `access_token`.
    #[uniffi::constructor]
    pub fn new(
        config: Arc<PoolConfig>,
        access_token: Arc<Secret>,
        device_key: String,
    ) -> Arc<Self> {
        Self::build(
            &config,
            account::ForgetDevice::new(Secret::into_core(access_token), device_key),
        )
    }

    /// The request to send.
    pub fn request(&self) -> HttpRequest {
        self.request.clone().into()
    }

    /// The reply.
    ///
    /// # Errors
    /// `Service` (`ResourceNotFoundException` for an unknown device...).
    pub fn handle_response(
        &self,
        status: u16,
        headers: Vec<Header>,
        body: Vec<u8>,
    ) -> Result<(), CognitoError> {
        parse::<account::ForgetDevice>(status, &headers, body).map(|_| ())
    }
}

/// One MFA method's setting for `SetUserMfaPreference`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Record)]
pub struct MfaPreference {
    /// The method may be used.
    pub enabled: bool,
    /// It is the preferred one.
    pub preferred: bool,
}

impl From<MfaPreference> for account::MfaSettings {
    fn from(p: MfaPreference) -> Self {
        if p.enabled {
            account::MfaSettings::enabled(p.preferred)
        } else {
            account::MfaSettings::disabled()
        }
    }
}

single_call!(
    /// SetUserMFAPreference: which MFA methods the signed-in user has on, and the preferred
    /// one. Methods left `None` are not changed.
    SetUserMfaPreference,
    account::SetUserMfaPreference
);

#[uniffi::export]
impl SetUserMfaPreference {
    /// For the user of `access_token`.
    #[uniffi::constructor]
    pub fn new(
        config: Arc<PoolConfig>,
        access_token: Arc<Secret>,
        sms: Option<MfaPreference>,
        software_token: Option<MfaPreference>,
        email: Option<MfaPreference>,
    ) -> Arc<Self> {
        let mut call = account::SetUserMfaPreference::new(Secret::into_core(access_token));
        if let Some(p) = sms {
            call = call.with_sms(p.into());
        }
        if let Some(p) = software_token {
            call = call.with_software_token(p.into());
        }
        if let Some(p) = email {
            call = call.with_email(p.into());
        }
        Self::build(&config, call)
    }

    /// The request to send.
    pub fn request(&self) -> HttpRequest {
        self.request.clone().into()
    }

    /// The reply.
    ///
    /// # Errors
    /// `Service` (`InvalidParameterException` for a method the user has not set up...).
    pub fn handle_response(
        &self,
        status: u16,
        headers: Vec<Header>,
        body: Vec<u8>,
    ) -> Result<(), CognitoError> {
        parse::<account::SetUserMfaPreference>(status, &headers, body).map(|_| ())
    }
}
