//! The accept loop and the per-connection limits, so that no client can wedge the server by
//! holding connections open.
//!
//! `axum::serve` keeps a connection for as long as the client does: one that sent half a
//! request head, or an idle keep-alive connection, stayed forever, and enough of them used up
//! the open-file limit (the mock then answered nobody). This loop serves each connection with
//! hyper's HTTP/1 server (as `axum::serve` does with the `http1` feature only) and watches it:
//!
//! * **header-read timeout**: a request head must arrive whole within this time of its first
//!   byte; otherwise the connection is closed (without an answer, as hyper and nginx do);
//! * **idle timeout**: a connection with no request being handled and no bytes moving in either
//!   direction (a keep-alive connection between requests, a fresh connection that sends nothing,
//!   a client that does not read its answer) is closed after this time.
//!
//! While a handler runs (including a fault's delay) neither limit applies, except the idle
//! timeout while it waits for request body bytes that stopped coming.
//!
//! Why not hyper's own `header_read_timeout`: hyper starts that timer whenever it waits for a
//! request head, an idle keep-alive connection included, so it cannot give an idle limit longer
//! than the header limit. The two limits here are measured from an IO wrapper that stamps the
//! last byte read or written, and a service wrapper that marks the time a handler runs.
//!
//! Accept errors (such as `EMFILE` when the process runs out of descriptors) never end the
//! loop. As nginx does when it runs out of connections, it then closes the connections that
//! have waited longest without a handler running (idle, or still sending a head), up to an
//! eighth of them and at least [`EVICT_AT_LEAST`], and accepts again a moment later; with none
//! to close it waits [`ACCEPT_BACKOFF`]. So a flood of connections holding descriptors delays a
//! new client only briefly instead of until the flood's own timeouts. The error is logged at
//! most once per [`ACCEPT_ERROR_LOG_EVERY`]. Shutdown is graceful: the listener closes, idle connections close
//! at once, requests being handled finish, and a request head still arriving is waited for at
//! most until its header-read timeout (hyper-util's `GracefulShutdown`).

use std::collections::HashMap;
use std::convert::Infallible;
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::Body;
use axum::extract::Request;
use axum::response::Response;
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use hyper_util::server::graceful::{GracefulShutdown, Watcher};
use hyper_util::service::TowerToHyperService;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::time::Instant;

/// How long the accept loop waits after an accept error that is not about one connection
/// (e.g. `EMFILE`: out of descriptors) before accepting again.
pub const ACCEPT_BACKOFF: Duration = Duration::from_millis(50);

/// The fewest connections closed to make room when accepting fails (nginx closes 32).
pub const EVICT_AT_LEAST: usize = 32;

/// The accept loop logs a persisting accept error at most this often.
pub const ACCEPT_ERROR_LOG_EVERY: Duration = Duration::from_secs(5);

/// The two per-connection limits (see the module documentation).
#[derive(Debug, Clone, Copy)]
pub(crate) struct ConnectionLimits {
    pub(crate) header_read: Duration,
    pub(crate) idle: Duration,
}

/// Accepts connections on `listener` and serves `service` on each until `signal` resolves;
/// then stops accepting and waits for the open connections to finish gracefully.
pub(crate) async fn serve<S>(
    listener: TcpListener,
    service: S,
    limits: ConnectionLimits,
    signal: impl Future<Output = ()>,
) where
    S: tower::Service<Request, Response = Response, Error = Infallible> + Clone + Send + 'static,
    S::Future: Send + 'static,
{
    let graceful = GracefulShutdown::new();
    let open = Arc::new(Open::default());
    let mut signal = std::pin::pin!(signal);
    let mut last_logged: Option<Instant> = None;
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            () = &mut signal => break,
        };
        match accepted {
            Ok((stream, _remote)) => {
                let watcher = graceful.watcher();
                let activity = open.add();
                let open = open.clone();
                let service = service.clone();
                tokio::spawn(async move {
                    let id = activity.id;
                    serve_connection(stream, service, limits, watcher, activity).await;
                    open.remove(id);
                });
            }
            // The connection went away before it was accepted: nothing to wait for.
            Err(e) if is_connection_error(&e) => {}
            Err(e) => {
                if last_logged.is_none_or(|at| at.elapsed() >= ACCEPT_ERROR_LOG_EVERY) {
                    tracing::error!(error = %e, "accept failed; closing the longest-waiting connections and retrying");
                    last_logged = Some(Instant::now());
                }
                // A moment for the closed connections' tasks to let go of their descriptors.
                let wait = if open.evict() > 0 {
                    Duration::from_millis(1)
                } else {
                    ACCEPT_BACKOFF
                };
                tokio::select! {
                    () = tokio::time::sleep(wait) => {}
                    () = &mut signal => break,
                }
            }
        }
    }
    drop(listener);
    graceful.shutdown().await;
}

