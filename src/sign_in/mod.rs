//! Signing a user in: InitiateAuth, the SRP proofs, challenges, tokens.

mod answer;
mod challenge;
mod state;
mod steps;

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

pub use challenge::{Challenge, ChallengeAnswer, CodeDelivery, FirstFactor, MfaType, TotpSetup};
use state::State;

use crate::config::PoolConfig;
use crate::devices::DeviceCredentials;
use crate::error::{ApiMisuse, Error};
use crate::secret::SecretString;
use crate::time::UnixTime;
use crate::tokens::Tokens;
use crate::wire;
use crate::wire::operation::Operation;
use crate::wire::request::Request;
use crate::wire::response::HttpResponse;

/// How the user is authenticated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub enum AuthFlow {
    /// `USER_SRP_AUTH`: the password never leaves the device (the default).
    #[default]
    UserSrp,
    /// `USER_PASSWORD_AUTH`: the password is sent over TLS. The app client must allow it.
    UserPassword,
    /// `CUSTOM_AUTH` starting with an SRP password proof, then your custom challenges.
    CustomWithSrp,
    /// `CUSTOM_AUTH` with custom challenges only (no password).
    CustomWithoutSrp,
    /// `USER_AUTH`, choice-based: the first factor is chosen by
    /// [`SignIn::with_preferred_challenge`] or from SELECT_CHALLENGE.
    UserAuth,
}

/// What the app does next, returned by [`SignIn::handle_response`].
#[derive(Debug)]
#[must_use]
#[non_exhaustive]
pub enum Step {
    /// Send this request and pass the reply to [`SignIn::handle_response`].
    Send(Request),
    /// Ask the user, then call [`SignIn::answer`].
    Challenge(Challenge),
    /// Signed in. When [`Tokens::new_device`] is set the pool tracks devices: confirm it with
    /// [`DeviceConfirmation`](crate::DeviceConfirmation).
    Done(Box<Tokens>),
    /// The account exists but its sign-up was never confirmed (UserNotConfirmedException):
    /// confirm it with the code sent at sign-up (or resend one), then sign in again.
    ConfirmSignUp,
    /// An administrator requires a password reset (PasswordResetRequiredException): run
    /// ForgotPassword and ConfirmForgotPassword, then sign in again.
    ResetPassword,
    /// Cognito no longer knows the stored device ("Device does not exist."): delete the
    /// stored credentials for `device_key`, then send `request`, the same step without it.
    DeviceForgotten {
        /// The same request without DEVICE_KEY.
        request: Request,
        /// The key to delete from storage.
        device_key: String,
    },
}

/// Where a [`SignIn`] is, for logs and UIs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Status {
    /// `start` not yet called.
    NotStarted,
    /// A request is out; waiting for `handle_response`.
    AwaitingResponse(Operation),
    /// A challenge waits for `answer`.
    AwaitingAnswer,
    /// Finished: tokens delivered or another step named.
    Done,
    /// Failed for good; every call returns the error.
    Failed,
}

/// One user's sign-in, as a sans-IO state machine.
///
/// 1. [`start`](Self::start) gives the InitiateAuth request.
/// 2. Send each request yourself and feed the reply to [`handle_response`](Self::handle_response)
///    with the current time; it returns the next [`Step`].
/// 3. On [`Step::Challenge`], ask the user and call [`answer`](Self::answer), which gives the
///    next request.
///
/// The SRP proofs (PASSWORD_VERIFIER, and DEVICE_SRP_AUTH / DEVICE_PASSWORD_VERIFIER with a
/// remembered device) are answered by the machine itself; the password is zeroized as soon as
/// it has been used. A call in the wrong state returns [`Error::ApiMisuse`] and changes
/// nothing; an answer that cannot be sent returns [`Error::InvalidInput`] and changes nothing;
/// any other error is final: the machine stays failed and returns that error again. The
/// exception is a wrong one-time code (CodeMismatchException), after which the same challenge
/// can be answered again.
#[derive(Debug)]
pub struct SignIn {
    ctx: Context,
    state: State,
}

