//! The state while a request is out: which reply it awaits, and how each reply is taken.

use super::awaiting_answer::{Answered, AwaitAnswer};
use super::challenge::TotpSetup;
use super::context::Context;
use super::names::ChallengeName;
use super::requests::{self, Outgoing, Verifier};
use super::step::Step;
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

/// A request is out.
pub(super) struct Expect {
    operation: Operation,
    /// The same request without DEVICE_KEY, while one rides along: sent instead if the
    /// service has forgotten the device.
    without_device: Option<Request>,
    awaited: Awaited,
}

/// The reply a request awaits, each with what taking it needs.
// Inline rather than boxed: a box would cost an allocation per SRP request.
#[expect(
    clippy::large_enum_variant,
    reason = "one in flight per sign-in; no box per request"
)]
pub(super) enum Awaited {
    /// Tokens or a challenge (InitiateAuth, RespondToAuthChallenge).
    AuthResult,
    /// SRP_A was sent: PASSWORD_VERIFIER or DEVICE_PASSWORD_VERIFIER comes back, answered with
    /// the client holding `a`.
    SrpVerifier(SrpClient),
    /// A one-time code was sent: tokens or a challenge, or a wrong code and this challenge again.
    CodeVerdict(Box<AwaitAnswer>),
    /// AssociateSoftwareToken: the TOTP secret to enrol.
    TotpSecret,
    /// VerifySoftwareToken: MFA_SETUP completes, or a wrong code and this enrolment again.
    TotpVerdict(Box<AwaitAnswer>),
}

/// Where a reply leads.
#[expect(
    clippy::large_enum_variant,
    reason = "moved once into the sign-in's state; no box per request"
)]
pub(super) enum Next {
    /// Another request is out.
    Expect(Expect),
    /// A challenge waits for the app.
    AwaitAnswer(Box<AwaitAnswer>),
    /// Finished: tokens delivered or another step named.
    Done,
}

/// A reply taken: the next state, and the step for the app.
pub(super) struct Transition {
    pub(super) next: Next,
    pub(super) step: Step,
}

/// A reply that could not be taken.
pub(super) struct Failure {
    pub(super) error: Error,
    /// The challenge to answer again (after a wrong code); `None`: the error is final.
    pub(super) back_to: Option<Box<AwaitAnswer>>,
}

impl Failure {
    fn fatal(error: impl Into<Error>) -> Self {
        Self {
            error: error.into(),
            back_to: None,
        }
    }
}

impl Transition {
    fn send(outgoing: Outgoing, awaited: Awaited) -> Self {
        let (expect, request) = Expect::new(outgoing, awaited);
        Self {
            next: Next::Expect(expect),
            step: Step::Send(request),
        }
    }

    fn done(step: Step) -> Self {
        Self {
            next: Next::Done,
            step,
        }
    }
}

impl Expect {
    /// The state while `outgoing` is out, and the request to send.
    pub(super) fn new(outgoing: Outgoing, awaited: Awaited) -> (Self, Request) {
        let Outgoing {
            request,
            without_device,
        } = outgoing;
        let expect = Self {
            operation: request.operation(),
            without_device,
            awaited,
        };
        (expect, request)
    }

    /// After an answer: a code's challenge is kept, to go back to after a wrong code.
    pub(super) fn answered(challenge: Box<AwaitAnswer>, answered: Answered) -> (Self, Request) {
        let (outgoing, awaited) = match answered {
            Answered::Respond(outgoing) => (outgoing, Awaited::AuthResult),
            Answered::Code(outgoing) => (outgoing, Awaited::CodeVerdict(challenge)),
            Answered::Srp(outgoing, client) => (outgoing, Awaited::SrpVerifier(client)),
            Answered::AssociateTotp(outgoing) => (outgoing, Awaited::TotpSecret),
            Answered::VerifyTotp(outgoing) => (outgoing, Awaited::TotpVerdict(challenge)),
        };
        Self::new(outgoing, awaited)
    }

    pub(super) fn operation(&self) -> Operation {
        self.operation
    }

    /// Takes the reply to the request out.
    pub(super) fn handle(
        self,
        ctx: &mut Context,
        response: HttpResponse<'_>,
        now: UnixTime,
    ) -> Result<Transition, Failure> {
        if let Err(Error::Service(error)) = response.check(self.operation) {
            return self.on_service_error(ctx, error);
        }
        match self.awaited {
            Awaited::AuthResult | Awaited::CodeVerdict(_) => {
                auth_result(ctx, self.operation, &response, None, now).map_err(Failure::fatal)
            }
            Awaited::SrpVerifier(client) => {
                auth_result(ctx, self.operation, &response, Some(client), now)
                    .map_err(Failure::fatal)
            }
            Awaited::TotpSecret => totp_secret(ctx, &response, now).map_err(Failure::fatal),
            Awaited::TotpVerdict(enrolment) => totp_verdict(ctx, &response, enrolment),
        }
    }

