//! What goes wrong: 429s waited out, an object that cannot be read (with and without
//! `--strict`), and the upstreams and files that stop a recording before anything is written.

use std::time::{Duration, Instant, SystemTime};

use postproxy_mock::record::{record, RecordError};
use postproxy_mock_server::control::JournalFilter;
use postproxy_mock_server::control::{FaultSpec, Method};
use postproxy_mock_server::{MockServer, DEMO_FULL_ACCESS_KEY};
use serde_json::json;

use super::support::{assert_same_answers, key_of, options, serve, stub, Api, Dir, Reply};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_429_is_waited_out_per_retry_after_seconds() {
    let upstream = MockServer::start().await;
    let account = upstream.demo_account_id();
    let fault = FaultSpec::status(429)
        .retry_after(1)
        .times(2)
        .on(Method::GET, "/api/profiles/*/stats");
    upstream.control().add_fault(account, &fault).await.unwrap();
    let dir = Dir::new("429");
    let out = dir.join("demo.json");
    let started = Instant::now();
    let report = record(&options(upstream.base_url(), DEMO_FULL_ACCESS_KEY, &out))
        .await
        .expect("recorded despite the 429s");
    assert!(started.elapsed() >= Duration::from_secs(1));
    assert!(report.failures.is_empty(), "{:?}", report.failures);
    assert_eq!(report.retries, 2);
    let limited = JournalFilter::default().status(429);
    let journal = upstream.control().journal(account, &limited).await.unwrap();
    assert_eq!(journal.entries.len(), 2);

    let served = serve(&out).await;
    assert_same_answers(
        &Api::new(upstream.base_url(), DEMO_FULL_ACCESS_KEY),
        &Api::new(served.base_url(), key_of(&report, None)),
        &[],
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_429_is_waited_out_per_retry_after_date() {
    let upstream = stub(|n, _| match n {
        0 => Reply {
            headers: vec![(
                "retry-after",
                httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(2)),
            )],
            ..Reply::json(429, json!({"error": "Rate limit exceeded"}))
        },
        _ => Reply::json(200, json!({"data": []})),
    })
    .await;
    let dir = Dir::new("429-date");
    let out = dir.join("empty.json");
    let started = Instant::now();
    let report = record(&options(&upstream, "k", &out)).await.unwrap();
    // An HTTP date has whole seconds: 2 s from now is more than 1 s away.
    assert!(started.elapsed() >= Duration::from_secs(1));
    assert_eq!((report.requests, report.retries, report.groups), (2, 1, 0));
    let served = serve(&out).await;
    let (status, body) = Api::new(served.base_url(), key_of(&report, None))
        .get("/api/profile_groups")
        .await;
    assert_eq!((status, body.as_str()), (200, r#"{"data":[]}"#));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_object_is_named_and_the_rest_written() {
    let upstream = MockServer::start().await;
    let fault = FaultSpec::status(500)
        .times(100)
        .on(Method::GET, "/api/profiles/prof_li_001/stats");
    let control = upstream.control();
    control
        .add_fault(upstream.demo_account_id(), &fault)
        .await
        .unwrap();
    let dir = Dir::new("failing");
    let out = dir.join("demo.json");
    let report = record(&options(upstream.base_url(), DEMO_FULL_ACCESS_KEY, &out))
        .await
        .expect("the rest is recorded");
    assert_eq!(report.failures.len(), 1);
    let failure = report.failures[0].to_string();
    assert!(
        failure.starts_with(
            "profile prof_li_001 stats (placement 108520199): 500 Internal Server Error"
        ),
        "{failure}"
    );
    assert_eq!((report.groups, report.profiles), (4, 14));
    let served = serve(&out).await;
    let api = Api::new(served.base_url(), key_of(&report, None));
    assert_eq!(api.get("/api/profiles/prof_li_001").await.0, 404);
    assert_eq!(api.get("/api/profiles/prof_fb_001").await.0, 200);

    // --strict: the first failure stops it, and nothing is written.
    let strict = dir.join("strict.json");
    let err = record(&options(upstream.base_url(), DEMO_FULL_ACCESS_KEY, &strict).strict(true))
        .await
        .expect_err("stopped");
    assert!(matches!(err, RecordError::Strict(_)), "{err}");
    assert!(err.to_string().contains("prof_li_001"), "{err}");
    assert_eq!(err.exit_code(), 1);
    assert_eq!(dir.files(), ["demo.json"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_upstream_writes_nothing() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let dir = Dir::new("unreachable");
    let upstream = format!("http://127.0.0.1:{port}");
    let err = record(&options(&upstream, "k", &dir.join("f.json")))
        .await
        .expect_err("nothing to record");
    assert!(matches!(err, RecordError::Unreachable { .. }), "{err}");
    assert!(
        err.to_string()
            .starts_with(&format!("cannot reach the upstream at {upstream}")),
        "{err}"
    );
    assert_eq!(err.exit_code(), 2);
    assert!(dir.files().is_empty());

    let err = record(&options("ftp://example.com", "k", &dir.join("f.json")))
        .await
        .expect_err("not http");
    assert!(matches!(err, RecordError::BadUpstream(_)), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_key_is_said_so_and_nothing_is_written() {
    let upstream = MockServer::start().await;
    let dir = Dir::new("wrong-key");
    let err = record(&options(
        upstream.base_url(),
        "pp_wrong",
        &dir.join("f.json"),
    ))
    .await
    .expect_err("refused");
    assert!(
        matches!(err, RecordError::Unauthorized { status: 401, .. }),
        "{err}"
    );
    let message = err.to_string();
    assert!(
        message.contains("refused the key") && message.contains("--key"),
        "{message}"
    );
    assert_eq!(err.exit_code(), 2);
    assert!(dir.files().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_upstream_that_is_not_this_api_writes_nothing() {
    let html = |status| Reply {
        status,
        headers: vec![("content-type", "text/html".into())],
        body: "<html><body><h1>Welcome to nginx!</h1></body></html>".into(),
    };
    let dir = Dir::new("not-api");
    for status in [200, 404] {
        let upstream = stub(move |_, _| html(status)).await;
        let err = record(&options(&upstream, "k", &dir.join("f.json")))
            .await
            .expect_err("not the API");
        assert!(matches!(err, RecordError::NotThisApi { .. }), "{err}");
        let message = err.to_string();
        assert!(message.contains("Welcome to nginx!"), "{message}");
        assert!(
            message.contains("does not answer as the Postproxy API does"),
            "{message}"
        );
    }
    // JSON, but not the API's.
    let upstream = stub(|_, _| Reply::json(200, json!({"groups": []}))).await;
    let err = record(&options(&upstream, "k", &dir.join("f.json")))
        .await
        .expect_err("not the API");
    assert!(err.to_string().contains("missing field `data`"), "{err}");
    assert!(dir.files().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_existing_out_is_kept_without_force() {
    let upstream = MockServer::start().await;
    let dir = Dir::new("exists");
    let out = dir.join("f.json");
    std::fs::write(&out, "mine").unwrap();
    let err = record(&options(upstream.base_url(), DEMO_FULL_ACCESS_KEY, &out))
        .await
        .expect_err("refused");
    assert!(matches!(err, RecordError::OutExists(_)), "{err}");
    assert!(
        err.to_string()
            .ends_with("exists; pass --force to replace it"),
        "{err}"
    );
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "mine");
    let journal = upstream
        .control()
        .journal(upstream.demo_account_id(), &JournalFilter::default())
        .await
        .unwrap();
    assert!(
        journal.entries.is_empty(),
        "nothing was asked of the upstream"
    );

    record(&options(upstream.base_url(), DEMO_FULL_ACCESS_KEY, &out).force(true))
        .await
        .expect("replaced with --force");
    assert!(std::fs::read_to_string(&out)
        .unwrap()
        .contains("prof_li_001"));
    assert_eq!(dir.files(), ["f.json"]);
}
