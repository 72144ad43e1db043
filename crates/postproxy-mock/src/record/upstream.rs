//! The upstream API as `record` reads it: GET requests only, with the key as a bearer token,
//! paced ([`Pacer`]), 429s waited out per `Retry-After`, and every answer parsed into the
//! spec's models. A failed request says what went wrong in one line ([`FetchError`]); the
//! caller names the object it was for.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime};

use postproxy_models::{
    Placement, PlacementList, Profile, ProfileGroup, ProfileGroupList, ProfileList, ProfileStats,
    ProfileStatsResponse,
};
use reqwest::{StatusCode, Url};
use serde::de::DeserializeOwned;

use super::pace::{Pacer, Rate};
use super::progress::Progress;

/// Attempts per request when the upstream answers 429 (or 503 with `Retry-After`).
pub(crate) const MAX_ATTEMPTS: u32 = 8;

/// The longest wait a `Retry-After` may ask for; a longer one fails the request instead of
/// stalling the recording.
pub(crate) const MAX_RETRY_WAIT: Duration = Duration::from_secs(300);

/// How long one request may take, from sending it to its whole body.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(120);

/// How long connecting may take.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// Why a request gave no usable answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum FetchError {
    /// No HTTP answer: the connection could not be made (`connect`), or broke, or timed out.
    Transport { connect: bool, message: String },
    /// An answer other than 200 (after any 429s were waited out).
    Status {
        status: StatusCode,
        /// The API's `error` message, or the start of the body.
        message: String,
        /// Whether the body was the API's JSON error (`{"error": ...}`).
        api_error: bool,
    },
    /// A 200 whose body is not the JSON the spec describes for this request.
    Decode {
        /// Whether the body was JSON at all.
        json: bool,
        content_type: String,
        message: String,
    },
}

impl std::fmt::Display for FetchError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FetchError::Transport { message, .. } => f.write_str(message),
            FetchError::Status {
                status, message, ..
            } => write!(f, "{status}: {message}"),
            FetchError::Decode {
                json: true,
                message,
                ..
            } => write!(f, "JSON that is not the API's answer: {message}"),
            FetchError::Decode {
                json: false,
                content_type,
                message,
            } => write!(f, "not JSON ({content_type}): {message}"),
        }
    }
}

/// A parsed answer and the upstream's `Date` header.
pub(crate) struct Answer<T> {
    pub(crate) value: T,
    pub(crate) date: Option<SystemTime>,
}

/// The upstream: its base URL, the key, the pacing and the count of requests sent.
pub(crate) struct Upstream {
    http: reqwest::Client,
    base: Url,
    key: String,
    pacer: Pacer,
    progress: Progress,
    requests: AtomicU64,
    retries: AtomicU64,
}

