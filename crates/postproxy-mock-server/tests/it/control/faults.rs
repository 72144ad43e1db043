//! Faults: an answer, a delay or a dropped connection, used up or disarmed; how they compose,
//! and the in-flight Idempotency-Key a delayed request holds.

use std::time::{Duration as StdDuration, Instant};

use postproxy_mock_server::control::JournalFilter;
use postproxy_mock_server::control::{FaultSpec, Method};
use postproxy_mock_server::MockServer;
use serde_json::{json, Value};

use crate::common;
use common::{call, control_http, fresh_demo, refused, DEMO, FULL_KEY as FULL};

/// A fault answering with `status`.
fn answer(status: u16) -> FaultSpec {
    FaultSpec::status(status)
}

#[tokio::test]
async fn a_status_fault_answers_its_path_with_retry_after_until_used_up() {
    let mock = MockServer::start().await;
    let control = mock.control();
    let fault = control
        .add_fault(
            DEMO,
            &FaultSpec::status(429)
                .retry_after(7)
                .times(2)
                .on(Method::GET, "/api/profiles/*"),
        )
        .await
        .unwrap();
    assert_eq!(fault.remaining, 2);
    let response = reqwest::Client::new()
        .get(format!("{}/api/profiles/prof_li_001", mock.base_url()))
        .bearer_auth(FULL)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 429);
    assert_eq!(response.headers()["retry-after"], "7");
    assert_eq!(
        response.json::<Value>().await.unwrap(),
        json!({"error": "Rate limit exceeded"})
    );
    assert_eq!(
        call(&mock, "GET", "/api/profiles", FULL, None).await.0,
        200,
        "other paths untouched"
    );
    assert_eq!(
        call(&mock, "GET", "/api/profiles/prof_li_001", FULL, None)
            .await
            .0,
        429
    );
    assert_eq!(
        call(&mock, "GET", "/api/profiles/prof_li_001", FULL, None)
            .await
            .0,
        200,
        "used up"
    );
    assert!(control.faults(DEMO).await.unwrap().is_empty());
}

#[tokio::test]
async fn a_faulted_delete_answers_the_fault_s_error_and_deletes_nothing() {
    let mock = MockServer::start().await;
    let control = mock.control();
    control
        .add_fault(DEMO, &FaultSpec::status(500).error("Boom"))
        .await
        .unwrap();
    assert_eq!(
        call(&mock, "DELETE", "/api/profiles/prof_li_001", FULL, None).await,
        (500, json!({"error": "Boom"}))
    );
    assert_eq!(
        call(&mock, "GET", "/api/profiles/prof_li_001", FULL, None)
            .await
            .0,
        200,
        "a faulted delete deleted nothing"
    );
    assert!(control.faults(DEMO).await.unwrap().is_empty(), "used up");
}

#[tokio::test]
async fn a_latency_fault_delays_the_answer() {
    let mock = MockServer::start().await;
    let control = mock.control();
    control
        .add_fault(DEMO, &FaultSpec::latency(StdDuration::from_millis(300)))
        .await
        .unwrap();
    let started = Instant::now();
    assert_eq!(
        call(&mock, "GET", "/api/profile_groups", FULL, None)
            .await
            .0,
        200
    );
    assert!(started.elapsed() >= StdDuration::from_millis(300));
    assert!(control.faults(DEMO).await.unwrap().is_empty(), "used up");
}

#[tokio::test]
async fn a_drop_connection_fault_drops_one_request_and_the_server_stays_up() {
    let mock = MockServer::start().await;
    let control = mock.control();
    control
        .add_fault(DEMO, &FaultSpec::drop_connection())
        .await
        .unwrap();
    let dropped = async {
        reqwest::Client::new()
            .get(format!("{}/api/profile_groups", mock.base_url()))
            .bearer_auth(FULL)
            .send()
            .await?
            .bytes()
            .await
    }
    .await;
    assert!(dropped.is_err(), "{dropped:?}");
    assert_eq!(
        call(&mock, "GET", "/api/profile_groups", FULL, None)
            .await
            .0,
        200,
        "the server is still up"
    );
    assert!(control.faults(DEMO).await.unwrap().is_empty(), "used up");
}

