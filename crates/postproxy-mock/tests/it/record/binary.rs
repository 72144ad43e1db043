//! `postproxy-mock record` as a program: its help, its report and exit codes, and the program
//! serving what it wrote.

use std::process::{Child, Command, Stdio};

use postproxy_mock_server::control::{FaultSpec, Method};
use postproxy_mock_server::{MockServer, DEMO_FULL_ACCESS_KEY};
use serde_json::Value;

use super::support::{Api, Dir};

const BIN: &str = env!("CARGO_BIN_EXE_postproxy-mock");

/// Runs the program (off the async runtime's threads) and returns its exit code, stdout and
/// stderr.
async fn run(args: Vec<String>) -> (i32, String, String) {
    tokio::task::spawn_blocking(move || {
        let output = Command::new(BIN)
            .args(&args)
            .env_remove("POSTPROXY_API_KEY")
            .output()
            .expect("run postproxy-mock");
        (
            output.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&output.stdout).into_owned(),
            String::from_utf8_lossy(&output.stderr).into_owned(),
        )
    })
    .await
    .unwrap()
}

fn record_args(upstream: &str, key: &str, out: &std::path::Path, more: &[&str]) -> Vec<String> {
    let mut args: Vec<String> = ["record", "--upstream", upstream, "--key", key, "--out"]
        .map(String::from)
        .to_vec();
    args.push(out.display().to_string());
    args.extend(more.iter().map(|s| s.to_string()));
    args
}

/// The program serving `fixture`, and its base URL.
async fn serve(fixture: &std::path::Path) -> (Child, String) {
    let mut served = Command::new(BIN)
        .args([
            "--port",
            "0",
            "--ready-json",
            "--log-level",
            "off",
            "--fixtures",
        ])
        .arg(fixture)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("serve the recording");
    let base = crate::support::ready_base_url(&mut served).await;
    (served, base)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn help_lists_record_and_its_flags() {
    let (code, help, _) = run(vec!["--help".into()]).await;
    assert_eq!(code, 0);
    assert!(help.contains("record"), "{help}");
    let (code, help, _) = run(vec!["record".into(), "--help".into()]).await;
    assert_eq!(code, 0);
    for flag in [
        "--upstream",
        "--key",
        "--out",
        "--force",
        "--rate",
        "--concurrency",
        "--strict",
        "--json",
        "--progress",
        "Exit codes",
    ] {
        assert!(help.contains(flag), "{flag} in {help}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_program_records_and_serves_the_recording() {
    let upstream = MockServer::start().await;
    let dir = Dir::new("bin");
    let out = dir.join("demo.json");
    let args = record_args(
        upstream.base_url(),
        DEMO_FULL_ACCESS_KEY,
        &out,
        &["--rate", "unlimited", "--json"],
    );
    let (code, stdout, stderr) = run(args).await;
    assert_eq!(code, 0, "{stderr}");
    let report: Value = serde_json::from_str(&stdout).expect("one JSON object on stdout");
    assert_eq!(
        (report["groups"].as_u64(), report["profiles"].as_u64()),
        (Some(4), Some(15))
    );
    // Not a terminal: plain progress lines, ending with the count.
    assert!(stderr.contains("record: 15/15 profiles"), "{stderr}");
    let key = report["keys"][0]["key"]
        .as_str()
        .expect("the full-access key")
        .to_string();
    assert_eq!(report["keys"][0]["profile_group_id"], Value::Null);

    // The human report names the keys and how to serve the file.
    let again = record_args(
        upstream.base_url(),
        DEMO_FULL_ACCESS_KEY,
        &out,
        &["--rate", "0", "--force", "--progress", "off"],
    );
    let (code, text, stderr) = run(again).await;
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.is_empty(), "{stderr}");
    assert!(
        text.starts_with("Recorded 4 profile groups and 15 profiles"),
        "{text}"
    );
    assert!(
        text.contains("scoped to grp456def (Client Project)"),
        "{text}"
    );
    assert!(
        text.contains(&format!("postproxy-mock --fixtures {}", out.display())),
        "{text}"
    );
    let key = text
        .lines()
        .find(|l| l.ends_with("full access"))
        .and_then(|l| l.split_whitespace().next())
        .unwrap_or(&key)
        .to_string();

    let (mut served, base) = serve(&out).await;
    let answer = Api::new(&base, &key).get("/api/profile_groups").await;
    let expected = Api::new(upstream.base_url(), DEMO_FULL_ACCESS_KEY)
        .get("/api/profile_groups")
        .await;
    let _ = served.kill();
    let _ = served.wait();
    assert_eq!(answer, expected);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_program_says_what_went_wrong_with_its_exit_code() {
    let upstream = MockServer::start().await;
    let dir = Dir::new("bin-errors");
    let out = dir.join("f.json");

    let (code, _, stderr) = run(record_args(upstream.base_url(), "pp_wrong", &out, &[])).await;
    assert_eq!(code, 2);
    assert!(
        stderr.contains("postproxy-mock record: the upstream refused the key (401"),
        "{stderr}"
    );
    assert!(dir.files().is_empty());

    let fault = FaultSpec::status(503)
        .times(100)
        .on(Method::GET, "/api/profiles/prof_bs_001/stats");
    upstream
        .control()
        .add_fault(upstream.demo_account_id(), &fault)
        .await
        .unwrap();
    let (code, stdout, stderr) = run(record_args(
        upstream.base_url(),
        DEMO_FULL_ACCESS_KEY,
        &out,
        &["--rate", "unlimited"],
    ))
    .await;
    assert_eq!(code, 1, "{stderr}");
    assert!(stdout.contains("and 14 profiles"), "{stdout}");
    assert!(
        stderr.contains("1 object(s) could not be recorded"),
        "{stderr}"
    );
    assert!(
        stderr.contains("profile prof_bs_001 stats: 503 Service Unavailable"),
        "{stderr}"
    );

    let (code, _, stderr) = run(record_args(
        upstream.base_url(),
        DEMO_FULL_ACCESS_KEY,
        &out,
        &[],
    ))
    .await;
    assert_eq!(code, 2);
    assert!(
        stderr.contains("exists; pass --force to replace it"),
        "{stderr}"
    );

    let (code, _, stderr) = run(record_args(
        upstream.base_url(),
        DEMO_FULL_ACCESS_KEY,
        &out,
        &["--rate", "fast"],
    ))
    .await;
    assert_eq!(code, 2);
    assert!(stderr.contains("is not a rate"), "{stderr}");
}