impl Upstream {
    /// A client of the API at `base` (http or https; a path prefix is kept).
    pub(crate) fn new(
        base: &str,
        key: &str,
        rate: Rate,
        concurrency: usize,
        progress: Progress,
    ) -> Result<Self, String> {
        let base = Url::parse(base.trim()).map_err(|e| format!("{base:?}: {e}"))?;
        if !matches!(base.scheme(), "http" | "https") || base.cannot_be_a_base() {
            return Err(format!("{base}: not an http:// or https:// URL"));
        }
        let http = reqwest::Client::builder()
            .user_agent(concat!("postproxy-mock-record/", env!("CARGO_PKG_VERSION")))
            .timeout(REQUEST_TIMEOUT)
            .connect_timeout(CONNECT_TIMEOUT)
            .pool_max_idle_per_host(concurrency)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| format!("cannot build the HTTP client: {e}"))?;
        Ok(Self {
            http,
            base,
            key: key.to_string(),
            pacer: Pacer::new(rate),
            progress,
            requests: AtomicU64::new(0),
            retries: AtomicU64::new(0),
        })
    }

    /// The base URL, as given.
    pub(crate) fn base(&self) -> &Url {
        &self.base
    }

    /// Requests sent so far (retries included) and how many of them were retries.
    pub(crate) fn counts(&self) -> (u64, u64) {
        (
            self.requests.load(Ordering::Relaxed),
            self.retries.load(Ordering::Relaxed),
        )
    }

    /// list_profile_groups.
    pub(crate) async fn groups(&self) -> Result<Answer<Vec<ProfileGroup>>, FetchError> {
        let answer: Answer<ProfileGroupList> = self.get(&["profile_groups"], &[]).await?;
        Ok(Answer {
            value: answer.value.data,
            date: answer.date,
        })
    }

    /// list_profiles of one group.
    pub(crate) async fn profiles(&self, group_id: &str) -> Result<Vec<Profile>, FetchError> {
        let answer: Answer<ProfileList> = self
            .get(&["profiles"], &[("profile_group_id", group_id)])
            .await?;
        Ok(answer.value.data)
    }

    /// list_profile_placements.
    pub(crate) async fn placements(&self, profile_id: &str) -> Result<Vec<Placement>, FetchError> {
        let answer: Answer<PlacementList> = self
            .get(&["profiles", profile_id, "placements"], &[])
            .await?;
        Ok(answer.value.data)
    }

    /// get_profile_stats: the whole series (no window), of one placement when given.
    pub(crate) async fn stats(
        &self,
        profile_id: &str,
        placement_id: Option<&str>,
    ) -> Result<ProfileStats, FetchError> {
        let query: Vec<(&str, &str)> = placement_id
            .map(|id| ("placement_id", id))
            .into_iter()
            .collect();
        let answer: Answer<ProfileStatsResponse> =
            self.get(&["profiles", profile_id, "stats"], &query).await?;
        Ok(answer.value.data)
    }

    /// `GET {base}/api/{segments...}?{query}`, paced, with 429s waited out, parsed as `T`.
    async fn get<T: DeserializeOwned>(
        &self,
        segments: &[&str],
        query: &[(&str, &str)],
    ) -> Result<Answer<T>, FetchError> {
        let url = self.url(segments, query);
        let mut attempt = 1;
        loop {
            self.pacer.wait().await;
            self.requests.fetch_add(1, Ordering::Relaxed);
            let response = self
                .http
                .get(url.clone())
                .bearer_auth(&self.key)
                .header(reqwest::header::ACCEPT, "application/json")
                .send()
                .await
                .map_err(transport)?;
            let status = response.status();
            if let Some(wait) = self.retry_wait(&response, attempt) {
                self.retries.fetch_add(1, Ordering::Relaxed);
                self.pacer.pause_until(tokio::time::Instant::now() + wait);
                self.progress.note(&format!(
                    "{status} from the upstream on {}: waiting {:.1} s (attempt {attempt} of {MAX_ATTEMPTS})",
                    url.path(),
                    wait.as_secs_f64()
                ));
                attempt += 1;
                continue;
            }
            return read_answer(response).await;
        }
    }

    /// How long to wait before trying again, if the answer is a 429 (or a 503 that says when)
    /// and the attempts and the wait are within bounds.
    fn retry_wait(&self, response: &reqwest::Response, attempt: u32) -> Option<Duration> {
        let status = response.status();
        let asked = response
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| postproxy_models::retry_after(v, SystemTime::now()));
        let wait = match (status, asked) {
            (StatusCode::TOO_MANY_REQUESTS, Some(wait))
            | (StatusCode::SERVICE_UNAVAILABLE, Some(wait)) => wait,
            // No Retry-After: 1, 2, 4 ... seconds.
            (StatusCode::TOO_MANY_REQUESTS, None) => Duration::from_secs(1 << (attempt - 1)),
            _ => return None,
        };
        (attempt < MAX_ATTEMPTS && wait <= MAX_RETRY_WAIT).then_some(wait)
    }

    fn url(&self, segments: &[&str], query: &[(&str, &str)]) -> Url {
        let mut url = self.base.clone();
        if let Ok(mut path) = url.path_segments_mut() {
            path.pop_if_empty().push("api").extend(segments);
        }
        url.set_query(None);
        if !query.is_empty() {
            url.query_pairs_mut().extend_pairs(query);
        }
        url
    }
}

