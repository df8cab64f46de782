//! Signing a user in: InitiateAuth, the SRP password proof, challenges, tokens.

mod challenge;
mod state;

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

pub use challenge::{Challenge, ChallengeAnswer, CodeDelivery, MfaType};
use state::State;

use crate::config::PoolConfig;
use crate::error::{ApiMisuse, Error};
use crate::operation::Operation;
use crate::request::Request;
use crate::response::HttpResponse;
use crate::secret::SecretString;
use crate::time::UnixTime;
use crate::tokens::Tokens;

/// How the password is proven.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub enum AuthFlow {
    /// `USER_SRP_AUTH`: the password never leaves the device (the default).
    #[default]
    UserSrp,
    /// `USER_PASSWORD_AUTH`: the password is sent over TLS. The app client must allow it.
    UserPassword,
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
    /// Signed in. When [`Tokens::new_device`] is set the pool tracks devices: confirm it.
    Done(Box<Tokens>),
    /// The account exists but its sign-up was never confirmed (UserNotConfirmedException):
    /// confirm it with the code sent at sign-up (or resend one), then sign in again.
    ConfirmSignUp,
    /// An administrator requires a password reset (PasswordResetRequiredException): run
    /// ForgotPassword and ConfirmForgotPassword, then sign in again.
    ResetPassword,
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
/// The SRP password proof (PASSWORD_VERIFIER) is answered by the machine itself; the password
/// is zeroized as soon as it has been used. A call in the wrong state returns
/// [`Error::ApiMisuse`] and changes nothing; a caller input that cannot be sent returns
/// [`Error::InvalidInput`] and changes nothing; any other error is final: the machine stays
/// failed and returns that error again. The exception is a wrong one-time code
/// (CodeMismatchException), after which the same challenge can be answered again.
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
    user_id: Option<String>,
    /// A remembered device's key, sent on every request.
    device_key: Option<String>,
}

impl Context {
    /// The USERNAME for a challenge response, and for its SECRET_HASH.
    fn response_username(&self) -> &str {
        self.user_id.as_deref().unwrap_or(&self.username)
    }
}

/// A sign-in paused at a challenge, for an app that is suspended (a mobile app sent to the
/// background while the user fetches a code). Serializable; resume it with
/// [`SignIn::resume`] while the Session lives (3 minutes by default). It holds the Session but
/// never the password.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SuspendedSignIn {
    username: String,
    user_id: Option<String>,
    device_key: Option<String>,
    challenge_name: String,
    session: SecretString,
    parameters: BTreeMap<String, String>,
    available_challenges: Vec<String>,
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
        Self {
            ctx: Context {
                config,
                username: username.into(),
                user_id: None,
                device_key: None,
            },
            state: State::start(AuthFlow::UserSrp, password.into()),
        }
    }

    /// Chooses the flow. Call before [`start`](Self::start); later it changes nothing.
    #[must_use]
    pub fn with_flow(mut self, flow: AuthFlow) -> Self {
        self.state.set_flow(flow);
        self
    }

    /// Sends `DEVICE_KEY` with every request, so a pool that remembers this device can skip MFA.
    #[must_use]
    pub fn with_device_key(mut self, device_key: impl Into<String>) -> Self {
        self.ctx.device_key = Some(device_key.into());
        self
    }

    /// The InitiateAuth request. For SRP it draws the ephemeral `a` from the configured
    /// random source. Next: send it, then [`handle_response`](Self::handle_response).
    ///
    /// # Errors
    /// [`ApiMisuse::AlreadyStarted`] after the first call; [`Error::Random`] when the random
    /// source fails (final).
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
    /// cannot be used. All are final except CodeMismatchException after an answer. Without a
    /// request in flight: [`ApiMisuse::NoRequestInFlight`], which changes nothing.
    pub fn handle_response(
        &mut self,
        response: HttpResponse<'_>,
        now: UnixTime,
    ) -> Result<Step, Error> {
        if !matches!(self.state, State::ExpectAuthResponse(_)) {
            return Err(self.misuse(ApiMisuse::NoRequestInFlight));
        }
        let state = std::mem::replace(&mut self.state, State::Done);
        let outcome = state.handle_response(&mut self.ctx, response, now);
        self.settle(outcome)
    }

    /// Answers the pending challenge and gives the RespondToAuthChallenge request to send.
    ///
    /// # Errors
    /// [`ApiMisuse::NoChallengePending`] or [`ApiMisuse::WrongAnswer`] when the answer does not
    /// fit; [`Error::InvalidInput`] when it is incomplete (a required attribute missing, an
    /// empty code). None of these change the state: the challenge can still be answered.
    pub fn answer(&mut self, answer: ChallengeAnswer) -> Result<Request, Error> {
        let State::AwaitAnswer(pending) = &self.state else {
            return Err(self.misuse(ApiMisuse::NoChallengePending));
        };
        let request = pending.answer(&self.ctx, &answer)?;
        let state = std::mem::replace(&mut self.state, State::Done);
        self.state = state.answered();
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
        self.ctx.user_id.as_deref()
    }

    /// Snapshot of a sign-in waiting at a challenge; `None` in any other state (mid-SRP the
    /// machine holds the password, which is never serialized, and Cognito expects the proof
    /// within seconds anyway).
    pub fn suspend(&self) -> Option<SuspendedSignIn> {
        let State::AwaitAnswer(pending) = &self.state else {
            return None;
        };
        Some(SuspendedSignIn {
            username: self.ctx.username.clone(),
            user_id: self.ctx.user_id.clone(),
            device_key: self.ctx.device_key.clone(),
            challenge_name: pending.name.clone(),
            session: pending.session.clone(),
            parameters: pending.parameters.clone(),
            available_challenges: pending.available.clone(),
            received_at: pending.received_at,
        })
    }

    /// Rebuilds a sign-in from [`suspend`](Self::suspend), waiting at the same challenge.
    ///
    /// # Errors
    /// [`Error::PeerMisbehaved`] when the stored challenge parameters do not parse.
    pub fn resume(config: Arc<PoolConfig>, suspended: SuspendedSignIn) -> Result<Self, Error> {
        let ctx = Context {
            config,
            username: suspended.username,
            user_id: suspended.user_id,
            device_key: suspended.device_key,
        };
        let state = State::await_answer(
            suspended.challenge_name,
            suspended.session,
            suspended.parameters,
            suspended.available_challenges,
            suspended.received_at,
        )?;
        Ok(Self { ctx, state })
    }

    /// A misuse error; a failed machine answers with its own error instead.
    fn misuse(&self, misuse: ApiMisuse) -> Error {
        match &self.state {
            State::Failed(error) => error.clone(),
            _ => misuse.into(),
        }
    }

    /// Stores the next state, or the failure.
    fn settle<T>(&mut self, outcome: state::Outcome<T>) -> Result<T, Error> {
        match outcome {
            Ok((state, value)) => {
                self.state = state;
                Ok(value)
            }
            Err(failure) => {
                let (state, error) = *failure;
                self.state = state.unwrap_or_else(|| State::Failed(error.clone()));
                Err(error)
            }
        }
    }
}
