//! A validating proxy: `postproxy-mock proxy --upstream URL` as a Rust API.
//!
//! [`Proxy::start`] serves on a local address and forwards every request to the upstream
//! unchanged (method, path, query, headers and body; only the headers of one hop are dropped,
//! and `Host` is the upstream's), and returns the upstream's answer unchanged (status, headers
//! but those of one hop, body). On the way it checks both against the spec ([`crate::contract`])
//! and reports each way they break it as a [`Violation`] (operation, status, JSON pointer,
//! message): written as a line on stderr when found ([`LogFormat`]), kept in a bounded list
//! ([`ProxyHandle::violations`], and `GET /__mock/proxy/violations` on the proxy itself).
//!
//! - **Requests**: a path the spec does not document ([`Kind::UnknownPath`]) or a method it does
//!   not document there ([`Kind::UndocumentedMethod`]); a required parameter missing or a value
//!   its schema refuses ([`Kind::Parameter`]); a JSON body that is missing, not JSON, or breaks
//!   its schema. The request is forwarded all the same.
//! - **Answers**: a status the operation does not document, a body documented as JSON that is
//!   not (an HTML error page), or that breaks its schema; a 429 ([`Kind::RateLimited`]: the
//!   spec documents it, but the request was not served). The answer is returned all the same.
//! - **No answer**: an unreachable upstream, a dropped connection ([`Kind::Unreachable`],
//!   [`Kind::Dropped`]) are answered 502, and no whole answer within [`Proxy::timeout`]
//!   ([`Kind::Timeout`]) 504, each with the spec's error body `{"error": "..."}` naming the
//!   upstream.
//!
//! Bodies are read into memory to be checked up to [`MAX_REQUEST_BODY`] (the API's own limit)
//! and [`MAX_RESPONSE_BODY`]; a longer one is passed on as it streams, unchecked, with a note on
//! stderr. Requests under `/__mock/` are the proxy's own control API and never forwarded:
//! `GET /__mock/proxy` (counts), `GET /__mock/proxy/violations[?since=SEQ]` and `DELETE
//! /__mock/proxy/violations`.
//!
//! With [`Proxy::record`], the answers that keep the contract are also kept as the account
//! they show (groups, profiles, placements, stats series merged by `recorded_at`), and
//! [`ProxyHandle::shutdown`] writes them as a fixture the mock serves, with new keys
//! ([`Recording`]). It knows only what passed through: a group's `profiles_count` is the number
//! of its profiles seen, a profile's placements and stats are those listed, a profile whose
//! group was never seen is left out, and created or deleted objects are as the answers said.
//!
//! ```
//! # #[tokio::main(flavor = "multi_thread", worker_threads = 2)]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use postproxy_mock::proxy::{Kind, LogFormat, Proxy};
//! use postproxy_mock_server::MockServer;
//!
//! let upstream = MockServer::start().await; // or https://api.postproxy.dev
//! let proxy = Proxy::new(upstream.base_url()).log(LogFormat::Off).start().await?;
//! let http = reqwest::Client::new();
//! let answer = http
//!     .get(format!("{}/api/profiles?profile_group_id=grp123abc", proxy.base_url()))
//!     .bearer_auth(upstream.full_access_key())
//!     .send()
//!     .await?;
//! assert_eq!(answer.status(), 200); // the upstream's answer, as it came
//! assert!(proxy.violations().is_empty());
//!
//! // A request the spec refuses is forwarded all the same, and reported.
//! let created = http
//!     .post(format!("{}/api/profile_groups", proxy.base_url()))
//!     .bearer_auth(upstream.full_access_key())
//!     .json(&serde_json::json!({"profile_group": {"name": 42}}))
//!     .send()
//!     .await?;
//! assert_eq!(created.status(), 400); // what the upstream said
//! let found = proxy.violations();
//! assert_eq!(found[0].kind, Kind::Schema);
//! assert_eq!(found[0].pointer.as_deref(), Some("/profile_group/name"));
//! proxy.shutdown().await?;
//! # Ok(())
//! # }
//! ```

mod capture;
mod check;
mod control;
mod forward;
mod handle;
mod report;
mod save;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering::Relaxed;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Request, State};
use axum::response::Response;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub use capture::MAX_SNAPSHOTS as MAX_RECORDED_SNAPSHOTS;
pub use report::{Kind, LogFormat, Side, Violation};
pub use save::Recording;

use crate::contract::{Contract, ContractError};
use handle::{Counters, Shared};

/// The longest request body checked: the API's own limit (1 MiB); a longer one is forwarded
/// unchecked.
pub const MAX_REQUEST_BODY: usize = postproxy_mock_server::BODY_LIMIT;
/// The longest answer body checked (32 MiB); a longer one is returned unchecked.
pub const MAX_RESPONSE_BODY: usize = 32 * 1024 * 1024;
/// The default of [`Proxy::max_violations`].
pub const DEFAULT_MAX_VIOLATIONS: usize = 1000;
/// The default of [`Proxy::timeout`].
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);

