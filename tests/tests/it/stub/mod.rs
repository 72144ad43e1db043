//! `StubServer`: an HTTP server that answers scripted statuses, headers and bodies. The mock's
//! fault injection covers error statuses, latency and dropped connections
//! (`faults_through_the_client.rs`); the stub remains for answers no mock of this API would
//! give: HTML from a gateway, success bodies that do not decode, undocumented success
//! statuses, `Retry-After` as an HTTP date, and exact per-attempt scripts for the retry policy.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Router;

/// One scripted answer.
#[derive(Clone, Debug)]
pub struct Reply {
    status: u16,
    headers: Vec<(&'static str, String)>,
    body: String,
    delay: Duration,
}

impl Reply {
    /// `status` with a JSON body.
    pub fn json(status: u16, body: serde_json::Value) -> Self {
        Self {
            status,
            headers: vec![("content-type", "application/json".into())],
            body: body.to_string(),
            delay: Duration::ZERO,
        }
    }

    /// `status` with the API's error body `{"error": message}`.
    pub fn error(status: u16, message: &str) -> Self {
        Self::json(status, serde_json::json!({ "error": message }))
    }

    /// `status` with an HTML body, as a gateway in front of the API would answer.
    pub fn html(status: u16, body: &str) -> Self {
        Self {
            status,
            headers: vec![("content-type", "text/html".into())],
            body: body.into(),
            delay: Duration::ZERO,
        }
    }

    /// Adds a response header.
    pub fn header(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.headers.push((name, value.into()));
        self
    }

    /// Answers only after `delay`.
    pub fn after(mut self, delay: Duration) -> Self {
        self.delay = delay;
        self
    }
}

/// A request the stub received.
#[derive(Clone, Debug, PartialEq)]
pub struct Seen {
    pub method: String,
    pub path: String,
    pub idempotency_key: Option<String>,
}

struct Script {
    replies: Vec<Reply>,
    seen: Mutex<Vec<Seen>>,
}

/// The stub server; stops when dropped (with the test's runtime).
pub struct StubServer {
    base_url: String,
    script: Arc<Script>,
    task: tokio::task::JoinHandle<()>,
}

impl StubServer {
    /// Serves `replies` on a free loopback port: the n-th request gets the n-th reply, and
    /// every request after the last gets the last.
    pub async fn start(replies: Vec<Reply>) -> Self {
        let socket = tokio::net::TcpSocket::new_v4().unwrap();
        socket.bind(SocketAddr::from(([127, 0, 0, 1], 0))).unwrap();
        Self::start_on(socket, replies)
    }

    /// As [`StubServer::start`], listening on an already bound `socket` (a port a test
    /// reserved earlier, so no one else can take it in between).
    pub fn start_on(socket: tokio::net::TcpSocket, replies: Vec<Reply>) -> Self {
        assert!(!replies.is_empty(), "a stub needs at least one reply");
        let script = Arc::new(Script {
            replies,
            seen: Mutex::new(Vec::new()),
        });
        let listener = socket.listen(1024).unwrap();
        let base_url = format!("http://{}", listener.local_addr().unwrap());
        let app = Router::new().fallback(answer).with_state(script.clone());
        let task = tokio::spawn(async move {
            axum::serve(listener, app).await.unwrap();
        });
        Self {
            base_url,
            script,
            task,
        }
    }

    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The requests received so far, in order.
    pub fn seen(&self) -> Vec<Seen> {
        self.script.seen.lock().unwrap().clone()
    }

    /// How many requests were received.
    pub fn count(&self) -> usize {
        self.script.seen.lock().unwrap().len()
    }
}

impl Drop for StubServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn answer(State(script): State<Arc<Script>>, request: Request) -> Response {
    let reply = {
        let mut seen = script.seen.lock().unwrap();
        seen.push(Seen {
            method: request.method().to_string(),
            path: request.uri().path().to_string(),
            idempotency_key: request
                .headers()
                .get("idempotency-key")
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned),
        });
        script.replies[(seen.len() - 1).min(script.replies.len() - 1)].clone()
    };
    tokio::time::sleep(reply.delay).await;
    let mut response = (StatusCode::from_u16(reply.status).unwrap(), reply.body).into_response();
    for (name, value) in reply.headers {
        response.headers_mut().insert(
            HeaderName::from_static(name),
            HeaderValue::from_str(&value).unwrap(),
        );
    }
    response
}
