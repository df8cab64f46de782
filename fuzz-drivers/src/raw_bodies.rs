//! Oracles over a raw response body: a service error's code and message as the AWS SDKs read
//! them, against a reading through `serde_json::Value` (how the core read them before it read
//! error bodies in place), and `Request::from_json_text`, against serde_json reading the body as
//! a map (not as a `Value`, which also refuses numbers beyond f64's range: valid JSON).

use std::collections::BTreeMap;

use cognito_auth::account::{Call as _, GlobalSignOut};
use cognito_auth::fuzzing::skip_json;
use cognito_auth::{Error, Operation, Request};
use serde::de::IgnoredAny;
use serde_json::Value;

use crate::responses::{OwnedResponse, config_no_srp};

pub(crate) fn check_raw_body(owned: &OwnedResponse) {
    let (status, headers, body) = owned.parts();
    let value = serde_json::from_slice::<Value>(body);
    if let Ok(text) = std::str::from_utf8(body) {
        let object = serde_json::from_slice::<BTreeMap<String, IgnoredAny>>(body).is_ok();
        let request = Request::from_json_text(&config_no_srp(false), Operation::GetUser, text);
        // serde_json skips a value of any depth; the core's reader stops at 127 levels.
        let too_deep = || skip_json(body).is_err_and(|e| e.contains("nested too deeply"));
        assert!(
            request.is_ok() == object || (object && too_deep()),
            "from_json_text({text:?})"
        );
        if let Ok(request) = request {
            assert_eq!(
                request.body(),
                body,
                "from_json_text keeps the text as it is"
            );
        }
    }
    if (200..300).contains(&status) {
        return;
    }
    let error = match GlobalSignOut::parse(owned.as_http()) {
        Err(Error::Service(error)) => error,
        other => panic!("a {status} response is a service error, not {other:?}"),
    };
    // Only a body serde_json reads as an object is compared: the in-place reading also takes
    // valid JSON that `Value` refuses (a number out of f64's range).
    let Ok(Value::Object(members)) = value else {
        return;
    };
    let member = |names: &[&str]| names.iter().find_map(|n| members.get(*n)?.as_str());
    let message = member(&["message", "Message", "errorMessage"]).unwrap_or_default();
    assert_eq!(error.message(), message, "message of {body:?}");
    if !headers
        .iter()
        .any(|(name, _)| name.eq_ignore_ascii_case("x-amzn-errortype"))
    {
        let sanitize = |code: &str| {
            let code = code.split(':').next().unwrap_or_default();
            code.rsplit_once('#')
                .map_or(code, |(_, tail)| tail)
                .trim()
                .to_owned()
        };
        let code = member(&["code"])
            .filter(|c| !sanitize(c).is_empty())
            .or_else(|| member(&["__type"]))
            .map(sanitize)
            .unwrap_or_default();
        assert_eq!(error.kind().code(), code, "code of {body:?}");
    }
}
