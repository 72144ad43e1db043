//! Each error kind and the retry policy against a scripted [`StubServer`], answer by answer:
//! including what the mock never answers (HTML from a gateway, bodies that do not decode,
//! `Retry-After` as a date). The same kinds from the real mock's fault injection are in
//! `faults_through_the_client.rs`.

use crate::stub;

use std::time::{Duration, SystemTime};

use postproxy_client::models::Platform;
use postproxy_client::{Client, ClientBuilder, Error, ErrorKind, RetryPolicy};
use serde_json::json;
use stub::{Reply, StubServer};

fn builder(stub: &StubServer) -> ClientBuilder {
    Client::builder("pp_test_key").base_url(stub.base_url())
}

fn client(stub: &StubServer) -> Client {
    builder(stub).build().unwrap()
}

/// A policy with waits short enough for tests.
fn quick_retries(max_attempts: u32) -> RetryPolicy {
    RetryPolicy {
        max_attempts,
        initial_backoff: Duration::from_millis(5),
        max_backoff: Duration::from_millis(20),
    }
}

fn retrying(stub: &StubServer, policy: RetryPolicy) -> Client {
    builder(stub).retry(policy).build().unwrap()
}

fn groups_body() -> serde_json::Value {
    json!({ "data": [{ "id": "grp1", "name": "One", "profiles_count": 0 }] })
}

fn group_body() -> serde_json::Value {
    json!({ "id": "grp1", "name": "One", "profiles_count": 0 })
}

fn err<T: std::fmt::Debug>(result: Result<T, Error>) -> Error {
    result.expect_err("expected an error")
}

#[tokio::test]
async fn stub_429_carries_retry_after_in_seconds_or_as_a_date() {
    let stub = StubServer::start(vec![
        Reply::error(429, "Rate limit exceeded").header("retry-after", "7"),
        Reply::error(429, "Rate limit exceeded").header(
            "retry-after",
            httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(60)),
        ),
    ])
    .await;
    let c = client(&stub);
    let e = err(c.profile_groups().list().send().await);
    assert_eq!(e.kind(), ErrorKind::RateLimited);
    assert!(e.is_rate_limited());
    assert_eq!(e.retry_after(), Some(Duration::from_secs(7)));
    assert_eq!(e.to_string(), "Rate limit exceeded");

    let e = err(c.profile_groups().list().send().await);
    let wait = e.retry_after().unwrap();
    // HTTP dates have whole seconds, so "60 s from now" reads as 59 to 60 seconds.
    assert!(
        wait > Duration::from_secs(58) && wait <= Duration::from_secs(60),
        "{wait:?}"
    );
}

#[tokio::test]
async fn stub_5xx_are_server_errors_whatever_their_body() {
    let stub = StubServer::start(vec![
        Reply::error(500, "Internal server error"),
        // A documented status whose body is a gateway's HTML page, not the API's JSON.
        Reply::html(503, "<html>Service Unavailable</html>"),
        // A status the spec does not document, with HTML.
        Reply::html(502, "<html>Bad Gateway</html>"),
    ])
    .await;
    let c = client(&stub);
    let expected = [
        (
            500,
            "Internal server error",
            r#"{"error":"Internal server error"}"#,
        ),
        (
            503,
            "HTTP 503 Service Unavailable",
            "<html>Service Unavailable</html>",
        ),
        (502, "HTTP 502 Bad Gateway", "<html>Bad Gateway</html>"),
    ];
    for (status, message, body) in expected {
        let e = err(c.profiles().get("prof1").send().await);
        assert_eq!(e.kind(), ErrorKind::Server, "{e:?}");
        assert_eq!(e.status().unwrap().as_u16(), status);
        assert_eq!(e.to_string(), message);
        assert_eq!(e.body(), Some(body));
    }
}

#[tokio::test]
async fn stub_html_503_keeps_its_retry_after() {
    // The HTML does not decode, so the headers come from the response the transport kept.
    let stub = StubServer::start(vec![
        Reply::html(503, "<html>Service Unavailable</html>").header("retry-after", "7")
    ])
    .await;
    let e = err(client(&stub).profiles().get("prof1").send().await);
    assert_eq!(e.kind(), ErrorKind::Server, "{e:?}");
    assert_eq!(e.retry_after(), Some(Duration::from_secs(7)));
}

