//! Managed login (`cognito_managed_login_*`) and token verification (`cognito_jwt_*`) through
//! the C ABI, under the oracle of [`super`]: each call returns one of the codes its doc
//! names, and on failure sets a message, leaves its outputs unset and shows none of the
//! login's PKCE verifier, state or nonce, nor a token. A verifier accepts only the tokens of
//! [`keys`], with their own claims, inside their lifetime.

use std::ptr;

use cognito_auth_capi::*;
use serde_json::{Value, json};

use super::keys::{ACCESS_TOKEN, ID_TOKEN, JWKS};
use super::{Arg, Reply, check, check_bytes, free_bytes, held, unset};
use crate::input::Input;
use crate::oracle::assert_no_secret;
use crate::responses::jwt_signed;
use crate::*;

/// The ID token's nonce (see [`keys`](super::keys)).
const NONCE: &str = "fuzz-nonce-0001";
/// The verifier's default leeway on `exp` and `iat`.
const LEEWAY: u64 = 60;

/// Authorize options, one picked by a byte.
const OPTIONS: [&str; 5] = [
    "",
    r#"{"scopes":["openid","email"],"lang":"fr"}"#,
    r#"{"identity_provider":"Google","login_hint":"alice"}"#,
    r#"{"scopes":["bad scope"]}"#,
    r#"{"idp_identifier":"corp","nope":"x"}"#,
];

/// The managed-login and verifier handles, and what the calls on them handed out.
pub(super) struct LoginHandles {
    login: *mut CognitoManagedLogin,
    verifier: *mut CognitoJwtVerifier,
    /// The last pending login (JSON) and its secrets: verifier, state, nonce.
    pending: String,
    secrets: Vec<String>,
    state: String,
}

impl LoginHandles {
    pub(super) fn new() -> Self {
        Self {
            login: ptr::null_mut(),
            verifier: ptr::null_mut(),
            pending: "{}".to_owned(),
            secrets: Vec::new(),
            state: String::new(),
        }
    }

    /// `check`, plus: the code is one `allowed` (or a caller's mistake), and the message shows
    /// no secret of a login or a signed token.
    fn check(
        &self,
        data: &[u8],
        what: &str,
        code: CognitoResult,
        bad: bool,
        allowed: &[CognitoResult],
    ) -> bool {
        let ok = check(data, what, code, bad);
        let mistakes = [
            CognitoResult::NullParameter,
            CognitoResult::InvalidUtf8,
            CognitoResult::InvalidLength,
        ];
        assert!(
            ok || allowed.contains(&code) || mistakes.contains(&code),
            "{what}: an undocumented result {code:?}"
        );
        if !ok {
            let message = super::last_error();
            let signatures = [ID_TOKEN, ACCESS_TOKEN].map(|t| t.rsplit('.').next().unwrap_or(t));
            for secret in self.secrets.iter().map(String::as_str).chain(signatures) {
                assert!(
                    !message.contains(secret),
                    "{what}'s message shows a secret: {message}"
                );
            }
            assert_no_secret(data, "the C ABI's last error message", &message);
        }
        ok
    }
}

impl Drop for LoginHandles {
    fn drop(&mut self) {
        // SAFETY: each is null or a live handle from its `*_new`, freed once here.
        unsafe {
            cognito_managed_login_free(self.login);
            cognito_jwt_verifier_free(self.verifier);
        }
    }
}

/// A token endpoint's (or userInfo's) reply: garbage, or OAuth-shaped with parts missing or odd.
fn oauth_reply(inp: &mut Input<'_>) -> Reply {
    let flags = inp.byte();
    if flags & 3 == 0 {
        return Reply::decode(inp);
    }
    let claims = json!({ "sub": "5f0c", "token_use": "access", "exp": inp.u64() });
    let mut body = serde_json::Map::new();
    if flags & 4 == 0 {
        body.insert(
            "access_token".into(),
            json!(jwt_signed(&claims, ACCESS_TOKEN_MARKER)),
        );
    }
    if flags & 8 == 0 {
        body.insert(
            "id_token".into(),
            json!(jwt_signed(&claims, ID_TOKEN_MARKER)),
        );
    }
    if flags & 16 == 0 {
        body.insert("refresh_token".into(), json!(ROTATED_REFRESH_TOKEN));
    }
    if flags & 32 == 0 {
        body.insert("expires_in".into(), json!(inp.u64() % 100_000));
        body.insert("token_type".into(), json!("Bearer"));
    }
    if flags & 64 != 0 {
        body.insert("error".into(), json!(inp.string()));
        body.insert("error_description".into(), json!(inp.string()));
    }
    if flags & 128 != 0 {
        body.insert("sub".into(), json!(inp.string()));
        body.insert("email".into(), json!("a@example.com"));
    }
    let status = if flags & 64 != 0 { 400 } else { 200 };
    Reply {
        status,
        names: vec![b"Content-Type".to_vec()],
        values: vec![b"application/json".to_vec()],
        body: Value::Object(body).to_string().into_bytes(),
        now: FIXED_NOW.as_secs() + u64::from(inp.u16()),
    }
}

