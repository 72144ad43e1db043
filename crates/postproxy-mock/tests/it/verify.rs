//! `postproxy_mock::verify` through its Rust API: nothing to report on the mock itself (a
//! second instance on loopback) or on a faithful stub; exactly the planted drifts (operation,
//! status, kind, JSON pointer) on stubs that drift on purpose; and a clear error, nothing
//! written, for an unreachable upstream, a wrong key and an upstream that is not this API.

use std::time::Instant;

use hyper::Method;
use postproxy_mock::verify::{CheckResult, FailureKind, Report, Verify, VerifyError};
use postproxy_mock_server::MockServer;
use serde_json::json;

use crate::support::drift::{Drift, DriftStub, Rule};

/// A failure as the tests name it: operation, status (None: no answer), kind, pointer.
type Found = (String, Option<u16>, FailureKind, Option<String>);

fn found(report: &Report) -> Vec<Found> {
    let mut found: Vec<Found> = report
        .failures()
        .map(|(check, f)| {
            (
                check.operation.clone(),
                check.status,
                f.kind,
                f.pointer.clone(),
            )
        })
        .collect();
    found.sort_by(|a, b| format!("{a:?}").cmp(&format!("{b:?}")));
    found
}

fn expect(list: &[(&str, Option<u16>, FailureKind, Option<&str>)]) -> Vec<Found> {
    let mut list: Vec<Found> = list
        .iter()
        .map(|(op, status, kind, at)| (op.to_string(), *status, *kind, at.map(str::to_string)))
        .collect();
    list.sort_by(|a, b| format!("{a:?}").cmp(&format!("{b:?}")));
    list
}

/// Verify, read-only, against a stub drifting by `rules`.
async fn against(rules: Vec<Rule>) -> (DriftStub, Report) {
    let stub = DriftStub::start(rules).await;
    let key = stub.mock.full_access_key();
    let report = Verify::new(stub.base_url(), key)
        .run()
        .await
        .expect("a run");
    (stub, report)
}

async fn group_count(mock: &MockServer) -> usize {
    let groups: serde_json::Value = reqwest::Client::new()
        .get(format!("{}/api/profile_groups", mock.base_url()))
        .bearer_auth(mock.full_access_key())
        .send()
        .await
        .expect("an answer")
        .json()
        .await
        .expect("JSON");
    groups["data"].as_array().expect("a list").len()
}

#[tokio::test]
async fn the_demo_mock_passes_every_check_read_only_and_with_write() {
    let mock = MockServer::start().await;
    let started = Instant::now();
    let report = Verify::new(mock.base_url(), mock.full_access_key())
        .write(true)
        .run()
        .await
        .expect("a run");
    eprintln!(
        "verify --write against the demo mock: {} checks in {:?}",
        report.checks.len(),
        started.elapsed()
    );
    assert!(report.passed(), "{report}");
    assert_eq!(found(&report), vec![]);
    let (passed, failed, skipped) = report.counts();
    assert_eq!((failed, skipped), (0, 1), "{report}"); // prof321ghi: no placement with an id
    assert_eq!(passed, 55, "{report}");
    let mut operations: Vec<&str> = report.checks.iter().map(|c| c.operation.as_str()).collect();
    operations.sort_unstable();
    operations.dedup();
    // Every operation but delete_profile, which would delete one of the account's own.
    assert_eq!(operations.len(), 9, "{operations:?}");
    assert_eq!(group_count(&mock).await, 4, "the throw-away group is gone");

    let read_only = Verify::new(mock.base_url(), mock.full_access_key())
        .run()
        .await;
    let read_only = read_only.expect("a run");
    assert!(read_only.passed(), "{read_only}");
    assert!(read_only.checks.iter().all(|c| c.method != "DELETE"));
}

#[tokio::test]
async fn a_scoped_key_walks_its_own_group() {
    let mock = MockServer::start().await;
    let report = Verify::new(mock.base_url(), mock.scoped_key()).run().await;
    let report = report.expect("a run");
    assert!(report.passed(), "{report}");
    let groups: Vec<&str> = report
        .checks
        .iter()
        .filter(|c| c.operation == "get_profile_group" && c.expected == 200)
        .map(|c| c.path.as_str())
        .collect();
    assert_eq!(groups, ["/api/profile_groups/grp456def"]);
}

