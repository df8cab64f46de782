//! `cognito-auth`: sign in to an Amazon Cognito user pool the way an app would, manage the
//! account, or run a local pool that really verifies (`serve`, `demo`; feature `local-pool`, on by
//! default: it embeds the testkit's published test signing key).

mod account;
mod app;
mod choice;
#[cfg(feature = "local-pool")]
mod demo;
mod files;
mod login;
#[cfg(feature = "local-pool")]
mod serve;
mod sign_in;
mod stored;
mod terminal;
mod tokens;
mod transport;

use std::io::Write;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Parser, Subcommand};
use cognito_auth::{PoolConfig, SecretString};

use app::{App, DEFAULT_TIMEOUT_SECS, EXIT_CODES_HELP, Failure, shown_up_to};

/// Sign in to Amazon Cognito user pools from the command line.
// No `Debug` on the command line's arguments: they hold secrets (client secret, new
// password, tokens), and what has no `Debug` cannot be logged by accident.
#[derive(Parser)]
#[command(name = "cognito-auth", version, about, after_help = EXIT_CODES_HELP)]
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
    /// The app client secret, for clients that have one. Visible in `ps`: prefer
    /// --client-secret-file or COGNITO_CLIENT_SECRET.
    #[arg(
        long,
        global = true,
        env = "COGNITO_CLIENT_SECRET",
        hide_env_values = true
    )]
    client_secret: Option<String>,
    /// A file whose first line is the app client secret.
    #[arg(long, global = true, conflicts_with = "client_secret")]
    client_secret_file: Option<std::path::PathBuf>,
    /// Machine-readable JSON on stdout, and failures as one JSON object on stderr.
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

#[derive(Subcommand)]
enum Command {
    /// Run the whole journey against an embedded local pool: sign up, confirm, SRP sign-in,
    /// TOTP enrolment, device remembered, sign out, device sign-in without MFA, refresh,
    /// change password, sign in with it.
    #[cfg(feature = "local-pool")]
    Demo,
    /// Serve a local user pool over HTTP until stopped (SIGTERM or Ctrl-C).
    #[cfg(feature = "local-pool")]
    Serve(serve::ServeArgs),
    /// Sign in (SRP by default): save the tokens with --tokens-file, print them with
    /// --print-tokens or --json.
    SignIn(sign_in::SignInArgs),
    /// Sign in through managed login (the hosted UI) in the browser: a loopback redirect on
    /// 127.0.0.1, PKCE, the code exchange, and the ID token verified against the issuer's JWKS.
    Login(login::LoginArgs),
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

/// The exit status when standard output was closed under us (`| head -1`), as a shell reports
/// a command ended by SIGPIPE.
const STDOUT_CLOSED: u8 = 141;

fn main() -> ExitCode {
    let json = std::env::args_os().any(|arg| arg == "--json");
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => return usage_error(&error, json),
    };
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) if failure.kind() == "stdout_closed" => ExitCode::from(STDOUT_CLOSED),
        Err(failure) => {
            // One line, whatever it quotes: service text is already shown() where it is put
            // into a message; this is the last guard for anything else (a transport error).
            let line = match json {
                true => app::json_line(&failure.to_json(2_000)),
                false => shown_up_to(&failure.to_string(), 2_000),
            };
            let _ = writeln!(std::io::stderr(), "{line}");
            ExitCode::from(failure.class().exit_code())
        }
    }
}

/// A command line clap refused: exit 2; with --json, one JSON object on stderr.
fn usage_error(error: &clap::Error, json: bool) -> ExitCode {
    use clap::error::ErrorKind as K;
    let informational = matches!(
        error.kind(),
        K::DisplayHelp | K::DisplayVersion | K::DisplayHelpOnMissingArgumentOrSubcommand
    );
    if informational || !json {
        let _ = error.print();
        return ExitCode::from(match error.use_stderr() {
            true => 2,
            false => 0,
        });
    }
    let rendered = error.to_string();
    let message = rendered
        .lines()
        .find(|line| !line.trim().is_empty())
        .unwrap_or("invalid command line")
        .trim_start_matches("error: ");
    let failure = Failure::of(app::Class::Usage, "usage", message);
    let _ = writeln!(
        std::io::stderr(),
        "{}",
        app::json_line(&failure.to_json(2_000))
    );
    ExitCode::from(2)
}

fn run(cli: Cli) -> Result<(), Failure> {
    #[cfg(feature = "local-pool")]
    match &cli.command {
        Command::Demo => return demo::run(cli.json),
        Command::Serve(args) => return serve::run(args, cli.pool_id.as_deref()),
        _ => {}
    }
    let app = App::new(
        pool_config(&cli)?,
        cli.json,
        Duration::from_secs(cli.timeout),
    );
    match &cli.command {
        Command::SignIn(args) => sign_in::run(&app, args),
        Command::Login(args) => login::run(&app, args),
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
        .ok_or_else(|| Failure::usage("--pool-id is required (or COGNITO_POOL_ID)"))?;
    let client_id = cli
        .client_id
        .as_deref()
        .ok_or_else(|| Failure::usage("--client-id is required (or COGNITO_CLIENT_ID)"))?;
    let mut config = PoolConfig::new(pool_id, client_id)?;
    let secret = match (&cli.client_secret, &cli.client_secret_file) {
        (_, Some(path)) => Some(files::read_secret_line(path, "client secret")?),
        (Some(secret), None) if secret.is_empty() => {
            return Err(Failure::usage("the client secret is empty"));
        }
        (secret, None) => secret.as_deref().map(SecretString::from),
    };
    app::set_client_secret_given(secret.is_some());
    if let Some(secret) = &secret {
        config = config.with_client_secret(secret.expose());
    }
    if let Some(endpoint) = &cli.endpoint {
        config = config.with_endpoint(endpoint);
    }
    Ok(config)
}
