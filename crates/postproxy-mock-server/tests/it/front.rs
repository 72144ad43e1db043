//! The service in front of the router (`app/front.rs`) takes the first look at a product
//! request before routing. These tests pin what that must not change: a request without a key
//! is still routed (an unknown path stays 404, a malformed query stays 400), a cached answer
//! is journaled and yields to an armed fault, and requests the product API does not own (the
//! control plane's) are neither journaled nor faulted.

use postproxy_mock_server::control::{ClockUpdate, FaultSpec, JournalFilter};
use postproxy_mock_server::MockServer;
use reqwest::Method;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::common::{hours, DEMO, FULL_KEY};

/// Status and body of a GET of `path` with `key` (or none).
async fn get(mock: &MockServer, path: &str, key: Option<&str>) -> (u16, String) {
    let mut request = reqwest::Client::new().get(format!("{}{path}", mock.base_url()));
    if let Some(key) = key {
        request = request.bearer_auth(key);
    }
    let response = request.send().await.unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

#[tokio::test]
async fn a_request_without_a_key_is_routed_before_it_is_refused() {
    let mock = MockServer::start().await;
    for key in [None, Some("pp_not_a_key")] {
        assert_eq!(
            get(&mock, "/api/profiles", key).await,
            (401, r#"{"error":"Invalid API key"}"#.into())
        );
        assert_eq!(get(&mock, "/api/posts", key).await.0, 404, "unknown path");
        let (status, body) = get(
            &mock,
            "/api/profiles?profile_group_id=a&profile_group_id=b",
            key,
        )
        .await;
        assert_eq!(status, 400, "a documented parameter twice: {body}");
        assert!(body.contains("profile_group_id"), "{body}");
    }
    // The first 401 of the target was kept; the later ones came from the cache.
    assert!(mock.cache_hits() >= 1, "{} hits", mock.cache_hits());
}

#[tokio::test]
async fn a_cached_answer_is_journaled_and_yields_to_a_fault() {
    let mock = MockServer::start().await;
    let control = mock.control();
    let first = get(&mock, "/api/profiles", Some(FULL_KEY)).await;
    assert_eq!(first.0, 200);
    assert_eq!(get(&mock, "/api/profiles", Some(FULL_KEY)).await, first);
    assert!(
        mock.cache_hits() >= 1,
        "the second answer came from the cache"
    );

    control
        .add_fault(
            DEMO,
            &FaultSpec::status(503)
                .times(1)
                .on(Method::GET, "/api/profiles"),
        )
        .await
        .unwrap();
    assert_eq!(get(&mock, "/api/profiles", Some(FULL_KEY)).await.0, 503);
    assert_eq!(get(&mock, "/api/profiles", Some(FULL_KEY)).await, first);

    let journal = control
        .journal(DEMO, &JournalFilter::default())
        .await
        .unwrap();
    let seen: Vec<(&str, &str, u16)> = journal
        .entries
        .iter()
        .map(|e| (e.method.as_str(), e.path.as_str(), e.status))
        .collect();
    assert_eq!(
        seen,
        [
            ("GET", "/api/profiles", 200),
            ("GET", "/api/profiles", 200),
            ("GET", "/api/profiles", 503),
            ("GET", "/api/profiles", 200),
        ]
    );
}

#[tokio::test]
async fn only_product_requests_are_journaled_or_faulted() {
    let mock = MockServer::start().await;
    let control = mock.control();
    control
        .add_fault(
            DEMO,
            &FaultSpec::status(500).times(2).on(Method::GET, "/**"),
        )
        .await
        .unwrap();
    // The control plane, the spec and an unknown control path, with the account's key.
    assert_eq!(get(&mock, "/openapi.json", Some(FULL_KEY)).await.0, 200);
    assert_eq!(get(&mock, "/__mock/nothing", Some(FULL_KEY)).await.0, 404);
    // A product path, known or not, is the account's.
    assert_eq!(get(&mock, "/api/profiles", Some(FULL_KEY)).await.0, 500);
    assert_eq!(get(&mock, "/api/posts", Some(FULL_KEY)).await.0, 500);
    control.clear_faults(DEMO).await.unwrap();
    assert_eq!(get(&mock, "/api/posts", Some(FULL_KEY)).await.0, 404);

    let journal = control
        .journal(DEMO, &JournalFilter::default())
        .await
        .unwrap();
    let seen: Vec<(&str, u16)> = journal
        .entries
        .iter()
        .map(|e| (e.path.as_str(), e.status))
        .collect();
    assert_eq!(
        seen,
        [
            ("/api/profiles", 500),
            ("/api/posts", 500),
            ("/api/posts", 404)
        ]
    );
}

/// A `POST /api/profile_groups` of `name` with the full key on a raw connection: the head
/// and the body in one write, or the body `withheld` until the caller sends it.
async fn create_raw(mock: &MockServer, name: &str, withheld: bool) -> (TcpStream, Vec<u8>) {
    let body = format!(r#"{{"name":"{name}"}}"#).into_bytes();
    let head = format!(
        "POST /api/profile_groups HTTP/1.1\r\nHost: mock\r\nAuthorization: Bearer {FULL_KEY}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let mut stream = TcpStream::connect(mock.addr()).await.unwrap();
    let mut sent = head.into_bytes();
    if withheld {
        stream.write_all(&sent).await.unwrap();
        return (stream, body);
    }
    sent.extend_from_slice(&body);
    stream.write_all(&sent).await.unwrap();
    (stream, Vec::new())
}

/// The status line of the answer on `stream`, read until the server closes it.
async fn status_line(mut stream: TcpStream) -> String {
    let mut answer = String::new();
    stream.read_to_string(&mut answer).await.unwrap();
    answer.lines().next().unwrap_or_default().to_string()
}

#[tokio::test]
async fn an_answered_request_is_recorded_before_its_answer_arrives() {
    let mock = MockServer::start().await;
    let http = reqwest::Client::new();
    let url = |path: &str| format!("{}{path}", mock.base_url());
    // A miss, then the same GET answered from the cache.
    for _ in 0..2 {
        let got = http.get(url("/api/profiles")).bearer_auth(FULL_KEY);
        assert_eq!(got.send().await.unwrap().status().as_u16(), 200);
    }
    // A write whose body came with its head, and one holding an Idempotency-Key.
    let (stream, _) = create_raw(&mock, "Recorded", false).await;
    assert_eq!(status_line(stream).await, "HTTP/1.1 201 Created");
    let create = http
        .post(url("/api/profile_groups"))
        .bearer_auth(FULL_KEY)
        .header("Idempotency-Key", "recorded-1")
        .json(&serde_json::json!({"profile_group": {"name": "Recorded again"}}));
    assert_eq!(create.send().await.unwrap().status().as_u16(), 201);

    // Every answer was recorded when it arrived: both GETs and both creates are journaled,
    // and the key was released (the same request again is a replay, not a 409 for a key in
    // flight).
    let replay = http
        .post(url("/api/profile_groups"))
        .bearer_auth(FULL_KEY)
        .header("Idempotency-Key", "recorded-1")
        .json(&serde_json::json!({"profile_group": {"name": "Recorded again"}}));
    assert_eq!(replay.send().await.unwrap().status().as_u16(), 201);
    let journal = mock
        .control()
        .journal(DEMO, &JournalFilter::default())
        .await
        .unwrap();
    let statuses: Vec<u16> = journal.entries.iter().map(|e| e.status).collect();
    assert_eq!(statuses, [200, 200, 201, 201, 201]);
}

#[tokio::test]
async fn a_write_waits_for_its_body_without_the_lock() {
    let mock = MockServer::start().await;
    let (mut stream, body) = create_raw(&mock, "Slow", true).await;
    // While the body is withheld, the server answers others, product and control alike (a
    // lock held over the wait would hang them: the timeout fails the test instead).
    let others = async {
        let (status, _) = get(&mock, "/api/profile_groups", Some(FULL_KEY)).await;
        let (control, filter) = (mock.control(), JournalFilter::default());
        (status, control.journal(DEMO, &filter).await.is_ok())
    };
    let waited = tokio::time::timeout(std::time::Duration::from_secs(10), others).await;
    assert_eq!(waited.ok(), Some((200, true)));
    stream.write_all(&body).await.unwrap();
    assert_eq!(status_line(stream).await, "HTTP/1.1 201 Created");
    let (_, groups) = get(&mock, "/api/profile_groups", Some(FULL_KEY)).await;
    assert!(groups.contains(r#""name":"Slow""#), "{groups}");
}

/// The account's clock is frozen, and moved on by an hour while a request waits out a fault's
/// delay: its journal entry keeps the time it arrived at, not the time it was answered.
#[tokio::test]
async fn the_journal_keeps_when_a_request_arrived() {
    let mock = MockServer::start().await;
    let control = mock.control();
    let frozen = ClockUpdate {
        now: Some("2026-06-01T00:00:00Z".into()),
        frozen: Some(true),
    };
    control.set_clock(DEMO, &frozen).await.unwrap();
    control
        .add_fault(
            DEMO,
            &FaultSpec::latency(std::time::Duration::from_millis(500))
                .on(Method::GET, "/api/profiles"),
        )
        .await
        .unwrap();
    let url = format!("{}/api/profiles", mock.base_url());
    let delayed = tokio::spawn(async move {
        let response = reqwest::Client::new()
            .get(url)
            .bearer_auth(FULL_KEY)
            .send()
            .await
            .unwrap();
        response.status().as_u16()
    });
    // Well inside the delay (the request is looked at as soon as it arrives).
    tokio::time::sleep(std::time::Duration::from_millis(150)).await;
    control.advance_clock(DEMO, &hours(1)).await.unwrap();
    assert_eq!(delayed.await.unwrap(), 200);

    let journal = control
        .journal(DEMO, &JournalFilter::default())
        .await
        .unwrap();
    assert_eq!(journal.entries.len(), 1);
    assert_eq!(journal.entries[0].at, "2026-06-01T00:00:00Z");
    assert_eq!(
        control.clock(DEMO).await.unwrap().now,
        "2026-06-01T01:00:00Z"
    );
}

/// The bookkeeping a request leaves is applied after it is answered; if its account was
/// deleted meanwhile (here during a fault's delay), there is nothing to journal into or to
/// release, and the server goes on serving everyone else.
#[tokio::test]
async fn a_request_whose_account_goes_while_it_waits_settles_without_harm() {
    let mock = MockServer::start().await;
    let control = mock.control();
    let account = control
        .create_account(&crate::common::fresh_demo())
        .await
        .unwrap();
    let key = account.api_keys[0].key.clone();
    control
        .add_fault(
            &account.id,
            &FaultSpec::latency(std::time::Duration::from_millis(400))
                .on(Method::DELETE, "/api/profile_groups/*"),
        )
        .await
        .unwrap();
    let url = format!("{}/api/profile_groups/grp123abc", mock.base_url());
    let doomed = tokio::spawn(async move {
        reqwest::Client::new()
            .delete(url)
            .bearer_auth(key)
            .header("Idempotency-Key", "gone-1")
            .send()
            .await
            .unwrap()
            .status()
            .as_u16()
    });
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    control.delete_account(&account.id).await.unwrap();
    // Its account is gone by the time the operation runs: not found.
    assert_eq!(doomed.await.unwrap(), 404);

    assert_eq!(get(&mock, "/api/profiles", Some(FULL_KEY)).await.0, 200);
    let journal = control
        .journal(DEMO, &JournalFilter::default())
        .await
        .unwrap();
    assert_eq!(
        journal.entries.len(),
        1,
        "only the demo account's own request"
    );
    assert!(control
        .journal(&account.id, &JournalFilter::default())
        .await
        .is_err());
}
