//! `cognito-auth login`: managed login (the hosted UI) in the system browser, the way a native
//! app does it (RFC 8252): a loopback redirect on 127.0.0.1, PKCE S256, `state` and `nonce`,
//! then the code exchange and the ID token verified against the issuer's JWKS.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use cognito_auth::oauth::{Domain, ManagedLogin, OAuthError, OAuthRequest};
use cognito_auth::verify::{JwtVerifier, cognito_issuer};

use crate::app::{App, Class, Failure, non_empty, now, shown};
use crate::files::refuse_symlink;
use crate::tokens;
use crate::transport::Reply;

/// How long one connection to the loopback listener may take to send its request line.
const CONNECTION_TIMEOUT: Duration = Duration::from_secs(3);
/// At most this many connections (favicons, preconnects) before the callback.
const MAX_CONNECTIONS: usize = 64;
/// The longest request head read from the browser.
const MAX_HEAD: usize = 16 * 1024;

/// Options of `login`.
#[derive(Clone, clap::Args)]
#[command(after_help = "\
The app client needs the authorization code grant, the scopes asked for, and the callback URL \
http://127.0.0.1:PORT/callback (Cognito allows http for 127.0.0.1 and localhost): pass that PORT \
with --redirect-port. The local pool (cognito-auth serve) accepts any port for a registered \
http://127.0.0.1/callback.")]
pub(crate) struct LoginArgs {
    /// The managed login domain: https://PREFIX.auth.REGION.amazoncognito.com, a custom domain
    /// (auth.example.com), or the local pool's URL (http://127.0.0.1:PORT).
    #[arg(long, value_parser = non_empty)]
    domain: String,
    /// The port of the loopback redirect http://127.0.0.1:PORT/callback; 0 picks a free one.
    #[arg(long, default_value_t = 0)]
    redirect_port: u16,
    /// Do not open a browser: print the authorization URL alone on one line of standard error.
    #[arg(long)]
    no_browser: bool,
    /// The scopes, space-separated.
    #[arg(long, default_value = "openid email profile", value_parser = non_empty)]
    scope: String,
    /// How long to wait for the browser to come back, in seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 300,
        value_parser = clap::value_parser!(u64).range(1..=3600))]
    wait: u64,
    /// The tokens' issuer, whose JWKS (ISSUER/.well-known/jwks.json) verifies the ID token.
    /// Default: the local pool's (from its discovery document) for an http://127.0.0.1
    /// domain, else https://cognito-idp.REGION.amazonaws.com/POOL_ID.
    #[arg(long)]
    issuer: Option<String>,
    /// Save the tokens to this file (owner-only).
    #[arg(long, env = "COGNITO_TOKENS_FILE")]
    tokens_file: Option<PathBuf>,
    /// Print the tokens (JSON) on standard output.
    #[arg(long)]
    print_tokens: bool,
}

/// An OAuth error as the command line says it.
fn oauth_failure(error: OAuthError) -> Failure {
    let message = shown(&error.to_string());
    match &error {
        OAuthError::Server(server) => Failure::of(Class::Refused, "oauth", message)
            .with_code(server.code.as_str(), error.is_retryable()),
        OAuthError::StateMismatch
        | OAuthError::MissingState
        | OAuthError::MissingCode
        | OAuthError::MalformedRedirect(_) => Failure::of(Class::Protocol, "redirect", message),
        OAuthError::InvalidResponse { .. } => {
            Failure::of(Class::Protocol, "invalid_response", message)
        }
        OAuthError::InvalidInput(_) => Failure::usage(message),
        _ => Failure::new(message),
    }
}

/// The domain option: a URL (http only for loopback: the code and a client secret go there),
/// or a host name.
fn domain(text: &str) -> Result<Domain, Failure> {
    let domain = if text.contains("://") {
        if let Some(rest) = text.strip_prefix("http://") {
            let host = rest.split(['/', ':']).next().unwrap_or("");
            let host = if rest.starts_with('[') {
                rest.split(']').next().unwrap_or("").trim_start_matches('[')
            } else {
                host
            };
            if !matches!(host, "127.0.0.1" | "localhost" | "::1") {
                return Err(Failure::usage(format!(
                    "--domain {}: http:// only for a loopback address (the local pool); use \
                     https://",
                    shown(text)
                )));
            }
        }
        Domain::base_url(text)
    } else {
        Domain::custom(text)
    };
    domain.map_err(oauth_failure)
}

fn is_loopback_http(domain: &Domain) -> bool {
    domain.url().starts_with("http://")
}

