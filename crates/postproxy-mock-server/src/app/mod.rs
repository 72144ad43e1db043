//! The router and its layers: every route of the mock (the product API behind the
//! per-request middleware, the control API, the consent pages, the specs and Swagger UI), the
//! one front layer (header cap, request log) and trailing-slash normalisation in front of
//! routing. [`middleware`] is what the control plane does around each product request.

pub(crate) mod middleware;

use std::convert::Infallible;
use std::sync::Arc;

use axum::extract::Request;
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Response};

use crate::state::AppState;

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
    let product = crate::app(api.clone()).layer(axum::middleware::from_fn_with_state(
        api.clone(),
        crate::app::middleware::intercept,
    ));
    let router = product
        .merge(crate::http::spec::routes())
        .merge(crate::control::router(api.clone()))
        .merge(crate::control::consent::router(api))
        // The generated router's 405 fallback covers only its own routes; this one covers
        // the control API, the spec and the connect pages too (axum's default is an empty
        // body).
        .method_not_allowed_fallback(crate::http::error::method_not_allowed)
        // One layer in front of every route: the header cap, then the request log.
        .layer(axum::middleware::from_fn(front));
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
fn limit_headers(request: &Request) -> Option<Response> {
    let size: usize = request
        .headers()
        .iter()
        .map(|(name, value)| name.as_str().len() + value.len())
        .sum();
    if size > crate::limits::HEADER_LIMIT {
        return Some(
            crate::http::error::ApiError::new(
                StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
                format!(
                    "Request headers are too large (limit {} bytes)",
                    crate::limits::HEADER_LIMIT
                ),
            )
            .into_response(),
        );
    }
    None
}

/// What every request goes through first: [`limit_headers`], then [`log_request`].
async fn front(request: Request, next: axum::middleware::Next) -> Response {
    if let Some(refused) = limit_headers(&request) {
        return refused;
    }
    // Off the hot path when the log level leaves requests out (as benchmarks run it).
    if !tracing::enabled!(tracing::Level::INFO) {
        return next.run(request).await;
    }
    log_request(request, next).await
}

async fn log_request(request: Request, next: axum::middleware::Next) -> Response {
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