#[tokio::test]
async fn max_objects_caps_the_walk() {
    let mock = MockServer::start().await;
    let report = Verify::new(mock.base_url(), mock.full_access_key())
        .max_objects(1)
        .run()
        .await
        .expect("a run");
    let count = |op: &str| {
        report
            .checks
            .iter()
            .filter(|c| c.operation == op && c.expected == 200)
            .count()
    };
    assert_eq!(count("get_profile_group"), 1);
    assert_eq!(count("get_profile"), 1);
    assert!(report.passed(), "{report}");
}

#[tokio::test]
async fn a_faithful_stub_reports_nothing() {
    let (_stub, report) = against(vec![]).await;
    assert!(report.passed(), "{report}");
}

#[tokio::test]
async fn a_missing_required_field_is_named_by_its_pointer() {
    let (_stub, report) = against(vec![
        Rule::get("/api/profiles/prof_li_001", Drift::Remove("/name")),
        Rule::get(
            "/api/profile_groups",
            Drift::Remove("/data/1/profiles_count"),
        ),
    ])
    .await;
    assert_eq!(
        found(&report),
        expect(&[
            ("get_profile", Some(200), FailureKind::Schema, Some("/name")),
            (
                "list_profile_groups",
                Some(200),
                FailureKind::Schema,
                Some("/data/1/profiles_count")
            ),
        ]),
        "{report}"
    );
}

#[tokio::test]
async fn a_wrong_type_is_named_by_its_pointer() {
    let (_stub, report) = against(vec![
        Rule::get(
            "/api/profile_groups/grp123abc",
            Drift::Set("/profiles_count", json!("5")),
        ),
        Rule::get(
            "/api/profiles/prof_fb_001",
            Drift::Set("/latest_stats/0/recorded_at", json!(1715414400)),
        ),
    ])
    .await;
    assert_eq!(
        found(&report),
        expect(&[
            (
                "get_profile_group",
                Some(200),
                FailureKind::Schema,
                Some("/profiles_count")
            ),
            (
                "get_profile",
                Some(200),
                FailureKind::Schema,
                Some("/latest_stats/0/recorded_at")
            ),
        ]),
        "{report}"
    );
}

#[tokio::test]
async fn an_undocumented_status_is_named() {
    let placements = "/api/profiles/prof_tg_001/placements";
    let (_stub, report) = against(vec![Rule::get(placements, Drift::Status(403))]).await;
    assert_eq!(
        found(&report),
        expect(&[(
            "list_profile_placements",
            Some(403),
            FailureKind::UndocumentedStatus,
            None
        )]),
        "{report}"
    );
    // With no placement to ask for, the telegram profile's stats are skipped, not failed.
    let stats = report
        .checks
        .iter()
        .find(|c| c.name == "stats of prof_tg_001 (telegram)");
    assert_eq!(
        stats.map(|c| c.result),
        Some(CheckResult::Skipped),
        "{report}"
    );
}

#[tokio::test]
async fn an_html_error_page_is_named() {
    let missing = "/api/profiles/prof_postproxy_mock_verify_missing";
    let (_stub, report) = against(vec![Rule::get(missing, Drift::Html(404))]).await;
    assert_eq!(
        found(&report),
        expect(&[("get_profile", Some(404), FailureKind::NotJson, None)]),
        "{report}"
    );
    let message = &report.failures().next().expect("one").1.message;
    assert!(message.contains("HTML page"), "{message}");
}

#[tokio::test]
async fn a_429_with_retry_after_is_waited_out_and_noted() {
    let path = "/api/profiles/prof_yt_001";
    let rule = Rule::get(path, Drift::RateLimit { retry_after: 1 }).times(1);
    let (stub, report) = against(vec![rule]).await;
    assert!(report.passed(), "{report}");
    assert_eq!(stub.seen(path), 2, "one 429, then the retry");
    let check = report
        .checks
        .iter()
        .find(|c| c.path == path)
        .expect("checked");
    assert_eq!(check.notes, ["429 (Retry-After 1 s): waited and retried"]);
    assert!(report.table().contains("waited and retried"), "{report}");
}

