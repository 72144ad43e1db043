//! A stub upstream that drifts from the spec on purpose: a proxy in front of an in-process
//! [`MockServer`] that answers as the mock does, except for the requests a [`Rule`] matches,
//! whose answers it changes as the rule's [`Drift`] says (a missing field, a wrong type, an
//! undocumented status, an HTML page, a 429, a dropped connection).
//!
//! With no rules it is a faithful upstream. It counts the requests it saw per path, so a test
//! can tell a retry from none. Reusable by any test that needs an upstream that misbehaves in
//! a known way (verify's, a proxy's).

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use http_body_util::{BodyExt, Full};
use hyper::body::{Bytes, Incoming};
use hyper::{Method, Request, Response};
use hyper_util::rt::TokioIo;
use postproxy_mock_server::MockServer;
use serde_json::Value;

/// How an answer drifts.
#[derive(Debug, Clone)]
pub enum Drift {
    /// Removes the member at this JSON pointer from the body.
    Remove(&'static str),
    /// Sets the member at this JSON pointer to a value (a wrong type, say).
    Set(&'static str, Value),
    /// Answers with this status and the body as it was.
    Status(u16),
    /// Answers with this status, a small HTML page and `Content-Type: text/html`.
    Html(u16),
    /// Answers 429 `{"error": "Rate limit exceeded"}` with `Retry-After: secs`.
    RateLimit { retry_after: u64 },
    /// Closes the connection without answering (the request never reaches the mock).
    Drop,
    /// Answers as the mock does, after this long.
    Slow(std::time::Duration),
    /// Forwards the request to the mock, then closes the connection without answering: the
    /// request took effect, its answer is lost.
    Lost,
}

/// Which requests drift, how, and how many times.
#[derive(Debug, Clone)]
pub struct Rule {
    method: Method,
    /// The path, where a `*` segment matches any one segment; `None` matches every path.
    path: Option<String>,
    drift: Drift,
    /// How many matching requests drift; `None` for all of them.
    times: Option<usize>,
}

impl Rule {
    /// Every `method` request to `path` (any query; a `*` segment matches any one) drifts.
    pub fn on(method: Method, path: &str, drift: Drift) -> Rule {
        Rule {
            method,
            path: Some(path.to_string()),
            drift,
            times: None,
        }
    }

    /// Every `GET` of `path` drifts.
    pub fn get(path: &str, drift: Drift) -> Rule {
        Rule::on(Method::GET, path, drift)
    }

    /// Every request of `method`, whatever its path, drifts.
    pub fn every(method: Method, drift: Drift) -> Rule {
        Rule {
            method,
            path: None,
            drift,
            times: None,
        }
    }

    /// Only the first `n` matching requests drift.
    pub fn times(mut self, n: usize) -> Rule {
        self.times = Some(n);
        self
    }

    fn matches(&self, method: &Method, path: &str) -> bool {
        self.method == method
            && self.path.as_deref().is_none_or(|p| path_matches(p, path))
            && self.times != Some(0)
    }
}

struct State {
    mock_url: String,
    http: reqwest::Client,
    rules: Mutex<Vec<Rule>>,
    seen: Mutex<HashMap<String, usize>>,
}

/// The running stub; stops serving when dropped (the mock behind it too).
pub struct DriftStub {
    /// The mock it forwards to (its control API sets the stage).
    pub mock: MockServer,
    base_url: String,
    state: Arc<State>,
    task: tokio::task::JoinHandle<()>,
}

impl DriftStub {
    /// A stub in front of a fresh demo mock, drifting by `rules`.
    pub async fn start(rules: Vec<Rule>) -> DriftStub {
        let mock = MockServer::start().await;
        let state = Arc::new(State {
            mock_url: mock.base_url().to_string(),
            http: reqwest::Client::new(),
            rules: Mutex::new(rules),
            seen: Mutex::new(HashMap::new()),
        });
        let listener = tokio::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0)))
            .await
            .expect("a loopback port");
        let base_url = format!("http://{}", listener.local_addr().expect("bound"));
        let task = tokio::spawn(serve(listener, state.clone()));
        DriftStub {
            mock,
            base_url,
            state,
            task,
        }
    }

    /// Where to send requests.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// How many requests for `path` (any method and query) arrived.
    pub fn seen(&self, path: &str) -> usize {
        let seen = self.state.seen.lock().expect("unpoisoned");
        seen.get(path).copied().unwrap_or(0)
    }

    /// How many requests arrived, for any path.
    pub fn seen_in_all(&self) -> usize {
        self.state.seen.lock().expect("unpoisoned").values().sum()
    }
}

