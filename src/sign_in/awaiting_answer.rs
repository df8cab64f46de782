//! The state while a challenge waits for the app: the challenge, and how an answer becomes
//! the request that answers it.

use std::borrow::Cow;
use std::collections::BTreeMap;

use super::challenge::{Challenge, ChallengeAnswer, TotpSetup, is_read_only_attribute};
use super::context::Context;
use super::names::{FirstFactor, MfaType};
use super::requests::{self, Outgoing, Pair};
use crate::account::{AssociateSoftwareToken, Call as _, VerifySoftwareToken};
use crate::error::{ApiMisuse, Error, PeerMisbehaved};
use crate::secret::SecretString;
use crate::srp::SrpClient;
use crate::time::UnixTime;
use crate::wire::keys;

/// A challenge for the app, with what answering (or suspending) it needs.
pub(super) struct AwaitAnswer {
    pub(super) session: SecretString,
    pub(super) challenge: Challenge,
    /// `ChallengeParameters` as received, kept for [`SuspendedSignIn`](super::SuspendedSignIn).
    pub(super) parameters: BTreeMap<String, String>,
    /// `AvailableChallenges` as received, for the same.
    pub(super) available: Vec<String>,
    pub(super) received_at: UnixTime,
}

/// The request an answer produced, by what its reply will be.
#[expect(
    clippy::large_enum_variant,
    reason = "moved straight into the next state; a box would allocate per SRP answer"
)]
pub(super) enum Answered {
    /// RespondToAuthChallenge: tokens or the next challenge come back.
    Respond(Outgoing),
    /// A one-time code in RespondToAuthChallenge: a wrong one leads back to this challenge.
    Code(Outgoing),
    /// SELECT_CHALLENGE with PASSWORD_SRP: SRP_A was sent, PASSWORD_VERIFIER comes back.
    Srp(Outgoing, SrpClient),
    /// AssociateSoftwareToken: the TOTP secret comes back.
    AssociateTotp(Outgoing),
    /// VerifySoftwareToken: a wrong code leads back to the enrolment.
    VerifyTotp(Outgoing),
}

fn invalid(message: impl Into<String>) -> Error {
    Error::InvalidInput(message.into())
}

impl AwaitAnswer {
    /// A challenge Cognito sent, typed from its name and parameters.
    pub(super) fn new(
        name: &str,
        session: SecretString,
        parameters: BTreeMap<String, String>,
        available: Vec<String>,
        received_at: UnixTime,
    ) -> Result<Box<Self>, PeerMisbehaved> {
        let challenge = Challenge::parse(name, &parameters, &available)?;
        Ok(Box::new(Self {
            session,
            challenge,
            parameters,
            available,
            received_at,
        }))
    }

    /// TOTP enrolment within MFA_SETUP: AssociateSoftwareToken's secret and Session.
    pub(super) fn totp_enrolment(
        session: SecretString,
        setup: TotpSetup,
        received_at: UnixTime,
    ) -> Box<Self> {
        Box::new(Self {
            session,
            challenge: Challenge::TotpSetup(setup),
            parameters: BTreeMap::new(),
            available: Vec::new(),
            received_at,
        })
    }

