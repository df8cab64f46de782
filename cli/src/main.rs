//! `cognito-auth`: sign in to an Amazon Cognito user pool the way an app would, manage the
//! account, or run a local pool that really verifies (`serve`, `demo`; feature `local-pool`, on by
//! default: it embeds the testkit's published test signing key).

mod account;
mod app;
#[cfg(feature = "local-pool")]
mod demo;
mod files;
#[cfg(feature = "local-pool")]
mod serve;
mod sign_in;
mod tokens;
mod transport;

use std::process::ExitCode;
use std::time::Duration;

use clap::{Parser, Subcommand};
use cognito_auth::PoolConfig;

use app::{App, DEFAULT_TIMEOUT_SECS, Failure, shown_up_to};

/// Sign in to Amazon Cognito user pools from the command line.
#[derive(Debug, Parser)]
#[command(name = "cognito-auth", version, about)]
struct Cli {
    /// The Cognito endpoint (default: the region's, from --pool-id).
    #[arg(long, global = true, env = "COGNITO_ENDPOINT")]
    endpoint: Option<String>,
    /// The user pool id, e.g. us-east-1_AbC123.
    #[arg(long, global = true, env = "COGNITO_POOL_ID")]
    pool_id: Option<String>,
    /// The app client id.
    #[arg(long, global = true, env = "COGNITO_CLIENT_ID")]
    client_id: Option<String>,
    /// The app client secret, for clients that have one.
    #[arg(
        long,
        global = true,
        env = "COGNITO_CLIENT_SECRET",
        hide_env_values = true
    )]
    client_secret: Option<String>,
    /// Machine-readable JSON on stdout.
    #[arg(long, global = true)]
    json: bool,
    /// Give up after this many seconds: every round trip of the command together (a sign-in's
    /// challenges too), not counting the time you take at a prompt.
    #[arg(long, global = true, env = "COGNITO_TIMEOUT", value_name = "SECONDS",
        default_value_t = DEFAULT_TIMEOUT_SECS, value_parser = clap::value_parser!(u64).range(1..=86_400))]
    timeout: u64,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the whole journey against an embedded local pool: sign up, confirm, SRP sign-in,
    /// TOTP enrolment, device remembered, sign out, device sign-in without MFA, refresh,
    /// change password, sign in with it.
    #[cfg(feature = "local-pool")]
    Demo,
    /// Serve a local user pool over HTTP until stopped (SIGTERM or Ctrl-C).
    #[cfg(feature = "local-pool")]
    Serve(serve::ServeArgs),
    /// Sign in (SRP by default) and print the tokens.
    SignIn(sign_in::SignInArgs),
    /// Register a user.
    SignUp(account::SignUpArgs),
    /// Confirm a sign-up with the code that was sent.
    ConfirmSignUp(account::CodeArgs),
    /// Send the sign-up confirmation code again.
    ResendCode(account::UserArgs),
    /// Start a password reset: a code is sent.
    ForgotPassword(account::UserArgs),
    /// Finish a password reset with the code and a new password.
    ConfirmForgotPassword(account::ConfirmForgotArgs),
    /// Change the signed-in user's password.
    ChangePassword(account::ChangePasswordArgs),
    /// Refresh the tokens.
    Refresh(account::RefreshArgs),
    /// Sign the user out everywhere (GlobalSignOut).
    SignOut(tokens::TokenSource),
    /// Revoke the refresh token (RevokeToken).
    Revoke(tokens::TokenSource),
    /// Show the signed-in user (GetUser).
    User(tokens::TokenSource),
    /// The user's remembered devices.
    #[command(subcommand)]
    Devices(account::DevicesCommand),
    /// Multi-factor authentication settings.
    #[command(subcommand)]
    Mfa(account::MfaCommand),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            // One line, whatever it quotes: service text is already shown() where it is put
            // into a message; this is the last guard for anything else (a transport error).
            eprintln!("{}", shown_up_to(&failure.to_string(), 2_000));
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> Result<(), Failure> {
    #[cfg(feature = "local-pool")]
    match &cli.command {
        Command::Demo => return demo::run(cli.json),
        Command::Serve(args) => return serve::run(args),
        _ => {}
    }
    let app = App::new(
        pool_config(&cli)?,
        cli.json,
        Duration::from_secs(cli.timeout),
    );
    match &cli.command {
        Command::SignIn(args) => sign_in::run(&app, args),
        Command::SignUp(args) => account::sign_up(&app, args),
        Command::ConfirmSignUp(args) => account::confirm_sign_up(&app, args),
        Command::ResendCode(args) => account::resend_code(&app, args),
        Command::ForgotPassword(args) => account::forgot_password(&app, args),
        Command::ConfirmForgotPassword(args) => account::confirm_forgot_password(&app, args),
        Command::ChangePassword(args) => account::change_password(&app, args),
        Command::Refresh(args) => account::refresh(&app, args),
        Command::SignOut(source) => account::sign_out(&app, source),
        Command::Revoke(source) => account::revoke(&app, source),
        Command::User(source) => account::user(&app, source),
        Command::Devices(command) => account::devices(&app, command),
        Command::Mfa(command) => account::mfa(&app, command),
        #[cfg(feature = "local-pool")]
        Command::Demo | Command::Serve(_) => Ok(()),
    }
}

fn pool_config(cli: &Cli) -> Result<PoolConfig, Failure> {
    let pool_id = cli
        .pool_id
        .as_deref()
        .ok_or_else(|| Failure::new("--pool-id is required (or COGNITO_POOL_ID)"))?;
    let client_id = cli
        .client_id
        .as_deref()
        .ok_or_else(|| Failure::new("--client-id is required (or COGNITO_CLIENT_ID)"))?;
    let mut config = PoolConfig::new(pool_id, client_id)?;
    if let Some(secret) = &cli.client_secret {
        config = config.with_client_secret(secret);
    }
    if let Some(endpoint) = &cli.endpoint {
        config = config.with_endpoint(endpoint);
    }
    Ok(config)
}
