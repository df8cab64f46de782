//! Managed login (the hosted UI) of the pool: the OAuth 2.0 authorization code grant with
//! PKCE (S256) and OpenID Connect, as Cognito serves it on a user pool domain.
//!
//! - `GET /oauth2/authorize` (or `/login`): checks the client, the redirect URI (exact match
//!   with `callback_urls`), `response_type=code`, the allowed flows and scopes, then shows a
//!   login page; `POST /login` checks the password, `POST /mfa` the TOTP code of a user with
//!   TOTP MFA; then `302` to the redirect URI with `code` and `state`.
//! - `POST /oauth2/token`: `authorization_code` (the code is single use, expires after
//!   [`CODE_VALIDITY_SECS`], is bound to the client, the redirect URI and the PKCE challenge)
//!   and `refresh_token`; client authentication by HTTP Basic or `client_id` (and
//!   `client_secret`) in the body.
//! - `GET /oauth2/userInfo`, `POST /oauth2/revoke`, `GET /logout`, `GET /error`.
//! - `GET /.well-known/openid-configuration` (also under the pool id, the issuer's path) and
//!   `GET /.well-known/jwks.json`.
//!
//! Errors are OAuth's: `{"error": "invalid_grant", "error_description": ...}` with 400
//! (`invalid_client`: 401), error redirects (`?error=invalid_scope&state=...`) once the
//! redirect URI is trusted, and an error page (`/error?error=redirect_mismatch`) before.

use std::collections::HashMap;

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use rand_core::RngCore;
use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};

use crate::config::{MfaMode, OAUTH_ADMIN_SCOPE};
use crate::crypto;
use crate::error::ApiError;
use crate::ops::OAuthGrant;
use crate::pool::{Cx, Pool, PoolResponse};
use crate::store::UserStatus;

/// How long an authorization code may be exchanged (Cognito: 5 minutes).
pub const CODE_VALIDITY_SECS: u64 = 300;
/// How long a login waits for its TOTP code.
const MFA_VALIDITY_SECS: u64 = 180;
/// Wrong TOTP codes before the login starts over.
const MAX_MFA_ATTEMPTS: u32 = 3;
/// At most this many authorization codes and pending logins are kept (each).
const MAX_PENDING: usize = 10_000;
/// Scopes the pool knows.
const KNOWN_SCOPES: [&str; 5] = ["openid", "email", "phone", "profile", OAUTH_ADMIN_SCOPE];

/// Managed login's memory: authorization codes and logins waiting for a TOTP code.
#[derive(Debug, Default)]
pub(crate) struct WebState {
    codes: HashMap<String, AuthCode>,
    logins: HashMap<String, PendingMfa>,
}

#[derive(Debug, Clone)]
struct AuthCode {
    request: Authorize,
    username: String,
    auth_time: u64,
    expires: u64,
    /// Exchanged already: the `origin_jti` of the tokens it gave (revoked on reuse).
    used: Option<String>,
}

#[derive(Debug, Clone)]
struct PendingMfa {
    username: String,
    /// The authorize query the login belongs to.
    query: String,
    expires: u64,
    failed: u32,
}

/// A checked authorization request.
#[derive(Debug, Clone)]
struct Authorize {
    client_id: String,
    redirect_uri: String,
    scope: String,
    state: Option<String>,
    nonce: Option<String>,
    code_challenge: Option<String>,
    login_hint: Option<String>,
}

/// Why an authorization request is refused: on a page (the redirect URI is not trusted) or
/// by a redirect to it.
enum Refusal {
    Page(&'static str, String),
    Redirect(String),
}

type Params = Vec<(String, String)>;

fn param<'a>(params: &'a Params, name: &str) -> Option<&'a str> {
    params
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
}

/// Decodes `application/x-www-form-urlencoded` (or a query); `None` for bad encoding or a
/// repeated parameter.
fn parse_form(text: &str) -> Option<Params> {
    let mut params: Params = Vec::new();
    for pair in text.split('&').filter(|p| !p.is_empty()) {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        let (name, value) = (decode(name)?, decode(value)?);
        if params.iter().any(|(n, _)| *n == name) {
            return None;
        }
        params.push((name, value));
    }
    Some(params)
}

fn decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
                out.push(u8::from_str_radix(hex, 16).ok()?);
                i += 2;
            }
            _ => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out).ok()
}

