//! The in-process server (parallel instances, shutdown, the spec routes) and the fixture format.

use crate::common;

use common::{Mock, FULL};
use postproxy_mock_server::fixtures::FixtureError;
use postproxy_mock_server::{Fixtures, MockServer};
use serde_json::json;

#[tokio::test]
async fn many_servers_run_in_parallel_with_separate_state() {
    let servers = futures_join_all(8).await;
    let mut ports: Vec<u16> = servers.iter().map(|m| m.server.addr().port()).collect();
    ports.sort_unstable();
    ports.dedup();
    assert_eq!(ports.len(), 8);
    servers[0]
        .delete("/api/profile_groups/grp123abc", FULL)
        .await
        .assert_ok();
    assert_eq!(servers[0].group_ids(FULL).await.len(), 3);
    for other in &servers[1..] {
        assert_eq!(other.group_ids(FULL).await.len(), 4);
    }
}

async fn futures_join_all(n: usize) -> Vec<Mock> {
    let handles: Vec<_> = (0..n)
        .map(|_| tokio::spawn(async { MockServer::start().await }))
        .collect();
    let mut out = Vec::new();
    for handle in handles {
        out.push(Mock::with(handle.await.unwrap()));
    }
    out
}

#[tokio::test]
async fn dropping_the_server_shuts_it_down() {
    let server = MockServer::start().await;
    let addr = server.addr();
    drop(server);
    let mut refused = false;
    for _ in 0..50 {
        if tokio::net::TcpStream::connect(addr).await.is_err() {
            refused = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert!(refused, "{addr} still accepts connections after drop");
}

#[tokio::test]
async fn shutdown_waits_for_the_server_to_stop() {
    let server = MockServer::start().await;
    let addr = server.addr();
    server.shutdown().await;
    assert!(tokio::net::TcpStream::connect(addr).await.is_err());
}

#[tokio::test]
async fn the_spec_is_served_as_yaml_and_json() {
    let mock = Mock::start().await;
    let yaml = mock
        .http
        .get(mock.url("/openapi.yaml"))
        .send()
        .await
        .unwrap();
    assert_eq!(yaml.status(), 200);
    assert_eq!(yaml.headers()["content-type"], "application/yaml");
    let yaml: serde_json::Value = serde_norway::from_str(&yaml.text().await.unwrap()).unwrap();
    assert_eq!(yaml["servers"][0]["url"], "https://api.postproxy.dev");
    // The JSON is the same spec, but its server is the mock: Swagger UI's "Try it out" from
    // /docs must not send a demo key to the real service.
    let reply = mock.get("/openapi.json", None).await;
    let mut expected = yaml.clone();
    expected["servers"] = serde_json::json!([{
        "url": "/",
        "description": "This mock server (requests from /docs stay on it)"
    }]);
    assert_eq!(reply.assert_ok(), &expected);
    assert_eq!(yaml["openapi"], "3.0.3");
    assert!(yaml["paths"]["/api/profiles/{id}/stats"].is_object());
}

// ---------------------------------------------------------------- custom fixtures

fn two_accounts() -> Fixtures {
    Fixtures::from_json(
        &json!({
            "accounts": [
                {
                    "id": "acct_a",
                    "api_keys": [{"key": "key_a"}],
                    "profile_groups": [{
                        "id": "grp_a",
                        "name": "A",
                        "profiles": [{
                            "id": "prof_a",
                            "name": "A on Bluesky",
                            "platform": "bluesky",
                            "status": "active",
                            "stats": [
                                {"stats": {"followersCount": 2}, "recorded_at": "2026-01-02T00:00:00Z"},
                                {"stats": {"followersCount": 1}, "recorded_at": "2026-01-01T00:00:00Z"}
                            ]
                        }]
                    }]
                },
                {
                    "id": "acct_b",
                    "api_keys": [{"key": "key_b"}, {"key": "key_b_scoped", "profile_group_id": "grp_b"}],
                    "profile_groups": [{"id": "grp_b", "name": "B"}]
                }
            ]
        })
        .to_string(),
    )
    .unwrap()
}

#[tokio::test]
async fn custom_fixtures_replace_the_demo_data_and_accounts_are_isolated() {
    let server = MockServer::builder()
        .fixtures(two_accounts())
        .start()
        .await
        .unwrap();
    let mock = Mock::with(server);
    assert_eq!(mock.group_ids(Some("key_a")).await, ["grp_a"]);
    assert_eq!(mock.group_ids(Some("key_b")).await, ["grp_b"]);
    mock.get("/api/profiles/prof_a", Some("key_b"))
        .await
        .assert_error(404, "Not found");
    mock.get("/api/profile_groups/grp_a", Some("key_b"))
        .await
        .assert_error(404, "Not found");
    mock.delete("/api/profile_groups/grp_a", Some("key_b"))
        .await
        .assert_error(404, "Not found");
    mock.get("/api/profile_groups", FULL)
        .await
        .assert_error(401, "Invalid API key");
    // The newest snapshot wins whatever the order in the file; stats come out ascending.
    let profile = mock.get("/api/profiles/prof_a", Some("key_a")).await;
    assert_eq!(
        profile.assert_ok()["latest_stats"],
        json!([{"placement_id": null, "stats": {"followersCount": 2}, "recorded_at": "2026-01-02T00:00:00Z"}])
    );
    let stats = mock.get("/api/profiles/prof_a/stats", Some("key_a")).await;
    assert_eq!(
        stats.assert_ok()["data"]["records"][0]["recorded_at"],
        "2026-01-01T00:00:00Z"
    );
    let keys: Vec<String> = mock.server.api_keys().into_iter().map(|k| k.key).collect();
    assert_eq!(keys, ["key_a", "key_b", "key_b_scoped"]);
}

#[tokio::test]
async fn invalid_fixtures_are_refused_at_start() {
    let mut fixtures = two_accounts();
    fixtures.accounts[1].api_keys[1].profile_group_id = Some("grp_a".into());
    let error = MockServer::builder()
        .fixtures(fixtures)
        .start()
        .await
        .unwrap_err();
    assert!(
        error
            .to_string()
            .contains("accounts[1].api_keys[1].profile_group_id"),
        "{error}"
    );
}

#[test]
fn demo_fixtures_are_valid_and_round_trip() {
    let demo = Fixtures::demo();
    demo.validate().unwrap();
    let again = Fixtures::from_json(&serde_json::to_string(&demo).unwrap()).unwrap();
    assert_eq!(again, demo);
    let yaml = serde_norway::to_string(&demo).unwrap();
    assert_eq!(Fixtures::from_yaml(&yaml).unwrap(), demo);
}

#[test]
fn fixture_type_errors_name_the_field_path() {
    let error = Fixtures::from_json(
        r#"{"accounts": [{"id": "a", "profile_groups": [{"id": "g", "name": "G",
            "profiles": [{"id": "p", "name": "P", "platform": "myspace", "status": "active"}]}]}]}"#,
    )
    .unwrap_err();
    assert_eq!(
        error.path,
        "accounts[0].profile_groups[0].profiles[0].platform"
    );
    assert!(error.message.contains("myspace"), "{}", error.message);

    let error =
        Fixtures::from_yaml("accounts:\n  - id: a\n    api_keys:\n      - kee: x\n").unwrap_err();
    assert_eq!(error.path, "accounts[0].api_keys[0].kee");
    assert!(error.message.contains("kee"), "{}", error.message);
}

