//! Managed login (the hosted UI) for C: `cognito_auth::oauth` behind a handle. The login in
//! progress (PKCE verifier, state, nonce) is handed to the app as JSON it keeps and passes
//! back with the callback URL; every request is built and every reply read by the core.

use cognito_auth::oauth::{self, Domain, ManagedLogin, OAuthError, PendingLogin};
use cognito_auth::{HttpResponse, SecretString, UnixTime};
use serde_json::Value;

use crate::bytes::{CognitoBytes, CognitoHeader, borrow, borrow_opt_str, borrow_str, write_out};
use crate::error::{CognitoResult, Failure};
use crate::panic::{boundary, quietly};
use crate::refresh::tokens_json;
use crate::sign_in::{CognitoConfig, handle, response_with_headers};

/// Managed login of one app client at one domain with one redirect URI (opaque). Make it
/// with `cognito_managed_login_new`, free it with `cognito_managed_login_free`.
#[derive(Debug)]
pub struct CognitoManagedLogin {
    inner: ManagedLogin,
}

/// A request to a managed-login endpoint: `method` to `url`, with `Content-Type:
/// content_type` when it is set (a form POST) and `Authorization: authorization` when that is
/// set (the client secret as HTTP Basic, or `Bearer <access token>`). Release it with
/// `cognito_oauth_request_free`.
#[repr(C)]
#[derive(Debug)]
pub struct CognitoOAuthRequest {
    /// The endpoint URL.
    pub url: CognitoBytes,
    /// `POST`, or `GET` for userInfo.
    pub method: CognitoBytes,
    /// `application/x-www-form-urlencoded` for a POST; unset for a GET.
    pub content_type: CognitoBytes,
    /// The `Authorization` header value, or unset. A secret: never log it.
    pub authorization: CognitoBytes,
    /// The form body (empty for a GET). It holds the code, the PKCE verifier or a token.
    pub body: CognitoBytes,
}

impl CognitoOAuthRequest {
    const EMPTY: CognitoOAuthRequest = CognitoOAuthRequest {
        url: CognitoBytes::EMPTY,
        method: CognitoBytes::EMPTY,
        content_type: CognitoBytes::EMPTY,
        authorization: CognitoBytes::EMPTY,
        body: CognitoBytes::EMPTY,
    };

    fn from_request(request: &oauth::OAuthRequest) -> Self {
        let mut out = Self::EMPTY;
        out.url = CognitoBytes::from_str(request.url());
        out.method = CognitoBytes::from_str(request.method());
        for (name, value) in request.headers() {
            match name {
                "Content-Type" => out.content_type = CognitoBytes::from_str(value),
                _ => out.authorization = CognitoBytes::from_str(value),
            }
        }
        out.body = CognitoBytes::copy_of(request.body());
        out
    }

    fn release(&mut self) {
        self.url.release();
        self.method.release();
        self.content_type.release();
        self.authorization.release();
        self.body.release();
    }
}

impl From<OAuthError> for Failure {
    fn from(error: OAuthError) -> Self {
        let code = match &error {
            OAuthError::Server(_) => CognitoResult::Oauth,
            OAuthError::StateMismatch => CognitoResult::StateMismatch,
            OAuthError::MissingState
            | OAuthError::MissingCode
            | OAuthError::MalformedRedirect(_) => CognitoResult::InvalidRedirect,
            OAuthError::InvalidResponse { .. } => CognitoResult::InvalidResponse,
            OAuthError::InvalidInput(_) => CognitoResult::InvalidInput,
            _ => CognitoResult::Internal,
        };
        Failure {
            code,
            message: error.to_string(),
            service_code: error.server().map(|s| s.code.as_str().to_owned()),
        }
    }
}

