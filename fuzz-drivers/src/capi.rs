//! The C ABI (`cognito-auth-capi`) through its `extern "C"` functions, as a C caller would use
//! them: arbitrary and non-UTF-8 text, null pointers, garbage replies, calls in any order on
//! any handle. Every call must return a typed result code (never `COGNITO_RESULT_PANIC`), set
//! the last error message exactly when it fails (without a secret the input did not carry),
//! leave every out-buffer unset on failure, and hand out NUL-terminated buffers that the
//! matching `*_free` releases and resets.
//!
//! The `unsafe` blocks call the C ABI; each passes pointers to live Rust values of the
//! right type and length, which is the whole of the functions' safety contracts.
#![allow(unsafe_code)]

use std::ffi::{CStr, c_char};
use std::ptr;

use cognito_auth_capi::*;
use serde_json::Value;

use crate::device::tokens_json;
use crate::input::*;
use crate::oracle::*;
use crate::responses::*;
use crate::*;

mod keys;
mod login;

/// One text argument as a C caller may pass it.
struct Arg {
    bytes: Vec<u8>,
    /// Null pointer, with `len` (a non-zero one is the caller's mistake).
    null: bool,
    len: usize,
}

impl Arg {
    /// Mode byte: a known good value, a string from the input, raw bytes (maybe not UTF-8),
    /// null with length 0, null with a length.
    fn decode(inp: &mut Input<'_>, good: &str) -> Self {
        let text = |bytes: Vec<u8>| Arg {
            len: bytes.len(),
            bytes,
            null: false,
        };
        match inp.byte() % 8 {
            0..=3 => text(good.as_bytes().to_vec()),
            4 => text(inp.string().into_bytes()),
            5 => text(inp.bytes().to_vec()),
            6 => Arg {
                bytes: Vec::new(),
                null: true,
                len: 0,
            },
            _ => Arg {
                bytes: Vec::new(),
                null: true,
                len: usize::from(inp.byte()) + 1,
            },
        }
    }

    fn ptr(&self) -> *const u8 {
        if self.null {
            ptr::null()
        } else {
            self.bytes.as_ptr()
        }
    }

    /// A caller's mistake the call must refuse: null with a length, or not UTF-8.
    fn is_bad(&self) -> bool {
        (self.null && self.len > 0) || std::str::from_utf8(&self.bytes).is_err()
    }
}

/// A reply with its headers as C sees them (one maybe not UTF-8).
struct Reply {
    status: u16,
    names: Vec<Vec<u8>>,
    values: Vec<Vec<u8>>,
    body: Vec<u8>,
    now: u64,
}

impl Reply {
    fn decode(inp: &mut Input<'_>) -> Self {
        let owned = OwnedResponse::decode(inp);
        let (status, headers, body) = owned.parts();
        let (mut names, mut values): (Vec<_>, Vec<_>) = headers
            .iter()
            .map(|(n, v)| (n.clone().into_bytes(), v.clone().into_bytes()))
            .unzip();
        if inp.byte().is_multiple_of(4) {
            names.push(b"x-amzn-ErrorType".to_vec());
            values.push(inp.bytes().to_vec());
        }
        let now = match inp.byte() % 4 {
            0 => FIXED_NOW.as_secs(),
            1 => FIXED_NOW.as_secs() + u64::from(inp.u16()),
            _ => inp.u64(),
        };
        Self {
            status,
            names,
            values,
            body: body.to_vec(),
            now,
        }
    }

    fn headers(&self) -> Vec<CognitoHeader> {
        self.names
            .iter()
            .zip(&self.values)
            .map(|(n, v)| CognitoHeader {
                name: n.as_ptr(),
                name_len: n.len(),
                value: v.as_ptr(),
                value_len: v.len(),
            })
            .collect()
    }
}

/// This thread's last error message.
fn last_error() -> String {
    let message: *const c_char = cognito_last_error_message();
    assert!(!message.is_null(), "cognito_last_error_message gave null");
    // SAFETY: never null (checked), a NUL-terminated string owned by the library and valid
    // until the next call on this thread; copied out at once.
    unsafe { CStr::from_ptr(message) }
        .to_string_lossy()
        .into_owned()
}

