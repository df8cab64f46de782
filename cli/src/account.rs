//! Account commands: sign-up, password reset and change, refresh, sign-out, the user, devices
//! and MFA settings. Each is one or two calls of the library's typed operations.

use std::path::PathBuf;

use cognito_auth::account::{
    AssociateSoftwareToken, ChangePassword, CodeDeliveryDetails, ConfirmForgotPassword,
    ConfirmSignUp, ForgetDevice, ForgotPassword, GetUser, GlobalSignOut, ListDevices, MfaSettings,
    ResendConfirmationCode, RevokeToken, SetUserMfaPreference, SignUp, VerifySoftwareToken,
};
use cognito_auth::{Refresh, RefreshFlow, SecretString, totp};
use serde_json::json;

use crate::app::{
    App, Class, Failure, non_empty, now, prompt, prompt_secret, qr_code, shown, stdin_lines,
};
use crate::files::{load_device, refuse_symlink, replace_private, secret_file_text};
use crate::tokens::{self, TokenSource};

/// A user name.
#[derive(Clone, clap::Args)]
pub(crate) struct UserArgs {
    /// The user name (or an alias the pool accepts).
    #[arg(long, value_parser = non_empty)]
    username: String,
}

/// A user name and a code.
#[derive(Clone, clap::Args)]
pub(crate) struct CodeArgs {
    /// The user name.
    #[arg(long, value_parser = non_empty)]
    username: String,
    /// The code that was sent.
    #[arg(long, value_parser = non_empty)]
    code: String,
}

/// Options of `sign-up`.
#[derive(Clone, clap::Args)]
pub(crate) struct SignUpArgs {
    /// The user name.
    #[arg(long, value_parser = non_empty)]
    username: String,
    /// Read the password from the first line of standard input.
    #[arg(long)]
    password_stdin: bool,
    /// A user attribute, `name=value` (repeatable), e.g. `email=jane@example.com`.
    #[arg(long = "attribute", value_parser = parse_attribute)]
    attributes: Vec<(String, String)>,
}

/// Options of `confirm-forgot-password`.
#[derive(Clone, clap::Args)]
pub(crate) struct ConfirmForgotArgs {
    /// The user name.
    #[arg(long, value_parser = non_empty)]
    username: String,
    /// The code that was sent.
    #[arg(long, value_parser = non_empty)]
    code: String,
    /// Read the new password from the first line of standard input.
    #[arg(long)]
    password_stdin: bool,
}

/// Options of `change-password`.
#[derive(Clone, clap::Args)]
pub(crate) struct ChangePasswordArgs {
    #[command(flatten)]
    source: TokenSource,
    /// Read the current and the new password from the first two lines of standard input
    /// (each at most 4 KiB).
    #[arg(long)]
    password_stdin: bool,
}

/// Options of `refresh`.
#[derive(Clone, clap::Args)]
pub(crate) struct RefreshArgs {
    #[command(flatten)]
    source: TokenSource,
    /// Use InitiateAuth REFRESH_TOKEN_AUTH instead of GetTokensFromRefreshToken.
    #[arg(long)]
    refresh_token_auth: bool,
    /// Device credentials (a file written by `sign-in --device-file`), for pools that track devices.
    #[arg(long)]
    device_file: Option<PathBuf>,
    /// Print the new tokens on standard output (they are secrets). Without it (and without
    /// --json) they are only saved to --tokens-file.
    #[arg(long)]
    print_tokens: bool,
}

/// `devices ...`
#[derive(Clone, clap::Subcommand)]
pub(crate) enum DevicesCommand {
    /// List the user's devices.
    List(TokenSource),
    /// Forget a device.
    Forget {
        #[command(flatten)]
        source: TokenSource,
        /// The device key (default: the one in --device-file).
        #[arg(long)]
        device_key: Option<String>,
        /// Device credentials file; deleted after the device is forgotten.
        #[arg(long)]
        device_file: Option<PathBuf>,
    },
}