#[tokio::test]
async fn a_429_that_lasts_or_asks_too_long_a_wait_is_named() {
    let stats = "/api/profiles/prof_bs_001/stats";
    let profile = "/api/profiles/prof_th_001";
    let (stub, report) = against(vec![
        Rule::get(stats, Drift::RateLimit { retry_after: 0 }),
        Rule::get(profile, Drift::RateLimit { retry_after: 3600 }),
    ])
    .await;
    assert_eq!(
        found(&report),
        expect(&[
            (
                "get_profile_stats",
                Some(429),
                FailureKind::RateLimited,
                None
            ),
            ("get_profile", Some(429), FailureKind::RateLimited, None),
        ]),
        "{report}"
    );
    assert_eq!(stub.seen(stats), 3, "three attempts");
    assert_eq!(stub.seen(profile), 1, "an hour is not waited for");
}

#[tokio::test]
async fn a_dropped_connection_is_named_and_the_run_goes_on() {
    let placements = "/api/profiles/prof_pi_001/placements";
    let (_stub, report) = against(vec![Rule::get(placements, Drift::Drop)]).await;
    assert_eq!(
        found(&report),
        expect(&[(
            "list_profile_placements",
            None,
            FailureKind::Connection,
            None
        )]),
        "{report}"
    );
    let after = report
        .checks
        .iter()
        .position(|c| c.path == placements)
        .expect("checked");
    assert!(report.checks.len() > after + 5, "the run went on: {report}");
}

#[tokio::test]
async fn a_timeout_is_named_and_the_run_goes_on() {
    let group = "/api/profile_groups/grp789ghi";
    let slow = Drift::Slow(std::time::Duration::from_secs(4));
    let stub = DriftStub::start(vec![Rule::get(group, slow)]).await;
    let report = Verify::new(stub.base_url(), stub.mock.full_access_key())
        .timeout(std::time::Duration::from_secs(1)) // the others answer at once
        .run()
        .await
        .expect("a run");
    assert_eq!(
        found(&report),
        expect(&[("get_profile_group", None, FailureKind::Timeout, None)]),
        "{report}"
    );
    assert!(report.checks.len() > 40, "the run went on: {report}");
}

#[tokio::test]
async fn every_drift_at_once_is_reported_exactly() {
    let (_stub, report) = against(crate::support::drift::every_drift()).await;
    assert_eq!(
        found(&report),
        expect(&[
            ("get_profile", Some(200), FailureKind::Schema, Some("/name")),
            (
                "get_profile_group",
                Some(200),
                FailureKind::Schema,
                Some("/profiles_count")
            ),
            (
                "list_profile_placements",
                Some(403),
                FailureKind::UndocumentedStatus,
                None
            ),
            ("get_profile_group", Some(404), FailureKind::NotJson, None),
            ("get_profile", Some(429), FailureKind::RateLimited, None),
            (
                "list_profile_placements",
                None,
                FailureKind::Connection,
                None
            ),
        ]),
        "{report}"
    );
    let table = report.table();
    assert!(
        table.contains("get_profile 200 (GET /api/profiles/prof_li_001): schema at /name"),
        "{table}"
    );
}

#[tokio::test]
async fn write_deletes_the_group_when_a_step_between_fails() {
    let connect = "/api/profile_groups/*/initialize_connection";
    let stub = DriftStub::start(vec![Rule::on(Method::POST, connect, Drift::Drop)]).await;
    let report = Verify::new(stub.base_url(), stub.mock.full_access_key())
        .write(true)
        .run()
        .await
        .expect("a run");
    let failed: Vec<_> = found(&report).into_iter().map(|f| (f.0, f.2)).collect();
    assert_eq!(
        failed,
        [
            ("initialize_connection".to_string(), FailureKind::Connection),
            ("initialize_connection".to_string(), FailureKind::Connection),
        ],
        "the error case and the write step: {report}"
    );
    let deleted = report
        .checks
        .iter()
        .find(|c| c.operation == "delete_profile_group");
    assert_eq!(
        deleted.map(|c| c.result),
        Some(CheckResult::Passed),
        "{report}"
    );
    assert_eq!(group_count(&stub.mock).await, 4);
}