/// A proxy to start: the upstream and the options.
#[derive(Debug, Clone)]
pub struct Proxy {
    upstream: String,
    addr: SocketAddr,
    record: Option<PathBuf>,
    log: LogFormat,
    max_violations: usize,
    timeout: Duration,
    header_read_timeout: Duration,
    idle_timeout: Duration,
}

/// Why the proxy could not start, or could not write its recording.
#[derive(Debug)]
pub enum ProxyError {
    /// The upstream URL is not an absolute http(s) URL (or https without the `tls` feature).
    InvalidUpstream(String),
    /// The address could not be bound.
    Bind {
        /// The address.
        addr: SocketAddr,
        /// Why.
        error: std::io::Error,
    },
    /// The embedded spec could not be read (a build fault).
    Spec(ContractError),
    /// The `--record` file cannot be written (its folder is missing), or writing it failed.
    Record {
        /// The file.
        path: PathBuf,
        /// Why.
        error: std::io::Error,
    },
}

impl std::fmt::Display for ProxyError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ProxyError::InvalidUpstream(e) => write!(f, "invalid upstream URL: {e}"),
            ProxyError::Bind { addr, error } => write!(f, "cannot listen on {addr}: {error}"),
            ProxyError::Spec(e) => e.fmt(f),
            ProxyError::Record { path, error } => {
                write!(f, "cannot write the recording {}: {error}", path.display())
            }
        }
    }
}

impl std::error::Error for ProxyError {}

impl Proxy {
    /// A proxy to `upstream` (a base URL such as `https://api.postproxy.dev`; a path in it is
    /// put before each request's), on a free loopback port, with the default options.
    pub fn new(upstream: impl Into<String>) -> Proxy {
        Proxy {
            upstream: upstream.into(),
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            record: None,
            log: LogFormat::Text,
            max_violations: DEFAULT_MAX_VIOLATIONS,
            timeout: DEFAULT_TIMEOUT,
            header_read_timeout: postproxy_mock_server::DEFAULT_HEADER_READ_TIMEOUT,
            idle_timeout: postproxy_mock_server::DEFAULT_IDLE_TIMEOUT,
        }
    }

    /// The address to listen on (default `127.0.0.1:0`, a free port).
    pub fn bind(mut self, addr: SocketAddr) -> Proxy {
        self.addr = addr;
        self
    }

    /// Keep what the answers show of the account, and write it as a fixture at `path` on
    /// [`ProxyHandle::shutdown`] (replacing the file).
    pub fn record(mut self, path: impl AsRef<Path>) -> Proxy {
        self.record = Some(path.as_ref().to_path_buf());
        self
    }

    /// How violations are written to stderr as they are found (default [`LogFormat::Text`]).
    pub fn log(mut self, format: LogFormat) -> Proxy {
        self.log = format;
        self
    }

    /// The most violations kept (default [`DEFAULT_MAX_VIOLATIONS`]): beyond it the oldest
    /// are dropped, and counted.
    pub fn max_violations(mut self, max: usize) -> Proxy {
        self.max_violations = max.max(1);
        self
    }

    /// How long the upstream has to give a whole answer, connecting included (default
    /// [`DEFAULT_TIMEOUT`]); then the proxy answers 504.
    pub fn timeout(mut self, timeout: Duration) -> Proxy {
        self.timeout = timeout;
        self
    }

    /// The limits of the connections to the proxy, as the mock's
    /// ([`postproxy_mock_server::serve`]): a request head must arrive within
    /// `header_read`, and a connection with nothing happening is closed after `idle`.
    pub fn connection_timeouts(mut self, header_read: Duration, idle: Duration) -> Proxy {
        self.header_read_timeout = header_read;
        self.idle_timeout = idle;
        self
    }

