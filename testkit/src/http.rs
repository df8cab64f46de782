//! A small HTTP/1.1 server on loopback over the sans-IO [`Pool`].
//!
//! Hand-written over `std::net` rather than a crate: the pool needs only
//! `POST /` with `X-Amz-Target` and `GET` of the JWKS, and a small parser with
//! hard limits keeps the dependency tree and build time small. Every limit is a
//! [`ServerBuilder`] setting:
//!
//! - at most `max_connections` (256) connections at once, one thread each. At the cap
//!   the longest-idle keep-alive connection is closed to make room; when none is idle,
//!   new connections wait in the kernel's backlog (the accept loop sleeps on a condition
//!   variable, it does not spin);
//! - a whole request (headers and body) must arrive within `request_timeout` (10 s) of
//!   its first byte, however slowly it trickles; a keep-alive connection waits at most
//!   `idle_timeout` (30 s) for the next request; headers are at most 64 KiB and bodies
//!   1 MiB (`Content-Length` only);
//! - accept errors (EMFILE, ENFILE, ...) back off 10 ms doubling to 1 s instead of spinning;
//! - [`Server::shutdown`] (or drop) stops accepting, closes idle connections at once, lets
//!   requests in progress finish for up to `shutdown_timeout` (2 s), then closes every
//!   socket and joins the threads that have ended; it never waits longer than that (plus
//!   one request's pool time), whatever the clients do;
//! - only loopback addresses are bound unless [`ServerBuilder::allow_remote`] says otherwise.

use std::collections::HashMap;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{IpAddr, Ipv4Addr, Shutdown, SocketAddr, TcpListener, TcpStream, ToSocketAddrs};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};

use crate::fifo::Fifo;
use std::thread::JoinHandle;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use rand_core::{OsRng, RngCore};
use serde_json::json;

use crate::error::ApiError;
use crate::pool::{Pool, PoolResponse};

const MAX_REQUESTS_PER_CONNECTION: usize = 10_000;
/// The accept loop's back-off after an accept error: 10 ms, doubling, at most 1 s.
const ACCEPT_BACKOFF_MIN: Duration = Duration::from_millis(10);
const ACCEPT_BACKOFF_MAX: Duration = Duration::from_secs(1);
/// How often a waiting accept loop or shutdown looks at the stop flag.
const POLL: Duration = Duration::from_millis(50);
/// After every socket is closed at shutdown, how long the workers get to notice.
const SHUTDOWN_AFTER_CLOSE: Duration = Duration::from_secs(1);

/// The server's clock: Unix seconds.
pub type Clock = Arc<dyn Fn() -> u64 + Send + Sync>;

/// The server's limits (see the module documentation).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Limits {
    max_connections: usize,
    request_timeout: Duration,
    idle_timeout: Duration,
    pub(crate) max_header_bytes: usize,
    pub(crate) max_body_bytes: usize,
    shutdown_timeout: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_connections: 256,
            request_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(30),
            max_header_bytes: 64 * 1024,
            max_body_bytes: 1024 * 1024,
            shutdown_timeout: Duration::from_secs(2),
        }
    }
}

/// One open connection, as the accept loop and shutdown see it.
struct Conn {
    /// A handle on the socket, to close it from another thread.
    stream: TcpStream,
    /// When it started waiting for its next request (`None` while a request is in progress).
    idle_since: Option<Instant>,
    /// Its socket was shut down; its thread is on its way out.
    closing: bool,
}

#[derive(Default)]
struct Conns {
    open: HashMap<u64, Conn>,
    next_id: u64,
}

struct Shared {
    pool: Mutex<Pool>,
    /// Requests take their turn with the pool first come, first served.
    turns: Fifo,
    rng: Mutex<Box<dyn RngCore + Send>>,
    clock: Clock,
    stop: AtomicBool,
    limits: Limits,
    conns: Mutex<Conns>,
    /// Signalled when a connection ends (a slot frees up) and at shutdown.
    changed: Condvar,
}

impl Shared {
    fn stopping(&self) -> bool {
        self.stop.load(Ordering::SeqCst)
    }

    /// Marks a connection idle (waiting for a request) or busy. False when it is being closed.
    fn set_idle(&self, id: u64, idle: bool) -> bool {
        let mut conns = lock(&self.conns);
        match conns.open.get_mut(&id) {
            Some(conn) if !conn.closing => {
                conn.idle_since = idle.then(Instant::now);
                true
            }
            _ => false,
        }
    }
}

/// A connection's place in [`Conns`]; dropping it (thread end, or a thread that could not
/// be spawned) frees the slot.
struct Registration {
    shared: Arc<Shared>,
    id: u64,
}

