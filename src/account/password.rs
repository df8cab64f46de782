//! Passwords: ChangePassword, and ForgotPassword → ConfirmForgotPassword as a machine.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::Serialize;

use super::types::{CodeDeliveryDetails, CodeSent, Empty};
use super::{Call, call, wire};
use crate::config::PoolConfig;
use crate::error::{ApiMisuse, Error};
use crate::secret::SecretString;
use crate::wire::request::Request;
use crate::wire::response::HttpResponse;

/// `ChangePassword`: changes the signed-in user's password.
///
/// [API reference](https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_ChangePassword.html).
/// The exceptions it can return: [`Operation::ChangePassword`](crate::Operation::ChangePassword)`.errors()`.
#[derive(Debug, Clone)]
pub struct ChangePassword {
    access_token: SecretString,
    previous: Option<SecretString>,
    proposed: SecretString,
}

impl ChangePassword {
    /// From `previous` to `proposed`. `previous` may be `None` only for a user who signed in
    /// without a password (passwordless pools).
    pub fn new(
        access_token: impl Into<SecretString>,
        previous: Option<SecretString>,
        proposed: impl Into<SecretString>,
    ) -> Self {
        Self {
            access_token: access_token.into(),
            previous,
            proposed: proposed.into(),
        }
    }

    fn wire(&self, _: &PoolConfig) -> ChangePasswordWire<'_> {
        ChangePasswordWire {
            previous_password: self.previous.as_ref().map(SecretString::expose),
            proposed_password: self.proposed.expose(),
            access_token: self.access_token.expose(),
        }
    }
}
call!(ChangePassword, ChangePassword, Empty);

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct ChangePasswordWire<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    previous_password: Option<&'a str>,
    proposed_password: &'a str,
    access_token: &'a str,
}

/// `ForgotPassword`: sends the user a code to reset their password. Takes SECRET_HASH over
/// `username` when the client has a secret.
///
/// [API reference](https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_ForgotPassword.html).
/// The exceptions it can return: [`Operation::ForgotPassword`](crate::Operation::ForgotPassword)`.errors()`.
#[derive(Debug, Clone)]
pub struct ForgotPassword {
    username: String,
    client_metadata: Option<BTreeMap<String, String>>,
}

impl ForgotPassword {
    /// For `username` (or an alias: e-mail, phone, preferred user name).
    pub fn new(username: impl Into<String>) -> Self {
        Self {
            username: username.into(),
            client_metadata: None,
        }
    }

    /// `ClientMetadata` for Lambda triggers, in place of the configured one.
    #[must_use]
    pub fn with_client_metadata(mut self, metadata: BTreeMap<String, String>) -> Self {
        self.client_metadata = Some(metadata);
        self
    }

    fn wire<'a>(&'a self, config: &'a PoolConfig) -> wire::UsernameInput<'a> {
        wire::UsernameInput::new(config, &self.username, self.client_metadata.as_ref())
    }
}
call!(ForgotPassword, ForgotPassword, CodeSent);

/// `ConfirmForgotPassword`: sets a new password with the code from [`ForgotPassword`].
///
/// [API reference](https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_ConfirmForgotPassword.html).
/// The exceptions it can return: [`Operation::ConfirmForgotPassword`](crate::Operation::ConfirmForgotPassword)`.errors()`.
#[derive(Debug, Clone)]
pub struct ConfirmForgotPassword {
    username: String,
    code: SecretString,
    password: SecretString,
    client_metadata: Option<BTreeMap<String, String>>,
}

impl ConfirmForgotPassword {
    /// Resets `username`'s password to `password` with `code`.
    pub fn new(
        username: impl Into<String>,
        code: impl Into<SecretString>,
        password: impl Into<SecretString>,
    ) -> Self {
        Self {
            username: username.into(),
            code: code.into(),
            password: password.into(),
            client_metadata: None,
        }
    }

    /// `ClientMetadata` for Lambda triggers, in place of the configured one.
    #[must_use]
    pub fn with_client_metadata(mut self, metadata: BTreeMap<String, String>) -> Self {
        self.client_metadata = Some(metadata);
        self
    }

    fn wire<'a>(&'a self, config: &'a PoolConfig) -> ConfirmForgotPasswordWire<'a> {
        ConfirmForgotPasswordWire {
            client_id: config.client_id(),
            secret_hash: config.secret_hash(&self.username),
            username: &self.username,
            confirmation_code: self.code.expose(),
            password: self.password.expose(),
            context: wire::context(config, self.client_metadata.as_ref()),
        }
    }
}
call!(ConfirmForgotPassword, ConfirmForgotPassword, Empty);

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct ConfirmForgotPasswordWire<'a> {
    client_id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    secret_hash: Option<String>,
    username: &'a str,
    confirmation_code: &'a str,
    password: &'a str,
    #[serde(flatten)]
    context: wire::Context<'a>,
}

/// What a [`PasswordResetFlow`] reached.
#[derive(Debug, Clone, PartialEq, Eq)]
#[must_use]
#[non_exhaustive]
pub enum PasswordResetStep {
    /// A code was sent (again); ask the user for it and the new password, then call
    /// [`PasswordResetFlow::confirm`]. The details are absent when the pool hides whether
    /// users exist.
    CodeSent(Option<CodeDeliveryDetails>),
    /// The password is reset. Sign in with the new one.
    Done,
}

