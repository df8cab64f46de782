//! Load bench: full SRP sign-ins (InitiateAuth USER_SRP_AUTH + RespondToAuthChallenge
//! PASSWORD_VERIFIER, the `cognito-auth` crate's real client math) from N keep-alive
//! connections at once, for a fixed time, against `cognito-auth serve` and against moto's
//! server on the same machine in the same run. Prints sign-ins per second, p50 / p99
//! latency of a whole sign-in (both requests), errors, the server process's CPU time per
//! sign-in, and the ratio.
//!
//! ```sh
//! cargo build --release -p cognito-auth-cli
//! cargo bench -p cognito-auth-testkit --bench load -- --seconds 20 --connections 64
//! ```
//!
//! Options: `--seconds S` (20), `--warmup S` (3: every connection signs in for that long
//! first, unmeasured, so tables and caches fill and the connections' start is not one
//! synchronized burst), `--connections N` (64), `--client-cpus N` (the machine's cores but
//! one, at least 1; 0: no limit), `--only testkit|moto`,
//! `--serve-bin PATH` (default `$CARGO_TARGET_DIR` or `target`, `/release/cognito-auth`),
//! `--python PATH` (`python3`, with `moto[server]` installed). Exits 1 when a sign-in
//! against the testkit failed, or when moto could not be started (unless `--only testkit`).
//!
//! Both servers get identical client work (moto checks no SRP proof, but the client computes
//! it anyway), and the client shares the machine's cores with the server under test. The
//! client's SRP work runs first come, first served on at most `--client-cpus` threads at a
//! time, as it would on 64 separate devices, instead of 64 threads time-slicing the cores
//! (which stretches every sign-in's latency by the others' work, a tail of the load
//! generator rather than of the server). By default it leaves one core to the server: a load
//! generator should not take the cores of the system it measures. Besides the whole
//! sign-in's latency, the bench reports the server's: a sign-in's two round trips, summed.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    missing_docs,
    unreachable_pub
)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use cognito_auth::{HttpResponse, PoolConfig, SignIn, Step, UnixTime};
use serde_json::{Value, json};

const PASSWORD: &str = "Correct-Horse-9!";

struct Options {
    seconds: u64,
    warmup: u64,
    client_cpus: usize,
    connections: usize,
    only: Option<String>,
    serve_bin: PathBuf,
    python: String,
}

fn options() -> Options {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target"));
    let mut o = Options {
        seconds: 20,
        warmup: 3,
        // Every core but one: the server under test keeps a core to itself.
        client_cpus: std::thread::available_parallelism()
            .map_or(1, |n| n.get().saturating_sub(1).max(1)),
        connections: 64,
        only: None,
        serve_bin: target.join("release/cognito-auth"),
        python: "python3".into(),
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().unwrap_or_else(|| panic!("{arg} needs a value"));
        match arg.as_str() {
            "--seconds" => o.seconds = value().parse().expect("--seconds N"),
            "--warmup" => o.warmup = value().parse().expect("--warmup N"),
            "--client-cpus" => o.client_cpus = value().parse().expect("--client-cpus N"),
            "--connections" => o.connections = value().parse().expect("--connections N"),
            "--only" => o.only = Some(value()),
            "--serve-bin" => o.serve_bin = PathBuf::from(value()),
            "--python" => o.python = value(),
            _ => {} // `cargo bench` passes --bench
        }
    }
    o.seconds = o.seconds.clamp(1, 600);
    o.warmup = o.warmup.min(60);
    o.connections = o.connections.clamp(1, 1024);
    o
}

/// A keep-alive HTTP/1.1 connection to 127.0.0.1.
struct Conn {
    reader: BufReader<TcpStream>,
    writer: TcpStream,
}

impl Conn {
    fn open(host: &str) -> std::io::Result<Self> {
        let stream = TcpStream::connect(host)?;
        stream.set_nodelay(true)?;
        stream.set_read_timeout(Some(Duration::from_secs(30)))?;
        Ok(Self {
            reader: BufReader::new(stream.try_clone()?),
            writer: stream,
        })
    }

