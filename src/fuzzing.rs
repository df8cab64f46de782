//! Fuzz drivers, shared by the cargo-fuzz targets in `fuzz/` and by the stable regression
//! test `tests/fuzz_regressions.rs`. Not a stable API.
//!
//! Every driver reads its input with the small byte decoder [`Input`] (no `arbitrary`): a
//! missing byte reads as 0, so every input is valid and short inputs stop early. Lengths are one
//! byte, or `0xFF` followed by a little-endian `u16`. Response bodies are either raw bytes or one
//! of a few templates (PASSWORD_VERIFIER with real hex, tokens, a challenge, an error), so the
//! fuzzer reaches the deep states of the machines quickly. [`seeds`] builds the checked-in
//! seed corpus in this format.
//!
//! The `assert!`s here are the fuzz oracle: a failing invariant must abort the run, so they
//! are allowed despite the crate's `clippy::panic` denial.
#![allow(clippy::panic)]

use std::collections::BTreeMap;
use std::sync::Arc;

use base64::Engine as _;
use num_bigint::BigUint;
use num_traits::Zero as _;
use serde_json::{Value, json};

pub use crate::srp::differential::Residue;
use crate::srp::{
    DeviceVerifier, EphemeralSecret, MAX_HEX_DIGITS, SrpClient, SrpError, VerifierInput,
    decode_secret_block, format_timestamp,
};
use crate::{
    ChallengeAnswer, Error, ErrorKind, HttpResponse, MfaType, Operation, PoolConfig, RandomError,
    Refresh, RefreshFlow, Request, SecureRandom, SignIn, Status, Step, UnixTime,
};

/// The user's password in every driver; must never show in `Debug` or `Display`.
pub const PASSWORD: &str = "Pa55w0rd!fuzz-user-secret";
/// The app client secret when a driver uses one; must never show in `Debug` or `Display`.
pub const CLIENT_SECRET: &str = "fuzz-app-client-s3cret-0123456789";
/// The new password of a NEW_PASSWORD_REQUIRED answer; must never show either.
pub const NEW_PASSWORD: &str = "N3w-Pa55w0rd!fuzz-secret";
/// The refresh token the refresh drivers start from.
pub const REFRESH_TOKEN: &str = "fuzz-refresh-token-secret-eyJjdHkiOiJKV1Qi";
/// The fixed SRP ephemeral `a` drawn by [`FixedRandom`].
pub const FIXED_A: [u8; 32] = [
    0x3c, 0x91, 0x5e, 0x0a, 0x77, 0xd2, 0x48, 0x1b, 0xe6, 0x05, 0x9f, 0x34, 0xa8, 0x6d, 0xc1, 0x12,
    0x8b, 0x4f, 0xf0, 0x29, 0x63, 0xbe, 0x17, 0xda, 0x50, 0x0e, 0x95, 0x7c, 0x2a, 0xe3, 0x46, 0xb9,
];
/// The fixed time of the drivers (2023-11-14T22:13:20Z).
pub const FIXED_NOW: UnixTime = UnixTime(1_700_000_000);
const POOL_ID: &str = "us-east-1_AbC123";
const CLIENT_ID: &str = "1example23456789";
const USERNAME: &str = "alice@example.com";
/// At most this many calls per transcript.
const MAX_STEPS: usize = 24;

/// A deterministic [`SecureRandom`]: repeats [`FIXED_A`].
#[derive(Debug, Clone, Copy, Default)]
pub struct FixedRandom;

impl SecureRandom for FixedRandom {
    fn fill(&self, buf: &mut [u8]) -> Result<(), RandomError> {
        for (out, byte) in buf.iter_mut().zip(FIXED_A.iter().cycle()) {
            *out = *byte;
        }
        Ok(())
    }
}

/// Reads fuzz input; past the end every read gives zeros / empty values.
#[derive(Debug, Clone, Copy)]
pub struct Input<'a> {
    data: &'a [u8],
}

impl<'a> Input<'a> {
    /// Reads `data` from the start.
    pub fn new(data: &'a [u8]) -> Self {
        Self { data }
    }

    /// True when everything was read.
    pub fn is_empty(&self) -> bool {
        self.data.is_empty()
    }

    /// One byte (0 past the end).
    pub fn byte(&mut self) -> u8 {
        match self.data.split_first() {
            Some((b, rest)) => {
                self.data = rest;
                *b
            }
            None => 0,
        }
    }

    /// Up to `n` bytes.
    pub fn take(&mut self, n: usize) -> &'a [u8] {
        let (head, rest) = self.data.split_at(n.min(self.data.len()));
        self.data = rest;
        head
    }

    /// A little-endian `u16`.
    pub fn u16(&mut self) -> u16 {
        u16::from_le_bytes([self.byte(), self.byte()])
    }

    /// A little-endian `u64`.
    pub fn u64(&mut self) -> u64 {
        let mut bytes = [0u8; 8];
        for b in &mut bytes {
            *b = self.byte();
        }
        u64::from_le_bytes(bytes)
    }

    /// A length (one byte, or `0xFF` then a `u16`) and that many bytes.
    pub fn bytes(&mut self) -> &'a [u8] {
        let len = match self.byte() {
            0xFF => usize::from(self.u16()),
            n => usize::from(n),
        };
        self.take(len)
    }

    /// [`bytes`](Self::bytes) as (lossy) UTF-8.
    pub fn string(&mut self) -> String {
        String::from_utf8_lossy(self.bytes()).into_owned()
    }

    /// One of `options`, or a string from the input when the byte is past them.
    pub fn pick_or_string(&mut self, options: &[&str]) -> String {
        let i = usize::from(self.byte());
        match options.get(i % (options.len() + 1)) {
            Some(s) => (*s).to_owned(),
            None => self.string(),
        }
    }
}

/// The writer matching [`Input`], for building seeds.
#[derive(Debug, Clone, Default)]
pub struct SeedWriter {
    out: Vec<u8>,
}

impl SeedWriter {
    /// An empty seed.
    pub fn new() -> Self {
        Self::default()
    }

    /// One byte.
    pub fn byte(mut self, b: u8) -> Self {
        self.out.push(b);
        self
    }

    /// A length-prefixed byte string (at most 65535 bytes are kept).
    pub fn bytes(mut self, bytes: &[u8]) -> Self {
        let bytes = bytes
            .get(..bytes.len().min(usize::from(u16::MAX)))
            .unwrap_or(&[]);
        match u8::try_from(bytes.len()) {
            Ok(n) if n < 0xFF => self.out.push(n),
            _ => {
                self.out.push(0xFF);
                let n = u16::try_from(bytes.len()).unwrap_or(u16::MAX);
                self.out.extend_from_slice(&n.to_le_bytes());
            }
        }
        self.out.extend_from_slice(bytes);
        self
    }

    /// A length-prefixed string.
    pub fn string(self, s: &str) -> Self {
        self.bytes(s.as_bytes())
    }