#[tokio::test]
async fn faults_are_disarmed_one_by_one_or_all_at_once() {
    let mock = MockServer::start().await;
    let control = mock.control();
    let armed = control
        .add_fault(DEMO, &FaultSpec::status(503).times(100))
        .await
        .unwrap();
    assert_eq!(control.faults(DEMO).await.unwrap().len(), 1);
    control.remove_fault(DEMO, &armed.id).await.unwrap();
    assert_eq!(refused(control.remove_fault(DEMO, &armed.id).await).0, 404);
    control.add_fault(DEMO, &answer(503)).await.unwrap();
    control.clear_faults(DEMO).await.unwrap();
    assert_eq!(
        call(&mock, "GET", "/api/profile_groups", FULL, None)
            .await
            .0,
        200
    );
}

#[tokio::test]
async fn unauthenticated_requests_belong_to_no_account_and_are_never_faulted() {
    let mock = MockServer::start().await;
    let control = mock.control();
    control.add_fault(DEMO, &answer(503)).await.unwrap();
    assert_eq!(
        call(&mock, "GET", "/api/profile_groups", "nope", None)
            .await
            .0,
        401
    );
    assert_eq!(
        call(&mock, "GET", "/api/profile_groups", FULL, None)
            .await
            .0,
        503
    );
}

#[tokio::test]
async fn a_fault_that_cannot_be_is_refused_and_not_armed() {
    let mock = MockServer::start().await;
    let control = mock.control();
    for bad in [
        r#"{}"#,
        r#"{"status": 200}"#,
        r#"{"status": 500, "drop_connection": true}"#,
        r#"{"latency_ms": 600000}"#,
        r#"{"status": 500, "times": 0}"#,
        // Not a status or a method at all: the same rule, the same 422 (the types are typed
        // in Rust, the wire stays as it was).
        r#"{"status": 42}"#,
        r#"{"status": 1000}"#,
        r#"{"status": 500, "method": ""}"#,
        r#"{"status": 500, "method": "G3T"}"#,
    ] {
        let (status, body) = control_http(
            &mock,
            "POST",
            "/__mock/accounts/acct_demo/faults",
            Some(bad),
        )
        .await;
        assert_eq!(status, 422, "{bad}: {body}");
        assert!(body["error"].is_string());
    }
    assert!(control.faults(DEMO).await.unwrap().is_empty());
}

#[tokio::test]
async fn a_status_fault_and_a_catch_all_latency_compose_on_one_request() {
    let mock = MockServer::start().await;
    let control = mock.control();
    control
        .add_fault(
            DEMO,
            &FaultSpec::status(429).on(Method::GET, "/api/profiles/*"),
        )
        .await
        .unwrap();
    control
        .add_fault(DEMO, &FaultSpec::latency(StdDuration::from_millis(400)))
        .await
        .unwrap();

    // The first request matches both: it waits, then gets the 429.
    let started = Instant::now();
    let (status, body) = call(&mock, "GET", "/api/profiles/prof_li_001", FULL, None).await;
    assert_eq!(
        (status, body),
        (429, json!({"error": "Rate limit exceeded"}))
    );
    assert!(started.elapsed() >= StdDuration::from_millis(400));
    assert!(
        control.faults(DEMO).await.unwrap().is_empty(),
        "both used up"
    );

    // So the latency does not wait for the next request.
    let started = Instant::now();
    assert_eq!(
        call(&mock, "GET", "/api/profiles/prof_li_001", FULL, None)
            .await
            .0,
        200
    );
    assert!(started.elapsed() < StdDuration::from_millis(400));
}