    fn post(
        &mut self,
        host: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> std::io::Result<(u16, Vec<u8>, bool)> {
        let mut request = format!(
            "POST / HTTP/1.1\r\nHost: {host}\r\nContent-Length: {}\r\n",
            body.len()
        );
        for (name, value) in headers {
            request.push_str(&format!("{name}: {value}\r\n"));
        }
        request.push_str("\r\n");
        let mut bytes = request.into_bytes();
        bytes.extend_from_slice(body);
        self.writer.write_all(&bytes)?;
        let mut status = 0;
        let mut length = 0usize;
        let mut close = false;
        let mut line = String::new();
        for i in 0..200 {
            line.clear();
            if self.reader.read_line(&mut line)? == 0 {
                return Err(std::io::ErrorKind::UnexpectedEof.into());
            }
            let text = line.trim_end();
            if i == 0 {
                status = text
                    .split(' ')
                    .nth(1)
                    .and_then(|s| s.parse().ok())
                    .unwrap_or(0);
            } else if text.is_empty() {
                break;
            } else if let Some((name, value)) = text.split_once(':') {
                if name.eq_ignore_ascii_case("content-length") {
                    length = value.trim().parse().unwrap_or(0);
                } else if name.eq_ignore_ascii_case("connection") {
                    close = value.trim().eq_ignore_ascii_case("close");
                }
            }
        }
        let mut body = vec![0; length];
        self.reader.read_exact(&mut body)?;
        Ok((status, body, close))
    }
}

fn host_of(endpoint: &str) -> String {
    endpoint
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_owned()
}

/// One POST, reconnecting once if a kept-alive connection was closed.
fn post(
    conn: &mut Option<Conn>,
    host: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Result<(u16, Vec<u8>), String> {
    for attempt in 0..2 {
        if conn.is_none() {
            *conn = Some(Conn::open(host).map_err(|e| format!("connect: {e}"))?);
        }
        let Some(c) = conn.as_mut() else { continue };
        match c.post(host, headers, body) {
            Ok((status, body, close)) => {
                if close {
                    *conn = None; // moto's server answers `Connection: close`
                }
                return Ok((status, body));
            }
            Err(e) => {
                *conn = None;
                if attempt == 1 {
                    return Err(format!("http: {e}"));
                }
            }
        }
    }
    Err("http: no connection".into())
}

/// At most `slots` closures at once, admitted first come, first served (a ticket queue).
struct Gate {
    slots: u64,
    state: Mutex<(u64, u64)>, // (next ticket, closures finished)
    turn: Condvar,
}

impl Gate {
    fn new(slots: usize) -> Self {
        Self {
            slots: slots as u64,
            state: Mutex::new((0, 0)),
            turn: Condvar::new(),
        }
    }

    fn run<T>(&self, f: impl FnOnce() -> T) -> T {
        if self.slots == 0 {
            return f();
        }
        let mut state = self.state.lock().unwrap();
        let ticket = state.0;
        state.0 += 1;
        while ticket >= state.1 + self.slots {
            state = self.turn.wait(state).unwrap();
        }
        drop(state);
        let result = f();
        self.state.lock().unwrap().1 += 1;
        self.turn.notify_all();
        result
    }
}

/// One whole SRP sign-in on `conn`; returns the time spent waiting for the server.
fn sign_in(
    config: &Arc<PoolConfig>,
    gate: &Gate,
    conn: &mut Option<Conn>,
    host: &str,
    username: &str,
) -> Result<Duration, String> {
    let mut machine = SignIn::new(Arc::clone(config), username, PASSWORD);
    let mut request = gate.run(|| machine.start()).map_err(|e| e.to_string())?;
    let mut server = Duration::ZERO;
    for _ in 0..4 {
        let headers: Vec<(&str, &str)> = request.headers().to_vec();
        let sent = Instant::now();
        let (status, body) = post(conn, host, &headers, request.body())?;
        server += sent.elapsed();
        let now = UnixTime::from_system_time(std::time::SystemTime::now());
        match gate.run(|| machine.handle_response(HttpResponse::new(status, &body), now)) {
            Ok(Step::Send(next)) => request = next,
            Ok(Step::Done(_)) => return Ok(server),
            Ok(other) => return Err(format!("unexpected step {other:?}")),
            Err(e) => return Err(e.to_string()),
        }
    }
    Err("more than four requests".into())
}

#[derive(Default)]
struct Tally {
    latencies: Vec<Duration>,
    server_latencies: Vec<Duration>,
    errors: usize,
    first_errors: Vec<String>,
}

struct Report {
    name: String,
    signins: usize,
    per_second: f64,
    p50: Duration,
    p99: Duration,
    server_p50: Duration,
    server_p99: Duration,
    errors: usize,
    first_errors: Vec<String>,
    server_cpu_per_signin: Option<Duration>,
}

fn cpu_ticks(pid: u32) -> Option<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    Some(fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?)
}

/// Runs `connections` sign-in loops for `seconds` against `endpoint`.
fn drive(
    name: &str,
    endpoint: &str,
    pool_id: &str,
    client_id: &str,
    users: &[String],
    o: &Options,
    server_pid: u32,
) -> Report {
    let host = host_of(endpoint);
    let config = Arc::new(
        PoolConfig::new(pool_id, client_id)
            .expect("pool config")
            .with_endpoint(endpoint.to_owned()),
    );
    let gate = Gate::new(o.client_cpus);
    // A few sign-ins first, serially: moto's first requests import code.
    for user in users.iter().take(4) {
        let mut conn = None;
        if let Err(e) = sign_in(&config, &gate, &mut conn, &host, user) {
            eprintln!("{name}: warm-up sign-in failed: {e}");
        }
    }
    let tally = Arc::new(Mutex::new(Tally::default()));
    // Sign-ins that start before `start` are the warm-up: run, not measured.
    let start = Instant::now() + Duration::from_secs(o.warmup);
    let deadline = start + Duration::from_secs(o.seconds);
    let mut cpu_before = None;
    let end = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..o.connections)
            .map(|i| {
                let (config, host, tally) = (Arc::clone(&config), host.clone(), Arc::clone(&tally));
                let gate = &gate;
                let user = users[i % users.len()].clone();
                scope.spawn(move || {
                    let mut conn = None;
                    let mut mine = Tally::default();
                    let mut last_end = Instant::now();
                    while Instant::now() < deadline {
                        let t = Instant::now();
                        let result = sign_in(&config, gate, &mut conn, &host, &user);
                        last_end = Instant::now();
                        let measured = t >= start;
                        match result {
                            Ok(server) if measured => {
                                mine.latencies.push(last_end - t);
                                mine.server_latencies.push(server);
                            }
                            Ok(_) => {}
                            Err(e) => {
                                mine.errors += 1;
                                if mine.first_errors.len() < 3 {
                                    mine.first_errors.push(e);
                                }
                                conn = None;
                                std::thread::sleep(Duration::from_millis(10));
                            }
                        }
                    }
                    let mut all = tally.lock().unwrap();
                    all.latencies.extend(mine.latencies);
                    all.server_latencies.extend(mine.server_latencies);
                    all.errors += mine.errors;
                    for e in mine.first_errors {
                        if all.first_errors.len() < 5 {
                            all.first_errors.push(e);
                        }
                    }
                    last_end
                })
            })
            .collect();
        std::thread::sleep(start.saturating_duration_since(Instant::now()));
        cpu_before = cpu_ticks(server_pid);
        workers
            .into_iter()
            .map(|w| w.join().unwrap())
            .max()
            .unwrap_or(deadline)
    });
    let elapsed = end.saturating_duration_since(start);
    let cpu_after = cpu_ticks(server_pid);
    let mut tally = std::mem::take(&mut *tally.lock().unwrap());
    tally.latencies.sort();
    tally.server_latencies.sort();
    let quantile = |sorted: &[Duration], q: f64| {
        let n = sorted.len();
        if n == 0 {
            return Duration::ZERO;
        }
        sorted[((n as f64 * q).ceil() as usize).clamp(1, n) - 1]
    };
    let at = |q: f64| quantile(&tally.latencies, q);
    let signins = tally.latencies.len();
    let server_cpu_per_signin = match (cpu_before, cpu_after) {
        (Some(b), Some(a)) if signins > 0 => {
            // clock ticks are 10 ms on Linux (USER_HZ = 100)
            Some(Duration::from_millis((a - b) * 10) / signins as u32)
        }
        _ => None,
    };
    Report {
        name: name.to_owned(),
        signins,
        per_second: signins as f64 / elapsed.as_secs_f64(),
        p50: at(0.50),
        p99: at(0.99),
        server_p50: quantile(&tally.server_latencies, 0.50),
        server_p99: quantile(&tally.server_latencies, 0.99),
        errors: tally.errors,
        first_errors: tally.first_errors,
        server_cpu_per_signin,
    }
}

