//! The HTTP exchange under every generated operation: retries, tracing, and keeping the last
//! response's status, headers and raw error body for [`Error`](crate::Error).
//!
//! The generated code builds each request and hands it to `ClientHooks::exec`, which this
//! module implements for the generated client. A call made through the hand-written layer runs
//! inside a [`Call`] (a task-local), which carries its retry policy in and the last response out;
//! a call made through [`Client::generated`](crate::Client::generated) has none, so it is traced
//! but sent once and its errors are progenitor's.

use std::future::Future;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant, SystemTime};

use progenitor_client::{ClientHooks, ClientInfo, OperationInfo};
use reqwest::header::HeaderMap;
use reqwest::StatusCode;
use tracing::Instrument;

use crate::retry::{self, Decision, Failure, RetryPolicy};
use crate::{trace, GeneratedClient};

tokio::task_local! {
    static CALL: Arc<Call>;
}

/// What one call of the hand-written layer shares with the request hook.
#[derive(Debug)]
pub(crate) struct Call {
    retry: Option<RetryPolicy>,
    last: Mutex<Option<Exchange>>,
}

/// The last response of a call: what a generated error may no longer carry (the status and
/// headers of an undecodable body, the raw text of a decoded one).
#[derive(Clone, Debug)]
pub(crate) struct Exchange {
    pub(crate) status: StatusCode,
    /// The headers of an error response; empty for a success.
    pub(crate) headers: HeaderMap,
    /// The body of an error response, as received. Success bodies are left to the generated
    /// code, which keeps them when they do not decode.
    pub(crate) body: Option<String>,
}

impl Call {
    pub(crate) fn new(retry: Option<RetryPolicy>) -> Arc<Self> {
        Arc::new(Self {
            retry,
            last: Mutex::new(None),
        })
    }

    /// Runs `operation` (a generated `send()` future) with this call visible to the hook.
    pub(crate) async fn scope<F: Future>(self: &Arc<Self>, operation: F) -> F::Output {
        CALL.scope(Arc::clone(self), operation).await
    }

    /// The last response the hook saw, if any.
    pub(crate) fn take_last(&self) -> Option<Exchange> {
        self.last
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take()
    }

    fn set_last(&self, exchange: Exchange) {
        *self.last.lock().unwrap_or_else(PoisonError::into_inner) = Some(exchange);
    }
}

// Hooks implemented on the generated client type itself take precedence over progenitor's
// no-op hooks for `&Client` (auto-ref specialisation), so every generated operation ends here.
impl ClientHooks<()> for GeneratedClient {
    async fn exec(
        &self,
        request: reqwest::Request,
        info: &OperationInfo,
    ) -> reqwest::Result<reqwest::Response> {
        let call = CALL.try_with(Arc::clone).ok();
        execute(self.client(), request, info.operation_id, call.as_deref()).await
    }
}

async fn execute(
    http: &reqwest::Client,
    mut request: reqwest::Request,
    operation: &'static str,
    call: Option<&Call>,
) -> reqwest::Result<reqwest::Response> {
    let method = request.method().clone();
    let path = request.url().path().to_owned();
    let policy = call
        .and_then(|c| c.retry)
        .filter(|_| retry::is_safe_to_repeat(&method, request.headers()));
    let mut attempt = 1;
    loop {
        // Sending consumes the request, so a copy for the next attempt is taken first (the
        // generated code buffers JSON bodies, so copying cannot fail for lack of a stream).
        let spare = policy
            .filter(|p| attempt < p.max_attempts)
            .and_then(|_| request.try_clone());
        let span = trace::attempt_span(operation, &method, &path, attempt);
        let started = Instant::now();
        let outcome = http.execute(request).instrument(span.clone()).await;
        match &outcome {
            Ok(response) => trace::responded(&span, response.status(), started.elapsed()),
            Err(error) => trace::failed(&span, error, started.elapsed()),
        }

        if let (Some(policy), Some(next)) = (policy, spare) {
            if let Some((wait, reason)) = retry_wait(&policy, attempt, &outcome) {
                trace::retrying(&span, &reason, wait);
                drop(outcome);
                tokio::time::sleep(wait).await;
                request = next;
                attempt += 1;
                continue;
            }
        }

        let response = outcome?;
        return match call {
            Some(call) => keep(response, call).instrument(span).await,
            None => Ok(response),
        };
    }
}

/// How long to wait before sending attempt `attempt + 1`, and why, if `outcome` is a
/// transient failure the policy retries.
fn retry_wait(
    policy: &RetryPolicy,
    attempt: u32,
    outcome: &reqwest::Result<reqwest::Response>,
) -> Option<(Duration, String)> {
    let (failure, retry_after) = match outcome {
        Ok(r) if r.status().is_success() => return None,
        Ok(r) => (
            Failure::Status(r.status()),
            retry::retry_after(r.headers(), SystemTime::now()),
        ),
        Err(e) if e.is_connect() => (Failure::Connect, None),
        Err(_) => return None,
    };
    let Decision::RetryAfter(wait) = policy.decide(attempt, failure, retry_after) else {
        return None;
    };
    let reason = match failure {
        Failure::Status(status) => status.to_string(),
        Failure::Connect => "connection failed".to_string(),
    };
    Some((wait, reason))
}

/// Records the final response in `call`. An error body is read here, kept as text, and handed
/// on as a new response with the same status, version, headers and bytes.
async fn keep(response: reqwest::Response, call: &Call) -> reqwest::Result<reqwest::Response> {
    let status = response.status();
    // Only an error's headers are read later (its `Retry-After`), so a success's are not copied.
    let headers = if status.is_success() {
        HeaderMap::new()
    } else {
        response.headers().clone()
    };
    // The status (and an error's headers) first, for a body that then fails to arrive.
    call.set_last(Exchange {
        status,
        headers: headers.clone(),
        body: None,
    });
    if status.is_success() {
        return Ok(response);
    }
    let version = response.version();
    let bytes = response.bytes().await?;
    call.set_last(Exchange {
        status,
        headers: headers.clone(),
        body: Some(String::from_utf8_lossy(&bytes).into_owned()),
    });
    let mut rebuilt = http::Response::new(bytes);
    *rebuilt.status_mut() = status;
    *rebuilt.version_mut() = version;
    *rebuilt.headers_mut() = headers;
    Ok(reqwest::Response::from(rebuilt))
}