    /// The request answering this challenge. Errors leave the challenge pending; `ctx` is
    /// changed only on success.
    pub(super) fn answer(
        &self,
        ctx: &mut Context,
        answer: ChallengeAnswer,
    ) -> Result<Answered, Error> {
        let mut extra: Vec<Pair<'_>> = Vec::new();
        let respond =
            |ctx: &Context, extra: &[Pair<'_>]| Answered::Respond(self.respond(ctx, extra));
        match (&self.challenge, &answer) {
            (challenge, ChallengeAnswer::Code(code)) => {
                let key = code_key(challenge).ok_or(ApiMisuse::WrongAnswer)?;
                extra.push((key.into(), non_empty_code(code.expose())?));
                Ok(Answered::Code(self.respond(ctx, &extra)))
            }
            (Challenge::SelectMfaType(offered), ChallengeAnswer::SelectMfaType(choice)) => {
                if !offered.contains(choice) {
                    return Err(invalid(format!(
                        "{} is not among the offered factors",
                        choice.name()
                    )));
                }
                extra.push((keys::ANSWER.into(), choice.name()));
                Ok(respond(ctx, &extra))
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
                    return Err(invalid("the new password is empty"));
                }
                if let Some(missing) = required_attributes
                    .iter()
                    .find(|name| !attributes.contains_key(*name))
                {
                    return Err(invalid(format!(
                        "the required attribute {missing} is missing"
                    )));
                }
                extra.push((keys::NEW_PASSWORD.into(), password.expose()));
                for (name, value) in attributes {
                    // Cognito refuses read-only attributes and changes to ones already set.
                    let already_set =
                        user_attributes.contains_key(name) && !required_attributes.contains(name);
                    if !is_read_only_attribute(name) && !already_set {
                        let key = format!("{}{name}", keys::USER_ATTRIBUTES_PREFIX);
                        extra.push((Cow::Owned(key), value));
                    }
                }
                Ok(respond(ctx, &extra))
            }
            (Challenge::Custom(_), ChallengeAnswer::Custom(answer)) => {
                extra.push((keys::ANSWER.into(), answer.expose()));
                Ok(respond(ctx, &extra))
            }
            (Challenge::WebAuthn { .. }, ChallengeAnswer::WebAuthnCredential(credential)) => {
                extra.push((keys::CREDENTIAL.into(), credential));
                Ok(respond(ctx, &extra))
            }
            (Challenge::MfaSetup(offered), ChallengeAnswer::SetUpTotp) => {
                if !offered.contains(&MfaType::SoftwareToken) {
                    return Err(invalid(
                        "the pool does not offer authenticator-app MFA here",
                    ));
                }
                let call = AssociateSoftwareToken::with_session(self.session.clone());
                Ok(Answered::AssociateTotp(Outgoing::plain(
                    call.request(&ctx.config),
                )))
            }
            (Challenge::MfaSetup(offered), ChallengeAnswer::SetUpEmail(address)) => {
                if !offered.contains(&MfaType::Email) {
                    return Err(invalid("the pool does not offer e-mail MFA here"));
                }
                if address.trim().is_empty() {
                    return Err(invalid("the e-mail address is empty"));
                }
                extra.push((keys::EMAIL.into(), address));
                Ok(respond(ctx, &extra))
            }
            (
                Challenge::TotpSetup(_),
                ChallengeAnswer::VerifyTotp {
                    code,
                    friendly_name,
                },
            ) => {
                let code = non_empty_code(code.expose())?;
                let mut call = VerifySoftwareToken::with_session(self.session.clone(), code);
                if let Some(name) = friendly_name {
                    call = call.with_friendly_device_name(name);
                }
                Ok(Answered::VerifyTotp(Outgoing::plain(
                    call.request(&ctx.config),
                )))
            }
            (Challenge::SelectChallenge(available), ChallengeAnswer::SelectFirstFactor(factor)) => {
                if !available.contains(factor) {
                    return Err(invalid(format!(
                        "{} is not among the available first factors",
                        factor.name()
                    )));
                }
                self.select_first_factor(ctx, factor)
            }
            (Challenge::SelectChallenge(available), ChallengeAnswer::Password(password)) => {
                let factor = [FirstFactor::PasswordSrp, FirstFactor::Password]
                    .into_iter()
                    .find(|f| available.contains(f))
                    .ok_or_else(|| invalid("the pool offers no password factor here"))?;
                let previous = ctx.password.replace(password.clone());
                let answered = self.select_first_factor(ctx, &factor);
                if answered.is_err() {
                    ctx.password = previous;
                }
                answered
            }
            _ => Err(ApiMisuse::WrongAnswer.into()),
        }
    }

    /// SELECT_CHALLENGE's ANSWER, with PASSWORD or SRP_A when the factor needs them.
    fn select_first_factor(
        &self,
        ctx: &mut Context,
        factor: &FirstFactor,
    ) -> Result<Answered, Error> {
        match factor {
            FirstFactor::Password => {
                let password = ctx.password.as_ref().ok_or_else(requests::no_password)?;
                let extra = [
                    (keys::ANSWER.into(), factor.name()),
                    (keys::PASSWORD.into(), password.expose()),
                ];
                let request = self.respond(ctx, &extra);
                ctx.password = None;
                Ok(Answered::Respond(request))
            }
            FirstFactor::PasswordSrp => {
                if ctx.password.is_none() {
                    return Err(requests::no_password());
                }
                let client = requests::new_srp_client(ctx)?;
                let extra = [
                    (keys::ANSWER.into(), factor.name()),
                    (keys::SRP_A.into(), client.public_a_hex()),
                ];
                let request = self.respond(ctx, &extra);
                Ok(Answered::Srp(request, client))
            }
            _ => Ok(Answered::Respond(
                self.respond(ctx, &[(keys::ANSWER.into(), factor.name())]),
            )),
        }
    }

    /// RespondToAuthChallenge for this challenge with these answers.
    fn respond(&self, ctx: &Context, answers: &[Pair<'_>]) -> Outgoing {
        requests::respond(ctx, self.challenge.name(), self.session.expose(), answers)
    }
}

/// The ChallengeResponses key of the code for a challenge answered with one; `None` for the
/// others.
fn code_key(challenge: &Challenge) -> Option<&'static str> {
    match challenge {
        Challenge::SmsMfa(_) => Some(keys::SMS_MFA_CODE),
        Challenge::SoftwareTokenMfa => Some(keys::SOFTWARE_TOKEN_MFA_CODE),
        Challenge::EmailOtp(_) => Some(keys::EMAIL_OTP_CODE),
        Challenge::SmsOtp(_) => Some(keys::SMS_OTP_CODE),
        _ => None,
    }
}

fn non_empty_code(code: &str) -> Result<&str, Error> {
    let code = code.trim();
    if code.is_empty() {
        Err(invalid("the code is empty"))
    } else {
        Ok(code)
    }
}
