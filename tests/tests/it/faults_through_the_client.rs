//! The client's error kinds and retries against the real mock, with the mock's fault injection
//! producing what its rules never do (403, 409, 429, 5xx, slow answers, dropped connections),
//! and its journal showing exactly what the client sent — every attempt.
//! (`client_faults.rs` keeps a scripted stub for what no mock answer can be: HTML from a
//! gateway, bodies that do not decode, `Retry-After` as a date.)

use std::time::Duration;

use postproxy_client::{Client, ClientBuilder, ErrorKind, RetryPolicy};
use postproxy_mock_server::control::{FaultSpec, Method};
use postproxy_mock_server::control::{JournalEntry, JournalFilter};
use postproxy_mock_server::MockServer;

fn builder(mock: &MockServer) -> ClientBuilder {
    Client::builder(mock.full_access_key()).base_url(mock.base_url())
}

fn quick_retries(max_attempts: u32) -> RetryPolicy {
    RetryPolicy {
        max_attempts,
        initial_backoff: Duration::from_millis(5),
        max_backoff: Duration::from_secs(2),
    }
}

/// Arms a fault on the demo account.
async fn fault(mock: &MockServer, spec: FaultSpec) {
    mock.control()
        .add_fault(mock.demo_account_id(), &spec)
        .await
        .unwrap();
}

fn status(code: u16) -> FaultSpec {
    FaultSpec::status(code)
}

/// Every request the demo account made, oldest first.
async fn journal(mock: &MockServer) -> Vec<JournalEntry> {
    mock.control()
        .journal(mock.demo_account_id(), &JournalFilter::default())
        .await
        .unwrap()
        .entries
}

/// The requests the demo account made, as `METHOD path status`.
async fn sent(mock: &MockServer) -> Vec<String> {
    journal(mock)
        .await
        .into_iter()
        .map(|e| format!("{} {} {}", e.method, e.path, e.status))
        .collect()
}

#[tokio::test]
async fn every_status_fault_is_its_error_kind() {
    let mock = MockServer::start().await;
    let client = builder(&mock).build().unwrap();
    let cases = [
        (403, ErrorKind::Forbidden),
        (409, ErrorKind::Conflict),
        (500, ErrorKind::Server),
        (502, ErrorKind::Server),
        (503, ErrorKind::Server),
    ];
    for (code, kind) in cases {
        fault(&mock, status(code)).await;
        let e = client.profile_groups().list().send().await.unwrap_err();
        assert_eq!(e.kind(), kind, "{code}");
        assert_eq!(e.status().map(|s| s.as_u16()), Some(code));
        assert_eq!(e.retry_after(), None, "{code}: no Retry-After was sent");
        // The message is read from the body even for statuses the spec does not document
        // for this operation (403, 409, 502).
        let message = postproxy_mock_server::control::default_message(code);
        assert_eq!(e.to_string(), message, "{code}");
        assert_eq!(
            e.body(),
            Some(serde_json::json!({ "error": message }).to_string().as_str())
        );
    }
    fault(&mock, status(429).retry_after(30).error("Slow down")).await;
    let e = client
        .profiles()
        .get("prof_li_001")
        .send()
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::RateLimited);
    assert_eq!(e.retry_after(), Some(Duration::from_secs(30)));
    assert_eq!(e.to_string(), "Slow down");
    assert_eq!(e.body(), Some(r#"{"error":"Slow down"}"#));

    // The generated client underneath sees the documented 429 response itself.
    fault(&mock, status(429)).await;
    match client.generated().list_profile_groups().send().await {
        Err(postproxy_client::GeneratedError::ErrorResponse(response)) => {
            assert_eq!(response.status().as_u16(), 429);
            assert_eq!(response.headers()["retry-after"], "1");
            assert_eq!(response.error, "Rate limit exceeded");
        }
        other => panic!("expected the documented 429, got {other:?}"),
    }
}

#[tokio::test]
async fn slow_answers_time_out_and_dropped_connections_are_transport_errors() {
    let mock = MockServer::start().await;
    let client = builder(&mock)
        .timeout(Duration::from_millis(200))
        .build()
        .unwrap();
    fault(&mock, FaultSpec::latency(Duration::from_secs(2))).await;
    let started = std::time::Instant::now();
    let e = client.profile_groups().list().send().await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Timeout, "{e}");
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "gave up at the timeout"
    );

    fault(&mock, FaultSpec::drop_connection()).await;
    let e = client.profile_groups().list().send().await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Transport, "{e}");
}

