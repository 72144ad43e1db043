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
use time::OffsetDateTime;

use crate::domain::auth::Principal;
use crate::harness::faults::FaultAction;
use crate::harness::journal::{body_text, Recorded};
use crate::http::cache::{self, CacheKey};
use crate::http::error::ApiError;
use crate::http::extract::{bearer_token, Authenticated, IdempotencyClaim};
use crate::state::{AppState, Settle, State as AppStateInner};

/// What the first look at a request found, under the one lock it takes.
pub(crate) struct Seen {
    who: Arc<Principal>,
    fault: Option<FaultAction>,
    record_bodies: bool,
    claim: Option<(String, u64)>,
    /// The account's data version, for a GET that may be answered from (or kept in) the cache.
    cache_version: Option<u64>,
    /// The request's arrival by the account's clock: its time in the journal.
    now: OffsetDateTime,
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
        now,
    } = seen;
    request
        .extensions_mut()
        .insert(Authenticated(Some(who.clone())));
    // Held until the answer is made, or until the request is dropped mid-way.
    let held = claim.map(|(key, claim)| {
        request.extensions_mut().insert(IdempotencyClaim(claim));
        Held {
            api: api.clone(),
            release: Some(Settle::Release {
                account_id: who.account_id.clone(),
                key_id: who.key_id.clone(),
                key,
                claim,
            }),
        }
    });
    // For the journal: reference-counted, not copied.
    let (method, uri) = (request.method().clone(), request.uri().clone());

    // Keep the body for the journal only when asked to: it costs a copy.
    let (request, body) = if record_bodies {
        match with_body_text(request).await {
            Ok(read) => read,
            Err(too_large) => {
                let entry = recorded(&who, method, uri, too_large.status(), None, now);
                finish(&api, held, who, entry, None);
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
    let entry = recorded(&who, method, uri, response.status(), body, now);
    finish(&api, held, who, entry, keep);
    response
}

/// Once the answer is made, without the lock: queues the release of the request's
/// `Idempotency-Key`, its journal entry and its answer to keep (see [`crate::state::Settle`]).
fn finish(
    api: &AppState,
    held: Option<Held>,
    who: Arc<Principal>,
    entry: Recorded,
    keep: Option<(u64, Bytes)>,
) {
    if let Some(mut held) = held {
        held.release();
    }
    api.settle(Settle::Record { who, entry, keep });
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
            let key = CacheKey::keyless(cache::target(request.uri()));
            if let Some(answer) = state.cache.get(&key, cache::KEYLESS_VERSION) {
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
        if let Some(answer) = cache.get(&CacheKey::of(&who, request.uri()), version) {
            let entry = recorded(
                &who,
                request.method().clone(),
                request.uri().clone(),
                answer.status(),
                None,
                now,
            );
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
        now,
    })
}

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
    let (response, keep) = keep_body(response, cache::KEYLESS_VERSION).await;
    if let Some((_, body)) = keep {
        api.settle(Settle::KeepRefusal { target: uri, body });
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
/// was dropped mid-way). Either way without the lock: the release is a queued [`Settle`].
struct Held {
    api: Arc<AppState>,
    release: Option<Settle>,
}

impl Held {
    fn release(&mut self) {
        if let Some(release) = self.release.take() {
            self.api.settle(release);
        }
    }
}

impl Drop for Held {
    fn drop(&mut self) {
        self.release();
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
    ApiError::internal().into_response()
}

/// A journal entry for a request of `who` that arrived `at` (by its account's clock).
fn recorded(
    who: &Principal,
    method: Method,
    uri: Uri,
    status: StatusCode,
    body: Option<String>,
    at: OffsetDateTime,
) -> Recorded {
    Recorded {
        method,
        uri,
        status: status.as_u16(),
        at,
        key_id: who.key_id.clone(),
        body,
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
