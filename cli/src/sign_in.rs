//! `cognito-auth sign-in`: a whole sign-in as an app does it, interactive or scripted.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use cognito_auth::{
    Challenge, ChallengeAnswer, DeviceConfirmation, DeviceCredentials, ErrorKind, MfaType, Request,
    SecretString, SignIn, Step, Tokens, totp,
};

use crate::account::parse_attribute;
use crate::app::{
    App, Class, Failure, at_terminal, non_empty, now, prompt, prompt_or, prompt_secret, qr_code,
    shown, stdin_line, stdin_lines,
};
use crate::choice::{self, Factor, password_first};
use crate::files::{
    device_json, load_device_file, read_file, refuse_symlink, replace_private, secret_file_text,
    set_aside, write_private,
};
use crate::tokens;

/// The most requests one sign-in sends before giving up. A real one needs at most about a
/// dozen (InitiateAuth, the SRP proof, device SRP and its proof, a challenge or two, a wrong
/// code retried, MFA enrolment): more means the service keeps asking.
const MAX_ROUND_TRIPS: usize = 30;

/// How many times a person at a terminal may type a code, or a new password the policy
/// refuses, in one sign-in.
const TRIES: usize = 3;

/// Options of `sign-in`.
// No `Debug` on the command line's arguments: they hold secrets (client secret, new
// password, tokens), and what has no `Debug` cannot be logged by accident.
#[derive(Clone, clap::Args)]
#[command(after_help = "\
Standard input, with --password-stdin: the password on the first line; then, in the order the \
sign-in asks, the new password (--new-password-stdin) and each one-time code or custom \
challenge answer (--code-stdin), one per line. At a terminal, a mistyped code or a new password \
the policy refuses is asked again (3 tries).