#[tokio::test]
async fn a_429_is_retried_after_retry_after_and_then_succeeds() {
    let mock = MockServer::start().await;
    let client = builder(&mock).retry(quick_retries(3)).build().unwrap();
    fault(
        &mock,
        status(429)
            .retry_after(1)
            .on(Method::GET, "/api/profiles/*"),
    )
    .await;
    let started = std::time::Instant::now();
    let profile = client.profiles().get("prof_li_001").send().await.unwrap();
    assert_eq!(profile.id, "prof_li_001");
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "waited out Retry-After"
    );
    assert_eq!(
        sent(&mock).await,
        [
            "GET /api/profiles/prof_li_001 429",
            "GET /api/profiles/prof_li_001 200"
        ]
    );
}

#[tokio::test]
async fn a_server_error_is_retried_up_to_max_attempts() {
    let mock = MockServer::start().await;
    let client = builder(&mock).retry(quick_retries(3)).build().unwrap();
    fault(&mock, status(503).times(10)).await;
    let e = client.profile_groups().list().send().await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Server);
    assert_eq!(sent(&mock).await.len(), 3);
}

#[tokio::test]
async fn a_503_asking_to_wait_beyond_the_cap_is_returned_at_once_with_its_wait() {
    let mock = MockServer::start().await;
    let client = builder(&mock).retry(quick_retries(3)).build().unwrap();
    fault(&mock, status(503).retry_after(30).times(10)).await;
    let e = client.profile_groups().list().send().await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Server);
    // Not part of a 5xx's kind, but kept so that the caller can decide.
    assert_eq!(e.retry_after(), Some(Duration::from_secs(30)));
    assert_eq!(sent(&mock).await, ["GET /api/profile_groups 503"]);
}

#[tokio::test]
async fn a_create_is_retried_only_with_an_idempotency_key() {
    let mock = MockServer::start().await;
    let client = builder(&mock).retry(quick_retries(3)).build().unwrap();
    let post_fault = status(500).on(Method::POST, "/api/profile_groups");

    fault(&mock, post_fault.clone()).await;
    let e = client
        .profile_groups()
        .create("No key")
        .send()
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Server);
    assert_eq!(
        sent(&mock).await,
        ["POST /api/profile_groups 500"],
        "sent once: a retry could create it twice"
    );

    mock.control()
        .clear_journal(mock.demo_account_id())
        .await
        .unwrap();
    fault(&mock, post_fault).await;
    let group = client
        .profile_groups()
        .create("With key")
        .idempotency_key("create-with-key")
        .send()
        .await
        .unwrap();
    assert_eq!(group.name, "With key");
    assert_eq!(
        sent(&mock).await,
        [
            "POST /api/profile_groups 500",
            "POST /api/profile_groups 201"
        ]
    );
    let groups = client.profile_groups().list().send().await.unwrap();
    assert_eq!(groups.iter().filter(|g| g.name == "With key").count(), 1);
}

#[tokio::test]
async fn the_journal_shows_what_the_client_sent() {
    let mock = MockServer::start().await;
    let client = builder(&mock)
        .profile_group_id("grp456xyz")
        .build()
        .unwrap();
    client.profiles().delete("prof123abc").send().await.unwrap();
    client.profile_groups().list().send().await.unwrap();
    let journal = journal(&mock).await;
    let seen: Vec<_> = journal
        .iter()
        .map(|e| {
            (
                e.method.as_str(),
                e.path.as_str(),
                e.query.as_deref(),
                e.status,
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            (
                "DELETE",
                "/api/profiles/prof123abc",
                Some("profile_group_id=grp456xyz"),
                200
            ),
            // The default group applies to the profile operations only.
            ("GET", "/api/profile_groups", None, 200),
        ]
    );
}
