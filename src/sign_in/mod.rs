//! Signing a user in: InitiateAuth, the SRP proofs, challenges, tokens.

// The machine holds one state at a time (state.rs). Each state's file holds its data and what
// it does with the next input: start.rs builds InitiateAuth, expect.rs takes the reply to the
// request out, awaiting_answer.rs turns the app's answer into a request. Imports go one way:
// names → challenge → step, and context → requests → awaiting_answer → expect → start →
// state, then this file. A state hands its successor back as a value (`expect::Next`,
// `awaiting_answer::Answered`) rather than naming `State`, which keeps it so.

mod awaiting_answer;
mod challenge;
mod context;
mod expect;
mod names;
mod requests;
mod start;
mod state;
mod step;
mod suspend;

use std::collections::BTreeMap;
use std::sync::Arc;

pub use challenge::{Challenge, ChallengeAnswer, CodeDelivery, TotpSetup};
pub use names::{FirstFactor, MfaType};
pub use start::AuthFlow;
pub use step::{Status, Step};
pub use suspend::SuspendedSignIn;

use context::Context;
use expect::{Expect, Failure, Next, Transition};
use start::Start;
use state::State;

use crate::config::PoolConfig;
use crate::devices::DeviceCredentials;
use crate::error::{ApiMisuse, Error};
use crate::secret::SecretString;
use crate::time::UnixTime;
use crate::wire::request::Request;
use crate::wire::response::HttpResponse;

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
///
/// An endpoint that keeps the sign-in going is stopped: a sign-in sends at most
/// [`MAX_REQUESTS`](Self::MAX_REQUESTS) requests ([`PeerMisbehaved::TooManyRoundTrips`]), and
/// the same challenge sent again right after it was answered ends it when no real sign-in
/// would see that ([`PeerMisbehaved::ChallengeRepeated`]: a device SRP step twice, another
/// challenge more than three times in a row; CUSTOM_CHALLENGE only counts towards the limit).
///
/// [`PeerMisbehaved::TooManyRoundTrips`]: crate::PeerMisbehaved::TooManyRoundTrips
/// [`PeerMisbehaved::ChallengeRepeated`]: crate::PeerMisbehaved::ChallengeRepeated
#[derive(Debug)]
pub struct SignIn {
    ctx: Context,
    state: State,
}

impl SignIn {
    /// The most requests one sign-in sends, the InitiateAuth included. Real chains take about
    /// a dozen at most; past this the service is looping and the sign-in fails with
    /// [`PeerMisbehaved::TooManyRoundTrips`](crate::PeerMisbehaved::TooManyRoundTrips).
    pub const MAX_REQUESTS: u32 = context::MAX_REQUESTS;

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
            ctx: Context::new(config, username, password),
            state: State::Start(Start::new(flow)),
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
        let start = match std::mem::replace(&mut self.state, State::Done) {
            State::Start(start) => start,
            other => return Err(self.put_back(other, ApiMisuse::AlreadyStarted)),
        };
        match start.request(&mut self.ctx) {
            Ok((expect, request)) => {
                // The first request: never over the limit.
                let _ = self.ctx.progress.another_request();
                self.state = State::Expect(expect);
                Ok(request)
            }
            Err(error) => Err(self.fail(error)),
        }
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
        let expect = match std::mem::replace(&mut self.state, State::Done) {
            State::Expect(expect) => expect,
            other => return Err(self.put_back(other, ApiMisuse::NoRequestInFlight)),
        };
        match expect.handle(&mut self.ctx, response, now) {
            Ok(Transition { next, step }) => {
                if let Next::Done = next {
                    self.ctx.password = None;
                } else if let Err(error) = self.ctx.progress.another_request() {
                    return Err(self.fail(error.into()));
                }
                self.state = State::from(next);
                Ok(step)
            }
            // A wrong code: the same challenge can be answered again.
            Err(Failure {
                error,
                back_to: Some(challenge),
            }) => {
                if let Err(error) = self.ctx.progress.another_request() {
                    return Err(self.fail(error.into()));
                }
                self.state = State::AwaitAnswer(challenge);
                Err(error)
            }
            Err(Failure {
                error,
                back_to: None,
            }) => Err(self.fail(error)),
        }
    }

    /// Answers the pending challenge and gives the request to send.
    ///
    /// # Errors
    /// [`ApiMisuse::NoChallengePending`] or [`ApiMisuse::WrongAnswer`] when the answer does not
    /// fit; [`Error::InvalidInput`] when it is incomplete (a required attribute missing, an
    /// empty code). None of these change the state: the challenge can still be answered.
    pub fn answer(&mut self, answer: ChallengeAnswer) -> Result<Request, Error> {
        let pending = match std::mem::replace(&mut self.state, State::Done) {
            State::AwaitAnswer(pending) => pending,
            other => return Err(self.put_back(other, ApiMisuse::NoChallengePending)),
        };
        match pending.answer(&mut self.ctx, answer) {
            Ok(answered) => {
                let (expect, request) = Expect::answered(pending, answered);
                self.state = State::Expect(expect);
                Ok(request)
            }
            Err(error) => {
                self.state = State::AwaitAnswer(pending);
                Err(error)
            }
        }
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
        match &self.state {
            State::AwaitAnswer(pending) => Some(SuspendedSignIn::new(&self.ctx, pending)),
            _ => None,
        }
    }

    /// Rebuilds a sign-in from [`suspend`](Self::suspend), waiting at the same challenge.
    ///
    /// # Errors
    /// [`Error::PeerMisbehaved`] when the stored challenge parameters do not parse.
    pub fn resume(config: Arc<PoolConfig>, suspended: SuspendedSignIn) -> Result<Self, Error> {
        let (ctx, pending) = suspended.restore(config)?;
        Ok(Self {
            ctx,
            state: State::AwaitAnswer(pending),
        })
    }

    /// Puts back the state a call in the wrong state took out, and gives the misuse error (a
    /// failed machine answers with its own error instead).
    fn put_back(&mut self, state: State, misuse: ApiMisuse) -> Error {
        self.state = state;
        match &self.state {
            State::Failed(error) => error.clone(),
            _ => misuse.into(),
        }
    }

    /// A final error: the machine fails for good and drops the password at once.
    fn fail(&mut self, error: Error) -> Error {
        self.ctx.password = None;
        self.state = State::Failed(error.clone());
        error
    }
}
