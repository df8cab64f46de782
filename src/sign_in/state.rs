//! The private states of a sign-in and their transitions.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;

use zeroize::Zeroizing;

use super::challenge::{USER_ATTRIBUTES_PREFIX, is_read_only_attribute};
use super::{AuthFlow, Challenge, ChallengeAnswer, Context, Status, Step};
use crate::error::{Error, PeerMisbehaved};
use crate::operation::Operation;
use crate::request::Request;
use crate::response::HttpResponse;
use crate::secret::SecretString;
use crate::service_error::ErrorKind;
use crate::srp::{self, EphemeralSecret, SrpClient, VerifierInput};
use crate::time::UnixTime;
use crate::tokens::Tokens;
use crate::wire::{self, keys};

/// A transition's result: the next state and a value, or an error with the state to keep
/// (`None`: the error is final and the machine fails).
pub(super) type Outcome<T> = Result<(State, T), Box<(Option<State>, Error)>>;

pub(super) enum State {
    Start(Box<Start>),
    ExpectAuthResponse(Box<ExpectAuthResponse>),
    AwaitAnswer(Box<AwaitAnswer>),
    Done,
    Failed(Error),
}

pub(super) struct Start {
    flow: AuthFlow,
    password: SecretString,
}

pub(super) struct ExpectAuthResponse {
    operation: Operation,
    /// Set while PASSWORD_VERIFIER may still come: the SRP client (holding `a`) and the password.
    srp: Option<PendingSrp>,
    /// The challenge just answered, to go back to after a wrong code.
    answered: Option<Box<AwaitAnswer>>,
}

struct PendingSrp {
    client: SrpClient,
    password: SecretString,
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
            State::ExpectAuthResponse(s) => write!(f, "ExpectAuthResponse({})", s.operation),
            State::AwaitAnswer(s) => write!(f, "AwaitAnswer({})", s.name),
            State::Done => f.write_str("Done"),
            State::Failed(e) => write!(f, "Failed({e})"),
        }
    }
}

fn fatal<T>(error: impl Into<Error>) -> Outcome<T> {
    Err(Box::new((None, error.into())))
}

impl State {
    pub(super) fn start(flow: AuthFlow, password: SecretString) -> Self {
        State::Start(Box::new(Start { flow, password }))
    }

    pub(super) fn set_flow(&mut self, flow: AuthFlow) {
        if let State::Start(start) = self {
            start.flow = flow;
        }
    }

