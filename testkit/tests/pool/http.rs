//! The same machines over real HTTP on 127.0.0.1, with a tiny blocking client.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::Arc;

use cognito_auth::{HttpResponse, PoolConfig, Request, SignIn, Step, UnixTime};
use cognito_auth_testkit::{Pool, SeededRng, Server};
use serde_json::{Value, json};

use crate::support::*;

/// One HTTP/1.1 exchange: (status, headers, body).
pub fn http(
    url: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> (u16, Vec<(String, String)>, Vec<u8>) {
    let host = url.trim_start_matches("http://").trim_end_matches('/');
    let mut stream = TcpStream::connect(host).unwrap();
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {host}\r\nContent-Length: {}\r\nConnection: close\r\n",
        body.len()
    );
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).unwrap();
    stream.write_all(body).unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    let head = String::from_utf8(raw[..split].to_vec()).unwrap();
    let mut lines = head.lines();
    let status: u16 = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_owned(), v.trim().to_owned()))
        .collect();
    (status, headers, raw[split + 4..].to_vec())
}

fn send(request: &Request) -> (u16, Vec<(String, String)>, Vec<u8>) {
    let path = "/";
    let headers: Vec<(&str, &str)> = request.headers().to_vec();
    http(
        request.url(),
        request.method(),
        path,
        &headers,
        request.body(),
    )
}

fn start() -> Server {
    let mut rng = SeededRng::new(5);
    let pool = Pool::new(base_config(), NOW, &mut rng).unwrap();
    Server::start(pool, "127.0.0.1:0").unwrap()
}

#[test]
fn sign_up_confirm_and_srp_sign_in_over_http() {
    let server = start();
    let url = server.url();
    let config = Arc::new(
        PoolConfig::new(POOL_ID, PUBLIC_CLIENT)
            .unwrap()
            .with_endpoint(url.clone()),
    );
    let target = |op: &str| format!("AWSCognitoIdentityProviderService.{op}");
    let sign_up = json!({"ClientId": PUBLIC_CLIENT, "Username": "carol", "Password": PASSWORD,
                         "UserAttributes": [{"Name": "email", "Value": "carol@example.com"}]});
    let (status, _, _) = http(
        &url,
        "POST",
        "/",
        &[
            ("X-Amz-Target", &target("SignUp")),
            ("Content-Type", "application/x-amz-json-1.1"),
        ],
        sign_up.to_string().as_bytes(),
    );
    assert_eq!(status, 200);
    let code = server.pool().take_code("carol").unwrap();
    let confirm = json!({"ClientId": PUBLIC_CLIENT, "Username": "carol", "ConfirmationCode": code});
    let (status, _, _) = http(
        &url,
        "POST",
        "/",
        &[("X-Amz-Target", &target("ConfirmSignUp"))],
        confirm.to_string().as_bytes(),
    );
    assert_eq!(status, 200);

    let now = UnixTime::from_system_time(std::time::SystemTime::now());
    let mut sign_in = SignIn::new(config, "carol", PASSWORD);
    let mut request = sign_in.start().unwrap();
    let tokens = loop {
        let (status, headers, body) = send(&request);
        let mut response = HttpResponse::new(status, &body);
        for (n, v) in &headers {
            response = response.header(n, v);
        }
        match sign_in.handle_response(response, now).unwrap() {
            Step::Send(next) => request = next,
            Step::Done(tokens) => break tokens,
            other => panic!("unexpected {other:?}"),
        }
    };
    let claims = tokens.access_claims().unwrap();
    assert_eq!(claims.username.as_deref(), Some("carol"));

    // The JWKS is served where the issuer says.
    let (status, _, body) = http(
        &url,
        "GET",
        &format!("/{POOL_ID}/.well-known/jwks.json"),
        &[],
        b"",
    );
    assert_eq!(status, 200);
    let jwks: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(jwks["keys"][0]["alg"], "RS256");
    server.shutdown();
}

#[test]
fn errors_over_http_have_the_service_shape() {
    let server = start();
    let (status, headers, body) = http(
        &server.url(),
        "POST",
        "/",
        &[(
            "X-Amz-Target",
            "AWSCognitoIdentityProviderService.InitiateAuth",
        )],
        b"{not json",
    );
    assert_eq!(status, 400);
    assert!(
        headers
            .iter()
            .any(|(n, v)| n == "x-amzn-ErrorType" && v == "SerializationException")
    );
    let body: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(body["__type"], "SerializationException");
    let (status, _, body) = http(
        &server.url(),
        "POST",
        "/",
        &[("X-Amz-Target", "Nope.Nothing")],
        b"{}",
    );
    assert_eq!(status, 400);
    assert_eq!(
        serde_json::from_slice::<Value>(&body).unwrap()["__type"],
        "UnknownOperationException"
    );
}

#[test]
fn cors_preflight_and_headers_as_cognito_sends_them() {
    let server = start();
    let url = server.url();
    let cors = |headers: &[(String, String)], name: &str| {
        headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.clone())
    };
    // The preflight a browser sends before a cross-origin InitiateAuth.
    let (status, headers, body) = http(
        &url,
        "OPTIONS",
        "/",
        &[
            ("Origin", "http://localhost:5173"),
            ("Access-Control-Request-Method", "POST"),
            (
                "Access-Control-Request-Headers",
                "content-type,x-amz-target,x-amz-user-agent",
            ),
        ],
        b"",
    );
    assert_eq!(status, 200);
    assert!(body.is_empty());
    assert_eq!(
        cors(&headers, "Access-Control-Allow-Origin").as_deref(),
        Some("*")
    );
    let allowed = cors(&headers, "Access-Control-Allow-Headers").unwrap();
    for name in [
        "content-type",
        "x-amz-target",
        "x-amz-user-agent",
        "authorization",
    ] {
        assert!(allowed.contains(name), "{name} not in {allowed}");
    }
    let methods = cors(&headers, "Access-Control-Allow-Methods").unwrap();
    assert!(
        methods.contains("POST") && methods.contains("OPTIONS"),
        "{methods}"
    );
    // An error reply: readable cross-origin, with its error type exposed to the page.
    let (status, headers, _) = http(
        &url,
        "POST",
        "/",
        &[
            ("Origin", "http://localhost:5173"),
            ("Content-Type", "application/x-amz-json-1.1"),
            (
                "X-Amz-Target",
                "AWSCognitoIdentityProviderService.InitiateAuth",
            ),
        ],
        br#"{"AuthFlow":"USER_SRP_AUTH","ClientId":"nope","AuthParameters":{}}"#,
    );
    assert_eq!(status, 400);
    assert_eq!(
        cors(&headers, "Access-Control-Allow-Origin").as_deref(),
        Some("*")
    );
    let exposed = cors(&headers, "Access-Control-Expose-Headers").unwrap();
    for name in ["x-amzn-errortype", "x-amzn-requestid", "date"] {
        assert!(exposed.contains(name), "{name} not in {exposed}");
    }
    // GET (the outbox) too.
    let (status, headers, _) = http(&url, "GET", "/_testkit/outbox", &[], b"");
    assert_eq!(status, 200);
    assert!(cors(&headers, "Access-Control-Allow-Origin").is_some());
}
