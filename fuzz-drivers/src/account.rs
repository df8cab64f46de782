//! The account operations (`cognito_auth::account`): one reply parsed by every call type's
//! `Call::parse`, and every call's request built with secrets in it.

use std::fmt::Debug;

use serde_json::{Value, json};

use cognito_auth::account::*;
use cognito_auth::{Error, HttpResponse, PoolConfig};

use crate::input::*;
use crate::oracle::*;
use crate::responses::*;
use crate::*;

/// A reply decoded from the input: status, up to three headers, then a raw or generated body.
pub(crate) fn account_response(inp: &mut Input<'_>) -> OwnedResponse {
    let i = usize::from(inp.byte());
    let status = match STATUSES.get(i % (STATUSES.len() + 1)) {
        Some(s) => *s,
        None => inp.u16(),
    };
    let headers = (0..inp.byte() % 4)
        .map(|_| {
            (
                inp.pick_or_string(&["x-amzn-ErrorType", "x-amzn-RequestId", "Date"]),
                inp.pick_or_string(&ERROR_CODES),
            )
        })
        .collect();
    OwnedResponse::new(status, headers, crate::json::body(inp))
}

/// One call type's parse: no secret in the output's or the error's `Debug`/`Display`; a
/// non-2xx reply is always [`Error::Service`], a 2xx one never; an output serializes to the
/// service's JSON form and parses back to the same.
fn check_parse<C: Call>(data: &[u8], response: HttpResponse<'_>)
where
    C::Output: Debug,
{
    let ok_status = (200..300).contains(&response.status());
    match C::parse(response) {
        Ok(output) => {
            check_debug(data, "an account output's Debug", &output);
            assert!(
                ok_status,
                "{:?}: a {} reply parsed",
                C::OPERATION,
                response.status()
            );
            let json = match serde_json::to_vec(&output) {
                Ok(json) => json,
                Err(e) => panic!("{:?}: an output does not serialize: {e}", C::OPERATION),
            };
            match C::parse(HttpResponse::new(200, &json)) {
                Ok(again) => {
                    let (a, b) = (serde_json::to_value(&again), serde_json::to_value(&output));
                    assert!(
                        matches!((&a, &b), (Ok(a), Ok(b)) if json_eq(a, b)),
                        "{:?}: an output does not round-trip: {a:?} vs {b:?}",
                        C::OPERATION
                    );
                }
                Err(e) => panic!(
                    "{:?}: an output's own JSON does not parse: {e}: {}",
                    C::OPERATION,
                    String::from_utf8_lossy(&json)
                ),
            }
        }
        Err(e) => {
            check_error(data, &e);
            if ok_status {
                assert!(
                    matches!(e, Error::InvalidResponse(_)),
                    "{:?}: a 2xx reply gave {e:?}",
                    C::OPERATION
                );
            } else {
                assert!(
                    matches!(e, Error::Service(_)),
                    "{:?}: a {} reply gave {e:?}",
                    C::OPERATION,
                    response.status()
                );
            }
        }
    }
}

/// JSON equality, with floats equal within a few ULPs (serde_json's default float parsing is
/// not always correctly rounded, so a float may move by one ULP through text).
fn json_eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) if x.is_f64() || y.is_f64() => {
            match (x.as_f64(), y.as_f64()) {
                (Some(x), Some(y)) => x == y || (x - y).abs() <= x.abs().max(y.abs()) * 1e-15,
                _ => false,
            }
        }
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| json_eq(x, y))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| json_eq(v, w)))
        }
        _ => a == b,
    }
}

/// A call's builder and request: no secret in either's `Debug`, the body is JSON of the
/// operation the call names.
fn check_request_of<C: Call + Debug>(data: &[u8], config: &PoolConfig, call: &C) {
    check_debug(data, "an account call's Debug", call);
    let request = call.request(config);
    assert_eq!(request.operation(), C::OPERATION);
    check_request(data, &request);
}

/// Flags (bit 0 client secret, bit 1 build every request), a reply (status, headers, body),
/// then strings for the requests.
pub fn account_responses(data: &[u8]) {
    let mut inp = Input::new(data);
    let flags = inp.byte();
    let owned = account_response(&mut inp);
    let response = owned.as_http();

    check_parse::<ConfirmDevice>(data, response);
    check_parse::<ListDevices>(data, response);
    check_parse::<GetDevice>(data, response);
    check_parse::<UpdateDeviceStatus>(data, response);
    check_parse::<ForgetDevice>(data, response);
    check_parse::<AssociateSoftwareToken>(data, response);
    check_parse::<VerifySoftwareToken>(data, response);
    check_parse::<SetUserMfaPreference>(data, response);
    check_parse::<SetUserSettings>(data, response);
    check_parse::<ChangePassword>(data, response);
    check_parse::<ForgotPassword>(data, response);
    check_parse::<ConfirmForgotPassword>(data, response);
    check_parse::<SignUp>(data, response);
    check_parse::<ConfirmSignUp>(data, response);
    check_parse::<ResendConfirmationCode>(data, response);
    check_parse::<GetUser>(data, response);
    check_parse::<UpdateUserAttributes>(data, response);
    check_parse::<VerifyUserAttribute>(data, response);
    check_parse::<GetUserAttributeVerificationCode>(data, response);
    check_parse::<DeleteUserAttributes>(data, response);
    check_parse::<DeleteUser>(data, response);
    check_parse::<GlobalSignOut>(data, response);
    check_parse::<GetUserAuthFactors>(data, response);
    check_parse::<RevokeToken>(data, response);
    check_parse::<UpdateAuthEventFeedback>(data, response);
    check_parse::<StartWebAuthnRegistration>(data, response);
    check_parse::<CompleteWebAuthnRegistration>(data, response);
    check_parse::<ListWebAuthnCredentials>(data, response);
    check_parse::<DeleteWebAuthnCredential>(data, response);

    if flags & 2 != 0 {
        requests(data, &mut inp, flags & 1 != 0);
    }
}

