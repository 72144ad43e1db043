//! [`MockServer`]: the mock served over HTTP on a local port, in-process or from the binary.
//!
//! Besides the API it serves the spec (`/openapi.yaml` verbatim; `/openapi.json` with its
//! `servers` pointing at the mock itself, see [`served_openapi_json`]), Swagger UI over it and
//! the control API's spec (`/docs`), and the connect URLs initialize_connection hands out
//! (`/connect/{token}`), and it accepts paths with a trailing
//! slash (`GET /api/profile_groups/`) as real clients send them. Request headers are capped
//! at [`crate::limits::HEADER_LIMIT`] bytes (431 with a JSON body; see [`crate::limits`]).
//! Connections that send half a request head, or sit idle, are closed after the builder's
//! [`MockServerBuilder::header_read_timeout`] and [`MockServerBuilder::idle_timeout`] (see
//! [`crate::http::serve`]).

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use axum::extract::Request;
use axum::http::{header, HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::app::{AppState, DEFAULT_SEED};
use crate::domain::fixtures::{Fixtures, DEMO_FULL_ACCESS_KEY, DEMO_SCOPED_KEY};

/// The hand-written spec, served at `/openapi.yaml`: the crate's copy of
/// `openapi/postproxy.yaml`, which `cargo xtask regen` keeps identical.
pub const OPENAPI_YAML: &str = include_str!("../openapi/postproxy.yaml");

/// The same spec as JSON, which `cargo xtask regen` writes beside the YAML copy (so the
/// library needs no YAML parser to serve it).
const OPENAPI_JSON: &str = include_str!("../openapi/postproxy.json");

/// The spec as JSON, parsed once from the embedded JSON copy of [`OPENAPI_YAML`].
pub fn openapi_json() -> &'static serde_json::Value {
    static JSON: OnceLock<serde_json::Value> = OnceLock::new();
    JSON.get_or_init(|| {
        serde_json::from_str(OPENAPI_JSON).unwrap_or_else(
            |e| serde_json::json!({ "error": format!("the embedded spec does not parse: {e}") }),
        )
    })
}

/// The `servers` of the specs the mock serves as JSON (`/openapi.json`, `/__mock/openapi.json`):
/// the mock itself, as a URL relative to the document, so Swagger UI's "Try it out" reaches the
/// host and port the page was loaded from (also behind a port mapping), never the real service.
pub fn mock_servers() -> serde_json::Value {
    serde_json::json!([{
        "url": "/",
        "description": "This mock server (requests from /docs stay on it)"
    }])
}

/// The spec as `/openapi.json` serves it: [`openapi_json`] with `servers` replaced by
/// [`mock_servers`], so tools reading it (Swagger UI at `/docs`) send requests to the mock, not
/// to `https://api.postproxy.dev`. `/openapi.yaml` keeps the spec's own `servers`.
pub fn served_openapi_json() -> &'static serde_json::Value {
    static JSON: OnceLock<serde_json::Value> = OnceLock::new();
    JSON.get_or_init(|| {
        let mut spec = openapi_json().clone();
        if let Some(spec) = spec.as_object_mut() {
            spec.insert("servers".into(), mock_servers());
        }
        spec
    })
}

/// The complete HTTP service of a mock over `api`: the API routes (with the body limit), the
/// spec, the connect URLs, a request log, and trailing-slash normalisation in front of routing.
pub fn service(
    api: Arc<AppState>,
) -> impl tower::Service<
    Request,
    Response = Response,
    Error = Infallible,
    Future = impl Send + 'static,
