//! What the record tests share: scratch directories, an HTTP view of an API with one key, the
//! comparison of every GET between an upstream and the mock serving its recording, and a
//! scripted stub upstream.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use postproxy_mock::record::{NewKey, Rate, RecordOptions, Report};
use postproxy_mock_server::{Fixtures, MockServer};
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// A scratch directory, removed with what is in it when dropped.
pub struct Dir(pub PathBuf);

impl Dir {
    pub fn new(name: &str) -> Self {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("pp-record-{name}-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("create a scratch directory");
        Self(dir)
    }

    pub fn join(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }

    /// The names of the files in it, sorted.
    pub fn files(&self) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(&self.0)
            .expect("read the scratch directory")
            .map(|e| {
                e.expect("an entry")
                    .file_name()
                    .to_string_lossy()
                    .into_owned()
            })
            .collect();
        names.sort();
        names
    }
}

impl Drop for Dir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Options for recording `upstream` with `key` into `out`, unpaced.
pub fn options(upstream: &str, key: &str, out: &Path) -> RecordOptions {
    RecordOptions::new(upstream, key, out).rate(Rate::Unlimited)
}

/// A mock serving the recorded file.
pub async fn serve(out: &Path) -> MockServer {
    let fixtures = Fixtures::load(out).expect("the recorded fixture loads");
    MockServer::builder()
        .fixtures(fixtures)
        .start()
        .await
        .expect("start the mock on the recording")
}

/// The recording's key scoped to `group`, or its full-access key.
pub fn key_of<'a>(report: &'a Report, group: Option<&str>) -> &'a str {
    let key: &NewKey = report
        .keys
        .iter()
        .find(|k| k.profile_group_id.as_deref() == group)
        .expect("a key of that scope");
    &key.key
}

/// An API seen with one key.
pub struct Api {
    http: reqwest::Client,
    base: String,
    key: String,
}

impl Api {
    pub fn new(base: &str, key: &str) -> Self {
        Self {
            http: reqwest::Client::new(),
            base: base.trim_end_matches('/').to_string(),
            key: key.to_string(),
        }
    }

    /// Status and body text of `GET {base}{path}`.
    pub async fn get(&self, path: &str) -> (u16, String) {
        let response = self
            .http
            .get(format!("{}{path}", self.base))
            .bearer_auth(&self.key)
            .send()
            .await
            .unwrap_or_else(|e| panic!("GET {path}: {e}"));
        let status = response.status().as_u16();
        (status, response.text().await.expect("a body"))
    }

    async fn json(&self, path: &str) -> Value {
        let (status, body) = self.get(path).await;
        assert_eq!(status, 200, "GET {path}: {body}");
        serde_json::from_str(&body).expect("JSON")
    }
}

