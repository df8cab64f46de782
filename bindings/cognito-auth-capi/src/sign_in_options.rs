//! Sign-ins other than plain SRP: every flow the core has, its options, and every challenge
//! answer, as JSON in (C has no sum types; a struct per answer would be heavier than the JSON).

use std::collections::BTreeMap;

use cognito_auth::{
    AuthFlow, ChallengeAnswer, DeviceCredentials, FirstFactor, MfaType, SecretString, SignIn,
};
use serde::Deserialize;
use serde::de::DeserializeOwned;

use crate::bytes::{CognitoRequest, borrow_opt_str, borrow_str, write_out};
use crate::error::{CognitoResult, Failure};
use crate::panic::boundary;
use crate::sign_in::{CognitoConfig, CognitoSignIn, handle};

/// Parses the caller's JSON into `T`; the error names what and where, never the text (which
/// may hold a password).
pub(crate) fn from_json<T: DeserializeOwned>(json: &str, what: &str) -> Result<T, Failure> {
    serde_json::from_str(json).map_err(|e| {
        // Serde's messages for unknown and missing members name the member only; the others
        // may quote a value (a password of the wrong type), so only the position is given.
        let message = e.to_string();
        let detail = if message.starts_with("unknown field") || message.starts_with("missing field")
        {
            message
        } else {
            format!(
                "{:?} error at line {}, column {}",
                e.classify(),
                e.line(),
                e.column()
            )
        };
        Failure::new(
            CognitoResult::InvalidInput,
            format!("{what} is not usable JSON: {detail}"),
        )
    })
}

fn invalid(message: impl Into<String>) -> Failure {
    Failure::new(CognitoResult::InvalidInput, message)
}

/// `options_json` of `cognito_sign_in_new_with_options`.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(crate) struct Options {
    flow: Option<String>,
    preferred_challenge: Option<String>,
    session: Option<SecretString>,
    device: Option<DeviceCredentials>,
    client_metadata: Option<BTreeMap<String, String>>,
    totp_issuer: Option<String>,
    totp_account: Option<String>,
}

fn first_factor(name: &str) -> Result<FirstFactor, Failure> {
    match FirstFactor::from_name(name) {
        FirstFactor::Other(_) => Err(invalid(format!(
            "preferred_challenge {name:?} is not PASSWORD, PASSWORD_SRP, EMAIL_OTP, SMS_OTP or \
             WEB_AUTHN"
        ))),
        known => Ok(known),
    }
}

fn sign_in_with(
    config: &CognitoConfig,
    username: &str,
    password: Option<&str>,
    options: Options,
) -> Result<SignIn, Failure> {
    let flow_name = options.flow.as_deref().unwrap_or("USER_SRP_AUTH");
    let flow = match (flow_name, password.is_some()) {
        ("USER_SRP_AUTH", _) => AuthFlow::UserSrp,
        ("USER_PASSWORD_AUTH", _) => AuthFlow::UserPassword,
        ("CUSTOM_AUTH", true) => AuthFlow::CustomWithSrp,
        ("CUSTOM_AUTH", false) => AuthFlow::CustomWithoutSrp,
        ("USER_AUTH", _) => AuthFlow::UserAuth,
        (other, _) => {
            return Err(invalid(format!(
                "flow {other:?} is not USER_SRP_AUTH, USER_PASSWORD_AUTH, USER_AUTH or CUSTOM_AUTH"
            )));
        }
    };
    let user_auth = flow == AuthFlow::UserAuth;
    if password.is_none() && matches!(flow, AuthFlow::UserSrp | AuthFlow::UserPassword) {
        return Err(Failure::null("password"));
    }
    if !user_auth && (options.preferred_challenge.is_some() || options.session.is_some()) {
        return Err(invalid(
            "preferred_challenge and session are for the USER_AUTH flow only",
        ));
    }
    let mut sign_in = match password {
        Some(password) => SignIn::new(config.shared(), username, password).with_flow(flow),
        None => SignIn::passwordless(config.shared(), username, flow),
    };
    if let Some(name) = options.preferred_challenge.as_deref() {
        sign_in = sign_in.with_preferred_challenge(first_factor(name)?);
    }
    if let Some(session) = options.session {
        sign_in = sign_in.with_session(session);
    }
    if let Some(device) = options.device {
        sign_in = sign_in.with_device(device);
    }
    match (options.totp_issuer, options.totp_account) {
        (Some(issuer), Some(account)) => sign_in = sign_in.with_totp_label(issuer, account),
        (None, None) => {}
        _ => return Err(invalid("totp_issuer and totp_account go together")),
    }
    if let Some(metadata) = options.client_metadata {
        sign_in.set_client_metadata(metadata);
    }
    Ok(sign_in)
}

