//! The proxy's own control API, under `/__mock/` (never forwarded):
//!
//! - `GET /__mock/proxy`: the upstream and the counts (`requests`, `answered`, `failed`,
//!   `unchecked`, `violations`, `kept`, `dropped`) and the `--record` file (or null);
//! - `GET /__mock/proxy/violations[?since=SEQ]`: `{"violations": [...], "total", "dropped"}`,
//!   oldest first, those numbered above `since` only if given;
//! - `DELETE /__mock/proxy/violations`: forgets them, `{"cleared": n}` (the numbering goes on).
//!
//! Anything else under `/__mock/` is a 404 (405 for a wrong method), with the spec's error
//! body.

use std::sync::atomic::Ordering::Relaxed;

use axum::extract::Request;
use axum::response::Response;
use http::header::{HeaderValue, ALLOW};
use http::{Method, StatusCode};
use serde_json::json;

use super::handle::{error, json, Shared};

const STATUS: &str = "/__mock/proxy";
const VIOLATIONS: &str = "/__mock/proxy/violations";

/// Answers a request under `/__mock/`.
pub(super) fn handle(shared: &Shared, request: &Request) -> Response {
    let path = request.uri().path().trim_end_matches('/');
    let method = request.method();
    match (path, method) {
        (STATUS, &Method::GET) => json(StatusCode::OK, &status(shared)),
        (VIOLATIONS, &Method::GET) => match since(request.uri().query()) {
            Ok(since) => {
                let log = shared.log.snapshot(since);
                let body = json!({
                    "violations": log.violations,
                    "total": log.total,
                    "dropped": log.dropped,
                });
                json(StatusCode::OK, &body)
            }
            Err(message) => error(StatusCode::BAD_REQUEST, &message),
        },
        (VIOLATIONS, &Method::DELETE) => {
            let cleared = shared.log.clear();
            json(StatusCode::OK, &json!({ "cleared": cleared }))
        }
        (STATUS, _) => not_allowed("GET"),
        (VIOLATIONS, _) => not_allowed("GET, DELETE"),
        _ => error(
            StatusCode::NOT_FOUND,
            &format!(
                "postproxy-mock proxy: no control endpoint {path}; the proxy's are GET {STATUS} \
                 and GET and DELETE {VIOLATIONS} (requests under /__mock/ are never forwarded)"
            ),
        ),
    }
}

fn status(shared: &Shared) -> serde_json::Value {
    let counters = &shared.counters;
    let (kept, total, dropped) = shared.log.counts();
    json!({
        "upstream": shared.upstream.shown,
        "requests": counters.requests.load(Relaxed),
        "answered": counters.answered.load(Relaxed),
        "failed": counters.failed.load(Relaxed),
        "unchecked": counters.unchecked.load(Relaxed),
        "violations": total,
        "kept": kept,
        "dropped": dropped,
        "record": shared.capture.as_ref().map(|(_, out)| out.display().to_string()),
    })
}

/// The `since` query parameter (0 without one).
fn since(query: Option<&str>) -> Result<u64, String> {
    let Some(query) = query else {
        return Ok(0);
    };
    match form_urlencoded::parse(query.as_bytes()).find(|(name, _)| name == "since") {
        None => Ok(0),
        Some((_, value)) => value.parse().map_err(|_| {
            format!(
                "postproxy-mock proxy: since must be a violation's seq (a number), not {value:?}"
            )
        }),
    }
}

fn not_allowed(allowed: &'static str) -> Response {
    let mut response = error(
        StatusCode::METHOD_NOT_ALLOWED,
        &format!("postproxy-mock proxy: this control endpoint takes {allowed}"),
    );
    response
        .headers_mut()
        .insert(ALLOW, HeaderValue::from_static(allowed));
    response
}