/// An unset request, as a C caller zero-initializes one.
fn zeroed_oauth_request() -> CognitoOAuthRequest {
    CognitoOAuthRequest {
        url: unset(),
        method: unset(),
        content_type: unset(),
        authorization: unset(),
        body: unset(),
    }
}

/// A token to verify: a signed one, one with a byte changed, a fake, or any text.
fn token(inp: &mut Input<'_>) -> Arg {
    let signed = if inp.byte() & 1 == 0 {
        ID_TOKEN
    } else {
        ACCESS_TOKEN
    };
    let mut text = signed.as_bytes().to_vec();
    match inp.byte() % 4 {
        0 => {}
        1 => {
            let at = usize::from(inp.u16()) % text.len();
            text[at] ^= inp.byte() | 1;
        }
        2 => {
            let claims = json!({ "sub": "5f0c", "token_use": inp.string(), "exp": inp.u64() });
            text = jwt_signed(&claims, ACCESS_TOKEN_MARKER).into_bytes();
        }
        _ => return Arg::decode(inp, signed),
    }
    Arg {
        len: text.len(),
        bytes: text,
        null: false,
    }
}

/// Claims a verifier accepted: exactly those of the signed token of that use, at a time inside
/// its lifetime (with the leeway), with the nonce asked for.
fn check_claims(json: &[u8], signed: &str, now: u64, nonce: Option<&str>) {
    let claims: Value = serde_json::from_slice(json).unwrap_or_default();
    let payload = signed.split('.').nth(1).unwrap_or_default();
    let want: Value =
        base64::Engine::decode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, payload)
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
            .unwrap_or_default();
    assert_eq!(claims, want, "a verifier accepted claims no key signed");
    let time = |name: &str| want[name].as_u64().unwrap_or_default();
    assert!(
        now <= time("exp") + LEEWAY,
        "an expired token verified at {now}"
    );
    assert!(
        now + LEEWAY >= time("iat"),
        "a token verified before it was issued"
    );
    if let Some(nonce) = nonce {
        assert_eq!(
            Some(nonce),
            want["nonce"].as_str(),
            "a token verified with another nonce"
        );
    }
}

/// A managed-login request out: URL and method set (and no secret in the URL), or all unset
/// on failure; freed and reset.
fn take_request(data: &[u8], request: &mut CognitoOAuthRequest, ok: bool) {
    let url = check_bytes(&request.url);
    let method = check_bytes(&request.method);
    let rest = [&request.content_type, &request.authorization, &request.body].map(check_bytes);
    if ok {
        let url = url.unwrap_or_default();
        assert!(
            !url.is_empty() && method.is_some(),
            "a request without URL or method"
        );
        assert_no_secret(
            data,
            "a managed-login request's URL",
            &String::from_utf8_lossy(&url),
        );
    } else {
        assert!(
            url.is_none() && method.is_none() && rest.iter().all(Option::is_none),
            "a failed call left a request set"
        );
    }
    // SAFETY: the request the library filled (or left unset), freed once.
    unsafe { cognito_oauth_request_free(request) };
    assert!(request.url.data.is_null() && request.body.data.is_null());
    assert!(request.authorization.data.is_null() && request.authorization.len == 0);
}