/// The result code and the last error agree; no panic; no secret in the message; a call given
/// a bad argument fails.
fn check(data: &[u8], what: &str, code: CognitoResult, bad_args: bool) -> bool {
    assert_ne!(code, CognitoResult::Panic, "{what}: {}", last_error());
    let message = last_error();
    if code == CognitoResult::Ok {
        assert!(!bad_args, "{what} accepted a null or non-UTF-8 argument");
        assert!(
            message.is_empty(),
            "{what} succeeded with an error: {message}"
        );
        return true;
    }
    assert!(
        !message.is_empty(),
        "{what} failed ({code:?}) without a message"
    );
    assert_no_secret(data, "the C ABI's last error message", &message);
    false
}

/// A buffer out of the library: NUL-terminated when set.
fn check_bytes(bytes: &CognitoBytes) -> Option<Vec<u8>> {
    if bytes.data.is_null() {
        assert_eq!(bytes.len, 0, "an unset buffer with a length");
        return None;
    }
    // SAFETY: a buffer the library set: `len` bytes and a NUL at `data`.
    let whole = unsafe { std::slice::from_raw_parts(bytes.data, bytes.len + 1) };
    assert_eq!(whole.last(), Some(&0), "a buffer without its NUL");
    Some(whole[..bytes.len].to_vec())
}

fn free_bytes(bytes: &mut CognitoBytes) {
    // SAFETY: a buffer the library set (or unset), freed once.
    unsafe { cognito_bytes_free(bytes) };
    assert!(
        bytes.data.is_null() && bytes.len == 0,
        "a freed buffer is still set"
    );
}

/// A request out: all set and its body JSON, or all unset; freed and reset.
fn take_request(request: &mut CognitoRequest, ok: bool) {
    let parts = [
        &request.url,
        &request.method,
        &request.target,
        &request.content_type,
    ];
    let set: Vec<_> = parts.iter().map(|b| check_bytes(b)).collect();
    let body = check_bytes(&request.body);
    if ok {
        assert!(
            set.iter().all(Option::is_some),
            "a request with unset parts"
        );
        let body = body.unwrap_or_default();
        assert!(
            serde_json::from_slice::<Value>(&body).is_ok(),
            "a request body is not JSON"
        );
    } else {
        assert!(
            set.iter().all(Option::is_none) && body.is_none(),
            "a failed call left a request set"
        );
    }
    // SAFETY: the request the library filled (or left unset), freed once.
    unsafe { cognito_request_free(request) };
    assert!(request.body.data.is_null() && request.url.data.is_null());
}

const OPERATIONS: [&str; 6] = [
    "GetUser",
    "SignUp",
    "ChangePassword",
    "GlobalSignOut",
    "AdminGetUser",
    "ForgotPassword",
];

/// Sign-in options (`cognito_sign_in_new_with_options`), one picked by a byte.
const OPTIONS: [&str; 6] = [
    r#"{"flow":"USER_PASSWORD_AUTH"}"#,
    r#"{"flow":"USER_AUTH","preferred_challenge":"EMAIL_OTP"}"#,
    r#"{"flow":"CUSTOM_AUTH","client_metadata":{"k":"v"}}"#,
    r#"{"flow":"USER_AUTH","session":"fuzz-Session-s3cret-1"}"#,
    r#"{"device":{"device_key":"us-east-1_k1","device_group_key":"-g","device_password":"fuzz-device-secret","user_sub":"5f0c"}}"#,
    r#"{"totp_issuer":"Fuzz","totp_account":"alice"}"#,
];

