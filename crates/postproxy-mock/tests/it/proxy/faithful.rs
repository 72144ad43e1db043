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
