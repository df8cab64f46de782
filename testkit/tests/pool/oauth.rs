//! Managed login: the authorize page, the login and TOTP forms, the token endpoint's checks
//! (single-use and expiring codes, PKCE, redirect URI, client authentication), userInfo,
//! revoke, logout and discovery. The client's own check of `state` is the client's business
//! (`cognito_auth::oauth::PendingLogin::callback`); these are the server's.

use std::sync::Arc;

use base64::Engine as _;
use cognito_auth::oauth::{Domain, ManagedLogin};
use cognito_auth::{HttpResponse, UnixTime};
use cognito_auth_testkit::{
    CODE_VALIDITY_SECS, ClientConfig, Config, MfaMode, PoolResponse, SeededRng, Server, UserSeed,
};
use serde_json::Value;

use crate::support::*;

const CALLBACK: &str = "http://127.0.0.1:8765/callback";
const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
const TOTP_SECRET: &str = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
const WEB_CLIENT: &str = "webclient0000001";
const WEB_SECRET_CLIENT: &str = "webclientsecret1";
const WEB_SECRET: &str = "web-client-secret-0123456789";
const API_ONLY_CLIENT: &str = "apionlyclient001";

/// A random source for the client library: the same bytes every time (a test).
struct Fixed;

impl cognito_auth::SecureRandom for Fixed {
    fn fill(&self, buf: &mut [u8]) -> Result<(), cognito_auth::RandomError> {
        buf.fill(7);
        Ok(())
    }
}

fn config() -> Config {
    let mut config = base_config()
        .with_client(
            ClientConfig::new(WEB_CLIENT)
                .with_managed_login(CALLBACK)
                .with_logout_url("http://127.0.0.1:8765/signed-out"),
        )
        .with_client(
            ClientConfig::new(WEB_SECRET_CLIENT)
                .with_secret(WEB_SECRET)
                .with_managed_login(CALLBACK),
        )
        .with_client(ClientConfig::new(API_ONLY_CLIENT))
        .with_user(UserSeed::new("tom", PASSWORD).with_totp_secret(TOTP_SECRET));
    config.mfa = MfaMode::Optional;
    config
}

fn harness() -> Harness {
    Harness::new(config())
}

