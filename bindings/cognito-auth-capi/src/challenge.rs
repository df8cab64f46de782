//! The pending challenge's details as JSON, for the app to show (a code's destination, the
//! factors to choose from, the TOTP secret to enrol...).

use std::collections::BTreeMap;

use cognito_auth::{Challenge, CodeDelivery, FirstFactor, MfaType};
use serde::Serialize;
use zeroize::Zeroizing;

use crate::bytes::{CognitoBytes, write_out};
use crate::error::{CognitoResult, Failure};
use crate::panic::boundary;
use crate::sign_in::{CognitoSignIn, handle};

/// One flat object; members that do not apply are left out.
#[derive(Serialize, Default)]
struct Details<'a> {
    name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    destination: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    medium: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    factors: Option<Vec<&'a str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    user_attributes: Option<&'a BTreeMap<String, String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    required_attributes: Option<&'a [String]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    parameters: Option<&'a BTreeMap<String, String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    secret: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    uri: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    credential_request_options: Option<&'a str>,
}

fn mfa_names(factors: &[MfaType]) -> Option<Vec<&str>> {
    Some(factors.iter().map(MfaType::name).collect())
}

fn first_factor_names(factors: &[FirstFactor]) -> Option<Vec<&str>> {
    Some(factors.iter().map(FirstFactor::name).collect())
}

fn delivery<'a>(name: &'a str, delivery: &'a CodeDelivery) -> Details<'a> {
    Details {
        name,
        destination: delivery.destination.as_deref(),
        medium: delivery.medium.as_deref(),
        ..Details::default()
    }
}

/// `uri` is the TOTP setup's otpauth URI, made (and zeroized) by the caller.
fn details<'a>(challenge: &'a Challenge, uri: Option<&'a str>) -> Details<'a> {
    let name = match challenge {
        Challenge::TotpSetup(_) => "TOTP_SETUP",
        other => other.name(),
    };
    let bare = Details {
        name,
        ..Details::default()
    };
    match challenge {
        Challenge::SmsMfa(d) | Challenge::EmailOtp(d) | Challenge::SmsOtp(d) => delivery(name, d),
        Challenge::SelectMfaType(factors) | Challenge::MfaSetup(factors) => Details {
            factors: mfa_names(factors),
            ..bare
        },
        Challenge::SelectChallenge(factors) => Details {
            factors: first_factor_names(factors),
            ..bare
        },
        Challenge::NewPasswordRequired {
            user_attributes,
            required_attributes,
        } => Details {
            user_attributes: Some(user_attributes),
            required_attributes: Some(required_attributes),
            ..bare
        },
        Challenge::Custom(parameters) | Challenge::Unsupported { parameters, .. } => Details {
            parameters: Some(parameters),
            ..bare
        },
        Challenge::TotpSetup(setup) => Details {
            secret: Some(setup.secret().expose()),
            uri,
            ..bare
        },
        Challenge::WebAuthn {
            credential_request_options,
        } => Details {
            credential_request_options: Some(credential_request_options),
            ..bare
        },
        _ => bare,
    }
}

/// Writes the challenge waiting for an answer to `*out_json` as one object: `"name"` (the
/// `challenge_name` of the step; `TOTP_SETUP` for an authenticator being enrolled) and what
/// applies of
///
/// - `"destination"`, `"medium"`: where a code went (SMS_MFA, EMAIL_OTP, SMS_OTP);
/// - `"factors"`: the choices (SELECT_MFA_TYPE, MFA_SETUP, SELECT_CHALLENGE);
/// - `"user_attributes"`, `"required_attributes"` (NEW_PASSWORD_REQUIRED);
/// - `"parameters"`: the public challenge parameters (CUSTOM_CHALLENGE, or a challenge this
///   library does not know);
/// - `"secret"`, `"uri"`: the TOTP secret and its `otpauth://` URI (TOTP_SETUP): secrets;
/// - `"credential_request_options"`: the WebAuthn options JSON, as a string (WEB_AUTHN).
///
/// The buffer may hold a secret: free it with `cognito_bytes_free`, which zeroizes it. Fails
/// with `COGNITO_RESULT_MISUSE` when no challenge is pending.
///
/// # Safety
/// `sign_in` must be null or live; `out_json` must be valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cognito_sign_in_challenge(
    sign_in: *const CognitoSignIn,
    out_json: *mut CognitoBytes,
) -> CognitoResult {
    boundary(|| {
        // SAFETY: the caller's contract above, for every pointer.
        unsafe {
            write_out(out_json, CognitoBytes::EMPTY, "out_json")?;
            let sign_in = handle(sign_in, "sign_in")?.lock()?;
            let challenge = sign_in.pending_challenge().ok_or_else(|| {
                Failure::new(
                    CognitoResult::Misuse,
                    "no challenge is waiting for an answer",
                )
            })?;
            // The URI holds the TOTP secret.
            let uri = match challenge {
                Challenge::TotpSetup(setup) => Some(Zeroizing::new(setup.uri())),
                _ => None,
            };
            let uri = uri.as_ref().map(|u| u.as_str());
            let json = CognitoBytes::json_of(&details(challenge, uri)).map_err(|e| {
                Failure::new(
                    CognitoResult::Internal,
                    format!("cannot serialize the challenge: {e}"),
                )
            })?;
            write_out(out_json, json, "out_json")
        }
    })
}
