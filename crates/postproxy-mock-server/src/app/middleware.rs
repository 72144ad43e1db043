//! What the control plane does around each product-API request of a known key
//! (`crate::app::front` calls it for every request that is not for the control plane, the
//! consent pages or the specs): [`first_look`] authenticates it and answers a GET from the
//! cache, and [`around`] applies the account's armed faults (latency, an error status, a
//! dropped connection) and records the request in the account's journal. Requests without a
//! valid key belong to no account, so they are neither faulted nor journaled.
//!
//! It also records the `Idempotency-Key` of an operation that honours it as in flight before
//! any fault latency, so a duplicate arriving meanwhile is answered 409 (see
//! [`crate::domain::account::Account::idempotent`]); the key is released when the answer is sent or the
//! request is dropped.

use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use axum::body::{Body, Bytes, HttpBody};
use axum::extract::Request;
use axum::http::{Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use http_body::Frame;

use crate::domain::auth::Principal;
use crate::harness::faults::FaultAction;
use crate::harness::journal::{body_text, Recorded};
use crate::http::cache::{self, CacheKey};
use crate::http::error::ApiError;
use crate::http::extract::{bearer_token, Authenticated, IdempotencyClaim};
use crate::state::{AppState, State as AppStateInner};

/// What the first look at a request found, under the one lock it takes.
pub(crate) struct Seen {
    who: Arc<Principal>,
    fault: Option<FaultAction>,
    record_bodies: bool,
    claim: Option<(String, u64)>,
    /// The account's data version, for a GET that may be answered from (or kept in) the cache.
    cache_version: Option<u64>,
}

/// What [`first_look`] made of a request.
pub(crate) enum Look {
    /// No valid key (or its account is gone): the handler answers 401.
    NoKey,
    /// Answered from the cache, and journaled.
    Answered(Response),
    /// To serve.
    Seen(Seen),
}

/// Serves a request [`first_look`] saw (`run` is the rest of the service): holds its
/// `Idempotency-Key`, keeps its body for the journal if asked to, applies its fault, keeps a
/// GET's fresh answer, and records it in the journal.
pub(crate) async fn around<F, Fut>(
    api: Arc<AppState>,
    seen: Seen,
    mut request: Request,
    run: F,
) -> Response
where
    F: FnOnce(Request) -> Fut,
    Fut: std::future::Future<Output = Response>,
{
    let Seen {
        who,
        fault,
        record_bodies,
        claim,
        cache_version,
    } = seen;
    request
        .extensions_mut()
        .insert(Authenticated(Some(who.clone())));
    // Held until the answer is recorded, or until the request is dropped mid-way.
    let held = claim.map(|(key, claim)| {
        request.extensions_mut().insert(IdempotencyClaim(claim));
        Held {
            api: api.clone(),
            account_id: who.account_id.clone(),
            key_id: who.key_id.clone(),
            key,
            claim,
            released: false,
        }
    });
    // For the journal: reference-counted, not copied.
    let (method, uri) = (request.method().clone(), request.uri().clone());

    // Keep the body for the journal only when asked to: it costs a copy.
    let (request, body) = if record_bodies {
        match with_body_text(request).await {
            Ok(read) => read,
            Err(too_large) => {
                let entry = recorded(&who, method, uri, too_large.status(), None);
                finish(&mut api.store(), held, &who, entry, None);
                return too_large;
            }
        }
    } else {
        (request, None)
    };

    let response = match fault {
        Some(action) => match apply(action).await {
            Some(response) => response,
            None => run(request).await,
        },
        None => run(request).await,
    };
    // A GET's fresh answer is kept for the next one (see `crate::http::cache`).
    let (response, keep) = match cache_version {
        Some(version) if cache::keepable(&response, StatusCode::OK) => {
            keep_body(response, version).await
        }
        _ => (response, None),
    };
    let entry = recorded(&who, method, uri, response.status(), body);
    finish(&mut api.store(), held, &who, entry, keep);
    response
}

/// Under one lock, once the answer is made: releases the request's `Idempotency-Key` and
/// [`record`]s it.
fn finish(
    state: &mut AppStateInner,
    held: Option<Held>,
    who: &Principal,
    entry: Recorded,
    keep: Option<(u64, Bytes)>,
) {
    if let Some(mut held) = held {
        held.release(state);
    }
    record(state, who, entry, keep);
}

/// The request with its body read, and the body as the journal keeps it; a 413 answer if the
/// body is over the limit.
async fn with_body_text(request: Request) -> Result<(Request, Option<String>), Response> {
    let (parts, body) = request.into_parts();
    match axum::body::to_bytes(body, crate::limits::BODY_LIMIT).await {
        Ok(bytes) => {
            let text = body_text(&bytes);
            Ok((Request::from_parts(parts, Body::from(bytes)), text))
        }
        Err(_) => Err(ApiError::payload_too_large(crate::limits::BODY_LIMIT).into_response()),
    }
}

/// A fresh GET answer and its body, to keep at `version`.
async fn keep_body(response: Response, version: u64) -> (Response, Option<(u64, Bytes)>) {
    let (parts, body) = response.into_parts();
    // The handlers' bodies are whole in memory: this never waits, and never fails.
    match axum::body::to_bytes(body, usize::MAX).await {
        Ok(bytes) => (
            Response::from_parts(parts, Body::from(bytes.clone())),
            Some((version, bytes)),
        ),
        Err(_) => (internal_error(), None),
    }
}

/// Under the lock: authenticates the request, brings its account up to its clock, claims its
/// `Idempotency-Key`, takes a fault, and answers a GET from the cache when it can (journaling
/// it there and then).
pub(crate) fn first_look(state: &mut AppStateInner, request: &Request) -> Look {
    let Ok(who) = state.authenticate(bearer_token(request.headers())) else {
        if request.method() == Method::GET {
            let key = CacheKey::keyless(target(request.uri()));
            if let Some(answer) = state.cache.get(&key, KEYLESS_VERSION) {
                return Look::Answered(answer);
            }
        }
        return Look::NoKey;
    };
    let (claim, version, now) = match state.account_mut(&who.account_id) {
        Ok(mut account) => {
            let now = account.tick_now();
            let claim = idempotency_key(request).and_then(|key| {
                let claim = account.claim_idempotency_key(&who.key_id, &key)?;
                Some((key, claim))
            });
            (claim, account.version(), now)
        }
        // Deleted since its key was looked up: no account to act for.
        Err(_) => return Look::NoKey,
    };
    let Some((harness, cache)) = state.harness_and_cache(&who.account_id) else {
        return Look::NoKey;
    };
    let fault = harness
        .faults
        .take(request.method().as_str(), request.uri().path());
    let record_bodies = harness.journal.record_bodies;
    let cache_version = (request.method() == Method::GET && fault.is_none()).then_some(version);
    if let Some(version) = cache_version {
        if let Some(answer) = cache.get(&cache_key(&who, request.uri()), version) {
            let mut entry = recorded(
                &who,
                request.method().clone(),
                request.uri().clone(),
                answer.status(),
                None,
            );
            entry.at = now;
            harness.journal.record(entry);
            return Look::Answered(answer);
        }
    }
    Look::Seen(Seen {
        who,
        fault,
        record_bodies,
        claim,
        cache_version,
    })
}

fn cache_key<'a>(who: &'a Principal, uri: &'a Uri) -> CacheKey<'a> {
    CacheKey {
        account_id: &who.account_id,
        // Group ids are never blank, so "" stands for full access without ambiguity.
        scope: who.scope.group().unwrap_or(""),
        target: target(uri),
    }
}

/// The request target: path and query.
fn target(uri: &Uri) -> &str {
    uri.path_and_query().map_or("/", |pq| pq.as_str())
}

/// The version the answers to GETs without a valid key are kept at: they never change.
const KEYLESS_VERSION: u64 = 0;

/// Serves a GET [`first_look`] found no valid key for through `run` (the router), and keeps
/// its answer if it is a 401: every GET of that target without a valid key gets the same
/// (see `crate::http::cache`).
pub(crate) async fn refused<F, Fut>(api: Arc<AppState>, request: Request, run: F) -> Response
where
    F: FnOnce(Request) -> Fut,
    Fut: std::future::Future<Output = Response>,
{
    let uri = request.uri().clone();
    let response = run(request).await;
    if !cache::keepable(&response, StatusCode::UNAUTHORIZED) {
        return response;
    }
    let (response, keep) = keep_body(response, KEYLESS_VERSION).await;
    if let Some((version, body)) = keep {
        let key = CacheKey::keyless(target(&uri));
        api.store()
            .cache
            .put(&key, version, StatusCode::UNAUTHORIZED, body);
    }
    response
}

/// The `Idempotency-Key` of a request to an operation that honours it (delete_profile,
/// create_profile_group, delete_profile_group), if it is one the operation will accept.
fn idempotency_key(request: &Request) -> Option<String> {
    let method = request.method();
    if method != Method::DELETE && method != Method::POST {
        return None;
    }
    let mut segments = request.uri().path().split('/').skip(1);
    let honoured = match (
        segments.next(),
        segments.next(),
        segments.next(),
        segments.next(),
    ) {
        (Some("api"), Some("profiles"), Some(_), None) => method == Method::DELETE,
        (Some("api"), Some("profile_groups"), None, None) => method == Method::POST,
        (Some("api"), Some("profile_groups"), Some(_), None) => method == Method::DELETE,
        _ => false,
    };
    if !honoured {
        return None;
    }
    crate::http::extract::header_param(request.headers(), "idempotency-key", Some(255))
        .ok()
        .flatten()
        .filter(|key| !key.is_empty())
}

/// An `Idempotency-Key` held in flight: released by [`finish`], or when dropped (the request
/// was dropped mid-way).
struct Held {
    api: Arc<AppState>,
    account_id: String,
    key_id: String,
    key: String,
    claim: u64,
    released: bool,
}

impl Held {
    fn release(&mut self, state: &mut AppStateInner) {
        if let Ok(mut account) = state.account_mut(&self.account_id) {
            account.release_idempotency_key(&self.key_id, &self.key, self.claim);
        };
        self.released = true;
    }
}

impl Drop for Held {
    fn drop(&mut self) {
        if !self.released {
            // Never dropped while the store is locked: it lives in `around`'s frame only.
            let api = self.api.clone();
            self.release(&mut api.store());
        }
    }
}

/// Waits the fault's latency, then answers for it, or `None` to serve the request.
async fn apply(action: FaultAction) -> Option<Response> {
    if action.latency_ms > 0 {
        tokio::time::sleep(std::time::Duration::from_millis(action.latency_ms)).await;
    }
    if action.drop_connection {
        return Some(severed());
    }
    let (status, message, retry_after) = action.respond?;
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut response = ApiError::new(status, message).into_response();
    if let Some(seconds) = retry_after {
        crate::http::respond::set_header(&mut response, "retry-after", &seconds.to_string());
    }
    Some(response)
}

fn internal_error() -> Response {
    ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "Internal server error").into_response()
}

