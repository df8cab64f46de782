//! The local pool's edges: its HTTP request parser (request line, headers, Content-Length,
//! limits, several requests on one connection) and its configuration loader.

use std::io::{BufRead, BufReader, Cursor, Read};

use cognito_auth_testkit::fuzzing::{Parsed, ParsedRequest, read_one};
use cognito_auth_testkit::{Config, Pool, SeededRng};

use crate::input::*;
use crate::oracle::*;
use crate::*;

/// The reasons the parser gives for a 400.
const BAD_REASONS: [&str; 8] = [
    "truncated request",
    "request headers too large",
    "headers are not UTF-8",
    "malformed request line",
    "only HTTP/1.x is supported",
    "malformed header",
    "Transfer-Encoding is not supported; send Content-Length",
    "bad or too large Content-Length",
];

/// At most this many requests are read from one input (a connection's keep-alive loop).
const MAX_REQUESTS: usize = 16;

/// The limits from one byte: the server's defaults, small ones from the input, or the
/// largest a builder accepts.
fn limits(inp: &mut Input<'_>) -> (usize, usize) {
    match inp.byte() % 4 {
        0 => (64 * 1024, 1024 * 1024),
        1 => (usize::from(inp.byte()), usize::from(inp.byte())),
        2 => (usize::from(inp.u16()), usize::from(inp.u16())),
        _ => (usize::MAX, 1024 * 1024),
    }
}

/// A request written back in the form the parser reads.
fn serialize(request: &ParsedRequest) -> Vec<u8> {
    let mut out = format!("{} {} HTTP/1.1\r\n", request.method, request.path).into_bytes();
    for (name, value) in &request.headers {
        out.extend_from_slice(format!("{name}: {value}\r\n").as_bytes());
    }
    out.extend_from_slice(b"\r\n");
    out.extend_from_slice(&request.body);
    out
}

/// A header, as the server looks it up (the first, any case).
fn header<'r>(request: &'r ParsedRequest, name: &str) -> Option<&'r str> {
    request
        .headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// The HTTP server's request parser: the limits (one byte, see [`limits`]), the read
/// buffer's size (one byte), then the bytes of a connection. Requests are read until the
/// stream ends or one is refused. Each must respect the limits and its Content-Length, and
/// write back into bytes that parse to the same request; a refusal is one of the parser's
/// reasons. Reading from memory, every call must return.
pub fn testkit_http(data: &[u8]) {
    let mut inp = Input::new(data);
    let (max_header, max_body) = limits(&mut inp);
    let capacity = usize::from(inp.byte() % 64) + 1;
    let stream = inp.take(data.len());
    let mut reader = BufReader::with_capacity(capacity, Cursor::new(stream));
    for _ in 0..MAX_REQUESTS {
        let before = reader.get_ref().position() as usize - reader.buffer().len();
        match read_one(&mut reader, max_header, max_body) {
            Parsed::Request(request) => {
                let after = reader.get_ref().position() as usize - reader.buffer().len();
                check_request_shape(&request, max_body, after - before);
                let again = serialize(&request);
                let mut reread = BufReader::new(Cursor::new(&again));
                match read_one(&mut reread, again.len(), request.body.len()) {
                    Parsed::Request(same) => {
                        assert_eq!(same, request, "a request does not read back the same");
                        assert!(reread.fill_buf().is_ok_and(|b| b.is_empty()));
                    }
                    other => panic!("a request written back reads as {other:?}: {request:?}"),
                }
            }
            Parsed::Closed => {
                assert!(
                    reader.fill_buf().is_ok_and(|b| b.is_empty()),
                    "closed early"
                );
                break;
            }
            Parsed::Bad(why) => {
                assert!(BAD_REASONS.contains(&why), "an unknown refusal: {why}");
                break;
            }
            Parsed::Io(e) => {
                // Only a body cut short fails the read itself.
                assert_eq!(e.kind(), std::io::ErrorKind::UnexpectedEof, "{e}");
                assert!(reader.fill_buf().is_ok_and(|b| b.is_empty()));
                break;
            }
        }
    }
}