> + Clone
       + Send
       + 'static {
    let extra = Router::new()
        .route("/openapi.yaml", get(spec_yaml))
        .route("/openapi.json", get(spec_json));
    let product = crate::app(api.clone()).layer(axum::middleware::from_fn_with_state(
        api.clone(),
        crate::http::middleware::intercept,
    ));
    let router = product
        .merge(extra)
        .merge(crate::control::router(api.clone()))
        .merge(crate::control::consent::router(api))
        .merge(docs())
        // The generated router's 405 fallback covers only its own routes; this one covers
        // the control API, the spec and the connect pages too (axum's default is an empty
        // body).
        .method_not_allowed_fallback(crate::http::error::method_not_allowed)
        .layer(axum::middleware::from_fn(limit_headers))
        .layer(axum::middleware::from_fn(log_request));
    tower::ServiceExt::map_request(router, trim_trailing_slash)
}

/// Removes trailing slashes from the path (not from `/` itself), keeping the query.
fn trim_trailing_slash(mut request: Request) -> Request {
    let path = request.uri().path();
    // Swagger UI lives under `/docs/` and redirects `/docs` there itself.
    if path.len() > 1 && path.ends_with('/') && !path.starts_with("/docs") {
        let trimmed = path.trim_end_matches('/');
        let trimmed = if trimmed.is_empty() { "/" } else { trimmed };
        let path_and_query = match request.uri().query() {
            Some(query) => format!("{trimmed}?{query}"),
            None => trimmed.to_string(),
        };
        let mut parts = request.uri().clone().into_parts();
        if let Ok(pq) = path_and_query.parse() {
            parts.path_and_query = Some(pq);
            if let Ok(uri) = Uri::from_parts(parts) {
                *request.uri_mut() = uri;
            }
        }
    }
    request
}

/// 431 with the spec's error body when the request's headers (names and values) exceed
/// [`crate::limits::HEADER_LIMIT`]. hyper itself refuses more than
/// [`crate::limits::MAX_HEADERS`] headers, or a request head over its read buffer, with a bare
/// 431 before the request gets here.
async fn limit_headers(request: Request, next: axum::middleware::Next) -> Response {
    let size: usize = request
        .headers()
        .iter()
        .map(|(name, value)| name.as_str().len() + value.len())
        .sum();
    if size > crate::limits::HEADER_LIMIT {
        return crate::http::error::ApiError::new(
            StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            format!(
                "Request headers are too large (limit {} bytes)",
                crate::limits::HEADER_LIMIT
            ),
        )
        .into_response();
    }
    next.run(request).await
}

async fn log_request(request: Request, next: axum::middleware::Next) -> Response {
    // Off the hot path when the log level leaves requests out (as benchmarks run it).
    if !tracing::enabled!(tracing::Level::INFO) {
        return next.run(request).await;
    }
    let method = request.method().clone();
    let path = request.uri().path().to_string();
    let started = std::time::Instant::now();
    let response = next.run(request).await;
    tracing::info!(
        %method,
        %path,
        status = response.status().as_u16(),
        elapsed_us = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX),
        "request"
    );
    response
}

async fn spec_yaml() -> Response {
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/yaml"),
        )],
        OPENAPI_YAML,
    )
        .into_response()
}

async fn spec_json() -> Response {
    crate::http::respond::json(StatusCode::OK, served_openapi_json())
}

/// Swagger UI at `/docs` over both specs, named in its picker: the product API and the control
/// API. Its assets are vendored into the binary, so it works without internet. Both specs'
/// `servers` are the mock itself ([`mock_servers`]).
#[cfg(feature = "swagger-ui")]
fn docs() -> Router {
    use utoipa_swagger_ui::Url;
    let config = utoipa_swagger_ui::Config::new([
        Url::new("Postproxy API (served by this mock)", "/openapi.json"),
        Url::new("Mock control API (/__mock/)", "/__mock/openapi.json"),
    ]);
    Router::from(utoipa_swagger_ui::SwaggerUi::new("/docs").config(config))
}

/// Without the `swagger-ui` feature `/docs` is an ordinary unknown route (404).
#[cfg(not(feature = "swagger-ui"))]
fn docs() -> Router {
    Router::new()
}

/// The default [`MockServerBuilder::header_read_timeout`]: 10 seconds.
pub const DEFAULT_HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);