    /// Binds the address and starts serving on the current Tokio runtime.
    pub async fn start(self) -> Result<ProxyHandle, ProxyError> {
        let contract = Contract::embedded().map_err(ProxyError::Spec)?;
        let upstream = forward::Upstream::new(&self.upstream, self.timeout)
            .map_err(ProxyError::InvalidUpstream)?;
        if let Some(path) = &self.record {
            check_writable(path)?;
        }
        let listener = tokio::net::TcpListener::bind(self.addr)
            .await
            .map_err(|error| ProxyError::Bind {
                addr: self.addr,
                error,
            })?;
        let addr = listener.local_addr().map_err(|error| ProxyError::Bind {
            addr: self.addr,
            error,
        })?;
        let shared = Arc::new(Shared {
            contract,
            upstream,
            log: report::Log::new(self.log, self.max_violations),
            capture: self.record.map(|path| (capture::Capture::default(), path)),
            timeout: self.timeout,
            counters: Counters::default(),
        });
        let router = axum::Router::new()
            .fallback(serve)
            .with_state(shared.clone());
        let (stop, signal) = oneshot::channel::<()>();
        let task = tokio::spawn(postproxy_mock_server::serve(
            listener,
            router,
            self.header_read_timeout,
            self.idle_timeout,
            async {
                let _ = signal.await;
            },
        ));
        Ok(ProxyHandle {
            addr,
            base_url: format!("http://{}", visible(addr)),
            shared,
            stop: Some(stop),
            task: Some(task),
        })
    }
}

/// Fails early when the `--record` file could never be written: its folder is missing.
fn check_writable(path: &Path) -> Result<(), ProxyError> {
    let parent = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    match std::fs::metadata(parent) {
        Ok(meta) if meta.is_dir() => Ok(()),
        Ok(_) => Err(ProxyError::Record {
            path: path.to_path_buf(),
            error: std::io::Error::other(format!("{} is not a folder", parent.display())),
        }),
        Err(error) => Err(ProxyError::Record {
            path: path.to_path_buf(),
            error,
        }),
    }
}

/// The address clients reach: loopback for an unspecified one.
fn visible(mut addr: SocketAddr) -> SocketAddr {
    if addr.ip().is_unspecified() {
        addr.set_ip(match addr {
            SocketAddr::V4(_) => std::net::Ipv4Addr::LOCALHOST.into(),
            SocketAddr::V6(_) => std::net::Ipv6Addr::LOCALHOST.into(),
        });
    }
    addr
}

/// A running proxy. Dropping it stops serving (without writing the recording: that is
/// [`ProxyHandle::shutdown`]'s).
pub struct ProxyHandle {
    addr: SocketAddr,
    base_url: String,
    shared: Arc<Shared>,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

/// What the proxy did, as [`ProxyHandle::shutdown`] returns it.
#[derive(Debug, Clone)]
pub struct Summary {
    /// Requests forwarded (the control API's not counted).
    pub requests: u64,
    /// Of those, how many the upstream answered; the others were answered 502 or 504.
    pub answered: u64,
    /// Violations found in all (cleared and dropped ones included).
    pub violations: u64,
    /// Bodies passed on unchecked (over the caps).
    pub unchecked: u64,
    /// What `record` wrote.
    pub recording: Option<Recording>,
}

impl ProxyHandle {
    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Where clients send requests: `http://127.0.0.1:PORT`.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The upstream's base URL.
    pub fn upstream(&self) -> &str {
        &self.shared.upstream.shown
    }

    /// The violations kept, oldest first.
    pub fn violations(&self) -> Vec<Violation> {
        self.shared.log.snapshot(0).violations
    }

    /// Violations found in all, and how many of them were dropped to keep the bound.
    pub fn violation_counts(&self) -> (u64, u64) {
        let (_, total, dropped) = self.shared.log.counts();
        (total, dropped)
    }

    /// Forgets the violations kept; how many there were.
    pub fn clear_violations(&self) -> usize {
        self.shared.log.clear()
    }

    /// Stops accepting connections, waits for the requests being handled, and writes the
    /// recording (with [`Proxy::record`]).
    pub async fn shutdown(mut self) -> Result<Summary, ProxyError> {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
        let shared = self.shared.clone();
        let counters: &Counters = &shared.counters;
        let mut summary = Summary {
            requests: counters.requests.load(Relaxed),
            answered: counters.answered.load(Relaxed),
            violations: shared.log.counts().1,
            unchecked: counters.unchecked.load(Relaxed),
            recording: None,
        };
        if let Some((capture, path)) = &shared.capture {
            let seen = capture.take_all();
            let (out, upstream) = (path.clone(), shared.upstream.shown.clone());
            let written = tokio::task::spawn_blocking(move || save::write(seen, &out, &upstream))
                .await
                .unwrap_or_else(|e| Err(std::io::Error::other(e.to_string())));
            let recording = written.map_err(|error| ProxyError::Record {
                path: path.clone(),
                error,
            })?;
            summary.recording = Some(recording);
        }
        Ok(summary)
    }
}

impl Drop for ProxyHandle {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// Every request: the control API's (under `/__mock/`, never forwarded), or one to forward.
/// Dispatched here, so that `control` uses `handle` and not the other way round.
async fn serve(State(shared): State<Arc<Shared>>, request: Request) -> Response {
    let path = request.uri().path();
    if path == "/__mock" || path.starts_with("/__mock/") {
        return control::handle(&shared, &request);
    }
    handle::forward(&shared, request).await
}
