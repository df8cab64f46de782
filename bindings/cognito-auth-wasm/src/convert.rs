//! Conversions between the core types and JS values.

use std::collections::BTreeMap;

use cognito_auth::{AuthFlow, Challenge, MfaType, RefreshFlow, Request, SecretString, Step};
use js_sys::{JsString, Object, Reflect};
use serde::Serialize;
use wasm_bindgen::JsValue;
use zeroize::{Zeroize, Zeroizing};

use crate::RawTokens;
use crate::error::{Failure, Result, invalid_input};

/// A plain JS object with these properties.
pub(crate) fn object(properties: &[(&str, JsValue)]) -> JsValue {
    let object = Object::new();
    for (name, value) in properties {
        // Setting a property on a fresh plain object cannot fail.
        let _ = Reflect::set(&object, &JsValue::from_str(name), value);
    }
    object.into()
}

/// Seconds as a JS number (exact below 2^53, which any real time or lifetime is).
#[allow(clippy::cast_precision_loss)]
pub(crate) fn secs_to_f64(secs: u64) -> f64 {
    secs as f64
}

/// `{ url, method, headers: { name: value }, body }`. The body is copied into a JS string
/// straight from the core's buffer, which is zeroized when `request` is dropped here.
pub(crate) fn request_to_js(request: Request) -> JsValue {
    let headers = object(
        &request
            .headers()
            .map(|(name, value)| (name, JsValue::from_str(value))),
    );
    let body = match std::str::from_utf8(request.body()) {
        Ok(text) => JsString::from(text),
        Err(_) => JsString::from(
            Zeroizing::new(String::from_utf8_lossy(request.body()).into_owned()).as_str(),
        ),
    };
    object(&[
        ("url", JsValue::from_str(request.url())),
        ("method", JsValue::from_str(request.method())),
        ("headers", headers),
        ("body", body.into()),
    ])
}

/// A challenge as JS sees it: `{ name, ...details }` (camelCase).
#[derive(Serialize, Default)]
#[serde(rename_all = "camelCase")]
struct ChallengeJson {
    name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    destination: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    medium: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    factors: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    user_attributes: Option<BTreeMap<String, String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    required_attributes: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    parameters: Option<BTreeMap<String, String>>,
    /// TOTP enrolment: the base32 secret and the otpauth URI.
    #[serde(skip_serializing_if = "Option::is_none")]
    secret: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    uri: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    credential_request_options: Option<String>,
}

impl Drop for ChallengeJson {
    fn drop(&mut self) {
        self.secret.zeroize();
        self.uri.zeroize();
    }
}

fn challenge_json(challenge: &Challenge) -> ChallengeJson {
    let mut json = ChallengeJson::default();
    json.name = challenge.name().to_owned();
    let mfa_names = |factors: &[MfaType]| factors.iter().map(|f| f.name().to_owned()).collect();
    match challenge {
        Challenge::SmsMfa(d) | Challenge::EmailOtp(d) | Challenge::SmsOtp(d) => {
            json.destination.clone_from(&d.destination);
            json.medium.clone_from(&d.medium);
        }
        Challenge::SelectMfaType(factors) | Challenge::MfaSetup(factors) => {
            json.factors = Some(mfa_names(factors));
        }
        Challenge::NewPasswordRequired {
            user_attributes,
            required_attributes,
        } => {
            json.user_attributes = Some(
                user_attributes
                    .iter()
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect(),
            );
            json.required_attributes = Some(required_attributes.clone());
        }
        Challenge::Custom(parameters) | Challenge::Unsupported { parameters, .. } => {
            json.parameters = Some(
                parameters
                    .iter()
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect(),
            );
        }
        Challenge::SelectChallenge(factors) => {
            json.factors = Some(factors.iter().map(|f| f.name().to_owned()).collect());
        }
        Challenge::TotpSetup(setup) => {
            json.secret = Some(setup.secret().expose().to_owned());
            json.uri = Some(setup.uri());
        }
        Challenge::WebAuthn {
            credential_request_options,
        } => json.credential_request_options = Some(credential_request_options.clone()),
        _ => {}
    }
    json
}

/// The next step: `{ kind: 'send' | 'challenge' | 'done' | 'deviceForgotten' | 'confirmSignUp'
/// | 'resetPassword', request?, challenge?, tokens?, deviceKey? }`.
pub(crate) fn step_to_js(step: Step) -> Result<JsValue> {
    let kind = |name: &str| ("kind", JsValue::from_str(name));
    Ok(match step {
        Step::Send(request) => object(&[kind("send"), ("request", request_to_js(request))]),
        Step::Challenge(challenge) => {
            let json = secret_json(&challenge_json(&challenge))?;
            let value = js_sys::JSON::parse(json.expose())
                .map_err(|_| Failure::invalid_response("unparsable challenge"))?;
            object(&[kind("challenge"), ("challenge", value)])
        }
        Step::Done(tokens) => object(&[
            kind("done"),
            ("tokens", JsValue::from(RawTokens::wrap(*tokens))),
        ]),
        Step::DeviceForgotten {
            request,
            device_key,
        } => object(&[
            kind("deviceForgotten"),
            ("request", request_to_js(request)),
            ("deviceKey", JsValue::from_str(&device_key)),
        ]),
        Step::ConfirmSignUp => object(&[kind("confirmSignUp")]),
        Step::ResetPassword => object(&[kind("resetPassword")]),
        _ => object(&[kind("unsupported")]),
    })
}

/// `USER_SRP_AUTH` (default), `USER_PASSWORD_AUTH`, `CUSTOM_AUTH`, `CUSTOM_AUTH_WITHOUT_SRP`,
/// `USER_AUTH`.
pub(crate) fn parse_flow(flow: Option<&str>) -> Result<AuthFlow> {
    Ok(match flow {
        None | Some("USER_SRP_AUTH") => AuthFlow::UserSrp,
        Some("USER_PASSWORD_AUTH") => AuthFlow::UserPassword,
        Some("CUSTOM_AUTH" | "CUSTOM_AUTH_WITH_SRP") => AuthFlow::CustomWithSrp,
        Some("CUSTOM_AUTH_WITHOUT_SRP") => AuthFlow::CustomWithoutSrp,
        Some("USER_AUTH") => AuthFlow::UserAuth,
        Some(other) => return Err(invalid_input(format!("unknown auth flow {other:?}"))),
    })
}

/// `GetTokensFromRefreshToken` (default) or `REFRESH_TOKEN_AUTH`.
pub(crate) fn parse_refresh_flow(flow: Option<&str>) -> Result<RefreshFlow> {
    Ok(match flow {
        None | Some("GetTokensFromRefreshToken") => RefreshFlow::GetTokensFromRefreshToken,
        Some("REFRESH_TOKEN_AUTH") => RefreshFlow::RefreshTokenAuth,
        Some(other) => return Err(invalid_input(format!("unknown refresh flow {other:?}"))),
    })
}

/// `value` as JSON, written without leaving a copy in freed memory.
pub(crate) fn secret_json<T: Serialize + ?Sized>(value: &T) -> Result<SecretString> {
    SecretString::json(value)
        .map_err(|e| Failure::invalid_response(format!("cannot serialize: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flows_parse() {
        assert!(matches!(parse_flow(None), Ok(AuthFlow::UserSrp)));
        assert!(parse_flow(Some("x")).is_err());
        assert!(matches!(
            parse_refresh_flow(Some("REFRESH_TOKEN_AUTH")),
            Ok(RefreshFlow::RefreshTokenAuth)
        ));
    }
}
