//! [`handle`]: a product request's whole way through the mock, read top to bottom (as
//! wiremock's `handle_request`): who is asking, their account's clock, a fault, the cache,
//! the `Idempotency-Key`, the operation, and what the answer leaves to record. The state's
//! lock is taken in short synchronous steps ([`look`], [`decide`], [`settle`], and the
//! operation's own); every wait (a fault's delay, a body still arriving) happens between them,
//! without it.
//!
//! Requests without a valid key belong to no account: they are neither faulted, journaled nor
//! held to an `Idempotency-Key`; the operation answers them 401 after routing (an unknown path
//! stays a 404, a malformed query a 400), and a GET's 401 is kept in the cache.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use axum::body::{Body, Bytes, HttpBody};
use axum::extract::Request;
use axum::http::{Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Router;
use http_body::Frame;
use time::OffsetDateTime;
use tower::ServiceExt;

use crate::domain::auth::Principal;
use crate::generated::Operation;
use crate::harness::faults::FaultAction;
use crate::harness::idempotency::{self, Decision, Refusal, Slot};
use crate::harness::journal::{body_text, Recorded};
use crate::http::cache::{self, CacheKey};
use crate::product::Caller;
use crate::rt::{header_param, ApiError};
use crate::state::{AppState, State};

/// How [`handle`] answers: at once, or through a future.
pub(crate) enum Handled {
    Now(Response),
    Later(Pin<Box<dyn Future<Output = Response> + Send>>),
}

/// Serves one product request: see the module documentation. What step 1 answers (a cached
/// GET, a key in flight) is answered at once, without a future; the rest goes on in [`serve`].
pub(crate) fn handle(app: Arc<AppState>, router: Router, request: Request) -> Handled {
    // 1. Under one lock: the caller, their account brought up to its clock, a fault armed for
    //    this request, a cached answer, and the Idempotency-Key claimed before anything waits.
    let look = look(&mut app.store(), &request);
    match look {
        Look::Answered(answer) => Handled::Now(answer),
        Look::NoKey => Handled::Later(Box::pin(refuse(app, router, request))),
        Look::Seen(seen) => Handled::Later(Box::pin(serve(app, router, request, seen))),
    }
}

/// Steps 2 to 6 of a request [`look`] saw.
async fn serve(app: Arc<AppState>, router: Router, mut request: Request, seen: Seen) -> Response {
    let Seen {
        who,
        fault,
        read_body,
        key,
        cache_version,
        now,
    } = seen;
    // The claim goes back however this ends, a client gone mid-way included (on drop).
    let key = key.map(|(op, slot, claim)| (op, Claim::new(&app, &who, slot, claim)));
    request.extensions_mut().insert(Caller(Some(who.clone())));
    let (method, uri) = (request.method().clone(), request.uri().clone());

    // 2. The body, when the journal keeps it or the Idempotency-Key's fingerprint covers it.
    let (request, body) = if read_body || key.is_some() {
        match read(request).await {
            Ok(read) => read,
            Err(too_large) => {
                let entry = recorded(&who, &method, &uri, too_large.status(), None, now);
                settle(
                    &mut app.store(),
                    &who,
                    entry,
                    None,
                    key.map(|(_, claim)| (claim, None)),
                );
                return too_large;
            }
        }
    } else {
        (request, Bytes::new())
    };

    // 3. A fault's delay, without the lock; then its answer instead of the operation's.
    let faulted = match fault {
        Some(action) => apply(action).await,
        None => None,
    };

    // 4. The Idempotency-Key: the same request replayed, a reused key refused.
    let fingerprint = key
        .as_ref()
        .map(|(op, _)| idempotency::fingerprint(op, uri.path(), uri.query(), &body));
    let decided = match (&faulted, &key, &fingerprint) {
        (None, Some((_, claim)), Some(fingerprint)) => decide(&app, &who, &claim.slot, fingerprint),
        _ => None,
    };

    // 5. The operation: routed and extracted by the generated layer, carried out by
    //    `crate::product` under its own lock.
    let (response, operated) = match faulted.or(decided) {
        Some(answer) => (answer, false),
        None => {
            let Ok(response) = router.oneshot(request).await;
            (response, true)
        }
    };

    // 6. Under one lock: the journal entry, a GET's fresh answer to keep, a success to replay
    //    for the Idempotency-Key, and the key released.
    let keep = operated && cache_version.is_some() && cache::keepable(&response, StatusCode::OK);
    let replay = operated && fingerprint.is_some() && response.status().is_success();
    let (response, bytes) = match keep || replay {
        true => whole(response).await,
        false => (response, None),
    };
    let status = response.status().as_u16();
    let keep = cache_version.zip(bytes.clone()).filter(|_| keep);
    let replay = fingerprint
        .zip(bytes)
        .filter(|_| replay)
        .map(|(fingerprint, body)| (fingerprint, status, body));
    let entry = recorded(
        &who,
        &method,
        &uri,
        response.status(),
        body_text(&body),
        now,
    );
    settle(
        &mut app.store(),
        &who,
        entry,
        keep,
        key.map(|(_, claim)| (claim, replay)),
    );
    response
}

/// What [`look`] found a request to be.
enum Look {
    /// No valid key (or its account is gone): the operation answers 401.
    NoKey,
    /// Answered from the cache, or refused for an Idempotency-Key in flight; journaled.
    Answered(Response),
    /// To serve.
    Seen(Seen),
}

/// What [`look`] found of a request to serve.
struct Seen {
    who: Arc<Principal>,
    fault: Option<FaultAction>,
    /// Whether the journal keeps request bodies.
    read_body: bool,
    /// The operation, Idempotency-Key and claim of a request holding one.
    key: Option<(&'static Operation, Slot, u64)>,
    /// The account's data version, for a GET that may be kept in the cache.
    cache_version: Option<u64>,
    /// The request's arrival by the account's clock: its time in the journal.
    now: OffsetDateTime,
}

/// Step 1, under the lock: authenticates the request, brings its account up to its clock,
/// claims its Idempotency-Key, takes a fault, and answers a GET from the cache when it can.
fn look(state: &mut State, request: &Request) -> Look {
    let Ok(who) = state.authenticate(crate::rt::bearer_token(request.headers())) else {
        if request.method() == Method::GET {
            let key = CacheKey::keyless(cache::target(request.uri()));
            if let Some(answer) = state.cache.get(&key, cache::KEYLESS_VERSION) {
                return Look::Answered(answer);
            }
        }
        return Look::NoKey;
    };
    let Ok(mut account) = state.account_mut(&who.account_id) else {
        // Deleted since its key was looked up: no account to act for.
        return Look::NoKey;
    };
    let now = account.tick_now();
    let version = account.version();
    drop(account);
    let Some((harness, cache)) = state.harness_and_cache(&who.account_id) else {
        return Look::NoKey;
    };
    let (method, uri) = (request.method(), request.uri());
    let key = match idempotency_key(request) {
        Some((op, slot_key)) => {
            let slot = (who.key_id.clone(), slot_key);
            match harness.idempotency.claim(&slot) {
                Ok(claim) => Some((op, slot, claim)),
                Err(refusal) => {
                    let answer = refusal_response(refusal);
                    harness
                        .journal
                        .record(recorded(&who, method, uri, answer.status(), None, now));
                    return Look::Answered(answer);
                }
            }
        }
        None => None,
    };
    let fault = harness.faults.take(method.as_str(), uri.path());
    let cache_version = (method == Method::GET && fault.is_none()).then_some(version);
    if let Some(version) = cache_version {
        if let Some(answer) = cache.get(&CacheKey::of(&who, uri), version) {
            harness
                .journal
                .record(recorded(&who, method, uri, answer.status(), None, now));
            return Look::Answered(answer);
        }
    }
    Look::Seen(Seen {
        who,
        fault,
        read_body: harness.journal.record_bodies,
        key,
        cache_version,
        now,
    })
}

/// The operation and `Idempotency-Key` of a request to an operation that honours one (the
/// spec says which, and the key's limit), if the key is one the operation accepts: an empty
/// key is no key, and one the generated layer refuses (too long, twice) is answered 400 there.
fn idempotency_key(request: &Request) -> Option<(&'static Operation, String)> {
    if request.method() == Method::GET {
        return None;
    }
    let op = Operation::find(request.method().as_str(), request.uri().path())?;
    let rule = op.idempotency?;
    let key = header_param(request.headers(), rule.header, Some(rule.max_length)).ok()??;
    (!key.is_empty()).then_some((op, key))
}

/// Step 4, under the lock: replays or refuses a request holding an Idempotency-Key, or `None`
/// to carry it out.
fn decide(app: &AppState, who: &Principal, slot: &Slot, fingerprint: &str) -> Option<Response> {
    let mut state = app.store();
    let now = state.account(&who.account_id).ok()?.clock.now();
    let harness = state.harness(&who.account_id)?;
    let scope = who.scope.group().unwrap_or("");
    match harness.idempotency.decide(slot, fingerprint, scope, now) {
        Decision::Run => None,
        Decision::Replay(status, body) => Some(crate::rt::json_bytes(
            StatusCode::from_u16(status).unwrap_or(StatusCode::OK),
            body,
        )),
        Decision::Refuse(refusal) => Some(refusal_response(refusal)),
    }
}

/// A success to keep for its Idempotency-Key: the request's fingerprint, the status and body.
type Replay = (String, u16, Bytes);

/// Step 6, under the lock: what an answered request leaves to record, in one place. The
/// account may have been deleted or reset meanwhile; then there is nothing to record into.
fn settle(
    state: &mut State,
    who: &Principal,
    entry: Recorded,
    keep: Option<(u64, Bytes)>,
    key: Option<(Claim, Option<Replay>)>,
) {
    // Disarmed first: released here, under this lock, never by its drop (which locks).
    let key = key.map(|(mut claim, replay)| (claim.disarm(), replay));
    let Ok(account) = state.account(&who.account_id) else {
        return;
    };
    let (version, now) = (account.version(), account.clock.now());
    // A GET's fresh answer, if the account's data did not move since it was looked at.
    if let Some((made_at, body)) = keep.filter(|(made_at, _)| *made_at == version) {
        let key = CacheKey::of(who, &entry.uri);
        state.cache.put(&key, made_at, StatusCode::OK, body);
    }
    let Some(harness) = state.harness(&who.account_id) else {
        return;
    };
    harness.journal.record(entry);
    if let Some((Some((slot, claim)), replay)) = key {
        if let Some((fingerprint, status, body)) = replay {
            let scope = who.scope.group().unwrap_or("");
            harness
                .idempotency
                .keep(slot.clone(), fingerprint, scope, (status, body), now);
        }
        harness.idempotency.release(&slot, claim);
    }
}

fn refusal_response(refusal: Refusal) -> Response {
    let status = StatusCode::from_u16(refusal.status()).unwrap_or(StatusCode::CONFLICT);
    ApiError::new(status, refusal.message()).into_response()
}

/// Serves a request without a valid key through the router, and keeps a GET's 401: every
/// GET of that target without a valid key gets the same (see `crate::http::cache`).
async fn refuse(app: Arc<AppState>, router: Router, mut request: Request) -> Response {
    request.extensions_mut().insert(Caller(None));
    let get = (request.method() == Method::GET).then(|| request.uri().clone());
    let Ok(response) = router.oneshot(request).await;
    let Some(uri) = get.filter(|_| cache::keepable(&response, StatusCode::UNAUTHORIZED)) else {
        return response;
    };
    let (response, body) = whole(response).await;
    if let Some(body) = body {
        let key = CacheKey::keyless(cache::target(&uri));
        let mut state = app.store();
        state
            .cache
            .put(&key, cache::KEYLESS_VERSION, StatusCode::UNAUTHORIZED, body);
    }
    response
}

/// An `Idempotency-Key` held in flight: released by [`settle`], or when dropped (the request
/// was dropped mid-way: a client gone, a read that failed).
struct Claim {
    app: Arc<AppState>,
    account_id: String,
    slot: Slot,
    claim: Option<u64>,
}

impl Claim {
    fn new(app: &Arc<AppState>, who: &Principal, slot: Slot, claim: u64) -> Self {
        Self {
            app: app.clone(),
            account_id: who.account_id.clone(),
            slot,
            claim: Some(claim),
        }
    }

    /// The slot and claim, for the caller to release under its lock; the drop then does
    /// nothing.
    fn disarm(&mut self) -> Option<(Slot, u64)> {
        let claim = self.claim.take()?;
        Some((std::mem::take(&mut self.slot), claim))
    }
}

impl Drop for Claim {
    fn drop(&mut self) {
        if let Some((slot, claim)) = self.disarm() {
            if let Some(harness) = self.app.store().harness(&self.account_id) {
                harness.idempotency.release(&slot, claim);
            }
        }
    }
}

/// The request with its body read (bounded: 413 beyond the limit), and the body.
async fn read(request: Request) -> Result<(Request, Bytes), Response> {
    let (parts, body) = request.into_parts();
    match axum::body::to_bytes(body, crate::limits::BODY_LIMIT).await {
        Ok(bytes) => Ok((Request::from_parts(parts, Body::from(bytes.clone())), bytes)),
        Err(_) => Err(ApiError::payload_too_large(crate::limits::BODY_LIMIT).into_response()),
    }
}

/// An answer with its body whole in memory (the operations' bodies always are: this never
/// waits), and the body.
async fn whole(response: Response) -> (Response, Option<Bytes>) {
    let (parts, body) = response.into_parts();
    match axum::body::to_bytes(body, usize::MAX).await {
        Ok(bytes) => (
            Response::from_parts(parts, Body::from(bytes.clone())),
            Some(bytes),
        ),
        Err(_) => (ApiError::internal().into_response(), None),
    }
}

/// Waits a fault's delay, then answers for it, or `None` to serve the request.
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
        crate::rt::set_header(&mut response, "retry-after", &seconds.to_string());
    }
    Some(response)
}

/// A journal entry for a request of `who` that arrived `at` (by its account's clock).
fn recorded(
    who: &Principal,
    method: &Method,
    uri: &Uri,
    status: StatusCode,
    body: Option<String>,
    at: OffsetDateTime,
) -> Recorded {
    Recorded {
        // Reference-counted: kept without a copy of the text.
        method: method.clone(),
        uri: uri.clone(),
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