/// Reads the options of `cognito_managed_login_authorize` into the core's builder.
fn authorize(login: &ManagedLogin, options: &str) -> Result<PendingLogin, Failure> {
    let invalid = |why: String| Failure::new(CognitoResult::InvalidInput, why);
    let options: serde_json::Map<String, Value> = if options.is_empty() {
        serde_json::Map::new()
    } else {
        serde_json::from_str(options)
            .map_err(|e| invalid(format!("the options are not a JSON object: {e}")))?
    };
    let mut builder = login.authorize();
    for (name, value) in &options {
        if name == "scopes" {
            let scopes = value
                .as_array()
                .and_then(|scopes| scopes.iter().map(Value::as_str).collect::<Option<Vec<_>>>())
                .ok_or_else(|| invalid("\"scopes\" is not an array of strings".into()))?;
            builder = builder.scopes(scopes);
            continue;
        }
        let text = value
            .as_str()
            .ok_or_else(|| invalid(format!("{name:?} is not a string")))?;
        builder = match name.as_str() {
            "identity_provider" => builder.identity_provider(text),
            "idp_identifier" => builder.idp_identifier(text),
            "lang" => builder.lang(text),
            "login_hint" => builder.login_hint(text),
            _ => return Err(invalid(format!("unknown option {name:?}"))),
        };
    }
    Ok(builder.build()?)
}

/// Makes managed login of `config`'s app client (its secret, if any, authenticates the token
/// and revoke requests) at `domain_url` (`https://<prefix>.auth.<region>.amazoncognito.com`,
/// a custom domain's `https://auth.example.com`, or the local pool's endpoint), redirecting to
/// `redirect_uri` (one of the client's callback URLs). Writes the handle to `*out_login`
/// (null on failure).
///
/// # Safety
/// `config` must be null or live; the text pointers must point to their lengths of bytes;
/// `out_login` must be valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cognito_managed_login_new(
    config: *const CognitoConfig,
    domain_url: *const u8,
    domain_url_len: usize,
    redirect_uri: *const u8,
    redirect_uri_len: usize,
    out_login: *mut *mut CognitoManagedLogin,
) -> CognitoResult {
    boundary(|| {
        // SAFETY: the caller's contract above, for every pointer.
        unsafe {
            write_out(out_login, std::ptr::null_mut(), "out_login")?;
            let config = handle(config, "config")?;
            let domain = Domain::base_url(borrow_str(domain_url, domain_url_len, "domain_url")?)?;
            let redirect_uri = borrow_str(redirect_uri, redirect_uri_len, "redirect_uri")?;
            let login = ManagedLogin::new(config.core(), domain, redirect_uri);
            let boxed = Box::new(CognitoManagedLogin { inner: login });
            write_out(out_login, Box::into_raw(boxed), "out_login")
        }
    })
}

/// Frees a managed login. Null is ignored.
///
/// # Safety
/// `login` must be null or from `cognito_managed_login_new`, and not freed before.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cognito_managed_login_free(login: *mut CognitoManagedLogin) {
    quietly(|| {
        if !login.is_null() {
            // SAFETY: made by `Box::into_raw` in `cognito_managed_login_new`, freed once.
            drop(unsafe { Box::from_raw(login) });
        }
    });
}

/// Starts a login: draws the PKCE verifier, state and nonce and writes the
/// `/oauth2/authorize` URL to open to `*out_url` and the login to keep until the callback
/// comes back to `*out_pending_json` (a secret: keep it as tokens are kept; free it with
/// `cognito_bytes_free`, which zeroizes it). `options_json` (empty for the defaults) is an
/// object with any of `"scopes"` (array; default `["openid"]`), `"identity_provider"`,
/// `"idp_identifier"`, `"lang"`, `"login_hint"`.
///
/// Fails with `COGNITO_RESULT_INVALID_INPUT` for unknown options or a scope with a space.
///
/// # Safety
/// `login` must be null or live; `options_json` must point to its length of bytes; the out
/// pointers must be valid for writes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cognito_managed_login_authorize(
    login: *const CognitoManagedLogin,
    options_json: *const u8,
    options_json_len: usize,
    out_url: *mut CognitoBytes,
    out_pending_json: *mut CognitoBytes,
) -> CognitoResult {
    boundary(|| {
        // SAFETY: the caller's contract above, for every pointer.
        unsafe {
            write_out(out_url, CognitoBytes::EMPTY, "out_url")?;
            write_out(out_pending_json, CognitoBytes::EMPTY, "out_pending_json")?;
            let login = handle(login, "login")?;
            let options = borrow_str(options_json, options_json_len, "options_json")?;
            let pending = authorize(&login.inner, options)?;
            let json = CognitoBytes::json_of(&pending).map_err(|e| {
                Failure::new(
                    CognitoResult::Internal,
                    format!("cannot serialize the login: {e}"),
                )
            })?;
            write_out(out_pending_json, json, "out_pending_json")?;
            write_out(
                out_url,
                CognitoBytes::from_str(pending.authorize_url()),
                "out_url",
            )
        }
    })
}

