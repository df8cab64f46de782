//! Registration: SignUp → ConfirmSignUp (→ ResendConfirmationCode), as single calls and as a
//! machine that hands over the Session for signing in without a password.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::types::{Attribute, CodeDeliveryDetails, CodeSent};
use super::{Call, call, wire};
use crate::config::PoolConfig;
use crate::error::{ApiMisuse, Error};
use crate::secret::SecretString;
use crate::wire::request::Request;
use crate::wire::response::HttpResponse;

/// `SignUp`: registers a user. Takes SECRET_HASH over `username` when the client has a secret.
///
/// [API reference](https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_SignUp.html).
/// The exceptions it can return: [`Operation::SignUp`](crate::Operation::SignUp)`.errors()`.
#[derive(Debug, Clone)]
pub struct SignUp {
    username: String,
    password: Option<SecretString>,
    user_attributes: Vec<Attribute>,
    validation_data: Vec<Attribute>,
    client_metadata: Option<BTreeMap<String, String>>,
}

impl SignUp {
    /// Registers `username` with `password` (`None` in pools that allow passwordless users).
    pub fn new(username: impl Into<String>, password: Option<SecretString>) -> Self {
        Self {
            username: username.into(),
            password,
            user_attributes: Vec::new(),
            validation_data: Vec::new(),
            client_metadata: None,
        }
    }

    /// Adds a user attribute (`email`, `phone_number`, `custom:...`).
    #[must_use]
    pub fn with_attribute(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.user_attributes.push(Attribute::new(name, value));
        self
    }

    /// Adds `ValidationData`, passed to the pre-sign-up Lambda trigger and not stored.
    #[must_use]
    pub fn with_validation_data(
        mut self,
        name: impl Into<String>,
        value: impl Into<String>,
    ) -> Self {
        self.validation_data.push(Attribute::new(name, value));
        self
    }

    /// `ClientMetadata` for Lambda triggers, in place of the configured one.
    #[must_use]
    pub fn with_client_metadata(mut self, metadata: BTreeMap<String, String>) -> Self {
        self.client_metadata = Some(metadata);
        self
    }

    /// The user name being registered.
    pub fn username(&self) -> &str {
        &self.username
    }

    fn wire<'a>(&'a self, config: &'a PoolConfig) -> SignUpWire<'a> {
        SignUpWire {
            client_id: config.client_id(),
            secret_hash: config.secret_hash(&self.username),
            username: &self.username,
            password: self.password.as_ref().map(SecretString::expose),
            user_attributes: &self.user_attributes,
            validation_data: &self.validation_data,
            context: wire::context(config, self.client_metadata.as_ref()),
        }
    }
}
call!(SignUp, SignUp, SignUpOutput);

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct SignUpWire<'a> {
    client_id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    secret_hash: Option<String>,
    username: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    password: Option<&'a str>,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    user_attributes: &'a [Attribute],
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    validation_data: &'a [Attribute],
    #[serde(flatten)]
    context: wire::Context<'a>,
}

/// `SignUpResponse`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct SignUpOutput {
    /// True when the user needs no confirmation (a pre-sign-up trigger confirmed them).
    pub user_confirmed: bool,
    /// Where the confirmation code went, when one was sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code_delivery_details: Option<CodeDeliveryDetails>,
    /// The new user's `sub`.
    pub user_sub: String,
    /// Pass to ConfirmSignUp (or, for a confirmed user, to InitiateAuth `USER_AUTH`) to sign
    /// in without asking for the password again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session: Option<SecretString>,
}

/// `ConfirmSignUp`: confirms a registration with the code Cognito sent.
///
/// [API reference](https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_ConfirmSignUp.html).
/// The exceptions it can return: [`Operation::ConfirmSignUp`](crate::Operation::ConfirmSignUp)`.errors()`.
#[derive(Debug, Clone)]
pub struct ConfirmSignUp {
    username: String,
    code: SecretString,
    force_alias_creation: Option<bool>,
    session: Option<SecretString>,
    client_metadata: Option<BTreeMap<String, String>>,
}

impl ConfirmSignUp {
    /// Confirms `username` with `code`.
    pub fn new(username: impl Into<String>, code: impl Into<SecretString>) -> Self {
        Self {
            username: username.into(),
            code: code.into(),
            force_alias_creation: None,
            session: None,
            client_metadata: None,
        }
    }

    /// `ForceAliasCreation`: move an e-mail or phone alias that another user holds to this one.
    #[must_use]
    pub fn with_force_alias_creation(mut self, force: bool) -> Self {
        self.force_alias_creation = Some(force);
        self
    }

    /// The `Session` from [`SignUpOutput::session`], so the reply carries a Session to sign
    /// in with.
    #[must_use]
    pub fn with_session(mut self, session: impl Into<SecretString>) -> Self {
        self.session = Some(session.into());
        self
    }

