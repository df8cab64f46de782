//! cognito-auth with ureq (blocking) and the `http` feature's conversions: SRP sign-in with TOTP MFA (a wrong code retried), the
//! new device confirmed and remembered, a second sign-in by device SRP (no MFA), a refresh
//! through `TokenManager`, and GetUser.
//!
//! ```sh
//! cargo run -p cognito-auth-http-clients --bin blocking_ureq -- --endpoint http://127.0.0.1:PORT/ \
//!     --pool-id us-east-1_HttpExample1 --client-id httpexampleclient01 \
//!     --username blocking@example.com --password Correct-Horse-9 \
//!     --totp-secret KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLU --wrong-code-first
//! ```
//!
//! (`run.sh` beside this crate starts `cognito-auth serve` with `pool.json` and runs it.)
//! Exits non-zero when any step fails.

use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use cognito_auth::account::{Call as _, GetUser};
use cognito_auth::{
    DeviceConfirmation, DeviceStore, ErrorKind, OwnedHttpResponse, PoolConfig, RefreshOutcome,
    Request, SignIn, Step, TokenManager, Tokens, UnixTime,
};
use cognito_auth_http_clients::{Failure, Settings, User, check};
use ureq::http;
use zeroize::Zeroize as _;

const NAME: &str = "blocking_ureq";

fn main() -> ExitCode {
    match run() {
        Ok(()) => {
            println!("{NAME}: ok");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{NAME}: FAILED: {e}");
            ExitCode::FAILURE
        }
    }
}

/// POSTs `request` and keeps the reply: status, headers (the `Date` header dates the SRP
/// proof) and body. An error means no reply came (refused, reset, timed out).
///
/// The request goes through `http::Request` and the reply comes back through
/// `http::Response<Vec<u8>>` (feature `http`), as with any client built on the `http` crate.
fn send(agent: &ureq::Agent, request: &Request) -> Result<OwnedHttpResponse, Failure> {
    let (parts, mut body) = http::Request::<Vec<u8>>::try_from(request.clone())?.into_parts();
    let sent = agent.run(http::Request::from_parts(parts, body.as_slice()));
    // The body may carry a password proof, a code or a token: leave no copy behind.
    body.zeroize();
    let (parts, mut reply) = sent?.into_parts();
    let body = reply.read_to_vec()?;
    Ok(OwnedHttpResponse::from(http::Response::from_parts(
        parts, body,
    )))
}

/// One sign-in, driven to the end: a wrong code is asked again, a forgotten device is
/// dropped from the store.
fn sign_in(
    agent: &ureq::Agent,
    config: &Arc<PoolConfig>,
    settings: &Settings,
    devices: &mut DeviceStore,
    user: &mut User,
) -> Result<Tokens, Failure> {
    let mut sign_in = SignIn::new(
        config.clone(),
        &settings.username,
        settings.password.as_str(),
    );
    if let Some(device) = devices.for_username(&settings.username) {
        sign_in = sign_in.with_device(device.clone());
    }
    let mut request = sign_in.start()?;
    let mut wrong_codes = 0;
    loop {
        let response = send(agent, &request)?;
        let step = match sign_in.handle_response(response.as_response(), UnixTime::now()) {
            Ok(step) => step,
            Err(e) if e.is_service(&ErrorKind::CodeMismatch) && wrong_codes < 3 => {
                wrong_codes += 1;
                println!("{NAME}:   wrong code ({e}), asking again");
                let challenge = sign_in.pending_challenge().ok_or(e)?;
                request = sign_in.answer(user.answer(challenge, UnixTime::now())?)?;
                continue;
            }
            Err(e) => return Err(e.into()),
        };
        match step {
            Step::Send(next) => request = next,
            Step::Challenge(challenge) => {
                println!("{NAME}:   challenge {}", challenge.name());
                request = sign_in.answer(user.answer(&challenge, UnixTime::now())?)?;
            }
            Step::DeviceForgotten {
                request: next,
                device_key,
            } => {
                println!("{NAME}:   the pool forgot device {device_key}; going on without it");
                devices.remove_device(&device_key);
                request = next;
            }
            Step::Done(tokens) => return Ok(*tokens),
            other => return Err(format!("the user must first {other:?}").into()),
        }
    }
}