    /// Errors that mean "retry" or "do something else" are not failures of the machine.
    fn on_service_error(
        self,
        ctx: &mut Context,
        error: ServiceError,
    ) -> Result<Transition, Failure> {
        if error.is_device_not_found() {
            // A request without the key is kept only while the context holds a device.
            if let (Some(request), Some(device)) = (self.without_device, ctx.device.take()) {
                let (next, request) = Self::new(Outgoing::plain(request), self.awaited);
                return Ok(Transition {
                    next: Next::Expect(next),
                    step: Step::DeviceForgotten {
                        request,
                        device_key: device.device_key,
                    },
                });
            }
        }
        let wrong_code = matches!(
            error.kind(),
            ErrorKind::CodeMismatch | ErrorKind::EnableSoftwareTokenMfa
        );
        match self.awaited {
            Awaited::CodeVerdict(challenge) | Awaited::TotpVerdict(challenge) if wrong_code => {
                Err(Failure {
                    error: Error::Service(error),
                    back_to: Some(challenge),
                })
            }
            _ => match error.kind() {
                ErrorKind::UserNotConfirmed => Ok(Transition::done(Step::ConfirmSignUp)),
                ErrorKind::PasswordResetRequired => Ok(Transition::done(Step::ResetPassword)),
                _ => Err(Failure::fatal(error)),
            },
        }
    }
}

/// InitiateAuth or RespondToAuthChallenge: tokens, an SRP step the machine answers, or a
/// challenge for the app.
fn auth_result(
    ctx: &mut Context,
    operation: Operation,
    response: &HttpResponse<'_>,
    srp: Option<SrpClient>,
    now: UnixTime,
) -> Result<Transition, Error> {
    let parsed = response.read(operation, wire::AuthResponse::read)?;
    if let Some(result) = parsed.authentication_result {
        ctx.password = None;
        let tokens = Tokens::from_wire(result, operation, now, None)?;
        return Ok(Transition::done(Step::Done(Box::new(tokens))));
    }
    let name = parsed.challenge_name.ok_or(PeerMisbehaved::NoResult)?;
    let name = name.as_str();
    ctx.progress.challenge(name)?;
    let session = parsed
        .session
        .ok_or_else(|| PeerMisbehaved::MissingSession(name.to_owned()))?;
    let parameters = parsed.challenge_parameters.unwrap_or_default();
    let verifier = match ChallengeName::from_wire(name) {
        Some(ChallengeName::PasswordVerifier) => Verifier::Password,
        Some(ChallengeName::DevicePasswordVerifier) => Verifier::Device,
        Some(ChallengeName::DeviceSrpAuth) if ctx.device.is_some() => {
            update_user_id(ctx, &parameters);
            let (outgoing, client) = requests::device_srp_auth(ctx, session.as_str())?;
            return Ok(Transition::send(outgoing, Awaited::SrpVerifier(client)));
        }
        // A challenge for the app is kept (and may be suspended): own its parameters.
        _ => {
            update_user_id(ctx, &parameters);
            let pending = AwaitAnswer::new(
                name,
                SecretString::from(session.as_str()),
                parameters.to_map(),
                parsed.available_challenges,
                now,
            )?;
            let step = Step::Challenge(pending.challenge.clone());
            return Ok(Transition {
                next: Next::AwaitAnswer(pending),
                step,
            });
        }
    };
    // A verifier answers SRP_A: without one sent, the service is off script.
    let client = srp.ok_or_else(|| PeerMisbehaved::UnexpectedChallenge(name.to_owned()))?;
    // Date the proof by the service's clock when it told us, else by the caller's.
    let timestamp_time = response.server_time().unwrap_or(now);
    let outgoing = requests::password_verifier(
        ctx,
        verifier,
        client,
        &parameters,
        session.as_str(),
        timestamp_time,
    )?;
    Ok(Transition::send(outgoing, Awaited::AuthResult))
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
fn totp_secret(
    ctx: &Context,
    response: &HttpResponse<'_>,
    now: UnixTime,
) -> Result<Transition, Error> {
    let parsed = AssociateSoftwareToken::parse(*response)?;
    let secret = parsed
        .secret_code
        .ok_or(PeerMisbehaved::IncompleteTokens("SecretCode"))?;
    let session = parsed
        .session
        .ok_or_else(|| PeerMisbehaved::MissingSession(ChallengeName::MfaSetup.as_str().into()))?;
    let (issuer, account) = ctx.totp_label();
    let enrolment =
        AwaitAnswer::totp_enrolment(session, TotpSetup::new(secret, issuer, account), now);
    let step = Step::Challenge(enrolment.challenge.clone());
    Ok(Transition {
        next: Next::AwaitAnswer(enrolment),
        step,
    })
}

/// VerifySoftwareToken accepted the code: finish MFA_SETUP with the Session it returned.
fn totp_verdict(
    ctx: &Context,
    response: &HttpResponse<'_>,
    enrolment: Box<AwaitAnswer>,
) -> Result<Transition, Failure> {
    let parsed = VerifySoftwareToken::parse(*response).map_err(Failure::fatal)?;
    if !parsed.is_success() {
        let error = ServiceError::new(
            ErrorKind::CodeMismatch,
            format!(
                "VerifySoftwareToken returned status {}",
                parsed.status.as_ref().map_or("(none)", |s| s.as_str())
            ),
            response.status(),
        );
        return Err(Failure {
            error: Error::Service(error),
            back_to: Some(enrolment),
        });
    }
    let mfa_setup = ChallengeName::MfaSetup.as_str();
    let session = parsed
        .session
        .ok_or_else(|| Failure::fatal(PeerMisbehaved::MissingSession(mfa_setup.into())))?;
    let outgoing = requests::respond(ctx, mfa_setup, session.expose(), &[]);
    Ok(Transition::send(outgoing, Awaited::AuthResult))
}
