//! The private states of a sign-in and the transitions on a response.

use std::collections::BTreeMap;
use std::fmt;

use zeroize::Zeroizing;

use super::answer::Answered;
use super::challenge::TotpSetup;
use super::steps;
use super::{AuthFlow, Challenge, Context, FirstFactor, Status, Step};
use crate::account::{AssociateSoftwareToken, Call as _, VerifySoftwareToken};
use crate::error::{Error, PeerMisbehaved};
use crate::secret::SecretString;
use crate::srp::SrpClient;
use crate::time::UnixTime;
use crate::tokens::Tokens;
use crate::wire::operation::Operation;
use crate::wire::request::Request;
use crate::wire::response::HttpResponse;
use crate::wire::service_error::{ErrorKind, ServiceError};
use crate::wire::{self, keys};

/// A transition's result: the next state and a value, or an error with the state to keep
/// (`None`: the error is final and the machine fails).
pub(super) type Outcome<T> = Result<(State, T), Box<(Option<State>, Error)>>;

// Start and Expect are inline: boxing them cost an allocation per request. The size is
// mostly `a` (a U3072) inside the SRP client, and a sign-in holds one state.
#[expect(
    clippy::large_enum_variant,
    reason = "one state per sign-in; no box per request"
)]
pub(super) enum State {
    Start(Start),
    Expect(Expect),
    AwaitAnswer(Box<AwaitAnswer>),
    Done,
    Failed(Error),
}

pub(super) struct Start {
    pub(super) flow: AuthFlow,
    pub(super) preferred: Option<FirstFactor>,
    pub(super) session: Option<SecretString>,
}

/// A request is out.
pub(super) struct Expect {
    operation: Operation,
    /// Set while PASSWORD_VERIFIER or DEVICE_PASSWORD_VERIFIER may come: the client holding `a`.
    srp: Option<SrpClient>,
    /// The challenge just answered, to go back to after a wrong code.
    answered: Option<Box<AwaitAnswer>>,
    /// The body sent, kept only while a device key rides along, to resend it without the key.
    sent_with_device: Option<Zeroizing<Vec<u8>>>,
}

pub(super) struct AwaitAnswer {
    pub(super) name: String,
    pub(super) session: SecretString,
    pub(super) challenge: Challenge,
    pub(super) parameters: BTreeMap<String, String>,
    pub(super) available: Vec<String>,
    pub(super) received_at: UnixTime,
}

impl fmt::Debug for State {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            State::Start(s) => write!(f, "Start({:?})", s.flow),
            State::Expect(s) => write!(f, "Expect({})", s.operation),
            State::AwaitAnswer(s) => write!(f, "AwaitAnswer({})", s.name),
            State::Done => f.write_str("Done"),
            State::Failed(e) => write!(f, "Failed({e})"),
        }
    }
}

fn fatal<T>(error: impl Into<Error>) -> Outcome<T> {
    Err(Box::new((None, error.into())))
}

fn lift<T>(result: Result<(State, T), Error>) -> Outcome<T> {
    result.map_err(|e| Box::new((None, e)))
}

impl Expect {
    fn new(
        ctx: &Context,
        request: &Request,
        srp: Option<SrpClient>,
        answered: Option<Box<AwaitAnswer>>,
    ) -> Self {
        let sent_with_device = ctx
            .device
            .as_ref()
            .map(|_| Zeroizing::new(request.body().to_vec()));
        Self {
            operation: request.operation(),
            srp,
            answered,
            sent_with_device,
        }
    }
}

impl State {
    pub(super) fn status(&self) -> Status {
        match self {
            State::Start(_) => Status::NotStarted,
            State::Expect(s) => Status::AwaitingResponse(s.operation),
            State::AwaitAnswer(_) => Status::AwaitingAnswer,
            State::Done => Status::Done,
            State::Failed(_) => Status::Failed,
        }
    }

    pub(super) fn await_answer(
        name: String,
        session: SecretString,
        parameters: BTreeMap<String, String>,
        available: Vec<String>,
        received_at: UnixTime,
    ) -> Result<Self, Error> {
        let challenge = Challenge::parse(&name, &parameters, &available)?;
        Ok(State::AwaitAnswer(Box::new(AwaitAnswer {
            name,
            session,
            challenge,
            parameters,
            available,
            received_at,
        })))
    }