/// Where a [`PasswordResetFlow`] is.
#[derive(Debug)]
enum ResetState {
    Ready,
    /// `true` for a resend: a service error then goes back to waiting for a code.
    SentForgot(bool),
    AwaitCode,
    SentConfirm,
    Done,
    Failed(Error),
}

/// Resetting a forgotten password: ForgotPassword, then ConfirmForgotPassword with the code
/// and the new password. Sans-IO: each method returns the [`Request`] to send, and
/// [`handle_response`](Self::handle_response) reads the reply.
///
/// A service error in reply to [`confirm`](Self::confirm) or [`resend_code`](Self::resend_code)
/// (a wrong or expired code, a weak password) leaves the machine waiting for a code, so the
/// user can try again; any other error is final and returned again by every later call.
#[derive(Debug)]
pub struct PasswordResetFlow {
    config: Arc<PoolConfig>,
    username: String,
    state: ResetState,
}

impl PasswordResetFlow {
    /// A reset for `username` (or an alias).
    pub fn new(config: Arc<PoolConfig>, username: impl Into<String>) -> Self {
        Self {
            config,
            username: username.into(),
            state: ResetState::Ready,
        }
    }

    /// The ForgotPassword request. Next: [`handle_response`](Self::handle_response).
    ///
    /// # Errors
    /// [`ApiMisuse::AlreadyStarted`] on a second call.
    pub fn start(&mut self) -> Result<Request, Error> {
        match &self.state {
            ResetState::Ready => {}
            ResetState::Failed(e) => return Err(e.clone()),
            _ => return Err(ApiMisuse::AlreadyStarted.into()),
        }
        self.state = ResetState::SentForgot(false);
        Ok(ForgotPassword::new(self.username.as_str()).request(&self.config))
    }

    /// Sends the code again (ForgotPassword once more) while the machine waits for one.
    ///
    /// # Errors
    /// [`ApiMisuse::NoChallengePending`] when no code is awaited.
    pub fn resend_code(&mut self) -> Result<Request, Error> {
        self.expect_awaiting_code()?;
        self.state = ResetState::SentForgot(true);
        Ok(ForgotPassword::new(self.username.as_str()).request(&self.config))
    }

    /// The ConfirmForgotPassword request with the user's `code` and `new_password`.
    ///
    /// # Errors
    /// [`ApiMisuse::NoChallengePending`] when no code is awaited.
    pub fn confirm(
        &mut self,
        code: impl Into<SecretString>,
        new_password: impl Into<SecretString>,
    ) -> Result<Request, Error> {
        self.expect_awaiting_code()?;
        self.state = ResetState::SentConfirm;
        Ok(
            ConfirmForgotPassword::new(self.username.as_str(), code, new_password)
                .request(&self.config),
        )
    }

    /// Reads the reply to the last request.
    ///
    /// # Errors
    /// [`Error::Service`] (e.g. `CodeMismatchException`, `ExpiredCodeException`,
    /// `InvalidPasswordException`, `LimitExceededException`, `UserNotFoundException`),
    /// [`Error::InvalidResponse`], [`ApiMisuse::NoRequestInFlight`].
    pub fn handle_response(
        &mut self,
        response: HttpResponse<'_>,
    ) -> Result<PasswordResetStep, Error> {
        let state = std::mem::replace(&mut self.state, ResetState::Ready);
        let (result, retry_state) = match state {
            ResetState::SentForgot(resend) => (
                ForgotPassword::parse(response)
                    .map(|out| PasswordResetStep::CodeSent(out.code_delivery_details)),
                // A failed first ForgotPassword is final; a failed resend keeps waiting.
                resend.then_some(ResetState::AwaitCode),
            ),
            ResetState::SentConfirm => (
                ConfirmForgotPassword::parse(response).map(|_| PasswordResetStep::Done),
                Some(ResetState::AwaitCode),
            ),
            ResetState::Failed(e) => {
                self.state = ResetState::Failed(e.clone());
                return Err(e);
            }
            other => {
                self.state = other;
                return Err(ApiMisuse::NoRequestInFlight.into());
            }
        };
        self.state = match (&result, retry_state) {
            (Ok(PasswordResetStep::Done), _) => ResetState::Done,
            (Ok(_), _) => ResetState::AwaitCode,
            (Err(Error::Service(_)), Some(retry)) => retry,
            (Err(e), _) => ResetState::Failed(e.clone()),
        };
        result
    }

    /// True once the password is reset.
    pub fn is_done(&self) -> bool {
        matches!(self.state, ResetState::Done)
    }

    /// True while the machine waits for [`confirm`](Self::confirm) or
    /// [`resend_code`](Self::resend_code).
    pub fn is_awaiting_code(&self) -> bool {
        matches!(self.state, ResetState::AwaitCode)
    }

    fn expect_awaiting_code(&self) -> Result<(), Error> {
        match &self.state {
            ResetState::AwaitCode => Ok(()),
            ResetState::Failed(e) => Err(e.clone()),
            ResetState::Done => Err(ApiMisuse::Finished.into()),
            _ => Err(ApiMisuse::NoChallengePending.into()),
        }
    }
}