impl Drop for Registration {
    fn drop(&mut self) {
        lock(&self.shared.conns).open.remove(&self.id);
        self.shared.changed.notify_all();
    }
}

type Workers = Mutex<Vec<(u64, JoinHandle<()>)>>;

/// A running HTTP server. Dropping it shuts it down.
pub struct Server {
    addr: SocketAddr,
    shared: Arc<Shared>,
    accept: Option<JoinHandle<()>>,
    workers: Arc<Workers>,
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

/// Settings of a [`Server`]: `Server::builder(pool).max_connections(64).start("127.0.0.1:0")`.
pub struct ServerBuilder {
    pool: Pool,
    clock: Clock,
    rng: Box<dyn RngCore + Send>,
    limits: Limits,
    allow_remote: bool,
}

impl std::fmt::Debug for ServerBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServerBuilder")
            .field("limits", &self.limits)
            .field("allow_remote", &self.allow_remote)
            .finish_non_exhaustive()
    }
}

impl ServerBuilder {
    /// The clock (Unix seconds; default: the system clock).
    pub fn clock(mut self, clock: Clock) -> Self {
        self.clock = clock;
        self
    }

    /// The random source (default: the OS).
    pub fn rng(mut self, rng: Box<dyn RngCore + Send>) -> Self {
        self.rng = rng;
        self
    }

    /// At most this many connections (threads) at once (default 256, at least 1).
    pub fn max_connections(mut self, n: usize) -> Self {
        self.limits.max_connections = n.max(1);
        self
    }

    /// A request's headers and body must all arrive within this time of its first byte
    /// (default 10 s).
    pub fn request_timeout(mut self, timeout: Duration) -> Self {
        self.limits.request_timeout = timeout.max(Duration::from_millis(1));
        self
    }

    /// A keep-alive connection is closed after waiting this long for its next request
    /// (default 30 s).
    pub fn idle_timeout(mut self, timeout: Duration) -> Self {
        self.limits.idle_timeout = timeout.max(Duration::from_millis(1));
        self
    }

    /// The largest request head (request line and headers) accepted (default 64 KiB).
    pub fn max_header_bytes(mut self, n: usize) -> Self {
        self.limits.max_header_bytes = n;
        self
    }

    /// The largest request body accepted (default 1 MiB; Cognito's are a few KiB).
    pub fn max_body_bytes(mut self, n: usize) -> Self {
        self.limits.max_body_bytes = n;
        self
    }

    /// How long [`Server::shutdown`] lets requests in progress finish before it closes
    /// their sockets (default 2 s).
    pub fn shutdown_timeout(mut self, timeout: Duration) -> Self {
        self.limits.shutdown_timeout = timeout;
        self
    }

    /// Allows binding an address that is not loopback. The pool is for tests: it has no
    /// authentication of its own, lists every code it "sent" at [`OUTBOX_PATH`], and signs
    /// tokens with a published key, so by default only 127.0.0.0/8 and ::1 are served.
    pub fn allow_remote(mut self, allow: bool) -> Self {
        self.allow_remote = allow;
        self
    }

    /// Binds `addr` and starts serving. Unless the configuration names an issuer, tokens
    /// get `iss = http://<addr>/<pool id>`, so `iss + "/.well-known/jwks.json"` is served here.
    ///
    /// # Errors
    /// When the address cannot be resolved or bound, or is not loopback without
    /// [`allow_remote`](Self::allow_remote) (`ErrorKind::PermissionDenied`).
    pub fn start(self, addr: impl ToSocketAddrs) -> io::Result<Server> {
        let addrs: Vec<SocketAddr> = addr.to_socket_addrs()?.collect();
        if !self.allow_remote {
            if let Some(remote) = addrs.iter().find(|a| !is_loopback(a.ip())) {
                return Err(io::Error::new(
                    io::ErrorKind::PermissionDenied,
                    format!(
                        "refusing to serve the test pool on {remote}, which is not a loopback \
                         address: it has no authentication and signs with a published key \
                         (allow_remote / --allow-remote to do it anyway)"
                    ),
                ));
            }
        }
        let listener = TcpListener::bind(addrs.as_slice())?;
        let addr = listener.local_addr()?;
        let mut pool = self.pool;
        if pool.config().issuer.is_none() {
            let issuer = format!("http://{addr}/{}", pool.config().pool_id);
            pool.set_issuer(issuer);
        }
        let shared = Arc::new(Shared {
            pool: Mutex::new(pool),
            turns: Fifo::default(),
            rng: Mutex::new(self.rng),
            clock: self.clock,
            stop: AtomicBool::new(false),
            limits: self.limits,
            conns: Mutex::new(Conns::default()),
            changed: Condvar::new(),
        });
        let workers = Arc::new(Mutex::new(Vec::new()));
        let accept = {
            let shared = Arc::clone(&shared);
            let workers = Arc::clone(&workers);
            std::thread::Builder::new()
                .name("cognito-testkit-accept".into())
                .spawn(move || accept_loop(&listener, &shared, &workers))?
        };
        Ok(Server {
            addr,
            shared,
            accept: Some(accept),
            workers,
        })
    }
}

