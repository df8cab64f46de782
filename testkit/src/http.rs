//! A small HTTP/1.1 server on loopback over the sans-IO [`Pool`].
//!
//! Hand-written over `std::net` rather than a crate: the pool needs only
//! `POST /` with `X-Amz-Target` and `GET` of the JWKS, and a ~200-line parser
//! with hard limits (64 KiB of headers, 1 MiB bodies, 10 s read timeout,
//! `Content-Length` only) keeps the dependency tree and build time small.
//! One thread per connection, keep-alive supported; [`Server::shutdown`] (or
//! drop) stops accepting, wakes the accept loop and joins every thread.

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream, ToSocketAddrs};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use rand_core::{OsRng, RngCore};
use serde_json::json;

use crate::error::ApiError;
use crate::pool::{Pool, PoolResponse};

const MAX_HEADER_BYTES: usize = 64 * 1024;
const MAX_BODY_BYTES: usize = 1024 * 1024;
const READ_TIMEOUT: Duration = Duration::from_secs(10);
const MAX_REQUESTS_PER_CONNECTION: usize = 10_000;

/// The server's clock: Unix seconds.
pub type Clock = Arc<dyn Fn() -> u64 + Send + Sync>;

struct Shared {
    pool: Mutex<Pool>,
    rng: Mutex<Box<dyn RngCore + Send>>,
    clock: Clock,
    stop: AtomicBool,
}

/// A running HTTP server. Dropping it shuts it down.
pub struct Server {
    addr: SocketAddr,
    shared: Arc<Shared>,
    accept: Option<JoinHandle<()>>,
    workers: Arc<Mutex<Vec<JoinHandle<()>>>>,
}

impl std::fmt::Debug for Server {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Server")
            .field("addr", &self.addr)
            .finish_non_exhaustive()
    }
}

fn system_clock() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

impl Server {
    /// Serves `pool` on `addr` (`"127.0.0.1:0"` picks a free port) with the system clock
    /// and the OS random source. Unless the configuration names an issuer, tokens get
    /// `iss = http://<addr>/<pool id>`, so `iss + "/.well-known/jwks.json"` is served here.
    ///
    /// # Errors
    /// When the address cannot be bound.
    pub fn start(pool: Pool, addr: impl ToSocketAddrs) -> io::Result<Self> {
        Self::start_with(pool, addr, Arc::new(system_clock), Box::new(OsRng))
    }

    /// Like [`start`](Self::start) with an injected clock and random source.
    ///
    /// # Errors
    /// When the address cannot be bound.
    pub fn start_with(
        mut pool: Pool,
        addr: impl ToSocketAddrs,
        clock: Clock,
        rng: Box<dyn RngCore + Send>,
    ) -> io::Result<Self> {
        let listener = TcpListener::bind(addr)?;
        let addr = listener.local_addr()?;
        if pool.config().issuer.is_none() {
            let issuer = format!("http://{addr}/{}", pool.config().pool_id);
            pool.set_issuer(issuer);
        }
        let shared = Arc::new(Shared {
            pool: Mutex::new(pool),
            rng: Mutex::new(rng),
            clock,
            stop: AtomicBool::new(false),
        });
        let workers = Arc::new(Mutex::new(Vec::new()));
        let accept = {
            let shared = Arc::clone(&shared);
            let workers = Arc::clone(&workers);
            std::thread::Builder::new()
                .name("cognito-testkit-accept".into())
                .spawn(move || accept_loop(&listener, &shared, &workers))?
        };
        Ok(Self {
            addr,
            shared,
            accept: Some(accept),
            workers,
        })
    }

    /// The bound address.
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://<addr>/`, the endpoint to give a client (`PoolConfig::with_endpoint`).
    pub fn url(&self) -> String {
        format!("http://{}/", self.addr)
    }