#[tokio::test]
async fn stub_success_body_that_does_not_decode_is_a_decode_error() {
    let stub = StubServer::start(vec![Reply::json(200, json!({ "data": "not a list" }))]).await;
    let e = err(client(&stub).profiles().list().send().await);
    assert_eq!(e.kind(), ErrorKind::Decode);
    assert_eq!(e.status().unwrap().as_u16(), 200);
    assert_eq!(e.body(), Some(r#"{"data":"not a list"}"#));
    assert!(
        e.to_string()
            .starts_with("the response could not be decoded"),
        "{e}"
    );
    assert!(std::error::Error::source(&e).is_some());
}

#[tokio::test]
async fn stub_success_status_the_operation_does_not_document_is_unexpected() {
    // Create answers 201; a 200 is not what the spec promises.
    let stub = StubServer::start(vec![Reply::json(200, group_body())]).await;
    let e = err(client(&stub).profile_groups().create("One").send().await);
    assert_eq!(e.kind(), ErrorKind::UnexpectedStatus);
    assert_eq!(e.status().unwrap().as_u16(), 200);
}

#[tokio::test]
async fn a_closed_port_is_a_transport_error() {
    // Bound but not listening: connections are refused, and no other test can take the port.
    let closed = reserved_port();
    let c = Client::builder("k")
        .base_url(format!("http://{}", closed.local_addr().unwrap()))
        .build()
        .unwrap();
    let e = err(c.profile_groups().list().send().await);
    assert_eq!((e.kind(), e.status()), (ErrorKind::Transport, None));
    assert!(std::error::Error::source(&e).is_some());
}

#[tokio::test]
async fn stub_429_with_retry_after_0_is_retried_then_succeeds() {
    let stub = StubServer::start(vec![
        Reply::error(429, "Rate limit exceeded").header("retry-after", "0"),
        Reply::json(200, groups_body()),
    ])
    .await;
    let groups = retrying(&stub, quick_retries(3))
        .profile_groups()
        .list()
        .send()
        .await
        .unwrap();
    assert_eq!(groups[0].id, "grp1");
    assert_eq!(stub.count(), 2);
}

#[tokio::test]
async fn stub_429_retry_after_beyond_the_cap_is_returned_at_once() {
    let stub = StubServer::start(vec![
        Reply::error(429, "Rate limit exceeded").header("retry-after", "120"),
        Reply::json(200, groups_body()),
    ])
    .await;
    let e = err(retrying(&stub, quick_retries(3))
        .profile_groups()
        .list()
        .send()
        .await);
    assert_eq!(e.retry_after(), Some(Duration::from_secs(120)));
    assert_eq!(stub.count(), 1);
}

#[tokio::test]
async fn stub_5xx_is_retried_up_to_max_attempts_then_surfaces_the_server_error() {
    let stub = StubServer::start(vec![Reply::error(503, "Service unavailable")]).await;
    let e = err(retrying(&stub, quick_retries(3))
        .profiles()
        .get("prof1")
        .send()
        .await);
    assert_eq!(e.kind(), ErrorKind::Server);
    assert_eq!(e.to_string(), "Service unavailable");
    assert_eq!(stub.count(), 3);
}

#[tokio::test]
async fn stub_html_502_from_a_gateway_is_retried() {
    let stub = StubServer::start(vec![
        Reply::html(502, "<html>Bad Gateway</html>"),
        Reply::json(200, group_body()),
    ])
    .await;
    let group = retrying(&stub, quick_retries(2))
        .profile_groups()
        .get("grp1")
        .send()
        .await
        .unwrap();
    assert_eq!(group.name, "One");
    assert_eq!(stub.count(), 2);
}

#[tokio::test]
async fn stub_post_without_an_idempotency_key_is_never_retried() {
    let stub = StubServer::start(vec![Reply::error(503, "Service unavailable")]).await;
    let c = retrying(&stub, quick_retries(3));
    let e = err(c.profile_groups().create("One").send().await);
    assert_eq!(e.kind(), ErrorKind::Server);
    let e = err(c
        .profile_groups()
        .initialize_connection("grp1", Platform::Tiktok, "https://myapp.com/cb")
        .send()
        .await);
    assert_eq!(e.kind(), ErrorKind::Server);
    assert_eq!(stub.count(), 2, "one attempt each");
}

#[tokio::test]
async fn stub_post_with_an_idempotency_key_is_retried_with_the_same_key() {
    let stub = StubServer::start(vec![
        Reply::error(500, "Internal server error"),
        Reply::error(429, "Rate limit exceeded").header("retry-after", "0"),
        Reply::json(201, group_body()),
    ])
    .await;
    let group = retrying(&stub, quick_retries(3))
        .profile_groups()
        .create("One")
        .idempotency_key("create-one")
        .send()
        .await
        .unwrap();
    assert_eq!(group.id, "grp1");
    let seen = stub.seen();
    assert_eq!(seen.len(), 3);
    assert!(seen.iter().all(|s| s.method == "POST"
        && s.path == "/api/profile_groups"
        && s.idempotency_key.as_deref() == Some("create-one")));
}

#[tokio::test]
async fn stub_delete_is_retried_as_idempotent() {
    let stub = StubServer::start(vec![
        Reply::error(503, "Service unavailable"),
        Reply::json(200, json!({ "success": true })),
    ])
    .await;
    let deleted = retrying(&stub, quick_retries(3))
        .profiles()
        .delete("prof1")
        .send()
        .await
        .unwrap();
    assert!(deleted.success);
    assert_eq!(stub.count(), 2);
}

#[tokio::test]
async fn stub_client_errors_are_not_retried() {
    for status in [400, 401, 403, 404, 409, 422] {
        let stub = StubServer::start(vec![
            Reply::error(status, "no"),
            Reply::json(200, groups_body()),
        ])
        .await;
        let e = err(retrying(&stub, quick_retries(3))
            .profile_groups()
            .list()
            .send()
            .await);
        assert_eq!(e.status().unwrap().as_u16(), status);
        assert_eq!(stub.count(), 1, "{status}");
    }
}

#[tokio::test]
async fn stub_without_a_policy_nothing_is_retried() {
    let stub = StubServer::start(vec![
        Reply::error(503, "Service unavailable"),
        Reply::json(200, groups_body()),
    ])
    .await;
    let e = err(client(&stub).profile_groups().list().send().await);
    assert_eq!(e.kind(), ErrorKind::Server);
    assert_eq!(stub.count(), 1);
}

#[tokio::test]
async fn a_refused_connection_is_retried_until_the_server_is_up() {
    // The port is reserved (bound, not yet listening) so the stub starts on it later.
    let socket = reserved_port();
    let addr = socket.local_addr().unwrap();
    let c = Client::builder("k")
        .base_url(format!("http://{addr}"))
        .retry(RetryPolicy {
            max_attempts: 10,
            initial_backoff: Duration::from_millis(50),
            max_backoff: Duration::from_millis(100),
        })
        .build()
        .unwrap();
    let late = tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(150)).await;
        StubServer::start_on(socket, vec![Reply::json(200, groups_body())])
    });
    let groups = c.profile_groups().list().send().await.unwrap();
    assert_eq!(groups.len(), 1);
    assert_eq!(late.await.unwrap().count(), 1);
}

