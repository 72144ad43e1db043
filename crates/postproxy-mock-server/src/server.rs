//! [`MockServer`]: the mock served over HTTP on a local port, in-process or from the binary.
//!
//! Besides the API it serves the spec (`/openapi.yaml` verbatim; `/openapi.json` with its
//! `servers` pointing at the mock itself, see `crate::http::spec`), Swagger UI over it and
//! the control API's spec (`/docs`), and the connect URLs initialize_connection hands out
//! (`/connect/{token}`), and it accepts paths with a trailing
//! slash (`GET /api/profile_groups/`) as real clients send them. Request headers are capped
//! at [`crate::limits::HEADER_LIMIT`] bytes (431 with a JSON body; see [`crate::limits`]).
//! Connections that send half a request head, or sit idle, are closed after the builder's
//! [`MockServerBuilder::header_read_timeout`] and [`MockServerBuilder::idle_timeout`] (see
//! [`crate::http::serve`]).

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::domain::fixtures::{Fixtures, DEMO_FULL_ACCESS_KEY, DEMO_SCOPED_KEY};
use crate::state::{AppState, DEFAULT_SEED};

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
        let service = crate::service::service(api.clone());
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
    pub fn store(&self) -> parking_lot::MutexGuard<'_, crate::state::State> {
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