    /// `ClientMetadata` for Lambda triggers, in place of the configured one.
    #[must_use]
    pub fn with_client_metadata(mut self, metadata: BTreeMap<String, String>) -> Self {
        self.client_metadata = Some(metadata);
        self
    }

    fn wire<'a>(&'a self, config: &'a PoolConfig) -> ConfirmSignUpWire<'a> {
        ConfirmSignUpWire {
            client_id: config.client_id(),
            secret_hash: config.secret_hash(&self.username),
            username: &self.username,
            confirmation_code: self.code.expose(),
            force_alias_creation: self.force_alias_creation,
            session: self.session.as_ref().map(SecretString::expose),
            context: wire::context(config, self.client_metadata.as_ref()),
        }
    }
}
call!(ConfirmSignUp, ConfirmSignUp, ConfirmSignUpOutput);

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct ConfirmSignUpWire<'a> {
    client_id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    secret_hash: Option<String>,
    username: &'a str,
    confirmation_code: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    force_alias_creation: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    session: Option<&'a str>,
    #[serde(flatten)]
    context: wire::Context<'a>,
}

/// `ConfirmSignUpResponse`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct ConfirmSignUpOutput {
    /// A Session for InitiateAuth `USER_AUTH`: sign in without the password or a new code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session: Option<SecretString>,
}

/// `ResendConfirmationCode`: sends the sign-up confirmation code again.
///
/// [API reference](https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_ResendConfirmationCode.html).
/// The exceptions it can return: [`Operation::ResendConfirmationCode`](crate::Operation::ResendConfirmationCode)`.errors()`.
#[derive(Debug, Clone)]
pub struct ResendConfirmationCode {
    username: String,
    client_metadata: Option<BTreeMap<String, String>>,
}

impl ResendConfirmationCode {
    /// For `username`.
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
call!(ResendConfirmationCode, ResendConfirmationCode, CodeSent);

/// What a [`SignUpFlow`] reached.
#[derive(Debug, Clone, PartialEq, Eq)]
#[must_use]
#[non_exhaustive]
pub enum SignUpStep {
    /// Registered; a code must confirm the account. Ask the user for it, then call
    /// [`SignUpFlow::confirm`] (or [`SignUpFlow::resend_code`]).
    ConfirmationRequired {
        /// The new user's `sub` (empty when resuming a confirmation).
        user_sub: String,
        /// Where the code went.
        delivery: Option<CodeDeliveryDetails>,
    },
    /// The code was sent again; call [`SignUpFlow::confirm`].
    CodeResent(Option<CodeDeliveryDetails>),
    /// The account is confirmed. With a `session`, start InitiateAuth `USER_AUTH` with it to
    /// sign in without the password; otherwise sign in as usual.
    Confirmed {
        /// The new user's `sub` (empty when resuming a confirmation).
        user_sub: String,
        /// The Session for signing in right away, when Cognito sent one.
        session: Option<SecretString>,
    },
}

#[derive(Debug)]
enum SignUpState {
    Ready(Box<SignUp>),
    SentSignUp,
    AwaitCode,
    SentConfirm,
    SentResend,
    Done,
    Failed(Error),
}

/// Registering a user as a sans-IO machine: SignUp, then (unless the pool confirms users by
/// itself) ConfirmSignUp with the code, ResendConfirmationCode on request. The SignUp Session
/// is passed to ConfirmSignUp, and the Session ConfirmSignUp returns is handed to the app in
/// [`SignUpStep::Confirmed`] so it can sign in without asking for the password again.
///
/// A service error in reply to [`confirm`](Self::confirm) or [`resend_code`](Self::resend_code)
/// leaves the machine waiting for a code (try again); any other error is final.
#[derive(Debug)]
pub struct SignUpFlow {
    config: Arc<PoolConfig>,
    username: String,
    user_sub: String,
    session: Option<SecretString>,
    state: SignUpState,
}

impl SignUpFlow {
    /// A registration that sends `sign_up`.
    pub fn new(config: Arc<PoolConfig>, sign_up: SignUp) -> Self {
        Self {
            config,
            username: sign_up.username.clone(),
            user_sub: String::new(),
            session: None,
            state: SignUpState::Ready(Box::new(sign_up)),
        }
    }

    /// Confirms an account registered earlier (e.g. sign-in failed with
    /// `UserNotConfirmedException`): the machine starts out waiting for a code.
    pub fn resume_confirmation(config: Arc<PoolConfig>, username: impl Into<String>) -> Self {
        Self {
            config,
            username: username.into(),
            user_sub: String::new(),
            session: None,
            state: SignUpState::AwaitCode,
        }
    }