/// Percent-encodes everything but the unreserved characters (RFC 3986).
fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn html_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// `uri` with `pairs` appended to its query.
fn with_query(uri: &str, pairs: &[(&str, &str)]) -> String {
    let mut out = uri.to_owned();
    let mut sep = if uri.contains('?') { '&' } else { '?' };
    for (name, value) in pairs {
        out.push(sep);
        out.push_str(name);
        out.push('=');
        out.push_str(&encode(value));
        sep = '&';
    }
    out
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

fn oauth_json(status: u16, value: &Value) -> PoolResponse {
    PoolResponse {
        status,
        headers: vec![
            (
                "Content-Type".into(),
                "application/json;charset=UTF-8".into(),
            ),
            ("Cache-Control".into(), "no-store".into()),
            ("Pragma".into(), "no-cache".into()),
        ],
        body: value.to_string().into_bytes(),
    }
}

/// An OAuth error reply: 401 for `invalid_client` and `invalid_token`, else 400.
fn oauth_error(code: &str, description: &str) -> PoolResponse {
    let status = match code {
        "invalid_client" | "invalid_token" => 401,
        _ => 400,
    };
    let mut response = oauth_json(
        status,
        &json!({"error": code, "error_description": description}),
    );
    if code == "invalid_token" {
        response.headers.push((
            "WWW-Authenticate".into(),
            format!("Bearer error=\"invalid_token\", error_description=\"{description}\""),
        ));
    }
    response
}

fn redirect(location: String) -> PoolResponse {
    PoolResponse {
        status: 302,
        headers: vec![
            ("Location".into(), location),
            ("Content-Type".into(), "text/html;charset=UTF-8".into()),
            ("Cache-Control".into(), "no-store".into()),
        ],
        body: b"<!doctype html><title>Redirecting</title>".to_vec(),
    }
}

const STYLE: &str = "body{font-family:system-ui,sans-serif;background:#f3f4f6;margin:0}\
main{max-width:22rem;margin:4rem auto;background:#fff;padding:2rem;border-radius:8px;\
box-shadow:0 1px 4px rgba(0,0,0,.15)}h1{font-size:1.4rem;margin-top:0}\
label{display:block;margin-top:1rem;font-weight:600}\
input{width:100%;box-sizing:border-box;padding:.5rem;margin-top:.3rem;font-size:1rem}\
button{margin-top:1.5rem;width:100%;padding:.6rem;font-size:1rem;background:#1d4ed8;\
color:#fff;border:0;border-radius:4px}.error{color:#b91c1c}.note{color:#6b7280;font-size:.8rem}";

fn page(status: u16, title: &str, content: &str) -> PoolResponse {
    let body = format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width\">\
         <title>{title} · cognito-auth testkit</title><style>{STYLE}</style></head>\
         <body><main><h1>{title}</h1>{content}\
         <p class=\"note\">Local test user pool (cognito-auth-testkit): its tokens are signed \
         with a published test key.</p></main></body></html>\n"
    );
    PoolResponse {
        status,
        headers: vec![
            ("Content-Type".into(), "text/html;charset=UTF-8".into()),
            ("Cache-Control".into(), "no-store".into()),
            ("X-Frame-Options".into(), "DENY".into()),
            (
                "Content-Security-Policy".into(),
                // No form-action: browsers apply it to the redirect after the form too, and
                // that goes to the app's callback URL.
                "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'".into(),
            ),
        ],
        body: body.into_bytes(),
    }
}

fn error_page(error: &str, detail: &str) -> PoolResponse {
    page(
        400,
        "An error was encountered with the requested page",
        &format!(
            "<p class=\"error\" id=\"error\">{}</p><p>{}</p>",
            html_escape(error),
            html_escape(detail)
        ),
    )
}

fn error_paragraph(error: Option<&str>) -> String {
    error.map_or_else(String::new, |e| {
        format!("<p class=\"error\" id=\"error\">{}</p>", html_escape(e))
    })
}

fn login_page(query: &str, authz: &Authorize, pool_id: &str, error: Option<&str>) -> PoolResponse {
    let hint = authz.login_hint.as_deref().unwrap_or("");
    page(
        200,
        "Sign in",
        &format!(
            "<p>to app client <code>{client}</code> of pool <code>{pool}</code></p>{error}\
             <form method=\"post\" action=\"/login?{action}\">\
             <label for=\"username\">User name</label>\
             <input id=\"username\" name=\"username\" autocomplete=\"username\" \
             autocapitalize=\"none\" required autofocus value=\"{hint}\">\
             <label for=\"password\">Password</label>\
             <input id=\"password\" name=\"password\" type=\"password\" \
             autocomplete=\"current-password\" required>\
             <button type=\"submit\" id=\"sign-in\">Sign in</button></form>",
            client = html_escape(&authz.client_id),
            pool = html_escape(pool_id),
            error = error_paragraph(error),
            action = html_escape(query),
            hint = html_escape(hint),
        ),
    )
}

