//! `sign-in` beyond the password flows: choice-based USER_AUTH (the first factor from
//! `--preferred-challenge` or SELECT_CHALLENGE, the password asked only for a password factor)
//! and CUSTOM_AUTH (each custom challenge shown, its answer read).

use std::collections::BTreeMap;

use cognito_auth::{AuthFlow, ChallengeAnswer, FirstFactor, SecretString};

use crate::app::{
    Class, Failure, at_terminal, non_empty_secret, prompt, prompt_or, prompt_secret, shown,
    stdin_line,
};
use crate::sign_in::{Flow, SignInArgs};

/// How many of a custom challenge's parameters are shown: a real trigger sets a handful.
const SHOWN_PARAMETERS: usize = 20;

/// A USER_AUTH first factor, spelled as the service spells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Factor {
    /// The password, sent over TLS.
    #[value(name = "PASSWORD")]
    Password,
    /// The password, proven by SRP (it never leaves this machine).
    #[value(name = "PASSWORD_SRP")]
    PasswordSrp,
    /// A code e-mailed to the user; no password.
    #[value(name = "EMAIL_OTP")]
    EmailOtp,
    /// A code sent by SMS; no password.
    #[value(name = "SMS_OTP")]
    SmsOtp,
    /// A passkey: refused here (a terminal has no platform authenticator).
    #[value(name = "WEB_AUTHN")]
    WebAuthn,
}

impl Factor {
    pub(crate) fn first_factor(self) -> FirstFactor {
        match self {
            Factor::Password => FirstFactor::Password,
            Factor::PasswordSrp => FirstFactor::PasswordSrp,
            Factor::EmailOtp => FirstFactor::EmailOtp,
            Factor::SmsOtp => FirstFactor::SmsOtp,
            Factor::WebAuthn => FirstFactor::WebAuthn,
        }
    }
}

/// The library's flow for `--flow`.
pub(crate) fn auth_flow(flow: Flow) -> AuthFlow {
    match flow {
        Flow::Srp => AuthFlow::UserSrp,
        Flow::Password => AuthFlow::UserPassword,
        Flow::Custom => AuthFlow::CustomWithoutSrp,
        Flow::CustomSrp => AuthFlow::CustomWithSrp,
        Flow::UserAuth => AuthFlow::UserAuth,
    }
}

/// Whether the sign-in starts with the password (read before the first request); otherwise
/// it is asked only if the user picks a password factor at SELECT_CHALLENGE.
pub(crate) fn password_first(args: &SignInArgs) -> bool {
    match args.flow {
        Flow::Srp | Flow::Password | Flow::CustomSrp => true,
        Flow::Custom => false,
        Flow::UserAuth => matches!(
            args.preferred_challenge,
            Some(Factor::Password | Factor::PasswordSrp)
        ),
    }
}

/// Refuses, before any request, options that cannot work together.
pub(crate) fn check(args: &SignInArgs) -> Result<(), Failure> {
    if args.preferred_challenge.is_some() && args.flow != Flow::UserAuth {
        return Err(Failure::usage(
            "--preferred-challenge chooses the first factor of --flow user-auth",
        ));
    }
    if args.preferred_challenge == Some(Factor::WebAuthn) {
        return Err(no_passkeys());
    }
    if args.code_stdin && !args.password_stdin && password_first(args) {
        return Err(Failure::usage(
            "--code-stdin reads the lines after the password: add --password-stdin",
        ));
    }
    Ok(())
}

/// WEB_AUTHN needs a platform authenticator (a browser, an OS keychain), which a terminal has not.
pub(crate) fn no_passkeys() -> Failure {
    Failure::of(
        Class::Usage,
        "webauthn_unsupported",
        "WEB_AUTHN (a passkey) needs a platform authenticator, which this terminal does not \
         have: sign in with another first factor (--preferred-challenge PASSWORD_SRP, \
         EMAIL_OTP, ...), or with the passkey in a browser or app",
    )
}

/// The password read when the chosen first factor needs it: the next line of standard input
/// with --password-stdin, else asked on the terminal.
fn password_now(args: &SignInArgs) -> Result<SecretString, Failure> {
    match args.password_stdin {
        true => non_empty_secret(
            stdin_line("the password", "--password-stdin")?,
            "the password",
        ),
        false => prompt_secret("Password"),
    }
}

