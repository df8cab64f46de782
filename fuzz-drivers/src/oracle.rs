//! The invariants every driver checks: no secret in `Debug`/`Display`, a failed machine stays failed.

use std::sync::OnceLock;

use base64::Engine as _;
use serde_json::Value;

use cognito_auth::{Error, Request, SignIn, Status, Step};

use crate::responses::*;
use crate::*;

pub(crate) fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    needle.is_empty() || haystack.windows(needle.len()).any(|w| w == needle)
}

/// The device password [`cognito_auth::DeviceConfirmation`] draws from [`FixedRandom`]: 40
/// bytes, base64.
pub(crate) fn confirmed_device_password() -> String {
    let bytes: Vec<u8> = FIXED_A.iter().copied().cycle().take(40).collect();
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// Every secret a driver can know: passwords, the client secret, the SRP `a`, Sessions,
/// tokens, the TOTP secret and device passwords.
fn secrets() -> &'static [String] {
    static SECRETS: OnceLock<Vec<String>> = OnceLock::new();
    SECRETS.get_or_init(|| {
        let mut all: Vec<String> = [
            PASSWORD,
            CLIENT_SECRET,
            NEW_PASSWORD,
            REFRESH_TOKEN,
            ROTATED_REFRESH_TOKEN,
            SESSION_MARKER,
            ACCESS_TOKEN_MARKER,
            ID_TOKEN_MARKER,
            TOTP_SECRET,
            DEVICE_PASSWORD,
        ]
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
        all.push(hex(&FIXED_A));
        all.push(confirmed_device_password());
        all
    })
}

/// No secret in `text`, unless the input itself carried it (an echo of hostile input is no leak).
pub(crate) fn assert_no_secret(data: &[u8], what: &str, text: &str) {
    for secret in secrets() {
        if !contains(data, secret.as_bytes()) {
            assert!(
                !text.contains(secret.as_str()),
                "a secret shows in {what}: {text}"
            );
        }
    }
}

/// [`assert_no_secret`] over a value's `Debug`.
pub(crate) fn check_debug<T: std::fmt::Debug>(data: &[u8], what: &str, value: &T) {
    assert_no_secret(data, what, &format!("{value:?}"));
}

pub(crate) fn check_request(data: &[u8], request: &Request) {
    assert_no_secret(data, "a request's Debug", &format!("{request:?}"));
    assert!(
        serde_json::from_slice::<Value>(request.body()).is_ok(),
        "a request body is not JSON"
    );
}

pub(crate) fn check_error(data: &[u8], error: &Error) {
    assert_no_secret(data, "an error's Debug", &format!("{error:?}"));
    assert_no_secret(data, "an error's Display", &error.to_string());
}

/// Checks every call's result against the machine: no secret shown, `Failed` sticky.
pub(crate) struct SignInOracle<'d> {
    data: &'d [u8],
    failed: Option<Error>,
}

impl<'d> SignInOracle<'d> {
    /// An oracle for one input, before any call.
    pub(crate) fn new(data: &'d [u8]) -> Self {
        Self { data, failed: None }
    }

    pub(crate) fn observe<T>(
        &mut self,
        sign_in: &SignIn,
        result: &Result<T, Error>,
        show: impl Fn(&T),
    ) {
        assert_no_secret(self.data, "the SignIn's Debug", &format!("{sign_in:?}"));
        match result {
            Ok(value) => show(value),
            Err(e) => check_error(self.data, e),
        }
        if let Some(failed) = &self.failed {
            assert_eq!(sign_in.status(), Status::Failed, "Failed is not sticky");
            match result {
                Err(e) => assert_eq!(e, failed, "a failed machine changed its error"),
                Ok(_) => panic!("a failed machine succeeded"),
            }
        } else if sign_in.status() == Status::Failed {
            match result {
                Err(e) => self.failed = Some(e.clone()),
                Ok(_) => panic!("the machine failed on a call that succeeded"),
            }
        }
    }
}

pub(crate) fn check_step(data: &[u8], step: &Step) {
    assert_no_secret(data, "a Step's Debug", &format!("{step:?}"));
    if let Step::Send(request) = step {
        check_request(data, request);
    }
}
