//! What every state of a sign-in reads: the pool, the user, the options.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::names::ChallengeName;
use crate::config::PoolConfig;
use crate::devices::DeviceCredentials;
use crate::error::PeerMisbehaved;
use crate::secret::SecretString;
use crate::wire;

/// The most requests one sign-in sends. The longest real chains (SRP, device SRP, new
/// password, MFA setup with TOTP enrolment, a few wrong codes, some custom rounds) take about
/// a dozen; an endpoint that keeps a sign-in going past this is looping.
pub(super) const MAX_REQUESTS: u32 = 32;

/// How often a challenge the app answers may come in a row. A wrong code is retried without
/// the service sending the challenge again, so this counts only a service that answers the
/// answer with the same challenge. CUSTOM_CHALLENGE is exempt (a custom flow may ask many
/// rounds): [`MAX_REQUESTS`] bounds it.
const MAX_SAME_CHALLENGE: u32 = 3;

#[derive(Debug)]
pub(super) struct Context {
    pub(super) config: Arc<PoolConfig>,
    /// What the user typed (an alias is fine for InitiateAuth).
    pub(super) username: String,
    /// Cognito's internal name, once a challenge names it; every later request uses it.
    user_id: UserId,
    /// Until it has been used.
    pub(super) password: Option<SecretString>,
    /// A remembered device, used for DEVICE_KEY and device SRP.
    pub(super) device: Option<DeviceCredentials>,
    /// ClientMetadata for this sign-in, instead of the configuration's.
    pub(super) client_metadata: Option<BTreeMap<String, String>>,
    /// Issuer and account label of the otpauth URI for TOTP enrolment.
    pub(super) totp_label: Option<(String, String)>,
    /// AdminInitiateAuth / AdminRespondToAuthChallenge instead of the public operations.
    pub(super) admin: bool,
    /// How far the service has taken the sign-in, to stop an endpoint that loops.
    pub(super) progress: Progress,
}

/// Requests sent, and the challenge the service sent last with how many times in a row.
#[derive(Debug, Default)]
pub(super) struct Progress {
    requests: u32,
    last: Option<(Seen, u32)>,
    /// DEVICE_SRP_AUTH received: one sign-in proves the device once.
    device_srp: u32,
}

/// A challenge name as received; no allocation for the names the crate knows.
#[derive(Debug, PartialEq, Eq)]
enum Seen {
    Known(ChallengeName),
    Other(String),
}

impl Seen {
    fn new(name: &str) -> Self {
        ChallengeName::from_wire(name).map_or_else(|| Seen::Other(name.to_owned()), Seen::Known)
    }

    fn is(&self, name: &str) -> bool {
        match self {
            Seen::Known(known) => known.as_str() == name,
            Seen::Other(other) => other == name,
        }
    }

    /// How many times in a row the name may come. The SRP steps the machine answers itself
    /// never come twice in a row: answered, they lead on or fail.
    fn limit(&self) -> Option<u32> {
        match self {
            Seen::Known(ChallengeName::CustomChallenge) => None,
            Seen::Known(
                ChallengeName::PasswordVerifier
                | ChallengeName::DeviceSrpAuth
                | ChallengeName::DevicePasswordVerifier,
            ) => Some(1),
            _ => Some(MAX_SAME_CHALLENGE),
        }
    }
}

impl Progress {
    /// Another request is to be sent: refused past [`MAX_REQUESTS`].
    pub(super) fn another_request(&mut self) -> Result<(), PeerMisbehaved> {
        self.requests = self.requests.saturating_add(1);
        if self.requests > MAX_REQUESTS {
            return Err(PeerMisbehaved::TooManyRoundTrips {
                limit: MAX_REQUESTS,
            });
        }
        Ok(())
    }

    /// The service sent challenge `name`: refused when it is the same one too many times in
    /// a row.
    pub(super) fn challenge(&mut self, name: &str) -> Result<(), PeerMisbehaved> {
        let times = match &mut self.last {
            Some((seen, times)) if seen.is(name) => {
                *times = times.saturating_add(1);
                *times
            }
            last => {
                *last = Some((Seen::new(name), 1));
                1
            }
        };
        let limit = self.last.as_ref().and_then(|(seen, _)| seen.limit());
        // Device SRP after device SRP, even with a verifier in between, is a loop too.
        let times = match ChallengeName::from_wire(name) {
            Some(ChallengeName::DeviceSrpAuth) => {
                self.device_srp = self.device_srp.saturating_add(1);
                times.max(self.device_srp)
            }
            _ => times,
        };
        if limit.is_some_and(|limit| times > limit) {
            return Err(PeerMisbehaved::ChallengeRepeated {
                name: name.to_owned(),
                times,
            });
        }
        Ok(())
    }

    /// Requests sent and times in a row the last challenge came, for a suspended sign-in.
    pub(super) fn counts(&self) -> (u32, u32) {
        (
            self.requests,
            self.last.as_ref().map_or(0, |(_, times)| *times),
        )
    }

    /// Picks up the counts of a suspended sign-in waiting at challenge `name`.
    pub(super) fn restore(&mut self, name: &str, requests: u32, times: u32) {
        self.requests = requests;
        self.last = (times > 0).then(|| (Seen::new(name), times));
    }
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
    pub(super) fn new(
        config: Arc<PoolConfig>,
        username: String,
        password: Option<SecretString>,
    ) -> Self {
        Self {
            config,
            username,
            user_id: UserId::NotYetNamed,
            password,
            device: None,
            client_metadata: None,
            totp_label: None,
            admin: false,
            progress: Progress::default(),
        }
    }

    /// The USERNAME for a challenge response, and for its SECRET_HASH.
    pub(super) fn response_username(&self) -> &str {
        self.user_id().unwrap_or(&self.username)
    }

    pub(super) fn user_id(&self) -> Option<&str> {
        match &self.user_id {
            UserId::NotYetNamed => None,
            UserId::AsTyped => Some(&self.username),
            UserId::Internal(name) => Some(name),
        }
    }

    /// Records the name a challenge gave; every later request uses it.
    pub(super) fn set_user_id(&mut self, user_id: &str) {
        self.user_id = if user_id == self.username {
            UserId::AsTyped
        } else {
            UserId::Internal(user_id.to_owned())
        };
    }

    pub(super) fn wire_context(&self) -> wire::Context<'_> {
        let context =
            wire::Context::with_metadata(&self.config.context, self.client_metadata.as_ref());
        if self.admin {
            context.without_user_context_data()
        } else {
            context
        }
    }

    pub(super) fn totp_label(&self) -> (String, String) {
        self.totp_label
            .clone()
            .unwrap_or_else(|| (self.config.pool_name().to_owned(), self.username.clone()))
    }
}