/// SELECT_CHALLENGE: the first factor from --preferred-challenge when the pool offers it,
/// else asked on the terminal from AvailableChallenges. A password factor answers with the
/// password (by SRP when offered), read now unless it was read first.
pub(crate) fn select_challenge(
    args: &SignInArgs,
    available: &[FirstFactor],
    password: Option<&SecretString>,
) -> Result<ChallengeAnswer, Failure> {
    let names: Vec<&str> = available.iter().map(FirstFactor::name).collect();
    let names = shown(&names.join(", "));
    let preferred = args.preferred_challenge.map(Factor::first_factor);
    let chosen = match preferred {
        Some(factor) if available.contains(&factor) => factor,
        _ if at_terminal() => {
            if let Some(factor) = &preferred {
                eprintln!("{} is not available to this user.", factor.name());
            }
            pick("Sign in with", available, FirstFactor::name)?
        }
        Some(factor) => {
            return Err(Failure::of(
                Class::Usage,
                "factor_unavailable",
                format!(
                    "{} is not available to this user (the pool offers {names}): choose one \
                     of those with --preferred-challenge",
                    factor.name()
                ),
            ));
        }
        None => {
            return Err(Failure::of(
                Class::Usage,
                "input_needed",
                format!(
                    "the pool asks for a first factor (SELECT_CHALLENGE: {names}) and there is \
                     no terminal to ask on: pass --preferred-challenge"
                ),
            ));
        }
    };
    Ok(match chosen {
        FirstFactor::Password | FirstFactor::PasswordSrp => {
            if available.contains(&FirstFactor::PasswordSrp) {
                eprintln!("Signing in by PASSWORD_SRP: the password never leaves this machine.");
            }
            let password = match password {
                Some(password) => password.clone(),
                None => password_now(args)?,
            };
            ChallengeAnswer::Password(password)
        }
        FirstFactor::WebAuthn => return Err(no_passkeys()),
        other => ChallengeAnswer::SelectFirstFactor(other),
    })
}

/// One of `options`, typed by its name (any case) at the terminal.
pub(crate) fn pick<T: Clone>(
    label: &str,
    options: &[T],
    name: impl Fn(&T) -> &str,
) -> Result<T, Failure> {
    let names: Vec<&str> = options.iter().map(&name).collect();
    let names = shown(&names.join(", "));
    let picked = prompt(&format!("{label} ({names})"))?;
    options
        .iter()
        .find(|option| name(option).eq_ignore_ascii_case(&picked))
        .cloned()
        .ok_or_else(|| Failure::usage(format!("{} is not one of {names}", shown(&picked))))
}

/// CUSTOM_CHALLENGE: its public parameters shown (as all service text is), then the answer
/// from standard input (--code-stdin) or the terminal.
pub(crate) fn custom_answer(
    args: &SignInArgs,
    parameters: &BTreeMap<String, String>,
) -> Result<ChallengeAnswer, Failure> {
    eprintln!("Custom challenge:");
    for line in custom_lines(parameters) {
        eprintln!("  {line}");
    }
    let what = "the answer to the custom challenge";
    let answer = match args.code_stdin {
        true => stdin_line(what, "--code-stdin")?,
        false => SecretString::from(prompt_or(
            "Answer",
            " (pass --code-stdin with the answers on standard input, one per line)",
        )?),
    };
    Ok(ChallengeAnswer::Custom(non_empty_secret(answer, what)?))
}

/// A custom challenge's parameters as lines for the terminal: each name and value escaped and
/// capped by [`shown`], at most [`SHOWN_PARAMETERS`] of them.
fn custom_lines(parameters: &BTreeMap<String, String>) -> Vec<String> {
    let mut lines: Vec<String> = parameters
        .iter()
        .take(SHOWN_PARAMETERS)
        .map(|(name, value)| format!("{}: {}", shown(name), shown(value)))
        .collect();
    if parameters.len() > SHOWN_PARAMETERS {
        lines.push(format!(
            "… and {} more",
            parameters.len() - SHOWN_PARAMETERS
        ));
    }
    lines
}