    /// Bytes as they are (no length), e.g. a `u64`.
    pub fn raw(mut self, bytes: &[u8]) -> Self {
        self.out.extend_from_slice(bytes);
        self
    }

    /// Another seed's bytes appended.
    pub fn then(self, other: SeedWriter) -> Self {
        self.raw(&other.out)
    }

    /// A raw-JSON response: status index, no headers, raw body.
    pub fn json_response(self, status_index: u8, body: &Value) -> Self {
        self.byte(status_index)
            .byte(0)
            .byte(BODY_RAW)
            .bytes(body.to_string().as_bytes())
    }

    /// An error response with the `x-amzn-ErrorType` header.
    pub fn error_response(self, error_type: &str, message: &str) -> Self {
        let body = json!({ "__type": error_type, "message": message });
        self.byte(1)
            .byte(1)
            .byte(0)
            .string(error_type)
            .byte(BODY_RAW)
            .bytes(body.to_string().as_bytes())
    }

    /// The bytes.
    pub fn finish(self) -> Vec<u8> {
        self.out
    }
}

// ---------------------------------------------------------------------------------------------
// Decoding responses and answers.

const STATUSES: [u16; 8] = [200, 400, 500, 503, 429, 204, 299, 300];
const HEADER_NAMES: [&str; 3] = ["x-amzn-ErrorType", "x-amzn-RequestId", "X-AMZN-ERRORTYPE"];
const BODY_RAW: u8 = 0;
const BODY_PASSWORD_VERIFIER: u8 = 1;
const BODY_TOKENS: u8 = 2;
const BODY_CHALLENGE: u8 = 3;
const BODY_ERROR: u8 = 4;
const BODY_KINDS: u8 = 6;

const CHALLENGE_NAMES: [&str; 14] = [
    "SMS_MFA",
    "SOFTWARE_TOKEN_MFA",
    "EMAIL_OTP",
    "SMS_OTP",
    "SELECT_MFA_TYPE",
    "MFA_SETUP",
    "NEW_PASSWORD_REQUIRED",
    "CUSTOM_CHALLENGE",
    "SELECT_CHALLENGE",
    "WEB_AUTHN",
    "DEVICE_SRP_AUTH",
    "PASSWORD_VERIFIER",
    "DEVICE_PASSWORD_VERIFIER",
    "PASSWORD",
];
const PARAM_KEYS: [&str; 14] = [
    "MFAS_CAN_CHOOSE",
    "MFAS_CAN_SETUP",
    "userAttributes",
    "requiredAttributes",
    "CODE_DELIVERY_DESTINATION",
    "CODE_DELIVERY_DELIVERY_MEDIUM",
    "USERNAME",
    "USER_ID_FOR_SRP",
    "CREDENTIAL_REQUEST_OPTIONS",
    "SALT",
    "SRP_B",
    "SECRET_BLOCK",
    "ANSWER",
    "DEVICE_KEY",
];
const LIST_ITEMS: [&str; 8] = [
    "SMS_MFA",
    "SOFTWARE_TOKEN_MFA",
    "EMAIL_OTP",
    "EMAIL_MFA",
    "userAttributes.name",
    "userAttributes.email",
    "phone_number",
    "PASSWORD",
];
const ATTRIBUTE_NAMES: [&str; 7] = [
    "email",
    "email_verified",
    "phone_number",
    "phone_number_verified",
    "sub",
    "name",
    "custom:team",
];
const ERROR_CODES: [&str; 9] = [
    "NotAuthorizedException",
    "CodeMismatchException",
    "UserNotConfirmedException",
    "PasswordResetRequiredException",
    "UserNotFoundException",
    "TooManyRequestsException",
    "InternalErrorException",
    "com.amazonaws.cognito.identity.idp.model#ExpiredCodeException",
    "ResourceNotFoundException:http://internal.amazon.com/coral/",
];

/// A response decoded from the input, owning its parts.
#[derive(Debug, Clone)]
pub struct OwnedResponse {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl OwnedResponse {
    /// The response, as a machine takes it.
    pub fn as_http(&self) -> HttpResponse<'_> {
        self.headers
            .iter()
            .fold(HttpResponse::new(self.status, &self.body), |r, (n, v)| {
                r.header(n, v)
            })
    }

    /// Decodes status, headers and body.
    pub fn decode(inp: &mut Input<'_>) -> Self {
        let i = usize::from(inp.byte());
        let status = match STATUSES.get(i % (STATUSES.len() + 1)) {
            Some(s) => *s,
            None => inp.u16(),
        };
        let headers = (0..inp.byte() % 4)
            .map(|_| (inp.pick_or_string(&HEADER_NAMES), inp.string()))
            .collect();
        let body = match inp.byte() % BODY_KINDS {
            BODY_PASSWORD_VERIFIER => password_verifier_body(inp).to_string().into_bytes(),
            BODY_TOKENS => tokens_body(inp).to_string().into_bytes(),
            BODY_CHALLENGE => challenge_body(inp).to_string().into_bytes(),
            BODY_ERROR => error_body(inp).to_string().into_bytes(),
            _ => inp.bytes().to_vec(),
        };
        Self {
            status,
            headers,
            body,
        }
    }
}

/// SRP_B choices: (hex, whether it is a multiple of N by construction).
fn srp_b(inp: &mut Input<'_>) -> (String, bool) {
    match inp.byte() % 5 {
        0 | 1 => (hex(inp.bytes()), false),
        2 => {
            // k·N for a k from the input (k = 0 included), in either case, maybe zero-padded.
            let k = BigUint::from_bytes_be(inp.bytes());
            let style = inp.byte();
            let mut digits = (k * n()).to_str_radix(16);
            if style & 1 == 1 {
                digits = digits.to_uppercase();
            }
            let zeros = "0".repeat(usize::from(style >> 1) % 8);
            (format!("{zeros}{digits}"), true)
        }
        3 => (format!("{}{}", hex(inp.bytes()), "0".repeat(768)), false),
        _ => (inp.string(), false),
    }
}