/// Reads the callback URL the browser was sent to (or its query) against the login of
/// `pending_json` (state compared in constant time) and writes the code exchange
/// (`POST /oauth2/token`, with the PKCE verifier) to `*out_request`.
///
/// Fails with `COGNITO_RESULT_STATE_MISMATCH` for a state that is not this login's (forged or
/// crossed: start over), `COGNITO_RESULT_INVALID_REDIRECT` for no state, no code or bad
/// encoding, `COGNITO_RESULT_OAUTH` for an error redirect (`cognito_last_service_error_code`:
/// `access_denied`...), `COGNITO_RESULT_INVALID_INPUT` when `pending_json` is not a login.
///
/// # Safety
/// `login` must be null or live; the text pointers must point to their lengths of bytes;
/// `out_request` must be valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cognito_managed_login_token_request(
    login: *const CognitoManagedLogin,
    pending_json: *const u8,
    pending_json_len: usize,
    callback_url: *const u8,
    callback_url_len: usize,
    out_request: *mut CognitoOAuthRequest,
) -> CognitoResult {
    boundary(|| {
        // SAFETY: the caller's contract above, for every pointer.
        unsafe {
            write_out(out_request, CognitoOAuthRequest::EMPTY, "out_request")?;
            let login = handle(login, "login")?;
            let pending = borrow_str(pending_json, pending_json_len, "pending_json")?;
            let pending: PendingLogin = serde_json::from_str(pending).map_err(|e| {
                // Without the text: the verifier may be quoted in serde's message.
                Failure::new(
                    CognitoResult::InvalidInput,
                    format!("pending_json is not a login ({:?} error)", e.classify()),
                )
            })?;
            let callback = borrow_str(callback_url, callback_url_len, "callback_url")?;
            let code = pending.callback(callback)?;
            let request = login.inner.token_request(&pending, &code);
            write_out(
                out_request,
                CognitoOAuthRequest::from_request(&request),
                "out_request",
            )
        }
    })
}

/// Reads a reply of the token endpoint (to a code exchange, or a refresh when
/// `refresh_token` is given: it is kept in the tokens unless the pool rotated it) and writes
/// the tokens JSON (the `tokens_json` shape of sign-in, for `cognito_token_manager_new`) to
/// `*out_tokens_json`. `now_unix_secs` dates `expires_at`.
///
/// Fails with `COGNITO_RESULT_OAUTH` for an OAuth error (`invalid_grant`: the code expired or
/// was used, the verifier or redirect URI differ, or the refresh token is revoked), and
/// `COGNITO_RESULT_INVALID_RESPONSE` for anything else unusable.
///
/// # Safety
/// `login` must be null or live; `headers` must point to `headers_len` headers whose pointers
/// each point to their lengths of bytes; `body` and `refresh_token` to their lengths of bytes
/// (`refresh_token` may be null); `out_tokens_json` must be valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cognito_managed_login_token_response(
    login: *const CognitoManagedLogin,
    status: u16,
    headers: *const CognitoHeader,
    headers_len: usize,
    body: *const u8,
    body_len: usize,
    now_unix_secs: u64,
    refresh_token: *const u8,
    refresh_token_len: usize,
    out_tokens_json: *mut CognitoBytes,
) -> CognitoResult {
    boundary(|| {
        // SAFETY: the caller's contract above, for every pointer.
        unsafe {
            write_out(out_tokens_json, CognitoBytes::EMPTY, "out_tokens_json")?;
            let login = handle(login, "login")?;
            let refresh = borrow_opt_str(refresh_token, refresh_token_len, "refresh_token")?;
            let body = borrow(body, body_len, "body")?;
            let response =
                response_with_headers(HttpResponse::new(status, body), headers, headers_len)?;
            let now = UnixTime(now_unix_secs);
            let tokens = match refresh {
                None => login.inner.handle_token_response(response, now)?,
                Some(token) => {
                    let token = SecretString::new(token);
                    login.inner.handle_refresh_response(response, now, &token)?
                }
            };
            write_out(out_tokens_json, tokens_json(&tokens)?, "out_tokens_json")
        }
    })
}

