//! A sign-in paused at a challenge, and picked up again.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::awaiting_answer::AwaitAnswer;
use super::challenge::{Challenge, TotpSetup};
use super::context::Context;
use crate::config::PoolConfig;
use crate::devices::DeviceCredentials;
use crate::error::Error;
use crate::secret::SecretString;
use crate::time::UnixTime;

/// A sign-in paused at a challenge, for an app that is suspended (a mobile app sent to the
/// background while the user fetches a code). Serializable; resume it with
/// [`SignIn::resume`](crate::SignIn::resume) while the Session lives (3 minutes by default).
/// It holds the Session, a TOTP secret being enrolled and the device credentials, but never
/// the password: a SELECT_CHALLENGE resumed this way is answered with
/// [`ChallengeAnswer::Password`](crate::ChallengeAnswer::Password).
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

    pub(super) fn new(ctx: &Context, pending: &AwaitAnswer) -> Self {
        let totp = match &pending.challenge {
            Challenge::TotpSetup(setup) => {
                let (issuer, account) = ctx.totp_label();
                Some((setup.secret().clone(), issuer, account))
            }
            _ => None,
        };
        Self {
            username: ctx.username.clone(),
            user_id: ctx.user_id().map(str::to_owned),
            device: ctx.device.clone(),
            challenge_name: pending.challenge.name().to_owned(),
            session: pending.session.clone(),
            parameters: pending.parameters.clone(),
            available_challenges: pending.available.clone(),
            totp,
            received_at: pending.received_at,
        }
    }

    /// The context (without a password) and the challenge it was paused at.
    pub(super) fn restore(
        self,
        config: Arc<PoolConfig>,
    ) -> Result<(Context, Box<AwaitAnswer>), Error> {
        let mut ctx = Context::new(config, self.username, None);
        if let Some(user_id) = &self.user_id {
            ctx.set_user_id(user_id);
        }
        ctx.device = self.device;
        let pending = match self.totp {
            // The enrolment is not a challenge Cognito sent: rebuild it from its secret.
            Some((secret, issuer, account)) => {
                let setup = TotpSetup::new(secret, issuer.clone(), account.clone());
                ctx.totp_label = Some((issuer, account));
                Box::new(AwaitAnswer {
                    session: self.session,
                    challenge: Challenge::TotpSetup(setup),
                    parameters: self.parameters,
                    available: self.available_challenges,
                    received_at: self.received_at,
                })
            }
            None => AwaitAnswer::new(
                &self.challenge_name,
                self.session,
                self.parameters,
                self.available_challenges,
                self.received_at,
            )?,
        };
        Ok((ctx, pending))
    }
}