/// Percent-encodes a path segment or query value.
pub fn enc(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                char::from(b).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Every GET a client could make of what `upstream` shows (groups, each group, the profile
/// lists, each profile, its placements, its stats with and without `placement_id` and in
/// several windows), plus `extra`: each must be answered by `served` with the same status and
/// byte-identical body. Returns how many were compared.
pub async fn assert_same_answers(upstream: &Api, served: &Api, extra: &[String]) -> usize {
    let paths = every_get(upstream, extra).await;
    for path in &paths {
        let expected = upstream.get(path).await;
        let answered = served.get(path).await;
        assert_eq!(answered, expected, "GET {path}");
    }
    paths.len()
}

/// The paths of every GET a client could make of what `upstream` shows (see
/// [`assert_same_answers`]), plus `extra`; found by GETs to `upstream`.
pub async fn every_get(upstream: &Api, extra: &[String]) -> Vec<String> {
    let mut paths: Vec<String> = vec![
        "/api/profile_groups".into(),
        "/api/profiles".into(),
        "/api/profiles/prof_not_there".into(),
        "/api/profile_groups/grp_not_there".into(),
    ];
    paths.extend(extra.iter().cloned());
    for group in upstream.json("/api/profile_groups").await["data"]
        .as_array()
        .expect("a list")
    {
        let id = enc(group["id"].as_str().expect("an id"));
        paths.push(format!("/api/profile_groups/{id}"));
        paths.push(format!("/api/profiles?profile_group_id={id}"));
    }
    for profile in upstream.json("/api/profiles").await["data"]
        .as_array()
        .expect("a list")
    {
        let id = enc(profile["id"].as_str().expect("an id"));
        paths.push(format!("/api/profiles/{id}"));
        paths.push(format!("/api/profiles/{id}/placements"));
        paths.extend(stats_paths(upstream, &id).await);
    }
    paths
}

/// A profile's stats paths: without `placement_id`, with each placement's, each in windows
/// cut at its records' times.
async fn stats_paths(upstream: &Api, id: &str) -> Vec<String> {
    let mut series = vec![String::new()];
    let (status, body) = upstream
        .get(&format!("/api/profiles/{id}/placements"))
        .await;
    if status == 200 {
        let placements: Value = serde_json::from_str(&body).expect("JSON");
        for p in placements["data"].as_array().expect("a list") {
            if let Some(pid) = p["id"].as_str() {
                series.push(format!("placement_id={}&", enc(pid)));
            }
        }
    }
    let mut paths = Vec::new();
    for placement in series {
        let base = format!("/api/profiles/{id}/stats?{placement}");
        let (status, body) = upstream.get(&base).await;
        let mut windows = vec![
            String::new(),
            "from=2000-01-01T00:00:00Z&to=2000-01-02T00:00:00Z".into(),
            "from=not-a-time".into(),
        ];
        if status == 200 {
            let stats: Value = serde_json::from_str(&body).expect("JSON");
            let times: Vec<&str> = stats["data"]["records"]
                .as_array()
                .expect("records")
                .iter()
                .map(|r| r["recorded_at"].as_str().expect("a time"))
                .collect();
            if let (Some(first), Some(mid)) = (times.first(), times.get(times.len() / 2)) {
                let (first, mid) = (enc(first), enc(mid));
                windows.push(format!("from={mid}"));
                windows.push(format!("to={mid}"));
                windows.push(format!("from={first}&to={mid}"));
                windows.push(format!("from={mid}&to={mid}"));
            }
        }
        paths.extend(windows.into_iter().map(|w| format!("{base}{w}")));
    }
    paths
}

/// One scripted answer of the stub upstream.
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(&'static str, String)>,
    pub body: String,
}

impl Reply {
    pub fn json(status: u16, body: Value) -> Self {
        Self {
            status,
            headers: vec![("content-type", "application/json".into())],
            body: body.to_string(),
        }
    }
}

/// A stub upstream on loopback: `reply(n, request_line)` answers the `n`th request (from 0),
/// one request per connection. Its base URL.
pub async fn stub<F>(reply: F) -> String
where
    F: Fn(usize, &str) -> Reply + Send + Sync + 'static,
{
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind the stub");
    let addr = listener.local_addr().expect("its address");
    let reply = Arc::new(reply);
    let count = Arc::new(AtomicUsize::new(0));
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let (reply, count) = (reply.clone(), count.clone());
            tokio::spawn(async move {
                let mut head = Vec::new();
                let mut buf = [0u8; 1024];
                while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                    match socket.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => head.extend_from_slice(&buf[..n]),
                    }
                }
                let head = String::from_utf8_lossy(&head);
                let line = head.lines().next().unwrap_or_default().to_string();
                let r = reply(count.fetch_add(1, Ordering::SeqCst), &line);
                let mut out = format!(
                    "HTTP/1.1 {} Stub\r\ncontent-length: {}\r\nconnection: close\r\n",
                    r.status,
                    r.body.len()
                );
                for (name, value) in &r.headers {
                    out.push_str(&format!("{name}: {value}\r\n"));
                }
                out.push_str("\r\n");
                out.push_str(&r.body);
                let _ = socket.write_all(out.as_bytes()).await;
                let _ = socket.shutdown().await;
            });
        }
    });
    format!("http://{addr}")
}