/// Answers (`cognito_sign_in_answer`), one picked by a byte.
const ANSWERS: [&str; 8] = [
    r#"{"type":"CODE","code":"123456"}"#,
    r#"{"type":"SELECT_MFA_TYPE","mfa":"SOFTWARE_TOKEN_MFA"}"#,
    r#"{"type":"NEW_PASSWORD","password":"N3w-Pa55w0rd!fuzz-secret","attributes":{"name":"A"}}"#,
    r#"{"type":"CUSTOM","answer":"42"}"#,
    r#"{"type":"SET_UP_TOTP"}"#,
    r#"{"type":"VERIFY_TOTP","code":"123456","friendly_name":"phone"}"#,
    r#"{"type":"SELECT_FIRST_FACTOR","factor":"PASSWORD"}"#,
    r#"{"type":"PASSWORD","password":"Pa55w0rd!fuzz-user-secret"}"#,
];

/// The handles a C program holds; freed at the end.
struct Handles {
    config: *mut CognitoConfig,
    sign_in: *mut CognitoSignIn,
    manager: *mut CognitoTokenManager,
    confirmation: *mut CognitoDeviceConfirmation,
    /// The last suspended sign-in, for `cognito_sign_in_resume`.
    suspended: String,
    /// Managed login and the token verifier.
    login: login::LoginHandles,
}

impl Drop for Handles {
    fn drop(&mut self) {
        // SAFETY: each is null or a live handle from its `*_new`, freed once here.
        unsafe {
            cognito_sign_in_free(self.sign_in);
            cognito_token_manager_free(self.manager);
            cognito_device_confirmation_free(self.confirmation);
            cognito_config_free(self.config);
        }
    }
}

