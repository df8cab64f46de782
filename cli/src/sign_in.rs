//! `cognito-auth sign-in`: a whole sign-in as an app does it, interactive or scripted.

use std::collections::BTreeMap;
use std::path::PathBuf;

use cognito_auth::{
    AuthFlow, Challenge, ChallengeAnswer, DeviceConfirmation, DeviceCredentials, ErrorKind,
    MfaType, SignIn, Step, Tokens, totp,
};

use crate::app::{App, Failure, now, prompt, prompt_secret, qr_code, shown, stdin_lines};
use crate::files::{
    load_device, read_file, refuse_symlink, replace_private, set_aside, write_private,
};
use crate::tokens;

/// The most requests one sign-in sends before giving up. A real one needs at most about a
/// dozen (InitiateAuth, the SRP proof, device SRP and its proof, a challenge or two, a wrong
/// code retried, MFA enrolment): more means the service keeps asking.
const MAX_ROUND_TRIPS: usize = 30;

/// Options of `sign-in`.
#[derive(Debug, Clone, clap::Args)]
pub(crate) struct SignInArgs {
    /// The user name, e-mail or phone number.
    #[arg(long)]
    pub(crate) username: String,
    /// Read the password from the first line of standard input.
    #[arg(long)]
    pub(crate) password_stdin: bool,
    /// `srp` (the password never leaves this machine) or `password` (USER_PASSWORD_AUTH).
    #[arg(long, value_enum, default_value_t = Flow::Srp)]
    pub(crate) flow: Flow,
    /// Base32 TOTP secret file: SOFTWARE_TOKEN_MFA is answered from it; MFA_SETUP enrols a new
    /// secret and writes it here.
    #[arg(long)]
    pub(crate) totp_secret_file: Option<PathBuf>,
    /// The password to set when the account requires a new one (NEW_PASSWORD_REQUIRED).
    #[arg(long)]
    pub(crate) new_password: Option<String>,
    /// Device credentials: used for device SRP when present; a new device is confirmed and saved.
    #[arg(long)]
    pub(crate) device_file: Option<PathBuf>,
    /// Remember a newly confirmed device (pools that ask the user).
    #[arg(long)]
    pub(crate) remember_device: bool,
    /// Save the tokens here (owner-only), for the commands that need them.
    #[arg(long, env = "COGNITO_TOKENS_FILE")]
    pub(crate) tokens_file: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Flow {
    Srp,
    Password,
}

pub(crate) fn run(app: &App, args: &SignInArgs) -> Result<(), Failure> {
    // Tokens that could not be saved would be lost: refuse before signing in.
    if let Some(path) = &args.tokens_file {
        refuse_symlink(path)?;
    }
    let password = match args.password_stdin {
        true => stdin_lines(1)?.remove(0),
        false => prompt_secret("Password")?,
    };
    let tokens = sign_in(app, args, password)?;
    if let Some(path) = &args.tokens_file {
        tokens::save(path, &tokens)?;
    }
    let claims = tokens.access_claims().ok();
    app.print(&tokens::to_json(&tokens), || {
        let who = shown(
            &claims
                .as_ref()
                .and_then(|c| c.username.clone())
                .unwrap_or_default(),
        );
        let sub = shown(&claims.and_then(|c| c.sub).unwrap_or_default());
        format!(
            "Signed in as {who} (sub {sub}); the access token expires in {} s.",
            tokens.expires_in
        )
    });
    Ok(())
}

/// Drives the machine to tokens, answering challenges from the options or the terminal, in at
/// most [`MAX_ROUND_TRIPS`] requests and within the app's deadline.
pub(crate) fn sign_in(app: &App, args: &SignInArgs, password: String) -> Result<Tokens, Failure> {
    let flow = match args.flow {
        Flow::Srp => AuthFlow::UserSrp,
        Flow::Password => AuthFlow::UserPassword,
    };
    let device: Option<DeviceCredentials> = match &args.device_file {
        Some(path) if path.exists() => Some(load_device(path)?),
        _ => None,
    };
    let mut machine =
        SignIn::new(app.config.clone(), &args.username, password.as_str()).with_flow(flow);
    if let Some(device) = device {
        machine = machine.with_device(device);
    }
    drop(password);
    let mut request = machine.start()?;
    let mut totp_retried = false;
    let mut round_trips = 0;
    let tokens = loop {
        round_trips += 1;
        if round_trips > MAX_ROUND_TRIPS {
            let asking = machine
                .pending_challenge()
                .map(|c| format!(" (last asked: {})", shown(c.name())))
                .unwrap_or_default();
            return Err(Failure::new(format!(
                "gave up after {MAX_ROUND_TRIPS} round trips: the service keeps asking{asking}"
            )));
        }
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
            Err(error) => return Err(error.into()),
        };
        request = match step {
            Step::Send(next) => next,
            Step::Done(tokens) => break *tokens,
            Step::Challenge(challenge) => {
                let answer = app.paused(|| answer(args, &challenge))?;
                machine.answer(answer)?
            }
            Step::DeviceForgotten {
                request,
                device_key,
            } => {
                // The service's word alone does not destroy the credentials: a hostile or
                // mistaken endpoint could say this of any device. Keep them aside.
                let kept = match &args.device_file {
                    Some(path) => set_aside(path, "forgotten")?,
                    None => None,
                };
                let kept = kept
                    .map(|aside| format!(" (its credentials are kept as {})", aside.display()))
                    .unwrap_or_default();
                eprintln!(
                    "The pool no longer knows device {}: signing in without it{kept}.",
                    shown(&device_key)
                );
                request
            }
            Step::ConfirmSignUp => {
                return Err(Failure::new(
                    "UserNotConfirmedException: confirm the sign-up first (confirm-sign-up)",
                ));
            }
            Step::ResetPassword => {
                return Err(Failure::new(
                    "PasswordResetRequiredException: reset the password (forgot-password)",
                ));
            }
            other => {
                return Err(Failure::new(format!(
                    "unexpected step: {}",
                    shown(&format!("{other:?}"))
                )));
            }
        };
    };
    if tokens.new_device.is_some() {
        if let Some(path) = &args.device_file {
            confirm_device(app, &tokens, path, args.remember_device)?;
        }
    }
    Ok(tokens)
}

