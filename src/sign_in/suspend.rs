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
///
/// **Store it as a secret.** When the sign-in was given a remembered device
/// ([`SignIn::with_device`](crate::SignIn::with_device)), the serialized form holds that
/// device's [`DeviceCredentials`] including its device password: a long-lived secret that,
/// with the user's password, skips MFA, and that outlives the Session by far. Keep it where
/// you keep the device credentials themselves (Keychain, Keystore, an encrypted store), and
/// delete it once the sign-in is resumed or abandoned. Without a device it holds only
/// short-lived values (the Session, a TOTP secret being enrolled). `Debug` redacts every
/// secret.
///
/// (The device password is kept rather than asked for again on resume: a resumed sign-in
/// without it could not answer device SRP, and the pool would ask for MFA again, silently.)
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
    /// Requests sent so far and how many times in a row the challenge came, so that the
    /// bound on a looping service holds across a suspension. Absent from older snapshots.
    #[serde(default)]
    requests: u32,
    #[serde(default)]
    challenge_repeats: u32,
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
        let (requests, challenge_repeats) = ctx.progress.counts();
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
            requests,
            challenge_repeats,
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
        ctx.progress
            .restore(&self.challenge_name, self.requests, self.challenge_repeats);
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
