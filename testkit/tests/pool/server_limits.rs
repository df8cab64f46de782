//! The HTTP server under hostile or careless clients: connection cap, request deadline,
//! idle timeout, size limits, bounded shutdown, accept errors, loopback only.

use std::io::{BufRead, BufReader, ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use cognito_auth_testkit::{Pool, SeededRng, Server};

use crate::support::*;

const GET_OUTBOX: &[u8] = b"GET /_testkit/outbox HTTP/1.1\r\nHost: localhost\r\n\r\n";

fn pool() -> Pool {
    Pool::new(base_config(), NOW, &mut SeededRng::new(5)).unwrap()
}

/// Polls `done` every 20 ms for at most `limit`.
fn wait_until(limit: Duration, mut done: impl FnMut() -> bool) -> bool {
    let until = Instant::now() + limit;
    while Instant::now() < until {
        if done() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    done()
}

/// Reads one response (head and `Content-Length` body) within `timeout`: (status, body).
fn read_response(stream: &mut TcpStream, timeout: Duration) -> std::io::Result<(u16, String)> {
    stream.set_read_timeout(Some(timeout))?;
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") && head.len() < 65_536 {
        if stream.read(&mut byte)? == 0 {
            return Err(ErrorKind::UnexpectedEof.into());
        }
        head.push(byte[0]);
    }
    let head = String::from_utf8_lossy(&head).into_owned();
    let status = head.split(' ').nth(1).unwrap_or("0").parse().unwrap_or(0);
    let length: usize = head
        .lines()
        .find_map(|l| l.strip_prefix("Content-Length: "))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0);
    let mut body = vec![0; length];
    stream.read_exact(&mut body)?;
    Ok((status, String::from_utf8_lossy(&body).into_owned()))
}

/// True when the server has closed the connection (EOF or reset), waiting at most `wait`.
fn closed_by_server(stream: &mut TcpStream, wait: Duration) -> bool {
    stream.set_read_timeout(Some(wait)).unwrap();
    let mut buf = [0u8; 512];
    for _ in 0..100 {
        match stream.read(&mut buf) {
            Ok(0) => return true,
            Ok(_) => continue, // a 400 before the close
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                return false;
            }
            Err(_) => return true,
        }
    }
    false
}

fn connect(addr: SocketAddr) -> TcpStream {
    TcpStream::connect(addr).unwrap()
}

#[test]
fn connections_beyond_the_cap_wait_for_a_slot() {
    let server = Server::builder(pool())
        .max_connections(4)
        .start("127.0.0.1:0")
        .unwrap();
    let addr = server.local_addr();
    // Four connections in the middle of a request (busy, not idle: nothing to evict).
    let mut slow: Vec<TcpStream> = (0..4)
        .map(|_| {
            let mut s = connect(addr);
            s.write_all(b"POST / HTTP/1.1\r\n").unwrap();
            s
        })
        .collect();
    assert!(
        wait_until(Duration::from_secs(3), || server.connections() == 4),
        "{}",
        server.connections()
    );
    std::thread::sleep(Duration::from_millis(200));
    let mut fifth = connect(addr); // completes in the kernel's backlog
    fifth.write_all(GET_OUTBOX).unwrap();
    let early = read_response(&mut fifth, Duration::from_millis(700));
    assert!(
        matches!(&early, Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut)),
        "served beyond the cap: {early:?}"
    );
    assert_eq!(server.connections(), 4);
    // A slot frees up: the waiting connection is served.
    drop(slow.pop());
    let (status, _) = read_response(&mut fifth, Duration::from_secs(5)).unwrap();
    assert_eq!(status, 200);
    assert!(server.connections() <= 4);
}

#[test]
fn a_trickling_request_is_cut_off_at_the_request_deadline() {
    let server = Server::builder(pool())
        .request_timeout(Duration::from_secs(1))
        .start("127.0.0.1:0")
        .unwrap();
    let mut stream = connect(server.local_addr());
    stream.write_all(b"POST / HTTP/1.1\r\n").unwrap();
    let start = Instant::now();
    let mut closed_after = None;
    // A header byte every 200 ms: every read is quick, the request never ends. At most 8 s.
    for _ in 0..40 {
        std::thread::sleep(Duration::from_millis(200));
        if stream.write_all(b"X").is_err()
            || closed_by_server(&mut stream, Duration::from_millis(1))
        {
            closed_after = Some(start.elapsed());
            break;
        }
    }
    let closed_after = closed_after.expect("the trickling request was never cut off");
    assert!(closed_after < Duration::from_secs(3), "{closed_after:?}");
}