fn mfa_page(query: &str, session: &str, error: Option<&str>) -> PoolResponse {
    page(
        200,
        "Multi-factor authentication",
        &format!(
            "<p>Enter the 6-digit code from your authenticator app.</p>{error}\
             <form method=\"post\" action=\"/mfa?{action}\">\
             <input type=\"hidden\" name=\"session\" value=\"{session}\">\
             <label for=\"code\">Code</label>\
             <input id=\"code\" name=\"code\" inputmode=\"numeric\" pattern=\"[0-9]{{6}}\" \
             autocomplete=\"one-time-code\" required autofocus>\
             <button type=\"submit\" id=\"verify\">Sign in</button></form>",
            error = error_paragraph(error),
            action = html_escape(query),
            session = html_escape(session),
        ),
    )
}

/// A redirect URI matches a callback URL exactly, or, for a loopback callback URL registered
/// without a port (`http://127.0.0.1/callback`), with any port (RFC 8252 §7.3: native apps
/// listen on whatever port is free). Cognito itself wants the port registered.
fn callback_matches(registered: &str, given: &str) -> bool {
    if registered == given {
        return true;
    }
    for host in ["http://127.0.0.1", "http://localhost", "http://[::1]"] {
        let (Some(reg_path), Some(rest)) = (
            registered.strip_prefix(host),
            given.strip_prefix(&format!("{host}:")),
        ) else {
            continue;
        };
        if !(reg_path.is_empty() || reg_path.starts_with('/')) {
            continue;
        }
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        let path = rest.get(digits..).unwrap_or("");
        if (1..=5).contains(&digits) && path == reg_path {
            return true;
        }
    }
    false
}