/// The answer to a challenge: from the options when they give it, else asked on the terminal.
fn answer(args: &SignInArgs, challenge: &Challenge) -> Result<ChallengeAnswer, Failure> {
    Ok(match challenge {
        Challenge::SoftwareTokenMfa => match &args.totp_secret_file {
            Some(path) => ChallengeAnswer::code(totp::code(read_file(path)?.trim(), now())?),
            None => ChallengeAnswer::code(prompt("Code from your authenticator app")?),
        },
        Challenge::SmsMfa(delivery)
        | Challenge::EmailOtp(delivery)
        | Challenge::SmsOtp(delivery) => {
            let to = shown(delivery.destination.as_deref().unwrap_or("you"));
            ChallengeAnswer::code(prompt(&format!("Code sent to {to}"))?)
        }
        Challenge::SelectMfaType(options) => {
            let choice =
                if args.totp_secret_file.is_some() && options.contains(&MfaType::SoftwareToken) {
                    MfaType::SoftwareToken
                } else {
                    let names: Vec<&str> = options.iter().map(MfaType::challenge_name).collect();
                    let names = shown(&names.join(", "));
                    let picked = prompt(&format!("Second factor ({names})"))?;
                    options
                        .iter()
                        .find(|o| o.challenge_name().eq_ignore_ascii_case(&picked))
                        .cloned()
                        .ok_or_else(|| {
                            Failure::new(format!("{} is not one of {names}", shown(&picked)))
                        })?
                };
            ChallengeAnswer::SelectMfaType(choice)
        }
        Challenge::MfaSetup(options) if options.contains(&MfaType::SoftwareToken) => {
            ChallengeAnswer::SetUpTotp
        }
        Challenge::MfaSetup(_) => {
            ChallengeAnswer::SetUpEmail(prompt("E-mail address for MFA codes")?)
        }
        Challenge::TotpSetup(setup) => {
            let code = match &args.totp_secret_file {
                Some(path) => {
                    let secret = format!("{}\n", setup.secret().expose());
                    replace_private(path, &secret, "old", "TOTP secret")?;
                    eprintln!("Enrolled a TOTP secret, saved to {}.", path.display());
                    totp::code(setup.secret().expose(), now())?
                }
                None => {
                    eprintln!(
                        "Scan this with your authenticator app:\n{}\n{}",
                        qr_code(&setup.uri()),
                        shown(&setup.uri())
                    );
                    prompt("Code from your authenticator app")?
                }
            };
            ChallengeAnswer::VerifyTotp {
                code: code.into(),
                friendly_name: Some("cognito-auth CLI".into()),
            }
        }
        Challenge::NewPasswordRequired {
            required_attributes,
            ..
        } => {
            let password = match &args.new_password {
                Some(password) => password.clone(),
                None => prompt_secret("New password")?,
            };
            let mut attributes = BTreeMap::new();
            for name in required_attributes {
                let label = format!("Value for {}", shown(name));
                attributes.insert(name.clone(), prompt(&label)?);
            }
            ChallengeAnswer::NewPassword {
                password: password.into(),
                attributes,
            }
        }
        Challenge::Custom(parameters) => {
            eprintln!("Custom challenge: {}", shown(&format!("{parameters:?}")));
            ChallengeAnswer::Custom(prompt("Answer")?.into())
        }
        other => {
            return Err(Failure::new(format!(
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
    path: &std::path::Path,
    remember: bool,
) -> Result<(), Failure> {
    let mut confirmation = DeviceConfirmation::new(app.config.clone(), tokens)?;
    let name = std::env::var("HOSTNAME").unwrap_or_else(|_| "cognito-auth CLI".into());
    let reply = app.send(&confirmation.start(Some(&name))?)?;
    let confirmed = confirmation.handle_response(reply.response())?;
    if confirmed.user_confirmation_necessary && remember {
        let reply = app.send(&confirmation.remember(true)?)?;
        confirmation.handle_status_response(reply.response())?;
    }
    write_private(path, &serde_json::to_string_pretty(&confirmed.credentials)?)?;
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
