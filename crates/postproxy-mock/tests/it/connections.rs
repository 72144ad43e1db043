//! Connections that cannot wedge the server: with its open-file limit at 512, a flood of
//! half-sent requests and idle keep-alive connections does not keep a normal request from
//! being answered, and the server's descriptors come back to their resting count.
//!
//! Linux only: it counts the server's descriptors in /proc.
#![cfg(target_os = "linux")]

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const BIN: &str = env!("CARGO_BIN_EXE_postproxy-mock");

/// Small limits so the test runs fast; the sum bounds how long any connection is held.
const HEADER_READ_SECS: u64 = 1;
const IDLE_SECS: u64 = 2;
const FLOOD: usize = 1000;

struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn open_fds(pid: u32) -> usize {
    std::fs::read_dir(format!("/proc/{pid}/fd"))
        .map(|dir| dir.count())
        .unwrap_or(0)
}

/// The test itself holds 2 000 sockets and more: raise its own soft limit.
fn raise_own_limit(want: u64) {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit/setrlimit read and write the struct passed by pointer.
    unsafe {
        assert_eq!(libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit), 0);
        if limit.rlim_cur < want {
            limit.rlim_cur = want.min(limit.rlim_max);
            assert_eq!(libc::setrlimit(libc::RLIMIT_NOFILE, &limit), 0);
        }
    }
    assert!(
        limit.rlim_cur >= want,
        "this test needs {want} open files, the hard limit is {}",
        limit.rlim_max
    );
}

/// One request on a fresh connection; the time until its whole answer arrived.
async fn timed_request(addr: &str) -> Result<Duration, String> {
    let started = Instant::now();
    let mut stream = TcpStream::connect(addr).await.map_err(|e| e.to_string())?;
    stream
        .write_all(
            b"GET /api/profile_groups HTTP/1.1\r\nHost: localhost\r\n\
              Authorization: Bearer pp_demo_full_0123456789abcdef\r\nConnection: close\r\n\r\n",
        )
        .await
        .map_err(|e| e.to_string())?;
    let mut answer = Vec::new();
    stream
        .read_to_end(&mut answer)
        .await
        .map_err(|e| e.to_string())?;
    let text = String::from_utf8_lossy(&answer);
    if !text.starts_with("HTTP/1.1 200") || !text.contains("\"data\"") {
        return Err(format!("unexpected answer: {text:.200}"));
    }
    Ok(started.elapsed())
}

/// Reads until the server closes the connection (end of file or reset).
async fn until_closed(stream: &mut TcpStream) {
    let mut buf = [0u8; 4096];
    loop {
        match stream.read(&mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(_) => {}
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flood_of_half_sent_and_idle_connections_does_not_wedge_the_server() {
    raise_own_limit(2 * FLOOD as u64 + 256);
    let (child, line) = start_under_ulimit(
        "-n 512",
        &[
            "--header-read-timeout",
            &HEADER_READ_SECS.to_string(),
            "--idle-timeout",
            &IDLE_SECS.to_string(),
        ],
    );
    let ready: serde_json::Value = serde_json::from_str(&line).expect("the ready line");
    let pid = child.0.id();
    let addr = ready["listen_url"]
        .as_str()
        .unwrap()
        .trim_start_matches("http://")
        .to_string();
    let limits = std::fs::read_to_string(format!("/proc/{pid}/limits")).unwrap();
    let open_files = limits
        .lines()
        .find(|l| l.starts_with("Max open files"))
        .unwrap();
    assert!(
        open_files.split_whitespace().nth(3) == Some("512"),
        "{open_files}"
    );

    timed_request(&addr).await.expect("answered at rest");
    tokio::time::sleep(Duration::from_millis(200)).await;
    let resting = open_fds(pid);

    // 1 000 connections that send half a request head, and 1 000 that make one request and
    // then sit idle on keep-alive; each task ends when the server closes its connection.
    let flood_started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..FLOOD {
        let to = addr.clone();
        tasks.spawn(async move {
            let Ok(mut stream) = TcpStream::connect(&to).await else {
                return;
            };
            let _ = stream
                .write_all(b"GET /api/profile_groups HTTP/1.1\r\nHost: loc")
                .await;
            until_closed(&mut stream).await;
        });
        let to = addr.clone();
        tasks.spawn(async move {
            let Ok(mut stream) = TcpStream::connect(&to).await else {
                return;
            };
            let _ = stream
                .write_all(
                    b"GET /api/profile_groups HTTP/1.1\r\nHost: localhost\r\n\
                      Authorization: Bearer pp_demo_full_0123456789abcdef\r\n\r\n",
                )
                .await;
            until_closed(&mut stream).await;
        });
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    let held = open_fds(pid);

    // A normal request amid the flood.
    let under_flood = timed_request(&addr)
        .await
        .expect("answered under the flood");
    let sum = Duration::from_secs(HEADER_READ_SECS + IDLE_SECS);
    eprintln!(
        "resting fds {resting}, during the flood {held}; a request under the flood answered in \
         {under_flood:?}"
    );
    assert!(
        under_flood < sum,
        "answered in {under_flood:?}, not within {sum:?}"
    );

    // Every flood connection is closed by the server; bounded in time.
    let all_closed = tokio::time::timeout(Duration::from_secs(30), async {
        while tasks.join_next().await.is_some() {}
    })
    .await;
    let closed_after = flood_started.elapsed();
    assert!(
        all_closed.is_ok(),
        "{} connections still open after 30 s",
        tasks.len()
    );
    let mut after = open_fds(pid);
    let settle = Instant::now();
    while after > resting + 2 && settle.elapsed() < Duration::from_secs(5) {
        tokio::time::sleep(Duration::from_millis(50)).await;
        after = open_fds(pid);
    }
    eprintln!("all 2 000 closed by the server {closed_after:?} after the flood began; fds {after}");
    assert!(
        after <= resting + 2,
        "{after} descriptors open, {resting} at rest"
    );
    timed_request(&addr)
        .await
        .expect("answered after the flood");
}

/// The program raises its soft open-file limit to the hard limit.
#[test]
fn the_soft_open_file_limit_is_raised_to_the_hard_limit() {
    let (child, _ready) = start_under_ulimit("-S -n 256", &[]);
    let limits = std::fs::read_to_string(format!("/proc/{}/limits", child.0.id())).unwrap();
    let open_files: Vec<&str> = limits
        .lines()
        .find(|l| l.starts_with("Max open files"))
        .unwrap()
        .split_whitespace()
        .collect();
    assert_eq!(
        open_files[3], open_files[4],
        "soft and hard: {open_files:?}"
    );
    assert_ne!(open_files[3], "256");
}

/// Starts the program on a free port under `ulimit ULIMIT` (through `sh`), with `args` after
/// the common ones; the running program and its ready line.
fn start_under_ulimit(ulimit: &str, args: &[&str]) -> (Killed, String) {
    let script = format!(r#"ulimit {ulimit} && exec "$0" "$@""#);
    let mut child = Killed(
        Command::new("sh")
            .args(["-c", &script, BIN])
            .args(["--port", "0", "--ready-json", "--log-level", "off"])
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start postproxy-mock"),
    );
    let mut line = String::new();
    BufReader::new(child.0.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    (child, line)
}
