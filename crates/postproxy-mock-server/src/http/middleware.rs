//! What the control plane does around each product-API request of a known key: it applies the
//! account's armed faults (latency, an error status, a dropped connection) and records the
//! request in the account's journal. Requests without a valid key belong to no account, so
//! they are neither faulted nor journaled.
//!
//! It also records the `Idempotency-Key` of an operation that honours it as in flight before
//! any fault latency, so a duplicate arriving meanwhile is answered 409 (see
//! [`crate::domain::account::Account::idempotent`]); the key is released when the answer is sent or the
//! request is dropped.

use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use axum::body::{Body, Bytes, HttpBody};
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http_body::Frame;

use crate::app::AppState;
use crate::harness::faults::FaultAction;
use crate::harness::journal::{body_text, Recorded};
use crate::http::error::ApiError;
use crate::http::extract::{bearer_token, Authenticated, IdempotencyClaim};

/// The middleware: see the module documentation.
pub async fn intercept(
    State(api): State<Arc<AppState>>,
    mut request: Request,
    next: Next,
) -> Response {
    let idempotency_key = idempotency_key(&request);
    let found = {
        let mut state = api.store();
        match state.authenticate(bearer_token(request.headers())) {
            Ok(who) => {
                let claim = match state.account_mut(&who.account_id) {
                    Ok(mut account) => Some(idempotency_key.and_then(|key| {
                        let claim = account.claim_idempotency_key(&who.key_id, &key)?;
                        Some((key, claim))
                    })),
                    Err(_) => None,
                };
                claim.map(|claim| {
                    let harness = state.harness(&who.account_id);
                    let (fault, record_bodies) = harness.map_or((None, false), |h| {
                        let fault = h
                            .faults
                            .take(request.method().as_str(), request.uri().path());
                        (fault, h.journal.record_bodies)
                    });
                    (who, fault, record_bodies, claim)
                })
            }
            Err(_) => None,
        }
    };
    // The handler takes the key's holder from here: one lookup per request.
    let Some((who, fault, record_bodies, claim)) = found else {
        request.extensions_mut().insert(Authenticated(None));
        return next.run(request).await;
    };
    request
        .extensions_mut()
        .insert(Authenticated(Some(who.clone())));
    // Held until the answer is recorded, or until the request is dropped mid-way.
    let _held = claim.map(|(key, claim)| {
        request.extensions_mut().insert(IdempotencyClaim(claim));
        Held {
            api: api.clone(),
            account_id: who.account_id.clone(),
            key_id: who.key_id.clone(),
            key,
            claim,
        }
    });
    // Owned copies for the journal, made only for requests it records.
    let method = request.method().to_string();
    let path = request.uri().path().to_string();
    let query = request.uri().query().map(str::to_string);

    // Keep the body for the journal only when asked to: it costs a copy.
    let (request, body) = if record_bodies {
        let (parts, body) = request.into_parts();
        match axum::body::to_bytes(body, crate::BODY_LIMIT).await {
            Ok(bytes) => {
                let text = body_text(&bytes);
                (Request::from_parts(parts, Body::from(bytes)), text)
            }
            Err(_) => {
                let response = ApiError::payload_too_large(crate::BODY_LIMIT).into_response();
                record(&api, &who, method, path, query, response.status(), None);
                return response;
            }
        }
    } else {
        (request, None)
    };

    let response = match fault {
        Some(action) => match apply(action).await {
            Some(response) => response,
            None => next.run(request).await,
        },
        None => next.run(request).await,
    };
    record(&api, &who, method, path, query, response.status(), body);
    response
}

/// The `Idempotency-Key` of a request to an operation that honours it (delete_profile,
/// create_profile_group, delete_profile_group), if it is one the operation will accept.
fn idempotency_key(request: &Request) -> Option<String> {
    let segments: Vec<&str> = request.uri().path().split('/').skip(1).collect();
    let honoured = matches!(
        (request.method().as_str(), segments.as_slice()),
        ("DELETE", ["api", "profiles", _])
            | ("POST", ["api", "profile_groups"])
            | ("DELETE", ["api", "profile_groups", _])
    );
    if !honoured {
        return None;
    }
    crate::http::extract::header_param(request.headers(), "idempotency-key", Some(255))
        .ok()
        .flatten()
        .filter(|key| !key.is_empty())
}

/// An `Idempotency-Key` held in flight; released when dropped.
struct Held {
    api: Arc<AppState>,
    account_id: String,
    key_id: String,
    key: String,
    claim: u64,
}

impl Drop for Held {
    fn drop(&mut self) {
        // Never dropped while the store is locked: it lives in `intercept`'s frame only.
        let mut store = self.api.store();
        if let Ok(mut account) = store.account_mut(&self.account_id) {
            account.release_idempotency_key(&self.key_id, &self.key, self.claim);
        };
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

fn record(
    api: &AppState,
    who: &crate::domain::auth::Principal,
    method: String,
    path: String,
    query: Option<String>,
    status: StatusCode,
    body: Option<String>,
) {
    let mut state = api.store();
    // The account may have been deleted meanwhile; then there is nothing to record into.
    let Ok(at) = state.account(&who.account_id).map(|a| a.clock.now()) else {
        return;
    };
    if let Some(harness) = state.harness(&who.account_id) {
        harness.journal.record(Recorded {
            method,
            path,
            query,
            status: status.as_u16(),
            at,
            key_id: who.key_id.clone(),
            body,
        });
    };
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