/// `mfa ...`
#[derive(Clone, clap::Subcommand)]
pub(crate) enum MfaCommand {
    /// Enrol an authenticator app (TOTP) and make it the preferred factor.
    SetupTotp {
        #[command(flatten)]
        source: TokenSource,
        /// Write the new base32 secret here and answer with a code computed from it.
        #[arg(long)]
        totp_secret_file: Option<PathBuf>,
    },
    /// Turn factors on or off.
    Preference {
        #[command(flatten)]
        source: TokenSource,
        /// Authenticator-app codes.
        #[arg(long, value_enum)]
        totp: Option<Switch>,
        /// SMS codes.
        #[arg(long, value_enum)]
        sms: Option<Switch>,
        /// E-mail codes.
        #[arg(long, value_enum)]
        email: Option<Switch>,
        /// The preferred factor among those on.
        #[arg(long, value_enum)]
        preferred: Option<Factor>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Switch {
    On,
    Off,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Factor {
    Totp,
    Sms,
    Email,
}

impl Factor {
    fn flag(self) -> &'static str {
        match self {
            Factor::Totp => "totp",
            Factor::Sms => "sms",
            Factor::Email => "email",
        }
    }
}

pub(crate) fn parse_attribute(text: &str) -> Result<(String, String), String> {
    text.split_once('=')
        .map(|(name, value)| (name.to_owned(), value.to_owned()))
        .ok_or_else(|| format!("{text:?} is not name=value"))
}

fn password(from_stdin: bool, label: &str) -> Result<SecretString, Failure> {
    if from_stdin {
        Ok(stdin_lines(1)?.remove(0))
    } else {
        prompt_secret(label)
    }
}

fn delivery_text(details: Option<&CodeDeliveryDetails>) -> String {
    match details.and_then(|d| d.destination.as_deref()) {
        Some(destination) => format!("a code was sent to {}", shown(destination)),
        None => "a code was sent".to_owned(),
    }
}

fn to_json<T: serde::Serialize>(value: &T) -> serde_json::Value {
    serde_json::to_value(value).unwrap_or(serde_json::Value::Null)
}

pub(crate) fn sign_up(app: &App, args: &SignUpArgs) -> Result<(), Failure> {
    let password = password(args.password_stdin, "Password")?;
    let mut call = SignUp::new(&args.username, Some(password));
    for (name, value) in &args.attributes {
        call = call.with_attribute(name, value);
    }
    let output = app.call(&call)?;
    app.print(&to_json(&output), || {
        if output.user_confirmed {
            format!(
                "Signed up {} (sub {}), already confirmed.",
                args.username,
                shown(&output.user_sub)
            )
        } else {
            format!(
                "Signed up {} (sub {}): {}; confirm with confirm-sign-up.",
                args.username,
                shown(&output.user_sub),
                delivery_text(output.code_delivery_details.as_ref())
            )
        }
    })?;
    Ok(())
}

pub(crate) fn confirm_sign_up(app: &App, args: &CodeArgs) -> Result<(), Failure> {
    let output = app.call(&ConfirmSignUp::new(&args.username, args.code.as_str()))?;
    app.print(&to_json(&output), || {
        format!("Confirmed {}.", args.username)
    })?;
    Ok(())
}

pub(crate) fn resend_code(app: &App, args: &UserArgs) -> Result<(), Failure> {
    let output = app.call(&ResendConfirmationCode::new(&args.username))?;
    app.print(&to_json(&output), || {
        delivery_text(output.code_delivery_details.as_ref())
    })?;
    Ok(())
}

pub(crate) fn forgot_password(app: &App, args: &UserArgs) -> Result<(), Failure> {
    let output = app.call(&ForgotPassword::new(&args.username))?;
    app.print(&to_json(&output), || {
        format!(
            "{}; finish with confirm-forgot-password.",
            delivery_text(output.code_delivery_details.as_ref())
        )
    })?;
    Ok(())
}

pub(crate) fn confirm_forgot_password(app: &App, args: &ConfirmForgotArgs) -> Result<(), Failure> {
    let password = password(args.password_stdin, "New password")?;
    app.call(&ConfirmForgotPassword::new(
        &args.username,
        args.code.as_str(),
        password,
    ))?;
    app.print(&json!({}), || {
        format!("The password of {} was reset.", args.username)
    })?;
    Ok(())
}

pub(crate) fn change_password(app: &App, args: &ChangePasswordArgs) -> Result<(), Failure> {
    let (old, new) = if args.password_stdin {
        let mut lines = stdin_lines(2)?;
        let new = lines.remove(1);
        (lines.remove(0), new)
    } else {
        (
            prompt_secret("Current password")?,
            prompt_secret("New password")?,
        )
    };
    app.call(&ChangePassword::new(
        args.source.fresh_access_token(app)?,
        Some(old),
        new,
    ))?;
    app.print(&json!({}), || "Password changed.".to_owned())?;
    Ok(())
}

pub(crate) fn refresh(app: &App, args: &RefreshArgs) -> Result<(), Failure> {
    // Rotated tokens that could not be saved back would be lost: refuse before the request.
    args.source.check_writable()?;
    let claims = args.source.access_claims();
    let flow = if args.refresh_token_auth {
        RefreshFlow::RefreshTokenAuth
    } else {
        RefreshFlow::GetTokensFromRefreshToken
    };
    let mut refresh = Refresh::from_refresh_token(app.config.clone(), args.source.refresh_token()?)
        .with_flow(flow);
    if let Some(username) = claims.as_ref().and_then(|c| c.username.clone()) {
        refresh = refresh.with_internal_username(username);
    }
    let device_key = match &args.device_file {
        Some(path) => Some(load_device(path)?.device_key),
        None => claims.and_then(|c| c.device_key),
    };
    let with_device = device_key.is_some();
    if let Some(device_key) = device_key {
        refresh = refresh.with_device_key(device_key);
    }
    let reply = app.send(&refresh.request()?)?;
    let tokens = refresh
        .handle_response(reply.response(), now())
        .map_err(|e| {
            let refused = e.is_service(&cognito_auth::ErrorKind::NotAuthorized);
            let failure = Failure::from(e);
            match refused && !with_device {
                // A refresh token issued to a remembered device is good only with its key.
                true => {
                    let message = format!(
                        "{failure}; if the tokens were issued to a remembered device, the \
                         refresh needs its key: pass --device-file (the file sign-in saved)"
                    );
                    failure.with_message(message)
                }
                false => failure,
            }
        })?;
    args.source.save(&tokens)?;
    tokens::print(app, &tokens, args.print_tokens, || {
        let kept = match &args.source.tokens_file {
            Some(path) => format!(" Saved to {}.", path.display()),
            None => " The new tokens were not kept: pass --tokens-file FILE to save them, or \
                      --print-tokens to print them."
                .to_owned(),
        };
        format!(
            "Refreshed; the access token expires in {} s.{kept}",
            tokens.expires_in
        )
    })?;
    Ok(())
}

pub(crate) fn sign_out(app: &App, source: &TokenSource) -> Result<(), Failure> {
    app.call(&GlobalSignOut::new(source.fresh_access_token(app)?))?;
    app.print(&json!({}), || {
        "Signed out everywhere: every refresh token of the user is revoked.".to_owned()
    })?;
    Ok(())
}

pub(crate) fn revoke(app: &App, source: &TokenSource) -> Result<(), Failure> {
    app.call(&RevokeToken::new(source.refresh_token()?))?;
    app.print(&json!({}), || {
        "The refresh token and the tokens issued from it are revoked.".to_owned()
    })?;
    Ok(())
}

pub(crate) fn user(app: &App, source: &TokenSource) -> Result<(), Failure> {
    let user = app.call(&GetUser::new(source.fresh_access_token(app)?))?;
    app.print(&to_json(&user), || {
        let mut text = format!("User {}", shown(&user.username));
        for attribute in &user.user_attributes {
            text.push_str(&format!(
                "\n  {} = {}",
                shown(&attribute.name),
                shown(attribute.value.as_deref().unwrap_or(""))
            ));
        }
        text
    })?;
    Ok(())
}

pub(crate) fn devices(app: &App, command: &DevicesCommand) -> Result<(), Failure> {
    match command {
        DevicesCommand::List(source) => {
            let list = app.call(&ListDevices::new(source.fresh_access_token(app)?))?;
            app.print(&to_json(&list), || {
                let mut text = format!("{} device(s)", list.devices.len());
                for device in &list.devices {
                    let name = device.name().unwrap_or("(unnamed)");
                    let status = device
                        .attribute("dev:device_remembered_status")
                        .unwrap_or("?");
                    text.push_str(&format!(
                        "\n  {} {} ({})",
                        shown(device.device_key.as_deref().unwrap_or("?")),
                        shown(name),
                        shown(status)
                    ));
                }
                text
            })?;
        }
        DevicesCommand::Forget {
            source,
            device_key,
            device_file,
        } => {
            let key = match (device_key, device_file) {
                (Some(key), _) => key.clone(),
                (None, Some(path)) => load_device(path)?.device_key,
                (None, None) => return Err(Failure::usage("pass --device-key or --device-file")),
            };
            app.call(&ForgetDevice::new(source.fresh_access_token(app)?, &key))?;
            if let Some(path) = device_file {
                let _ = std::fs::remove_file(path);
            }
            app.print(&json!({"DeviceKey": key}), || {
                format!("Forgot device {}.", shown(&key))
            })?;
        }
    }
    Ok(())
}

pub(crate) fn mfa(app: &App, command: &MfaCommand) -> Result<(), Failure> {
    match command {
        MfaCommand::SetupTotp {
            source,
            totp_secret_file,
        } => {
            if let Some(path) = totp_secret_file {
                refuse_symlink(path)?;
            }
            let access_token = source.fresh_access_token(app)?;
            let secret = app
                .call(&AssociateSoftwareToken::with_access_token(
                    access_token.clone(),
                ))?
                .secret_code
                .ok_or_else(|| {
                    Failure::of(
                        Class::Protocol,
                        "protocol",
                        "AssociateSoftwareToken returned no SecretCode",
                    )
                })?;
            let code = match totp_secret_file {
                Some(path) => {
                    let text = secret_file_text(secret.expose());
                    replace_private(path, &text, "old", "TOTP secret")?;
                    totp::code(secret.expose(), now())?
                }
                None => {
                    let uri =
                        totp::otpauth_uri(secret.expose(), app.config.pool_name(), "cognito-auth");
                    eprintln!(
                        "Scan this with your authenticator app:\n{}\n{}",
                        qr_code(&uri),
                        shown(&uri)
                    );
                    app.paused(|| prompt("Code from your authenticator app"))?
                }
            };
            let verify = VerifySoftwareToken::with_access_token(access_token.clone(), code)
                .with_friendly_device_name("cognito-auth CLI");
            let output = app.call(&verify)?;
            if !output.is_success() {
                return Err(Failure::of(
                    Class::Refused,
                    "service",
                    "VerifySoftwareToken did not accept the code",
                ));
            }
            let preference = SetUserMfaPreference::new(access_token)
                .with_software_token(MfaSettings::enabled(true));
            app.call(&preference)?;
            app.print(&json!({"Status": "SUCCESS"}), || {
                "Authenticator app enrolled and preferred.".to_owned()
            })?;
        }
        MfaCommand::Preference {
            source,
            totp,
            sms,
            email,
            preferred,
        } => {
            if totp.is_none() && sms.is_none() && email.is_none() {
                return Err(Failure::usage(
                    "nothing to change: pass --totp, --sms or --email (on or off), and \
                     --preferred for the one preferred",
                ));
            }
            if let Some(factor) = preferred {
                let switch = match factor {
                    Factor::Totp => totp,
                    Factor::Sms => sms,
                    Factor::Email => email,
                };
                if *switch != Some(Switch::On) {
                    return Err(Failure::usage(format!(
                        "--preferred {} needs --{} on",
                        factor.flag(),
                        factor.flag()
                    )));
                }
            }
            let settings = |switch: Option<Switch>, factor: Factor| {
                switch.map(|s| match s {
                    Switch::On => MfaSettings::enabled(*preferred == Some(factor)),
                    Switch::Off => MfaSettings::disabled(),
                })
            };
            let mut call = SetUserMfaPreference::new(source.fresh_access_token(app)?);
            if let Some(s) = settings(*totp, Factor::Totp) {
                call = call.with_software_token(s);
            }
            if let Some(s) = settings(*sms, Factor::Sms) {
                call = call.with_sms(s);
            }
            if let Some(s) = settings(*email, Factor::Email) {
                call = call.with_email(s);
            }
            app.call(&call)?;
            app.print(&json!({}), || "MFA preference saved.".to_owned())?;
        }
    }
    Ok(())
}
