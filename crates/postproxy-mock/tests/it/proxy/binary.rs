//! `postproxy-mock proxy` as a program: its help; started, used, and stopped by standard input
//! closing or SIGTERM, with its violation lines on stderr and the recording written.

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use postproxy_mock_server::{Fixtures, MockServer, DEMO_FULL_ACCESS_KEY as KEY};
use reqwest::Method;
use serde_json::{json, Value};

use super::support::Call;
use crate::record::support::Dir;

const BIN: &str = env!("CARGO_BIN_EXE_postproxy-mock");

/// The program, killed if the test ends before it has stopped; its stderr read as it comes.
struct Running {
    child: Child,
    stderr: mpsc::Receiver<String>,
}

impl Drop for Running {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

impl Running {
    /// Starts `proxy` with `args` and reads its ready line; its base URL.
    async fn start(args: Vec<String>) -> (Running, String) {
        tokio::task::spawn_blocking(move || {
            let mut child = Command::new(BIN)
                .arg("proxy")
                .args(&args)
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .expect("start postproxy-mock proxy");
            let (send, stderr) = mpsc::channel();
            let err = child.stderr.take().expect("piped");
            std::thread::spawn(move || {
                for line in BufReader::new(err).lines().map_while(Result::ok) {
                    let _ = send.send(line);
                }
            });
            let mut line = String::new();
            let stdout = child.stdout.as_mut().expect("piped");
            BufReader::new(stdout)
                .read_line(&mut line)
                .expect("the ready line");
            let ready: Value = serde_json::from_str(&line).expect("one JSON line");
            let base = ready["base_url"].as_str().expect("base_url").to_string();
            assert_eq!(ready["control_url"], format!("{base}/__mock"));
            (Running { child, stderr }, base)
        })
        .await
        .unwrap()
    }

    /// The stderr lines until one contains `wanted` (30 s at most).
    fn stderr_until(&self, wanted: &str) -> Vec<String> {
        let mut lines = Vec::new();
        while let Ok(line) = self.stderr.recv_timeout(Duration::from_secs(30)) {
            let done = line.contains(wanted);
            lines.push(line);
            if done {
                return lines;
            }
        }
        panic!("no stderr line with {wanted:?} in {lines:#?}");
    }

    /// The exit code once it has exited (10 s at most), and what it wrote on stdout after the
    /// ready line.
    fn exit(&mut self) -> (i32, String) {
        for _ in 0..500 {
            if let Some(status) = self.child.try_wait().unwrap() {
                let mut rest = String::new();
                if let Some(mut stdout) = self.child.stdout.take() {
                    let _ = stdout.read_to_string(&mut rest);
                }
                return (status.code().unwrap_or(-1), rest);
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        panic!("still running 10 s later");
    }
}

fn args(upstream: &str, more: &[&str]) -> Vec<String> {
    let mut args: Vec<String> = ["--upstream", upstream, "--port", "0", "--ready-json"]
        .map(String::from)
        .to_vec();
    args.extend(more.iter().map(|s| s.to_string()));
    args
}

#[test]
fn help_lists_proxy_and_its_flags() {
    let help = Command::new(BIN).arg("--help").output().unwrap();
    let help = String::from_utf8_lossy(&help.stdout).into_owned();
    assert!(
        help.contains("proxy ") && help.contains("validating proxy"),
        "{help}"
    );
    let output = Command::new(BIN)
        .args(["proxy", "--help"])
        .output()
        .unwrap();
    assert!(output.status.success());
    let help = String::from_utf8_lossy(&output.stdout).into_owned();
    for flag in [
        "--upstream",
        "--host",
        "--port",
        "--record",
        "--json-log",
        "--timeout",
        "--max-violations",
        "--ready-json",
        "--exit-on-stdin-close",
        "/__mock/proxy/violations",
        "Examples:",
    ] {
        assert!(help.contains(flag), "{flag} in {help}");
    }
    let bad = Command::new(BIN)
        .args(["proxy", "--upstream", "ftp://x"])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
    let said = String::from_utf8_lossy(&bad.stderr).into_owned();
    assert!(said.contains("invalid upstream URL"), "{said}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn it_reports_and_records_until_stdin_closes() {
    let upstream = MockServer::start().await;
    let dir = Dir::new("proxy-bin");
    let out = dir.join("seen.json");
    let record = out.display().to_string();
    let more = ["--record", record.as_str(), "--exit-on-stdin-close"];
    let (mut running, base) = Running::start(args(upstream.base_url(), &more)).await;
    let http = reqwest::Client::new();
    let groups = Call::get("/api/profile_groups", KEY)
        .send(&http, &base)
        .await;
    assert_eq!(groups.status, 200);
    let bad = json!({"profile_group": {"name": 42}});
    Call::json(Method::POST, "/api/profile_groups", KEY, bad)
        .send(&http, &base)
        .await;
    let lines = running.stderr_until("postproxy-mock proxy: violation");
    let line = lines.last().unwrap();
    assert!(
        line.contains(
            "violation create_profile_group request schema at /profile_group/name: 42 is not of \
             type \"string\" (POST /api/profile_groups)"
        ),
        "{line}"
    );
    drop(running.child.stdin.take());
    let (code, stdout) = tokio::task::spawn_blocking(move || {
        let exit = running.exit();
        let said = running.stderr_until("API keys of the recorded account");
        (exit, said)
    })
    .await
    .map(|((code, stdout), said)| {
        assert!(
            said.iter().any(|l| l.contains("Recorded 4 profile groups")),
            "{said:#?}"
        );
        (code, stdout)
    })
    .unwrap();
    assert_eq!(code, 0);
    assert!(stdout.is_empty(), "only the ready line on stdout: {stdout}");
    let fixtures = Fixtures::load(&out).expect("the recording loads");
    assert_eq!(fixtures.accounts[0].profile_groups.len(), 4);
}

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_stops_it_with_json_lines() {
    let upstream = MockServer::start().await;
    let dir = Dir::new("proxy-bin-term");
    let out = dir.join("seen.json");
    let record = out.display().to_string();
    let more = ["--record", record.as_str(), "--json-log"];
    let (mut running, base) = Running::start(args(upstream.base_url(), &more)).await;
    let http = reqwest::Client::new();
    Call::get("/api/nothing_here", KEY).send(&http, &base).await;
    let lines = running.stderr_until("\"violation\"");
    let violation: Value = serde_json::from_str(lines.last().unwrap()).expect("a JSON line");
    assert_eq!(violation["event"], "violation");
    assert_eq!(violation["kind"], "unknown_path");
    assert_eq!(violation["path"], "/api/nothing_here");
    Call::get("/api/profile_groups/grp123abc", KEY)
        .send(&http, &base)
        .await;

    let pid = running.child.id().to_string();
    let killed = Command::new("kill").args(["-TERM", &pid]).status().unwrap();
    assert!(killed.success());
    let (code, summary) = tokio::task::spawn_blocking(move || {
        let (code, _) = running.exit();
        (code, running.stderr_until("\"summary\""))
    })
    .await
    .unwrap();
    assert_eq!(code, 0);
    let summary: Value = serde_json::from_str(summary.last().unwrap()).expect("a JSON line");
    assert_eq!(
        (summary["requests"].as_u64(), summary["violations"].as_u64()),
        (Some(2), Some(1))
    );
    assert_eq!(summary["recording"]["groups"], 1);
    assert_eq!(summary["recording"]["out"], record);
    assert!(out.exists());
}