fn query(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .map(|(n, v)| format!("{n}={}", encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                char::from(b).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn authorize_query(client_id: &str) -> String {
    query(&[
        ("response_type", "code"),
        ("client_id", client_id),
        ("redirect_uri", CALLBACK),
        ("scope", "openid email"),
        ("state", "st&te"),
        ("code_challenge_method", "S256"),
        ("code_challenge", CHALLENGE),
        ("nonce", "n0nce"),
    ])
}

fn web(
    h: &mut Harness,
    method: &str,
    target: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> PoolResponse {
    let headers: Vec<(String, String)> = headers
        .iter()
        .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
        .collect();
    h.pool
        .handle_web(method, target, &headers, body.as_bytes(), h.now, &mut h.rng)
        .unwrap_or_else(|| panic!("{method} {target} is not a managed-login path"))
}

fn location(response: &PoolResponse) -> String {
    assert_eq!(
        response.status,
        302,
        "{}",
        String::from_utf8_lossy(&response.body)
    );
    response
        .headers
        .iter()
        .find(|(n, _)| n == "Location")
        .map(|(_, v)| v.clone())
        .unwrap()
}

fn query_param(url: &str, name: &str) -> Option<String> {
    let query = url.split_once('?')?.1;
    query.split('&').find_map(|pair| {
        let (n, v) = pair.split_once('=')?;
        (n == name).then(|| {
            let bytes = v.as_bytes();
            let mut out = Vec::new();
            let mut i = 0;
            while i < bytes.len() {
                if bytes[i] == b'%' {
                    out.push(u8::from_str_radix(&v[i + 1..i + 3], 16).unwrap());
                    i += 3;
                } else {
                    out.push(bytes[i]);
                    i += 1;
                }
            }
            String::from_utf8(out).unwrap()
        })
    })
}

fn body(response: &PoolResponse) -> String {
    String::from_utf8_lossy(&response.body).into_owned()
}

/// The authorize page, then the login form: the redirect's code.
fn login_code(h: &mut Harness, client_id: &str, username: &str) -> String {
    let q = authorize_query(client_id);
    let page = web(h, "GET", &format!("/oauth2/authorize?{q}"), &[], "");
    assert_eq!(page.status, 200, "{}", body(&page));
    assert!(body(&page).contains("name=\"password\""));
    let form = query(&[("username", username), ("password", PASSWORD)]);
    let reply = web(h, "POST", &format!("/login?{q}"), &[], &form);
    let location = location(&reply);
    assert!(
        location.starts_with(&format!("{CALLBACK}?code=")),
        "{location}"
    );
    assert_eq!(query_param(&location, "state").as_deref(), Some("st&te"));
    query_param(&location, "code").unwrap()
}

fn exchange(
    h: &mut Harness,
    client_id: &str,
    code: &str,
    verifier: &str,
    redirect: &str,
) -> PoolResponse {
    let form = query(&[
        ("grant_type", "authorization_code"),
        ("client_id", client_id),
        ("code", code),
        ("redirect_uri", redirect),
        ("code_verifier", verifier),
    ]);
    web(h, "POST", "/oauth2/token", &[], &form)
}

fn oauth_error(response: &PoolResponse) -> (u16, String) {
    let json = response.json_body();
    (
        response.status,
        json["error"].as_str().unwrap_or("").to_owned(),
    )
}

fn claims(jwt: &str) -> Value {
    let payload = jwt.split('.').nth(1).unwrap();
    serde_json::from_slice(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(payload)
            .unwrap(),
    )
    .unwrap()
}

#[test]
fn code_flow_with_pkce_gives_tokens_with_nonce_audience_and_scopes() {
    let mut h = harness();
    let code = login_code(&mut h, WEB_CLIENT, "alice");
    let reply = exchange(&mut h, WEB_CLIENT, &code, VERIFIER, CALLBACK);
    assert_eq!(reply.status, 200, "{}", body(&reply));
    let json = reply.json_body();
    assert_eq!(json["token_type"], "Bearer");
    assert_eq!(json["expires_in"], 3600);
    assert!(json["refresh_token"].as_str().is_some());
    let id = claims(json["id_token"].as_str().unwrap());
    assert_eq!(id["nonce"], "n0nce");
    assert_eq!(id["aud"], WEB_CLIENT);
    assert_eq!(id["token_use"], "id");
    assert_eq!(id["email"], "alice@example.com");
    assert_eq!(id["iss"], h.pool.issuer());
    let access = claims(json["access_token"].as_str().unwrap());
    assert_eq!(access["client_id"], WEB_CLIENT);
    assert_eq!(access["scope"], "openid email");
    assert_eq!(access["token_use"], "access");

    // userInfo with the access token.
    let bearer = format!("Bearer {}", json["access_token"].as_str().unwrap());
    let info = web(
        &mut h,
        "GET",
        "/oauth2/userInfo",
        &[("Authorization", &bearer)],
        "",
    );
    assert_eq!(info.status, 200, "{}", body(&info));
    assert_eq!(info.json_body()["email"], "alice@example.com");
    assert_eq!(info.json_body()["username"], "alice");

    // A refresh through the token endpoint keeps the scopes; no nonce the second time.
    let form = query(&[
        ("grant_type", "refresh_token"),
        ("client_id", WEB_CLIENT),
        ("refresh_token", json["refresh_token"].as_str().unwrap()),
    ]);
    let refreshed = web(&mut h, "POST", "/oauth2/token", &[], &form);
    assert_eq!(refreshed.status, 200, "{}", body(&refreshed));
    let again = refreshed.json_body();
    assert_eq!(
        claims(again["access_token"].as_str().unwrap())["scope"],
        "openid email"
    );
    assert!(
        claims(again["id_token"].as_str().unwrap())
            .get("nonce")
            .is_none()
    );
    assert!(again.get("refresh_token").is_none());

    // Revoke the refresh token: refreshing and userInfo fail from then on.
    let form = query(&[
        ("token", json["refresh_token"].as_str().unwrap()),
        ("client_id", WEB_CLIENT),
    ]);
    assert_eq!(
        web(&mut h, "POST", "/oauth2/revoke", &[], &form).status,
        200
    );
    let form = query(&[
        ("grant_type", "refresh_token"),
        ("client_id", WEB_CLIENT),
        ("refresh_token", json["refresh_token"].as_str().unwrap()),
    ]);
    let denied = web(&mut h, "POST", "/oauth2/token", &[], &form);
    assert_eq!(oauth_error(&denied), (400, "invalid_grant".into()));
    let info = web(
        &mut h,
        "GET",
        "/oauth2/userInfo",
        &[("Authorization", &bearer)],
        "",
    );
    assert_eq!(oauth_error(&info), (401, "invalid_token".into()));
    // An access token cannot be revoked.
    let form = query(&[
        ("token", json["access_token"].as_str().unwrap()),
        ("client_id", WEB_CLIENT),
    ]);
    let refused = web(&mut h, "POST", "/oauth2/revoke", &[], &form);
    assert_eq!(
        oauth_error(&refused),
        (400, "unsupported_token_type".into())
    );
}

#[test]
fn a_reused_code_is_invalid_grant_and_revokes_what_it_gave() {
    let mut h = harness();
    let code = login_code(&mut h, WEB_CLIENT, "alice");
    let first = exchange(&mut h, WEB_CLIENT, &code, VERIFIER, CALLBACK);
    assert_eq!(first.status, 200);
    let second = exchange(&mut h, WEB_CLIENT, &code, VERIFIER, CALLBACK);
    assert_eq!(oauth_error(&second), (400, "invalid_grant".into()));
    let bearer = format!(
        "Bearer {}",
        first.json_body()["access_token"].as_str().unwrap()
    );
    let info = web(
        &mut h,
        "GET",
        "/oauth2/userInfo",
        &[("Authorization", &bearer)],
        "",
    );
    assert_eq!(oauth_error(&info), (401, "invalid_token".into()));
}

#[test]
fn a_wrong_verifier_is_invalid_grant_and_spends_the_code() {
    let mut h = harness();
    let code = login_code(&mut h, WEB_CLIENT, "alice");
    let wrong = "A".repeat(43);
    let reply = exchange(&mut h, WEB_CLIENT, &code, &wrong, CALLBACK);
    assert_eq!(oauth_error(&reply), (400, "invalid_grant".into()));
    // No second guess with the same code.
    let reply = exchange(&mut h, WEB_CLIENT, &code, VERIFIER, CALLBACK);
    assert_eq!(oauth_error(&reply), (400, "invalid_grant".into()));
    // No verifier at all, for a code with a challenge.
    let code = login_code(&mut h, WEB_CLIENT, "alice");
    let form = query(&[
        ("grant_type", "authorization_code"),
        ("client_id", WEB_CLIENT),
        ("code", &code),
        ("redirect_uri", CALLBACK),
    ]);
    let reply = web(&mut h, "POST", "/oauth2/token", &[], &form);
    assert_eq!(oauth_error(&reply), (400, "invalid_grant".into()));
}

#[test]
fn a_wrong_redirect_uri_is_refused_at_authorize_and_at_the_token_endpoint() {
    let mut h = harness();
    let code = login_code(&mut h, WEB_CLIENT, "alice");
    let reply = exchange(
        &mut h,
        WEB_CLIENT,
        &code,
        VERIFIER,
        "http://127.0.0.1:8765/other",
    );
    assert_eq!(oauth_error(&reply), (400, "invalid_grant".into()));

    // Not a callback URL of the client: an error page, never a redirect to it.
    let q = query(&[
        ("response_type", "code"),
        ("client_id", WEB_CLIENT),
        ("redirect_uri", "https://evil.example/cb"),
        ("state", "s"),
    ]);
    let reply = web(&mut h, "GET", &format!("/oauth2/authorize?{q}"), &[], "");
    let to = location(&reply);
    assert!(to.starts_with("/error?error=redirect_mismatch"), "{to}");
    let page = web(&mut h, "GET", &to, &[], "");
    assert_eq!(page.status, 400);
    assert!(body(&page).contains("redirect_mismatch"));
}

#[test]
fn an_unknown_client_is_invalid_client() {
    let mut h = harness();
    let code = login_code(&mut h, WEB_CLIENT, "alice");
    let reply = exchange(&mut h, "nosuchclient0001", &code, VERIFIER, CALLBACK);
    assert_eq!(oauth_error(&reply), (401, "invalid_client".into()));
    // A code of one client is no good for another.
    let reply = exchange(&mut h, PUBLIC_CLIENT, &code, VERIFIER, CALLBACK);
    assert_eq!(oauth_error(&reply), (400, "unauthorized_client".into()));
    let page = web(
        &mut h,
        "GET",
        &format!("/oauth2/authorize?{}", authorize_query("nosuchclient0001")),
        &[],
        "",
    );
    assert_eq!(page.status, 400);
}

#[test]
fn an_expired_code_is_invalid_grant() {
    let mut h = harness();
    let code = login_code(&mut h, WEB_CLIENT, "alice");
    h.now += CODE_VALIDITY_SECS;
    let reply = exchange(&mut h, WEB_CLIENT, &code, VERIFIER, CALLBACK);
    assert_eq!(oauth_error(&reply), (400, "invalid_grant".into()));
    // Just in time works.
    let code = login_code(&mut h, WEB_CLIENT, "alice");
    h.now += CODE_VALIDITY_SECS - 1;
    assert_eq!(
        exchange(&mut h, WEB_CLIENT, &code, VERIFIER, CALLBACK).status,
        200
    );
}

#[test]
fn scopes_and_flows_come_from_the_client_configuration() {
    let mut h = harness();
    let q = query(&[
        ("response_type", "code"),
        ("client_id", WEB_CLIENT),
        ("redirect_uri", CALLBACK),
        ("scope", "openid admin:everything"),
        ("state", "s1"),
    ]);
    let to = location(&web(
        &mut h,
        "GET",
        &format!("/oauth2/authorize?{q}"),
        &[],
        "",
    ));
    assert_eq!(query_param(&to, "error").as_deref(), Some("invalid_scope"));
    assert_eq!(query_param(&to, "state").as_deref(), Some("s1"));
    assert!(to.starts_with(CALLBACK));

    let q = query(&[
        ("response_type", "code"),
        ("client_id", WEB_CLIENT),
        ("redirect_uri", CALLBACK),
        ("code_challenge_method", "plain"),
        ("code_challenge", CHALLENGE),
    ]);
    let to = location(&web(
        &mut h,
        "GET",
        &format!("/oauth2/authorize?{q}"),
        &[],
        "",
    ));
    assert_eq!(
        query_param(&to, "error").as_deref(),
        Some("invalid_request")
    );

    // A client without managed login: no callback URL matches.
    let to = location(&web(
        &mut h,
        "GET",
        &format!("/oauth2/authorize?{}", authorize_query(API_ONLY_CLIENT)),
        &[],
        "",
    ));
    assert!(to.contains("redirect_mismatch"), "{to}");

    // A client with a callback URL but no `code` flow: unauthorized_client.
    let mut config = config();
    config.clients.push(ClientConfig {
        allowed_oauth_flows: Vec::new(),
        ..ClientConfig::new("noflowclient0001").with_managed_login(CALLBACK)
    });
    let mut h = Harness::new(config);
    let to = location(&web(
        &mut h,
        "GET",
        &format!("/oauth2/authorize?{}", authorize_query("noflowclient0001")),
        &[],
        "",
    ));
    assert_eq!(
        query_param(&to, "error").as_deref(),
        Some("unauthorized_client")
    );
}

#[test]
fn a_client_with_a_secret_authenticates_by_http_basic() {
    let mut h = harness();
    let code = login_code(&mut h, WEB_SECRET_CLIENT, "alice");
    let reply = exchange(&mut h, WEB_SECRET_CLIENT, &code, VERIFIER, CALLBACK);
    assert_eq!(oauth_error(&reply), (401, "invalid_client".into()));
    let code = login_code(&mut h, WEB_SECRET_CLIENT, "alice");
    let form = query(&[
        ("grant_type", "authorization_code"),
        ("code", &code),
        ("redirect_uri", CALLBACK),
        ("code_verifier", VERIFIER),
    ]);
    let basic = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD
            .encode(format!("{WEB_SECRET_CLIENT}:{WEB_SECRET}"))
    );
    let reply = web(
        &mut h,
        "POST",
        "/oauth2/token",
        &[("Authorization", &basic)],
        &form,
    );
    assert_eq!(reply.status, 200, "{}", body(&reply));
    let bad = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{WEB_SECRET_CLIENT}:wrong"))
    );
    let code = login_code(&mut h, WEB_SECRET_CLIENT, "alice");
    let form = query(&[
        ("grant_type", "authorization_code"),
        ("code", &code),
        ("redirect_uri", CALLBACK),
        ("code_verifier", VERIFIER),
    ]);
    let reply = web(
        &mut h,
        "POST",
        "/oauth2/token",
        &[("Authorization", &bad)],
        &form,
    );
    assert_eq!(oauth_error(&reply), (401, "invalid_client".into()));
}

#[test]
fn a_wrong_password_stays_on_the_page_and_a_totp_user_gets_the_code_step() {
    let mut h = harness();
    let q = authorize_query(WEB_CLIENT);
    let form = query(&[("username", "alice"), ("password", "Wrong-Horse-9")]);
    let page = web(&mut h, "POST", &format!("/login?{q}"), &[], &form);
    assert_eq!(page.status, 200);
    assert!(body(&page).contains("Incorrect username or password."));

    let form = query(&[("username", "tom"), ("password", PASSWORD)]);
    let page = web(&mut h, "POST", &format!("/login?{q}"), &[], &form);
    assert_eq!(page.status, 200);
    let html = body(&page);
    assert!(html.contains("name=\"code\""), "{html}");
    let session = html
        .split("name=\"session\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap()
        .to_owned();
    let wrong = query(&[("session", &session), ("code", "000000")]);
    let page = web(&mut h, "POST", &format!("/mfa?{q}"), &[], &wrong);
    assert!(body(&page).contains("Invalid code"), "{}", body(&page));
    let right = query(&[
        ("session", &session),
        ("code", &totp_code(TOTP_SECRET, h.now)),
    ]);
    let to = location(&web(&mut h, "POST", &format!("/mfa?{q}"), &[], &right));
    let code = query_param(&to, "code").unwrap();
    let reply = exchange(&mut h, WEB_CLIENT, &code, VERIFIER, CALLBACK);
    assert_eq!(reply.status, 200, "{}", body(&reply));
    // The session is single use.
    let page = web(&mut h, "POST", &format!("/mfa?{q}"), &[], &right);
    assert!(body(&page).contains("session has expired"));
}

#[test]
fn logout_redirects_only_to_registered_urls() {
    let mut h = harness();
    let q = query(&[
        ("client_id", WEB_CLIENT),
        ("logout_uri", "http://127.0.0.1:8765/signed-out"),
    ]);
    let to = location(&web(&mut h, "GET", &format!("/logout?{q}"), &[], ""));
    assert_eq!(to, "http://127.0.0.1:8765/signed-out");
    let q = query(&[
        ("client_id", WEB_CLIENT),
        ("logout_uri", "https://evil.example/"),
    ]);
    let page = web(&mut h, "GET", &format!("/logout?{q}"), &[], "");
    assert_eq!(page.status, 400);
    assert!(body(&page).contains("redirect_mismatch"));
}

/// The client library's `ManagedLogin` against the pool over HTTP: discovery, the login page
/// and its form, the redirect, the code exchange.
#[test]
fn the_client_library_signs_in_through_the_served_pages() {
    let mut rng = SeededRng::new(5);
    let pool = cognito_auth_testkit::Pool::new(config(), NOW, &mut rng).unwrap();
    let server = Server::start(pool, "127.0.0.1:0").unwrap();
    let base = server.url();
    let (status, _, discovery) =
        crate::http::http(&base, "GET", "/.well-known/openid-configuration", &[], b"");
    assert_eq!(status, 200);
    let discovery: Value = serde_json::from_slice(&discovery).unwrap();
    let issuer = discovery["issuer"].as_str().unwrap().to_owned();
    assert_eq!(issuer, format!("{}{POOL_ID}", base));
    assert_eq!(discovery["token_endpoint"], format!("{}oauth2/token", base));
    let jwks_path = format!("/{POOL_ID}/.well-known/jwks.json");
    let (status, _, jwks) = crate::http::http(&base, "GET", &jwks_path, &[], b"");
    assert_eq!(status, 200);
    let (_, _, root_jwks) = crate::http::http(&base, "GET", "/.well-known/jwks.json", &[], b"");
    assert_eq!(jwks, root_jwks);

    let config = cognito_auth::PoolConfig::new(POOL_ID, WEB_CLIENT)
        .unwrap()
        .with_random(Arc::new(Fixed));
    let login = ManagedLogin::new(&config, Domain::base_url(&base).unwrap(), CALLBACK);
    let pending = login
        .authorize()
        .scopes(["openid", "email"])
        .build()
        .unwrap();
    let target = pending
        .authorize_url()
        .strip_prefix(base.trim_end_matches('/'))
        .unwrap();
    let (status, _, page) = crate::http::http(&base, "GET", target, &[], b"");
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&page));
    let page = String::from_utf8(page).unwrap();
    let action = page
        .split("action=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap()
        .replace("&amp;", "&");
    let form = query(&[("username", "alice"), ("password", PASSWORD)]);
    let (status, headers, _) = crate::http::http(
        &base,
        "POST",
        &action,
        &[("Content-Type", "application/x-www-form-urlencoded")],
        form.as_bytes(),
    );
    assert_eq!(status, 302);
    let redirect = headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("Location"))
        .unwrap()
        .1
        .clone();
    let code = pending.callback(&redirect).unwrap();
    let request = login.token_request(&pending, &code);
    let path = request
        .url()
        .strip_prefix(base.trim_end_matches('/'))
        .unwrap();
    let (status, _, reply) =
        crate::http::http(&base, "POST", path, &request.headers(), request.body());
    let tokens = login
        .handle_token_response(HttpResponse::new(status, &reply), UnixTime(NOW))
        .unwrap();
    let id = tokens.id_claims().unwrap();
    assert_eq!(id.iss.as_deref(), Some(issuer.as_str()));
    let raw = claims(tokens.id_token.expose());
    assert_eq!(raw["nonce"], pending.nonce());
    server.shutdown();
}