fn is_connection_error(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::ConnectionRefused
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::ConnectionReset
    )
}

/// The open connections, to close some when accepting fails.
#[derive(Debug, Default)]
struct Open {
    next: AtomicU64,
    connections: Mutex<HashMap<u64, Arc<Activity>>>,
}

impl Open {
    fn add(&self) -> Arc<Activity> {
        let activity = Arc::new(Activity::new(self.next.fetch_add(1, Ordering::Relaxed)));
        self.lock().insert(activity.id, activity.clone());
        activity
    }

    fn remove(&self, id: u64) {
        self.lock().remove(&id);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<u64, Arc<Activity>>> {
        self.connections
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Closes the connections waiting longest with no handler running; how many.
    fn evict(&self) -> usize {
        let connections = self.lock();
        let mut waiting: Vec<(Instant, &Arc<Activity>)> = connections
            .values()
            .filter(|a| a.handling.load(Ordering::Relaxed) == 0)
            .map(|a| (a.last_activity(), a))
            .collect();
        let count = (connections.len() / 8)
            .max(EVICT_AT_LEAST)
            .min(waiting.len());
        if count < waiting.len() {
            waiting.select_nth_unstable_by_key(count, |(at, _)| *at);
        }
        for (_, activity) in &waiting[..count] {
            activity.close.notify_one();
        }
        if count > 0 {
            tracing::debug!(
                count,
                open = connections.len(),
                "closing connections to make room"
            );
        }
        count
    }
}

/// Serves one connection, closing it when one of `limits` is passed or when asked to
/// ([`Open::evict`]).
async fn serve_connection<S>(
    stream: TcpStream,
    service: S,
    limits: ConnectionLimits,
    watcher: Watcher,
    activity: Arc<Activity>,
) where
    S: tower::Service<Request, Response = Response, Error = Infallible> + Clone + Send + 'static,
    S::Future: Send + 'static,
{
    let io = TokioIo::new(Tracked {
        inner: stream,
        activity: activity.clone(),
    });
    let marker = activity.clone();
    let service = tower::ServiceExt::map_future(
        tower::ServiceExt::map_request(service, {
            let activity = activity.clone();
            move |request: hyper::Request<Incoming>| {
                let activity = activity.clone();
                request.map(|inner| Body::new(TrackedBody { inner, activity }))
            }
        }),
        move |future| {
            let handling = Handling::enter(marker.clone());
            async move {
                let response = future.await;
                drop(handling);
                response
            }
        },
    );
    let conn = hyper::server::conn::http1::Builder::new()
        .serve_connection(io, TowerToHyperService::new(service));
    let mut conn = std::pin::pin!(watcher.watch(conn));
    loop {
        let check_at = activity.check_at(limits);
        tokio::select! {
            result = conn.as_mut() => {
                if let Err(e) = result {
                    tracing::debug!(error = %e, "connection ended with an error");
                }
                return;
            }
            () = activity.close.notified() => {
                // Only chosen while no handler runs; re-checked here as one may have started.
                if activity.handling.load(Ordering::Relaxed) == 0 {
                    tracing::debug!("closing a connection to make room");
                    return;
                }
            }
            () = tokio::time::sleep_until(check_at) => {
                if let Some(why) = activity.expired(limits) {
                    // No handler runs, or it waits for a body that stopped coming: dropping
                    // the connection loses no answer the client could still get.
                    tracing::debug!("closing a connection: {why}");
                    return;
                }
            }
        }
    }
}

/// What a connection has been doing, stamped in milliseconds since `start`.
#[derive(Debug)]
struct Activity {
    id: u64,
    /// Set to close the connection (see [`Open::evict`]).
    close: tokio::sync::Notify,
    start: Instant,
    /// The last byte read or written, or the end of the last handler.
    last_io: AtomicU64,
    /// One more than the time of the first byte of a request head not yet handed to a
    /// handler; 0 when none is under way.
    head_since: AtomicU64,
    /// Handlers running.
    handling: AtomicUsize,
    /// A handler waits for request body bytes that have not come.
    body_waiting: AtomicBool,
}

impl Activity {
    fn new(id: u64) -> Self {
        Self {
            id,
            close: tokio::sync::Notify::new(),
            start: Instant::now(),
            last_io: AtomicU64::new(0),
            head_since: AtomicU64::new(0),
            handling: AtomicUsize::new(0),
            body_waiting: AtomicBool::new(false),
        }
    }

    fn now(&self) -> u64 {
        u64::try_from(self.start.elapsed().as_millis()).unwrap_or(u64::MAX)
    }

    fn at(&self, millis: u64) -> Instant {
        self.start + Duration::from_millis(millis)
    }

    /// The last sign of life: the last byte moved, the end of a handler, or the accept.
    fn last_activity(&self) -> Instant {
        self.at(self.last_io.load(Ordering::Relaxed))
    }

    fn read(&self) {
        let now = self.now();
        self.last_io.store(now, Ordering::Relaxed);
        if self.handling.load(Ordering::Relaxed) == 0 {
            // Bytes while no handler runs: a request head is under way (keep the first).
            let _ =
                self.head_since
                    .compare_exchange(0, now + 1, Ordering::Relaxed, Ordering::Relaxed);
        }
    }

    fn wrote(&self) {
        self.last_io.store(self.now(), Ordering::Relaxed);
    }

    /// When to look at the connection next: when it passes a limit if nothing happens
    /// meanwhile, and no later than one header-read timeout from now (a head may start in
    /// between, and its deadline must not be missed), nor while a handler runs.
    fn check_at(&self, limits: ConnectionLimits) -> Instant {
        let soon = Instant::now() + limits.header_read.min(limits.idle);
        self.deadline(limits)
            .map_or(soon, |deadline| deadline.min(soon))
    }

    /// The deadline of the limit that applies now: none while a handler runs, unless it waits
    /// for request body bytes (then the idle timeout since the last byte).
    fn deadline(&self, limits: ConnectionLimits) -> Option<Instant> {
        if self.handling.load(Ordering::Relaxed) > 0 {
            return self
                .body_waiting
                .load(Ordering::Relaxed)
                .then(|| self.at(self.last_io.load(Ordering::Relaxed)) + limits.idle);
        }
        Some(match self.head_since.load(Ordering::Relaxed) {
            0 => self.at(self.last_io.load(Ordering::Relaxed)) + limits.idle,
            since => self.at(since - 1) + limits.header_read,
        })
    }

    /// Which limit the connection has passed, if any.
    fn expired(&self, limits: ConnectionLimits) -> Option<&'static str> {
        if Instant::now() < self.deadline(limits)? {
            return None;
        }
        Some(if self.handling.load(Ordering::Relaxed) > 0 {
            "idle timeout, waiting for the request body"
        } else if self.head_since.load(Ordering::Relaxed) == 0 {
            "idle timeout"
        } else {
            "header read timeout"
        })
    }
}

/// Marks a handler running on a connection, from the request head's arrival until the handler
/// returns or is dropped.
struct Handling(Arc<Activity>);

impl Handling {
    fn enter(activity: Arc<Activity>) -> Self {
        activity.handling.fetch_add(1, Ordering::Relaxed);
        activity.head_since.store(0, Ordering::Relaxed);
        Self(activity)
    }
}

impl Drop for Handling {
    fn drop(&mut self) {
        self.0.wrote();
        self.0.handling.fetch_sub(1, Ordering::Relaxed);
    }
}

/// The connection's socket, stamping [`Activity`] on every byte read or written.
struct Tracked {
    inner: TcpStream,
    activity: Arc<Activity>,
}

impl AsyncRead for Tracked {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let before = buf.filled().len();
        let result = Pin::new(&mut this.inner).poll_read(cx, buf);
        if matches!(result, Poll::Ready(Ok(()))) && buf.filled().len() > before {
            this.activity.read();
        }
        result
    }
}