/// `code_challenge` for a `code_verifier` (RFC 7636 S256).
fn s256(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

/// RFC 7636 §4.1: 43 to 128 unreserved characters.
fn valid_pkce_value(value: &str) -> bool {
    (43..=128).contains(&value.len())
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'))
}

/// Drops expired entries and, at the cap, the ones that expire first.
fn sweep<T>(map: &mut HashMap<String, T>, now: u64, expires: impl Fn(&T) -> u64) {
    map.retain(|_, v| expires(v) > now);
    while map.len() >= MAX_PENDING {
        let first = map
            .iter()
            .min_by_key(|(_, v)| expires(v))
            .map(|(k, _)| k.clone());
        match first {
            Some(key) => map.remove(&key),
            None => break,
        };
    }
}

impl Pool {
    /// Serves managed login and the OpenID discovery document: `method` and `target` (path
    /// and query) of an HTTP request, its headers and body. `None` when the path is not one of
    /// managed login's (the HTTP server then serves the API). Never panics.
    pub fn handle_web(
        &mut self,
        method: &str,
        target: &str,
        headers: &[(String, String)],
        body: &[u8],
        now: u64,
        rng: &mut dyn RngCore,
    ) -> Option<PoolResponse> {
        let (path, query) = target.split_once('?').unwrap_or((target, ""));
        let mut cx = Cx { now, rng };
        let issuer_discovery = format!("/{}/.well-known/openid-configuration", self.config.pool_id);
        Some(match (method, path) {
            ("GET", "/oauth2/authorize" | "/login" | "/oauth2/login") => self.authorize_page(query),
            ("POST", "/login") => self.login(query, body, &mut cx),
            ("POST", "/mfa") => self.mfa(query, body, &mut cx),
            ("GET", "/error") => {
                let params = parse_form(query).unwrap_or_default();
                error_page(
                    param(&params, "error").unwrap_or("error"),
                    "The request cannot be served: check the app client's configuration.",
                )
            }
            ("POST", "/oauth2/token") => self.token(headers, body, &mut cx),
            ("POST", "/oauth2/revoke") => self.revoke(headers, body),
            ("GET" | "POST", "/oauth2/userInfo") => self.user_info(headers, now),
            ("GET", "/logout") => self.logout(query),
            ("GET", "/.well-known/jwks.json") => oauth_json(200, &self.jwks()),
            ("GET", "/.well-known/openid-configuration") => {
                oauth_json(200, &self.discovery(headers))
            }
            ("GET", p) if p == issuer_discovery => oauth_json(200, &self.discovery(headers)),
            (_, "/oauth2/authorize" | "/login" | "/mfa" | "/oauth2/token" | "/oauth2/revoke")
            | (_, "/oauth2/userInfo" | "/logout") => {
                oauth_error("invalid_request", "method not allowed")
            }
            _ => return None,
        })
    }

    /// The OpenID discovery document, with this server's endpoints (from `Host`).
    fn discovery(&self, headers: &[(String, String)]) -> Value {
        let base = match header(headers, "Host") {
            Some(host) if !host.is_empty() && !host.contains(['/', ' ', '"']) => {
                format!("http://{host}")
            }
            _ => self
                .issuer
                .rsplit_once('/')
                .map_or(self.issuer.clone(), |(b, _)| b.to_owned()),
        };
        json!({
            "issuer": self.issuer,
            "authorization_endpoint": format!("{base}/oauth2/authorize"),
            "token_endpoint": format!("{base}/oauth2/token"),
            "userinfo_endpoint": format!("{base}/oauth2/userInfo"),
            "revocation_endpoint": format!("{base}/oauth2/revoke"),
            "end_session_endpoint": format!("{base}/logout"),
            "jwks_uri": format!("{}/.well-known/jwks.json", self.issuer),
            "response_types_supported": ["code"],
            "grant_types_supported": ["authorization_code", "refresh_token"],
            "scopes_supported": KNOWN_SCOPES,
            "code_challenge_methods_supported": ["S256"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "claims_supported": ["sub", "iss", "aud", "nonce", "email", "email_verified",
                "phone_number", "phone_number_verified", "cognito:username", "auth_time"],
        })
    }

    /// Checks an authorization request (the query of `/oauth2/authorize`).
    fn check_authorize(&self, query: &str) -> Result<Authorize, Refusal> {
        let Some(params) = parse_form(query) else {
            return Err(Refusal::Page(
                "invalid_request",
                "The query is malformed or repeats a parameter.".into(),
            ));
        };
        let Some(client_id) = param(&params, "client_id") else {
            return Err(Refusal::Page(
                "invalid_request",
                "client_id is missing.".into(),
            ));
        };
        let Ok(client) = self.client(client_id) else {
            return Err(Refusal::Page(
                "invalid_request",
                format!("Client {client_id} does not exist."),
            ));
        };
        let redirect_uri = param(&params, "redirect_uri").unwrap_or("");
        if !client
            .callback_urls
            .iter()
            .any(|u| callback_matches(u, redirect_uri))
        {
            return Err(Refusal::Redirect(with_query(
                "/error",
                &[("error", "redirect_mismatch"), ("client_id", client_id)],
            )));
        }
        let state = param(&params, "state").map(String::from);
        let refuse = |error: &str, description: &str| {
            let mut pairs = vec![("error", error), ("error_description", description)];
            if let Some(state) = &state {
                pairs.push(("state", state));
            }
            Refusal::Redirect(with_query(redirect_uri, &pairs))
        };
        match param(&params, "response_type") {
            Some("code") => {}
            Some("token") => {
                return Err(refuse(
                    "unauthorized_client",
                    "the implicit grant is not served by the testkit",
                ));
            }
            _ => return Err(refuse("unsupported_response_type", "response_type=code")),
        }
        if !client.allowed_oauth_flows.iter().any(|f| f == "code") {
            return Err(refuse(
                "unauthorized_client",
                "the authorization code flow is not allowed for this client",
            ));
        }
        let scope = match param(&params, "scope") {
            Some(scope) => {
                let scopes: Vec<&str> = scope.split(' ').filter(|s| !s.is_empty()).collect();
                let allowed = |s: &&str| client.allowed_oauth_scopes.iter().any(|a| a == s);
                if scopes.is_empty() || !scopes.iter().all(allowed) {
                    return Err(refuse("invalid_scope", "a scope is not allowed"));
                }
                scopes.join(" ")
            }
            None => client.allowed_oauth_scopes.join(" "),
        };
        let code_challenge = match (
            param(&params, "code_challenge"),
            param(&params, "code_challenge_method"),
        ) {
            (None, None) => None,
            (Some(challenge), Some("S256")) if valid_pkce_value(challenge) => {
                Some(challenge.to_owned())
            }
            (Some(_), Some("S256")) => {
                return Err(refuse("invalid_request", "malformed code_challenge"));
            }
            _ => {
                return Err(refuse(
                    "invalid_request",
                    "code_challenge_method must be S256, with a code_challenge",
                ));
            }
        };
        Ok(Authorize {
            client_id: client_id.to_owned(),
            redirect_uri: redirect_uri.to_owned(),
            scope,
            state,
            nonce: param(&params, "nonce").map(String::from),
            code_challenge,
            login_hint: param(&params, "login_hint").map(String::from),
        })
    }

    fn refusal(refusal: Refusal) -> PoolResponse {
        match refusal {
            Refusal::Page(error, detail) => error_page(error, &detail),
            Refusal::Redirect(location) => redirect(location),
        }
    }

    fn authorize_page(&self, query: &str) -> PoolResponse {
        match self.check_authorize(query) {
            Ok(authz) => login_page(query, &authz, &self.config.pool_id, None),
            Err(refusal) => Self::refusal(refusal),
        }
    }

    /// `POST /login?<authorize query>` with `username` and `password`.
    fn login(&mut self, query: &str, body: &[u8], cx: &mut Cx<'_>) -> PoolResponse {
        let authz = match self.check_authorize(query) {
            Ok(authz) => authz,
            Err(refusal) => return Self::refusal(refusal),
        };
        let form = std::str::from_utf8(body).ok().and_then(parse_form);
        let field = |name: &str| form.as_ref().and_then(|f| param(f, name)).unwrap_or("");
        let (typed, password) = (field("username"), field("password"));
        let pool_id = self.config.pool_id.clone();
        let fail = |message: &str| login_page(query, &authz, &pool_id, Some(message));
        let Some(user) = self.find_user(typed) else {
            return fail("Incorrect username or password.");
        };
        if !user
            .verifier
            .matches(self.config.pool_name(), &user.username, password)
        {
            return fail("Incorrect username or password.");
        }
        match user.status {
            UserStatus::Confirmed => {}
            UserStatus::Unconfirmed => return fail("User is not confirmed."),
            UserStatus::ForceChangePassword | UserStatus::ResetRequired => {
                return fail(
                    "This user must set a new password, which the testkit's login page does \
                     not offer: use the API (sign-in).",
                );
            }
        }
        let username = user.username.clone();
        let factors = user.enabled_factors(&self.config.mfa_factors);
        let mfa = match self.config.mfa {
            MfaMode::Off => false,
            MfaMode::Optional => !factors.is_empty(),
            MfaMode::On => true,
        };
        if !mfa {
            return self.grant(authz, &username, cx);
        }
        if !factors.contains(&"SOFTWARE_TOKEN_MFA") {
            return fail(
                "This user's MFA (SMS, e-mail or setup) is not offered by the testkit's login \
                 page; only TOTP is.",
            );
        }
        sweep(&mut self.web.logins, cx.now, |l| l.expires);
        let session = crypto::opaque(cx.rng, 32);
        self.web.logins.insert(
            session.clone(),
            PendingMfa {
                username,
                query: query.to_owned(),
                expires: cx.now.saturating_add(MFA_VALIDITY_SECS),
                failed: 0,
            },
        );
        mfa_page(query, &session, None)
    }

    /// `POST /mfa?<authorize query>` with `session` and `code`.
    fn mfa(&mut self, query: &str, body: &[u8], cx: &mut Cx<'_>) -> PoolResponse {
        let authz = match self.check_authorize(query) {
            Ok(authz) => authz,
            Err(refusal) => return Self::refusal(refusal),
        };
        let form = std::str::from_utf8(body).ok().and_then(parse_form);
        let field = |name: &str| form.as_ref().and_then(|f| param(f, name)).unwrap_or("");
        let (session, code) = (field("session").to_owned(), field("code").to_owned());
        let pool_id = self.config.pool_id.clone();
        let login = self
            .web
            .logins
            .get(&session)
            .filter(|l| l.expires > cx.now && l.query == query)
            .cloned();
        let Some(login) = login else {
            return login_page(
                query,
                &authz,
                &pool_id,
                Some("Your session has expired: sign in again."),
            );
        };
        match self.check_totp(&login.username, &code, cx.now, true) {
            Ok(true) => {
                self.web.logins.remove(&session);
                self.grant(authz, &login.username, cx)
            }
            _ => {
                let failed = login.failed + 1;
                if failed >= MAX_MFA_ATTEMPTS {
                    self.web.logins.remove(&session);
                    return login_page(
                        query,
                        &authz,
                        &pool_id,
                        Some("Too many wrong codes: sign in again."),
                    );
                }
                if let Some(pending) = self.web.logins.get_mut(&session) {
                    pending.failed = failed;
                }
                mfa_page(query, &session, Some("Invalid code received for user"))
            }
        }
    }

    /// The user signed in: a code for the redirect URI.
    fn grant(&mut self, authz: Authorize, username: &str, cx: &mut Cx<'_>) -> PoolResponse {
        sweep(&mut self.web.codes, cx.now, |c| c.expires);
        let code = crypto::uuid(cx.rng);
        let mut pairs = vec![("code", code.as_str())];
        if let Some(state) = &authz.state {
            pairs.push(("state", state));
        }
        let location = with_query(&authz.redirect_uri, &pairs);
        self.web.codes.insert(
            code.clone(),
            AuthCode {
                request: authz,
                username: username.to_owned(),
                auth_time: cx.now,
                expires: cx.now.saturating_add(CODE_VALIDITY_SECS),
                used: None,
            },
        );
        redirect(location)
    }

    /// Client authentication of the token and revoke endpoints: HTTP Basic, or `client_id`
    /// (and `client_secret`) in the form. The client id, or the error reply.
    fn authenticate_client(
        &self,
        headers: &[(String, String)],
        form: &Params,
    ) -> Result<String, PoolResponse> {
        let invalid = |why: &str| oauth_error("invalid_client", why);
        let basic = match header(headers, "Authorization") {
            Some(value) => {
                let Some(encoded) = value
                    .strip_prefix("Basic ")
                    .or_else(|| value.strip_prefix("basic "))
                else {
                    return Err(invalid("unsupported Authorization scheme"));
                };
                let decoded = STANDARD
                    .decode(encoded.trim())
                    .ok()
                    .and_then(|b| String::from_utf8(b).ok());
                let pair = decoded.as_deref().and_then(|d| d.split_once(':'));
                match pair.and_then(|(id, secret)| Some((decode(id)?, decode(secret)?))) {
                    Some(pair) => Some(pair),
                    None => return Err(invalid("malformed HTTP Basic credentials")),
                }
            }
            None => None,
        };
        let body_id = param(form, "client_id");
        let (client_id, secret) = match (&basic, body_id) {
            (Some((id, _)), Some(body)) if id != body => {
                return Err(invalid("client_id differs from the HTTP Basic user"));
            }
            (Some((id, secret)), _) => (id.clone(), Some(secret.clone())),
            (None, Some(id)) => (
                id.to_owned(),
                param(form, "client_secret").map(String::from),
            ),
            (None, None) => return Err(invalid("no client authentication")),
        };
        let Ok(client) = self.client(&client_id) else {
            return Err(invalid("unknown client"));
        };
        match (&client.client_secret, secret) {
            (None, _) => Ok(client_id),
            (Some(expected), Some(sent)) if crypto::ct_eq(expected, &sent) => Ok(client_id),
            (Some(_), _) => Err(invalid("the client secret is missing or wrong")),
        }
    }

    /// `POST /oauth2/token`.
    fn token(
        &mut self,
        headers: &[(String, String)],
        body: &[u8],
        cx: &mut Cx<'_>,
    ) -> PoolResponse {
        let Some(form) = std::str::from_utf8(body).ok().and_then(parse_form) else {
            return oauth_error("invalid_request", "malformed form body");
        };
        let client_id = match self.authenticate_client(headers, &form) {
            Ok(id) => id,
            Err(response) => return response,
        };
        let flows_ok = self
            .client(&client_id)
            .is_ok_and(|c| c.allowed_oauth_flows.iter().any(|f| f == "code"));
        if !flows_ok {
            return oauth_error(
                "unauthorized_client",
                "the authorization code flow is not allowed for this client",
            );
        }
        match param(&form, "grant_type") {
            Some("authorization_code") => self.exchange_code(&client_id, &form, cx),
            Some("refresh_token") => self.refresh_grant(&client_id, &form, cx),
            Some(_) => oauth_error(
                "unsupported_grant_type",
                "authorization_code or refresh_token",
            ),
            None => oauth_error("invalid_request", "grant_type is missing"),
        }
    }

    fn exchange_code(&mut self, client_id: &str, form: &Params, cx: &mut Cx<'_>) -> PoolResponse {
        let Some(code) = param(form, "code") else {
            return oauth_error("invalid_request", "code is missing");
        };
        // Whatever happens now, the code is spent: a wrong verifier or redirect URI cannot
        // be retried with another guess.
        let Some(record) = self.web.codes.remove(code) else {
            return oauth_error("invalid_grant", "the code is unknown");
        };
        if let Some(origin) = &record.used {
            // RFC 6749 §4.1.2: a code used twice revokes what it gave.
            self.revoke_origin(origin);
            return oauth_error("invalid_grant", "the code was already used");
        }
        if record.expires <= cx.now {
            return oauth_error("invalid_grant", "the code has expired");
        }
        let authz = &record.request;
        if authz.client_id != client_id {
            return oauth_error("invalid_grant", "the code was issued to another client");
        }
        if param(form, "redirect_uri") != Some(authz.redirect_uri.as_str()) {
            return oauth_error(
                "invalid_grant",
                "redirect_uri differs from the authorization request's",
            );
        }
        if let Some(challenge) = &authz.code_challenge {
            let verified = param(form, "code_verifier")
                .is_some_and(|v| valid_pkce_value(v) && crypto::ct_eq(challenge, &s256(v)));
            if !verified {
                return oauth_error("invalid_grant", "the code_verifier does not match");
            }
        }
        let grant = OAuthGrant {
            scope: authz.scope.clone(),
            nonce: authz.nonce.clone(),
        };
        let origin = crypto::uuid(cx.rng);
        let username = record.username.clone();
        let result = self.issue_tokens_for(
            &username,
            client_id,
            record.auth_time,
            None,
            Some(origin.clone()),
            true,
            Some(&grant),
            cx,
        );
        match result {
            Ok(result) => {
                // Kept until it expires, to recognise (and punish) a second use.
                let mut spent = record;
                spent.used = Some(origin);
                self.web.codes.insert(code.to_owned(), spent);
                oauth_json(200, &token_reply(&result))
            }
            Err(error) => api_error_to_oauth(&error),
        }
    }

    fn refresh_grant(&mut self, client_id: &str, form: &Params, cx: &mut Cx<'_>) -> PoolResponse {
        let Some(token) = param(form, "refresh_token") else {
            return oauth_error("invalid_request", "refresh_token is missing");
        };
        let rotate = self.client(client_id).is_ok_and(|c| c.rotation().is_some());
        match self.refresh(client_id, token, None, rotate, cx) {
            Ok(result) => oauth_json(200, &token_reply(&result)),
            Err(error) => api_error_to_oauth(&error),
        }
    }

    /// `POST /oauth2/revoke`.
    fn revoke(&mut self, headers: &[(String, String)], body: &[u8]) -> PoolResponse {
        let Some(form) = std::str::from_utf8(body).ok().and_then(parse_form) else {
            return oauth_error("invalid_request", "malformed form body");
        };
        let client_id = match self.authenticate_client(headers, &form) {
            Ok(id) => id,
            Err(response) => return response,
        };
        let Some(token) = param(&form, "token") else {
            return oauth_error("invalid_request", "token is missing");
        };
        if !self
            .client(&client_id)
            .is_ok_and(|c| c.enable_token_revocation)
        {
            return oauth_error(
                "unsupported_operation",
                "token revocation is not enabled for this client",
            );
        }
        if self.signer.verify(token).is_some() {
            return oauth_error("unsupported_token_type", "only refresh tokens are revoked");
        }
        let origin = match self.refresh_tokens.get(token) {
            None => return oauth_json(200, &json!({})),
            Some(record) if record.client_id != client_id => {
                return oauth_error("unauthorized_client", "the token is another client's");
            }
            Some(record) => record.origin_jti.clone(),
        };
        self.revoke_origin(&origin);
        oauth_json(200, &json!({}))
    }

    /// `GET /oauth2/userInfo` with a Bearer access token.
    fn user_info(&self, headers: &[(String, String)], now: u64) -> PoolResponse {
        let token = header(headers, "Authorization").and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        });
        let Some(token) = token.map(str::trim) else {
            return oauth_error("invalid_token", "Access token is missing");
        };
        let username = match self.authorize(token, now) {
            Ok(username) => username,
            Err(error) => return oauth_error("invalid_token", &error.message),
        };
        let scope = self
            .signer
            .verify(token)
            .and_then(|c| c.get("scope").and_then(Value::as_str).map(String::from))
            .unwrap_or_default();
        if !scope
            .split(' ')
            .any(|s| s == "openid" || s == OAUTH_ADMIN_SCOPE)
        {
            return oauth_error(
                "invalid_token",
                "Access token does not have the openid scope",
            );
        }
        let Some(user) = self.users.get(&username) else {
            return oauth_error("invalid_token", "User does not exist.");
        };
        let mut info = Map::new();
        info.insert("sub".into(), json!(user.sub));
        for (name, value) in &user.attributes {
            info.insert(name.clone(), json!(value));
        }
        info.insert("username".into(), json!(user.username));
        oauth_json(200, &Value::Object(info))
    }

    /// `GET /logout?client_id=...&logout_uri=...` (or `redirect_uri` and `response_type` to
    /// sign in again).
    fn logout(&self, query: &str) -> PoolResponse {
        let params = parse_form(query).unwrap_or_default();
        let client = param(&params, "client_id").and_then(|id| self.client(id).ok());
        let Some(client) = client else {
            return error_page("invalid_request", "client_id is missing or unknown.");
        };
        if let Some(logout_uri) = param(&params, "logout_uri") {
            return match client.logout_urls.iter().any(|u| u == logout_uri) {
                true => redirect(logout_uri.to_owned()),
                false => error_page(
                    "redirect_mismatch",
                    "logout_uri is not one of the app client's sign-out URLs.",
                ),
            };
        }
        match self.check_authorize(query) {
            Ok(_) => redirect(format!("/oauth2/authorize?{query}")),
            Err(refusal) => Self::refusal(refusal),
        }
    }
}

