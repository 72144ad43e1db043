//! What the client reports to [`tracing`]: a span per HTTP attempt and events for its outcome.
//!
//! Only the operation, method, path, attempt, status and duration are recorded. Headers are
//! never recorded, so the API key (sent as `Authorization`) cannot leak into logs.

use std::time::Duration;

use reqwest::{Method, StatusCode};
use tracing::{field, Span};

/// The span around one attempt of one operation. `status` and `duration_ms` are recorded when
/// the attempt ends.
pub(crate) fn attempt_span(
    operation: &'static str,
    method: &Method,
    path: &str,
    attempt: u32,
) -> Span {
    tracing::info_span!(
        "postproxy.request",
        operation,
        method = %method,
        path,
        attempt,
        status = field::Empty,
        duration_ms = field::Empty,
    )
}

fn millis(elapsed: Duration) -> u64 {
    u64::try_from(elapsed.as_millis()).unwrap_or(u64::MAX)
}

/// The attempt got a response.
pub(crate) fn responded(span: &Span, status: StatusCode, elapsed: Duration) {
    let (status, duration_ms) = (status.as_u16(), millis(elapsed));
    span.record("status", status);
    span.record("duration_ms", duration_ms);
    tracing::debug!(parent: span, status, duration_ms, "response");
}

/// The attempt got no response.
pub(crate) fn failed(span: &Span, error: &reqwest::Error, elapsed: Duration) {
    let duration_ms = millis(elapsed);
    span.record("duration_ms", duration_ms);
    tracing::debug!(parent: span, error = %error, timeout = error.is_timeout(), duration_ms, "request failed");
}

/// The attempt failed transiently and will be sent again after `wait`.
pub(crate) fn retrying(span: &Span, reason: &str, wait: Duration) {
    tracing::info!(parent: span, reason, wait_ms = millis(wait), "retrying");
}