/// Sets `key` of a JSON object (no-op on anything else).
fn set(object: &mut Value, key: &str, value: Value) {
    if let Some(map) = object.as_object_mut() {
        map.insert(key.to_owned(), value);
    }
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    bytes.iter().fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// N, from the crate's own constant.
fn n() -> BigUint {
    BigUint::parse_bytes(crate::srp::N_HEX.as_bytes(), 16).unwrap_or_default()
}

fn secret_block(inp: &mut Input<'_>) -> String {
    match inp.byte() % 3 {
        0 => base64::engine::general_purpose::STANDARD.encode(inp.bytes()),
        1 => base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(inp.bytes()),
        _ => inp.string(),
    }
}

/// PASSWORD_VERIFIER with (mostly) well-formed parameters.
fn password_verifier_body(inp: &mut Input<'_>) -> Value {
    let omit = inp.byte();
    let mut params = serde_json::Map::new();
    let salt = match inp.byte() % 3 {
        0 | 1 => hex(inp.bytes()),
        _ => inp.string(),
    };
    let (b, _) = srp_b(inp);
    let block = secret_block(inp);
    let user_id = inp.string();
    for (bit, key, value) in [
        (1, "SALT", salt),
        (2, "SRP_B", b),
        (4, "SECRET_BLOCK", block),
        (8, "USER_ID_FOR_SRP", user_id.clone()),
        (16, "USERNAME", user_id),
    ] {
        if omit & bit == 0 {
            params.insert(key.to_owned(), Value::String(value));
        }
    }
    let mut body = json!({ "ChallengeName": "PASSWORD_VERIFIER", "ChallengeParameters": params });
    if omit & 32 == 0 {
        set(&mut body, "Session", json!("fuzz-session-1"));
    }
    body
}

/// A JWT-shaped token whose payload carries `claims`.
fn jwt(claims: &Value) -> String {
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    format!(
        "{}.{}.c2ln",
        b64.encode(br#"{"alg":"RS256","kid":"fuzz"}"#),
        b64.encode(claims.to_string())
    )
}

/// An AuthenticationResult with some parts missing or odd.
fn tokens_body(inp: &mut Input<'_>) -> Value {
    let flags = inp.byte();
    let username = inp.string();
    let claims = json!({ "sub": "5f0c-fuzz", "username": username, "cognito:username": username,
                         "token_use": "access", "exp": inp.u64() });
    let mut result = serde_json::Map::new();
    if flags & 1 == 0 {
        result.insert("AccessToken".into(), json!(jwt(&claims)));
    }
    if flags & 2 == 0 {
        result.insert("IdToken".into(), json!(jwt(&claims)));
    }
    if flags & 4 == 0 {
        result.insert("RefreshToken".into(), json!("rotated-refresh-token"));
    }
    if flags & 8 == 0 {
        let raw = inp.u64();
        let expires = if flags & 16 == 0 {
            json!(raw % 86_400)
        } else {
            json!(i64::from_le_bytes(raw.to_le_bytes()))
        };
        result.insert("ExpiresIn".into(), expires);
        result.insert("TokenType".into(), json!("Bearer"));
    }
    if flags & 32 != 0 {
        result.insert(
            "NewDeviceMetadata".into(),
            json!({ "DeviceKey": "us-east-1_dev-fuzz", "DeviceGroupKey": "-grp" }),
        );
    }
    let mut body = json!({ "AuthenticationResult": result });
    if flags & 64 != 0 {
        set(&mut body, "ChallengeParameters", json!({}));
    }
    body
}

/// A JSON list of strings, maybe written the way moto writes it.
fn string_list(inp: &mut Input<'_>) -> String {
    let items: Vec<String> = (0..inp.byte() % 5)
        .map(|_| inp.pick_or_string(&LIST_ITEMS))
        .collect();
    let json = json!(items).to_string();
    if inp.byte() & 1 == 1 {
        json.replace('"', "'")
    } else {
        json
    }
}

/// A userAttributes JSON object with string and non-string values.
fn attribute_object(inp: &mut Input<'_>) -> String {
    let mut map = serde_json::Map::new();
    for _ in 0..inp.byte() % 5 {
        let key = inp.pick_or_string(&ATTRIBUTE_NAMES);
        let value = match inp.byte() % 4 {
            0 => json!(inp.string()),
            1 => json!(inp.u64()),
            2 => json!(null),
            _ => json!([inp.string()]),
        };
        map.insert(key, value);
    }
    Value::Object(map).to_string()
}

/// ChallengeName, ChallengeParameters, Session, AvailableChallenges.
fn challenge_body(inp: &mut Input<'_>) -> Value {
    let flags = inp.byte();
    let name = inp.pick_or_string(&CHALLENGE_NAMES);
    let mut params = BTreeMap::new();
    for _ in 0..inp.byte() % 8 {
        let key = inp.pick_or_string(&PARAM_KEYS);
        let value = match inp.byte() % 4 {
            0 => string_list(inp),
            1 => attribute_object(inp),
            2 => inp.pick_or_string(&["+*******1234", "SMS", "EMAIL", "a***@e***"]),
            _ => inp.string(),
        };
        params.insert(key, value);
    }
    let available: Vec<String> = (0..inp.byte() % 4)
        .map(|_| inp.pick_or_string(&CHALLENGE_NAMES))
        .collect();
    let mut body = json!({ "ChallengeName": name, "ChallengeParameters": params });
    if flags & 1 == 0 {
        set(&mut body, "Session", json!("fuzz-session-2"));
    }
    if flags & 2 == 0 {
        set(&mut body, "AvailableChallenges", json!(available));
    }
    body
}

/// A service error body.
fn error_body(inp: &mut Input<'_>) -> Value {
    let key = inp.pick_or_string(&["__type", "code"]);
    let code = inp.pick_or_string(&ERROR_CODES);
    let message_key = inp.pick_or_string(&["message", "Message", "errorMessage"]);
    let mut body = serde_json::Map::new();
    body.insert(key, json!(code));
    body.insert(message_key, json!(inp.string()));
    Value::Object(body)
}

fn mfa_type(inp: &mut Input<'_>) -> MfaType {
    match inp.byte() % 4 {
        0 => MfaType::Sms,
        1 => MfaType::SoftwareToken,
        2 => MfaType::Email,
        _ => MfaType::Other(inp.string()),
    }
}

fn attributes(inp: &mut Input<'_>) -> BTreeMap<String, String> {
    (0..inp.byte() % 4)
        .map(|_| (inp.pick_or_string(&ATTRIBUTE_NAMES), inp.string()))
        .collect()
}

/// A challenge answer of any kind.
fn answer(inp: &mut Input<'_>) -> ChallengeAnswer {
    match inp.byte() % 12 {
        0 => ChallengeAnswer::code("123456"),
        1 => ChallengeAnswer::code(inp.string()),
        2 => ChallengeAnswer::SelectMfaType(mfa_type(inp)),
        3 => ChallengeAnswer::NewPassword {
            password: NEW_PASSWORD.into(),
            attributes: attributes(inp),
        },
        4 => ChallengeAnswer::NewPassword {
            password: inp.string().into(),
            attributes: attributes(inp),
        },
        5 => ChallengeAnswer::Custom(inp.string().into()),
        // 0..=6 keep the meaning the checked-in seeds were written with.
        6 => ChallengeAnswer::WebAuthnCredential(inp.string()),
        7 => ChallengeAnswer::SetUpTotp,
        8 => ChallengeAnswer::VerifyTotp {
            code: inp.string().into(),
            friendly_name: Some(inp.string()),
        },
        9 => ChallengeAnswer::SetUpEmail(inp.string()),
        10 => ChallengeAnswer::SelectFirstFactor(crate::FirstFactor::from_name(&inp.string())),
        _ => ChallengeAnswer::Password(inp.string().into()),
    }
}

fn config(client_secret: bool) -> Arc<PoolConfig> {
    let Ok(config) = PoolConfig::new(POOL_ID, CLIENT_ID) else {
        panic!("the fixed pool id is valid");
    };
    let config = config.with_random(Arc::new(FixedRandom));
    Arc::new(if client_secret {
        config.with_client_secret(CLIENT_SECRET)
    } else {
        config
    })
}

// ---------------------------------------------------------------------------------------------
// Oracles.

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    needle.is_empty() || haystack.windows(needle.len()).any(|w| w == needle)
}

/// No secret in `text`, unless the input itself carried it (an echo of hostile input is no leak).
fn assert_no_secret(data: &[u8], what: &str, text: &str) {
    let a_hex = hex(&FIXED_A);
    for secret in [
        PASSWORD,
        CLIENT_SECRET,
        NEW_PASSWORD,
        REFRESH_TOKEN,
        a_hex.as_str(),
    ] {
        if !contains(data, secret.as_bytes()) {
            assert!(!text.contains(secret), "a secret shows in {what}: {text}");
        }
    }
}

fn check_request(data: &[u8], request: &Request) {
    assert_no_secret(data, "a request's Debug", &format!("{request:?}"));
    assert!(
        serde_json::from_slice::<Value>(request.body()).is_ok(),
        "a request body is not JSON"
    );
}

fn check_error(data: &[u8], error: &Error) {
    assert_no_secret(data, "an error's Debug", &format!("{error:?}"));
    assert_no_secret(data, "an error's Display", &error.to_string());
}

/// Checks every call's result against the machine: no secret shown, `Failed` sticky.
struct SignInOracle<'d> {
    data: &'d [u8],
    failed: Option<Error>,
}