    pub(super) fn start_request(self, ctx: &mut Context) -> Outcome<Request> {
        let State::Start(start) = self else {
            return fatal(crate::ApiMisuse::AlreadyStarted);
        };
        lift(
            steps::initiate(
                ctx,
                start.flow,
                start.preferred.as_ref(),
                start.session.as_ref(),
            )
            .map(|(request, srp)| {
                let expect = Expect::new(ctx, &request, srp, None);
                (State::Expect(expect), request)
            }),
        )
    }

    /// After `answer` built a request: wait for its response.
    pub(super) fn answered(
        pending: Box<AwaitAnswer>,
        ctx: &Context,
        answered: Answered,
    ) -> (Self, Request) {
        let keep = pending.takes_code().then_some(pending);
        let expect = Expect::new(ctx, &answered.request, answered.srp, keep);
        (State::Expect(expect), answered.request)
    }

    pub(super) fn handle_response(
        self,
        ctx: &mut Context,
        response: HttpResponse<'_>,
        now: UnixTime,
    ) -> Outcome<Step> {
        let State::Expect(expect) = self else {
            return fatal(crate::ApiMisuse::NoRequestInFlight);
        };
        if let Err(Error::Service(error)) = response.check(expect.operation) {
            return on_service_error(ctx, expect, error);
        }
        let Expect {
            operation,
            srp,
            answered,
            ..
        } = expect;
        match operation {
            Operation::AssociateSoftwareToken => lift(associated(ctx, &response, now)),
            Operation::VerifySoftwareToken => verified(ctx, &response, answered),
            _ => lift(auth_response(ctx, &response, srp, now)),
        }
    }
}

/// Errors that mean "retry" or "do something else" are not failures of the machine.
fn on_service_error(ctx: &mut Context, expect: Expect, error: ServiceError) -> Outcome<Step> {
    if error.is_device_not_found() && expect.sent_with_device.is_some() {
        if let (Some(device), Some(body)) = (ctx.device.take(), &expect.sent_with_device) {
            return match steps::without_device_key(ctx, expect.operation, body) {
                Ok(request) => {
                    let Expect { srp, answered, .. } = expect;
                    let next = Expect::new(ctx, &request, srp, answered);
                    Ok((
                        State::Expect(next),
                        Step::DeviceForgotten {
                            request,
                            device_key: device.device_key.clone(),
                        },
                    ))
                }
                Err(e) => fatal(e),
            };
        }
    }
    let retry = matches!(
        error.kind(),
        ErrorKind::CodeMismatch | ErrorKind::EnableSoftwareTokenMfa
    );
    match (error.kind(), expect.answered) {
        (_, Some(pending)) if retry && pending.takes_code() => Err(Box::new((
            Some(State::AwaitAnswer(pending)),
            Error::Service(error),
        ))),
        (ErrorKind::UserNotConfirmed, _) => Ok((State::Done, Step::ConfirmSignUp)),
        (ErrorKind::PasswordResetRequired, _) => Ok((State::Done, Step::ResetPassword)),
        _ => fatal(error),
    }
}

