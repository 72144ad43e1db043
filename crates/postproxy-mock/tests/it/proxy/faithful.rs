//! A faithful upstream (the mock itself, in-process): every product request through the proxy
//! is answered exactly as the upstream answers it directly (status, headers but `Date`, body
//! bytes), and the proxy reports nothing.

use postproxy_mock_server::{MockServer, DEMO_FULL_ACCESS_KEY, DEMO_SCOPED_KEY};
use reqwest::Method;
use serde_json::json;

use super::support::{start, Call};
use crate::record::support::{every_get, Api};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_get_through_the_proxy_is_the_direct_answer() {
    let upstream = MockServer::start().await;
    let proxy = start(upstream.base_url()).await;
    let http = reqwest::Client::new();
    let mut paths = every_get(&Api::new(upstream.base_url(), DEMO_FULL_ACCESS_KEY), &[]).await;
    // A `from` that is not a date-time is the client's violation, not the upstream's.
    paths.retain(|p| !p.contains("not-a-time"));
    assert!(paths.len() > 100, "{} paths", paths.len());
    let mut compared = 0;
    for key in [DEMO_FULL_ACCESS_KEY, DEMO_SCOPED_KEY, "pp_unknown_key"] {
        for path in &paths {
            let call = Call::get(path, key);
            let direct = call.send(&http, upstream.base_url()).await;
            let proxied = call.send(&http, proxy.base_url()).await;
            assert_eq!(proxied, direct, "GET {path} with {key}");
            compared += 1;
        }
    }
    let mut anonymous = Call::get("/api/profile_groups", "");
    anonymous.key = None;
    let direct = anonymous.send(&http, upstream.base_url()).await;
    assert_eq!(direct.status, 401);
    assert_eq!(anonymous.send(&http, proxy.base_url()).await, direct);
    assert!(proxy.violations().is_empty(), "{:#?}", proxy.violations());
    let summary = proxy.shutdown().await.expect("a clean stop");
    assert_eq!(summary.requests, compared + 1);
    assert_eq!(summary.answered, summary.requests);
    assert_eq!(summary.violations, 0);
}

/// Two mocks in the same state (the demo data, the default seed, one base URL for the
/// connection URLs): the same writes, one directly and one through the proxy, get the same
/// answers.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn writes_through_the_proxy_are_answered_as_directly() {
    let twin = || {
        MockServer::builder()
            .base_url("http://mock.example")
            .start()
    };
    let (direct, behind) = (twin().await.unwrap(), twin().await.unwrap());
    let direct_url = format!("http://{}", direct.addr());
    let proxy = start(&format!("http://{}", behind.addr())).await;
    let http = reqwest::Client::new();
    let key = DEMO_FULL_ACCESS_KEY;
    let connect = json!({"platform": "linkedin", "redirect_url": "https://example.com/back"});
    let calls = [
        Call::json(
            Method::POST,
            "/api/profile_groups",
            key,
            json!({"profile_group": {"name": "New"}}),
        )
        .header("idempotency-key", "create-1"),
        Call::json(
            Method::POST,
            "/api/profile_groups",
            key,
            json!({"profile_group": {"name": "New"}}),
        )
        .header("idempotency-key", "create-1"),
        Call::json(
            Method::POST,
            "/api/profile_groups",
            key,
            json!({"name": "Top level"}),
        ),
        Call::json(
            Method::POST,
            "/api/profile_groups",
            key,
            json!({"profile_group": {"name": " "}}),
        ),
        Call::json(
            Method::POST,
            "/api/profile_groups/grp123abc/initialize_connection",
            key,
            connect,
        ),
        Call::json(
            Method::POST,
            "/api/profile_groups/grp123abc/initialize_connection",
            key,
            json!({}),
        ),
        Call::json(
            Method::POST,
            "/api/profile_groups/grp_none/initialize_connection",
            key,
            json!({"platform": "x"}),
        ),
        Call {
            method: Method::DELETE,
            ..Call::get("/api/profiles/prof654jkl", key)
        },
        Call {
            method: Method::DELETE,
            ..Call::get("/api/profiles/prof654jkl", key)
        },
        Call {
            method: Method::DELETE,
            ..Call::get("/api/profile_groups/grp789ghi", key)
        },
        Call::get("/api/profile_groups", key),
        Call::get("/api/profiles", key),
        Call {
            method: Method::DELETE,
            ..Call::get("/api/profile_groups/grp123abc", DEMO_SCOPED_KEY)
        },
    ];
    let mut statuses = Vec::new();
    for call in &calls {
        let expected = call.send(&http, &direct_url).await;
        let proxied = call.send(&http, proxy.base_url()).await;
        assert_eq!(proxied, expected, "{} {}", call.method, call.target);
        statuses.push(expected.status);
    }
    assert_eq!(
        statuses,
        [201, 201, 201, 422, 200, 422, 404, 200, 404, 200, 200, 200, 422],
        "the writes' own outcomes"
    );
    assert!(proxy.violations().is_empty(), "{:#?}", proxy.violations());
}

