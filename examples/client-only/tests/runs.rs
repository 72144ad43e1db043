//! The program builds with only the dependencies it declares, and runs: the Tokio runtime it
//! sets up is enough for the client (its timers and I/O), against a one-shot local HTTP server.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::process::Command;

/// Answers one request on a free loopback port with `body` (HTTP 200, JSON); returns the base
/// URL and the request that arrived.
fn one_answer(body: &'static str) -> (String, std::thread::JoinHandle<String>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let served = std::thread::spawn(move || {
        let (mut stream, _) = listener.accept().unwrap();
        let mut request = Vec::new();
        let mut buf = [0; 4096];
        while !request.windows(4).any(|w| w == b"\r\n\r\n") {
            let n = stream.read(&mut buf).unwrap();
            if n == 0 {
                break;
            }
            request.extend_from_slice(&buf[..n]);
        }
        let reply = format!(
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
            body.len()
        );
        stream.write_all(reply.as_bytes()).unwrap();
        String::from_utf8_lossy(&request).into_owned()
    });
    (url, served)
}

#[test]
fn the_client_alone_runs_on_the_documented_tokio_features() {
    let (url, served) =
        one_answer(r#"{"data": [{"id": "grp123abc", "name": "Main Brand", "profiles_count": 5}]}"#);
    let output = Command::new(env!("CARGO_BIN_EXE_postproxy-client-only-example"))
        .env("POSTPROXY_API_KEY", "pp_test_key")
        .env("POSTPROXY_BASE_URL", &url)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        "grp123abc\tMain Brand\t5 profile(s)\n"
    );
    let request = served.join().unwrap();
    assert!(
        request.starts_with("GET /api/profile_groups HTTP/1.1"),
        "{request}"
    );
    assert!(
        request
            .to_ascii_lowercase()
            .contains("authorization: bearer pp_test_key"),
        "{request}"
    );
}