    pub(super) fn status(&self) -> Status {
        match self {
            State::Start(_) => Status::NotStarted,
            State::ExpectAuthResponse(s) => Status::AwaitingResponse(s.operation),
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

    /// After `answer` built a request: wait for its response, remembering the challenge.
    pub(super) fn answered(self) -> Self {
        match self {
            State::AwaitAnswer(pending) => {
                State::ExpectAuthResponse(Box::new(ExpectAuthResponse {
                    operation: Operation::RespondToAuthChallenge,
                    srp: None,
                    answered: Some(pending),
                }))
            }
            other => other,
        }
    }

    pub(super) fn start_request(self, ctx: &mut Context) -> Outcome<Request> {
        let State::Start(start) = self else {
            return fatal(crate::ApiMisuse::AlreadyStarted);
        };
        let Start { flow, password } = *start;
        let config = &ctx.config;
        let secret_hash = config.secret_hash(&ctx.username);
        let mut parameters = BTreeMap::new();
        parameters.insert(keys::USERNAME, ctx.username.as_str());
        if let Some(hash) = &secret_hash {
            parameters.insert(keys::SECRET_HASH, hash.as_str());
        }
        if let Some(device_key) = &ctx.device_key {
            parameters.insert(keys::DEVICE_KEY, device_key.as_str());
        }
        let (flow_name, srp) = match flow {
            AuthFlow::UserPassword => {
                parameters.insert(keys::PASSWORD, password.expose());
                ("USER_PASSWORD_AUTH", None)
            }
            AuthFlow::UserSrp => match new_srp_client(ctx) {
                Ok(client) => ("USER_SRP_AUTH", Some(client)),
                Err(e) => return fatal(e),
            },
        };
        if let Some(client) = &srp {
            parameters.insert(keys::SRP_A, client.public_a_hex());
        }
        let request = Request::new(
            config,
            Operation::InitiateAuth,
            &wire::InitiateAuth {
                auth_flow: flow_name,
                client_id: config.client_id(),
                auth_parameters: parameters,
                session: None,
                context: wire::Context::from(&config.context),
            },
        );
        // USER_PASSWORD_AUTH needs the password no more; SRP keeps it until PASSWORD_VERIFIER.
        let srp = srp.map(|client| PendingSrp { client, password });
        let next = ExpectAuthResponse {
            operation: Operation::InitiateAuth,
            srp,
            answered: None,
        };
        Ok((State::ExpectAuthResponse(Box::new(next)), request))
    }

    pub(super) fn handle_response(
        self,
        ctx: &mut Context,
        response: HttpResponse<'_>,
        now: UnixTime,
    ) -> Outcome<Step> {
        let State::ExpectAuthResponse(expect) = self else {
            return fatal(crate::ApiMisuse::NoRequestInFlight);
        };
        let ExpectAuthResponse {
            operation,
            srp,
            answered,
        } = *expect;
        let parsed: wire::AuthResponse = match response.parse(operation) {
            Ok(parsed) => parsed,
            Err(Error::Service(e)) => {
                return match (e.kind(), answered) {
                    (ErrorKind::CodeMismatch, Some(pending)) if pending.takes_code() => Err(
                        Box::new((Some(State::AwaitAnswer(pending)), Error::Service(e))),
                    ),
                    (ErrorKind::UserNotConfirmed, _) => Ok((State::Done, Step::ConfirmSignUp)),
                    (ErrorKind::PasswordResetRequired, _) => Ok((State::Done, Step::ResetPassword)),
                    _ => fatal(e),
                };
            }
            Err(e) => return fatal(e),
        };
        if let Some(result) = parsed.authentication_result {
            return match Tokens::from_wire(result, now, None) {
                Ok(tokens) => Ok((State::Done, Step::Done(Box::new(tokens)))),
                Err(e) => fatal(e),
            };
        }
        let Some(name) = parsed.challenge_name else {
            return fatal(PeerMisbehaved::NoResult);
        };
        let Some(session) = parsed.session else {
            return fatal(PeerMisbehaved::MissingSession(name));
        };
        let parameters = parsed.challenge_parameters;
        if name == "PASSWORD_VERIFIER" {
            let Some(srp) = srp else {
                return fatal(PeerMisbehaved::UnexpectedChallenge(name));
            };
            return match password_verifier(ctx, srp, &parameters, &session, now) {
                Ok(request) => {
                    let next = ExpectAuthResponse {
                        operation: Operation::RespondToAuthChallenge,
                        srp: None,
                        answered: None,
                    };
                    Ok((
                        State::ExpectAuthResponse(Box::new(next)),
                        Step::Send(request),
                    ))
                }
                Err(e) => fatal(e),
            };
        }
        // Later challenges name the user by Cognito's internal name; use it from now on.
        if let Some(user_id) = parameters
            .get(keys::USERNAME)
            .or_else(|| parameters.get(keys::USER_ID_FOR_SRP))
        {
            ctx.user_id = Some(user_id.clone());
        }
        match State::await_answer(name, session, parameters, parsed.available_challenges, now) {
            Ok(state) => {
                let challenge = match &state {
                    State::AwaitAnswer(pending) => pending.challenge.clone(),
                    _ => Challenge::DeviceSrpAuth,
                };
                Ok((state, Step::Challenge(challenge)))
            }
            Err(e) => fatal(e),
        }
    }
}

/// Draws a 256-bit `a` and computes A.
fn new_srp_client(ctx: &Context) -> Result<SrpClient, Error> {
    let random = ctx
        .config
        .random()
        .ok_or(crate::ApiMisuse::NoRandomSource)?;
    let mut bytes = Zeroizing::new([0u8; EphemeralSecret::DEFAULT_LEN]);
    // a = 0 has probability 2^-256; draw again rather than fail.
    for _ in 0..4 {
        random.fill(bytes.as_mut())?;
        if let Ok(a) = EphemeralSecret::from_be_bytes(bytes.as_ref()) {
            return Ok(SrpClient::new(a)?);
        }
    }
    Err(crate::RandomError.into())
}

/// Answers PASSWORD_VERIFIER: the password is used for x here and dropped (zeroized) with `srp`.
fn password_verifier(
    ctx: &mut Context,
    srp: PendingSrp,
    parameters: &BTreeMap<String, String>,
    session: &SecretString,
    now: UnixTime,
) -> Result<Request, Error> {
    let get = |key: &'static str| {
        parameters.get(key).map(String::as_str).ok_or_else(|| {
            PeerMisbehaved::MissingChallengeParameter {
                challenge: "PASSWORD_VERIFIER".to_owned(),
                parameter: key,
            }
        })
    };
    let user_id = get(keys::USER_ID_FOR_SRP)?;
    let secret_block_b64 = get(keys::SECRET_BLOCK)?;
    let input = VerifierInput {
        pool_name: ctx.config.pool_name(),
        user_id,
        password: srp.password.expose(),
        salt_hex: get(keys::SALT)?,
        srp_b_hex: get(keys::SRP_B)?,
    };
    let secret_block = srp::decode_secret_block(secret_block_b64)?;
    let timestamp = srp::format_timestamp(now.as_secs())?;
    let derivation = srp.client.derive(&input)?;
    drop(srp);
    let signature =
        derivation.signature(ctx.config.pool_name(), user_id, &secret_block, &timestamp);
    // The signature, USERNAME and SECRET_HASH all use the internal name, never the alias typed.
    ctx.user_id = Some(user_id.to_owned());
    Ok(respond(
        ctx,
        "PASSWORD_VERIFIER",
        session,
        &[
            (keys::PASSWORD_CLAIM_SECRET_BLOCK.into(), secret_block_b64),
            (keys::PASSWORD_CLAIM_SIGNATURE.into(), &signature),
            (keys::TIMESTAMP.into(), &timestamp),
        ],
    ))
}

/// A RespondToAuthChallenge request: USERNAME, SECRET_HASH over that same name, DEVICE_KEY,
/// and the challenge's own responses.
pub(super) fn respond(
    ctx: &Context,
    name: &str,
    session: &SecretString,
    extra: &[(Cow<'_, str>, &str)],
) -> Request {
    let username = ctx.response_username();
    let secret_hash = ctx.config.secret_hash(username);
    let mut responses: BTreeMap<&str, &str> = BTreeMap::new();
    responses.insert(keys::USERNAME, username);
    for (key, value) in extra {
        responses.insert(key, value);
    }
    if let Some(hash) = &secret_hash {
        responses.insert(keys::SECRET_HASH, hash);
    }
    if let Some(device_key) = &ctx.device_key {
        responses.insert(keys::DEVICE_KEY, device_key);
    }
    Request::new(
        &ctx.config,
        Operation::RespondToAuthChallenge,
        &wire::RespondToAuthChallenge {
            challenge_name: name,
            client_id: ctx.config.client_id(),
            session: session.expose(),
            challenge_responses: responses,
            context: wire::Context::from(&ctx.config.context),
        },
    )
}

impl AwaitAnswer {
    /// Challenges answered with a one-time code, which may be retried after a wrong one.
    fn takes_code(&self) -> bool {
        matches!(
            self.challenge,
            Challenge::SmsMfa(_)
                | Challenge::SoftwareTokenMfa
                | Challenge::EmailOtp(_)
                | Challenge::SmsOtp(_)
        )
    }

    /// The request answering this challenge, or an error that leaves the challenge pending.
    pub(super) fn answer(&self, ctx: &Context, answer: &ChallengeAnswer) -> Result<Request, Error> {
        let mut extra: Vec<(Cow<'_, str>, &str)> = Vec::new();
        match (&self.challenge, answer) {
            (challenge, ChallengeAnswer::Code(code)) if self.takes_code() => {
                let key = match challenge {
                    Challenge::SmsMfa(_) => "SMS_MFA_CODE",
                    Challenge::SoftwareTokenMfa => "SOFTWARE_TOKEN_MFA_CODE",
                    Challenge::EmailOtp(_) => "EMAIL_OTP_CODE",
                    _ => "SMS_OTP_CODE",
                };
                let code = code.expose().trim();
                if code.is_empty() {
                    return Err(Error::InvalidInput("the code is empty".into()));
                }
                extra.push((key.into(), code));
            }
            (Challenge::SelectMfaType(offered), ChallengeAnswer::SelectMfaType(choice)) => {
                if !offered.contains(choice) {
                    return Err(Error::InvalidInput(format!(
                        "{} is not among the offered factors",
                        choice.challenge_name()
                    )));
                }
                extra.push((keys::ANSWER.into(), choice.challenge_name()));
            }
            (
                Challenge::NewPasswordRequired {
                    user_attributes,
                    required_attributes,
                },
                ChallengeAnswer::NewPassword {
                    password,
                    attributes,
                },
            ) => {
                if password.is_empty() {
                    return Err(Error::InvalidInput("the new password is empty".into()));
                }
                if let Some(missing) = required_attributes
                    .iter()
                    .find(|name| !attributes.contains_key(*name))
                {
                    return Err(Error::InvalidInput(format!(
                        "the required attribute {missing} is missing"
                    )));
                }
                extra.push(("NEW_PASSWORD".into(), password.expose()));
                for (name, value) in attributes {
                    // Cognito refuses read-only attributes and changes to ones already set.
                    let already_set =
                        user_attributes.contains_key(name) && !required_attributes.contains(name);
                    if is_read_only_attribute(name) || already_set {
                        continue;
                    }
                    extra.push((format!("{USER_ATTRIBUTES_PREFIX}{name}").into(), value));
                }
            }
            (Challenge::Custom(_), ChallengeAnswer::Custom(answer)) => {
                extra.push((keys::ANSWER.into(), answer.expose()));
            }
            (Challenge::WebAuthn { .. }, ChallengeAnswer::WebAuthnCredential(credential)) => {
                extra.push(("CREDENTIAL".into(), credential));
            }
            _ => return Err(crate::ApiMisuse::WrongAnswer.into()),
        }
        Ok(respond(ctx, &self.name, &self.session, &extra))
    }
}