#[test]
fn an_idle_keep_alive_connection_is_closed_after_the_idle_timeout() {
    let server = Server::builder(pool())
        .idle_timeout(Duration::from_millis(500))
        .start("127.0.0.1:0")
        .unwrap();
    let mut stream = connect(server.local_addr());
    stream.write_all(GET_OUTBOX).unwrap();
    let (status, _) = read_response(&mut stream, Duration::from_secs(5)).unwrap();
    assert_eq!(status, 200);
    let start = Instant::now();
    assert!(closed_by_server(&mut stream, Duration::from_secs(4)));
    assert!(
        start.elapsed() < Duration::from_secs(3),
        "{:?}",
        start.elapsed()
    );
    // A connection that never sends anything too.
    let mut silent = connect(server.local_addr());
    assert!(closed_by_server(&mut silent, Duration::from_secs(4)));
}

#[test]
fn oversized_heads_and_bodies_are_refused() {
    let server = Server::builder(pool())
        .max_header_bytes(1024)
        .max_body_bytes(100)
        .start("127.0.0.1:0")
        .unwrap();
    let mut big_head = connect(server.local_addr());
    let padding = "a".repeat(2048);
    big_head
        .write_all(format!("GET / HTTP/1.1\r\nX-Pad: {padding}\r\n\r\n").as_bytes())
        .unwrap();
    let (status, body) = read_response(&mut big_head, Duration::from_secs(5)).unwrap();
    assert_eq!((status, body.contains("too large")), (400, true), "{body}");
    let mut big_body = connect(server.local_addr());
    big_body
        .write_all(b"POST / HTTP/1.1\r\nContent-Length: 101\r\n\r\n")
        .unwrap();
    let (status, body) = read_response(&mut big_body, Duration::from_secs(5)).unwrap();
    assert_eq!((status, body.contains("too large")), (400, true), "{body}");
    // At the limits they are fine.
    let mut ok = connect(server.local_addr());
    ok.write_all(b"POST / HTTP/1.1\r\nX-Amz-Target: AWSCognitoIdentityProviderService.GetUser\r\nContent-Length: 2\r\n\r\n{}")
        .unwrap();
    let (status, body) = read_response(&mut ok, Duration::from_secs(5)).unwrap();
    assert_eq!(status, 400);
    assert!(body.contains("InvalidParameterException"), "{body}");
}

#[test]
fn shutdown_is_bounded_whatever_the_clients_do() {
    let server = Server::builder(pool())
        .shutdown_timeout(Duration::from_millis(500))
        .start("127.0.0.1:0")
        .unwrap();
    let addr = server.local_addr();
    let _silent = connect(addr);
    let mut keep_alive = connect(addr);
    keep_alive.write_all(GET_OUTBOX).unwrap();
    read_response(&mut keep_alive, Duration::from_secs(5)).unwrap();
    let trickler = std::thread::spawn(move || {
        let mut s = connect(addr);
        let _ = s.write_all(b"POST / HTTP/1.1\r\n");
        for _ in 0..100 {
            // at most 10 s
            std::thread::sleep(Duration::from_millis(100));
            if s.write_all(b"X").is_err() {
                break;
            }
        }
    });
    assert!(wait_until(Duration::from_secs(3), || server.connections() == 3));
    let (done, took) = mpsc::channel();
    std::thread::spawn(move || {
        let start = Instant::now();
        server.shutdown();
        let _ = done.send(start.elapsed());
    });
    let took = took
        .recv_timeout(Duration::from_secs(6))
        .expect("shutdown still waiting for slow clients after 6 s");
    assert!(took < Duration::from_secs(3), "{took:?}");
    assert!(closed_by_server(&mut keep_alive, Duration::from_secs(2)));
    trickler.join().unwrap();
}