/// Which managed-login request `cognito_managed_login_request` builds.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CognitoManagedLoginCall {
    /// `POST /oauth2/token`, `grant_type=refresh_token`; `token` is the refresh token. Read
    /// the reply with `cognito_managed_login_token_response` (passing the refresh token).
    Refresh = 1,
    /// `POST /oauth2/revoke`; `token` is the refresh token. Read the reply with
    /// `cognito_managed_login_response`.
    Revoke = 2,
    /// `GET /oauth2/userInfo`; `token` is the access token. Read the reply with
    /// `cognito_managed_login_response`.
    UserInfo = 3,
}

impl CognitoManagedLoginCall {
    fn from_u32(call: u32) -> Result<Self, Failure> {
        [Self::Refresh, Self::Revoke, Self::UserInfo]
            .into_iter()
            .find(|c| *c as u32 == call)
            .ok_or_else(|| {
                Failure::new(
                    CognitoResult::InvalidInput,
                    format!("no managed-login call {call}"),
                )
            })
    }
}

/// Builds the `call` request (a `CognitoManagedLoginCall`) with `token` and writes it to
/// `*out_request`.
///
/// # Safety
/// `login` must be null or live; `token` must point to `token_len` bytes; `out_request` must
/// be valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cognito_managed_login_request(
    login: *const CognitoManagedLogin,
    call: u32,
    token: *const u8,
    token_len: usize,
    out_request: *mut CognitoOAuthRequest,
) -> CognitoResult {
    boundary(|| {
        // SAFETY: the caller's contract above, for every pointer.
        unsafe {
            write_out(out_request, CognitoOAuthRequest::EMPTY, "out_request")?;
            let login = &handle(login, "login")?.inner;
            let call = CognitoManagedLoginCall::from_u32(call)?;
            let token = SecretString::new(borrow_str(token, token_len, "token")?);
            let request = match call {
                CognitoManagedLoginCall::Refresh => login.refresh_request(&token),
                CognitoManagedLoginCall::Revoke => login.revoke_request(&token),
                CognitoManagedLoginCall::UserInfo => login.userinfo_request(&token),
            };
            write_out(
                out_request,
                CognitoOAuthRequest::from_request(&request),
                "out_request",
            )
        }
    })
}

/// Reads the reply to a `COGNITO_MANAGED_LOGIN_CALL_REVOKE` or `COGNITO_MANAGED_LOGIN_CALL_USER_INFO`
/// request. For userInfo, writes the user's attributes as a JSON object (`sub`, `username`,
/// `email`...) to `*out_json`; for revoke, `{}`.
///
/// Fails with `COGNITO_RESULT_OAUTH` for an OAuth error (`invalid_token`...), and
/// `COGNITO_RESULT_INVALID_INPUT` for a refresh (read it with
/// `cognito_managed_login_token_response`).
///
/// # Safety
/// As `cognito_managed_login_token_response`, with `out_json` valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cognito_managed_login_response(
    login: *const CognitoManagedLogin,
    call: u32,
    status: u16,
    headers: *const CognitoHeader,
    headers_len: usize,
    body: *const u8,
    body_len: usize,
    out_json: *mut CognitoBytes,
) -> CognitoResult {
    boundary(|| {
        // SAFETY: the caller's contract above, for every pointer.
        unsafe {
            write_out(out_json, CognitoBytes::EMPTY, "out_json")?;
            let login = &handle(login, "login")?.inner;
            let call = CognitoManagedLoginCall::from_u32(call)?;
            let body = borrow(body, body_len, "body")?;
            let response =
                response_with_headers(HttpResponse::new(status, body), headers, headers_len)?;
            let json = match call {
                CognitoManagedLoginCall::Revoke => {
                    login.handle_revoke_response(response)?;
                    Value::Object(serde_json::Map::new())
                }
                CognitoManagedLoginCall::UserInfo => {
                    let info = login.handle_userinfo_response(response)?;
                    let mut object = info.other;
                    object.insert("sub".into(), info.sub.into());
                    let optional = [
                        ("username", info.username.map(Value::from)),
                        ("email", info.email.map(Value::from)),
                        ("email_verified", info.email_verified.map(Value::from)),
                        ("phone_number", info.phone_number.map(Value::from)),
                        (
                            "phone_number_verified",
                            info.phone_number_verified.map(Value::from),
                        ),
                    ];
                    for (name, value) in optional {
                        if let Some(value) = value {
                            object.insert(name.into(), value);
                        }
                    }
                    Value::Object(object.into_iter().collect())
                }
                CognitoManagedLoginCall::Refresh => {
                    return Err(Failure::new(
                        CognitoResult::InvalidInput,
                        "read a refresh reply with cognito_managed_login_token_response",
                    ));
                }
            };
            let out = CognitoBytes::json_of(&json).map_err(|e| {
                Failure::new(CognitoResult::Internal, format!("cannot serialize: {e}"))
            })?;
            write_out(out_json, out, "out_json")
        }
    })
}

