//! One request through the proxy: read and check it, forward it, read and check the answer,
//! return the answer as it came. Also what the control API uses of it: [`Shared`] and the
//! proxy's own answers ([`error`], [`json`]).

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::time::Duration;

use axum::body::Body;
use axum::extract::Request;
use axum::response::Response;
use http::header::{self, HeaderValue};
use http::StatusCode;

use super::capture::{Answer, Capture};
use super::check;
use super::forward::{chain, read_capped, strip_hop_by_hop, Capped, Failure, Upstream};
use super::report::{Found, Kind, Log, Side};
use super::{MAX_REQUEST_BODY, MAX_RESPONSE_BODY};
use crate::contract::{Contract, Route};

/// What every request shares.
pub(super) struct Shared {
    pub(super) contract: &'static Contract,
    pub(super) upstream: Upstream,
    pub(super) log: Log,
    /// With `--record`: the account as seen, and where it goes.
    pub(super) capture: Option<(Capture, PathBuf)>,
    pub(super) timeout: Duration,
    pub(super) counters: Counters,
}

/// What the proxy has done so far.
#[derive(Default)]
pub(super) struct Counters {
    /// Requests forwarded (the control API's own not counted).
    pub(super) requests: AtomicU64,
    /// Requests the upstream answered.
    pub(super) answered: AtomicU64,
    /// Requests it did not answer (502 or 504 from the proxy).
    pub(super) failed: AtomicU64,
    /// Bodies too long to check, passed on unchecked.
    pub(super) unchecked: AtomicU64,
}

/// The request being handled, for reports.
struct Exchange<'a> {
    method: String,
    /// The path and query as received.
    target: String,
    operation: Option<&'a str>,
    template: Option<&'a str>,
}

/// A request to forward (any but the control API's).
pub(super) async fn forward(shared: &Shared, request: Request) -> Response {
    shared.counters.requests.fetch_add(1, Relaxed);
    let (mut parts, body) = request.into_parts();
    let target = parts.uri.path_and_query().map_or_else(
        || parts.uri.path().to_string(),
        |pq| pq.as_str().to_string(),
    );
    let body = match read_capped(body, MAX_REQUEST_BODY).await {
        Ok(body) => body,
        Err(e) => {
            let message = format!("cannot read the request body: {}", chain(&e));
            return error(StatusCode::BAD_REQUEST, &message);
        }
    };
    let route = shared
        .contract
        .route_of(parts.method.as_str(), parts.uri.path());
    let (operation, template) = match route {
        Route::Operation { id, template } => (Some(id), Some(template)),
        _ => (None, None),
    };
    let exchange = Exchange {
        method: parts.method.to_string(),
        target,
        operation,
        template,
    };
    let checked = match &body {
        Capped::Whole(bytes) => Some(&bytes[..]),
        Capped::Over(_) => {
            shared.unchecked(&exchange, "request", MAX_REQUEST_BODY);
            None
        }
    };
    let uri = parts.uri.clone();
    let found = check::request(
        shared.contract,
        &route,
        uri.path(),
        uri.query(),
        &parts.headers,
        checked,
    );
    shared.report(&exchange, found);

    parts.uri = match shared.upstream.uri(&exchange.target) {
        Ok(uri) => uri,
        Err(e) => {
            return error(
                StatusCode::BAD_REQUEST,
                &format!("a target the upstream URL cannot take: {e}"),
            )
        }
    };
    parts.version = http::Version::HTTP_11;
    strip_hop_by_hop(&mut parts.headers);
    parts.headers.remove(header::HOST);
    let body = match body {
        Capped::Whole(bytes) => Body::from(bytes),
        Capped::Over(body) => body,
    };
    let request = http::Request::from_parts(parts, body);
    match tokio::time::timeout(shared.timeout, send(&shared.upstream, request)).await {
        Ok(Ok((head, body))) => shared.answered(&exchange, uri.path(), head, body),
        Ok(Err((kind, status, message))) => shared.no_answer(&exchange, kind, status, message),
        Err(_) => {
            let message = format!("no whole answer within {} s", shared.timeout.as_secs_f64());
            shared.no_answer(&exchange, Kind::Timeout, None, message)
        }
    }
}