    /// Locks the pool, e.g. to read the outbox: `server.pool().take_code("alice")`.
    pub fn pool(&self) -> MutexGuard<'_, Pool> {
        lock(&self.shared.pool)
    }

    /// Stops accepting, wakes the accept loop, waits for every connection thread.
    pub fn shutdown(mut self) {
        self.stop();
    }

    fn stop(&mut self) {
        self.shared.stop.store(true, Ordering::SeqCst);
        // Wake the blocking accept; an error just means it is already gone.
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_secs(1));
        if let Some(handle) = self.accept.take() {
            let _ = handle.join();
        }
        let workers = std::mem::take(&mut *lock(&self.workers));
        for handle in workers {
            let _ = handle.join();
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Locks even if a previous holder panicked: the pool never panics, and a test thread
/// that did must not wedge the server.
fn lock<T: ?Sized>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn accept_loop(listener: &TcpListener, shared: &Arc<Shared>, workers: &Mutex<Vec<JoinHandle<()>>>) {
    for stream in listener.incoming() {
        if shared.stop.load(Ordering::SeqCst) {
            break;
        }
        let Ok(stream) = stream else { continue };
        let shared = Arc::clone(shared);
        let spawned = std::thread::Builder::new()
            .name("cognito-testkit-conn".into())
            .spawn(move || {
                let _ = serve_connection(stream, &shared);
            });
        if let Ok(handle) = spawned {
            let mut list = lock(workers);
            list.retain(|h| !h.is_finished());
            list.push(handle);
        }
    }
}

/// One parsed request.
struct HttpRequest {
    method: String,
    path: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl HttpRequest {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

enum ReadOutcome {
    Request(HttpRequest),
    Closed,
    Bad(&'static str),
}

fn serve_connection(stream: TcpStream, shared: &Shared) -> io::Result<()> {
    stream.set_read_timeout(Some(READ_TIMEOUT))?;
    stream.set_write_timeout(Some(READ_TIMEOUT))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut writer = stream;
    for _ in 0..MAX_REQUESTS_PER_CONNECTION {
        if shared.stop.load(Ordering::SeqCst) {
            break;
        }
        let request = match read_request(&mut reader) {
            Ok(ReadOutcome::Request(r)) => r,
            Ok(ReadOutcome::Closed) | Err(_) => break,
            Ok(ReadOutcome::Bad(why)) => {
                let body = json!({"message": why}).to_string();
                write_response(&mut writer, 400, &[], body.as_bytes(), true)?;
                break;
            }
        };
        let close = request
            .header("Connection")
            .is_some_and(|v| v.eq_ignore_ascii_case("close"));
        let response = route(&request, shared);
        write_response(
            &mut writer,
            response.status,
            &response.headers,
            &response.body,
            close,
        )?;
        if close {
            break;
        }
    }
    Ok(())
}

/// `GET` here lists the outbox (every code the pool "sent"), for tests in other processes.
/// The server only listens where it is told to (loopback in practice): it is a test pool.
pub const OUTBOX_PATH: &str = "/_testkit/outbox";

fn route(request: &HttpRequest, shared: &Shared) -> PoolResponse {
    let path = request.path.split('?').next().unwrap_or("/");
    match request.method.as_str() {
        "POST" => {
            let target = request.header("X-Amz-Target").unwrap_or("");
            let now = (shared.clock)();
            let mut rng = lock(&shared.rng);
            lock(&shared.pool).handle(target, &request.body, now, &mut **rng)
        }
        "GET" if path == OUTBOX_PATH => {
            let pool = lock(&shared.pool);
            let messages: Vec<serde_json::Value> = pool
                .outbox()
                .iter()
                .map(|m| {
                    json!({"username": m.username, "destination": m.destination,
                        "medium": m.medium.as_str(), "code": m.code, "sent_at": m.sent_at})
                })
                .collect();
            json_response(&json!({ "messages": messages }))
        }
        "GET" => {
            let pool = lock(&shared.pool);
            let pool_prefix = format!("/{}/.well-known/", pool.config().pool_id);
            match path.strip_prefix(&pool_prefix) {
                Some("jwks.json") => json_response(&pool.jwks()),
                Some("openid-configuration") => json_response(&json!({
                    "issuer": pool.issuer(),
                    "jwks_uri": format!("{}/.well-known/jwks.json", pool.issuer()),
                    "id_token_signing_alg_values_supported": ["RS256"],
                    "subject_types_supported": ["public"],
                })),
                _ => not_found(),
            }
        }
        _ => PoolResponse::error(&ApiError::new(
            "UnknownOperationException",
            "Only POST (operations) and GET (JWKS) are served",
        )),
    }
}

fn json_response(value: &serde_json::Value) -> PoolResponse {
    PoolResponse {
        status: 200,
        headers: vec![("Content-Type".into(), "application/json".into())],
        body: value.to_string().into_bytes(),
    }
}

fn not_found() -> PoolResponse {
    PoolResponse {
        status: 404,
        headers: vec![("Content-Type".into(), "application/json".into())],
        body: br#"{"message":"Not Found"}"#.to_vec(),
    }
}

fn read_request(reader: &mut impl BufRead) -> io::Result<ReadOutcome> {
    let mut head = Vec::new();
    loop {
        let before = head.len();
        let n = reader
            .by_ref()
            .take((MAX_HEADER_BYTES + 1 - head.len()) as u64)
            .read_until(b'\n', &mut head)?;
        if n == 0 {
            return Ok(if head.is_empty() {
                ReadOutcome::Closed
            } else {
                ReadOutcome::Bad("truncated request")
            });
        }
        if head.len() > MAX_HEADER_BYTES {
            return Ok(ReadOutcome::Bad("request headers too large"));
        }
        let line = head.get(before..).unwrap_or_default();
        if line == b"\r\n" || line == b"\n" {
            if before == 0 {
                head.clear(); // tolerate blank lines between requests
                continue;
            }
            break;
        }
    }
    let Ok(text) = std::str::from_utf8(&head) else {
        return Ok(ReadOutcome::Bad("headers are not UTF-8"));
    };
    let mut lines = text.lines();
    let mut parts = lines.next().unwrap_or_default().split_whitespace();
    let (Some(method), Some(path), Some(version)) = (parts.next(), parts.next(), parts.next())
    else {
        return Ok(ReadOutcome::Bad("malformed request line"));
    };
    if !version.starts_with("HTTP/1.") {
        return Ok(ReadOutcome::Bad("only HTTP/1.x is supported"));
    }
    let mut headers = Vec::new();
    for line in lines.filter(|l| !l.is_empty()) {
        let Some((name, value)) = line.split_once(':') else {
            return Ok(ReadOutcome::Bad("malformed header"));
        };
        headers.push((name.trim().to_owned(), value.trim().to_owned()));
    }
    let mut request = HttpRequest {
        method: method.to_owned(),
        path: path.to_owned(),
        headers,
        body: Vec::new(),
    };
    if request.header("Transfer-Encoding").is_some() {
        return Ok(ReadOutcome::Bad(
            "Transfer-Encoding is not supported; send Content-Length",
        ));
    }
    let length = match request.header("Content-Length").map(str::parse::<usize>) {
        None => 0,
        Some(Ok(n)) if n <= MAX_BODY_BYTES => n,
        Some(_) => return Ok(ReadOutcome::Bad("bad or too large Content-Length")),
    };
    request.body = vec![0; length];
    reader.read_exact(&mut request.body)?;
    Ok(ReadOutcome::Request(request))
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        404 => "Not Found",
        500 => "Internal Server Error",
        _ => "Status",
    }
}

fn write_response(
    writer: &mut impl Write,
    status: u16,
    headers: &[(String, String)],
    body: &[u8],
    close: bool,
) -> io::Result<()> {
    let mut head = format!("HTTP/1.1 {status} {}\r\n", reason(status));
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    if !headers
        .iter()
        .any(|(n, _)| n.eq_ignore_ascii_case("Content-Type"))
    {
        head.push_str("Content-Type: application/json\r\n");
    }
    head.push_str(&format!(
        "Content-Length: {}\r\nConnection: {}\r\n\r\n",
        body.len(),
        if close { "close" } else { "keep-alive" }
    ));
    writer.write_all(head.as_bytes())?;
    writer.write_all(body)?;
    writer.flush()
}