fn is_loopback(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => v4.is_loopback(),
        IpAddr::V6(v6) => {
            v6.is_loopback() || v6.to_ipv4_mapped().is_some_and(|v4| v4.is_loopback())
        }
    }
}

impl Server {
    /// A server for `pool` with the default limits, the system clock and the OS random
    /// source; finish with [`ServerBuilder::start`].
    pub fn builder(pool: Pool) -> ServerBuilder {
        ServerBuilder {
            pool,
            clock: Arc::new(system_clock),
            rng: Box::new(OsRng),
            limits: Limits::default(),
            allow_remote: false,
        }
    }

    /// Serves `pool` on `addr` (`"127.0.0.1:0"` picks a free port) with the system clock,
    /// the OS random source and the default limits. Unless the configuration names an
    /// issuer, tokens get `iss = http://<addr>/<pool id>`, so `iss + "/.well-known/jwks.json"`
    /// is served here.
    ///
    /// # Errors
    /// When the address cannot be bound, or is not loopback (see
    /// [`ServerBuilder::allow_remote`]).
    pub fn start(pool: Pool, addr: impl ToSocketAddrs) -> io::Result<Self> {
        Self::builder(pool).start(addr)
    }

    /// Like [`start`](Self::start) with an injected clock and random source.
    ///
    /// # Errors
    /// When the address cannot be bound, or is not loopback.
    pub fn start_with(
        pool: Pool,
        addr: impl ToSocketAddrs,
        clock: Clock,
        rng: Box<dyn RngCore + Send>,
    ) -> io::Result<Self> {
        Self::builder(pool).clock(clock).rng(rng).start(addr)
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

    /// How many connections are open (each has a thread).
    pub fn connections(&self) -> usize {
        lock(&self.shared.conns).open.len()
    }

    /// Stops accepting, closes idle connections, gives requests in progress the shutdown
    /// timeout to finish, closes the rest and joins every thread that has ended (a thread
    /// still inside the pool after that is left to finish on its own).
    pub fn shutdown(mut self) {
        self.stop();
    }

    fn stop(&mut self) {
        let Some(accept) = self.accept.take() else {
            return;
        };
        let shared = &self.shared;
        shared.stop.store(true, Ordering::SeqCst);
        shared.changed.notify_all();
        // Wake a blocking accept; an error just means it is already gone.
        let mut wake = self.addr;
        if wake.ip().is_unspecified() {
            wake.set_ip(IpAddr::V4(Ipv4Addr::LOCALHOST));
        }
        let _ = TcpStream::connect_timeout(&wake, Duration::from_secs(1));
        let _ = accept.join();
        // Idle connections now (again on every wake-up: one may just have finished a
        // request); the others when their request is done or the timeout is over.
        let deadline = Instant::now() + shared.limits.shutdown_timeout;
        wait_for_conns(shared, deadline, true);
        {
            let mut conns = lock(&shared.conns);
            for conn in conns.open.values_mut() {
                conn.closing = true;
                let _ = conn.stream.shutdown(Shutdown::Both);
            }
        }
        wait_for_conns(shared, Instant::now() + SHUTDOWN_AFTER_CLOSE, false);
        let workers = std::mem::take(&mut *lock(&self.workers));
        let open: Vec<u64> = lock(&shared.conns).open.keys().copied().collect();
        for (id, handle) in workers {
            // A thread whose connection is gone has nothing left to do: join it. One still
            // registered is inside the pool; it is detached (it ends with its request).
            if !open.contains(&id) {
                let _ = handle.join();
            }
        }
    }
}

/// Waits (bounded by `deadline`) until no connection is open, closing idle ones if asked.
fn wait_for_conns(shared: &Shared, deadline: Instant, close_idle: bool) {
    let mut conns = lock(&shared.conns);
    loop {
        if close_idle {
            for conn in conns.open.values_mut() {
                if conn.idle_since.is_some() && !conn.closing {
                    conn.closing = true;
                    let _ = conn.stream.shutdown(Shutdown::Both);
                }
            }
        }
        let left = deadline.saturating_duration_since(Instant::now());
        if conns.open.is_empty() || left.is_zero() {
            return;
        }
        conns = shared
            .changed
            .wait_timeout(conns, left.min(POLL))
            .map_or_else(|e| e.into_inner().0, |(guard, _)| guard);
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

/// Waits for a free connection slot for a connection just accepted; at the cap, closes the
/// longest-idle keep-alive connection and sleeps on the condition variable until a thread
/// ends (new connections meanwhile wait in the kernel's backlog). False at shutdown.
fn wait_for_slot(shared: &Shared) -> bool {
    let mut conns = lock(&shared.conns);
    while conns.open.len() >= shared.limits.max_connections {
        if shared.stopping() {
            return false;
        }
        let idlest = conns
            .open
            .values_mut()
            .filter(|c| !c.closing)
            .filter_map(|c| c.idle_since.map(|since| (since, c)))
            .min_by_key(|(since, _)| *since);
        if let Some((_, conn)) = idlest {
            conn.closing = true;
            let _ = conn.stream.shutdown(Shutdown::Both);
        }
        conns = shared
            .changed
            .wait_timeout(conns, POLL)
            .map_or_else(|e| e.into_inner().0, |(guard, _)| guard);
    }
    !shared.stopping()
}

fn accept_loop(listener: &TcpListener, shared: &Arc<Shared>, workers: &Workers) {
    let mut backoff = ACCEPT_BACKOFF_MIN;
    while !shared.stopping() {
        let stream = match listener.accept() {
            Ok((stream, _)) => stream,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(_) => {
                // EMFILE / ENFILE / ENOBUFS...: the pending connection stays queued, so
                // retrying at once would spin. Sleep, in short steps to notice shutdown.
                let until = Instant::now() + backoff;
                while !shared.stopping() && Instant::now() < until {
                    std::thread::sleep(until.saturating_duration_since(Instant::now()).min(POLL));
                }
                backoff = (backoff * 2).min(ACCEPT_BACKOFF_MAX);
                continue;
            }
        };
        backoff = ACCEPT_BACKOFF_MIN;
        // With a connection in hand (so only when someone is waiting), make room for it.
        if !wait_for_slot(shared) {
            break;
        }
        let Ok(handle) = stream.try_clone() else {
            continue;
        };
        let registration = {
            let mut conns = lock(&shared.conns);
            let id = conns.next_id;
            conns.next_id += 1;
            conns.open.insert(
                id,
                Conn {
                    stream: handle,
                    idle_since: Some(Instant::now()),
                    closing: false,
                },
            );
            Registration {
                shared: Arc::clone(shared),
                id,
            }
        };
        let id = registration.id;
        // If the thread cannot be spawned, the closure (and the registration) is dropped.
        let spawned = std::thread::Builder::new()
            .name("cognito-testkit-conn".into())
            .spawn(move || {
                let _ = serve_connection(stream, &registration);
            });
        if let Ok(handle) = spawned {
            let mut list = lock(workers);
            list.retain(|(_, h)| !h.is_finished());
            list.push((id, handle));
        }
    }
}

/// One parsed request.
pub(crate) struct HttpRequest {
    pub(crate) method: String,
    pub(crate) path: String,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: Vec<u8>,
}

impl HttpRequest {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

pub(crate) enum ReadOutcome {
    Request(HttpRequest),
    Closed,
    Bad(&'static str),
}

/// A socket whose reads all end by one deadline: a client that trickles a byte just
/// before each per-read timeout still runs out of time.
struct DeadlineStream {
    stream: TcpStream,
    deadline: Instant,
}

impl Read for DeadlineStream {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let left = self.deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(io::Error::new(io::ErrorKind::TimedOut, "deadline passed"));
        }
        self.stream.set_read_timeout(Some(left))?;
        self.stream.read(buf)
    }
}

fn serve_connection(stream: TcpStream, registration: &Registration) -> io::Result<()> {
    let shared = &*registration.shared;
    let id = registration.id;
    let limits = shared.limits;
    let _ = stream.set_nodelay(true);
    stream.set_write_timeout(Some(limits.request_timeout))?;
    let mut reader = BufReader::new(DeadlineStream {
        stream: stream.try_clone()?,
        deadline: Instant::now() + limits.idle_timeout,
    });
    let mut writer = stream;
    for _ in 0..MAX_REQUESTS_PER_CONNECTION {
        if shared.stopping() || !shared.set_idle(id, true) {
            break;
        }
        // Idle: wait (at most the idle timeout) for the next request's first byte.
        reader.get_mut().deadline = Instant::now() + limits.idle_timeout;
        match reader.fill_buf() {
            Ok([]) | Err(_) => break,
            Ok(_) => {}
        }
        if !shared.set_idle(id, false) {
            break;
        }
        // Busy: the whole request within the request timeout.
        reader.get_mut().deadline = Instant::now() + limits.request_timeout;
        let request = match read_request(&mut reader, &limits) {
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
        // A CORS preflight is answered here, for every path; every response carries the CORS
        // headers (see `CORS_HEADERS`).
        let response = if request.method == "OPTIONS" {
            preflight()
        } else {
            route(&request, shared)
        };
        let response = with_cors(response);
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
/// What Cognito answers browsers, so web apps can call the pool from any origin: the operations
/// are authorized by their bodies (tokens, passwords, SRP proofs), never by cookies.
const CORS_HEADERS: [(&str, &str); 4] = [
    ("Access-Control-Allow-Origin", "*"),
    (
        "Access-Control-Allow-Headers",
        "content-type, x-amz-target, x-amz-user-agent, authorization",
    ),
    ("Access-Control-Allow-Methods", "POST, GET, OPTIONS"),
    (
        "Access-Control-Expose-Headers",
        "x-amzn-errortype, x-amzn-requestid, date",
    ),
];

/// The answer to an `OPTIONS` preflight: 200, empty, with the CORS headers (added by
/// `with_cors`) and how long the browser may cache them.
fn preflight() -> PoolResponse {
    PoolResponse {
        status: 200,
        headers: vec![
            ("Access-Control-Max-Age".into(), "86400".into()),
            ("Content-Type".into(), "text/plain".into()),
        ],
        body: Vec::new(),
    }
}

/// Adds the CORS headers the response does not set itself.
fn with_cors(mut response: PoolResponse) -> PoolResponse {
    for (name, value) in CORS_HEADERS {
        if !response
            .headers
            .iter()
            .any(|(n, _)| n.eq_ignore_ascii_case(name))
        {
            response.headers.push((name.into(), value.into()));
        }
    }
    response
}

/// `GET` here lists the outbox (every code the pool "sent"), for tests in other processes.
/// The server only listens where it is told to (loopback in practice): it is a test pool.
pub const OUTBOX_PATH: &str = "/_testkit/outbox";

fn route(request: &HttpRequest, shared: &Shared) -> PoolResponse {
    let path = request.path.split('?').next().unwrap_or("/");
    // Managed login (/oauth2/*, /login, /logout, /.well-known/*): see web.rs; then the
    // operations (with their headers: the admin operations check their SigV4 signature).
    let handled = shared.turns.run(|| {
        let now = (shared.clock)();
        let mut rng = lock(&shared.rng);
        let mut pool = lock(&shared.pool);
        let (method, headers, body) = (&request.method, &request.headers, &request.body);
        pool.handle_web(method, &request.path, headers, body, now, &mut **rng)
            .or_else(|| {
                (method == "POST").then(|| {
                    pool.handle_http(method, &request.path, headers, body, now, &mut **rng)
                })
            })
    });
    if let Some(response) = handled {
        return response;
    }
    match request.method.as_str() {
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

pub(crate) fn read_request(reader: &mut impl BufRead, limits: &Limits) -> io::Result<ReadOutcome> {
    let max_header = limits.max_header_bytes;
    let mut head = Vec::new();
    loop {
        let before = head.len();
        let n = reader
            .by_ref()
            // Saturating: `max_header_bytes(usize::MAX)` means no limit, not an overflow.
            .take(max_header.saturating_add(1).saturating_sub(head.len()) as u64)
            .read_until(b'\n', &mut head)?;
        if n == 0 {
            return Ok(if head.is_empty() {
                ReadOutcome::Closed
            } else {
                ReadOutcome::Bad("truncated request")
            });
        }
        if head.len() > max_header {
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
        Some(Ok(n)) if n <= limits.max_body_bytes => n,
        Some(_) => return Ok(ReadOutcome::Bad("bad or too large Content-Length")),
    };
    request.body = vec![0; length];
    reader.read_exact(&mut request.body)?;
    Ok(ReadOutcome::Request(request))
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        302 => "Found",
        400 => "Bad Request",
        401 => "Unauthorized",
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
    // One write: with TCP_NODELAY, two would be two segments.
    let mut bytes = head.into_bytes();
    bytes.extend_from_slice(body);
    writer.write_all(&bytes)?;
    writer.flush()
}