impl SignInOracle<'_> {
    fn observe<T>(&mut self, sign_in: &SignIn, result: &Result<T, Error>, show: impl Fn(&T)) {
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

fn check_step(data: &[u8], step: &Step) {
    assert_no_secret(data, "a Step's Debug", &format!("{step:?}"));
    if let Step::Send(request) = step {
        check_request(data, request);
    }
}

// ---------------------------------------------------------------------------------------------
// Drivers.

/// A whole sign-in: flags (bit 0 USER_PASSWORD_AUTH, bit 1 client secret, bit 2 device key,
/// bit 3 time from the input), then up to [`MAX_STEPS`] calls (response, answer or start again).
/// Returns the final status (the regression test checks the seeds reach where they should).
pub fn sign_in_transcript(data: &[u8]) -> Status {
    let mut inp = Input::new(data);
    let flags = inp.byte();
    let now = if flags & 8 != 0 {
        UnixTime(inp.u64())
    } else {
        FIXED_NOW
    };
    let flow = if flags & 1 != 0 {
        crate::AuthFlow::UserPassword
    } else {
        crate::AuthFlow::UserSrp
    };
    let mut sign_in = SignIn::new(config(flags & 2 != 0), USERNAME, PASSWORD).with_flow(flow);
    if flags & 4 != 0 {
        sign_in = sign_in.with_device(crate::DeviceCredentials {
            device_key: "us-east-1_device-fuzz".into(),
            device_group_key: "-fuzzgroup".into(),
            device_password: "fuzz-device-secret".into(),
            user_sub: "fuzz-sub".into(),
        });
    }
    let mut oracle = SignInOracle { data, failed: None };
    let started = sign_in.start();
    oracle.observe(&sign_in, &started, |r| check_request(data, r));
    for _ in 0..MAX_STEPS {
        if inp.is_empty() {
            break;
        }
        match inp.byte() % 4 {
            0 | 1 => {
                let response = OwnedResponse::decode(&mut inp);
                let result = sign_in.handle_response(response.as_http(), now);
                oracle.observe(&sign_in, &result, |s| check_step(data, s));
            }
            2 => {
                let before = sign_in.status();
                let result = sign_in.answer(answer(&mut inp));
                oracle.observe(&sign_in, &result, |r| check_request(data, r));
                if result.is_err() {
                    assert_eq!(
                        sign_in.status(),
                        before,
                        "a refused answer changed the state"
                    );
                }
            }
            _ => {
                let result = sign_in.start();
                oracle.observe(&sign_in, &result, |r| check_request(data, r));
            }
        }
    }
    sign_in.status()
}

/// A sign-in waiting for the response to an SMS_MFA code (a cheap RespondToAuthChallenge state).
fn sign_in_after_code(client_secret: bool) -> Option<SignIn> {
    let mut sign_in = SignIn::new(config(client_secret), USERNAME, PASSWORD)
        .with_flow(crate::AuthFlow::UserPassword);
    sign_in.start().ok()?;
    let body = json!({ "ChallengeName": "SMS_MFA", "Session": "s1",
        "ChallengeParameters": { "USERNAME": "a1b2-internal", "CODE_DELIVERY_DESTINATION": "+***1234" } })
    .to_string();
    let step = sign_in.handle_response(HttpResponse::new(200, body.as_bytes()), FIXED_NOW);
    assert!(
        matches!(step, Ok(Step::Challenge(_))),
        "SMS_MFA setup failed"
    );
    sign_in.answer(ChallengeAnswer::code("123456")).ok()?;
    Some(sign_in)
}

/// Feeds one response to a machine in flight; checks the result and that a failure sticks.
/// `after_code`: the request in flight answered a one-time code.
fn feed_sign_in(data: &[u8], sign_in: &mut SignIn, response: HttpResponse<'_>, after_code: bool) {
    let mut oracle = SignInOracle { data, failed: None };
    let result = sign_in.handle_response(response, FIXED_NOW);
    oracle.observe(sign_in, &result, |s| check_step(data, s));
    if let Err(e) = &result {
        if after_code && e.is_service(&ErrorKind::CodeMismatch) {
            assert_eq!(
                sign_in.status(),
                Status::AwaitingAnswer,
                "a wrong code must leave the challenge open"
            );
        }
    }
    let again = sign_in.handle_response(response, FIXED_NOW);
    oracle.observe(sign_in, &again, |s| check_step(data, s));
}

fn feed_refresh(data: &[u8], flow: RefreshFlow, client_secret: bool, response: HttpResponse<'_>) {
    let mut refresh = Refresh::from_refresh_token(config(client_secret), REFRESH_TOKEN)
        .with_flow(flow)
        .with_internal_username("a1b2-internal");
    let request = refresh.request();
    match &request {
        Ok(r) => check_request(data, r),
        Err(e) => panic!("the refresh request failed: {e}"),
    }
    let result = refresh.handle_response(response, FIXED_NOW);
    assert_no_secret(data, "the Refresh's Debug", &format!("{refresh:?}"));
    match &result {
        Ok(tokens) => {
            assert_no_secret(data, "the Tokens' Debug", &format!("{tokens:?}"));
            assert!(
                tokens.refresh_token.is_some(),
                "a refresh lost the refresh token"
            );
        }
        Err(e) => {
            check_error(data, e);
            let again = refresh.handle_response(response, FIXED_NOW);
            assert_eq!(
                again.as_ref().err(),
                Some(e),
                "a failed refresh changed its error"
            );
        }
    }
}

/// One arbitrary response into every machine: SignIn after InitiateAuth (both flows), after
/// an MFA code, after the SRP proof (flag bit 1), and Refresh with both flows.
pub fn parse_response(data: &[u8]) {
    let mut inp = Input::new(data);
    let flags = inp.byte();
    let client_secret = flags & 1 != 0;
    let owned = OwnedResponse::decode(&mut inp);
    let response = owned.as_http();

    for flow in [crate::AuthFlow::UserPassword, crate::AuthFlow::UserSrp] {
        let mut sign_in = SignIn::new(config(client_secret), USERNAME, PASSWORD).with_flow(flow);
        if sign_in.start().is_ok() {
            feed_sign_in(data, &mut sign_in, response, false);
        }
    }
    if let Some(mut sign_in) = sign_in_after_code(client_secret) {
        feed_sign_in(data, &mut sign_in, response, true);
    }
    if flags & 2 != 0 {
        // After a real PASSWORD_VERIFIER answer (one SRP derivation).
        let mut sign_in = SignIn::new(config(client_secret), USERNAME, PASSWORD);
        if sign_in.start().is_ok() {
            let verifier = seed_password_verifier_json().to_string();
            let step =
                sign_in.handle_response(HttpResponse::new(200, verifier.as_bytes()), FIXED_NOW);
            assert!(
                matches!(step, Ok(Step::Send(_))),
                "the seed PASSWORD_VERIFIER failed"
            );
            feed_sign_in(data, &mut sign_in, response, false);
        }
    }
    for flow in [
        RefreshFlow::GetTokensFromRefreshToken,
        RefreshFlow::RefreshTokenAuth,
    ] {
        feed_refresh(data, flow, client_secret, response);
    }
}

/// Arbitrary SALT, SRP_B (including multiples of N), SECRET_BLOCK, user id and password into
/// the SRP derivation and signature; device verifiers and timestamps too.
pub fn srp_password_claim(data: &[u8]) {
    let mut inp = Input::new(data);
    let flags = inp.byte();
    let salt_hex = match inp.byte() % 3 {
        0 | 1 => hex(inp.bytes()),
        _ => inp.string(),
    };
    let (b_hex, multiple_of_n) = srp_b(&mut inp);
    let block = secret_block(&mut inp);
    let pool_name = if flags & 1 != 0 {
        inp.string()
    } else {
        "AbC123".to_owned()
    };
    let user_id = inp.string();
    let password = if flags & 2 != 0 {
        inp.string()
    } else {
        PASSWORD.to_owned()
    };
    let secs = inp.u64();

    let a = if flags & 4 != 0 {
        match EphemeralSecret::from_be_bytes(inp.bytes()) {
            Ok(a) => a,
            Err(_) => return,
        }
    } else {
        match EphemeralSecret::from_be_bytes(&FIXED_A) {
            Ok(a) => a,
            Err(e) => panic!("the fixed a is valid: {e}"),
        }
    };
    let client = match SrpClient::new(a) {
        Ok(c) => c,
        Err(e) => panic!("A = 0 for 0 < a < N: {e}"),
    };
    let input = VerifierInput {
        pool_name: &pool_name,
        user_id: &user_id,
        password: &password,
        salt_hex: &salt_hex,
        srp_b_hex: &b_hex,
    };
    let result = client.derive(&input);

    // The independent oracle: B parsed with num-bigint.
    let well_formed = |s: &str| {
        !s.is_empty() && s.len() <= MAX_HEX_DIGITS && s.bytes().all(|c| c.is_ascii_hexdigit())
    };
    let b_value = well_formed(&b_hex)
        .then(|| BigUint::parse_bytes(b_hex.as_bytes(), 16))
        .flatten();
    let b_zero_mod_n = b_value.as_ref().map(|b| (b % n()).is_zero());
    if multiple_of_n && b_hex.len() <= MAX_HEX_DIGITS {
        assert_eq!(b_zero_mod_n, Some(true), "k·N generator is wrong");
    }
    if b_zero_mod_n == Some(true) {
        assert!(result.is_err(), "B ≡ 0 mod N accepted");
        if well_formed(&salt_hex) {
            assert!(
                matches!(result, Err(SrpError::IllegalB)),
                "B ≡ 0 mod N gave {result:?}"
            );
        }
    }
    if b_value.is_none() {
        assert!(result.is_err(), "malformed SRP_B {b_hex:?} accepted");
    }
    if !well_formed(&salt_hex) {
        assert!(result.is_err(), "malformed SALT {salt_hex:?} accepted");
    }

    let block_bytes = decode_secret_block(&block);
    let timestamp = format_timestamp(secs);
    assert_eq!(
        timestamp.is_ok(),
        secs <= 253_402_300_799,
        "timestamp range"
    );
    if let Ok(derivation) = &result {
        assert_no_secret(data, "a Derivation's Debug", &format!("{derivation:?}"));
        let block_bytes = block_bytes.unwrap_or_else(|_| block.clone().into_bytes());
        let ts = timestamp.unwrap_or_default();
        let signature = derivation.signature(&pool_name, &user_id, &block_bytes, &ts);
        assert_eq!(
            signature.len(),
            44,
            "a signature is 32 bytes in padded base64"
        );
    }

    if flags & 8 != 0 {
        let salt = inp.bytes();
        let device = DeviceVerifier::compute(&pool_name, &user_id, &password, salt);
        assert_eq!(
            device.is_ok(),
            !salt.is_empty() && salt.len() <= MAX_HEX_DIGITS / 2,
            "device verifier salt bounds"
        );
        if let Ok(device) = device {
            assert_no_secret(data, "a DeviceVerifier's Debug", &format!("{device:?}"));
        }
    }
}

/// Every ChallengeAnswer variant the input can make, plus ones that fit the challenge.
fn answers_for(inp: &mut Input<'_>, pending: Option<&crate::Challenge>) -> Vec<ChallengeAnswer> {
    let mut answers = vec![
        ChallengeAnswer::code("123456"),
        ChallengeAnswer::code(inp.string()),
        ChallengeAnswer::SelectMfaType(MfaType::Sms),
        ChallengeAnswer::SelectMfaType(MfaType::SoftwareToken),
        ChallengeAnswer::SelectMfaType(MfaType::Email),
        ChallengeAnswer::SelectMfaType(MfaType::Other(inp.string())),
        ChallengeAnswer::NewPassword {
            password: NEW_PASSWORD.into(),
            attributes: attributes(inp),
        },
        ChallengeAnswer::NewPassword {
            password: "".into(),
            attributes: BTreeMap::new(),
        },
        ChallengeAnswer::Custom(inp.string().into()),
        ChallengeAnswer::WebAuthnCredential(inp.string()),
        ChallengeAnswer::SetUpTotp,
        ChallengeAnswer::VerifyTotp {
            code: "123456".into(),
            friendly_name: None,
        },
        ChallengeAnswer::SetUpEmail(inp.string()),
        ChallengeAnswer::SelectFirstFactor(crate::FirstFactor::PasswordSrp),
        ChallengeAnswer::SelectFirstFactor(crate::FirstFactor::Password),
        ChallengeAnswer::SelectFirstFactor(crate::FirstFactor::EmailOtp),
        ChallengeAnswer::Password(PASSWORD.into()),
    ];
    match pending {
        Some(crate::Challenge::NewPasswordRequired {
            user_attributes,
            required_attributes,
        }) => {
            let mut attributes: BTreeMap<String, String> = required_attributes
                .iter()
                .map(|name| (name.clone(), "fuzz".to_owned()))
                .collect();
            attributes.extend(user_attributes.clone());
            answers.push(ChallengeAnswer::NewPassword {
                password: NEW_PASSWORD.into(),
                attributes,
            });
        }
        Some(crate::Challenge::SelectMfaType(offered) | crate::Challenge::MfaSetup(offered)) => {
            answers.extend(offered.iter().cloned().map(ChallengeAnswer::SelectMfaType));
        }
        _ => {}
    }
    answers
}

/// An arbitrary challenge (name, parameters, AvailableChallenges) as the reply to InitiateAuth
/// or, with flag bit 1, to an MFA code; then every ChallengeAnswer variant on a fresh machine
/// each, plus suspend/resume.
pub fn challenge_params(data: &[u8]) {
    let mut inp = Input::new(data);
    let flags = inp.byte();
    let client_secret = flags & 1 != 0;
    let body = challenge_body(&mut inp).to_string();
    let response = HttpResponse::new(200, body.as_bytes());

    let at_challenge = || -> Option<SignIn> {
        let mut sign_in = if flags & 2 != 0 {
            sign_in_after_code(client_secret)?
        } else {
            let mut s = SignIn::new(config(client_secret), USERNAME, PASSWORD)
                .with_flow(crate::AuthFlow::UserPassword);
            s.start().ok()?;
            s
        };
        let mut oracle = SignInOracle { data, failed: None };
        let result = sign_in.handle_response(response, FIXED_NOW);
        oracle.observe(&sign_in, &result, |s| check_step(data, s));
        if let Ok(Step::Challenge(challenge)) = &result {
            assert_eq!(sign_in.status(), Status::AwaitingAnswer);
            assert_eq!(sign_in.pending_challenge(), Some(challenge));
        }
        (sign_in.status() == Status::AwaitingAnswer).then_some(sign_in)
    };
    if flags & 4 != 0 {
        // SRP flow: the same response after USER_SRP_AUTH (one g^a).
        let mut sign_in = SignIn::new(config(client_secret), USERNAME, PASSWORD);
        if sign_in.start().is_ok() {
            feed_sign_in(data, &mut sign_in, response, false);
        }
    }
    let Some(first) = at_challenge() else {
        return;
    };
    let pending = first.pending_challenge().cloned();

    // Suspend, serialize, resume: the same challenge.
    if let Some(suspended) = first.suspend() {
        assert_no_secret(data, "a SuspendedSignIn's Debug", &format!("{suspended:?}"));
        let json = serde_json::to_string(&suspended).unwrap_or_default();
        let back: Option<crate::SuspendedSignIn> = serde_json::from_str(&json).ok();
        assert_eq!(
            back.as_ref(),
            Some(&suspended),
            "suspend does not round-trip"
        );
        match SignIn::resume(config(client_secret), suspended) {
            Ok(resumed) => assert_eq!(resumed.pending_challenge(), pending.as_ref()),
            Err(e) => panic!("resume failed on a challenge that parsed: {e}"),
        }
    } else {
        panic!("a machine waiting for an answer cannot be suspended");
    }

    for answer in answers_for(&mut inp, pending.as_ref()) {
        let Some(mut sign_in) = at_challenge() else {
            return;
        };
        match sign_in.answer(answer) {
            Ok(request) => {
                check_request(data, &request);
                // MFA setup answers call AssociateSoftwareToken / VerifySoftwareToken.
                assert!(matches!(
                    request.operation(),
                    Operation::RespondToAuthChallenge
                        | Operation::AssociateSoftwareToken
                        | Operation::VerifySoftwareToken
                ));
                assert_eq!(
                    sign_in.status(),
                    Status::AwaitingResponse(request.operation())
                );
                let again = sign_in.answer(ChallengeAnswer::code("1"));
                assert!(again.is_err(), "answered twice");
            }
            Err(e) => {
                check_error(data, &e);
                assert!(
                    matches!(e, Error::ApiMisuse(_) | Error::InvalidInput(_)),
                    "a refused answer gave {e:?}"
                );
                assert_eq!(sign_in.status(), Status::AwaitingAnswer);
                assert_eq!(sign_in.pending_challenge(), pending.as_ref());
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Seeds.

/// A PASSWORD_VERIFIER as Cognito sends it (B < N, 16-byte salt, base64 SECRET_BLOCK).
fn seed_password_verifier_json() -> Value {
    let b: Vec<u8> = (0..384u16)
        .map(|i| u8::try_from((i * 37 + 11) % 256).unwrap_or(0) & 0x7f)
        .collect();
    let block: Vec<u8> = (0..96u8).map(|i| i.wrapping_mul(29)).collect();
    json!({
        "ChallengeName": "PASSWORD_VERIFIER",
        "Session": "AYABeFuzzSession",
        "ChallengeParameters": {
            "SALT": "d4f1b5a0c3e27f8812aa09b6e4d3c2b1",
            "SRP_B": hex(&b),
            "SECRET_BLOCK": base64::engine::general_purpose::STANDARD.encode(block),
            "USER_ID_FOR_SRP": "a1b2c3d4-internal",
            "USERNAME": "a1b2c3d4-internal",
        }
    })
}

fn seed_tokens_json(rotated: bool) -> Value {
    let claims = json!({ "sub": "5f0c", "username": "a1b2c3d4-internal", "token_use": "access",
                         "device_key": "us-east-1_dev" });
    let mut result = json!({ "AccessToken": jwt(&claims), "IdToken": jwt(&claims),
                             "ExpiresIn": 3600, "TokenType": "Bearer" });
    if rotated {
        set(
            &mut result,
            "RefreshToken",
            json!("eyJjdHkiOiJKV1QiLCJlbmMiOiJBMjU2R0NNIn0.rotated"),
        );
        set(
            &mut result,
            "NewDeviceMetadata",
            json!({ "DeviceKey": "us-east-1_dev", "DeviceGroupKey": "-grp" }),
        );
    }
    json!({ "AuthenticationResult": result, "ChallengeParameters": {} })
}

fn seed_challenge_json(name: &str, params: &Value) -> Value {
    json!({ "ChallengeName": name, "Session": "AYABeChallengeSession", "ChallengeParameters": params })
}

/// Realistic challenges: (file name, challenge JSON).
fn seed_challenges() -> Vec<(&'static str, Value)> {
    vec![
        (
            "sms_mfa",
            seed_challenge_json(
                "SMS_MFA",
                &json!({ "CODE_DELIVERY_DELIVERY_MEDIUM": "SMS",
                         "CODE_DELIVERY_DESTINATION": "+*******1234", "USER_ID_FOR_SRP": "a1b2c3d4-internal" }),
            ),
        ),
        (
            "software_token_mfa",
            seed_challenge_json("SOFTWARE_TOKEN_MFA", &json!({ "USER_ID_FOR_SRP": "a1b2" })),
        ),
        (
            "select_mfa_type",
            seed_challenge_json(
                "SELECT_MFA_TYPE",
                &json!({ "MFAS_CAN_CHOOSE": "[\"SMS_MFA\",\"SOFTWARE_TOKEN_MFA\"]", "USER_ID_FOR_SRP": "a1b2" }),
            ),
        ),
        (
            "mfa_setup_moto",
            seed_challenge_json(
                "MFA_SETUP",
                &json!({ "MFAS_CAN_SETUP": "['SOFTWARE_TOKEN_MFA']" }),
            ),
        ),
        (
            "new_password_required",
            seed_challenge_json(
                "NEW_PASSWORD_REQUIRED",
                &json!({ "userAttributes": "{\"email_verified\":\"true\",\"email\":\"alice@example.com\",\"phone_number\":\"+15555550100\"}",
                         "requiredAttributes": "[\"userAttributes.name\"]", "USER_ID_FOR_SRP": "a1b2" }),
            ),
        ),
        (
            "custom_challenge",
            seed_challenge_json(
                "CUSTOM_CHALLENGE",
                &json!({ "USERNAME": "a1b2", "question": "2+2?" }),
            ),
        ),
        (
            "email_otp",
            seed_challenge_json(
                "EMAIL_OTP",
                &json!({ "CODE_DELIVERY_DELIVERY_MEDIUM": "EMAIL", "CODE_DELIVERY_DESTINATION": "a***@e***" }),
            ),
        ),
        (
            "web_authn",
            seed_challenge_json(
                "WEB_AUTHN",
                &json!({ "CREDENTIAL_REQUEST_OPTIONS": "{\"challenge\":\"AAAA\",\"rpId\":\"example.com\"}" }),
            ),
        ),
    ]
}

/// The checked-in seed corpus: (target, file name, bytes). `tests/fuzz_regressions.rs`
/// checks that `fuzz/seeds/` holds exactly these (and writes them with
/// `COGNITO_FUZZ_WRITE_SEEDS=1`).
/// Differential check of the SRP arithmetic: two 384-byte numbers (each a shape byte,
/// then up to 384 bytes; shape 1 fills the rest with `0xFF`, 2 with zeros, else repeats
/// the bytes) are taken as Montgomery forms below N and multiplied and squared by this
/// crate and by crypto-bigint; the first also goes, with a shape-dependent number of
/// leading zero bytes, as S through the constant-time key derivation and through the
/// `hkdf` crate over padHex(S), with a salt of up to 33 bytes. Any disagreement panics.
pub fn arithmetic(data: &[u8]) {
    let mut input = Input::new(data);
    let mut number = || {
        let shape = input.byte();
        let given = input.bytes();
        let mut out = [0u8; 384];
        let fill: Box<dyn Iterator<Item = u8>> = match shape % 3 {
            1 => Box::new(given.iter().copied().chain(std::iter::repeat(0xff))),
            2 => Box::new(given.iter().copied().chain(std::iter::repeat(0))),
            _ if given.is_empty() => Box::new(std::iter::repeat(0)),
            _ => Box::new(given.iter().copied().cycle()),
        };
        for (o, b) in out.iter_mut().zip(fill) {
            *o = b;
        }
        (shape, out)
    };
    let (shape, x) = number();
    let (_, y) = number();
    crate::srp::differential::check_arithmetic(&x, &y);
    let mut s = x;
    let zeros = usize::from(shape / 3) * 3;
    s.iter_mut().take(zeros).for_each(|b| *b = 0);
    let salt = input.take(33);
    crate::srp::differential::check_session_key(&s, salt);
}

pub fn seeds() -> Vec<(&'static str, String, Vec<u8>)> {
    let mut out: Vec<(&'static str, String, Vec<u8>)> = Vec::new();
    let verifier = seed_password_verifier_json();
    let tokens = seed_tokens_json(true);

    // sign_in: op 0 = response, 2 = answer, 3 = start again.
    let srp_full = SeedWriter::new()
        .byte(0)
        .byte(0)
        .json_response(0, &verifier)
        .byte(0)
        .json_response(0, &tokens);
    out.push(("sign_in", "srp_full".into(), srp_full.finish()));
    let srp_secret_template = SeedWriter::new()
        .byte(2)
        .byte(0)
        .byte(0)
        .byte(0)
        .byte(BODY_PASSWORD_VERIFIER)
        .byte(0)
        .byte(0)
        .bytes(&[0xd4, 0xf1, 0xb5, 0xa0, 0xc3, 0xe2, 0x7f, 0x88])
        .byte(0)
        .bytes(&[0x42; 384])
        .byte(0)
        .bytes(&[0x17; 64])
        .string("a1b2c3d4-internal")
        .byte(0)
        .byte(0)
        .byte(0)
        .byte(BODY_TOKENS)
        .byte(0)
        .string("a1b2c3d4-internal");
    out.push((
        "sign_in",
        "srp_secret_template".into(),
        srp_secret_template.finish(),
    ));
    let for_challenges = seed_challenges();
    for (name, challenge) in &for_challenges {
        let answer = match *name {
            "select_mfa_type" => SeedWriter::new().byte(2).byte(2).byte(1),
            "mfa_setup_moto" => SeedWriter::new().byte(2).byte(2).byte(1),
            "new_password_required" => SeedWriter::new()
                .byte(2)
                .byte(3)
                .byte(1)
                .byte(5)
                .string("Alice"),
            "custom_challenge" => SeedWriter::new().byte(2).byte(5).string("4"),
            "web_authn" => SeedWriter::new()
                .byte(2)
                .byte(6)
                .string("{\"id\":\"cred\",\"response\":{}}"),
            _ => SeedWriter::new().byte(2).byte(0),
        };
        let bytes = SeedWriter::new()
            .byte(3)
            .byte(0)
            .json_response(0, challenge)
            .then(answer)
            .byte(0)
            .json_response(0, &tokens)
            .finish();
        out.push(("sign_in", format!("password_{name}"), bytes));
    }
    let mismatch = SeedWriter::new()
        .byte(1)
        .byte(0)
        .json_response(
            0,
            &for_challenges
                .first()
                .map(|c| c.1.clone())
                .unwrap_or_default(),
        )
        .byte(2)
        .byte(0)
        .byte(0)
        .error_response("CodeMismatchException", "Invalid code received for user")
        .byte(2)
        .byte(1)
        .string("654321")
        .byte(0)
        .json_response(0, &tokens);
    out.push((
        "sign_in",
        "password_code_mismatch".into(),
        mismatch.finish(),
    ));
    let failed = SeedWriter::new()
        .byte(0)
        .byte(0)
        .error_response("NotAuthorizedException", "Incorrect username or password.")
        .byte(3)
        .byte(2)
        .byte(0)
        .byte(0)
        .json_response(0, &tokens);
    out.push(("sign_in", "not_authorized_sticky".into(), failed.finish()));
    let unconfirmed = SeedWriter::new()
        .byte(1)
        .byte(0)
        .error_response("UserNotConfirmedException", "User is not confirmed.");
    out.push(("sign_in", "user_not_confirmed".into(), unconfirmed.finish()));

    // parse_response: flags, then one response.
    let mut responses = vec![
        (
            "password_verifier",
            SeedWriter::new().json_response(0, &verifier),
        ),
        (
            "tokens_rotated",
            SeedWriter::new().json_response(0, &tokens),
        ),
        (
            "tokens_kept",
            SeedWriter::new().json_response(0, &seed_tokens_json(false)),
        ),
        (
            "not_authorized",
            SeedWriter::new().error_response("NotAuthorizedException", "Invalid Refresh Token"),
        ),
        (
            "code_mismatch",
            SeedWriter::new().error_response("CodeMismatchException", "Invalid code"),
        ),
        (
            "throttled_body_only",
            SeedWriter::new().json_response(
                3,
                &json!({ "__type": "TooManyRequestsException", "message": "Rate exceeded" }),
            ),
        ),
        (
            "empty_200",
            SeedWriter::new().byte(0).byte(0).byte(BODY_RAW).bytes(b""),
        ),
    ];
    for (name, challenge) in &for_challenges {
        responses.push((name, SeedWriter::new().json_response(0, challenge)));
    }
    for (name, response) in responses {
        for flags in [0u8, 3] {
            let bytes = SeedWriter::new()
                .byte(flags)
                .then(response.clone())
                .finish();
            out.push(("parse_response", format!("{name}_{flags}"), bytes));
        }
    }

    // challenge_params: flags, then the challenge template (flags, name, params, available).
    /// (name, challenge index, [(parameter key index, value)]).
    type Template = (&'static str, u8, Vec<(u8, SeedWriter)>);
    let templates: Vec<Template> = vec![
        // (name, challenge index, [(param key index, value writer)])
        (
            "select_mfa_type",
            4,
            vec![(0, SeedWriter::new().byte(0).byte(2).byte(0).byte(1).byte(0))],
        ),
        (
            "mfa_setup_python",
            5,
            vec![(1, SeedWriter::new().byte(0).byte(1).byte(1).byte(1))],
        ),
        (
            "new_password_required",
            6,
            vec![
                (
                    2,
                    SeedWriter::new()
                        .byte(1)
                        .byte(3)
                        .byte(0)
                        .byte(0)
                        .string("alice@example.com")
                        .byte(1)
                        .byte(0)
                        .string("true")
                        .byte(4)
                        .byte(0)
                        .string("5f0c"),
                ),
                (3, SeedWriter::new().byte(0).byte(1).byte(4).byte(0)),
            ],
        ),
        (
            "sms_mfa",
            0,
            vec![
                (4, SeedWriter::new().byte(2).byte(0)),
                (5, SeedWriter::new().byte(2).byte(1)),
                (6, SeedWriter::new().byte(3).string("a1b2-internal")),
            ],
        ),
        (
            "custom_challenge",
            7,
            vec![(12, SeedWriter::new().byte(3).string("what is 2+2?"))],
        ),
        (
            "web_authn",
            9,
            vec![(
                8,
                SeedWriter::new().byte(3).string("{\"challenge\":\"AAAA\"}"),
            )],
        ),
        ("select_challenge", 8, vec![]),
        ("device_srp_auth", 10, vec![]),
    ];
    for (name, index, params) in templates {
        for flags in [0u8, 3, 4] {
            let mut w = SeedWriter::new()
                .byte(flags)
                .byte(0)
                .byte(index)
                .byte(u8::try_from(params.len()).unwrap_or(0));
            for (key, value) in &params {
                w = w.byte(*key).then(value.clone());
            }
            // AvailableChallenges: PASSWORD, EMAIL_OTP; then answer strings.
            let w = w
                .byte(2)
                .byte(13)
                .byte(2)
                .string("000000")
                .string("Other")
                .byte(1)
                .byte(5)
                .string("Alice")
                .string("4")
                .string("{}");
            out.push(("challenge_params", format!("{name}_{flags}"), w.finish()));
        }
    }

    // srp_password_claim: flags, salt, B, secret block, [pool], user id, [password], secs.
    let claim = |flags: u8, b: SeedWriter| {
        SeedWriter::new()
            .byte(flags)
            .byte(0)
            .bytes(&[0xd4, 0xf1, 0xb5, 0xa0, 0xc3, 0xe2, 0x7f, 0x88, 0x12, 0xaa])
            .then(b)
            .byte(0)
            .bytes(&[0x17; 48])
            .string("a1b2c3d4-internal")
            .raw(&FIXED_NOW.as_secs().to_le_bytes())
            .bytes(&[0x01; 16])
            .finish()
    };
    out.push((
        "srp_password_claim",
        "valid_b".into(),
        claim(8, SeedWriter::new().byte(0).bytes(&[0x42; 384])),
    ));
    out.push((
        "srp_password_claim",
        "b_is_n".into(),
        claim(0, SeedWriter::new().byte(2).bytes(&[1]).byte(0)),
    ));
    out.push((
        "srp_password_claim",
        "b_is_zero".into(),
        claim(0, SeedWriter::new().byte(2).bytes(&[]).byte(5)),
    ));
    out.push((
        "srp_password_claim",
        "b_is_3n_upper".into(),
        claim(0, SeedWriter::new().byte(2).bytes(&[3]).byte(1)),
    ));
    out.push((
        "srp_password_claim",
        "b_too_long".into(),
        claim(0, SeedWriter::new().byte(3).bytes(&[0x99; 200])),
    ));
    out.push((
        "srp_password_claim",
        "b_negative".into(),
        claim(0, SeedWriter::new().byte(4).string("-1f")),
    ));

    // arithmetic: shape and bytes of x, of y, then the salt.
    let number = |shape: u8, bytes: &[u8]| SeedWriter::new().byte(shape).bytes(bytes);
    let arithmetic = [
        ("all_ones", number(1, &[]), number(1, &[])),
        ("zero_and_ones", number(2, &[]), number(1, &[0x7f])),
        (
            "top_bit_clear",
            number(0, &[0x7f, 0xff]),
            number(0, &[0x80, 0x01]),
        ),
        (
            "leading_zero_bytes",
            number(3 * 40, &[0x80, 0x3c, 0x9e]),
            number(0, &[0x5a]),
        ),
        ("s_is_zero", number(2, &[]), number(0, &[0x01])),
    ];
    for (name, x, y) in arithmetic {
        let seed = x.then(y).bytes(&[0x00, 0xc4, 0x19, 0x77]).finish();
        out.push(("arithmetic", name.into(), seed));
    }
    out
}