pub(crate) fn run(app: &App, args: &LoginArgs) -> Result<(), Failure> {
    if let Some(path) = &args.tokens_file {
        refuse_symlink(path)?;
    }
    let domain = domain(&args.domain)?;
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, args.redirect_port)).map_err(|e| {
        Failure::of(
            Class::Usage,
            "listen",
            format!(
                "cannot listen on 127.0.0.1:{} for the redirect: {e} (--redirect-port; 0 picks \
                 a free one)",
                args.redirect_port
            ),
        )
    })?;
    let port = listener.local_addr()?.port();
    let redirect_uri = format!("http://127.0.0.1:{port}/callback");
    let login = ManagedLogin::new(&app.config, domain.clone(), redirect_uri);
    let pending = login
        .authorize()
        .scopes(args.scope.split(' ').filter(|s| !s.is_empty()))
        .build()
        .map_err(oauth_failure)?;
    let url = pending.authorize_url();
    if args.no_browser || !open_browser(url) {
        if !args.no_browser {
            eprintln!("Could not open a browser: open this URL to sign in:");
        }
        eprintln!("{url}");
    } else {
        eprintln!("Opened the sign-in page in your browser; waiting for it to come back…");
    }
    let target = wait_for_redirect(&listener, Duration::from_secs(args.wait))?;
    drop(listener);
    let code = pending.callback(&target).map_err(oauth_failure)?;

    let reply = send(
        app,
        &login.token_request(&pending, &code),
        "the code exchange",
    )?;
    let tokens = login
        .handle_token_response(reply.response(), now())
        .map_err(oauth_failure)?;

    let issuer = match &args.issuer {
        Some(issuer) => issuer.trim_end_matches('/').to_owned(),
        None if is_loopback_http(&domain) => discovered_issuer(app, &domain)?,
        None => cognito_issuer(&app.config),
    };
    let jwks_url = format!("{issuer}/.well-known/jwks.json");
    let jwks = get(app, &jwks_url, "the JWKS")?;
    let verifier = JwtVerifier::new(
        issuer.as_str(),
        app.config.client_id(),
        jwks.response().body(),
    )
    .map_err(|e| {
        Failure::of(
            Class::Protocol,
            "jwks",
            format!("{jwks_url}: {}", shown(&e.to_string())),
        )
    })?;
    let unverified = |what: &str, e: cognito_auth::verify::VerifyError| {
        Failure::of(
            Class::Protocol,
            "verify",
            format!("the {what} did not verify: {}", shown(&e.to_string())),
        )
    };
    let id = verifier
        .verify_id_token(tokens.id_token.expose(), now(), Some(pending.nonce()))
        .map_err(|e| unverified("ID token", e))?;
    verifier
        .verify_access_token(tokens.access_token.expose(), now())
        .map_err(|e| unverified("access token", e))?;

    if let Some(path) = &args.tokens_file {
        tokens::save(path, &tokens)?;
    }
    tokens::print(app, &tokens, args.print_tokens, || {
        let who = id
            .payload
            .get("cognito:username")
            .and_then(|v| v.as_str())
            .unwrap_or_default();
        let sub = id.claims.sub.as_deref().unwrap_or_default();
        let kept = match &args.tokens_file {
            Some(path) => format!(" Tokens saved to {}.", path.display()),
            None => " The tokens were not kept: pass --tokens-file FILE to save them, or \
                      --print-tokens to print them."
                .to_owned(),
        };
        format!(
            "Signed in as {} (sub {}); the ID token verified against {}; the access token \
             expires in {} s.{kept}",
            shown(who),
            shown(sub),
            shown(&issuer),
            tokens.expires_in
        )
    })
}

/// Sends a managed-login request within the command's time limit.
fn send(app: &App, request: &OAuthRequest, what: &str) -> Result<Reply, Failure> {
    let remaining = app.remaining();
    if remaining.is_zero() {
        return Err(app.out_of_time());
    }
    app.transport.fetch(
        request.method(),
        request.url(),
        &request.headers(),
        request.body(),
        what,
        remaining,
    )
}

/// GETs a JSON document (200 only).
fn get(app: &App, url: &str, what: &str) -> Result<Reply, Failure> {
    let remaining = app.remaining();
    if remaining.is_zero() {
        return Err(app.out_of_time());
    }
    let reply = app.transport.fetch("GET", url, &[], &[], what, remaining)?;
    if reply.status != 200 {
        return Err(Failure::of(
            Class::Protocol,
            "invalid_response",
            format!("{url} answered HTTP {} for {what}", reply.status),
        ));
    }
    Ok(reply)
}