/// The 409 the spec documents: a request held by a latency fault has recorded its
/// Idempotency-Key as in flight before waiting, so a duplicate meanwhile is refused instead of
/// running first.
#[tokio::test]
async fn an_idempotency_key_in_flight_is_409() {
    let mock = MockServer::start().await;
    let control = mock.control();
    let account = control.create_account(&fresh_demo()).await.unwrap();
    let key = account.api_keys[0].key.clone();
    control
        .add_fault(
            &account.id,
            &FaultSpec::latency(StdDuration::from_millis(1500))
                .on(Method::POST, "/api/profile_groups"),
        )
        .await
        .unwrap();
    let post = |idempotency_key: &'static str, name: &'static str| {
        let request = reqwest::Client::new()
            .post(format!("{}/api/profile_groups", mock.base_url()))
            .bearer_auth(&key)
            .header("idempotency-key", idempotency_key)
            .json(&json!({"profile_group": {"name": name}}));
        async move {
            let response = request.send().await.unwrap();
            let status = response.status().as_u16();
            (status, response.json::<Value>().await.unwrap())
        }
    };
    let slow = tokio::spawn(post("k-slow", "Slow"));
    // Let the first request reach its fault's wait.
    tokio::time::sleep(StdDuration::from_millis(300)).await;
    let in_progress =
        json!({"error": "A request with this Idempotency-Key is already in progress"});
    assert_eq!(post("k-slow", "Slow").await, (409, in_progress.clone()));
    assert_eq!(
        post("k-slow", "Other").await,
        (409, in_progress),
        "whatever the body"
    );
    let (status, _) = post("k-other", "Fast").await;
    assert_eq!(status, 201, "other keys are not held up");
    let (status, first) = slow.await.unwrap();
    assert_eq!(status, 201);
    // Once it has finished, the same key replays it.
    assert_eq!(post("k-slow", "Slow").await, (201, first));
    let (_, groups) = call(&mock, "GET", "/api/profile_groups", &key, None).await;
    assert_eq!(
        groups["data"].as_array().unwrap().len(),
        6,
        "4 + Slow + Fast"
    );
    let journal = control
        .journal(&account.id, &JournalFilter::default())
        .await
        .unwrap();
    let statuses: Vec<u16> = journal.entries.iter().map(|e| e.status).collect();
    assert_eq!(
        statuses.iter().filter(|&&s| s == 409).count(),
        2,
        "{statuses:?}"
    );
}

/// A client that gives up while its request waits out a fault releases its Idempotency-Key
/// (the request is dropped with its connection): the same request right after runs, instead of
/// a 409 for a key in flight until the abandoned one would have finished.
#[tokio::test]
async fn an_abandoned_request_releases_its_idempotency_key() {
    let mock = MockServer::start().await;
    let control = mock.control();
    let account = control.create_account(&fresh_demo()).await.unwrap();
    let key = account.api_keys[0].key.clone();
    control
        .add_fault(
            &account.id,
            &FaultSpec::latency(StdDuration::from_secs(30)).on(Method::POST, "/api/profile_groups"),
        )
        .await
        .unwrap();
    let post = |timeout: StdDuration| {
        reqwest::Client::new()
            .post(format!("{}/api/profile_groups", mock.base_url()))
            .bearer_auth(&key)
            .header("idempotency-key", "k-abandoned")
            .timeout(timeout)
            .json(&json!({"profile_group": {"name": "Abandoned"}}))
            .send()
    };
    let abandoned = post(StdDuration::from_millis(300)).await;
    assert!(abandoned.is_err_and(|e| e.is_timeout()));
    // The abandoned request goes when the server notices its connection closed.
    let started = std::time::Instant::now();
    let status = loop {
        let status = post(StdDuration::from_secs(10))
            .await
            .unwrap()
            .status()
            .as_u16();
        if status != 409 || started.elapsed() > StdDuration::from_secs(5) {
            break status;
        }
        tokio::time::sleep(StdDuration::from_millis(50)).await;
    };
    assert_eq!(status, 201, "the key was still held");
    let (_, groups) = call(&mock, "GET", "/api/profile_groups", &key, None).await;
    assert_eq!(
        groups["data"].as_array().unwrap().len(),
        5,
        "the abandoned one made none"
    );
}
