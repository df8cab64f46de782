//! Turning the app's answer into the request that answers the pending challenge.

use std::borrow::Cow;

use super::challenge::{USER_ATTRIBUTES_PREFIX, is_read_only_attribute};
use super::state::AwaitAnswer;
use super::steps::{self, Pair};
use super::{Challenge, ChallengeAnswer, Context, FirstFactor, MfaType};
use crate::account::{AssociateSoftwareToken, Call as _, VerifySoftwareToken};
use crate::error::{ApiMisuse, Error};
use crate::srp::SrpClient;
use crate::wire::keys;
use crate::wire::request::Request;

/// What answering produced: the request, the operation it calls, and an SRP client when the
/// answer sent SRP_A.
pub(super) struct Answered {
    pub(super) request: Request,
    pub(super) srp: Option<SrpClient>,
}

fn invalid(message: impl Into<String>) -> Error {
    Error::InvalidInput(message.into())
}

impl AwaitAnswer {
    /// Challenges answered with a one-time code, which may be retried after a wrong one.
    pub(super) fn takes_code(&self) -> bool {
        matches!(
            self.challenge,
            Challenge::SmsMfa(_)
                | Challenge::SoftwareTokenMfa
                | Challenge::EmailOtp(_)
                | Challenge::SmsOtp(_)
                | Challenge::TotpSetup(_)
        )
    }

    /// The request answering this challenge. Errors leave the challenge pending; `ctx` is
    /// changed only on success.
    pub(super) fn answer(
        &self,
        ctx: &mut Context,
        answer: ChallengeAnswer,
    ) -> Result<Answered, Error> {
        let mut extra: Vec<Pair<'_>> = Vec::new();
        let respond = |ctx: &Context, extra: &[Pair<'_>]| Answered {
            request: steps::respond(ctx, &self.name, self.session.expose(), extra),
            srp: None,
        };
        match (&self.challenge, &answer) {
            (challenge, ChallengeAnswer::Code(code))
                if !matches!(challenge, Challenge::TotpSetup(_)) && self.takes_code() =>
            {
                let key = match challenge {
                    Challenge::SmsMfa(_) => "SMS_MFA_CODE",
                    Challenge::SoftwareTokenMfa => "SOFTWARE_TOKEN_MFA_CODE",
                    Challenge::EmailOtp(_) => "EMAIL_OTP_CODE",
                    _ => "SMS_OTP_CODE",
                };
                extra.push((key.into(), non_empty_code(code.expose())?));
                Ok(respond(ctx, &extra))
            }
            (Challenge::SelectMfaType(offered), ChallengeAnswer::SelectMfaType(choice)) => {
                if !offered.contains(choice) {
                    return Err(invalid(format!(
                        "{} is not among the offered factors",
                        choice.challenge_name()
                    )));
                }
                extra.push((keys::ANSWER.into(), choice.challenge_name()));
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
                extra.push(("NEW_PASSWORD".into(), password.expose()));
                for (name, value) in attributes {
                    // Cognito refuses read-only attributes and changes to ones already set.
                    let already_set =
                        user_attributes.contains_key(name) && !required_attributes.contains(name);
                    if !is_read_only_attribute(name) && !already_set {
                        extra.push((Cow::Owned(format!("{USER_ATTRIBUTES_PREFIX}{name}")), value));
                    }
                }
                Ok(respond(ctx, &extra))
            }
            (Challenge::Custom(_), ChallengeAnswer::Custom(answer)) => {
                extra.push((keys::ANSWER.into(), answer.expose()));
                Ok(respond(ctx, &extra))
            }
            (Challenge::WebAuthn { .. }, ChallengeAnswer::WebAuthnCredential(credential)) => {
                extra.push(("CREDENTIAL".into(), credential));
                Ok(respond(ctx, &extra))
            }
            (Challenge::MfaSetup(offered), ChallengeAnswer::SetUpTotp) => {
                if !offered.contains(&MfaType::SoftwareToken) {
                    return Err(invalid(
                        "the pool does not offer authenticator-app MFA here",
                    ));
                }
                let call = AssociateSoftwareToken::with_session(self.session.clone());
                Ok(Answered {
                    request: call.request(&ctx.config),
                    srp: None,
                })
            }
            (Challenge::MfaSetup(offered), ChallengeAnswer::SetUpEmail(address)) => {
                if !offered.contains(&MfaType::Email) {
                    return Err(invalid("the pool does not offer e-mail MFA here"));
                }
                if address.trim().is_empty() {
                    return Err(invalid("the e-mail address is empty"));
                }
                extra.push(("EMAIL".into(), address));
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
                Ok(Answered {
                    request: call.request(&ctx.config),
                    srp: None,
                })
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
                let password = ctx.password.as_ref().ok_or_else(steps::no_password)?;
                let extra = [
                    (keys::ANSWER.into(), factor.name()),
                    (keys::PASSWORD.into(), password.expose()),
                ];
                let request = steps::respond(ctx, &self.name, self.session.expose(), &extra);
                ctx.password = None;
                Ok(Answered { request, srp: None })
            }
            FirstFactor::PasswordSrp => {
                if ctx.password.is_none() {
                    return Err(steps::no_password());
                }
                let client = steps::new_srp_client(ctx)?;
                let extra = [
                    (keys::ANSWER.into(), factor.name()),
                    (keys::SRP_A.into(), client.public_a_hex()),
                ];
                let request = steps::respond(ctx, &self.name, self.session.expose(), &extra);
                Ok(Answered {
                    request,
                    srp: Some(client),
                })
            }
            _ => Ok(Answered {
                request: steps::respond(
                    ctx,
                    &self.name,
                    self.session.expose(),
                    &[(keys::ANSWER.into(), factor.name())],
                ),
                srp: None,
            }),
        }
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