/// What every state needs.
#[derive(Debug)]
struct Context {
    config: Arc<PoolConfig>,
    /// What the user typed (an alias is fine for InitiateAuth).
    username: String,
    /// Cognito's internal name, once a challenge names it; every later request uses it.
    user_id: UserId,
    /// Until it has been used.
    password: Option<SecretString>,
    /// A remembered device, used for DEVICE_KEY and device SRP.
    device: Option<DeviceCredentials>,
    /// ClientMetadata for this sign-in, instead of the configuration's.
    client_metadata: Option<BTreeMap<String, String>>,
    /// Issuer and account label of the otpauth URI for TOTP enrolment.
    totp_label: Option<(String, String)>,
    /// AdminInitiateAuth / AdminRespondToAuthChallenge instead of the public operations.
    admin: bool,
}

/// Cognito's internal user name, as far as the service has named it.
#[derive(Debug)]
enum UserId {
    NotYetNamed,
    /// The name typed (no copy kept: the usual case, and the SRP step allocates nothing).
    AsTyped,
    /// Another name: the user typed an alias (e-mail, phone, preferred_username).
    Internal(String),
}

impl Context {
    /// The USERNAME for a challenge response, and for its SECRET_HASH.
    fn response_username(&self) -> &str {
        self.user_id().unwrap_or(&self.username)
    }

    fn user_id(&self) -> Option<&str> {
        match &self.user_id {
            UserId::NotYetNamed => None,
            UserId::AsTyped => Some(&self.username),
            UserId::Internal(name) => Some(name),
        }
    }

    /// Records the name a challenge gave; every later request uses it.
    fn set_user_id(&mut self, user_id: &str) {
        self.user_id = if user_id == self.username {
            UserId::AsTyped
        } else {
            UserId::Internal(user_id.to_owned())
        };
    }

    fn wire_context(&self) -> wire::Context<'_> {
        let context =
            wire::Context::with_metadata(&self.config.context, self.client_metadata.as_ref());
        if self.admin {
            context.without_user_context_data()
        } else {
            context
        }
    }

    fn totp_label(&self) -> (String, String) {
        self.totp_label
            .clone()
            .unwrap_or_else(|| (self.config.pool_name().to_owned(), self.username.clone()))
    }
}

/// A sign-in paused at a challenge, for an app that is suspended (a mobile app sent to the
/// background while the user fetches a code). Serializable; resume it with
/// [`SignIn::resume`] while the Session lives (3 minutes by default). It holds the Session,
/// a TOTP secret being enrolled and the device credentials, but never the password: a
/// SELECT_CHALLENGE resumed this way is answered with [`ChallengeAnswer::Password`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SuspendedSignIn {
    username: String,
    user_id: Option<String>,
    device: Option<DeviceCredentials>,
    challenge_name: String,
    session: SecretString,
    parameters: BTreeMap<String, String>,
    available_challenges: Vec<String>,
    totp: Option<(SecretString, String, String)>,
    received_at: UnixTime,
}

impl SuspendedSignIn {
    /// When the challenge arrived: the Session expires some minutes after it.
    pub fn received_at(&self) -> UnixTime {
        self.received_at
    }
}

impl SignIn {
    /// A sign-in for `username` (or an alias: e-mail, phone) with `password`, by
    /// USER_SRP_AUTH unless [`with_flow`](Self::with_flow) says otherwise.
    pub fn new(
        config: Arc<PoolConfig>,
        username: impl Into<String>,
        password: impl Into<SecretString>,
    ) -> Self {
        Self::build(
            config,
            username.into(),
            Some(password.into()),
            AuthFlow::UserSrp,
        )
    }

    /// A passwordless sign-in: CUSTOM_AUTH without SRP, or USER_AUTH with a code or passkey
    /// first factor (set the flow with [`with_flow`](Self::with_flow)).
    pub fn passwordless(
        config: Arc<PoolConfig>,
        username: impl Into<String>,
        flow: AuthFlow,
    ) -> Self {
        Self::build(config, username.into(), None, flow)
    }

    fn build(
        config: Arc<PoolConfig>,
        username: String,
        password: Option<SecretString>,
        flow: AuthFlow,
    ) -> Self {
        Self {
            ctx: Context {
                config,
                username,
                user_id: UserId::NotYetNamed,
                password,
                device: None,
                client_metadata: None,
                totp_label: None,
                admin: false,
            },
            state: State::Start(state::Start {
                flow,
                preferred: None,
                session: None,
            }),
        }
    }

    /// Chooses the flow. Call before [`start`](Self::start); later it changes nothing.
    #[must_use]
    pub fn with_flow(mut self, flow: AuthFlow) -> Self {
        if let State::Start(start) = &mut self.state {
            start.flow = flow;
        }
        self
    }

