//! The invariants every driver checks: no secret in `Debug`/`Display`, a failed machine stays failed.

use std::sync::OnceLock;

use base64::Engine as _;
use serde_json::Value;

use cognito_auth::{Error, Request, SignIn, Status, Step};

use crate::responses::*;
use crate::*;

/// `haystack` starts with `needle`, compared eight bytes at a time as integers: no `memcmp`,
/// whose libFuzzer interceptor (it records every call for value profiling) made the secret
/// checks cost more than the code under test.
fn starts_with(haystack: &[u8], needle: &[u8]) -> bool {
    let Some(head) = haystack.get(..needle.len()) else {
        return false;
    };
    let mut a = head.chunks_exact(8);
    let mut b = needle.chunks_exact(8);
    for (x, y) in (&mut a).zip(&mut b) {
        let word = |c: &[u8]| c.iter().fold(0u64, |w, byte| (w << 8) | u64::from(*byte));
        if word(x) != word(y) {
            return false;
        }
    }
    a.remainder().iter().zip(b.remainder()).all(|(x, y)| x == y)
}

/// The secrets found in `text`, one bit each: one pass, which looks at a secret only where
/// the text has its first two bytes.
fn secrets_in(text: &[u8]) -> u64 {
    let (table, secrets) = needles();
    let mut found = 0u64;
    for i in 0..text.len().saturating_sub(1) {
        let key = usize::from(text[i]) << 8 | usize::from(text[i + 1]);
        if table[key / 64] & (1 << (key % 64)) == 0 {
            continue;
        }
        for (bit, secret) in secrets.iter().enumerate() {
            if starts_with(&text[i..], secret.as_bytes()) {
                found |= 1 << bit;
            }
        }
    }
    found
}

/// The secrets and a bitmap of their first two bytes.
fn needles() -> &'static (Vec<u64>, &'static [String]) {
    static NEEDLES: OnceLock<(Vec<u64>, &'static [String])> = OnceLock::new();
    NEEDLES.get_or_init(|| {
        let mut table = vec![0u64; 65_536 / 64];
        for secret in secrets() {
            let b = secret.as_bytes();
            let key = usize::from(b[0]) << 8 | usize::from(b[1]);
            table[key / 64] |= 1 << (key % 64);
        }
        (table, secrets())
    })
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
    let shown = secrets_in(text.as_bytes());
    if shown == 0 {
        return;
    }
    let leaked = shown & !secrets_in(data);
    if let Some(secret) = secrets()
        .iter()
        .enumerate()
        .find(|(bit, _)| leaked & (1 << bit) != 0)
    {
        panic!("a secret shows in {what}: {text} (secret {:?})", secret.1);
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
