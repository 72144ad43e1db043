//! When a failed request is sent again, and how long to wait first.

use std::time::{Duration, SystemTime};

use reqwest::header::{HeaderMap, RETRY_AFTER};
use reqwest::{Method, StatusCode};

/// The header that makes a POST safe to repeat: the service replays the first response.
const IDEMPOTENCY_KEY: &str = "idempotency-key";

/// Opt-in retries of transient failures; set with [`ClientBuilder::retry`].
///
/// A request is retried when all of these hold:
///
/// - it is *safe to repeat*: a `GET`, or a `DELETE` (idempotent by HTTP semantics), or a `POST`
///   or `PATCH` that carries an `Idempotency-Key` (set with `.idempotency_key(...)` on the
///   writes that accept one). A `POST` or `PATCH` without a key is never retried: the first
///   attempt may have created the group or invitation, or moved the profile, already.
/// - it failed transiently: 429 Too Many Requests, any 5xx, or the connection could not be made
///   (refused, DNS failure, connect timeout: the request never reached the server). A request
///   that timed out once connected is not retried (its time budget is spent), nor is any other
///   status.
/// - fewer than [`max_attempts`](Self::max_attempts) attempts were made.
///
/// Before the next attempt the client waits for the response's `Retry-After` (seconds or an
/// HTTP date) if it has one, otherwise for an exponential backoff: `initial_backoff`, doubled
/// per attempt, capped at `max_backoff`, with jitter (a random wait between half and all of
/// it) so that many clients do not retry in step. A `Retry-After` longer than `max_backoff` is
/// not waited out: the error is returned at once, with the wait the server asked for in
/// [`Error::retry_after`], so the caller decides.
///
/// A `DELETE` without an idempotency key whose first attempt took effect on the server (say
/// it answered 502 from a gateway after deleting) is answered 404 on the retry; with a key, the
/// service replays the original success.
///
/// ```
/// use std::time::Duration;
/// use postproxy_client::{Client, RetryPolicy};
///
/// let client = Client::builder("YOUR_API_KEY")
///     .retry(RetryPolicy {
///         max_attempts: 4,
///         initial_backoff: Duration::from_millis(200),
///         max_backoff: Duration::from_secs(10),
///     })
///     .build()?;
/// # Ok::<(), postproxy_client::BuildError>(())
/// ```
///
/// [`ClientBuilder::retry`]: crate::ClientBuilder::retry
/// [`Error::retry_after`]: crate::Error::retry_after
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in total, the first one included; `1` (or `0`) never retries.
    pub max_attempts: u32,
    /// The wait after the first failed attempt, when the response has no `Retry-After`.
    pub initial_backoff: Duration,
    /// The longest wait between attempts, and the longest `Retry-After` honoured.
    pub max_backoff: Duration,
}

impl Default for RetryPolicy {
    /// 3 attempts, waiting 250–500 ms then 0.5–1 s (backoff with jitter); `Retry-After`
    /// honoured up to 30 s.
    fn default() -> Self {
        Self {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(30),
        }
    }
}

/// What went wrong with an attempt, as far as retrying is concerned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Failure {
    /// A response with this status.
    Status(StatusCode),
    /// The connection could not be made, so the request never reached the server.
    Connect,
}

/// The decision after a failed attempt.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Decision {
    /// Wait this long, then send the request again.
    RetryAfter(Duration),
    /// Return this attempt's outcome to the caller.
    GiveUp,
}

/// Whether a request may be sent twice without changing what it does: the API's GETs and
/// DELETEs, and a POST or PATCH with an `Idempotency-Key`.
pub(crate) fn is_safe_to_repeat(method: &Method, headers: &HeaderMap) -> bool {
    matches!(*method, Method::GET | Method::DELETE) || headers.contains_key(IDEMPOTENCY_KEY)
}

/// Whether a failure may pass if the request is sent again.
fn is_transient(failure: Failure) -> bool {
    match failure {
        Failure::Status(status) => {
            status == StatusCode::TOO_MANY_REQUESTS || status.is_server_error()
        }
        Failure::Connect => true,
    }
}

impl RetryPolicy {
    /// The decision after attempt number `attempt` (1-based) of a request that is safe to
    /// repeat failed with `failure`; `retry_after` is the response's `Retry-After`, if any.
    pub(crate) fn decide(
        &self,
        attempt: u32,
        failure: Failure,
        retry_after: Option<Duration>,
    ) -> Decision {
        if attempt >= self.max_attempts || !is_transient(failure) {
            return Decision::GiveUp;
        }
        match retry_after {
            Some(wait) if wait <= self.max_backoff => Decision::RetryAfter(wait),
            Some(_) => Decision::GiveUp,
            None => Decision::RetryAfter(jitter(self.backoff(attempt), random_unit())),
        }
    }