/// `--client-metadata KEY=VALUE`, repeated: the ClientMetadata of every request.
pub(crate) fn client_metadata(pairs: &[(String, String)]) -> Option<BTreeMap<String, String>> {
    (!pairs.is_empty()).then(|| pairs.iter().cloned().collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct Line {
        #[command(flatten)]
        args: SignInArgs,
    }

    fn parse(options: &[&str]) -> Result<SignInArgs, clap::Error> {
        let line = ["sign-in", "--username", "ann"].iter().chain(options);
        Line::try_parse_from(line).map(|line| line.args)
    }

    fn checked(options: &[&str]) -> Result<SignInArgs, String> {
        let args = parse(options).map_err(|e| e.to_string())?;
        check(&args).map_err(|failure| failure.to_string())?;
        Ok(args)
    }

    #[test]
    fn the_password_is_read_first_only_when_the_flow_starts_with_it() {
        let first = |options: &[&str]| checked(options).map(|args| password_first(&args));
        assert_eq!(first(&[]), Ok(true));
        assert_eq!(first(&["--flow", "custom-srp"]), Ok(true));
        assert_eq!(first(&["--flow", "custom"]), Ok(false));
        assert_eq!(first(&["--flow", "user-auth"]), Ok(false));
        let preferred = ["--flow", "user-auth", "--preferred-challenge"];
        for (factor, expected) in [
            ("PASSWORD", true),
            ("password_srp", true),
            ("EMAIL_OTP", false),
            ("sms_otp", false),
        ] {
            let options = [&preferred[..], &[factor]].concat();
            assert_eq!(first(&options), Ok(expected), "{factor}");
        }
    }

    #[test]
    fn contradictory_options_are_refused_before_any_request() {
        let refused = |options: &[&str], says: &str| {
            let message = checked(options).err().unwrap_or_default();
            assert!(message.contains(says), "{options:?}: {message:?}");
        };
        refused(&["--preferred-challenge", "EMAIL_OTP"], "--flow user-auth");
        let webauthn = ["--flow", "user-auth", "--preferred-challenge", "WEB_AUTHN"];
        refused(&webauthn, "platform authenticator");
        refused(&["--code-stdin"], "--password-stdin");
        refused(
            &["--flow", "custom-srp", "--code-stdin"],
            "--password-stdin",
        );
        // Without a password first, the codes or answers are the first lines.
        assert!(checked(&["--flow", "custom", "--code-stdin"]).is_ok());
        let otp = ["--flow", "user-auth", "--preferred-challenge", "EMAIL_OTP"];
        assert!(checked(&[&otp[..], &["--code-stdin"]].concat()).is_ok());
        assert!(parse(&["--preferred-challenge", "EMAIL"]).is_err());
        assert!(parse(&["--client-metadata", "no-equals-sign"]).is_err());
    }

    #[test]
    fn client_metadata_is_every_pair_given() {
        let args = checked(&["--client-metadata", "app=cli", "--client-metadata", "n=a=b"]);
        let metadata = args
            .ok()
            .and_then(|args| client_metadata(&args.client_metadata));
        let expected = BTreeMap::from([
            ("app".to_owned(), "cli".to_owned()),
            ("n".to_owned(), "a=b".to_owned()),
        ]);
        assert_eq!(metadata, Some(expected));
        assert_eq!(client_metadata(&[]), None);
    }

    #[test]
    fn custom_parameters_are_escaped_and_capped() {
        let mut parameters = BTreeMap::from([("q\u{1b}[2J".to_owned(), "x".repeat(600))]);
        let lines = custom_lines(&parameters);
        assert_eq!(lines.len(), 1);
        assert!(lines[0].starts_with("q\\u{1b}[2J: xxx"), "{}", lines[0]);
        assert!(lines[0].ends_with("… (100 more bytes)"), "{}", lines[0]);
        for n in 0..1000 {
            parameters.insert(format!("p{n:04}"), n.to_string());
        }
        let lines = custom_lines(&parameters);
        assert_eq!(lines.len(), SHOWN_PARAMETERS + 1);
        assert_eq!(lines.last().map(String::as_str), Some("… and 981 more"));
    }
}