/// A journal entry for a request of `who`, its time filled in when it is recorded.
fn recorded(
    who: &Principal,
    method: Method,
    uri: Uri,
    status: StatusCode,
    body: Option<String>,
) -> Recorded {
    Recorded {
        method,
        uri,
        status: status.as_u16(),
        at: time::OffsetDateTime::UNIX_EPOCH,
        key_id: who.key_id.clone(),
        body,
    }
}

/// Records `entry` in the journal of `who`'s account, at the account's now, and keeps a GET's
/// fresh answer (`keep`: the version it was made at and its body) if the account is still at
/// that version.
fn record(
    state: &mut AppStateInner,
    who: &Principal,
    mut entry: Recorded,
    keep: Option<(u64, Bytes)>,
) {
    // The account may have been deleted meanwhile; then there is nothing to record into.
    let Ok((at, version)) = state
        .account(&who.account_id)
        .map(|a| (a.clock.now(), a.version()))
    else {
        return;
    };
    if let Some((made_at, body)) = keep {
        if made_at == version {
            let key = cache_key(who, &entry.uri);
            state.cache.put(&key, version, StatusCode::OK, body);
        }
    }
    entry.at = at;
    if let Some(harness) = state.harness(&who.account_id) {
        harness.journal.record(entry);
    }
}

/// A response whose body fails at once, so the server aborts the connection: the client sees
/// it closed without a complete answer.
fn severed() -> Response {
    let mut response = Response::new(Body::new(Severed));
    *response.status_mut() = StatusCode::INTERNAL_SERVER_ERROR;
    response
}

struct Severed;

impl HttpBody for Severed {
    type Data = Bytes;
    type Error = std::io::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Self::Data>, Self::Error>>> {
        Poll::Ready(Some(Err(std::io::Error::other(
            "fault injection: connection dropped",
        ))))
    }
}
