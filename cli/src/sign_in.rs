//! `cognito-auth sign-in`: a whole sign-in as an app does it, interactive or scripted.

use std::collections::BTreeMap;
use std::path::PathBuf;

use cognito_auth::{
    AuthFlow, Challenge, ChallengeAnswer, DeviceConfirmation, DeviceCredentials, ErrorKind,
    MfaType, SignIn, Step, Tokens, totp,
};

use crate::app::{
    App, Failure, now, prompt, prompt_secret, qr_code, read_file, stdin_lines, write_private,
};
use crate::tokens;

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
        let who = claims
            .as_ref()
            .and_then(|c| c.username.clone())
            .unwrap_or_default();
        let sub = claims.and_then(|c| c.sub).unwrap_or_default();
        format!(
            "Signed in as {who} (sub {sub}); the access token expires in {} s.",
            tokens.expires_in
        )
    });
    Ok(())
}

/// Drives the machine to tokens, answering challenges from the options or the terminal.
pub(crate) fn sign_in(app: &App, args: &SignInArgs, password: String) -> Result<Tokens, Failure> {
    let flow = match args.flow {
        Flow::Srp => AuthFlow::UserSrp,
        Flow::Password => AuthFlow::UserPassword,
    };
    let device = match &args.device_file {
        Some(path) if path.exists() => Some(serde_json::from_str::<DeviceCredentials>(
            &read_file(path)?,
        )?),
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
    let tokens = loop {
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
                let wait = 31 - now().as_secs() % 30;
                eprintln!("The code was refused; retrying with the next one in {wait} s.");
                std::thread::sleep(std::time::Duration::from_secs(wait));
                Step::Challenge(Challenge::SoftwareTokenMfa)
            }
            Err(error) => return Err(error.into()),
        };
        request = match step {
            Step::Send(next) => next,
            Step::Done(tokens) => break *tokens,
            Step::Challenge(challenge) => {
                let answer = answer(args, &challenge)?;
                machine.answer(answer)?
            }
            Step::DeviceForgotten {
                request,
                device_key,
            } => {
                eprintln!("The pool no longer knows device {device_key}: signing in without it.");
                if let Some(path) = &args.device_file {
                    let _ = std::fs::remove_file(path);
                }
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
            other => return Err(Failure::new(format!("unexpected step: {other:?}"))),
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
            let to = delivery.destination.as_deref().unwrap_or("you");
            ChallengeAnswer::code(prompt(&format!("Code sent to {to}"))?)
        }
        Challenge::SelectMfaType(options) => {
            let choice =
                if args.totp_secret_file.is_some() && options.contains(&MfaType::SoftwareToken) {
                    MfaType::SoftwareToken
                } else {
                    let names: Vec<&str> = options.iter().map(MfaType::challenge_name).collect();
                    let picked = prompt(&format!("Second factor ({})", names.join(", ")))?;
                    options
                        .iter()
                        .find(|o| o.challenge_name().eq_ignore_ascii_case(&picked))
                        .cloned()
                        .ok_or_else(|| {
                            Failure::new(format!("{picked} is not one of {}", names.join(", ")))
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
                    write_private(path, &format!("{}\n", setup.secret().expose()))?;
                    eprintln!("Enrolled a TOTP secret, saved to {}.", path.display());
                    totp::code(setup.secret().expose(), now())?
                }
                None => {
                    eprintln!(
                        "Scan this with your authenticator app:\n{}\n{}",
                        qr_code(&setup.uri()),
                        setup.uri()
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
                attributes.insert(name.clone(), prompt(&format!("Value for {name}"))?);
            }
            ChallengeAnswer::NewPassword {
                password: password.into(),
                attributes,
            }
        }
        Challenge::Custom(parameters) => {
            eprintln!("Custom challenge: {parameters:?}");
            ChallengeAnswer::Custom(prompt("Answer")?.into())
        }
        other => {
            return Err(Failure::new(format!(
                "this command cannot answer {other:?}"
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
        confirmed.credentials.device_key,
        path.display()
    );
    Ok(())
}