#[test]
fn fixture_rule_errors_name_the_field_path() {
    let base = |profile: serde_json::Value| {
        json!({"accounts": [{"id": "a", "api_keys": [{"key": "k"}],
            "profile_groups": [{"id": "g", "name": "G", "profiles": [profile]}]}]})
        .to_string()
    };
    let cases: [(serde_json::Value, &str, &str); 5] = [
        (
            json!({"id": "p", "name": "P", "platform": "linkedin", "status": "active",
                   "stats": [{"stats": {}, "recorded_at": "2026-01-01T00:00:00Z"}]}),
            "accounts[0].profile_groups[0].profiles[0].stats[0].placement_id",
            "required for linkedin profiles",
        ),
        (
            json!({"id": "p", "name": "P", "platform": "twitter", "status": "active",
                   "stats": [{"stats": {}, "recorded_at": "last tuesday"}]}),
            "accounts[0].profile_groups[0].profiles[0].stats[0].recorded_at",
            "not an RFC 3339 timestamp",
        ),
        (
            json!({"id": "p", "name": "P", "platform": "twitter", "status": "active",
                   "placements": [{"id": "1", "name": "x"}]}),
            "accounts[0].profile_groups[0].profiles[0].placements",
            "twitter profiles have no placements",
        ),
        (
            json!({"id": "p", "name": "P", "platform": "facebook", "status": "active",
                   "placements": [{"id": null, "name": "x"}]}),
            "accounts[0].profile_groups[0].profiles[0].placements[0].id",
            "null id",
        ),
        (
            json!({"id": "p", "name": "P", "platform": "tiktok", "status": "active",
                   "post_count": -1}),
            "accounts[0].profile_groups[0].profiles[0].post_count",
            "negative",
        ),
    ];
    for (profile, path, message) in cases {
        let error: FixtureError = Fixtures::from_json(&base(profile)).unwrap_err();
        assert_eq!(error.path, path);
        assert!(error.message.contains(message), "{}", error.message);
    }
    // Ids are unique within an account; accounts are isolated, so they may repeat across them.
    let duplicate = json!({"accounts": [
        {"id": "a", "profile_groups": [{"id": "g", "name": "G"}]},
        {"id": "b", "profile_groups": [{"id": "g", "name": "H"}, {"id": "g", "name": "I"}]}
    ]});
    let error = Fixtures::from_json(&duplicate.to_string()).unwrap_err();
    assert_eq!(error.path, "accounts[1].profile_groups[1].id");
    let across = json!({"accounts": [
        {"id": "a", "profile_groups": [{"id": "g", "name": "G"}]},
        {"id": "b", "profile_groups": [{"id": "g", "name": "H"}]}
    ]});
    assert!(Fixtures::from_json(&across.to_string()).is_ok());
}

