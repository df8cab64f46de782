//! The state before InitiateAuth: the flow chosen, and the request that starts it.

use serde::{Deserialize, Serialize};

use super::context::Context;
use super::expect::{Awaited, Expect};
use super::names::FirstFactor;
use super::requests::{self, Outgoing};
use crate::error::Error;
use crate::secret::SecretString;
use crate::srp::SrpClient;
use crate::wire::operation::Operation;
use crate::wire::request::Request;
use crate::wire::{self, keys};

/// How the user is authenticated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub enum AuthFlow {
    /// `USER_SRP_AUTH`: the password never leaves the device (the default).
    #[default]
    UserSrp,
    /// `USER_PASSWORD_AUTH`: the password is sent over TLS. The app client must allow it.
    UserPassword,
    /// `CUSTOM_AUTH` starting with an SRP password proof, then your custom challenges.
    CustomWithSrp,
    /// `CUSTOM_AUTH` with custom challenges only (no password).
    CustomWithoutSrp,
    /// `USER_AUTH`, choice-based: the first factor is chosen by
    /// [`SignIn::with_preferred_challenge`](crate::SignIn::with_preferred_challenge) or from
    /// SELECT_CHALLENGE.
    UserAuth,
}

pub(super) struct Start {
    pub(super) flow: AuthFlow,
    /// USER_AUTH: `PREFERRED_CHALLENGE`.
    pub(super) preferred: Option<FirstFactor>,
    /// USER_AUTH right after sign-up: ConfirmSignUp's Session.
    pub(super) session: Option<SecretString>,
}

impl Start {
    pub(super) fn new(flow: AuthFlow) -> Self {
        Self {
            flow,
            preferred: None,
            session: None,
        }
    }

    /// InitiateAuth for the flow, and the state awaiting its reply (holding the SRP client when
    /// SRP_A was sent).
    pub(super) fn request(self, ctx: &mut Context) -> Result<(Expect, Request), Error> {
        let Start {
            flow,
            preferred,
            session,
        } = self;
        let preferred = preferred.as_ref();
        let srp = match (flow, preferred) {
            (AuthFlow::UserSrp | AuthFlow::CustomWithSrp, _)
            | (AuthFlow::UserAuth, Some(FirstFactor::PasswordSrp)) => {
                Some(requests::new_srp_client(ctx)?)
            }
            _ => None,
        };
        // USER_PASSWORD_AUTH sends the password now and keeps no copy.
        let password = match (flow, preferred) {
            (AuthFlow::UserPassword, _) | (AuthFlow::UserAuth, Some(FirstFactor::Password)) => {
                Some(ctx.password.take().ok_or_else(requests::no_password)?)
            }
            _ => None,
        };
        if srp.is_some() && ctx.password.is_none() {
            return Err(requests::no_password());
        }
        let config = &ctx.config;
        let secret_hash = config.secret_hash(&ctx.username);
        let parameters = wire::AuthParameters {
            username: Some(&ctx.username),
            secret_hash: secret_hash.as_deref(),
            device_key: ctx.device.as_ref().map(|d| d.device_key.as_str()),
            srp_a: srp.as_ref().map(SrpClient::public_a_hex),
            password: password.as_ref().map(SecretString::expose),
            // CUSTOM_AUTH with SRP first announces SRP_A in CHALLENGE_NAME.
            challenge_name: (flow == AuthFlow::CustomWithSrp).then_some(keys::SRP_A),
            preferred_challenge: preferred
                .filter(|_| flow == AuthFlow::UserAuth)
                .map(FirstFactor::name),
            refresh_token: None,
        };
        let auth_flow = match flow {
            AuthFlow::UserSrp => "USER_SRP_AUTH",
            AuthFlow::UserPassword if ctx.admin => "ADMIN_USER_PASSWORD_AUTH",
            AuthFlow::UserPassword => "USER_PASSWORD_AUTH",
            AuthFlow::CustomWithSrp | AuthFlow::CustomWithoutSrp => "CUSTOM_AUTH",
            AuthFlow::UserAuth => "USER_AUTH",
        };
        let (operation, user_pool_id) = match ctx.admin {
            true => (Operation::AdminInitiateAuth, Some(config.user_pool_id())),
            false => (Operation::InitiateAuth, None),
        };
        let mut input = wire::InitiateAuth {
            user_pool_id,
            auth_flow,
            client_id: config.client_id(),
            auth_parameters: parameters,
            session: session.as_ref().map(SecretString::expose),
            context: ctx.wire_context(),
        };
        let request = Request::new(config, operation, &input);
        // The same request without DEVICE_KEY, should the service have forgotten the device.
        let without_device = input
            .auth_parameters
            .device_key
            .take()
            .map(|_| Request::new(config, operation, &input));
        let awaited = match srp {
            Some(client) => Awaited::SrpVerifier(client),
            None => Awaited::AuthResult,
        };
        Ok(Expect::new(
            Outgoing {
                request,
                without_device,
            },
            awaited,
        ))
    }
}