fn print(r: &Report, o: &Options) {
    let cpu = r.server_cpu_per_signin.map_or("?".into(), |d| {
        format!("{:.2} ms", d.as_secs_f64() * 1000.0)
    });
    println!(
        "{}: {} connections, {} s: {} sign-ins, {:.1} sign-ins/s, p50 {:.1} ms, p99 {:.1} ms (server's round trips: p50 {:.1} ms, p99 {:.1} ms), errors {}, server CPU {cpu}/sign-in",
        r.name,
        o.connections,
        o.seconds,
        r.signins,
        r.per_second,
        r.p50.as_secs_f64() * 1000.0,
        r.p99.as_secs_f64() * 1000.0,
        r.server_p50.as_secs_f64() * 1000.0,
        r.server_p99.as_secs_f64() * 1000.0,
        r.errors
    );
    for e in &r.first_errors {
        println!("  error: {e}");
    }
}

/// Kills the child we started (by its handle) when dropped.
struct Reaped(Child);

impl Drop for Reaped {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn run_testkit(o: &Options, users: usize) -> Result<Report, String> {
    let pool_id = "us-east-1_LoadBench1";
    let client_id = "loadbenchclient00001";
    let names: Vec<String> = (0..users).map(|i| format!("bench{i:03}")).collect();
    let config = json!({
        "pool_id": pool_id,
        "clients": [{"client_id": client_id}],
        "users": names.iter().map(|n| json!({"username": n, "password": PASSWORD})).collect::<Vec<_>>(),
    });
    let path = std::env::temp_dir().join(format!("cognito-load-bench-{}.json", std::process::id()));
    std::fs::write(&path, config.to_string()).map_err(|e| e.to_string())?;
    let child = Command::new(&o.serve_bin)
        .args(["serve", "--port", "0", "--config"])
        .arg(&path)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|e| {
            format!(
                "{}: {e} (cargo build --release -p cognito-auth-cli)",
                o.serve_bin.display()
            )
        })?;
    let mut child = Reaped(child);
    let stdout = child.0.stdout.take().ok_or("no stdout")?;
    let mut first = String::new();
    BufReader::new(stdout)
        .read_line(&mut first)
        .map_err(|e| e.to_string())?;
    let _ = std::fs::remove_file(&path);
    let info: Value =
        serde_json::from_str(&first).map_err(|e| format!("serve said {first:?}: {e}"))?;
    let endpoint = info["endpoint"].as_str().ok_or("no endpoint")?.to_owned();
    Ok(drive(
        "testkit (cognito-auth serve)",
        &endpoint,
        pool_id,
        client_id,
        &names,
        o,
        child.0.id(),
    ))
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map_or(0, |a| a.port())
}