/// The request the upstream receives is the client's but for the headers of one hop, and
/// `Host`, which names the upstream; the answer the client receives is the upstream's but for
/// those of the other hop.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_the_headers_of_one_hop_change() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let upstream = format!("http://{}", listener.local_addr().unwrap());
    let received = tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.unwrap();
        let mut head = Vec::new();
        let mut buf = [0u8; 4096];
        while !String::from_utf8_lossy(&head).contains("\r\n\r\n{\"a\": 1}") {
            let n = socket.read(&mut buf).await.unwrap();
            assert!(
                n > 0,
                "the whole request: {}",
                String::from_utf8_lossy(&head)
            );
            head.extend_from_slice(&buf[..n]);
        }
        let body = br#"{"error": "Not found"}"#;
        let answer = format!(
            "HTTP/1.1 404 Not Found\r\ncontent-type: application/json\r\nx-upstream: kept\r\n\
             keep-alive: timeout=5\r\nconnection: close\r\ncontent-length: {}\r\n\r\n",
            body.len()
        );
        socket.write_all(answer.as_bytes()).await.unwrap();
        socket.write_all(body).await.unwrap();
        String::from_utf8_lossy(&head).into_owned()
    });
    let proxy = start(&upstream).await;
    let answer = reqwest::Client::new()
        .delete(format!(
            "{}/api/profile_groups/g%201?x=1&x=2",
            proxy.base_url()
        ))
        .bearer_auth("pp_key")
        .header("x-trace", "abc")
        .header("idempotency-key", "k1")
        .header("connection", "x-hop")
        .header("x-hop", "dropped")
        .header("content-type", "application/json")
        .body(r#"{"a": 1}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 404);
    assert_eq!(answer.headers()["x-upstream"], "kept");
    assert!(answer.headers().get("keep-alive").is_none());
    assert_eq!(answer.text().await.unwrap(), r#"{"error": "Not found"}"#);

    let request = received.await.unwrap().to_ascii_lowercase();
    let head: Vec<&str> = request.lines().collect();
    assert_eq!(head[0], "delete /api/profile_groups/g%201?x=1&x=2 http/1.1");
    let authority = upstream.trim_start_matches("http://");
    for line in [
        "authorization: bearer pp_key",
        "x-trace: abc",
        "idempotency-key: k1",
        "content-type: application/json",
        "content-length: 8",
        &format!("host: {authority}"),
    ] {
        assert!(head.contains(&line), "{line:?} in {head:#?}");
    }
    assert!(!request.contains("x-hop"), "{request}");
    assert!(request.ends_with("\r\n\r\n{\"a\": 1}"), "{request}");
    assert!(proxy.violations().is_empty(), "{:#?}", proxy.violations());
}