/// Makes a sign-in with options: `password` may be null (length 0) for a passwordless
/// USER_AUTH or CUSTOM_AUTH; `options_json` (null for none) is an object with any of
///
/// - `"flow"`: `"USER_SRP_AUTH"` (the default), `"USER_PASSWORD_AUTH"`, `"USER_AUTH"`
///   (choice-based) or `"CUSTOM_AUTH"` (with a password, it starts with an SRP proof; without,
///   custom challenges only);
/// - `"preferred_challenge"` (USER_AUTH): `"PASSWORD"`, `"PASSWORD_SRP"`, `"EMAIL_OTP"`,
///   `"SMS_OTP"` or `"WEB_AUTHN"`; without it Cognito answers SELECT_CHALLENGE;
/// - `"session"` (USER_AUTH): the Session ConfirmSignUp returned, to sign in without a code;
/// - `"device"`: remembered device credentials, `{"device_key", "device_group_key",
///   "device_password", "user_sub"}` as `cognito_device_confirmation_handle_response` wrote
///   them: the sign-in answers DEVICE_SRP_AUTH / DEVICE_PASSWORD_VERIFIER itself, so the pool
///   can skip MFA;
/// - `"client_metadata"`: an object of strings for the Lambda triggers;
/// - `"totp_issuer"` and `"totp_account"`: the label of a TOTP enrolled at MFA_SETUP.
///
/// Writes the handle to `*out_sign_in` (null on failure). Fails with
/// `COGNITO_RESULT_INVALID_INPUT` for options that are not this shape (unknown members
/// included), `COGNITO_RESULT_NULL_PARAMETER` for a flow that needs the missing password.
///
/// # Safety
/// `config` must be null or live; the text pointers must be null (with length 0) or point to
/// their lengths of bytes; `out_sign_in` must be valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cognito_sign_in_new_with_options(
    config: *const CognitoConfig,
    username: *const u8,
    username_len: usize,
    password: *const u8,
    password_len: usize,
    options_json: *const u8,
    options_json_len: usize,
    out_sign_in: *mut *mut CognitoSignIn,
) -> CognitoResult {
    boundary(|| {
        // SAFETY: the caller's contract above, for every pointer.
        unsafe {
            write_out(out_sign_in, std::ptr::null_mut(), "out_sign_in")?;
            let config = handle(config, "config")?;
            let username = borrow_str(username, username_len, "username")?;
            let password = borrow_opt_str(password, password_len, "password")?;
            let options = match borrow_opt_str(options_json, options_json_len, "options_json")? {
                Some(json) => from_json(json, "options_json")?,
                None => Options::default(),
            };
            let sign_in = sign_in_with(config, username, password, options)?;
            write_out(out_sign_in, CognitoSignIn::into_raw(sign_in), "out_sign_in")
        }
    })
}

/// `answer_json` of `cognito_sign_in_answer`: one flat object, checked member by member.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Answer {
    #[serde(rename = "type")]
    kind: String,
    code: Option<SecretString>,
    password: Option<SecretString>,
    answer: Option<SecretString>,
    attributes: Option<BTreeMap<String, String>>,
    mfa: Option<String>,
    factor: Option<String>,
    friendly_name: Option<String>,
    email: Option<String>,
    credential: Option<String>,
}