    /// The backoff after attempt number `attempt` (1-based), before jitter.
    fn backoff(&self, attempt: u32) -> Duration {
        let doublings = attempt.saturating_sub(1).min(31);
        self.initial_backoff
            .saturating_mul(1 << doublings)
            .min(self.max_backoff)
    }
}

/// "Equal jitter": between half and all of `backoff`, by `unit` in `[0, 1)`.
fn jitter(backoff: Duration, unit: f64) -> Duration {
    let half = backoff / 2;
    half + half.mul_f64(unit.clamp(0.0, 1.0))
}

/// A number in `[0, 1)` that differs between calls. `RandomState` is seeded randomly per
/// process and per instance, which is plenty for spreading retries without a dependency.
fn random_unit() -> f64 {
    use std::hash::{BuildHasher, Hasher};
    let bits = std::collections::hash_map::RandomState::new()
        .build_hasher()
        .finish();
    (bits >> 11) as f64 / (1u64 << 53) as f64
}

/// The `Retry-After` header as a wait from `now` (seconds or an HTTP date, read by
/// [`postproxy_models::retry_after`]). `None` if absent or unreadable.
pub(crate) fn retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    postproxy_models::retry_after(headers.get(RETRY_AFTER)?.to_str().ok()?, now)
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn headers(retry_after: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(RETRY_AFTER, HeaderValue::from_str(retry_after).unwrap());
        h
    }

    fn policy(max_attempts: u32) -> RetryPolicy {
        RetryPolicy {
            max_attempts,
            initial_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_secs(1),
        }
    }

    #[test]
    fn retry_after_reads_the_header() {
        let now = SystemTime::UNIX_EPOCH;
        assert_eq!(
            retry_after(&headers("120"), now),
            Some(Duration::from_secs(120))
        );
        assert_eq!(
            retry_after(&headers("Thu, 01 Jan 1970 00:00:30 GMT"), now),
            Some(Duration::from_secs(30))
        );
        assert_eq!(retry_after(&headers("soon"), now), None);
        assert_eq!(retry_after(&HeaderMap::new(), now), None);
    }

    #[test]
    fn only_requests_that_are_safe_to_repeat_are_retried() {
        let none = HeaderMap::new();
        let mut keyed = HeaderMap::new();
        keyed.insert(IDEMPOTENCY_KEY, HeaderValue::from_static("k-1"));
        assert!(is_safe_to_repeat(&Method::GET, &none));
        assert!(is_safe_to_repeat(&Method::DELETE, &none));
        assert!(!is_safe_to_repeat(&Method::POST, &none));
        assert!(is_safe_to_repeat(&Method::POST, &keyed));
    }

    #[test]
    fn transient_failures_are_429_5xx_and_connect_errors() {
        for status in [429, 500, 502, 503, 504] {
            assert!(is_transient(Failure::Status(
                StatusCode::from_u16(status).unwrap()
            )));
        }
        for status in [400, 401, 403, 404, 409, 422] {
            assert!(!is_transient(Failure::Status(
                StatusCode::from_u16(status).unwrap()
            )));
        }
        assert!(is_transient(Failure::Connect));
    }

    #[test]
    fn backoff_doubles_up_to_the_cap() {
        let p = policy(10);
        let waits: Vec<u128> = (1..=6).map(|a| p.backoff(a).as_millis()).collect();
        assert_eq!(waits, [100, 200, 400, 800, 1000, 1000]);
        assert_eq!(p.backoff(u32::MAX), Duration::from_secs(1));
    }

    #[test]
    fn jitter_stays_between_half_and_all_of_the_backoff() {
        let b = Duration::from_millis(800);
        assert_eq!(jitter(b, 0.0), Duration::from_millis(400));
        assert_eq!(jitter(b, 1.0), b);
        for _ in 0..100 {
            let j = jitter(b, random_unit());
            assert!(j >= b / 2 && j <= b, "{j:?}");
        }
    }

    #[test]
    fn decisions_honour_attempts_retry_after_and_its_cap() {
        let p = policy(3);
        let busy = Failure::Status(StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(
            p.decide(1, busy, Some(Duration::from_millis(300))),
            Decision::RetryAfter(Duration::from_millis(300))
        );
        // Longer than max_backoff: the caller gets the error and decides.
        assert_eq!(
            p.decide(1, busy, Some(Duration::from_secs(5))),
            Decision::GiveUp
        );
        match p.decide(2, busy, None) {
            Decision::RetryAfter(w) => {
                assert!(w >= Duration::from_millis(100) && w <= Duration::from_millis(200))
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(p.decide(3, busy, None), Decision::GiveUp);
        assert_eq!(
            p.decide(1, Failure::Status(StatusCode::NOT_FOUND), None),
            Decision::GiveUp
        );
        assert_eq!(policy(0).decide(1, busy, None), Decision::GiveUp);
    }
}
