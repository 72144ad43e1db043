//! The `postproxy-mock` binary: startup output, flags and env vars, fixture errors, schema,
//! and shutdown on SIGTERM.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

const BIN: &str = env!("CARGO_BIN_EXE_postproxy-mock");

/// A started binary that is killed if the test ends (or fails) before it has stopped.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        if matches!(self.0.try_wait(), Ok(None)) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
}

/// The process's stdout lines up to and including the first for which `last` is true; fails
/// after 30 s rather than hanging if the line never comes.
fn read_until(child: &mut Child, last: impl Fn(&str) -> bool + Send + 'static) -> Vec<String> {
    let stdout = child.stdout.take().expect("stdout is piped");
    let (lines, arrived) = mpsc::channel();
    std::thread::spawn(move || {
        let mut read = Vec::new();
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let done = last(&line);
            read.push(line);
            if done {
                break;
            }
        }
        let _ = lines.send(read);
    });
    arrived
        .recv_timeout(Duration::from_secs(30))
        .expect("the expected output line within 30 s")
}

#[test]
fn fixture_schema_prints_json_schema() {
    let output = Command::new(BIN).arg("fixture-schema").output().unwrap();
    assert!(output.status.success());
    let schema: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(schema["title"], "Fixtures");
}

#[test]
fn invalid_fixture_file_exits_non_zero_naming_file_and_field() {
    let dir = std::env::temp_dir().join(format!("pp-mock-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("broken.yaml");
    std::fs::write(
        &file,
        "accounts:\n  - id: a\n    profile_groups:\n      - id: g\n        name: G\n        profiles:\n          - {id: p, name: P, platform: twitter, status: sleeping}\n",
    )
    .unwrap();
    let output = Command::new(BIN)
        .args(["--port", "0", "--fixtures"])
        .arg(&file)
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("broken.yaml"), "{stderr}");
    assert!(
        stderr.contains("accounts[0].profile_groups[0].profiles[0].status"),
        "{stderr}"
    );
    assert!(stderr.contains("sleeping"), "{stderr}");

    // The same through the environment variable.
    let output = Command::new(BIN)
        .env("POSTPROXY_MOCK_FIXTURES", &file)
        .env("POSTPROXY_MOCK_PORT", "0")
        .output()
        .unwrap();
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("broken.yaml"));

    let missing = dir.join("missing.json");
    let output = Command::new(BIN)
        .args(["--port", "0", "--fixtures"])
        .arg(&missing)
        .output()
        .unwrap();
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("missing.json"));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[cfg(unix)]
#[test]
fn serves_prints_address_and_keys_and_stops_on_sigterm() {
    let mut child = Running(
        Command::new(BIN)
            .env("POSTPROXY_MOCK_PORT", "0")
            .env("POSTPROXY_MOCK_LOG_LEVEL", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let printed = read_until(&mut child.0, |line| line.starts_with("try:"));
    let text = printed.join("\n");
    assert!(
        text.contains(postproxy_mock_server::DEMO_FULL_ACCESS_KEY),
        "{text}"
    );
    assert!(
        text.contains(postproxy_mock_server::DEMO_SCOPED_KEY),
        "{text}"
    );
    let base_url = printed
        .iter()
        .find_map(|l| l.strip_prefix("base URL: "))
        .expect("the base URL is printed")
        .to_string();
    assert!(base_url.starts_with("http://127.0.0.1:"), "{base_url}");
    assert!(!base_url.ends_with(":0"), "{base_url}");

    // It answers.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let status = runtime.block_on(async {
        reqwest::Client::new()
            .get(format!("{base_url}/api/profile_groups"))
            .bearer_auth(postproxy_mock_server::DEMO_SCOPED_KEY)
            .send()
            .await
            .unwrap()
            .json::<serde_json::Value>()
            .await
            .unwrap()
    });
    assert_eq!(status["data"][0]["id"], "grp456def");

    let killed = Command::new("kill")
        .args(["-TERM", &child.0.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let exit = child.0.wait().unwrap();
    assert!(exit.success(), "{exit:?}");
}

#[test]
fn a_mistyped_log_level_is_refused_not_silent() {
    for (flag, env) in [
        ("verbose", None),
        ("loud", None),
        ("info,chatty", None),
        ("", Some("verbose")),
    ] {
        let mut command = Command::new(BIN);
        command.args(["--port", "0"]);
        match env {
            Some(value) => command.env("POSTPROXY_MOCK_LOG_LEVEL", value),
            None => command.args(["--log-level", flag]),
        };
        let output = command.output().unwrap();
        assert_eq!(output.status.code(), Some(2), "{flag:?} {env:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains("invalid --log-level"), "{stderr}");
        assert!(stderr.contains("is not a level"), "{stderr}");
    }
}

#[cfg(unix)]
#[test]
fn levels_and_directives_still_log_the_start() {
    for level in ["INFO", "debug", "warn,postproxy_mock=info"] {
        let mut child = Running(
            Command::new(BIN)
                .args(["--port", "0", "--log-level", level])
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap(),
        );
        // The started line goes to stderr; read it there.
        let stderr = child.0.stderr.take().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if line.contains("postproxy-mock started") {
                    let _ = tx.send(line);
                    break;
                }
            }
        });
        let line = rx
            .recv_timeout(Duration::from_secs(30))
            .unwrap_or_else(|_| panic!("no start line at --log-level {level}"));
        assert!(line.contains("INFO"), "{line}");
    }
}
