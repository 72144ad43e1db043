//! The HTTP exchange under every generated operation: retries, tracing, and keeping the last
//! response's status, headers and raw error body for [`Error`](crate::Error).
//!
//! The generated code builds each request and hands it to `ClientHooks::exec`, which this
//! module implements for the generated client. The retry policy is the generated client's own
//! state ([`RequestDefaults`]): the client the hand-written layer sends through has the
//! [`Client`](crate::Client)'s, the one [`Client::generated`](crate::Client::generated) returns
//! has none, so its calls are traced but sent once.
//!
//! A call of the hand-written layer also runs inside a [`Call`] (a task-local), which carries
//! its own timeout in and the last response out; progenitor's builders hold the shared
//! generated client and build the request inside `send()`, so per-call values have no other way
//! to the hook. Without one (a generated call), errors are progenitor's.

use std::future::Future;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant, SystemTime};

use progenitor_client::{ClientHooks, ClientInfo, OperationInfo};
use reqwest::header::{HeaderMap, HeaderValue, AUTHORIZATION, USER_AGENT};
use reqwest::StatusCode;
use tracing::Instrument;

use crate::retry::{self, Decision, Failure, RetryPolicy};
use crate::{trace, GeneratedClient};

tokio::task_local! {
    static CALL: Arc<Call>;
}

/// What every request of a [`GeneratedClient`] carries, whatever `reqwest::Client` sends it:
/// the `Authorization` and `User-Agent` headers and a default timeout. [`ClientBuilder`]
/// fills it in; the request hook applies it, so a `reqwest::Client` you bring
/// ([`ClientBuilder::http_client`]) needs no default headers of ours. `Debug` never shows the
/// key.
///
/// Build a [`GeneratedClient`] by hand with `RequestDefaults::default()` (nothing added) or
/// [`RequestDefaults::new`].
///
/// [`ClientBuilder`]: crate::ClientBuilder
/// [`ClientBuilder::http_client`]: crate::ClientBuilder::http_client
#[derive(Clone, Default)]
pub struct RequestDefaults {
    authorization: Option<HeaderValue>,
    user_agent: Option<HeaderValue>,
    timeout: Option<Duration>,
    /// Set by [`ClientBuilder`](crate::ClientBuilder) on the generated client its calls go
    /// through only.
    retry: Option<RetryPolicy>,
}

impl std::fmt::Debug for RequestDefaults {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RequestDefaults")
            .field(
                "authorization",
                &self.authorization.as_ref().map(|_| "<redacted>"),
            )
            .field("user_agent", &self.user_agent)
            .field("timeout", &self.timeout)
            .field("retry", &self.retry)
            .finish()
    }
}

impl RequestDefaults {
    /// `Authorization: Bearer <api_key>` and `User-Agent: <user_agent>` on every request, and
    /// `timeout` on every request that has none of its own (`None`: the `reqwest::Client`'s).
    /// Fails if a value cannot be sent as a header.
    pub fn new(
        api_key: &str,
        user_agent: &str,
        timeout: Option<Duration>,
    ) -> Result<Self, crate::BuildError> {
        let mut authorization =
            HeaderValue::from_str(&format!("Bearer {api_key}")).map_err(|_| {
                crate::BuildError::new("the API key contains characters not allowed in a header")
            })?;
        // Sensitive values are left out of `Debug` output (and HTTP/2 header compression).
        authorization.set_sensitive(true);
        let user_agent = HeaderValue::from_str(user_agent)
            .map_err(|_| crate::BuildError::new("the user agent is not a valid header value"))?;
        Ok(Self {
            authorization: Some(authorization),
            user_agent: Some(user_agent),
            timeout,
            retry: None,
        })
    }

    /// These defaults, with requests that are safe to repeat retried as `retry` says.
    pub(crate) fn with_retry(self, retry: Option<RetryPolicy>) -> Self {
        Self { retry, ..self }
    }

    pub(crate) fn retry(&self) -> Option<&RetryPolicy> {
        self.retry.as_ref()
    }

    /// Adds what `request` does not set itself.
    fn apply(&self, request: &mut reqwest::Request) {
        let headers = request.headers_mut();
        for (name, value) in [
            (AUTHORIZATION, &self.authorization),
            (USER_AGENT, &self.user_agent),
        ] {
            if let Some(value) = value {
                headers.entry(name).or_insert_with(|| value.clone());
            }
        }
        if request.timeout().is_none() {
            *request.timeout_mut() = self.timeout;
        }
    }
}

/// What one call of the hand-written layer shares with the request hook.
#[derive(Debug)]
pub(crate) struct Call {
    timeout: Option<Duration>,
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
    /// A call with, if set, its own timeout per attempt.
    pub(crate) fn new(timeout: Option<Duration>) -> Arc<Self> {
        Arc::new(Self {
            timeout,
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
impl ClientHooks<RequestDefaults> for GeneratedClient {
    async fn exec(
        &self,
        mut request: reqwest::Request,
        info: &OperationInfo,
    ) -> reqwest::Result<reqwest::Response> {
        let call = CALL.try_with(Arc::clone).ok();
        // A call's own timeout first, then the client's; reqwest's per-request timeout
        // overrides the one the `reqwest::Client` was built with.
        if let Some(timeout) = call.as_ref().and_then(|c| c.timeout) {
            *request.timeout_mut() = Some(timeout);
        }
        let defaults = self.inner();
        defaults.apply(&mut request);
        let policy = defaults
            .retry
            .filter(|_| retry::is_safe_to_repeat(request.method(), request.headers()));
        execute(
            self.client(),
            request,
            info.operation_id,
            policy,
            call.as_deref(),
        )
        .await
    }
}

/// Sends `request`, and again as `policy` says (`None`: once); with a `call`, its last
/// response is kept there.
async fn execute(
    http: &reqwest::Client,
    mut request: reqwest::Request,
    operation: &'static str,
    policy: Option<RetryPolicy>,
    call: Option<&Call>,
) -> reqwest::Result<reqwest::Response> {
    let method = request.method().clone();
    let path = request.url().path().to_owned();
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