    /// USER_AUTH: the first factor to try (`PREFERRED_CHALLENGE`). Without it Cognito answers
    /// SELECT_CHALLENGE with what the user may use.
    #[must_use]
    pub fn with_preferred_challenge(mut self, factor: FirstFactor) -> Self {
        if let State::Start(start) = &mut self.state {
            start.preferred = Some(factor);
        }
        self
    }

    /// USER_AUTH right after sign-up: the `Session` ConfirmSignUp returned, so no code is
    /// needed again.
    #[must_use]
    pub fn with_session(mut self, session: impl Into<SecretString>) -> Self {
        if let State::Start(start) = &mut self.state {
            start.session = Some(session.into());
        }
        self
    }

    /// A remembered device: DEVICE_KEY goes with every request and the machine answers the
    /// device SRP challenges, so the pool can skip MFA.
    #[must_use]
    pub fn with_device(mut self, device: DeviceCredentials) -> Self {
        self.ctx.device = Some(device);
        self
    }

    /// The issuer and account label shown in authenticator apps for TOTP enrolment
    /// (default: the pool name and the user name typed).
    #[must_use]
    pub fn with_totp_label(
        mut self,
        issuer: impl Into<String>,
        account: impl Into<String>,
    ) -> Self {
        self.ctx.totp_label = Some((issuer.into(), account.into()));
        self
    }

    /// Server-side sign-in: AdminInitiateAuth and AdminRespondToAuthChallenge (with
    /// `UserPoolId`; USER_PASSWORD_AUTH becomes ADMIN_USER_PASSWORD_AUTH). These operations need
    /// AWS SigV4 with IAM credentials: sign each request (feature `sigv4`:
    /// [`Request::sigv4_headers`](crate::Request)). Never use this in an app shipped to users.
    #[must_use]
    pub fn with_admin_api(mut self) -> Self {
        self.ctx.admin = true;
        self
    }

    /// ClientMetadata for the requests that follow (for your Lambda triggers), instead of the
    /// configuration's. May be called between steps, e.g. before answering a custom challenge.
    pub fn set_client_metadata(&mut self, metadata: BTreeMap<String, String>) {
        self.ctx.client_metadata = Some(metadata);
    }

    /// The InitiateAuth request. For SRP it draws the ephemeral `a` from the configured
    /// random source. Next: send it, then [`handle_response`](Self::handle_response).
    ///
    /// # Errors
    /// [`ApiMisuse::AlreadyStarted`] after the first call; [`Error::InvalidInput`] when the flow
    /// needs a password and none was given; [`Error::Random`] when the random source fails.
    /// All but the first are final.
    pub fn start(&mut self) -> Result<Request, Error> {
        if !matches!(self.state, State::Start(_)) {
            return Err(self.misuse(ApiMisuse::AlreadyStarted));
        }
        let state = std::mem::replace(&mut self.state, State::Done);
        let outcome = state.start_request(&mut self.ctx);
        self.settle(outcome)
    }

    /// Feeds Cognito's reply to the last request. `now` is the current time: it dates the SRP
    /// TIMESTAMP and the token expiry.
    ///
    /// # Errors
    /// [`Error::Service`] for Cognito errors (see [`crate::ErrorKind`]),
    /// [`Error::InvalidResponse`], [`Error::PeerMisbehaved`] or [`Error::Srp`] for responses that
    /// cannot be used. All are final except a wrong code after an answer. Without a request in
    /// flight: [`ApiMisuse::NoRequestInFlight`], which changes nothing.
    pub fn handle_response(
        &mut self,
        response: HttpResponse<'_>,
        now: UnixTime,
    ) -> Result<Step, Error> {
        if !matches!(self.state, State::Expect(_)) {
            return Err(self.misuse(ApiMisuse::NoRequestInFlight));
        }
        let state = std::mem::replace(&mut self.state, State::Done);
        let outcome = state.handle_response(&mut self.ctx, response, now);
        self.settle(outcome)
    }

