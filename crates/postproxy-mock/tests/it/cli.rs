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

/// Sends SIGTERM and waits up to 10 s for the process to exit; its exit status.
#[cfg(unix)]
fn terminate(child: &mut Child) -> std::process::ExitStatus {
    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    wait_exit(child, Duration::from_secs(10)).expect("exits within 10 s of SIGTERM")
}

/// The exit status, once the process has exited within `limit`.
fn wait_exit(child: &mut Child, limit: Duration) -> Option<std::process::ExitStatus> {
    let started = std::time::Instant::now();
    while started.elapsed() < limit {
        if let Some(status) = child.try_wait().unwrap() {
            return Some(status);
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    None
}

/// GET `url` on a small runtime: the status, or the transport error.
fn get(url: &str) -> Result<u16, String> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        reqwest::Client::new()
            .get(url)
            .bearer_auth(postproxy_mock_server::DEMO_FULL_ACCESS_KEY)
            .timeout(Duration::from_secs(5))
            .send()
            .await
            .map(|r| r.status().as_u16())
            .map_err(|e| e.to_string())
    })
}

/// A port that was free a moment ago.
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

#[cfg(unix)]
#[test]
fn ready_json_is_the_only_line_on_stdout_and_describes_every_key() {
    let mut child = Running(
        Command::new(BIN)
            .args(["--port", "0", "--ready-json", "--log-level", "info"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap(),
    );
    // Every stdout line, as it comes, until the process closes it.
    let stdout = child.0.stdout.take().unwrap();
    let (lines, arrived) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = lines.send(line);
        }
    });
    let line = arrived.recv_timeout(Duration::from_secs(30)).unwrap();
    let ready: serde_json::Value = serde_json::from_str(&line).expect("one line of JSON");
    let base_url = ready["base_url"].as_str().unwrap().to_string();
    assert!(base_url.starts_with("http://127.0.0.1:"), "{line}");
    assert!(!base_url.ends_with(":0"), "{line}");
    assert_eq!(ready["control_url"], format!("{base_url}/__mock"));
    assert_eq!(ready["listen_url"], base_url);
    assert_eq!(ready["pid"], child.0.id());
    assert_eq!(
        ready["accounts"],
        serde_json::json!([{
            "id": "acct_demo",
            "keys": [
                {
                    "key": postproxy_mock_server::DEMO_FULL_ACCESS_KEY,
                    "key_id": postproxy_mock_server::control::key_id(postproxy_mock_server::DEMO_FULL_ACCESS_KEY),
                    "profile_group_id": null,
                },
                {
                    "key": postproxy_mock_server::DEMO_SCOPED_KEY,
                    "key_id": postproxy_mock_server::control::key_id(postproxy_mock_server::DEMO_SCOPED_KEY),
                    "profile_group_id": "grp456def",
                },
            ],
        }])
    );
    // Ready means ready: the first request is answered.
    assert_eq!(get(&format!("{base_url}/api/profile_groups")), Ok(200));
    assert_eq!(get(&format!("{base_url}/__mock/accounts")), Ok(200));

    let exit = terminate(&mut child.0);
    assert!(exit.success(), "{exit:?}");
    // Nothing but the ready line on stdout; the human summary went to stderr.
    let rest: Vec<String> = arrived.try_iter().collect();
    assert_eq!(rest, Vec::<String>::new());
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut child.0.stderr.take().unwrap(), &mut stderr).unwrap();
    assert!(stderr.contains("base URL: "), "{stderr}");
}

#[cfg(unix)]
#[test]
fn exits_when_stdin_closes_with_the_flag_and_not_without() {
    let mut with = Running(
        Command::new(BIN)
            .args(["--port", "0", "--ready-json", "--exit-on-stdin-close"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let mut without = Running(
        Command::new(BIN)
            .args(["--port", "0", "--ready-json"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    for child in [&mut with, &mut without] {
        read_until(&mut child.0, |_| true);
        // Input is read and discarded; it does not stop the server.
        std::io::Write::write_all(child.0.stdin.as_mut().unwrap(), b"hello\n").unwrap();
    }
    std::thread::sleep(Duration::from_millis(200));
    assert!(with.0.try_wait().unwrap().is_none(), "still serving");
    drop(with.0.stdin.take());
    drop(without.0.stdin.take());
    let exit = wait_exit(&mut with.0, Duration::from_secs(10)).expect("exits once stdin closes");
    assert!(exit.success(), "{exit:?}");
    std::thread::sleep(Duration::from_millis(300));
    assert!(
        without.0.try_wait().unwrap().is_none(),
        "without the flag, a closed stdin does not stop it"
    );
    assert!(terminate(&mut without.0).success());
}

/// `postproxy-mock | true` and `| head -1`: a reader that goes away must not stop the server,
/// and neither must a closed stderr while it logs every request.
#[cfg(unix)]
#[test]
fn a_closed_stdout_and_stderr_do_not_stop_the_server() {
    for ready_json in [false, true] {
        let port = free_port();
        let mut command = Command::new(BIN);
        command
            .args(["--port", &port.to_string(), "--log-level", "debug"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        if ready_json {
            command.arg("--ready-json");
        }
        let mut child = Running(command.spawn().unwrap());
        // Close both read ends before the server has written anything.
        drop(child.0.stdout.take());
        drop(child.0.stderr.take());
        let url = format!("http://127.0.0.1:{port}/api/profile_groups");
        let started = std::time::Instant::now();
        while get(&url).is_err() {
            assert!(
                child.0.try_wait().unwrap().is_none(),
                "the server died: {:?}",
                child.0.try_wait()
            );
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "never answered"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        // Every request logs (debug) into the closed stderr.
        for _ in 0..20 {
            assert_eq!(get(&url), Ok(200));
        }
        assert!(child.0.try_wait().unwrap().is_none(), "still running");
        let exit = terminate(&mut child.0);
        assert!(exit.success(), "exit {exit:?} (101 is a panic)");
    }
}

#[cfg(unix)]
#[test]
fn ready_json_names_the_bound_address_beside_a_public_url() {
    let mut child = Running(
        Command::new(BIN)
            .args(["--port", "0", "--ready-json", "--host", "0.0.0.0"])
            .args(["--public-url", "http://mock.example:1234"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let line = read_until(&mut child.0, |_| true).remove(0);
    let ready: serde_json::Value = serde_json::from_str(&line).unwrap();
    assert_eq!(ready["base_url"], "http://mock.example:1234");
    assert_eq!(ready["control_url"], "http://mock.example:1234/__mock");
    let listen = ready["listen_url"].as_str().unwrap();
    assert!(listen.starts_with("http://127.0.0.1:"), "{line}");
    assert_eq!(get(&format!("{listen}/api/profile_groups")), Ok(200));
    assert!(terminate(&mut child.0).success());
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