/// The API's AuthenticationResult in the token endpoint's shape.
fn token_reply(result: &Value) -> Value {
    let mut reply = Map::new();
    for (from, to) in [
        ("AccessToken", "access_token"),
        ("IdToken", "id_token"),
        ("RefreshToken", "refresh_token"),
        ("ExpiresIn", "expires_in"),
    ] {
        if let Some(value) = result.get(from) {
            reply.insert(to.into(), value.clone());
        }
    }
    reply.insert("token_type".into(), json!("Bearer"));
    Value::Object(reply)
}

/// An error of the pool's API (a refresh refused, a user gone) as the token endpoint says it.
fn api_error_to_oauth(error: &ApiError) -> PoolResponse {
    match error.kind {
        "InternalErrorException" => oauth_error("server_error", &error.message),
        "InvalidParameterException" if error.message.contains("Flow not enabled") => {
            oauth_error("unauthorized_client", &error.message)
        }
        _ => oauth_error("invalid_grant", &error.message),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn forms_decode_and_refuse_repeats() {
        let params = parse_form("a=1+2&b=%C3%A9%2B&c").unwrap();
        assert_eq!(param(&params, "a"), Some("1 2"));
        assert_eq!(param(&params, "b"), Some("é+"));
        assert_eq!(param(&params, "c"), Some(""));
        assert!(parse_form("a=1&a=2").is_none());
        assert!(parse_form("a=%zz").is_none());
        assert!(parse_form("a=%2").is_none());
        assert_eq!(encode("a b&c=é"), "a%20b%26c%3D%C3%A9");
        assert_eq!(
            with_query("http://x/cb?k=v", &[("code", "1")]),
            "http://x/cb?k=v&code=1"
        );
        assert_eq!(
            html_escape("<a href=\"x\">&'"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
    }

    #[test]
    fn loopback_callbacks_without_a_port_match_any_port() {
        assert!(callback_matches("myapp://cb", "myapp://cb"));
        assert!(callback_matches(
            "http://127.0.0.1/callback",
            "http://127.0.0.1:53127/callback"
        ));
        assert!(!callback_matches(
            "http://127.0.0.1/callback",
            "http://127.0.0.1:53127/callback/x"
        ));
        assert!(!callback_matches(
            "http://127.0.0.1/callback",
            "http://127.0.0.1.evil.example/callback"
        ));
        assert!(!callback_matches(
            "http://127.0.0.1:8080/callback",
            "http://127.0.0.1:8081/callback"
        ));
        assert!(!callback_matches(
            "https://app.example/cb",
            "https://app.example:444/cb"
        ));
    }

    #[test]
    fn s256_matches_rfc_7636_appendix_b() {
        assert_eq!(
            s256("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }
}