--flow user-auth (choice-based): the first factor is --preferred-challenge, or picked at the \
terminal from the pool's SELECT_CHALLENGE list. The password is read only for PASSWORD or \
PASSWORD_SRP (picked at SELECT_CHALLENGE, either is proven by SRP when the pool offers \
PASSWORD_SRP); EMAIL_OTP and SMS_OTP sign in with the code alone. WEB_AUTHN is refused: a \
terminal has no platform authenticator.
--flow custom / custom-srp (CUSTOM_AUTH, without or after the SRP password proof): each custom \
challenge's public parameters are shown and its answer read, until the pool issues tokens.")]
pub(crate) struct SignInArgs {
    /// The user name, e-mail or phone number.
    #[arg(long, value_parser = non_empty)]
    pub(crate) username: String,
    /// Read the password from the first line of standard input (at most 4 KiB).
    #[arg(long)]
    pub(crate) password_stdin: bool,
    /// `srp` (the password never leaves this machine), `password` (USER_PASSWORD_AUTH),
    /// `user-auth` (USER_AUTH, choice-based), `custom` (CUSTOM_AUTH, no password) or
    /// `custom-srp` (CUSTOM_AUTH after an SRP password proof).
    #[arg(long, value_enum, default_value_t = Flow::Srp)]
    pub(crate) flow: Flow,
    /// USER_AUTH: the first factor to ask for (PREFERRED_CHALLENGE); it also answers
    /// SELECT_CHALLENGE when the pool offers it there.
    #[arg(long, value_enum, ignore_case = true, value_name = "FACTOR")]
    pub(crate) preferred_challenge: Option<Factor>,
    /// ClientMetadata for the pool's Lambda triggers, on every request of the sign-in
    /// (repeatable).
    #[arg(long = "client-metadata", value_name = "KEY=VALUE", value_parser = parse_attribute)]
    pub(crate) client_metadata: Vec<(String, String)>,
    /// Base32 TOTP secret file: SOFTWARE_TOKEN_MFA is answered from it; MFA_SETUP enrols a new
    /// secret and writes it here.
    #[arg(long)]
    pub(crate) totp_secret_file: Option<PathBuf>,
    /// MFA_SETUP: enrol e-mail MFA with this address (the pool e-mails it a code to prove it)
    /// rather than an authenticator app. Without it, e-mail is asked at a terminal only when
    /// the pool offers nothing else.
    #[arg(long, value_name = "ADDRESS", value_parser = non_empty)]
    pub(crate) mfa_email: Option<String>,
    /// Read one-time codes (SMS, e-mail, authenticator app) and custom challenge answers from
    /// standard input, one line each as asked, after the password line. Needs --password-stdin
    /// when the flow starts with the password.
    #[arg(long)]
    pub(crate) code_stdin: bool,
    /// The password to set when the account requires a new one (NEW_PASSWORD_REQUIRED).
    /// Visible in `ps`: prefer --new-password-stdin or COGNITO_NEW_PASSWORD.
    #[arg(long, env = "COGNITO_NEW_PASSWORD", hide_env_values = true)]
    pub(crate) new_password: Option<String>,
    /// Read the new password (NEW_PASSWORD_REQUIRED) from the line of standard input after the
    /// password. Needs --password-stdin.
    #[arg(long, requires = "password_stdin", conflicts_with = "new_password")]
    pub(crate) new_password_stdin: bool,
    /// Device credentials: used for device SRP when present; a new device is confirmed and
    /// saved. The file belongs to the user who saved it: another user is refused.
    #[arg(long)]
    pub(crate) device_file: Option<PathBuf>,
    /// Remember a newly confirmed device (pools that ask the user).
    #[arg(long)]
    pub(crate) remember_device: bool,
    /// Save the tokens here (owner-only), for the commands that need them.
    #[arg(long, env = "COGNITO_TOKENS_FILE")]
    pub(crate) tokens_file: Option<PathBuf>,
    /// Print the tokens on standard output (they are secrets: mind where it goes). Without it
    /// (and without --json) only who signed in is printed.
    #[arg(long)]
    pub(crate) print_tokens: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Flow {
    Srp,
    Password,
    UserAuth,
    Custom,
    CustomSrp,
}

pub(crate) fn run(app: &App, args: &SignInArgs) -> Result<(), Failure> {
    // Tokens that could not be saved would be lost: refuse before signing in.
    if let Some(path) = &args.tokens_file {
        refuse_symlink(path)?;
    }
    // A device file of another user is refused before the password is even asked.
    if let Some(path) = &args.device_file {
        if path.exists() {
            check_device_owner(path, &args.username)?;
        }
    }
    choice::check(args)?;
    let password = match (password_first(args), args.password_stdin) {
        (false, _) => None,
        (true, true) => Some(stdin_lines(1)?.remove(0)),
        (true, false) => Some(prompt_secret("Password")?),
    };
    let tokens = sign_in(app, args, password)?;
    if let Some(path) = &args.tokens_file {
        tokens::save(path, &tokens)?;
    }
    let claims = tokens.access_claims().ok();
    tokens::print(app, &tokens, args.print_tokens, || {
        let who = shown(
            &claims
                .as_ref()
                .and_then(|c| c.username.clone())
                .unwrap_or_default(),
        );
        let sub = shown(&claims.and_then(|c| c.sub).unwrap_or_default());
        let kept = match &args.tokens_file {
            Some(path) => format!(" Tokens saved to {}.", path.display()),
            None => " The tokens were not kept: pass --tokens-file FILE to save them, or \
                      --print-tokens to print them."
                .to_owned(),
        };
        format!(
            "Signed in as {who} (sub {sub}); the access token expires in {} s.{kept}",
            tokens.expires_in
        )
    })
}

/// Refuses a device file saved for another user name than the one typed.
fn check_device_owner(path: &Path, username: &str) -> Result<(), Failure> {
    let file = load_device_file(path)?;
    match file.username {
        Some(saved) if saved != username => Err(Failure::of(
            Class::Usage,
            "device_mismatch",
            format!(
                "{}: the device of user {}, not {}: pass this user's own --device-file (a \
                 new one is created), or sign in as {0} with the name used when it was saved",
                path.display(),
                shown(&saved),
                shown(username)
            ),
        )),
        _ => Ok(()),
    }
}

/// The user a sign-in's tokens are for.
fn token_sub(tokens: &Tokens) -> Option<String> {
    tokens
        .access_claims()
        .ok()
        .and_then(|c| c.sub)
        .or_else(|| tokens.id_claims().ok().and_then(|c| c.sub))
}

/// The ChallengeName a RespondToAuthChallenge request answers (none for InitiateAuth).
fn answering(request: &Request) -> Option<String> {
    #[derive(serde::Deserialize)]
    struct Peek {
        #[serde(rename = "ChallengeName")]
        name: Option<String>,
    }
    serde_json::from_slice::<Peek>(request.body())
        .ok()
        .and_then(|peek| peek.name)
}

/// Drives the machine to tokens, answering challenges from the options or the terminal, in at
/// most [`MAX_ROUND_TRIPS`] requests and within the app's deadline. At a terminal, a new
/// password the policy refuses starts the sign-in again and asks for another.
pub(crate) fn sign_in(
    app: &App,
    args: &SignInArgs,
    password: Option<SecretString>,
) -> Result<Tokens, Failure> {
    let retry_new_password =
        args.new_password.is_none() && !args.new_password_stdin && at_terminal();
    let mut tries = 0;
    loop {
        tries += 1;
        match drive(app, args, password.as_ref()) {
            Err(failure)
                if failure.kind() == "new_password_refused"
                    && retry_new_password
                    && tries < TRIES =>
            {
                eprintln!("{failure}. Choose another ({} tries left).", TRIES - tries);
            }
            other => return other,
        }
    }
}

/// One sign-in, start to tokens.
fn drive(app: &App, args: &SignInArgs, password: Option<&SecretString>) -> Result<Tokens, Failure> {
    let flow = choice::auth_flow(args.flow);
    let device: Option<DeviceCredentials> = match &args.device_file {
        Some(path) if path.exists() => Some(load_device_file(path)?.credentials),
        _ => None,
    };
    let mut machine = match password {
        Some(password) => {
            SignIn::new(app.config.clone(), &args.username, password.clone()).with_flow(flow)
        }
        None => SignIn::passwordless(app.config.clone(), &args.username, flow),
    };
    if let Some(factor) = args.preferred_challenge {
        machine = machine.with_preferred_challenge(factor.first_factor());
    }
    if let Some(metadata) = choice::client_metadata(&args.client_metadata) {
        machine.set_client_metadata(metadata);
    }
    if let Some(device) = device.clone() {
        machine = machine.with_device(device);
    }
    let mut request = machine.start()?;
    let mut totp_retried = false;
    let mut code_tries = 0;
    let mut round_trips = 0;
    // Where the device's credentials went when the pool said it does not know the device.
    let mut device_aside: Option<PathBuf> = None;
    let tokens = loop {
        round_trips += 1;
        if round_trips > MAX_ROUND_TRIPS {
            let asking = machine
                .pending_challenge()
                .map(|c| format!(" (last asked: {})", shown(c.name())))
                .unwrap_or_default();
            return Err(Failure::of(
                Class::Protocol,
                "protocol",
                format!(
                    "gave up after {MAX_ROUND_TRIPS} round trips: the service keeps asking{asking}"
                ),
            ));
        }
        let answers = answering(&request);
        let reply = app.send(&request)?;
        let step = match machine.handle_response(reply.response(), now()) {
            Ok(step) => step,
            // A TOTP code is good once: when the code from the secret file was just used (by
            // an enrolment), wait for the next 30-second step, as a person would, and retry once.
            Err(error)
                if error.is_service(&ErrorKind::CodeMismatch)
                    && args.totp_secret_file.is_some()
                    && !totp_retried
                    && matches!(
                        machine.pending_challenge(),
                        Some(Challenge::SoftwareTokenMfa)
                    ) =>
            {
                totp_retried = true;
                let wait = std::time::Duration::from_secs(31 - now().as_secs() % 30);
                if app.remaining() <= wait {
                    return Err(app.out_of_time());
                }
                eprintln!(
                    "The code was refused; retrying with the next one in {} s.",
                    wait.as_secs()
                );
                std::thread::sleep(wait);
                Step::Challenge(Challenge::SoftwareTokenMfa)
            }
            // A code typed at the terminal and refused: the machine waits at the same
            // challenge; ask again, a bounded number of times.
            Err(error)
                if error.is_service(&ErrorKind::CodeMismatch)
                    && typed_code(args, machine.pending_challenge())
                    && code_tries + 1 < TRIES =>
            {
                code_tries += 1;
                let challenge = machine
                    .pending_challenge()
                    .cloned()
                    .ok_or_else(|| Failure::from(error.clone()))?;
                eprintln!(
                    "{}. Try again ({} tries left).",
                    Failure::from(error),
                    TRIES - code_tries
                );
                Step::Challenge(challenge)
            }
            Err(error) => {
                return Err(explain(error.into(), answers.as_deref(), args));
            }
        };
        request = match step {
            Step::Send(next) => next,
            Step::Done(tokens) => break *tokens,
            Step::Challenge(challenge) => {
                let answer = app.paused(|| answer(args, &challenge, password))?;
                machine.answer(answer)?
            }
            Step::DeviceForgotten {
                request,
                device_key,
            } => {
                // The service's word alone does not destroy the credentials: a hostile or
                // mistaken endpoint could say this of any device. Keep them aside.
                device_aside = match &args.device_file {
                    Some(path) => set_aside(path, "forgotten")?,
                    None => None,
                };
                let kept = device_aside
                    .as_ref()
                    .map(|aside| format!(" (its credentials are kept as {})", aside.display()))
                    .unwrap_or_default();
                eprintln!(
                    "The pool does not know device {} for this user: signing in without \
                     it{kept}.",
                    shown(&device_key)
                );
                request
            }
            Step::ConfirmSignUp => {
                return Err(Failure::of(
                    Class::Refused,
                    "user_not_confirmed",
                    "UserNotConfirmedException: confirm the sign-up first (confirm-sign-up)",
                ));
            }
            Step::ResetPassword => {
                return Err(Failure::of(
                    Class::Refused,
                    "password_reset_required",
                    "PasswordResetRequiredException: reset the password (forgot-password)",
                ));
            }
            other => {
                return Err(Failure::of(
                    Class::Protocol,
                    "protocol",
                    format!("unexpected step: {}", shown(&format!("{other:?}"))),
                ));
            }
        };
    };
    // The device file is this user's only if the tokens are for the user it was saved for
    // (the name typed may be an alias, so compare the sub): never replace another user's.
    if let (Some(device), Some(path)) = (&device, &args.device_file) {
        let sub = token_sub(&tokens);
        if sub.as_deref() != Some(device.user_sub.as_str()) {
            let restored = match &device_aside {
                Some(aside) => std::fs::rename(aside, path).is_ok(),
                None => true,
            };
            let left = match restored {
                true => "it was left as it was".to_owned(),
                false => format!("its credentials are kept as {}", path.display()),
            };
            return Err(Failure::of(
                Class::Usage,
                "device_mismatch",
                format!(
                    "{}: the device of another user (sub {}), not of {} who signed in (sub {}); \
                     {left} and no device was saved: pass this user's own --device-file",
                    path.display(),
                    shown(&device.user_sub),
                    shown(&args.username),
                    shown(sub.as_deref().unwrap_or("unknown"))
                ),
            ));
        }
    }
    if tokens.new_device.is_some() {
        if let Some(path) = &args.device_file {
            confirm_device(app, &tokens, path, args)?;
        }
    }
    Ok(tokens)
}

/// Whether the pending challenge's code was typed at the terminal (and may be typed again).
fn typed_code(args: &SignInArgs, pending: Option<&Challenge>) -> bool {
    if args.code_stdin || !at_terminal() {
        return false;
    }
    match pending {
        Some(Challenge::SoftwareTokenMfa) | Some(Challenge::TotpSetup(_)) => {
            args.totp_secret_file.is_none()
        }
        Some(Challenge::SmsMfa(_) | Challenge::EmailOtp(_) | Challenge::SmsOtp(_)) => true,
        _ => false,
    }
}

/// Says which step a refusal came at: the device's proof is not the password's.
fn explain(failure: Failure, answering: Option<&str>, args: &SignInArgs) -> Failure {
    if failure.class() != Class::Refused {
        return failure;
    }
    match answering {
        Some("DEVICE_SRP_AUTH" | "DEVICE_PASSWORD_VERIFIER") => {
            let file = args
                .device_file
                .as_ref()
                .map(|p| p.display().to_string())
                .unwrap_or_else(|| "the device file".into());
            let message = format!(
                "{failure} — at the device SRP step ({}): the password was accepted, the pool \
                 refused the device credentials in {file} (--device-file); sign in without \
                 --device-file, or forget the device (devices forget) and sign in with a new file",
                answering.unwrap_or_default()
            );
            failure.with_message(message).with_kind("device_refused")
        }
        Some("NEW_PASSWORD_REQUIRED") if failure.code() == Some("InvalidPasswordException") => {
            let message = format!("The new password was refused: {failure}");
            failure
                .with_message(message)
                .with_kind("new_password_refused")
        }
        _ => failure,
    }
}

/// A one-time code: from standard input (--code-stdin), else asked on the terminal; without
/// either, a failure that names the options.
fn code(args: &SignInArgs, label: &str, totp: bool) -> Result<SecretString, Failure> {
    if args.code_stdin {
        return stdin_line(&format!("{label} (a one-time code)"), "--code-stdin");
    }
    let instead = match totp {
        true => {
            " (pass --code-stdin with the code on the line after the password, or \
                 --totp-secret-file)"
        }
        false => " (pass --code-stdin with the code on its line of standard input)",
    };
    prompt_or(label, instead).map(SecretString::from)
}

/// The answer to a challenge: from the options when they give it, else asked on the terminal.
fn answer(
    args: &SignInArgs,
    challenge: &Challenge,
    password: Option<&SecretString>,
) -> Result<ChallengeAnswer, Failure> {
    Ok(match challenge {
        Challenge::SoftwareTokenMfa => match &args.totp_secret_file {
            Some(path) => ChallengeAnswer::code(totp::code(read_file(path)?.trim(), now())?),
            None => ChallengeAnswer::Code(code(args, "Code from your authenticator app", true)?),
        },
        Challenge::SmsMfa(delivery)
        | Challenge::EmailOtp(delivery)
        | Challenge::SmsOtp(delivery) => {
            let to = shown(delivery.destination.as_deref().unwrap_or("you"));
            ChallengeAnswer::Code(code(args, &format!("Code sent to {to}"), false)?)
        }
        Challenge::SelectMfaType(options) => {
            let choice =
                if args.totp_secret_file.is_some() && options.contains(&MfaType::SoftwareToken) {
                    MfaType::SoftwareToken
                } else {
                    choice::pick("Second factor", options, MfaType::challenge_name)?
                };
            ChallengeAnswer::SelectMfaType(choice)
        }
        Challenge::MfaSetup(options)
            if options.contains(&MfaType::Email) && args.mfa_email.is_some() =>
        {
            ChallengeAnswer::SetUpEmail(args.mfa_email.clone().unwrap_or_default())
        }
        Challenge::MfaSetup(options) if options.contains(&MfaType::SoftwareToken) => {
            ChallengeAnswer::SetUpTotp
        }
        Challenge::MfaSetup(options) if options.contains(&MfaType::Email) => {
            ChallengeAnswer::SetUpEmail(prompt("E-mail address for MFA codes")?)
        }
        Challenge::TotpSetup(setup) => {
            let code = match &args.totp_secret_file {
                Some(path) => {
                    let secret = secret_file_text(setup.secret().expose());
                    replace_private(path, &secret, "old", "TOTP secret")?;
                    eprintln!("Enrolled a TOTP secret, saved to {}.", path.display());
                    SecretString::from(totp::code(setup.secret().expose(), now())?)
                }
                None if args.code_stdin => code(args, "Code from your authenticator app", true)?,
                None => {
                    eprintln!(
                        "Scan this with your authenticator app:\n{}\n{}",
                        qr_code(&setup.uri()),
                        shown(&setup.uri())
                    );
                    code(args, "Code from your authenticator app", true)?
                }
            };
            ChallengeAnswer::VerifyTotp {
                code,
                friendly_name: Some("cognito-auth CLI".into()),
            }
        }
        Challenge::NewPasswordRequired {
            required_attributes,
            ..
        } => {
            let password = match &args.new_password {
                Some(password) => {
                    crate::app::non_empty_secret(password.as_str().into(), "--new-password")?
                }
                None if args.new_password_stdin => crate::app::non_empty_secret(
                    stdin_line("the new password", "--new-password-stdin")?,
                    "the new password",
                )?,
                None => prompt_secret("New password")?,
            };
            let mut attributes = BTreeMap::new();
            for name in required_attributes {
                let label = format!("Value for {}", shown(name));
                attributes.insert(name.clone(), prompt(&label)?);
            }
            ChallengeAnswer::NewPassword {
                password,
                attributes,
            }
        }
        Challenge::Custom(parameters) => choice::custom_answer(args, parameters)?,
        Challenge::SelectChallenge(available) => {
            choice::select_challenge(args, available, password)?
        }
        Challenge::WebAuthn { .. } => return Err(choice::no_passkeys()),
        other => {
            return Err(Failure::usage(format!(
                "this command cannot answer {}",
                shown(&format!("{other:?}"))
            )));
        }
    })
}

/// ConfirmDevice (and UpdateDeviceStatus when the pool asks), then saves the credentials.
fn confirm_device(
    app: &App,
    tokens: &Tokens,
    path: &Path,
    args: &SignInArgs,
) -> Result<(), Failure> {
    let remember = args.remember_device;
    let mut confirmation = DeviceConfirmation::new(app.config.clone(), tokens)?;
    let name = std::env::var("HOSTNAME").unwrap_or_else(|_| "cognito-auth CLI".into());
    let reply = app.send(&confirmation.start(Some(&name))?)?;
    let confirmed = confirmation.handle_response(reply.response())?;
    if confirmed.user_confirmation_necessary && remember {
        let reply = app.send(&confirmation.remember(true)?)?;
        confirmation.handle_status_response(reply.response())?;
    }
    write_private(
        path,
        device_json(&confirmed.credentials, &args.username)?.expose(),
    )?;
    let state = if confirmed.user_confirmation_necessary && !remember {
        "confirmed (not remembered)"
    } else {
        "remembered"
    };
    eprintln!(
        "Device {} {state}, saved to {}.",
        shown(&confirmed.credentials.device_key),
        path.display()
    );
    Ok(())
}