/// Up to 32 calls, each chosen by one byte: its low 7 bits from 104 up pick a managed-login or
/// verifier call (see [`login::call`]), the others modulo 24 one of the match below; a handle
/// argument is the live one or, by the byte's high bit, null.
pub fn capi(data: &[u8]) {
    let mut inp = Input::new(data);
    let mut h = Handles {
        config: ptr::null_mut(),
        sign_in: ptr::null_mut(),
        manager: ptr::null_mut(),
        confirmation: ptr::null_mut(),
        suspended: "{}".to_owned(),
        login: login::LoginHandles::new(),
    };
    for _ in 0..32 {
        if inp.is_empty() {
            break;
        }
        let op = inp.byte();
        let null_handle = op & 0x80 != 0;
        let call = (op & 0x7f) % 24;
        let config = held(null_handle, h.config);
        if op & 0x7f >= 104 {
            login::call(
                &mut h.login,
                data,
                &mut inp,
                (op & 0x7f) - 104,
                config,
                null_handle,
            );
            continue;
        }
        let sign_in = held(null_handle, h.sign_in);
        let manager = held(null_handle, h.manager);
        let confirmation = held(null_handle, h.confirmation);
        // SAFETY (every call below): pointers to live locals of the declared types and
        // lengths, handles null or live.
        unsafe {
            match call {
                0 => {
                    let pool = Arg::decode(&mut inp, POOL_ID);
                    let client = Arg::decode(&mut inp, crate::CLIENT_ID);
                    let secret = Arg::decode(&mut inp, CLIENT_SECRET);
                    let endpoint = Arg::decode(&mut inp, "http://127.0.0.1:9229");
                    let mut out = ptr::null_mut();
                    let code = cognito_config_new(
                        pool.ptr(),
                        pool.len,
                        client.ptr(),
                        client.len,
                        secret.ptr(),
                        secret.len,
                        endpoint.ptr(),
                        endpoint.len,
                        &mut out,
                    );
                    let bad = [&pool, &client, &secret, &endpoint]
                        .iter()
                        .any(|a| a.is_bad());
                    if check(data, "cognito_config_new", code, bad) {
                        assert!(!out.is_null());
                        cognito_config_free(h.config);
                        h.config = out;
                    } else {
                        assert!(out.is_null(), "a failed config_new wrote a handle");
                    }
                }
                1 => {
                    let user = Arg::decode(&mut inp, crate::USERNAME);
                    let password = Arg::decode(&mut inp, PASSWORD);
                    let mut out = ptr::null_mut();
                    let code = cognito_sign_in_new(
                        config,
                        user.ptr(),
                        user.len,
                        password.ptr(),
                        password.len,
                        &mut out,
                    );
                    let bad = config.is_null() || user.is_bad() || password.is_bad();
                    if check(data, "cognito_sign_in_new", code, bad) {
                        cognito_sign_in_free(h.sign_in);
                        h.sign_in = out;
                    } else {
                        assert!(out.is_null());
                    }
                }
                2 => {
                    let mut request = zeroed_request();
                    let code = cognito_sign_in_start(sign_in, &mut request);
                    let ok = check(data, "cognito_sign_in_start", code, sign_in.is_null());
                    take_request(&mut request, ok);
                }
                3 => {
                    let reply = Reply::decode(&mut inp);
                    let headers = reply.headers();
                    let mut step = zeroed_step();
                    let code = cognito_sign_in_handle_response(
                        sign_in,
                        reply.status,
                        headers.as_ptr(),
                        headers.len(),
                        reply.body.as_ptr(),
                        reply.body.len(),
                        reply.now,
                        &mut step,
                    );
                    let ok = check(
                        data,
                        "cognito_sign_in_handle_response",
                        code,
                        sign_in.is_null(),
                    );
                    take_step(&mut step, ok);
                }
                4 => {
                    let code_arg = Arg::decode(&mut inp, "123456");
                    let mut request = zeroed_request();
                    let code = cognito_sign_in_answer_code(
                        sign_in,
                        code_arg.ptr(),
                        code_arg.len,
                        &mut request,
                    );
                    let bad = sign_in.is_null() || code_arg.is_bad();
                    let ok = check(data, "cognito_sign_in_answer_code", code, bad);
                    take_request(&mut request, ok);
                }
                5 => {
                    let mut status = 0u32;
                    let out: *mut u32 = if inp.byte() & 1 == 0 {
                        &mut status
                    } else {
                        ptr::null_mut()
                    };
                    let code = cognito_sign_in_status(sign_in, out);
                    if check(
                        data,
                        "cognito_sign_in_status",
                        code,
                        sign_in.is_null() || out.is_null(),
                    ) {
                        assert!((1..=5).contains(&status), "a status {status}");
                    }
                }
                6 => {
                    let secret = Arg::decode(&mut inp, TOTP_SECRET);
                    let mut out = unset();
                    let code = cognito_totp_code(secret.ptr(), secret.len, inp.u64(), &mut out);
                    if check(data, "cognito_totp_code", code, secret.is_bad()) {
                        let digits = check_bytes(&out).unwrap_or_default();
                        assert!(digits.len() == 6 && digits.iter().all(u8::is_ascii_digit));
                    } else {
                        assert!(check_bytes(&out).is_none());
                    }
                    free_bytes(&mut out);
                }
                7 => {
                    let good = OPERATIONS[usize::from(inp.byte()) % OPERATIONS.len()];
                    let operation = Arg::decode(&mut inp, good);
                    let input = Arg::decode(&mut inp, r#"{"AccessToken":"eyJ.e30.sig"}"#);
                    let mut request = zeroed_request();
                    let code = cognito_account_request(
                        config,
                        operation.ptr(),
                        operation.len,
                        input.ptr(),
                        input.len,
                        &mut request,
                    );
                    let bad = config.is_null() || operation.is_bad() || input.is_bad();
                    let ok = check(data, "cognito_account_request", code, bad);
                    take_request(&mut request, ok);
                }
                8 => {
                    let good = OPERATIONS[usize::from(inp.byte()) % OPERATIONS.len()];
                    let operation = Arg::decode(&mut inp, good);
                    let reply = Reply::decode(&mut inp);
                    let headers = reply.headers();
                    let mut out = unset();
                    let code = cognito_account_response(
                        operation.ptr(),
                        operation.len,
                        reply.status,
                        headers.as_ptr(),
                        headers.len(),
                        reply.body.as_ptr(),
                        reply.body.len(),
                        &mut out,
                    );
                    if check(data, "cognito_account_response", code, operation.is_bad()) {
                        let json = check_bytes(&out).unwrap_or_default();
                        assert!(
                            serde_json::from_slice::<Value>(&json).is_ok(),
                            "output not JSON"
                        );
                    } else {
                        assert!(check_bytes(&out).is_none());
                    }
                    free_bytes(&mut out);
                }
                9 => {
                    let claims = serde_json::json!({ "sub": "5f0c", "token_use": "access" });
                    let expires_in = u64::from(inp.u16());
                    let template = tokens_json(
                        &claims,
                        &claims,
                        expires_in,
                        FIXED_NOW.as_secs() + expires_in,
                        Some(REFRESH_TOKEN),
                        None,
                    )
                    .to_string();
                    let json = Arg::decode(&mut inp, &template);
                    let mut out = ptr::null_mut();
                    let code = cognito_token_manager_new(config, json.ptr(), json.len, &mut out);
                    let bad = config.is_null() || json.is_bad();
                    if check(data, "cognito_token_manager_new", code, bad) {
                        cognito_token_manager_free(h.manager);
                        h.manager = out;
                    } else {
                        assert!(out.is_null());
                    }
                }
                10 => {
                    let now = FIXED_NOW.as_secs() + u64::from(inp.u16()) * 4;
                    let mut request = zeroed_request();
                    let mut has = true;
                    let code =
                        cognito_token_manager_poll_refresh(manager, now, &mut request, &mut has);
                    let ok = check(
                        data,
                        "cognito_token_manager_poll_refresh",
                        code,
                        manager.is_null(),
                    );
                    assert!(ok || !has, "a failed poll says it has a request");
                    take_request(&mut request, ok && has);
                }
                11 => {
                    let reply = Reply::decode(&mut inp);
                    let headers = reply.headers();
                    let mut outcome = 7u32;
                    let mut tokens = unset();
                    let code = cognito_token_manager_handle_response(
                        manager,
                        reply.status,
                        headers.as_ptr(),
                        headers.len(),
                        reply.body.as_ptr(),
                        reply.body.len(),
                        reply.now,
                        &mut outcome,
                        &mut tokens,
                    );
                    let ok = check(
                        data,
                        "cognito_token_manager_handle_response",
                        code,
                        manager.is_null(),
                    );
                    let json = check_bytes(&tokens);
                    if ok {
                        assert!((1..=3).contains(&outcome), "an outcome {outcome}");
                        let refreshed = outcome == CognitoRefreshOutcome::Refreshed as u32;
                        assert_eq!(json.is_some(), refreshed, "tokens out iff refreshed");
                    } else {
                        assert!(json.is_none() && outcome == 0);
                    }
                    free_bytes(&mut tokens);
                }
                12 => {
                    let code = cognito_token_manager_handle_transport_failure(
                        manager,
                        reply_now(&mut inp),
                    );
                    check(
                        data,
                        "cognito_token_manager_handle_transport_failure",
                        code,
                        manager.is_null(),
                    );
                }
                13 => {
                    let (mut at, mut has) = (1u64, true);
                    let code = cognito_token_manager_next_refresh_at(manager, &mut at, &mut has);
                    if !check(
                        data,
                        "cognito_token_manager_next_refresh_at",
                        code,
                        manager.is_null(),
                    ) || !has
                    {
                        assert!(at == 0 && !has, "unset time written as {at}");
                    }
                }
                14 => {
                    let mut tokens = unset();
                    let code = cognito_token_manager_tokens(manager, &mut tokens);
                    check(
                        data,
                        "cognito_token_manager_tokens",
                        code,
                        manager.is_null(),
                    );
                    if let Some(json) = check_bytes(&tokens) {
                        assert!(
                            serde_json::from_slice::<Value>(&json).is_ok(),
                            "tokens not JSON"
                        );
                    }
                    free_bytes(&mut tokens);
                }
                16 => {
                    let user = Arg::decode(&mut inp, crate::USERNAME);
                    let password = Arg::decode(&mut inp, PASSWORD);
                    let good = OPTIONS[usize::from(inp.byte()) % OPTIONS.len()];
                    let options = Arg::decode(&mut inp, good);
                    let mut out = ptr::null_mut();
                    let code = cognito_sign_in_new_with_options(
                        config,
                        user.ptr(),
                        user.len,
                        password.ptr(),
                        password.len,
                        options.ptr(),
                        options.len,
                        &mut out,
                    );
                    let bad =
                        config.is_null() || [&user, &password, &options].iter().any(|a| a.is_bad());
                    if check(data, "cognito_sign_in_new_with_options", code, bad) {
                        cognito_sign_in_free(h.sign_in);
                        h.sign_in = out;
                    } else {
                        assert!(out.is_null());
                    }
                }
                17 => {
                    let good = ANSWERS[usize::from(inp.byte()) % ANSWERS.len()];
                    let answer = Arg::decode(&mut inp, good);
                    let mut request = zeroed_request();
                    let code =
                        cognito_sign_in_answer(sign_in, answer.ptr(), answer.len, &mut request);
                    let bad = sign_in.is_null() || answer.is_bad();
                    let ok = check(data, "cognito_sign_in_answer", code, bad);
                    take_request(&mut request, ok);
                }
                18 | 19 => {
                    let mut out = unset();
                    let (what, code) = if call == 18 {
                        (
                            "cognito_sign_in_challenge",
                            cognito_sign_in_challenge(sign_in, &mut out),
                        )
                    } else {
                        (
                            "cognito_sign_in_suspend",
                            cognito_sign_in_suspend(sign_in, &mut out),
                        )
                    };
                    if check(data, what, code, sign_in.is_null()) {
                        let json = check_bytes(&out).unwrap_or_default();
                        assert!(
                            serde_json::from_slice::<Value>(&json).is_ok(),
                            "{what}: not JSON"
                        );
                        if call == 19 {
                            h.suspended = String::from_utf8_lossy(&json).into_owned();
                        }
                    } else {
                        assert!(check_bytes(&out).is_none());
                    }
                    free_bytes(&mut out);
                }
                20 => {
                    let json = Arg::decode(&mut inp, &h.suspended.clone());
                    let mut out = ptr::null_mut();
                    let code = cognito_sign_in_resume(config, json.ptr(), json.len, &mut out);
                    let bad = config.is_null() || json.is_bad();
                    if check(data, "cognito_sign_in_resume", code, bad) {
                        cognito_sign_in_free(h.sign_in);
                        h.sign_in = out;
                    } else {
                        assert!(out.is_null());
                    }
                }
                21 => {
                    let claims = serde_json::json!({ "sub": "5f0c", "token_use": "access" });
                    let device = Some(("us-east-1_k1".to_owned(), "-grp".to_owned()));
                    let template = tokens_json(
                        &claims,
                        &claims,
                        3600,
                        FIXED_NOW.as_secs() + 3600,
                        Some(REFRESH_TOKEN),
                        device,
                    )
                    .to_string();
                    let json = Arg::decode(&mut inp, &template);
                    let mut out = ptr::null_mut();
                    let code =
                        cognito_device_confirmation_new(config, json.ptr(), json.len, &mut out);
                    let bad = config.is_null() || json.is_bad();
                    if check(data, "cognito_device_confirmation_new", code, bad) {
                        cognito_device_confirmation_free(h.confirmation);
                        h.confirmation = out;
                    } else {
                        assert!(out.is_null());
                    }
                }
                22 => {
                    let mut request = zeroed_request();
                    let (what, code, bad) = if inp.byte() & 1 == 0 {
                        let name = Arg::decode(&mut inp, "Fuzz phone");
                        let code = cognito_device_confirmation_start(
                            confirmation,
                            name.ptr(),
                            name.len,
                            &mut request,
                        );
                        ("cognito_device_confirmation_start", code, name.is_bad())
                    } else {
                        let remember = inp.byte() & 1 == 1;
                        let code = cognito_device_confirmation_remember(
                            confirmation,
                            remember,
                            &mut request,
                        );
                        ("cognito_device_confirmation_remember", code, false)
                    };
                    let ok = check(data, what, code, bad || confirmation.is_null());
                    take_request(&mut request, ok);
                }
                23 => {
                    let status_reply = inp.byte() & 1 == 1;
                    let reply = Reply::decode(&mut inp);
                    let headers = reply.headers();
                    if status_reply {
                        let code = cognito_device_confirmation_handle_status_response(
                            confirmation,
                            reply.status,
                            headers.as_ptr(),
                            headers.len(),
                            reply.body.as_ptr(),
                            reply.body.len(),
                        );
                        let what = "cognito_device_confirmation_handle_status_response";
                        check(data, what, code, confirmation.is_null());
                    } else {
                        let mut device = unset();
                        let mut necessary = true;
                        let code = cognito_device_confirmation_handle_response(
                            confirmation,
                            reply.status,
                            headers.as_ptr(),
                            headers.len(),
                            reply.body.as_ptr(),
                            reply.body.len(),
                            &mut device,
                            &mut necessary,
                        );
                        let what = "cognito_device_confirmation_handle_response";
                        let json = check_bytes(&device);
                        if check(data, what, code, confirmation.is_null()) {
                            let json = json.unwrap_or_default();
                            assert!(serde_json::from_slice::<Value>(&json).is_ok(), "not JSON");
                        } else {
                            assert!(json.is_none() && !necessary, "a failure left outputs set");
                        }
                        free_bytes(&mut device);
                    }
                }
                _ => match inp.byte() % 4 {
                    0 => {
                        cognito_config_free(h.config);
                        h.config = ptr::null_mut();
                    }
                    1 => {
                        cognito_sign_in_free(h.sign_in);
                        h.sign_in = ptr::null_mut();
                    }
                    2 => {
                        cognito_device_confirmation_free(h.confirmation);
                        h.confirmation = ptr::null_mut();
                    }
                    _ => {
                        cognito_token_manager_free(h.manager);
                        h.manager = ptr::null_mut();
                    }
                },
            }
        }
    }
}

/// A handle argument: the live one, or null when the call byte says so.
fn held<T>(null_handle: bool, handle: *mut T) -> *const T {
    if null_handle {
        ptr::null()
    } else {
        handle.cast_const()
    }
}

fn reply_now(inp: &mut Input<'_>) -> u64 {
    FIXED_NOW.as_secs() + u64::from(inp.u16()) * 4
}

/// An unset buffer, as a C caller zero-initializes one.
fn unset() -> CognitoBytes {
    CognitoBytes {
        data: ptr::null_mut(),
        len: 0,
    }
}

fn zeroed_request() -> CognitoRequest {
    CognitoRequest {
        url: unset(),
        method: unset(),
        target: unset(),
        content_type: unset(),
        body: unset(),
    }
}

fn zeroed_step() -> CognitoStep {
    CognitoStep {
        kind: 0,
        request: zeroed_request(),
        challenge_name: unset(),
        tokens_json: unset(),
        device_key: unset(),
    }
}

/// A step out: its kind's buffers set and no others (all unset on failure); freed and reset.
fn take_step(step: &mut CognitoStep, ok: bool) {
    let kind = step.kind;
    let request = check_bytes(&step.request.body).is_some();
    let challenge = check_bytes(&step.challenge_name).is_some();
    let tokens = check_bytes(&step.tokens_json);
    let device = check_bytes(&step.device_key).is_some();
    if !ok {
        assert!(kind == 0 && !request && !challenge && tokens.is_none() && !device);
    } else {
        let want = |k: CognitoStepKind| kind == k as u32;
        assert!((1..=6).contains(&kind), "a step kind {kind}");
        assert_eq!(
            request,
            want(CognitoStepKind::Send) || want(CognitoStepKind::DeviceForgotten)
        );
        assert_eq!(challenge, want(CognitoStepKind::Challenge));
        assert_eq!(tokens.is_some(), want(CognitoStepKind::Done));
        assert_eq!(device, want(CognitoStepKind::DeviceForgotten));
        if let Some(json) = tokens {
            assert!(
                serde_json::from_slice::<Value>(&json).is_ok(),
                "tokens not JSON"
            );
        }
    }
    // SAFETY: the step the library filled (or left unset), freed once.
    unsafe { cognito_step_free(step) };
    assert!(step.kind == 0 && step.request.body.data.is_null() && step.tokens_json.data.is_null());
}