/// ConfirmDevice, then UpdateDeviceStatus when the pool asks the user (they say yes).
fn confirm_device(
    agent: &ureq::Agent,
    config: &Arc<PoolConfig>,
    settings: &Settings,
    tokens: &Tokens,
    devices: &mut DeviceStore,
) -> Result<(), Failure> {
    let mut confirmation = DeviceConfirmation::new(config.clone(), tokens)?;
    let response = send(agent, &confirmation.start(Some(NAME))?)?;
    let confirmed = confirmation.handle_response(response.as_response())?;
    if confirmed.user_confirmation_necessary {
        let response = send(agent, &confirmation.remember(true)?)?;
        confirmation.handle_status_response(response.as_response())?;
    }
    println!(
        "{NAME}: device {} confirmed{}",
        confirmed.credentials.device_key,
        if confirmed.user_confirmation_necessary {
            " and remembered"
        } else {
            ""
        }
    );
    devices.insert(&settings.username, confirmed.credentials);
    Ok(())
}

fn run() -> Result<(), Failure> {
    let settings = Settings::from_args_and_env()?;
    let config = settings.config()?;
    // Non-2xx replies are Cognito's errors, for the machines to read: not transport errors.
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(20)))
        .build()
        .into();
    let mut devices = DeviceStore::new();

    // 1. SRP sign-in; the pool asks for the TOTP code.
    let mut user = User::new(&settings);
    let tokens = sign_in(&agent, &config, &settings, &mut devices, &mut user)?;
    let claims = tokens.id_claims()?;
    println!(
        "{NAME}: signed in as {} (challenges {:?})",
        claims.internal_username().unwrap_or("?"),
        user.asked
    );
    check(
        user.asked.iter().any(|c| c == "SOFTWARE_TOKEN_MFA"),
        "the first sign-in asked no SOFTWARE_TOKEN_MFA",
    )?;
    check(
        !settings.wrong_code_first || user.asked.len() >= 2,
        "the wrong code was not asked again",
    )?;

    // 2. A new device: confirm and remember it.
    check(
        tokens.new_device.is_some(),
        "no NewDeviceMetadata: does the pool track devices?",
    )?;
    confirm_device(&agent, &config, &settings, &tokens, &mut devices)?;
    let device_key = devices
        .for_username(&settings.username)
        .map(|d| d.device_key.clone())
        .ok_or("the device was not stored")?;

    // 3. Signing in again from this device: device SRP, and the pool skips MFA.
    let mut user = User::new(&settings);
    let tokens = sign_in(&agent, &config, &settings, &mut devices, &mut user)?;
    check(
        user.asked.is_empty(),
        format!("MFA asked again on a remembered device: {:?}", user.asked),
    )?;
    check(
        tokens.access_claims()?.device_key.as_deref() == Some(device_key.as_str()),
        "the second sign-in's tokens are not bound to the device",
    )?;
    println!("{NAME}: signed in again by device SRP, no MFA");

    // 4. Refresh through TokenManager: poll before each API call (nothing due yet), and
    //    force one to show the exchange.
    let mut manager = TokenManager::new(config.clone(), tokens).with_request_timeout(20);
    check(
        manager.poll_refresh(UnixTime::now())?.is_none(),
        "fresh tokens are already due for refresh",
    )?;
    let before = manager.tokens().map(|t| t.access_token.clone());
    let request = manager.refresh_now()?.ok_or("a refresh is already out")?;
    match send(&agent, &request) {
        Ok(response) => {
            match manager.handle_refresh_response(response.as_response(), UnixTime::now())? {
                RefreshOutcome::Refreshed => {}
                other => return Err(format!("refresh: {other:?}").into()),
            }
        }
        Err(e) => {
            manager.handle_transport_failure(UnixTime::now())?;
            return Err(e);
        }
    }
    check(
        manager.tokens().map(|t| t.access_token.clone()) != before,
        "the refresh brought the same access token",
    )?;
    println!(
        "{NAME}: refreshed; next refresh due at {:?}",
        manager.next_refresh_at().map(UnixTime::as_secs)
    );

    // 5. An account operation with the refreshed access token.
    let access_token = manager
        .access_token(UnixTime::now())
        .ok_or("no valid access token")?;
    let response = send(&agent, &GetUser::new(access_token.clone()).request(&config))?;
    let profile = GetUser::parse(response.as_response())?;
    let attributes: Vec<_> = profile
        .user_attributes
        .iter()
        .map(|a| a.name.as_str())
        .collect();
    println!(
        "{NAME}: GetUser: {} with attributes {attributes:?}",
        profile.username
    );
    check(
        Some(profile.username.as_str()) == claims.internal_username(),
        "GetUser names another user",
    )?;
    Ok(())
}