#[tokio::test]
async fn a_timeout_is_not_retried() {
    let stub = StubServer::start(vec![
        Reply::json(200, groups_body()).after(Duration::from_secs(5))
    ])
    .await;
    let c = builder(&stub)
        .timeout(Duration::from_millis(100))
        .retry(quick_retries(3))
        .build()
        .unwrap();
    let e = err(c.profile_groups().list().send().await);
    assert_eq!(e.kind(), ErrorKind::Timeout, "{e:?}");
    assert_eq!(stub.count(), 1, "its time budget is spent");
}

#[tokio::test]
async fn a_retry_after_equal_to_the_cap_is_waited_out() {
    let stub = StubServer::start(vec![
        Reply::error(429, "Rate limit exceeded").header("retry-after", "0"),
        Reply::json(200, groups_body()),
    ])
    .await;
    let policy = RetryPolicy {
        max_backoff: Duration::ZERO,
        ..quick_retries(3)
    };
    retrying(&stub, policy)
        .profile_groups()
        .list()
        .send()
        .await
        .unwrap();
    assert_eq!(stub.count(), 2);
}

#[tokio::test]
async fn every_operation_of_the_client_goes_through_its_retry_policy() {
    let stub = StubServer::start(vec![Reply::error(503, "Service unavailable")]).await;
    let c = retrying(&stub, quick_retries(2));
    let (p, g) = (c.profiles(), c.profile_groups());
    let mut attempts = Vec::new();
    let mut took = |name: &'static str| {
        let before: usize = attempts.iter().map(|(_, n)| n).sum();
        attempts.push((name, stub.count() - before));
    };
    let _ = p.list().send().await;
    took("list profiles");
    let _ = p.get("prof1").send().await;
    took("get profile");
    let _ = p.placements("prof1").send().await;
    took("placements");
    let _ = p.stats("prof1").send().await;
    took("stats");
    let _ = p.delete("prof1").send().await;
    took("delete profile");
    let _ = g.list().send().await;
    took("list groups");
    let _ = g.get("grp1").send().await;
    took("get group");
    let _ = g.create("One").idempotency_key("k-1").send().await;
    took("create group with a key");
    let _ = g.delete("grp1").send().await;
    took("delete group");
    // POSTs without an idempotency key: sent once.
    let _ = g
        .initialize_connection("grp1", Platform::Linkedin, "https://app.example/cb")
        .send()
        .await;
    took("initialize connection");
    let _ = g
        .connect_bluesky("grp1", "jane.bsky.social", "app-password")
        .send()
        .await;
    took("connect bluesky");
    let once = ["initialize connection", "connect bluesky"];
    let expected: Vec<_> = attempts
        .iter()
        .map(|&(name, _)| (name, if once.contains(&name) { 1 } else { 2 }))
        .collect();
    assert_eq!(attempts, expected);
}

#[tokio::test]
async fn the_generated_client_is_never_retried() {
    let stub = StubServer::start(vec![
        Reply::error(503, "Service unavailable"),
        Reply::json(200, groups_body()),
    ])
    .await;
    let c = retrying(&stub, quick_retries(3));
    assert!(c.generated().list_profile_groups().send().await.is_err());
    assert_eq!(stub.count(), 1);
}

#[test]
fn a_key_that_is_not_a_header_value_is_a_build_error() {
    let e = Client::new("pp_\nkey").unwrap_err();
    assert_eq!(
        e.to_string(),
        "the API key contains characters not allowed in a header"
    );
}

/// A loopback port that is bound but not listening: connecting to it is refused.
fn reserved_port() -> tokio::net::TcpSocket {
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.bind(([127, 0, 0, 1], 0).into()).unwrap();
    socket
}