type NoAnswer = (Kind, Option<u16>, String);

/// Sends the request and reads the answer's body up to its cap.
async fn send(
    upstream: &Upstream,
    request: http::Request<Body>,
) -> Result<(http::response::Parts, Capped), NoAnswer> {
    let response = upstream
        .send(request)
        .await
        .map_err(|failure| match failure {
            Failure::Unreachable(message) => (Kind::Unreachable, None, message),
            Failure::Dropped(message) => (Kind::Dropped, None, message),
        })?;
    let (head, body) = response.into_parts();
    let status = head.status.as_u16();
    let body = read_capped(body, MAX_RESPONSE_BODY).await.map_err(|e| {
        let message = format!("the answer broke off: {}", chain(&e));
        (Kind::Dropped, Some(status), message)
    })?;
    Ok((head, body))
}

impl Shared {
    fn report(&self, exchange: &Exchange<'_>, found: Vec<Found>) {
        self.log.add(
            &exchange.method,
            &exchange.target,
            exchange.operation,
            found,
        );
    }

    fn unchecked(&self, exchange: &Exchange<'_>, what: &str, cap: usize) {
        self.counters.unchecked.fetch_add(1, Relaxed);
        self.log.note(&format!(
            "the {what} body of {} {} is over {cap} bytes: passed on, not checked",
            exchange.method, exchange.target
        ));
    }

    /// Checks the answer, takes it in for `--record` if it keeps the contract, and returns it.
    fn answered(
        &self,
        exchange: &Exchange<'_>,
        path: &str,
        mut head: http::response::Parts,
        body: Capped,
    ) -> Response {
        self.counters.answered.fetch_add(1, Relaxed);
        strip_hop_by_hop(&mut head.headers);
        head.version = http::Version::HTTP_11;
        let bytes = match body {
            Capped::Whole(bytes) => bytes,
            Capped::Over(body) => {
                self.unchecked(exchange, "answer", MAX_RESPONSE_BODY);
                return Response::from_parts(head, body);
            }
        };
        let Some(operation) = exchange.operation else {
            return Response::from_parts(head, Body::from(bytes));
        };
        let status = head.status.as_u16();
        let found = check::response(self.contract, operation, status, &head.headers, &bytes);
        let kept = found.is_empty();
        self.report(exchange, found);
        if let (true, Some((capture, _))) = (kept, &self.capture) {
            capture.take(&Answer {
                operation,
                id: exchange
                    .template
                    .and_then(|t| check::path_param(t, path, "id")),
                status,
                body: &bytes,
                date: head.headers.get(header::DATE).and_then(|d| d.to_str().ok()),
            });
        }
        Response::from_parts(head, Body::from(bytes))
    }

    /// Reports a request the upstream did not answer and answers it: 504 after the timeout,
    /// 502 otherwise, with the spec's error body naming the upstream.
    fn no_answer(
        &self,
        exchange: &Exchange<'_>,
        kind: Kind,
        status: Option<u16>,
        message: String,
    ) -> Response {
        self.counters.failed.fetch_add(1, Relaxed);
        let upstream = &self.upstream.shown;
        let message = match kind {
            Kind::Unreachable => format!("cannot reach the upstream {upstream}: {message}"),
            Kind::Timeout => format!("the upstream {upstream} did not answer: {message}"),
            _ => format!("the upstream {upstream} dropped the connection: {message}"),
        };
        let found = Found {
            side: Side::Upstream,
            kind,
            status,
            pointer: None,
            message: message.clone(),
        };
        self.report(exchange, vec![found]);
        let answer = match kind {
            Kind::Timeout => StatusCode::GATEWAY_TIMEOUT,
            _ => StatusCode::BAD_GATEWAY,
        };
        error(answer, &format!("postproxy-mock proxy: {message}"))
    }
}

/// An answer of the proxy's own, with the spec's error body `{"error": message}`.
pub(super) fn error(status: StatusCode, message: &str) -> Response {
    json(status, &serde_json::json!({ "error": message }))
}

/// A JSON answer of the proxy's own.
pub(super) fn json(status: StatusCode, body: &serde_json::Value) -> Response {
    let mut response = Response::new(Body::from(body.to_string()));
    *response.status_mut() = status;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}