impl Answer {
    /// The members given, by name.
    fn present(&self) -> Vec<&'static str> {
        [
            ("code", self.code.is_some()),
            ("password", self.password.is_some()),
            ("answer", self.answer.is_some()),
            ("attributes", self.attributes.is_some()),
            ("mfa", self.mfa.is_some()),
            ("factor", self.factor.is_some()),
            ("friendly_name", self.friendly_name.is_some()),
            ("email", self.email.is_some()),
            ("credential", self.credential.is_some()),
        ]
        .into_iter()
        .filter_map(|(name, set)| set.then_some(name))
        .collect()
    }

    pub(crate) fn into_core(self) -> Result<ChallengeAnswer, Failure> {
        let kind = self.kind.clone();
        let allowed: &[&str] = match kind.as_str() {
            "CODE" => &["code"],
            "SELECT_MFA_TYPE" => &["mfa"],
            "NEW_PASSWORD" => &["password", "attributes"],
            "CUSTOM" => &["answer"],
            "WEB_AUTHN_CREDENTIAL" => &["credential"],
            "SET_UP_TOTP" => &[],
            "VERIFY_TOTP" => &["code", "friendly_name"],
            "SET_UP_EMAIL" => &["email"],
            "SELECT_FIRST_FACTOR" => &["factor"],
            "PASSWORD" => &["password"],
            other => {
                return Err(invalid(format!(
                    "answer type {other:?} is not CODE, SELECT_MFA_TYPE, NEW_PASSWORD, CUSTOM, \
                     WEB_AUTHN_CREDENTIAL, SET_UP_TOTP, VERIFY_TOTP, SET_UP_EMAIL, \
                     SELECT_FIRST_FACTOR or PASSWORD"
                )));
            }
        };
        if let Some(extra) = self.present().into_iter().find(|m| !allowed.contains(m)) {
            return Err(invalid(format!("a {kind} answer has no {extra:?}")));
        }
        let missing = |member: &str| invalid(format!("a {kind} answer needs {member:?}"));
        Ok(match kind.as_str() {
            "CODE" => ChallengeAnswer::Code(self.code.ok_or_else(|| missing("code"))?),
            "SELECT_MFA_TYPE" => {
                let name = self.mfa.ok_or_else(|| missing("mfa"))?;
                match MfaType::from_name(&name) {
                    MfaType::Other(_) => {
                        return Err(invalid(format!(
                            "mfa {name:?} is not SMS_MFA, SOFTWARE_TOKEN_MFA or EMAIL_OTP"
                        )));
                    }
                    known => ChallengeAnswer::SelectMfaType(known),
                }
            }
            "NEW_PASSWORD" => ChallengeAnswer::NewPassword {
                password: self.password.ok_or_else(|| missing("password"))?,
                attributes: self.attributes.unwrap_or_default(),
            },
            "CUSTOM" => ChallengeAnswer::Custom(self.answer.ok_or_else(|| missing("answer"))?),
            "WEB_AUTHN_CREDENTIAL" => ChallengeAnswer::WebAuthnCredential(
                self.credential.ok_or_else(|| missing("credential"))?,
            ),
            "SET_UP_TOTP" => ChallengeAnswer::SetUpTotp,
            "VERIFY_TOTP" => ChallengeAnswer::VerifyTotp {
                code: self.code.ok_or_else(|| missing("code"))?,
                friendly_name: self.friendly_name,
            },
            "SET_UP_EMAIL" => {
                ChallengeAnswer::SetUpEmail(self.email.ok_or_else(|| missing("email"))?)
            }
            "SELECT_FIRST_FACTOR" => ChallengeAnswer::SelectFirstFactor(first_factor(
                &self.factor.ok_or_else(|| missing("factor"))?,
            )?),
            _ => ChallengeAnswer::Password(self.password.ok_or_else(|| missing("password"))?),
        })
    }
}

/// Answers the pending challenge with `answer_json`, an object whose `"type"` says which
/// answer it is:
///
/// | `type` | members | for |
/// |---|---|---|
/// | `CODE` | `code` | SMS_MFA, SOFTWARE_TOKEN_MFA, EMAIL_OTP, SMS_OTP |
/// | `SELECT_MFA_TYPE` | `mfa` (`SMS_MFA`, `SOFTWARE_TOKEN_MFA`, `EMAIL_OTP`) | SELECT_MFA_TYPE |
/// | `NEW_PASSWORD` | `password`, `attributes` (optional object) | NEW_PASSWORD_REQUIRED |
/// | `CUSTOM` | `answer` | CUSTOM_CHALLENGE |
/// | `WEB_AUTHN_CREDENTIAL` | `credential` (the authenticator's JSON, as a string) | WEB_AUTHN |
/// | `SET_UP_TOTP` | none | MFA_SETUP: enrol an authenticator (a `TOTP_SETUP` challenge follows) |
/// | `VERIFY_TOTP` | `code`, `friendly_name` (optional) | TOTP_SETUP |
/// | `SET_UP_EMAIL` | `email` | MFA_SETUP by e-mail codes |
/// | `SELECT_FIRST_FACTOR` | `factor` (`PASSWORD`, `EMAIL_OTP`...) | SELECT_CHALLENGE |
/// | `PASSWORD` | `password` | SELECT_CHALLENGE, signing in with a password |
///
/// Writes the request to send to `*out_request` (unset on failure; its body may hold the
/// answer: free it promptly). Fails with `COGNITO_RESULT_INVALID_INPUT` for JSON that is not
/// one of these (a missing or extra member included) and `COGNITO_RESULT_MISUSE` when no
/// challenge is pending or the answer does not fit it.
///
/// # Safety
/// `sign_in` must be null or live; `answer_json` must point to `answer_json_len` bytes;
/// `out_request` must be valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cognito_sign_in_answer(
    sign_in: *const CognitoSignIn,
    answer_json: *const u8,
    answer_json_len: usize,
    out_request: *mut CognitoRequest,
) -> CognitoResult {
    boundary(|| {
        // SAFETY: the caller's contract above, for every pointer.
        unsafe {
            write_out(out_request, CognitoRequest::EMPTY, "out_request")?;
            let sign_in = handle(sign_in, "sign_in")?;
            let json = borrow_str(answer_json, answer_json_len, "answer_json")?;
            let answer = from_json::<Answer>(json, "answer_json")?.into_core()?;
            let request = sign_in.lock()?.answer(answer)?;
            write_out(
                out_request,
                CognitoRequest::from_request(&request),
                "out_request",
            )
        }
    })
}
