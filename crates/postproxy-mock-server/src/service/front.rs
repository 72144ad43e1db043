//! [`Front`]: the service every request enters, in front of the router. It refuses an
//! oversized header block, trims trailing slashes, logs the request when the log level asks for
//! it, and hands a product request ([`is_product`]) to its path, [`super::path::handle`]; the
//! control API, the consent pages and the specs go straight to the router.
//!
//! A plain [`tower::Service`] rather than `axum::middleware::from_fn` layers: a request to the
//! router costs no boxed future and no clone of the inner service.

use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Instant;

use axum::extract::Request;
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::future::RouteFuture;
use axum::Router;
use tower::Service;

use super::path::{self, Handled};
use crate::rt::ApiError;
use crate::state::AppState;

/// See the module documentation.
#[derive(Clone)]
pub(crate) struct Front {
    app: Arc<AppState>,
    router: Router,
}

impl Front {
    pub(crate) fn new(app: Arc<AppState>, router: Router) -> Self {
        Self { app, router }
    }

    /// Serves `request`: a product request along its path, anything else by the router.
    fn route(&mut self, request: Request) -> FrontFuture {
        if !is_product(request.uri().path()) {
            return FrontFuture::Routed(self.router.call(request));
        }
        match path::handle(self.app.clone(), self.router.clone(), request) {
            Handled::Now(answer) => FrontFuture::Ready(Some(answer)),
            Handled::Later(answer) => FrontFuture::Boxed(answer),
        }
    }
}

impl Service<Request> for Front {
    type Response = Response;
    type Error = Infallible;
    type Future = FrontFuture;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        // The router is always ready.
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: Request) -> FrontFuture {
        if let Some(refused) = limit_headers(&request) {
            return FrontFuture::Ready(Some(refused));
        }
        let request = trim_trailing_slash(request);
        // Off the hot path when the log level leaves requests out (as benchmarks run it).
        if !tracing::enabled!(tracing::Level::INFO) {
            return self.route(request);
        }
        // Both reference-counted: kept without copying the text.
        let (method, uri) = (request.method().clone(), request.uri().clone());
        let started = Instant::now();
        let routed = self.route(request);
        FrontFuture::Boxed(Box::pin(async move {
            let Ok(response) = routed.await;
            tracing::info!(
                %method,
                path = %uri.path(),
                status = response.status().as_u16(),
                elapsed_us = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX),
                "request"
            );
            response
        }))
    }
}

/// [`Front`]'s answer: at once, from the router, or from an async step around it.
pub(crate) enum FrontFuture {
    Ready(Option<Response>),
    Routed(RouteFuture<Infallible>),
    Boxed(BoxedAnswer),
}

type BoxedAnswer = Pin<Box<dyn Future<Output = Response> + Send>>;

impl Future for FrontFuture {
    type Output = Result<Response, Infallible>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match self.get_mut() {
            // Polled again after it completed (hyper never does): an error, not a panic.
            Self::Ready(answer) => Poll::Ready(Ok(answer
                .take()
                .unwrap_or_else(|| ApiError::internal().into_response()))),
            Self::Routed(routed) => Pin::new(routed).poll(cx),
            Self::Boxed(boxed) => boxed.as_mut().poll(cx).map(Ok),
        }
    }
}

/// Whether a request is for the product API, or for no route at all (then the product API's
/// 404, faulted and journaled as a product request): every path but the control plane's
/// (`/__mock`), the consent pages' (`/connect/`), the specs' and Swagger UI's.
fn is_product(path: &str) -> bool {
    const NOT_PRODUCT: [&str; 4] = ["/__mock", "/connect/", "/openapi.", "/docs"];
    !NOT_PRODUCT.iter().any(|prefix| path.starts_with(prefix))
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
            ApiError::new(
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