/// Writes the `/logout` URL that ends the managed-login session and then redirects to
/// `logout_uri` (one of the client's sign-out URLs) to `*out_url`.
///
/// # Safety
/// `login` must be null or live; `logout_uri` must point to its length of bytes; `out_url`
/// must be valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cognito_managed_login_logout_url(
    login: *const CognitoManagedLogin,
    logout_uri: *const u8,
    logout_uri_len: usize,
    out_url: *mut CognitoBytes,
) -> CognitoResult {
    boundary(|| {
        // SAFETY: the caller's contract above, for every pointer.
        unsafe {
            write_out(out_url, CognitoBytes::EMPTY, "out_url")?;
            let login = handle(login, "login")?;
            let uri = borrow_str(logout_uri, logout_uri_len, "logout_uri")?;
            write_out(
                out_url,
                CognitoBytes::from_str(&login.inner.logout_url(uri)),
                "out_url",
            )
        }
    })
}

/// Frees every buffer of a managed-login request (zeroized) and resets them. Null is ignored.
///
/// # Safety
/// As `cognito_bytes_free`, for each buffer of the request.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cognito_oauth_request_free(request: *mut CognitoOAuthRequest) {
    quietly(|| {
        // SAFETY: null or valid for reads and writes, per the contract above.
        if let Some(request) = unsafe { request.as_mut() } {
            request.release();
        }
    });
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]

    use super::*;
    use crate::tests::{MARKER, secret, watch};

    fn login(client_secret: &str) -> ManagedLogin {
        let config = cognito_auth::PoolConfig::new("us-east-1_CapiTest1", "capiclient0001")
            .unwrap()
            .with_client_secret(client_secret);
        ManagedLogin::new(
            &config,
            Domain::base_url("http://127.0.0.1:9").unwrap(),
            "myapp://callback",
        )
    }

    /// A request built, handed to C and freed: no copy of its secrets is left in freed memory.
    /// (Reallocations are not counted: the URL, no secret, is a `format!`. The Authorization
    /// value, base64 that the marker scan cannot see, is checked by a `debug_assert` on its
    /// exact allocation in the core.)
    fn assert_no_copy_left(build: impl FnOnce() -> oauth::OAuthRequest) {
        let watched = watch(|| {
            let request = build();
            let mut out = CognitoOAuthRequest::from_request(&request);
            drop(request);
            // SAFETY: `from_request` made it.
            let body = unsafe { std::slice::from_raw_parts(out.body.data, out.body.len) };
            assert!(body.windows(MARKER.len()).any(|w| w == MARKER));
            // SAFETY: a request this library filled, freed once.
            unsafe { cognito_oauth_request_free(&mut out) };
        });
        assert_eq!(watched.left_behind, 0, "{watched:?}");
    }

    #[test]
    fn token_requests_leave_no_copy_behind() {
        let login = login(&secret(64));
        // Cognito's refresh tokens are JWEs of about 1,800 characters.
        let refresh = SecretString::new(secret(1800));
        assert_no_copy_left(|| login.refresh_request(&refresh));
        assert_no_copy_left(|| login.revoke_request(&refresh));
        let pending = authorize(&login, "").unwrap();
        let callback = format!(
            "myapp://callback?code={}&state={}",
            secret(40),
            pending.state()
        );
        let code = pending.callback(&callback).unwrap();
        assert_no_copy_left(|| login.token_request(&pending, &code));
    }
}
