//! `cognito-auth demo`: the whole journey against an embedded local pool, step by step.

use cognito_auth::account::{ChangePassword, ConfirmSignUp, GlobalSignOut, SignUp};
use cognito_auth::{Refresh, Tokens, totp};
use cognito_auth_testkit::{ClientConfig, Config, DeviceTracking, MfaMode, Pool, Server};
use serde_json::json;

use crate::app::{App, Failure, now, out, qr_code};
use crate::files::{load_device, read_file};
use crate::sign_in::{self, Flow, SignInArgs};

const USER: &str = "jane@example.com";
const FIRST_PASSWORD: &str = "Correct-Horse-42";
const SECOND_PASSWORD: &str = "Battery-Staple-43";

pub(crate) fn run(json_output: bool) -> Result<(), Failure> {
    let mut config =
        Config::new("us-east-1_DemoPool01").with_client(ClientConfig::new("democlient0000000001"));
    config.mfa = MfaMode::On;
    config.device_tracking = DeviceTracking::UserOptIn;
    let pool = Pool::new(config, now().as_secs(), &mut cognito_auth_testkit::OsRng)
        .map_err(|e| Failure::new(format!("the demo pool: {e}")))?;
    let server = Server::start(pool, "127.0.0.1:0")?;
    let pool_config =
        cognito_auth::PoolConfig::new("us-east-1_DemoPool01", "democlient0000000001")?
            .with_endpoint(server.url());
    // The whole demo, TOTP waits included, against a pool on this machine.
    let app = App::new(pool_config, false, std::time::Duration::from_secs(600));
    // The TOTP secret and device credentials live in a fresh directory with a random name, only
    // ours (0700): a predictable name in a shared /tmp could be created, or filled with
    // symbolic links, by anyone first.
    let mut builder = tempfile::Builder::new();
    builder.prefix("cognito-auth-demo-");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o700));
    }
    let dir = builder
        .tempdir()
        .map_err(|e| Failure::new(format!("cannot create the demo's directory: {e}")))?;
    let result = journey(&app, &server, dir.path());
    drop(dir);
    server.shutdown();
    let steps = result?;
    match json_output {
        true => out(&json!({"steps": steps, "result": "ok"}).to_string()),
        false => out(&format!(
            "\nDemo complete: {} steps, all verified by the local pool.",
            steps.len()
        )),
    }
}

fn step(steps: &mut Vec<String>, text: String) -> Result<(), Failure> {
    out(&format!("[{}] {text}", steps.len() + 1))?;
    steps.push(text);
    Ok(())
}

fn journey(app: &App, server: &Server, dir: &std::path::Path) -> Result<Vec<String>, Failure> {
    let mut steps = Vec::new();
    out(&format!("Local user pool at {}", server.url()))?;

    let output =
        app.call(&SignUp::new(USER, Some(FIRST_PASSWORD.into())).with_attribute("email", USER))?;
    step(
        &mut steps,
        format!("signed up {USER} (sub {})", output.user_sub),
    )?;
    let code = server
        .pool()
        .take_code(USER)
        .ok_or_else(|| Failure::new("no confirmation code in the outbox"))?;
    app.call(&ConfirmSignUp::new(USER, code.as_str()))?;
    step(
        &mut steps,
        format!("confirmed the sign-up with code {code} from the outbox"),
    )?;

    let totp_file = dir.join("totp-secret");
    let device_file = dir.join("device.json");
    let mut args = SignInArgs {
        username: USER.into(),
        password_stdin: false,
        flow: Flow::Srp,
        totp_secret_file: Some(totp_file.clone()),
        new_password: None,
        device_file: Some(device_file.clone()),
        remember_device: true,
        tokens_file: None,
        code_stdin: false,
        new_password_stdin: false,
        print_tokens: false,
        preferred_challenge: None,
        client_metadata: Vec::new(),
        mfa_email: None,
    };
    let tokens = sign_in::sign_in(app, &args, Some(FIRST_PASSWORD.into()))?;
    let secret = read_file(&totp_file)?;
    let uri = totp::otpauth_uri(secret.trim(), "cognito-auth demo", USER);
    out(&format!("{}\n{uri}", qr_code(&uri)))?;
    step(
        &mut steps,
        "SRP sign-in: the pool required MFA, a TOTP authenticator was enrolled (QR code above)"
            .into(),
    )?;
    let device = load_device(&device_file)?;
    step(
        &mut steps,
        format!(
            "device {} confirmed by its SRP verifier and remembered",
            device.device_key
        ),
    )?;

    app.call(&GlobalSignOut::new(tokens.access_token.clone()))?;
    step(&mut steps, "signed out everywhere (GlobalSignOut)".into())?;
    let stale = refresh(app, &tokens, &device.device_key);
    step(
        &mut steps,
        format!(
            "the old refresh token is refused: {}",
            stale.err().map(|e| e.to_string()).unwrap_or_default()
        ),
    )?;

    // Sign in again: SRP, then device SRP; the remembered device skips MFA. The TOTP file now
    // points nowhere, so an MFA challenge would fail this step instead of prompting.
    args.totp_secret_file = Some(dir.join("no-totp-secret-here"));
    let tokens = sign_in::sign_in(app, &args, Some(FIRST_PASSWORD.into()))?;
    step(
        &mut steps,
        "signed in again through device SRP: MFA skipped".into(),
    )?;

    let refreshed = refresh(app, &tokens, &device.device_key)?;
    step(
        &mut steps,
        format!(
            "refreshed the tokens; the access token expires in {} s",
            refreshed.expires_in
        ),
    )?;

    app.call(&ChangePassword::new(
        refreshed.access_token.clone(),
        Some(FIRST_PASSWORD.into()),
        SECOND_PASSWORD,
    ))?;
    step(&mut steps, "changed the password".into())?;
    let _ = sign_in::sign_in(app, &args, Some(SECOND_PASSWORD.into()))?;
    step(&mut steps, "signed in with the new password".into())?;
    Ok(steps)
}

fn refresh(app: &App, tokens: &Tokens, device_key: &str) -> Result<Tokens, Failure> {
    let mut refresh = Refresh::new(app.config.clone(), tokens)?.with_device_key(device_key);
    let reply = app.send(&refresh.request()?)?;
    Ok(refresh.handle_response(reply.response(), now())?)
}