    /// The SignUp request. Next: [`handle_response`](Self::handle_response).
    ///
    /// # Errors
    /// [`ApiMisuse::AlreadyStarted`] on a second call.
    pub fn start(&mut self) -> Result<Request, Error> {
        match std::mem::replace(&mut self.state, SignUpState::SentSignUp) {
            SignUpState::Ready(sign_up) => Ok(sign_up.request(&self.config)),
            other => {
                let error = match &other {
                    SignUpState::Failed(e) => e.clone(),
                    _ => ApiMisuse::AlreadyStarted.into(),
                };
                self.state = other;
                Err(error)
            }
        }
    }

    /// The ConfirmSignUp request with the user's `code`.
    ///
    /// # Errors
    /// [`ApiMisuse::NoChallengePending`] when no code is awaited.
    pub fn confirm(&mut self, code: impl Into<SecretString>) -> Result<Request, Error> {
        self.expect_awaiting_code()?;
        let mut confirm = ConfirmSignUp::new(self.username.as_str(), code);
        if let Some(session) = &self.session {
            confirm = confirm.with_session(session.clone());
        }
        self.state = SignUpState::SentConfirm;
        Ok(confirm.request(&self.config))
    }

    /// The ResendConfirmationCode request.
    ///
    /// # Errors
    /// [`ApiMisuse::NoChallengePending`] when no code is awaited.
    pub fn resend_code(&mut self) -> Result<Request, Error> {
        self.expect_awaiting_code()?;
        self.state = SignUpState::SentResend;
        Ok(ResendConfirmationCode::new(self.username.as_str()).request(&self.config))
    }

    /// Reads the reply to the last request.
    ///
    /// # Errors
    /// [`Error::Service`] (e.g. `UsernameExistsException`, `InvalidPasswordException`,
    /// `CodeMismatchException`, `ExpiredCodeException`), [`Error::InvalidResponse`],
    /// [`ApiMisuse::NoRequestInFlight`].
    pub fn handle_response(&mut self, response: HttpResponse<'_>) -> Result<SignUpStep, Error> {
        let state = std::mem::replace(&mut self.state, SignUpState::AwaitCode);
        // After SignUp itself failed nothing was registered, so that error is final; after
        // confirm or resend a service error (wrong code...) leaves the machine waiting.
        let sent_sign_up = matches!(state, SignUpState::SentSignUp);
        let result = match state {
            SignUpState::SentSignUp => SignUp::parse(response).map(|out| {
                self.user_sub = out.user_sub;
                self.session = out.session;
                if out.user_confirmed {
                    SignUpStep::Confirmed {
                        user_sub: self.user_sub.clone(),
                        session: self.session.take(),
                    }
                } else {
                    SignUpStep::ConfirmationRequired {
                        user_sub: self.user_sub.clone(),
                        delivery: out.code_delivery_details,
                    }
                }
            }),
            SignUpState::SentConfirm => ConfirmSignUp::parse(response).map(|out| {
                self.session = None;
                SignUpStep::Confirmed {
                    user_sub: self.user_sub.clone(),
                    session: out.session,
                }
            }),
            SignUpState::SentResend => ResendConfirmationCode::parse(response)
                .map(|out| SignUpStep::CodeResent(out.code_delivery_details)),
            SignUpState::Failed(e) => {
                self.state = SignUpState::Failed(e.clone());
                return Err(e);
            }
            other => {
                self.state = other;
                return Err(ApiMisuse::NoRequestInFlight.into());
            }
        };
        self.state = match &result {
            Ok(SignUpStep::Confirmed { .. }) => SignUpState::Done,
            Ok(_) => SignUpState::AwaitCode,
            Err(Error::Service(_)) if !sent_sign_up => SignUpState::AwaitCode,
            Err(e) => SignUpState::Failed(e.clone()),
        };
        result
    }

    /// The new user's `sub`, once SignUp succeeded.
    pub fn user_sub(&self) -> Option<&str> {
        (!self.user_sub.is_empty()).then_some(self.user_sub.as_str())
    }

    /// True once the account is confirmed.
    pub fn is_done(&self) -> bool {
        matches!(self.state, SignUpState::Done)
    }

    /// True while the machine waits for [`confirm`](Self::confirm) or
    /// [`resend_code`](Self::resend_code).
    pub fn is_awaiting_code(&self) -> bool {
        matches!(self.state, SignUpState::AwaitCode)
    }

    fn expect_awaiting_code(&self) -> Result<(), Error> {
        match &self.state {
            SignUpState::AwaitCode => Ok(()),
            SignUpState::Failed(e) => Err(e.clone()),
            SignUpState::Done => Err(ApiMisuse::Finished.into()),
            _ => Err(ApiMisuse::NoChallengePending.into()),
        }
    }
}
