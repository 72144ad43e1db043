//! Times `MockServer::start()` in-process for `cargo xtask bench`, as a Rust test starts it
//! (a current-thread Tokio runtime, the demo data, a free loopback port).
//!
//! `inproc-start RUNS` starts and drops a server RUNS times and prints one JSON line:
//! `{"runs":N,"start_us":[...],"first_response_us":[...]}`: the time `start().await` took, and
//! the time from before `start()` to the complete answer of a first `GET /api/profile_groups`
//! over a fresh TCP connection.

use std::process::ExitCode;
use std::time::Instant;

use postproxy_mock_server::MockServer;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

fn main() -> ExitCode {
    let runs: usize = match std::env::args().nth(1).as_deref().unwrap_or("20").parse() {
        Ok(runs) if runs > 0 => runs,
        _ => {
            eprintln!("usage: inproc-start RUNS");
            return ExitCode::from(2);
        }
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("start the runtime");
    runtime.block_on(async move {
        let mut start_us = Vec::with_capacity(runs);
        let mut first_us = Vec::with_capacity(runs);
        for _ in 0..runs {
            let t0 = Instant::now();
            let server = MockServer::start().await;
            start_us.push(t0.elapsed().as_secs_f64() * 1e6);
            let status = match first_response(&server).await {
                Ok(status) => status,
                Err(e) => {
                    eprintln!("inproc-start: first request failed: {e}");
                    return ExitCode::FAILURE;
                }
            };
            first_us.push(t0.elapsed().as_secs_f64() * 1e6);
            if status != 200 {
                eprintln!("inproc-start: first request answered {status}, expected 200");
                return ExitCode::FAILURE;
            }
            server.shutdown().await;
        }
        let list = |v: &[f64]| {
            v.iter()
                .map(|x| format!("{x:.1}"))
                .collect::<Vec<_>>()
                .join(",")
        };
        println!(
            "{{\"runs\":{runs},\"start_us\":[{}],\"first_response_us\":[{}]}}",
            list(&start_us),
            list(&first_us)
        );
        ExitCode::SUCCESS
    })
}

/// `GET /api/profile_groups` with the full-access key and `Connection: close`; the status.
async fn first_response(server: &MockServer) -> std::io::Result<u16> {
    let mut stream = TcpStream::connect(server.addr()).await?;
    let request = format!(
        "GET /api/profile_groups HTTP/1.1\r\nHost: {}\r\nAuthorization: Bearer {}\r\n\
         Connection: close\r\n\r\n",
        server.addr(),
        server.full_access_key()
    );
    stream.write_all(request.as_bytes()).await?;
    let mut response = Vec::new();
    stream.read_to_end(&mut response).await?;
    let status = response
        .get(9..12)
        .and_then(|s| std::str::from_utf8(s).ok())
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    Ok(status)
}