fn transport(e: reqwest::Error) -> FetchError {
    let connect = e.is_connect();
    // reqwest's own text is "error sending request for url (...)"; the cause says why.
    let mut message = e.to_string();
    let mut source = std::error::Error::source(&e);
    while let Some(cause) = source {
        message = format!("{message}: {cause}");
        source = cause.source();
    }
    if e.is_timeout() {
        message = format!("timed out: {message}");
    }
    FetchError::Transport { connect, message }
}

/// The body of an answer that is not to be retried: parsed as `T` on 200, an error otherwise.
async fn read_answer<T: DeserializeOwned>(
    response: reqwest::Response,
) -> Result<Answer<T>, FetchError> {
    let status = response.status();
    let date = response
        .headers()
        .get(reqwest::header::DATE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| httpdate::parse_http_date(v).ok());
    let content_type = response
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("no content type")
        .to_string();
    let body = response.bytes().await.map_err(transport)?;
    if status != StatusCode::OK {
        let api = serde_json::from_slice::<postproxy_models::Error>(&body).ok();
        return Err(FetchError::Status {
            status,
            api_error: api.is_some(),
            message: api.map_or_else(|| excerpt(&body), |e| e.error),
        });
    }
    match serde_json::from_slice::<T>(&body) {
        Ok(value) => Ok(Answer { value, date }),
        Err(e) => Err(FetchError::Decode {
            json: serde_json::from_slice::<serde::de::IgnoredAny>(&body).is_ok(),
            content_type,
            message: if e.is_data() {
                e.to_string()
            } else {
                excerpt(&body)
            },
        }),
    }
}

/// The start of a body as one line of text, for a message.
fn excerpt(body: &[u8]) -> String {
    const MAX: usize = 120;
    let text = String::from_utf8_lossy(&body[..body.len().min(4 * MAX)]);
    let line: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    match line.char_indices().nth(MAX) {
        Some((cut, _)) => format!("{}…", &line[..cut]),
        None if line.is_empty() => "(empty body)".into(),
        None => line,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn upstream(base: &str) -> Upstream {
        Upstream::new(base, "k", Rate::Unlimited, 1, Progress::off()).unwrap()
    }

    #[test]
    fn urls_keep_a_base_path_and_encode_ids() {
        let up = upstream("https://api.example/v2/");
        let url = up.url(&["profiles", "a/b c", "stats"], &[("placement_id", "1&2")]);
        assert_eq!(
            url.as_str(),
            "https://api.example/v2/api/profiles/a%2Fb%20c/stats?placement_id=1%262"
        );
        let up = upstream("http://127.0.0.1:9");
        assert_eq!(
            up.url(&["profile_groups"], &[]).as_str(),
            "http://127.0.0.1:9/api/profile_groups"
        );
    }

    #[test]
    fn only_http_urls_are_upstreams() {
        for bad in ["ftp://x", "127.0.0.1:8080", "mailto:a@b", ""] {
            assert!(
                Upstream::new(bad, "k", Rate::Unlimited, 1, Progress::off()).is_err(),
                "{bad}"
            );
        }
    }

    #[test]
    fn excerpts_are_one_short_line() {
        assert_eq!(
            excerpt(b"<html>\n  <b>Bad</b>\n</html>"),
            "<html> <b>Bad</b> </html>"
        );
        assert_eq!(excerpt(b""), "(empty body)");
        let long = "x".repeat(500);
        assert_eq!(excerpt(long.as_bytes()).chars().count(), 121);
    }
}