/// InitiateAuth or RespondToAuthChallenge: tokens, an SRP step the machine answers, or a
/// challenge for the app.
fn auth_response(
    ctx: &mut Context,
    response: &HttpResponse<'_>,
    srp: Option<SrpClient>,
    now: UnixTime,
) -> Result<(State, Step), Error> {
    let parsed: wire::AuthResponse = response.parse(Operation::RespondToAuthChallenge)?;
    if let Some(result) = parsed.authentication_result {
        ctx.password = None;
        let tokens = Tokens::from_wire(result, now, None)?;
        return Ok((State::Done, Step::Done(Box::new(tokens))));
    }
    let name = parsed.challenge_name.ok_or(PeerMisbehaved::NoResult)?;
    let name = name.as_str();
    let session = parsed
        .session
        .ok_or_else(|| PeerMisbehaved::MissingSession(name.to_owned()))?;
    let parameters = parsed.challenge_parameters.unwrap_or_default();
    match name {
        "PASSWORD_VERIFIER" | "DEVICE_PASSWORD_VERIFIER" => {
            let client = srp.ok_or_else(|| PeerMisbehaved::UnexpectedChallenge(name.to_owned()))?;
            // Date the proof by the service's clock when it told us, else by the caller's.
            let timestamp_time = response.server_time().unwrap_or(now);
            let request = steps::password_verifier(
                ctx,
                name,
                client,
                &parameters,
                session.as_str(),
                timestamp_time,
            )?;
            let expect = Expect::new(ctx, &request, None, None);
            return Ok((State::Expect(expect), Step::Send(request)));
        }
        "DEVICE_SRP_AUTH" if ctx.device.is_some() => {
            update_user_id(ctx, &parameters);
            let (request, client) = steps::device_srp_auth(ctx, session.as_str())?;
            let expect = Expect::new(ctx, &request, Some(client), None);
            return Ok((State::Expect(expect), Step::Send(request)));
        }
        _ => {}
    }
    // A challenge for the app is kept (and may be suspended): own its parameters.
    update_user_id(ctx, &parameters);
    let state = State::await_answer(
        name.to_owned(),
        SecretString::from(session.as_str()),
        parameters.to_map(),
        parsed.available_challenges,
        now,
    )?;
    let challenge = match &state {
        State::AwaitAnswer(pending) => pending.challenge.clone(),
        _ => Challenge::DeviceSrpAuth,
    };
    Ok((state, Step::Challenge(challenge)))
}

/// Challenges after the first name the user by Cognito's internal name; use it from now on.
fn update_user_id(ctx: &mut Context, parameters: &wire::ChallengeParameters<'_>) {
    if let Some(user_id) = parameters
        .get(keys::USERNAME)
        .or_else(|| parameters.get(keys::USER_ID_FOR_SRP))
    {
        ctx.set_user_id(user_id);
    }
}

/// AssociateSoftwareToken gave the secret: show it to the user.
fn associated(
    ctx: &Context,
    response: &HttpResponse<'_>,
    now: UnixTime,
) -> Result<(State, Step), Error> {
    let parsed = AssociateSoftwareToken::parse(*response)?;
    let secret = parsed
        .secret_code
        .ok_or(PeerMisbehaved::IncompleteTokens("SecretCode"))?;
    let session = parsed
        .session
        .ok_or_else(|| PeerMisbehaved::MissingSession("MFA_SETUP".into()))?;
    let (issuer, account) = ctx.totp_label();
    let setup = TotpSetup::new(secret, issuer, account);
    let challenge = Challenge::TotpSetup(setup);
    let pending = AwaitAnswer {
        name: "MFA_SETUP".into(),
        session,
        challenge: challenge.clone(),
        parameters: BTreeMap::new(),
        available: Vec::new(),
        received_at: now,
    };
    Ok((
        State::AwaitAnswer(Box::new(pending)),
        Step::Challenge(challenge),
    ))
}

/// VerifySoftwareToken accepted the code: finish MFA_SETUP with the Session it returned.
fn verified(
    ctx: &Context,
    response: &HttpResponse<'_>,
    answered: Option<Box<AwaitAnswer>>,
) -> Outcome<Step> {
    let parsed = match VerifySoftwareToken::parse(*response) {
        Ok(parsed) => parsed,
        Err(e) => return fatal(e),
    };
    if !parsed.is_success() {
        let error = ServiceError::new(
            ErrorKind::CodeMismatch,
            format!(
                "VerifySoftwareToken returned status {}",
                parsed.status.as_ref().map_or("(none)", |s| s.as_str())
            ),
            response.status(),
        );
        return Err(Box::new((
            answered.map(State::AwaitAnswer),
            Error::Service(error),
        )));
    }
    let Some(session) = parsed.session else {
        return fatal(PeerMisbehaved::MissingSession("MFA_SETUP".into()));
    };
    let request = steps::respond(ctx, "MFA_SETUP", session.expose(), &[]);
    let expect = Expect::new(ctx, &request, None, None);
    Ok((State::Expect(expect), Step::Send(request)))
}