#[test]
fn sixty_idle_connections_do_not_stop_the_61st() {
    for cap in [None, Some(60)] {
        let mut builder = Server::builder(pool());
        if let Some(cap) = cap {
            builder = builder.max_connections(cap);
        }
        let server = builder.start("127.0.0.1:0").unwrap();
        let addr = server.local_addr();
        let idle: Vec<TcpStream> = (0..60).map(|_| connect(addr)).collect();
        assert!(wait_until(Duration::from_secs(5), || server.connections() == 60));
        let mut next = connect(addr);
        next.write_all(GET_OUTBOX).unwrap();
        let (status, _) = read_response(&mut next, Duration::from_secs(5)).unwrap();
        assert_eq!(status, 200, "cap {cap:?}");
        assert!(server.connections() <= 61);
        drop(idle);
    }
}

#[test]
fn a_non_loopback_address_is_refused_unless_allowed() {
    for addr in ["0.0.0.0:0", "[::]:0"] {
        let err = Server::start(pool(), addr).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::PermissionDenied, "{addr}: {err}");
        assert!(err.to_string().contains("allow_remote"), "{err}");
    }
    Server::start(pool(), "127.0.0.1:0").unwrap().shutdown();
    Server::builder(pool())
        .allow_remote(true)
        .start("127.0.0.1:0")
        .unwrap()
        .shutdown();
}

const EMFILE_CHILD: &str = "TESTKIT_EMFILE_CHILD";

/// Runs in a child process with 64 descriptors: uses up every descriptor but the one the
/// server's listening socket takes, reports the port, and waits while the parent connects
/// and watches its CPU time.
#[test]
#[ignore = "run by accept_errors_back_off_instead_of_spinning in a child process"]
fn emfile_child_process() {
    if std::env::var_os(EMFILE_CHILD).is_none() {
        return;
    }
    let pool = pool();
    let mut files = Vec::new();
    for _ in 0..10_000 {
        match std::fs::File::open("/dev/null") {
            Ok(f) => files.push(f),
            Err(_) => break,
        }
    }
    // One descriptor for the listening socket; then every accept fails with EMFILE.
    files.pop();
    let server = Server::start(pool, "127.0.0.1:0").unwrap();
    println!("PORT={}", server.local_addr().port());
    println!("EXHAUSTED={}", files.len());
    let _ = std::io::stdout().flush();
    std::thread::sleep(Duration::from_secs(3));
    drop(files);
    server.shutdown();
}

/// utime + stime of a process, in clock ticks.
fn cpu_ticks(pid: u32) -> u64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
    let after = stat.rsplit_once(')').unwrap().1;
    let fields: Vec<&str> = after.split_whitespace().collect();
    // After the command: state is field 3, utime 14, stime 15 (1-based over the whole line).
    fields[11].parse::<u64>().unwrap() + fields[12].parse::<u64>().unwrap()
}

#[test]
fn accept_errors_back_off_instead_of_spinning() {
    if !std::path::Path::new("/proc/self/stat").exists() {
        return; // Linux only
    }
    let exe = std::env::current_exe().unwrap();
    let mut child = Command::new("sh")
        .arg("-c")
        .arg("ulimit -n 64 && exec \"$0\" \"$@\"")
        .arg(exe)
        .args([
            "server_limits::emfile_child_process",
            "--exact",
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(EMFILE_CHILD, "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let pid = child.id();
    let stdout = child.stdout.take().unwrap();
    let (lines, got) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().take(50) {
            let Ok(line) = line else { break };
            let _ = lines.send(line);
        }
    });
    let mut port = None;
    let deadline = Instant::now() + Duration::from_secs(20);
    while Instant::now() < deadline {
        let Ok(line) = got.recv_timeout(Duration::from_millis(200)) else {
            continue;
        };
        // The test harness may print "test ... " before it on the same line.
        if let Some((_, p)) = line.split_once("PORT=") {
            port = p.trim().parse::<u16>().ok();
        }
        if line.contains("EXHAUSTED=") {
            break;
        }
    }
    let Some(port) = port else {
        let _ = child.kill();
        panic!("the child did not start");
    };
    // A pending connection the child cannot accept (EMFILE).
    let _pending = TcpStream::connect(("127.0.0.1", port)).unwrap();
    std::thread::sleep(Duration::from_millis(300));
    let before = cpu_ticks(pid);
    std::thread::sleep(Duration::from_secs(1));
    let used = cpu_ticks(pid) - before;
    let _ = child.kill();
    let _ = child.wait();
    // A spinning accept loop burns the whole second (about 100 ticks).
    assert!(used < 20, "{used} ticks of CPU in one second of EMFILE");
}