impl AsyncWrite for Tracked {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let result = Pin::new(&mut this.inner).poll_write(cx, buf);
        if matches!(result, Poll::Ready(Ok(n)) if n > 0) {
            this.activity.wrote();
        }
        result
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let result = Pin::new(&mut this.inner).poll_write_vectored(cx, bufs);
        if matches!(result, Poll::Ready(Ok(n)) if n > 0) {
            this.activity.wrote();
        }
        result
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_shutdown(cx)
    }
}

/// A request's body, marking when its handler waits for bytes that have not come (so a client
/// that stops sending a body is closed after the idle timeout, handler or not).
struct TrackedBody {
    inner: Incoming,
    activity: Arc<Activity>,
}

impl http_body::Body for TrackedBody {
    type Data = <Incoming as http_body::Body>::Data;
    type Error = <Incoming as http_body::Body>::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Self::Data>, Self::Error>>> {
        let this = self.get_mut();
        let result = Pin::new(&mut this.inner).poll_frame(cx);
        this.activity
            .body_waiting
            .store(result.is_pending(), Ordering::Relaxed);
        result
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        self.inner.size_hint()
    }
}

impl Drop for TrackedBody {
    fn drop(&mut self) {
        self.activity.body_waiting.store(false, Ordering::Relaxed);
    }
}
