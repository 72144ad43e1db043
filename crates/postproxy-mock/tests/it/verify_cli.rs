//! `postproxy-mock verify` as a program: in the help, the table and `--json` output, and the
//! exit status (0 all passed, 1 a failure, 2 no check could be made).

use std::process::{Command, Output};

use hyper::Method;
use postproxy_mock_server::MockServer;
use serde_json::Value;

use crate::support::drift::{Drift, DriftStub, Rule};

const BIN: &str = env!("CARGO_BIN_EXE_postproxy-mock");

/// Runs `postproxy-mock verify ARGS` off the runtime's threads (the upstream runs on them).
async fn verify(args: &[&str]) -> Output {
    let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    tokio::task::spawn_blocking(move || {
        Command::new(BIN)
            .arg("verify")
            .args(&args)
            .env_remove("POSTPROXY_API_KEY")
            .env_remove("POSTPROXY_BASE_URL")
            .output()
            .expect("the program runs")
    })
    .await
    .expect("joined")
}

fn json(output: &Output) -> Value {
    serde_json::from_slice(&output.stdout).expect("one JSON document on stdout")
}

#[test]
fn verify_is_in_the_help() {
    let help = Command::new(BIN).arg("--help").output().expect("runs");
    let help = String::from_utf8_lossy(&help.stdout);
    assert!(help.contains("verify"), "{help}");
    let help = Command::new(BIN)
        .args(["verify", "--help"])
        .output()
        .expect("runs");
    let help = String::from_utf8_lossy(&help.stdout);
    for flag in [
        "--upstream",
        "--key",
        "--write",
        "--json",
        "--max-objects",
        "POSTPROXY_API_KEY",
    ] {
        assert!(help.contains(flag), "{flag}: {help}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_mock_passes_with_exit_status_0() {
    let mock = MockServer::start().await;
    let key = mock.full_access_key();
    let output = verify(&[
        "--upstream",
        mock.base_url(),
        "--key",
        key,
        "--write",
        "--json",
    ])
    .await;
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let report = json(&output);
    assert_eq!(report["passed"], true);
    assert_eq!(report["summary"]["failed"], 0);
    assert!(report["elapsed_ms"].is_u64());
    assert!(
        !String::from_utf8_lossy(&output.stdout).contains(key),
        "the key is never printed"
    );

    let output = verify(&["--upstream", mock.base_url(), "--key", key]).await;
    assert_eq!(output.status.code(), Some(0));
    let table = String::from_utf8_lossy(&output.stdout);
    assert!(table.starts_with("CHECK"), "{table}");
    assert!(table.contains(" 0 failed"), "{table}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_drift_exits_1_naming_operation_status_and_pointer() {
    let rule = Rule::get("/api/profiles/prof_li_001", Drift::Remove("/name"));
    let stub = DriftStub::start(vec![rule]).await;
    let args = [
        "--upstream",
        stub.base_url(),
        "--key",
        stub.mock.full_access_key(),
    ];
    let output = verify(&[&args[..], &["--json"]].concat()).await;
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let report = json(&output);
    assert_eq!(report["passed"], false);
    let failed: Vec<&Value> = report["checks"]
        .as_array()
        .expect("checks")
        .iter()
        .filter(|c| c["result"] == "failed")
        .collect();
    assert_eq!(failed.len(), 1, "{report}");
    assert_eq!(failed[0]["operation"], "get_profile");
    assert_eq!(failed[0]["status"], 200);
    assert_eq!(failed[0]["failures"][0]["kind"], "schema");
    assert_eq!(failed[0]["failures"][0]["pointer"], "/name");

    let output = verify(&args).await;
    assert_eq!(output.status.code(), Some(1));
    let table = String::from_utf8_lossy(&output.stdout);
    assert!(
        table.contains(
            "Failures:\n  get_profile 200 (GET /api/profiles/prof_li_001): schema at /name"
        ),
        "{table}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_key_or_no_api_exits_2_with_a_clear_message() {
    let stub = DriftStub::start(vec![]).await;
    let output = verify(&[
        "--upstream",
        stub.base_url(),
        "--key",
        "pp_wrong",
        "--write",
        "--json",
    ])
    .await;
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("the upstream answered 401 to the key: "),
        "{stderr}"
    );
    assert_eq!(json(&output)["error"]["kind"], "unauthorized");
    assert_eq!(stub.seen_in_all(), 1, "nothing but the first request");

    let html = DriftStub::start(vec![Rule::every(Method::GET, Drift::Html(200))]).await;
    let output = verify(&["--upstream", html.base_url(), "--key", "pp_any"]).await;
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("does not look like the Postproxy API"),
        "{stderr}"
    );
    assert!(
        output.stdout.is_empty(),
        "no table for a run that could not be made"
    );

    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a port");
    let closed = format!("http://{}", listener.local_addr().expect("bound"));
    drop(listener);
    let output = verify(&["--upstream", &closed, "--key", "pp_any", "--json"]).await;
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    assert_eq!(json(&output)["error"]["kind"], "unreachable");

    let output = verify(&["--upstream", "http://127.0.0.1:1"]).await;
    assert_eq!(
        output.status.code(),
        Some(2),
        "a missing --key is a usage error"
    );
}