/// A cognito-idp call to moto (a syntactically SigV4 Authorization header, which moto
/// uses to pick the service; it checks no signature).
fn moto_call(
    conn: &mut Option<Conn>,
    host: &str,
    operation: &str,
    body: &Value,
) -> Result<Value, String> {
    let target = format!("AWSCognitoIdentityProviderService.{operation}");
    let headers = [
        ("X-Amz-Target", target.as_str()),
        ("Content-Type", "application/x-amz-json-1.1"),
        (
            "Authorization",
            "AWS4-HMAC-SHA256 Credential=bench/20240101/us-east-1/cognito-idp/aws4_request, SignedHeaders=host, Signature=00",
        ),
    ];
    let (status, bytes) = post(conn, host, &headers, body.to_string().as_bytes())?;
    let value: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    if status == 200 {
        Ok(value)
    } else {
        Err(format!("{operation}: HTTP {status} {value}"))
    }
}

fn run_moto(o: &Options, users: usize) -> Result<Report, String> {
    let port = free_port();
    let child = Command::new(&o.python)
        .args([
            "-m",
            "moto.server",
            "-H",
            "127.0.0.1",
            "-p",
            &port.to_string(),
        ])
        .env("AWS_ACCESS_KEY_ID", "bench")
        .env("AWS_SECRET_ACCESS_KEY", "bench")
        .env("AWS_DEFAULT_REGION", "us-east-1")
        .env("NO_PROXY", "127.0.0.1,localhost")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("{} -m moto.server: {e}", o.python))?;
    let mut child = Reaped(child);
    let host = format!("127.0.0.1:{port}");
    let mut conn = None;
    let mut pool = None;
    for _ in 0..300 {
        // at most 30 s for moto to start
        if let Ok(Some(status)) = child.0.try_wait() {
            return Err(format!(
                "moto.server exited: {status} (pip install 'moto[server]==5.2.1')"
            ));
        }
        match moto_call(
            &mut conn,
            &host,
            "CreateUserPool",
            &json!({"PoolName": "load-bench", "UsernameAttributes": ["email"]}),
        ) {
            Ok(v) => {
                pool = Some(v);
                break;
            }
            Err(_) => {
                conn = None;
                std::thread::sleep(Duration::from_millis(100));
            }
        }
    }
    let pool = pool.ok_or("moto did not answer within 30 s")?;
    let pool_id = pool["UserPool"]["Id"]
        .as_str()
        .ok_or("no pool id")?
        .to_owned();
    let client = moto_call(
        &mut conn,
        &host,
        "CreateUserPoolClient",
        &json!({
        "UserPoolId": pool_id, "ClientName": "bench",
        "ExplicitAuthFlows": ["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]}),
    )?;
    let client_id = client["UserPoolClient"]["ClientId"]
        .as_str()
        .ok_or("no client id")?
        .to_owned();
    let names: Vec<String> = (0..users)
        .map(|i| format!("bench{i:03}@example.com"))
        .collect();
    for name in &names {
        moto_call(
            &mut conn,
            &host,
            "AdminCreateUser",
            &json!({
            "UserPoolId": pool_id, "Username": name, "TemporaryPassword": PASSWORD,
            "MessageAction": "SUPPRESS",
            "UserAttributes": [{"Name": "email", "Value": name}, {"Name": "email_verified", "Value": "true"}]}),
        )?;
        moto_call(
            &mut conn,
            &host,
            "AdminSetUserPassword",
            &json!({
            "UserPoolId": pool_id, "Username": name, "Password": PASSWORD, "Permanent": true}),
        )?;
    }
    let endpoint = format!("http://{host}/");
    Ok(drive(
        "moto 5.2.1 (python -m moto.server)",
        &endpoint,
        &pool_id,
        &client_id,
        &names,
        o,
        child.0.id(),
    ))
}

fn main() {
    let o = options();
    let users = o.connections.min(64);
    let want = |name: &str| o.only.as_deref().is_none_or(|only| only == name);
    let mut failed = false;
    let testkit = if want("testkit") {
        match run_testkit(&o, users) {
            Ok(r) => {
                print(&r, &o);
                failed |= r.errors > 0 || r.signins == 0;
                Some(r)
            }
            Err(e) => {
                println!("testkit: {e}");
                failed = true;
                None
            }
        }
    } else {
        None
    };
    let moto = if want("moto") {
        match run_moto(&o, users) {
            Ok(r) => {
                print(&r, &o);
                Some(r)
            }
            Err(e) => {
                println!("moto: {e}");
                failed = true;
                None
            }
        }
    } else {
        None
    };
    if let (Some(t), Some(m)) = (&testkit, &moto) {
        let ratio = if m.per_second > 0.0 {
            t.per_second / m.per_second
        } else {
            f64::INFINITY
        };
        println!("ratio testkit/moto: {ratio:.2}x sign-ins per second");
        let goals = ratio >= 1.5 && t.errors == 0 && t.p99 <= Duration::from_millis(250);
        println!(
            "goal (>= 1.5x moto, 0 errors, p99 <= 250 ms at {} connections): {}",
            o.connections,
            if goals { "met" } else { "NOT met" }
        );
    }
    if failed {
        std::process::exit(1);
    }
}
