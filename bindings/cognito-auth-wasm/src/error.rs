//! Errors cross as a JSON string the JS layer turns into a `CognitoError`.

use serde::Serialize;
use wasm_bindgen::JsValue;

/// What every fallible export returns.
pub(crate) type Result<T> = std::result::Result<T, Failure>;

/// A core error, flattened for JS.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Failure {
    /// `service`, `invalidResponse`, `protocol`, `misuse`, `invalidInput`, `internal`.
    kind: &'static str,
    /// The service's exception name (`NotAuthorizedException`), for `service`.
    code: Option<String>,
    message: String,
    retryable: bool,
    status: Option<u16>,
    request_id: Option<String>,
}

impl Failure {
    fn new(kind: &'static str, message: impl Into<String>) -> Self {
        Failure {
            kind,
            code: None,
            message: message.into(),
            retryable: false,
            status: None,
            request_id: None,
        }
    }

    /// A failure with a code of its own (an OAuth error code, a verification failure's name).
    #[cfg(feature = "full")]
    pub(crate) fn coded(
        kind: &'static str,
        code: impl Into<String>,
        message: impl Into<String>,
        retryable: bool,
        status: Option<u16>,
    ) -> Self {
        Failure {
            code: Some(code.into()),
            retryable,
            status,
            ..Failure::new(kind, message)
        }
    }

    pub(crate) fn invalid_response(message: impl Into<String>) -> Self {
        Failure::new("invalidResponse", message)
    }

    /// The JSON the JS layer parses.
    pub(crate) fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|_| {
            r#"{"kind":"internal","code":null,"message":"unserializable error","retryable":false}"#
                .to_owned()
        })
    }

    pub(crate) fn into_js(self) -> JsValue {
        JsValue::from_str(&self.to_json())
    }
}

pub(crate) fn invalid_input(message: impl Into<String>) -> Failure {
    Failure::new("invalidInput", message)
}

impl From<Failure> for JsValue {
    fn from(failure: Failure) -> Self {
        failure.into_js()
    }
}

impl From<cognito_auth::Error> for Failure {
    fn from(error: cognito_auth::Error) -> Self {
        use cognito_auth::Error;
        let kind = match &error {
            Error::Service(service) => {
                return Failure {
                    kind: "service",
                    code: Some(service.kind().code().to_owned()),
                    message: service.message().to_owned(),
                    retryable: service.is_retryable(),
                    status: Some(service.status()),
                    request_id: service.request_id().map(str::to_owned),
                };
            }
            Error::InvalidResponse(_) => "invalidResponse",
            Error::PeerMisbehaved(_) | Error::Srp(_) => "protocol",
            Error::ApiMisuse(_) => "misuse",
            Error::InvalidInput(_) => "invalidInput",
            _ => "internal",
        };
        Failure::new(kind, error.to_string())
    }
}

impl From<cognito_auth::ConfigError> for Failure {
    fn from(error: cognito_auth::ConfigError) -> Self {
        invalid_input(error.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn service_errors_keep_code_and_retryability() {
        let e = cognito_auth::ServiceError::new(
            cognito_auth::ErrorKind::from_code("TooManyRequestsException"),
            "slow down",
            400,
        );
        let json = Failure::from(cognito_auth::Error::Service(e)).to_json();
        assert!(
            json.contains(r#""code":"TooManyRequestsException""#),
            "{json}"
        );
        assert!(json.contains(r#""retryable":true"#), "{json}");
    }
}