/// Every call's request, with the drivers' secrets as tokens, passwords and codes.
fn requests(data: &[u8], inp: &mut Input<'_>, client_secret: bool) {
    let config = config(client_secret);
    let config = config.as_ref();
    let access = jwt_signed(&json!({ "sub": "5f0c" }), ACCESS_TOKEN_MARKER);
    let access = access.as_str();
    let text = inp.string();
    let text = text.as_str();
    let session = format!("{SESSION_MARKER}-5");
    check_request_of(
        data,
        config,
        &ConfirmDevice::new(access, text)
            .with_verifier("dmVyaWZpZXI=", "c2FsdA==")
            .with_device_name(text),
    );
    check_request_of(
        data,
        config,
        &ListDevices::new(access)
            .with_limit(u32::from(inp.byte()))
            .with_pagination_token(text),
    );
    check_request_of(data, config, &GetDevice::new(access, text));
    check_request_of(
        data,
        config,
        &UpdateDeviceStatus::new(access, text, DeviceRememberedStatus::Remembered),
    );
    check_request_of(data, config, &ForgetDevice::new(access, text));
    check_request_of(
        data,
        config,
        &AssociateSoftwareToken::with_access_token(access),
    );
    check_request_of(
        data,
        config,
        &AssociateSoftwareToken::with_session(session.as_str()),
    );
    check_request_of(
        data,
        config,
        &VerifySoftwareToken::with_access_token(access, "123456").with_friendly_device_name(text),
    );
    check_request_of(
        data,
        config,
        &VerifySoftwareToken::with_session(session.as_str(), "123456"),
    );
    check_request_of(
        data,
        config,
        &SetUserMfaPreference::new(access)
            .with_sms(MfaSettings::enabled(true))
            .with_software_token(MfaSettings::disabled())
            .with_email(MfaSettings::enabled(false))
            .with_web_authn(true),
    );
    check_request_of(
        data,
        config,
        &SetUserSettings::new(access, vec![MfaOption::sms()]),
    );
    check_request_of(
        data,
        config,
        &ChangePassword::new(access, Some(PASSWORD.into()), NEW_PASSWORD),
    );
    check_request_of(data, config, &ForgotPassword::new(text));
    check_request_of(
        data,
        config,
        &ConfirmForgotPassword::new(text, "123456", NEW_PASSWORD),
    );
    check_request_of(
        data,
        config,
        &SignUp::new(text, Some(PASSWORD.into()))
            .with_attribute("email", text)
            .with_validation_data("v", text),
    );
    check_request_of(
        data,
        config,
        &ConfirmSignUp::new(text, "123456")
            .with_force_alias_creation(true)
            .with_session(session.as_str()),
    );
    check_request_of(data, config, &ResendConfirmationCode::new(text));
    check_request_of(data, config, &GetUser::new(access));
    check_request_of(
        data,
        config,
        &UpdateUserAttributes::new(access, [("email", text)]),
    );
    check_request_of(
        data,
        config,
        &VerifyUserAttribute::new(access, "email", "123456"),
    );
    check_request_of(
        data,
        config,
        &GetUserAttributeVerificationCode::new(access, text),
    );
    check_request_of(data, config, &DeleteUserAttributes::new(access, [text]));
    check_request_of(data, config, &DeleteUser::new(access));
    check_request_of(data, config, &GlobalSignOut::new(access));
    check_request_of(data, config, &GetUserAuthFactors::new(access));
    check_request_of(data, config, &RevokeToken::new(REFRESH_TOKEN));
    check_request_of(
        data,
        config,
        &UpdateAuthEventFeedback::new(text, "event-1", ROTATED_REFRESH_TOKEN, FeedbackValue::Valid),
    );
    check_request_of(data, config, &StartWebAuthnRegistration::new(access));
    check_request_of(
        data,
        config,
        &CompleteWebAuthnRegistration::new(access, json!({ "id": text })),
    );
    check_request_of(
        data,
        config,
        &ListWebAuthnCredentials::new(access)
            .with_max_results(u32::from(inp.byte()))
            .with_next_token(text),
    );
    check_request_of(data, config, &DeleteWebAuthnCredential::new(access, text));
}