#[test]
fn fixtures_load_names_the_file() {
    let dir = std::env::temp_dir().join(format!("pp-mock-fixtures-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let yaml = dir.join("ok.yaml");
    std::fs::write(&yaml, "accounts:\n  - id: a\n    api_keys: [{key: k}]\n").unwrap();
    assert_eq!(
        Fixtures::load(&yaml).unwrap().accounts[0].api_keys[0].key,
        Some("k".to_string())
    );
    let bad = dir.join("bad.json");
    std::fs::write(&bad, r#"{"accounts": [{"id": 5}]}"#).unwrap();
    let error = Fixtures::load(&bad).unwrap_err().to_string();
    assert!(error.contains("bad.json"), "{error}");
    assert!(error.contains("accounts[0].id"), "{error}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn the_fixture_schema_describes_the_format() {
    let schema = serde_json::to_value(Fixtures::json_schema()).unwrap();
    assert_eq!(schema["required"], json!(["accounts"]));
    let definitions = schema["definitions"].as_object().unwrap();
    for name in [
        "AccountFixture",
        "ApiKeyFixture",
        "GroupFixture",
        "ProfileFixture",
        "SnapshotFixture",
        "Platform",
    ] {
        assert!(definitions.contains_key(name), "{name}");
    }
}

#[test]
fn fixture_errors_say_the_path_once_and_only_known_fields() {
    let bad_platform = r#"{"accounts": [{"id": "a", "profile_groups": [{"id": "g", "name": "G",
        "profiles": [{"id": "p", "name": "P", "platform": "myspace", "status": "active"}]}]}]}"#;
    let path = "accounts[0].profile_groups[0].profiles[0].platform";
    // serde_norway puts the path in its own message; it is said once, in JSON and YAML alike.
    for error in [
        Fixtures::from_json(bad_platform).unwrap_err(),
        Fixtures::from_yaml(bad_platform).unwrap_err(),
    ] {
        assert_eq!(error.path, path);
        assert!(
            error.message.starts_with("unknown variant `myspace`"),
            "{}",
            error.message
        );
        assert_eq!(error.to_string().matches(path).count(), 1, "{error}");
    }

    // A trailing comma: the path ends at the last field serde could name, not at `?`.
    let error = Fixtures::from_json(r#"{"accounts": [{"id": "a",}]}"#).unwrap_err();
    assert_eq!(error.path, "accounts[0]");
    assert!(
        error.message.contains("trailing comma"),
        "{}",
        error.message
    );
    let error = Fixtures::from_json(r#"{"accounts": [],}"#).unwrap_err();
    assert_eq!(error.path, ".");
    assert!(!error.to_string().contains('?'), "{error}");
}

#[test]
fn a_missing_fixture_file_says_it_cannot_be_read() {
    let missing = std::env::temp_dir().join("pp-mock-no-such-fixtures.json");
    let error = Fixtures::load(&missing).unwrap_err();
    assert_eq!(error.path, "");
    let text = error.to_string();
    let expected = format!("cannot read fixtures file {}: ", missing.display());
    assert!(text.starts_with(&expected), "{text}");
    assert!(text.contains("No such file"), "{text}");
    assert!(!text.contains("at ."), "{text}");
}

/// The header-read and idle timeouts are two limits: a half-sent head is closed after the
/// first, an idle keep-alive connection lives longer (and still serves its next request) and is
/// closed after the second.
#[tokio::test]
async fn half_sent_heads_and_idle_connections_are_closed_after_their_own_timeouts() {
    use std::time::{Duration, Instant};
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::TcpStream;

    async fn closed_within(stream: &mut TcpStream, limit: Duration) -> Option<Duration> {
        let started = Instant::now();
        let mut buf = [0u8; 4096];
        tokio::time::timeout(limit, async {
            loop {
                match stream.read(&mut buf).await {
                    Ok(0) | Err(_) => return,
                    Ok(_) => {}
                }
            }
        })
        .await
        .ok()
        .map(|()| started.elapsed())
    }
    /// One whole answer: its head and as many body bytes as its `Content-Length` says (the
    /// spec it serves is larger than one read).
    async fn answer(stream: &mut TcpStream) -> String {
        let mut got = Vec::new();
        let mut buf = vec![0u8; 64 * 1024];
        loop {
            let n = stream.read(&mut buf).await.unwrap();
            assert!(n > 0, "closed in the middle of an answer");
            got.extend_from_slice(&buf[..n]);
            let text = String::from_utf8_lossy(&got).into_owned();
            let Some(end) = text.find("\r\n\r\n") else {
                continue;
            };
            let length = text[..end].lines().find_map(|line| {
                let (name, value) = line.split_once(':')?;
                name.eq_ignore_ascii_case("content-length")
                    .then(|| value.trim().parse::<usize>().unwrap())
            });
            if length.is_none_or(|length| got.len() >= end + 4 + length) {
                return text;
            }
        }
    }
    const REQUEST: &[u8] = b"GET /openapi.yaml HTTP/1.1\r\nHost: localhost\r\n\r\n";

    let server = MockServer::builder()
        .header_read_timeout(Duration::from_millis(500))
        .idle_timeout(Duration::from_millis(1500))
        .start()
        .await
        .unwrap();
    let addr = server.addr();

    // Half a head: closed after the header-read timeout, counted from its first byte.
    let mut half = TcpStream::connect(addr).await.unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    half.write_all(b"GET /openapi.yaml HTTP/1.1\r\nHo")
        .await
        .unwrap();
    let closed = closed_within(&mut half, Duration::from_secs(5)).await;
    let closed = closed.expect("a half-sent head is closed");
    assert!(
        closed >= Duration::from_millis(400) && closed < Duration::from_millis(1200),
        "closed {closed:?} after the first byte"
    );

    // Idle after a request: still open past the header-read timeout, and serves again.
    let mut idle = TcpStream::connect(addr).await.unwrap();
    idle.write_all(REQUEST).await.unwrap();
    assert!(answer(&mut idle).await.starts_with("HTTP/1.1 200"));
    tokio::time::sleep(Duration::from_millis(1000)).await;
    idle.write_all(REQUEST).await.unwrap();
    assert!(answer(&mut idle).await.starts_with("HTTP/1.1 200"));
    // Then closed after the idle timeout.
    let started = Instant::now();
    let closed = closed_within(&mut idle, Duration::from_secs(5)).await;
    assert!(closed.is_some(), "an idle connection is closed");
    let closed = started.elapsed();
    assert!(
        closed >= Duration::from_millis(1200) && closed < Duration::from_millis(2500),
        "closed {closed:?} after its last answer"
    );

    // A connection that sends nothing is idle too.
    let mut silent = TcpStream::connect(addr).await.unwrap();
    let closed = closed_within(&mut silent, Duration::from_secs(5)).await;
    let closed = closed.expect("a silent connection is closed");
    assert!(
        closed >= Duration::from_millis(1200),
        "closed after {closed:?}"
    );
    server.shutdown().await;
}

/// A request whose body stops coming is closed after the idle timeout, though its handler runs.
#[tokio::test]
async fn a_stalled_request_body_is_closed_after_the_idle_timeout() {
    use std::time::{Duration, Instant};
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    let server = MockServer::builder()
        .header_read_timeout(Duration::from_millis(500))
        .idle_timeout(Duration::from_millis(1000))
        .start()
        .await
        .unwrap();
    let mut stream = tokio::net::TcpStream::connect(server.addr()).await.unwrap();
    stream
        .write_all(
            format!(
                "POST /api/profile_groups HTTP/1.1\r\nHost: localhost\r\n\
                 Authorization: Bearer {key}\r\nContent-Type: application/json\r\n\
                 Content-Length: 100\r\n\r\n{{\"profile_group\": ",
                key = postproxy_mock_server::DEMO_FULL_ACCESS_KEY
            )
            .as_bytes(),
        )
        .await
        .unwrap();
    let started = Instant::now();
    let mut buf = [0u8; 4096];
    let closed = tokio::time::timeout(Duration::from_secs(5), async {
        loop {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
        }
    })
    .await;
    assert!(closed.is_ok(), "a stalled body is closed");
    let closed = started.elapsed();
    assert!(
        closed >= Duration::from_millis(800) && closed < Duration::from_millis(2500),
        "closed after {closed:?}"
    );
    server.shutdown().await;
}

/// Shutting down closes idle connections at once, and waits for a half-sent head no longer than
/// the header-read timeout (it could be a request about to be handled).
#[tokio::test]
async fn shutdown_waits_for_idle_connections_not_at_all_and_for_half_sent_heads_not_long() {
    use std::time::{Duration, Instant};
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    let server = MockServer::start().await;
    let _silent = tokio::net::TcpStream::connect(server.addr()).await.unwrap();
    let mut idle = tokio::net::TcpStream::connect(server.addr()).await.unwrap();
    idle.write_all(b"GET /openapi.yaml HTTP/1.1\r\nHost: localhost\r\n\r\n")
        .await
        .unwrap();
    let mut buf = vec![0u8; 64 * 1024];
    assert!(idle.read(&mut buf).await.unwrap() > 0);
    tokio::time::timeout(Duration::from_secs(2), server.shutdown())
        .await
        .expect("shut down at once, not after the idle timeout");

    let server = MockServer::builder()
        .header_read_timeout(Duration::from_millis(500))
        .start()
        .await
        .unwrap();
    let mut half = tokio::net::TcpStream::connect(server.addr()).await.unwrap();
    half.write_all(b"GET /openapi.yaml HTTP/1.1\r\nHo")
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(100)).await;
    let started = Instant::now();
    tokio::time::timeout(Duration::from_secs(3), server.shutdown())
        .await
        .expect("shut down within the header-read timeout");
    assert!(started.elapsed() < Duration::from_millis(1500));
}