/// A parsed request: a method, a target and an HTTP/1.x request line's parts without
/// whitespace; no Transfer-Encoding; a body of exactly its Content-Length, within the limit;
/// no more consumed than the head (blank lines before it included) and the body.
fn check_request_shape(request: &ParsedRequest, max_body: usize, consumed: usize) {
    for part in [&request.method, &request.path] {
        assert!(
            !part.is_empty() && !part.chars().any(char::is_whitespace),
            "a request line part {part:?}"
        );
    }
    assert!(header(request, "Transfer-Encoding").is_none());
    assert!(request.body.len() <= max_body, "a body over the limit");
    let length = header(request, "Content-Length").map(str::parse::<usize>);
    match length {
        None => assert!(request.body.is_empty(), "a body without Content-Length"),
        Some(Ok(n)) => assert_eq!(request.body.len(), n, "a body is not its Content-Length"),
        Some(Err(e)) => panic!("a bad Content-Length was accepted: {e}"),
    }
    for (name, value) in &request.headers {
        assert!(!name.contains(':'), "a header name with a colon");
        assert_eq!(name.trim(), name);
        assert_eq!(value.trim(), value);
    }
    assert!(
        consumed >= request.body.len() + 4,
        "consumed {consumed} bytes"
    );
}

/// The pool's configuration loader: the bytes as a JSON file (`serve --config`). Refused
/// with a typed error (line and column; no secret shown), or loaded: it writes back to the
/// same configuration, its `Debug` shows none of its secrets, and a pool built from it (its first two users; each costs an SRP
/// verifier) either starts or says why not.
pub fn testkit_config(data: &[u8]) {
    let mut text = String::new();
    if Cursor::new(data).read_to_string(&mut text).is_err() {
        // `serve --config` reads the file as UTF-8 text first (and says so otherwise).
        return;
    }
    let config = match Config::from_json(&text) {
        Ok(config) => config,
        Err(e) => {
            assert_no_secret(data, "a configuration error", &e.to_string());
            assert!(
                e.line() > 0 || e.is_io(),
                "a configuration error without a position: {e}"
            );
            return;
        }
    };
    let written = match serde_json::to_string(&config) {
        Ok(json) => json,
        Err(e) => panic!("a loaded configuration does not serialize: {e}"),
    };
    match Config::from_json(&written) {
        Ok(again) => assert_eq!(again, config, "a configuration does not read back the same"),
        Err(e) => panic!("a configuration written back does not load: {e}: {written}"),
    }
    check_config_debug(&config);
    let mut small = config;
    small.users.truncate(2);
    let mut rng = SeededRng::new(7);
    match Pool::new(small, FIXED_NOW.as_secs(), &mut rng) {
        Ok(pool) => drop(pool),
        Err(e) => {
            assert_no_secret(data, "a ConfigError", &e.to_string());
            assert!(!e.0.is_empty(), "a ConfigError without a reason");
        }
    }
}

/// A loaded configuration's `Debug` (what a test failure or a log prints) does not depend on
/// its secrets: client secrets, seeded passwords and TOTP secrets, the admin credentials'
/// secret keys and session tokens. Compared with the same configuration with each secret
/// replaced, rather than searched for the secrets, since a short secret such as `"a"` may
/// also be part of the text that is shown.
fn check_config_debug(config: &Config) {
    let mut masked = config.clone();
    let mut count = 0;
    let mut mask = |secret: &mut String| {
        count += 1;
        *secret = format!("masked-secret-{count}");
    };
    for client in &mut masked.clients {
        if let Some(secret) = &mut client.client_secret {
            mask(secret);
        }
    }
    for user in &mut masked.users {
        mask(&mut user.password);
        if let Some(secret) = &mut user.mfa.totp_secret {
            mask(secret);
        }
    }
    for admin in &mut masked.admin_credentials {
        mask(&mut admin.secret_access_key);
        if let Some(token) = &mut admin.session_token {
            mask(token);
        }
    }
    // Not assert_eq: on failure it would print the secrets it caught.
    assert!(
        format!("{masked:?}") == format!("{config:?}"),
        "a configuration's Debug shows a secret: {masked:?}"
    );
}
