//! Requests the machine builds after InitiateAuth: challenge responses, and the SRP proofs it
//! answers by itself (PASSWORD_VERIFIER, DEVICE_SRP_AUTH, DEVICE_PASSWORD_VERIFIER).

use std::borrow::Cow;

use zeroize::Zeroizing;

use super::context::Context;
use super::names::ChallengeName;
use crate::error::{Error, PeerMisbehaved};
use crate::srp::{self, EphemeralSecret, SrpClient, VerifierInput};
use crate::time::UnixTime;
use crate::wire::operation::Operation;
use crate::wire::request::Request;
use crate::wire::{self, ChallengeParameters, keys};

/// A response key and value.
pub(super) type Pair<'a> = (Cow<'a, str>, &'a str);

/// A request to send and, when it carries DEVICE_KEY, the same request without it, to send
/// instead if the service has forgotten the device. Both are built from the same input at
/// once, so nothing has to read the sent body (which may hold the password) back; both
/// bodies are zeroized on drop.
pub(super) struct Outgoing {
    pub(super) request: Request,
    pub(super) without_device: Option<Request>,
}

impl Outgoing {
    /// A request that carries no DEVICE_KEY.
    pub(super) fn plain(request: Request) -> Self {
        Self {
            request,
            without_device: None,
        }
    }
}

pub(super) fn no_password() -> Error {
    Error::InvalidInput("this step needs a password: create the SignIn with one".into())
}

/// Draws a 256-bit `a` and computes A.
pub(super) fn new_srp_client(ctx: &Context) -> Result<SrpClient, Error> {
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

/// The SRP proof asked for: the user's password or the remembered device's.
#[derive(Debug, Clone, Copy)]
pub(super) enum Verifier {
    /// PASSWORD_VERIFIER.
    Password,
    /// DEVICE_PASSWORD_VERIFIER.
    Device,
}

impl Verifier {
    fn challenge_name(self) -> &'static str {
        match self {
            Verifier::Password => ChallengeName::PasswordVerifier.as_str(),
            Verifier::Device => ChallengeName::DevicePasswordVerifier.as_str(),
        }
    }
}

/// Answers PASSWORD_VERIFIER (user SRP) or DEVICE_PASSWORD_VERIFIER (device SRP). The user's
/// password is taken out of the context here and zeroized once x is computed. Nothing is
/// allocated here but the big numbers and the request body.
pub(super) fn password_verifier(
    ctx: &mut Context,
    verifier: Verifier,
    client: SrpClient,
    parameters: &ChallengeParameters<'_>,
    session: &str,
    now: UnixTime,
) -> Result<Outgoing, Error> {
    let name = verifier.challenge_name();
    let get = |key| required(parameters, name, key);
    let secret_block = get(keys::SECRET_BLOCK)?;
    let salt_hex = get(keys::SALT)?;
    let srp_b_hex = get(keys::SRP_B)?;
    // Checked before the expensive part; the signature decodes it again on the stack.
    srp::validate_secret_block(secret_block)?;
    let timestamp = srp::Timestamp::new(now.as_secs())?;
    let timestamp = timestamp.as_str();
    let (signature, user_id) = match verifier {
        Verifier::Device => {
            let credentials = ctx
                .device
                .as_ref()
                .ok_or_else(|| PeerMisbehaved::UnexpectedChallenge(name.to_owned()))?;
            let input = VerifierInput {
                pool_name: &credentials.device_group_key,
                user_id: &credentials.device_key,
                password: credentials.device_password.expose(),
                salt_hex,
                srp_b_hex,
            };
            let signature = client.derive(&input)?.signature_over_encoded_block(
                input.pool_name,
                input.user_id,
                secret_block,
                timestamp,
            )?;
            // The response names the user as the challenge does.
            (signature, parameters.get(keys::USERNAME))
        }
        Verifier::Password => {
            let user_id = get(keys::USER_ID_FOR_SRP)?;
            let pool_name = ctx.config.pool_name();
            let derivation = {
                let password = ctx.password.take().ok_or_else(no_password)?;
                client.derive(&VerifierInput {
                    pool_name,
                    user_id,
                    password: password.expose(),
                    salt_hex,
                    srp_b_hex,
                })
            };
            let signature = derivation?.signature_over_encoded_block(
                pool_name,
                user_id,
                secret_block,
                timestamp,
            )?;
            // The signature, USERNAME and SECRET_HASH all use the internal name, never the alias.
            (signature, Some(user_id))
        }
    };
    drop(client);
    if let Some(user_id) = user_id {
        ctx.set_user_id(user_id);
    }
    Ok(respond(
        ctx,
        name,
        session,
        &[
            (keys::PASSWORD_CLAIM_SECRET_BLOCK.into(), secret_block),
            (keys::PASSWORD_CLAIM_SIGNATURE.into(), signature.as_str()),
            (keys::TIMESTAMP.into(), timestamp),
        ],
    ))
}

/// A challenge parameter the step cannot do without.
fn required<'p>(
    parameters: &'p ChallengeParameters<'_>,
    challenge: &str,
    parameter: &'static str,
) -> Result<&'p str, Error> {
    parameters.get(parameter).ok_or_else(|| {
        PeerMisbehaved::MissingChallengeParameter {
            challenge: challenge.to_owned(),
            parameter,
        }
        .into()
    })
}

/// Answers DEVICE_SRP_AUTH with a fresh `a`, as the Amplify libraries do.
pub(super) fn device_srp_auth(
    ctx: &Context,
    session: &str,
) -> Result<(Outgoing, SrpClient), Error> {
    let client = new_srp_client(ctx)?;
    let request = respond(
        ctx,
        ChallengeName::DeviceSrpAuth.as_str(),
        session,
        &[(keys::SRP_A.into(), client.public_a_hex())],
    );
    Ok((request, client))
}

/// A RespondToAuthChallenge request: USERNAME, SECRET_HASH over that same name, DEVICE_KEY,
/// and the challenge's own responses.
pub(super) fn respond(ctx: &Context, name: &str, session: &str, answers: &[Pair<'_>]) -> Outgoing {
    let username = ctx.response_username();
    let secret_hash = ctx.config.secret_hash(username);
    let (operation, user_pool_id) = match ctx.admin {
        true => (
            Operation::AdminRespondToAuthChallenge,
            Some(ctx.config.user_pool_id()),
        ),
        false => (Operation::RespondToAuthChallenge, None),
    };
    let mut input = wire::RespondToAuthChallenge {
        user_pool_id,
        challenge_name: name,
        client_id: ctx.config.client_id(),
        session,
        challenge_responses: wire::ChallengeResponses {
            answers,
            device_key: ctx.device.as_ref().map(|d| d.device_key.as_str()),
            secret_hash: secret_hash.as_deref(),
            username,
        },
        context: ctx.wire_context(),
    };
    let request = Request::new(&ctx.config, operation, &input);
    let without_device = input
        .challenge_responses
        .device_key
        .take()
        .map(|_| Request::new(&ctx.config, operation, &input));
    Outgoing {
        request,
        without_device,
    }
}
