//! [`AppState`]: what every handler shares, product and control alike: the [`State`] behind
//! one lock (the domain's store, and beside it each account's harness: faults and journal),
//! and the base URL the mock is reached at. `crate::server` builds it and the router;
//! `crate::product` implements the generated trait on it; `crate::control` and the consent
//! pages take it as their axum state.

use std::convert::Infallible;
use std::ops::{Deref, DerefMut};
use std::sync::{Arc, Mutex, MutexGuard};

use axum::extract::Request;
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Response};

use crate::domain::account::Account;
use crate::domain::error::DomainError;
use crate::domain::fixtures::Fixtures;
use crate::domain::store::Store;
use crate::domain::FastMap;
use crate::harness::Harness;
use crate::http::cache::ResponseCache;

/// The seed used when none is given: new ids are the same on every run.
pub const DEFAULT_SEED: u64 = 0;

/// The state of one mock server.
#[derive(Debug)]
pub(crate) struct AppState {
    state: Mutex<State>,
    base_url: String,
}

/// Everything a server holds, behind [`AppState`]'s one lock: the domain's [`Store`] (it
/// dereferences to it) and the control plane's harness of each account, kept apart so the
/// domain knows nothing of faults or journals. An account's harness is made when it is first
/// needed and goes with the account: deleting or resetting an account (or the server) drops
/// it; importing into an account keeps it.
#[derive(Debug)]
pub struct State {
    pub(crate) store: Store,
    pub(crate) harness: FastMap<String, Harness>,
    /// Answers to product GETs (`crate::http::cache`).
    pub(crate) cache: ResponseCache,
}

impl Deref for State {
    type Target = Store;

    fn deref(&self) -> &Store {
        &self.store
    }
}

impl DerefMut for State {
    fn deref_mut(&mut self) -> &mut Store {
        &mut self.store
    }
}

impl State {
    /// The harness of an existing account (made on first use); `None` for no such account.
    pub fn harness(&mut self, account_id: &str) -> Option<&mut Harness> {
        // Looked up before it is made, so the common case allocates nothing.
        if !self.harness.contains_key(account_id) {
            self.store.account(account_id).ok()?;
            self.harness
                .insert(account_id.to_string(), Harness::default());
        }
        self.harness.get_mut(account_id)
    }

    /// Removes an account, and its harness with it.
    pub(crate) fn delete_account(&mut self, id: &str) -> Result<(), DomainError> {
        self.store.delete_account(id)?;
        self.harness.remove(id);
        Ok(())
    }

    /// Puts one account back as it was created, with no faults and an empty journal.
    pub(crate) fn reset_account(&mut self, id: &str) -> Result<&Account, DomainError> {
        let account = self.store.reset_account(id)?;
        self.harness.remove(id);
        Ok(account)
    }

    /// Everything back to how the server started.
    pub(crate) fn reset_all(&mut self) {
        self.store.reset_all();
        self.harness.clear();
    }
}

impl AppState {
    /// The state over `fixtures` (validated by the caller), with new ids from `seed`.
    /// `base_url` (e.g. `http://127.0.0.1:8080`) is where this mock is reachable;
    /// initialize_connection's URLs point at it.
    pub(crate) fn new(
        fixtures: &Fixtures,
        seed: u64,
        base_url: impl Into<String>,
        cache: bool,
    ) -> Self {
        Self {
            state: Mutex::new(State {
                store: Store::new(fixtures, seed),
                harness: FastMap::default(),
                cache: ResponseCache::new(cache),
            }),
            base_url: base_url.into().trim_end_matches('/').to_string(),
        }
    }

    /// The base URL initialize_connection's URLs start with.
    pub(crate) fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The locked state.
    pub(crate) fn store(&self) -> MutexGuard<'_, State> {
        // No operation panics while holding the lock; should one ever, the data is still whole
        // (operations check before they change), so keep serving.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
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
    let product = crate::app(api.clone()).layer(axum::middleware::from_fn_with_state(
        api.clone(),
        crate::http::middleware::intercept,
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