/// The default [`MockServerBuilder::idle_timeout`]: 60 seconds.
pub const DEFAULT_IDLE_TIMEOUT: Duration = Duration::from_secs(60);

/// Configures a [`MockServer`]: fixtures, seed, address, connection timeouts.
#[derive(Debug, Clone)]
pub struct MockServerBuilder {
    fixtures: Option<Fixtures>,
    seed: u64,
    addr: SocketAddr,
    base_url: Option<String>,
    header_read_timeout: Duration,
    idle_timeout: Duration,
    cache: bool,
}

impl Default for MockServerBuilder {
    fn default() -> Self {
        Self {
            fixtures: None,
            seed: DEFAULT_SEED,
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            base_url: None,
            header_read_timeout: DEFAULT_HEADER_READ_TIMEOUT,
            idle_timeout: DEFAULT_IDLE_TIMEOUT,
            cache: true,
        }
    }
}

impl MockServerBuilder {
    /// Start with these fixtures instead of the demo data. They are validated at start.
    pub fn fixtures(mut self, fixtures: Fixtures) -> Self {
        self.fixtures = Some(fixtures);
        self
    }

    /// The seed new ids are generated from (default [`DEFAULT_SEED`]).
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// The address to bind (default `127.0.0.1:0`: a free port on loopback).
    pub fn addr(mut self, addr: SocketAddr) -> Self {
        self.addr = addr;
        self
    }

    /// The base URL clients reach the server at, used in initialize_connection's URLs (default
    /// `http://<bound address>`, with an unspecified IP replaced by loopback).
    pub fn base_url(mut self, base_url: impl Into<String>) -> Self {
        self.base_url = Some(base_url.into());
        self
    }

    /// How long a request head may take to arrive, from its first byte (default
    /// [`DEFAULT_HEADER_READ_TIMEOUT`]). A connection still sending its head after that is
    /// closed without an answer, so half-sent requests cannot pile up.
    pub fn header_read_timeout(mut self, timeout: Duration) -> Self {
        self.header_read_timeout = timeout;
        self
    }

    /// How long a connection may sit with no request being handled and no bytes moving (a
    /// keep-alive connection between requests, a connection that sends nothing, a client not
    /// reading its answer) before it is closed (default [`DEFAULT_IDLE_TIMEOUT`]). It does not
    /// apply while a handler runs, unless the handler waits for request body bytes that
    /// stopped coming.
    pub fn idle_timeout(mut self, timeout: Duration) -> Self {
        self.idle_timeout = timeout;
        self
    }

    /// Whether repeated product GETs may be answered from the server's cache of answers (on by
    /// default; `crate::http::cache`). A cached answer is only ever the one the server would
    /// make afresh; turning it off serves every GET fresh (the crate's tests compare the two).
    #[cfg(feature = "test-support")]
    #[doc(hidden)]
    pub fn response_cache(mut self, on: bool) -> Self {
        self.cache = on;
        self
    }

    /// Binds the address and starts serving on the current Tokio runtime.
    pub async fn start(self) -> std::io::Result<MockServer> {
        let fixtures = match self.fixtures {
            Some(fixtures) => {
                fixtures
                    .validate()
                    .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))?;
                fixtures
            }
            None => Fixtures::demo(),
        };
        let listener = TcpListener::bind(self.addr).await?;
        let addr = listener.local_addr()?;
        let base_url = self.base_url.unwrap_or_else(|| {
            let mut visible = addr;
            if visible.ip().is_unspecified() {
                visible.set_ip(if addr.is_ipv4() {
                    std::net::Ipv4Addr::LOCALHOST.into()
                } else {
                    std::net::Ipv6Addr::LOCALHOST.into()
                });
            }
            format!("http://{visible}")
        });
        let api = Arc::new(AppState::new(&fixtures, self.seed, base_url, self.cache));
        let service = service(api.clone());
        let (shutdown, signal) = oneshot::channel::<()>();
        let limits = crate::http::serve::ConnectionLimits {
            header_read: self.header_read_timeout,
            idle: self.idle_timeout,
        };
        let task = tokio::spawn(crate::http::serve::serve(
            listener,
            service,
            limits,
            async {
                // Either a shutdown request or the handle being dropped.
                let _ = signal.await;
            },
        ));
        Ok(MockServer {
            addr,
            api,
            shutdown: Some(shutdown),
            task: Some(task),
        })
    }
}