impl Drop for DriftStub {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn serve(listener: tokio::net::TcpListener, state: Arc<State>) {
    while let Ok((stream, _)) = listener.accept().await {
        let state = state.clone();
        tokio::spawn(async move {
            let service = hyper::service::service_fn(move |request| {
                let state = state.clone();
                async move { answer(&state, request).await }
            });
            // An Err from the service (a Drop drift) makes hyper close the connection.
            let _ = hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}

type Answer = Response<Full<Bytes>>;

async fn answer(state: &State, request: Request<Incoming>) -> Result<Answer, std::io::Error> {
    let path = request.uri().path().to_string();
    *state
        .seen
        .lock()
        .expect("unpoisoned")
        .entry(path.clone())
        .or_default() += 1;
    let drift = take_drift(state, request.method(), &path);
    match drift {
        Some(Drift::Drop) => return Err(std::io::Error::other("the stub drops this connection")),
        Some(Drift::Slow(delay)) => tokio::time::sleep(delay).await,
        _ => {}
    }
    let (status, content_type, body) = forward(state, request).await;
    if let Some(Drift::Lost) = drift {
        return Err(std::io::Error::other("the stub loses this answer"));
    }
    Ok(drifted(drift, status, content_type, body))
}

/// The drift of the first rule matching the request, using up one of its times.
fn take_drift(state: &State, method: &Method, path: &str) -> Option<Drift> {
    let mut rules = state.rules.lock().expect("unpoisoned");
    let rule = rules.iter_mut().find(|r| r.matches(method, path))?;
    if let Some(times) = &mut rule.times {
        *times -= 1;
    }
    Some(rule.drift.clone())
}

/// The mock's answer to the same request: status, `Content-Type`, body.
async fn forward(state: &State, request: Request<Incoming>) -> (u16, Option<String>, Bytes) {
    let (parts, body) = request.into_parts();
    let body = body
        .collect()
        .await
        .map(|b| b.to_bytes())
        .unwrap_or_default();
    let target = parts.uri.path_and_query().map_or("/", |p| p.as_str());
    let mut forwarded = state
        .http
        .request(parts.method.clone(), format!("{}{target}", state.mock_url))
        .body(body);
    for name in ["authorization", "content-type", "idempotency-key"] {
        if let Some(value) = parts.headers.get(name) {
            forwarded = forwarded.header(name, value.clone());
        }
    }
    let response = forwarded.send().await.expect("the mock answers");
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    (
        status,
        content_type,
        response.bytes().await.expect("the mock's body"),
    )
}

fn drifted(drift: Option<Drift>, status: u16, content_type: Option<String>, body: Bytes) -> Answer {
    let json = |status: u16, body: Vec<u8>| respond(status, Some("application/json"), body, None);
    match drift {
        None | Some(Drift::Drop | Drift::Lost | Drift::Slow(_)) => {
            respond(status, content_type.as_deref(), body.to_vec(), None)
        }
        Some(Drift::Status(status)) => {
            respond(status, content_type.as_deref(), body.to_vec(), None)
        }
        Some(Drift::Html(status)) => {
            let page = format!(
                "<!DOCTYPE html>\n<html><head><title>{status} Error</title></head>\
                 <body><h1>{status} Error</h1><p>nginx</p></body></html>\n"
            );
            respond(
                status,
                Some("text/html; charset=utf-8"),
                page.into_bytes(),
                None,
            )
        }
        Some(Drift::RateLimit { retry_after }) => {
            let body = br#"{"error": "Rate limit exceeded"}"#.to_vec();
            respond(429, Some("application/json"), body, Some(retry_after))
        }
        Some(Drift::Remove(pointer)) => json(status, edit(&body, pointer, None)),
        Some(Drift::Set(pointer, value)) => json(status, edit(&body, pointer, Some(value))),
    }
}

/// The JSON body with the member at `pointer` removed, or set to `value`; as it was if it
/// has no such member (the rule's request was answered with an error body, say).
fn edit(body: &[u8], pointer: &str, value: Option<Value>) -> Vec<u8> {
    let mut json: Value = serde_json::from_slice(body).expect("the mock answers JSON");
    let (parent, last) = pointer.rsplit_once('/').expect("a pointer below the root");
    let Some(parent) = json.pointer_mut(parent) else {
        return body.to_vec();
    };
    match (parent, value) {
        (Value::Object(object), None) => {
            object.remove(last);
        }
        (Value::Object(object), Some(value)) => {
            object.insert(last.to_string(), value);
        }
        (Value::Array(items), value) => {
            let index: usize = last.parse().expect("an array index");
            match value {
                None if index < items.len() => {
                    items.remove(index);
                }
                Some(value) if index < items.len() => items[index] = value,
                _ => {}
            }
        }
        _ => {}
    }
    serde_json::to_vec(&json).expect("serialisable")
}

fn respond(
    status: u16,
    content_type: Option<&str>,
    body: Vec<u8>,
    retry_after: Option<u64>,
) -> Answer {
    let mut response = Response::builder().status(status);
    if let Some(content_type) = content_type {
        response = response.header("content-type", content_type);
    }
    if let Some(secs) = retry_after {
        response = response.header("retry-after", secs.to_string());
    }
    response
        .body(Full::new(Bytes::from(body)))
        .expect("a valid response")
}

/// Whether `path` matches `pattern`, where a `*` segment matches any one segment.
fn path_matches(pattern: &str, path: &str) -> bool {
    let (pattern, path): (Vec<&str>, Vec<&str>) =
        (pattern.split('/').collect(), path.split('/').collect());
    pattern.len() == path.len() && pattern.iter().zip(&path).all(|(p, s)| *p == "*" || p == s)
}

/// One of each drift the stub can plant, on distinct objects of the demo account: what the
/// verify and proxy tests both expect reported exactly.
pub fn every_drift() -> Vec<Rule> {
    vec![
        Rule::get("/api/profiles/prof_li_001", Drift::Remove("/name")),
        Rule::get(
            "/api/profile_groups/grp123abc",
            Drift::Set("/profiles_count", serde_json::json!("5")),
        ),
        Rule::get("/api/profiles/prof_tg_001/placements", Drift::Status(403)),
        Rule::get(
            "/api/profile_groups/grp_postproxy_mock_verify_missing",
            Drift::Html(404),
        ),
        Rule::get(
            "/api/profiles/prof_yt_001",
            Drift::RateLimit { retry_after: 0 },
        ),
        Rule::get("/api/profiles/prof_pi_001/placements", Drift::Drop),
    ]
}