#[tokio::test]
async fn write_cleans_up_a_group_whose_create_answer_was_lost() {
    let rule = Rule::on(Method::POST, "/api/profile_groups", Drift::Lost);
    let stub = DriftStub::start(vec![rule]).await;
    let report = Verify::new(stub.base_url(), stub.mock.full_access_key())
        .write(true)
        .run()
        .await
        .expect("a run");
    assert_eq!(
        found(&report),
        expect(&[("create_profile_group", None, FailureKind::Connection, None)]),
        "{report}"
    );
    let cleaned = report
        .checks
        .iter()
        .find(|c| c.name.starts_with("clean up grp_"));
    assert_eq!(
        cleaned.map(|c| c.result),
        Some(CheckResult::Passed),
        "{report}"
    );
    assert_eq!(group_count(&stub.mock).await, 4);
}

#[tokio::test]
async fn an_unreachable_upstream_is_an_error() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a port");
    let addr = listener.local_addr().expect("bound");
    drop(listener);
    let error = Verify::new(format!("http://{addr}"), "pp_any").run().await;
    let error = error.expect_err("nothing listens there");
    assert!(matches!(error, VerifyError::Unreachable(_)), "{error:?}");
    let message = error.to_string();
    assert!(
        message.starts_with("cannot reach the upstream: http://"),
        "{message}"
    );
    assert!(message.contains(&addr.to_string()), "{message}");
}

#[tokio::test]
async fn a_wrong_key_is_refused_before_anything_is_written() {
    let stub = DriftStub::start(vec![]).await;
    let error = Verify::new(stub.base_url(), "pp_wrong_key_0000")
        .write(true)
        .run()
        .await
        .expect_err("the key is refused");
    let VerifyError::Unauthorized { status, body } = &error else {
        panic!("{error:?}");
    };
    assert_eq!(*status, 401);
    assert!(body.contains("Invalid API key"), "{body}");
    assert!(
        error
            .to_string()
            .starts_with("the upstream answered 401 to the key: "),
        "{error}"
    );
    assert_eq!(stub.seen_in_all(), 1, "one request, then nothing");
    assert_eq!(group_count(&stub.mock).await, 4);
}

#[tokio::test]
async fn an_upstream_that_is_not_this_api_is_an_error() {
    let html = DriftStub::start(vec![Rule::every(Method::GET, Drift::Html(200))]).await;
    let error = Verify::new(html.base_url(), html.mock.full_access_key())
        .write(true)
        .run()
        .await
        .expect_err("an HTML site");
    assert!(matches!(error, VerifyError::NotThisApi(_)), "{error:?}");
    assert!(error.to_string().contains("text/html"), "{error}");
    assert_eq!(html.seen_in_all(), 1);

    let other = DriftStub::start(vec![Rule::every(Method::GET, Drift::Status(404))]).await;
    let error = Verify::new(other.base_url(), other.mock.full_access_key())
        .run()
        .await;
    let error = error.expect_err("no such route");
    assert!(matches!(error, VerifyError::NotThisApi(_)), "{error:?}");
    assert!(error.to_string().contains("answered 404"), "{error}");

    let moved = DriftStub::start(vec![Rule::every(Method::GET, Drift::Status(301))]).await;
    let error = Verify::new(moved.base_url(), moved.mock.full_access_key())
        .run()
        .await;
    let error = error.expect_err("a redirect is not followed");
    assert!(matches!(error, VerifyError::NotThisApi(_)), "{error:?}");
    assert!(
        error.to_string().contains("answered 301, a redirect"),
        "{error}"
    );
}

#[tokio::test]
async fn an_upstream_that_is_not_a_url_is_an_error() {
    for upstream in ["not a url", "ftp://example.com", "http://127.0.0.1:1/?a=b"] {
        let error = Verify::new(upstream, "pp_any")
            .run()
            .await
            .expect_err(upstream);
        assert!(
            matches!(error, VerifyError::InvalidUpstream(_)),
            "{error:?}"
        );
    }
}