/// An API key of a running server, as [`MockServer::api_keys`] lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiKey {
    /// The secret sent as `Authorization: Bearer <key>`.
    pub key: String,
    /// Its public id (as the journal and the control API show it).
    pub key_id: String,
    /// The account it belongs to.
    pub account_id: String,
    /// The group a scoped key is limited to; `None` for full access.
    pub profile_group_id: Option<String>,
}

/// A running mock server. Dropping it shuts it down.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// use postproxy_mock_server::MockServer;
///
/// let server = MockServer::start().await;
/// let url = format!("{}/api/profile_groups", server.base_url());
/// # let _ = (url, server.full_access_key());
/// # }
/// ```
#[derive(Debug)]
pub struct MockServer {
    addr: SocketAddr,
    api: Arc<AppState>,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl MockServer {
    /// Starts a server with the demo data on a free loopback port.
    ///
    /// # Panics
    /// If no loopback port can be bound; use [`MockServer::builder`] to handle that error.
    pub async fn start() -> Self {
        Self::builder()
            .start()
            .await
            .expect("bind a free port on 127.0.0.1")
    }

    /// A builder to choose fixtures, seed and address.
    pub fn builder() -> MockServerBuilder {
        MockServerBuilder::default()
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The base URL, e.g. `http://127.0.0.1:41234`, without a trailing slash.
    pub fn base_url(&self) -> &str {
        self.api.base_url()
    }

    /// The demo data's full-access key ([`DEMO_FULL_ACCESS_KEY`]).
    pub fn full_access_key(&self) -> &'static str {
        DEMO_FULL_ACCESS_KEY
    }

    /// The demo data's key scoped to `grp456def` ([`DEMO_SCOPED_KEY`]).
    pub fn scoped_key(&self) -> &'static str {
        DEMO_SCOPED_KEY
    }

    /// Every API key of the loaded fixtures, account by account.
    pub fn api_keys(&self) -> Vec<ApiKey> {
        self.api
            .store()
            .api_keys()
            .into_iter()
            .map(|k| ApiKey {
                key_id: k.principal.key_id,
                account_id: k.principal.account_id,
                profile_group_id: k.principal.scope.group().map(str::to_string),
                key: k.key,
            })
            .collect()
    }

    /// A typed client of this server's control API (`/__mock/`).
    pub fn control(&self) -> crate::control::client::ControlClient {
        crate::control::client::ControlClient::new(self.base_url())
    }

    /// The demo data's account id ([`crate::domain::fixtures::DEMO_ACCOUNT_ID`]), for the control API.
    pub fn demo_account_id(&self) -> &'static str {
        crate::domain::fixtures::DEMO_ACCOUNT_ID
    }

    /// How many GETs were answered from the cache (the `test-support` feature).
    #[cfg(feature = "test-support")]
    #[doc(hidden)]
    pub fn cache_hits(&self) -> u64 {
        self.api.store().cache.hits()
    }

    /// The store behind the server, locked (the `test-support` feature: the crate's own tests
    /// fill accounts to their caps with it).
    #[cfg(feature = "test-support")]
    #[doc(hidden)]
    pub fn store(&self) -> std::sync::MutexGuard<'_, crate::app::State> {
        self.api.store()
    }

    /// Stops accepting connections and waits until open requests have finished. Idle
    /// connections are closed at once; a request head still arriving is waited for, at most
    /// until the header-read timeout closes it.
    pub async fn shutdown(mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
    }
}