/// One managed-login or verifier call, chosen by `which`; `config` and the handles are null
/// when `null_handle`.
pub(super) fn call(
    h: &mut LoginHandles,
    data: &[u8],
    inp: &mut Input<'_>,
    which: u8,
    config: *const CognitoConfig,
    null_handle: bool,
) {
    use CognitoResult as R;
    let login = held(null_handle, h.login);
    let verifier = held(null_handle, h.verifier);
    // SAFETY (every call below): pointers to live locals of the declared types and lengths,
    // handles null or live.
    unsafe {
        match which % 12 {
            0 => {
                let domain = Arg::decode(inp, "http://127.0.0.1:9229");
                let redirect = Arg::decode(inp, "myapp://callback");
                let mut out = ptr::null_mut();
                let code = cognito_managed_login_new(
                    config,
                    domain.ptr(),
                    domain.len,
                    redirect.ptr(),
                    redirect.len,
                    &mut out,
                );
                let bad = config.is_null() || domain.is_bad() || redirect.is_bad();
                let what = "cognito_managed_login_new";
                if h.check(data, what, code, bad, &[R::InvalidInput]) {
                    assert!(!out.is_null());
                    cognito_managed_login_free(h.login);
                    h.login = out;
                } else {
                    assert!(out.is_null(), "a failed managed_login_new wrote a handle");
                }
            }
            1 => {
                let good = OPTIONS[usize::from(inp.byte()) % OPTIONS.len()];
                let options = Arg::decode(inp, good);
                let null_out = inp.byte().is_multiple_of(8);
                let (mut url, mut pending) = (unset(), unset());
                let pending_out: *mut CognitoBytes = if null_out {
                    ptr::null_mut()
                } else {
                    &mut pending
                };
                let code = cognito_managed_login_authorize(
                    login,
                    options.ptr(),
                    options.len,
                    &mut url,
                    pending_out,
                );
                let bad = login.is_null() || options.is_bad() || null_out;
                let what = "cognito_managed_login_authorize";
                let ok = h.check(data, what, code, bad, &[R::InvalidInput, R::Internal]);
                let (url_text, json) = (check_bytes(&url), check_bytes(&pending));
                if ok {
                    let json: Value = serde_json::from_slice(&json.unwrap_or_default())
                        .expect("the pending login is not JSON");
                    let url_text = String::from_utf8(url_text.unwrap_or_default())
                        .expect("the authorize URL is not UTF-8");
                    let field = |name: &str| json[name].as_str().unwrap_or_default().to_owned();
                    let verifier = field("code_verifier");
                    assert!(verifier.len() >= 43, "a pending login without its verifier");
                    assert!(
                        !url_text.contains(&verifier),
                        "the URL shows the PKCE verifier"
                    );
                    h.state = field("state");
                    h.secrets = vec![verifier, h.state.clone(), field("nonce")];
                    h.secrets.retain(|s| s.len() >= 16);
                    h.pending = json.to_string();
                } else {
                    assert!(
                        url_text.is_none() && json.is_none(),
                        "a failed authorize left output"
                    );
                }
                free_bytes(&mut url);
                free_bytes(&mut pending);
            }
            2 => {
                let pending = Arg::decode(inp, &h.pending.clone());
                let good = match inp.byte() % 4 {
                    0 => format!("myapp://callback?code=fuzz-code&state={}", h.state),
                    1 => format!("myapp://callback?error=access_denied&state={}", h.state),
                    2 => format!("myapp://callback?state={}", h.state),
                    _ => "myapp://callback?code=c&state=forged".to_owned(),
                };
                let callback = Arg::decode(inp, &good);
                let mut request = zeroed_oauth_request();
                let code = cognito_managed_login_token_request(
                    login,
                    pending.ptr(),
                    pending.len,
                    callback.ptr(),
                    callback.len,
                    &mut request,
                );
                let bad = login.is_null() || pending.is_bad() || callback.is_bad();
                let allowed = [
                    R::InvalidInput,
                    R::StateMismatch,
                    R::InvalidRedirect,
                    R::Oauth,
                ];
                let what = "cognito_managed_login_token_request";
                let ok = h.check(data, what, code, bad, &allowed);
                take_request(data, &mut request, ok);
            }
            3 => {
                let reply = oauth_reply(inp);
                let headers = reply.headers();
                let refresh = if inp.byte() & 1 == 0 {
                    Arg {
                        bytes: Vec::new(),
                        null: true,
                        len: 0,
                    }
                } else {
                    Arg::decode(inp, REFRESH_TOKEN)
                };
                let mut tokens = unset();
                let code = cognito_managed_login_token_response(
                    login,
                    reply.status,
                    headers.as_ptr(),
                    headers.len(),
                    reply.body.as_ptr(),
                    reply.body.len(),
                    reply.now,
                    refresh.ptr(),
                    refresh.len,
                    &mut tokens,
                );
                let bad = login.is_null() || refresh.is_bad();
                let allowed = [R::Oauth, R::InvalidResponse, R::InvalidInput];
                let what = "cognito_managed_login_token_response";
                let ok = h.check(data, what, code, bad, &allowed);
                let json = check_bytes(&tokens);
                if ok {
                    let json = json.unwrap_or_default();
                    assert!(
                        serde_json::from_slice::<Value>(&json).is_ok(),
                        "tokens not JSON"
                    );
                } else {
                    assert!(json.is_none(), "a failed token_response left tokens");
                }
                free_bytes(&mut tokens);
            }
            4 => {
                let kind = u32::from(inp.byte() % 5);
                let token = Arg::decode(
                    inp,
                    if kind == 3 {
                        ACCESS_TOKEN
                    } else {
                        REFRESH_TOKEN
                    },
                );
                let mut request = zeroed_oauth_request();
                let code = cognito_managed_login_request(
                    login,
                    kind,
                    token.ptr(),
                    token.len,
                    &mut request,
                );
                let bad = login.is_null() || token.is_bad() || !(1..=3).contains(&kind);
                let what = "cognito_managed_login_request";
                let ok = h.check(data, what, code, bad, &[R::InvalidInput]);
                take_request(data, &mut request, ok);
            }
            5 => {
                let kind = u32::from(inp.byte() % 5);
                let reply = oauth_reply(inp);
                let headers = reply.headers();
                let mut out = unset();
                let code = cognito_managed_login_response(
                    login,
                    kind,
                    reply.status,
                    headers.as_ptr(),
                    headers.len(),
                    reply.body.as_ptr(),
                    reply.body.len(),
                    &mut out,
                );
                let bad = login.is_null() || !(2..=3).contains(&kind);
                let allowed = [R::Oauth, R::InvalidResponse, R::InvalidInput];
                let what = "cognito_managed_login_response";
                let ok = h.check(data, what, code, bad, &allowed);
                let json = check_bytes(&out);
                if ok {
                    let json: Value = serde_json::from_slice(&json.unwrap_or_default())
                        .expect("a managed-login reply's output is not JSON");
                    assert!(
                        json.is_object(),
                        "a managed-login reply's output is not an object"
                    );
                } else {
                    assert!(
                        json.is_none(),
                        "a failed managed_login_response left output"
                    );
                }
                free_bytes(&mut out);
            }
            6 => {
                let uri = Arg::decode(inp, "myapp://signed-out");
                let mut out = unset();
                let code = cognito_managed_login_logout_url(login, uri.ptr(), uri.len, &mut out);
                let bad = login.is_null() || uri.is_bad();
                let ok = h.check(data, "cognito_managed_login_logout_url", code, bad, &[]);
                assert_eq!(
                    check_bytes(&out).is_some(),
                    ok,
                    "a logout URL set iff success"
                );
                free_bytes(&mut out);
            }
            7 => {
                let issuer = match inp.byte() % 3 {
                    0 => Arg {
                        bytes: Vec::new(),
                        null: true,
                        len: 0,
                    },
                    1 => Arg::decode(
                        inp,
                        "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbC123",
                    ),
                    _ => Arg::decode(inp, "https://issuer.example"),
                };
                let jwks = Arg::decode(inp, JWKS);
                let mut out = ptr::null_mut();
                let code = cognito_jwt_verifier_new(
                    config,
                    issuer.ptr(),
                    issuer.len,
                    jwks.ptr(),
                    jwks.len,
                    &mut out,
                );
                // Null JWKS with length 0 is empty bytes (no key), not a mistake; not UTF-8 is
                // no mistake either: the document is bytes.
                let bad = config.is_null() || issuer.is_bad() || (jwks.null && jwks.len > 0);
                let what = "cognito_jwt_verifier_new";
                if h.check(data, what, code, bad, &[R::InvalidToken]) {
                    assert!(!out.is_null());
                    cognito_jwt_verifier_free(h.verifier);
                    h.verifier = out;
                } else {
                    assert!(out.is_null(), "a failed jwt_verifier_new wrote a handle");
                }
            }
            8 | 9 => {
                let id = which % 12 == 8;
                let token = token(inp);
                let now = match inp.byte() % 3 {
                    0 => FIXED_NOW.as_secs() + u64::from(inp.u16()),
                    1 => FIXED_NOW.as_secs().saturating_sub(u64::from(inp.u16())),
                    _ => inp.u64(),
                };
                let nonce = match inp.byte() % 3 {
                    0 => Arg {
                        bytes: Vec::new(),
                        null: true,
                        len: 0,
                    },
                    _ => Arg::decode(inp, NONCE),
                };
                let mut claims = unset();
                let (what, code) = if id {
                    let code = cognito_jwt_verify_id_token(
                        verifier,
                        token.ptr(),
                        token.len,
                        now,
                        nonce.ptr(),
                        nonce.len,
                        &mut claims,
                    );
                    ("cognito_jwt_verify_id_token", code)
                } else {
                    let code = cognito_jwt_verify_access_token(
                        verifier,
                        token.ptr(),
                        token.len,
                        now,
                        &mut claims,
                    );
                    ("cognito_jwt_verify_access_token", code)
                };
                let bad = verifier.is_null() || token.is_bad() || (id && nonce.is_bad());
                let ok = h.check(data, what, code, bad, &[R::InvalidToken, R::UnknownKey]);
                let json = check_bytes(&claims);
                if ok {
                    let signed = if id { ID_TOKEN } else { ACCESS_TOKEN };
                    let given = (id && !nonce.null).then(|| String::from_utf8_lossy(&nonce.bytes));
                    check_claims(&json.unwrap_or_default(), signed, now, given.as_deref());
                } else {
                    assert!(json.is_none(), "a failed verification left claims");
                }
                free_bytes(&mut claims);
            }
            10 => {
                cognito_managed_login_free(h.login);
                h.login = ptr::null_mut();
            }
            _ => {
                cognito_jwt_verifier_free(h.verifier);
                h.verifier = ptr::null_mut();
            }
        }
    }
}
