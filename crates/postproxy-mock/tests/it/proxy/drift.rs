//! An upstream that drifts on purpose (`support::drift`): the proxy reports each planted drift
//! once per answer, by operation, status, kind and JSON pointer, and passes the answer on as
//! it came; verify run through the proxy reports the same drifts. A request that breaks the
//! spec is reported and forwarded all the same. No answer is a 502 (504 after the timeout)
//! with the spec's error body naming the upstream.

use std::time::Duration;

use hyper::Method;
use postproxy_mock::proxy::{Kind, LogFormat, Proxy, Side};
use postproxy_mock::verify::{FailureKind, Verify};
use postproxy_mock_server::DEMO_FULL_ACCESS_KEY as KEY;
use serde_json::json;

use super::support::{expect, named, start, Call};
use crate::support::drift::{Drift, DriftStub, Rule};

fn planted() -> Vec<Rule> {
    crate::support::drift::every_drift()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn verify_and_the_proxy_report_every_planted_drift() {
    let stub = DriftStub::start(planted()).await;
    let proxy = start(stub.base_url()).await;
    let report = Verify::new(proxy.base_url(), KEY)
        .run()
        .await
        .expect("a run");

    let response = |op, status, kind, at| (Some(op), Side::Response, Some(status), kind, at);
    let rate_limited = stub.seen("/api/profiles/prof_yt_001");
    assert_eq!(rate_limited, 3, "verify tried three times");
    let mut planted = vec![
        response("get_profile", 200, Kind::Schema, Some("/name")),
        response(
            "get_profile_group",
            200,
            Kind::Schema,
            Some("/profiles_count"),
        ),
        response(
            "list_profile_placements",
            403,
            Kind::UndocumentedStatus,
            None,
        ),
        response("get_profile_group", 404, Kind::NotJson, None),
        (
            Some("list_profile_placements"),
            Side::Upstream,
            None,
            Kind::Dropped,
            None,
        ),
    ];
    for _ in 0..rate_limited {
        planted.push((
            Some("get_profile"),
            Side::Upstream,
            Some(429),
            Kind::RateLimited,
            None,
        ));
    }
    assert_eq!(
        named(&proxy.violations()),
        expect(&planted),
        "{:#?}",
        proxy.violations()
    );
    let dropped = proxy
        .violations()
        .into_iter()
        .find(|v| v.kind == Kind::Dropped)
        .unwrap();
    assert_eq!(dropped.path, "/api/profiles/prof_pi_001/placements");
    assert_eq!(
        stub.seen("/api/profiles/prof_pi_001/placements"),
        1,
        "not retried"
    );

    // Verify sees the upstream's drifts through the proxy, the dropped connection as the
    // proxy's 502.
    let failures: Vec<_> = report
        .failures()
        .map(|(check, f)| {
            (
                check.operation.as_str(),
                check.status,
                f.kind,
                f.pointer.as_deref(),
            )
        })
        .collect();
    for drift in [
        ("get_profile", Some(200), FailureKind::Schema, Some("/name")),
        (
            "get_profile_group",
            Some(200),
            FailureKind::Schema,
            Some("/profiles_count"),
        ),
        (
            "list_profile_placements",
            Some(403),
            FailureKind::UndocumentedStatus,
            None,
        ),
        ("get_profile_group", Some(404), FailureKind::NotJson, None),
        ("get_profile", Some(429), FailureKind::RateLimited, None),
        (
            "list_profile_placements",
            Some(502),
            FailureKind::UndocumentedStatus,
            None,
        ),
    ] {
        assert!(failures.contains(&drift), "{drift:?} in {report}");
    }
    assert_eq!(failures.len(), 6, "{report}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn answers_are_passed_on_as_they_came() {
    let stub = DriftStub::start(planted()).await;
    let proxy = start(stub.base_url()).await;
    let http = reqwest::Client::new();
    for path in [
        "/api/profiles/prof_li_001",
        "/api/profile_groups/grp123abc",
        "/api/profiles/prof_tg_001/placements",
        "/api/profile_groups/grp_postproxy_mock_verify_missing",
        "/api/profiles/prof_yt_001",
    ] {
        let call = Call::get(path, KEY);
        let direct = call.send(&http, stub.base_url()).await;
        assert_eq!(call.send(&http, proxy.base_url()).await, direct, "{path}");
    }
    let limited = Call::get("/api/profiles/prof_yt_001", KEY)
        .send(&http, proxy.base_url())
        .await;
    assert_eq!(limited.header("retry-after"), Some("0"));
    let violations = proxy.violations();
    let html = violations.iter().find(|v| v.kind == Kind::NotJson).unwrap();
    assert!(html.message.contains("an HTML page"), "{}", html.message);
    let limit = violations
        .iter()
        .find(|v| v.kind == Kind::RateLimited)
        .unwrap();
    assert!(
        limit.message.contains("Retry-After: 0"),
        "{}",
        limit.message
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dropped_connection_is_a_502_naming_the_upstream() {
    let stub = DriftStub::start(vec![Rule::get("/api/profile_groups", Drift::Drop)]).await;
    let proxy = start(stub.base_url()).await;
    let answer = Call::get("/api/profile_groups", KEY)
        .send(&reqwest::Client::new(), proxy.base_url())
        .await;
    assert_eq!(answer.status, 502);
    assert_eq!(answer.header("content-type"), Some("application/json"));
    let error = answer.json()["error"].as_str().unwrap().to_string();
    let named = format!("the upstream {} dropped the connection", stub.base_url());
    assert!(error.contains(&named), "{error}");
    let found = proxy.violations();
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(
        (found[0].side, found[0].kind),
        (Side::Upstream, Kind::Dropped)
    );
    assert_eq!(found[0].operation.as_deref(), Some("list_profile_groups"));
    assert_eq!(stub.seen("/api/profile_groups"), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_upstream_is_a_502_naming_it() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let upstream = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let proxy = start(&upstream).await;
    let answer = Call::get("/api/profiles", KEY)
        .send(&reqwest::Client::new(), proxy.base_url())
        .await;
    assert_eq!(answer.status, 502);
    let error = answer.json()["error"].as_str().unwrap().to_string();
    assert!(
        error.starts_with(&format!(
            "postproxy-mock proxy: cannot reach the upstream {upstream}: "
        )),
        "{error}"
    );
    let found = proxy.violations();
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0].kind, Kind::Unreachable);
    assert_eq!(found[0].status, None);
    let summary = proxy.shutdown().await.unwrap();
    assert_eq!((summary.requests, summary.answered), (1, 0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_upstream_is_a_504_after_the_timeout() {
    let slow = Drift::Slow(Duration::from_secs(3));
    let stub = DriftStub::start(vec![Rule::get("/api/profiles", slow)]).await;
    let proxy = Proxy::new(stub.base_url())
        .log(LogFormat::Off)
        .timeout(Duration::from_millis(300))
        .start()
        .await
        .unwrap();
    let answer = Call::get("/api/profiles", KEY)
        .send(&reqwest::Client::new(), proxy.base_url())
        .await;
    assert_eq!(answer.status, 504);
    assert!(
        answer.text().contains("did not answer"),
        "{}",
        answer.text()
    );
    assert_eq!(proxy.violations()[0].kind, Kind::Timeout);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_that_break_the_spec_are_reported_and_forwarded() {
    let stub = DriftStub::start(Vec::new()).await;
    let proxy = start(stub.base_url()).await;
    let http = reqwest::Client::new();
    let wrong_type = Call::json(
        Method::POST,
        "/api/profile_groups",
        KEY,
        json!({"profile_group": {"name": 42}}),
    );
    let answer = wrong_type.send(&http, proxy.base_url()).await;
    assert_eq!(
        answer.status,
        400,
        "the upstream's own answer: {}",
        answer.text()
    );
    let mut undocumented = Call::get("/api/profiles/prof_li_001", KEY);
    undocumented.method = Method::PUT;
    let calls = [
        undocumented,
        Call::get("/api/posts", KEY),
        Call::get(
            "/api/profiles/prof_li_001/stats?placement_id=108520199&from=yesterday",
            KEY,
        ),
        Call::get("/api/profiles", KEY).header("idempotency-key", &"k".repeat(300)),
    ];
    for call in &calls {
        call.send(&http, proxy.base_url()).await;
    }
    let request = |op, kind, at| (op, Side::Request, None, kind, at);
    assert_eq!(
        named(&proxy.violations()),
        expect(&[
            request(
                Some("create_profile_group"),
                Kind::Schema,
                Some("/profile_group/name")
            ),
            request(None, Kind::UndocumentedMethod, None),
            request(None, Kind::UnknownPath, None),
            request(Some("get_profile_stats"), Kind::Parameter, None),
        ]),
        "{:#?}",
        proxy.violations()
    );
    // Every one reached the upstream.
    assert_eq!(stub.seen_in_all(), 5);
    let method = proxy
        .violations()
        .into_iter()
        .find(|v| v.kind == Kind::UndocumentedMethod);
    let method = method.unwrap();
    assert_eq!(
        method.message,
        "the spec documents only DELETE, GET for /api/profiles/{id}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_over_the_cap_is_forwarded_unchecked() {
    let stub = DriftStub::start(Vec::new()).await;
    let proxy = start(stub.base_url()).await;
    let name = "n".repeat(postproxy_mock::proxy::MAX_REQUEST_BODY);
    let big = Call::json(
        Method::POST,
        "/api/profile_groups",
        KEY,
        json!({"profile_group": {"name": name}}),
    );
    let answer = big.send(&reqwest::Client::new(), proxy.base_url()).await;
    assert_eq!(answer.status, 413, "{}", answer.text());
    assert_eq!(stub.seen("/api/profile_groups"), 1);
    assert!(proxy.violations().is_empty(), "{:#?}", proxy.violations());
    let summary = proxy.shutdown().await.unwrap();
    assert_eq!(summary.unchecked, 1);
}