    /// Answers the pending challenge and gives the request to send.
    ///
    /// # Errors
    /// [`ApiMisuse::NoChallengePending`] or [`ApiMisuse::WrongAnswer`] when the answer does not
    /// fit; [`Error::InvalidInput`] when it is incomplete (a required attribute missing, an
    /// empty code). None of these change the state: the challenge can still be answered.
    pub fn answer(&mut self, answer: ChallengeAnswer) -> Result<Request, Error> {
        let State::AwaitAnswer(pending) = &self.state else {
            return Err(self.misuse(ApiMisuse::NoChallengePending));
        };
        let answered = pending.answer(&mut self.ctx, answer)?;
        let State::AwaitAnswer(pending) = std::mem::replace(&mut self.state, State::Done) else {
            return Err(ApiMisuse::NoChallengePending.into());
        };
        let (state, request) = State::answered(pending, &self.ctx, answered);
        self.state = state;
        Ok(request)
    }

    /// Where the machine is.
    pub fn status(&self) -> Status {
        self.state.status()
    }

    /// The challenge waiting for an answer, if any.
    pub fn pending_challenge(&self) -> Option<&Challenge> {
        match &self.state {
            State::AwaitAnswer(pending) => Some(&pending.challenge),
            _ => None,
        }
    }

    /// Cognito's internal user name, once the service has named it (USER_ID_FOR_SRP).
    pub fn user_id(&self) -> Option<&str> {
        self.ctx.user_id()
    }

    /// Snapshot of a sign-in waiting at a challenge; `None` in any other state (mid-SRP the
    /// machine holds the password, which is never serialized, and Cognito expects the proof
    /// within seconds anyway).
    pub fn suspend(&self) -> Option<SuspendedSignIn> {
        let State::AwaitAnswer(pending) = &self.state else {
            return None;
        };
        let totp = match &pending.challenge {
            Challenge::TotpSetup(setup) => {
                let (issuer, account) = self.ctx.totp_label();
                Some((setup.secret().clone(), issuer, account))
            }
            _ => None,
        };
        Some(SuspendedSignIn {
            username: self.ctx.username.clone(),
            user_id: self.ctx.user_id().map(str::to_owned),
            device: self.ctx.device.clone(),
            challenge_name: pending.name.clone(),
            session: pending.session.clone(),
            parameters: pending.parameters.clone(),
            available_challenges: pending.available.clone(),
            totp,
            received_at: pending.received_at,
        })
    }

    /// Rebuilds a sign-in from [`suspend`](Self::suspend), waiting at the same challenge.
    ///
    /// # Errors
    /// [`Error::PeerMisbehaved`] when the stored challenge parameters do not parse.
    pub fn resume(config: Arc<PoolConfig>, suspended: SuspendedSignIn) -> Result<Self, Error> {
        let mut sign_in = Self::build(config, suspended.username, None, AuthFlow::UserSrp);
        if let Some(user_id) = &suspended.user_id {
            sign_in.ctx.set_user_id(user_id);
        }
        sign_in.ctx.device = suspended.device;
        sign_in.state = match suspended.totp {
            Some((secret, issuer, account)) => {
                let challenge =
                    Challenge::TotpSetup(TotpSetup::new(secret, issuer.clone(), account.clone()));
                sign_in.ctx.totp_label = Some((issuer, account));
                State::AwaitAnswer(Box::new(state::AwaitAnswer {
                    name: suspended.challenge_name,
                    session: suspended.session,
                    challenge,
                    parameters: suspended.parameters,
                    available: suspended.available_challenges,
                    received_at: suspended.received_at,
                }))
            }
            None => State::await_answer(
                suspended.challenge_name,
                suspended.session,
                suspended.parameters,
                suspended.available_challenges,
                suspended.received_at,
            )?,
        };
        Ok(sign_in)
    }

    /// A misuse error; a failed machine answers with its own error instead.
    fn misuse(&self, misuse: ApiMisuse) -> Error {
        match &self.state {
            State::Failed(error) => error.clone(),
            _ => misuse.into(),
        }
    }

    /// Stores the next state, or the failure. A final error drops the password at once.
    fn settle<T>(&mut self, outcome: state::Outcome<T>) -> Result<T, Error> {
        match outcome {
            Ok((state, value)) => {
                if matches!(state, State::Done) {
                    self.ctx.password = None;
                }
                self.state = state;
                Ok(value)
            }
            Err(failure) => {
                let (state, error) = *failure;
                self.state = state.unwrap_or_else(|| {
                    self.ctx.password = None;
                    State::Failed(error.clone())
                });
                Err(error)
            }
        }
    }
}