/// The issuer named by the domain's OpenID discovery document (the local pool serves one).
fn discovered_issuer(app: &App, domain: &Domain) -> Result<String, Failure> {
    let url = format!("{}/.well-known/openid-configuration", domain.url());
    let reply = get(app, &url, "the OpenID discovery document")?;
    let document: serde_json::Value = serde_json::from_slice(reply.response().body())
        .map_err(|e| Failure::of(Class::Protocol, "invalid_response", format!("{url}: {e}")))?;
    document
        .get("issuer")
        .and_then(|v| v.as_str())
        .filter(|issuer| issuer.starts_with("http://") || issuer.starts_with("https://"))
        .map(|issuer| issuer.trim_end_matches('/').to_owned())
        .ok_or_else(|| {
            Failure::of(
                Class::Protocol,
                "invalid_response",
                format!("{url} names no issuer (pass --issuer)"),
            )
        })
}

/// Opens `url` in the system browser, best effort: true when the opener started.
fn open_browser(url: &str) -> bool {
    let opener = if cfg!(target_os = "macos") {
        "open"
    } else {
        "xdg-open"
    };
    std::process::Command::new(opener)
        .arg(url)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .is_ok()
}

/// Waits (at most `wait`) for the browser's `GET /callback?...` on the listener, answers it
/// with a page that says the window can be closed, and returns the request target. Other
/// requests (a favicon) get 404; a connection that sends nothing in a few seconds is dropped.
fn wait_for_redirect(listener: &TcpListener, wait: Duration) -> Result<String, Failure> {
    let deadline = Instant::now() + wait;
    listener.set_nonblocking(true)?;
    let mut connections = 0;
    while Instant::now() < deadline && connections < MAX_CONNECTIONS {
        let stream = match listener.accept() {
            Ok((stream, _)) => stream,
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                std::thread::sleep(Duration::from_millis(50));
                continue;
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e.into()),
        };
        connections += 1;
        if let Some(target) = serve_one(stream) {
            return Ok(target);
        }
    }
    Err(Failure::of(
        Class::Network,
        "timeout",
        format!(
            "the browser did not come back to the redirect within {} s (--wait)",
            wait.as_secs()
        ),
    ))
}

/// Reads one request; answers it. `Some(target)` for the callback.
fn serve_one(stream: TcpStream) -> Option<String> {
    stream.set_nonblocking(false).ok()?;
    stream.set_read_timeout(Some(CONNECTION_TIMEOUT)).ok()?;
    stream.set_write_timeout(Some(CONNECTION_TIMEOUT)).ok()?;
    let mut reader = BufReader::new(stream.try_clone().ok()?);
    let mut line = Vec::new();
    reader
        .by_ref()
        .take(MAX_HEAD as u64)
        .read_until(b'\n', &mut line)
        .ok()?;
    let line = String::from_utf8(line).ok()?;
    // Drain the rest of the head (bounded) so the browser sees a clean reply.
    let mut rest = Vec::new();
    for _ in 0..100 {
        rest.clear();
        match reader
            .by_ref()
            .take(MAX_HEAD as u64)
            .read_until(b'\n', &mut rest)
        {
            Ok(0) | Err(_) => break,
            Ok(_) if rest == b"\r\n" || rest == b"\n" => break,
            Ok(_) => {}
        }
    }
    let mut parts = line.split_whitespace();
    let (method, target) = (parts.next()?, parts.next()?);
    let mut writer = stream;
    if method != "GET" || !(target == "/callback" || target.starts_with("/callback?")) {
        let _ = reply(&mut writer, 404, "Not found", "Nothing here.");
        return None;
    }
    let failed = target.contains("error=");
    let (title, text) = match failed {
        true => (
            "Sign-in failed",
            "The sign-in did not complete: see the terminal. You can close this window.",
        ),
        false => (
            "Signed in",
            "cognito-auth received the sign-in. You can close this window and return to the \
             terminal.",
        ),
    };
    let _ = reply(&mut writer, 200, title, text);
    Some(target.to_owned())
}

fn reply(writer: &mut TcpStream, status: u16, title: &str, text: &str) -> std::io::Result<()> {
    let body = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title}</title>\
         </head><body style=\"font-family:system-ui,sans-serif;margin:4rem\"><h1>{title}</h1>\
         <p>{text}</p></body></html>\n"
    );
    let reason = if status == 200 { "OK" } else { "Not Found" };
    write!(
        writer,
        "HTTP/1.1 {status} {reason}\r\nContent-Type: text/html; charset=utf-8\r\n\
         Content-Length: {}\r\nCache-Control: no-store\r\nReferrer-Policy: no-referrer\r\n\
         Connection: close\r\n\r\n{body}",
        body.len()
    )?;
    writer.flush()
}
