//! The one HTTP exchange verify needs: send a request, and keep the whole answer (status,
//! `Content-Type`, body bytes) or name why there is none. A 429 is waited out as its
//! `Retry-After` asks, within a bound, and retried.

use std::time::{Duration, SystemTime};

use reqwest::{Method, Url};
use serde_json::Value;

/// Attempts of one request while the upstream answers 429.
pub(crate) const RATE_LIMIT_ATTEMPTS: u32 = 3;
/// The wait when a 429 has no (readable) `Retry-After`.
const DEFAULT_RETRY_AFTER: Duration = Duration::from_secs(1);
/// The most of a body kept; beyond it the exchange fails (a hostile upstream cannot make
/// verify hold more).
const MAX_BODY: usize = 32 * 1024 * 1024;

/// Where requests go and with which key.
pub(crate) struct Upstream {
    client: reqwest::Client,
    base: Url,
    key: String,
    max_retry_wait: Duration,
}

/// A request to send: the path as segments (each percent-encoded on the way), query pairs,
/// an optional JSON body, and the key to send (the upstream's own, or another).
pub(crate) struct Call {
    pub method: Method,
    pub segments: Vec<String>,
    pub query: Vec<(String, String)>,
    pub body: Option<Value>,
    pub key: Option<String>,
}

/// A complete answer.
pub(crate) struct Answer {
    pub status: u16,
    pub content_type: Option<String>,
    /// `Location`, for a redirect (which is not followed).
    pub location: Option<String>,
    pub body: Vec<u8>,
}

/// What came of a [`Call`]: an answer, or a transport failure; and what happened on the way
/// (429s waited out).
pub(crate) struct Exchange {
    pub result: Result<Answer, Transport>,
    pub notes: Vec<String>,
    /// The last 429 asked for a longer wait than allowed, so it was not retried.
    pub wait_refused: Option<u64>,
    /// The path and query as sent, for the report.
    pub target: String,
}

/// Why there is no answer.
#[derive(Debug)]
pub(crate) struct Transport {
    pub timed_out: bool,
    pub message: String,
}

impl Upstream {
    pub(crate) fn new(
        base: Url,
        key: String,
        timeout: Duration,
        max_retry_wait: Duration,
    ) -> Result<Upstream, String> {
        let client = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout)
            .user_agent(concat!("postproxy-mock-verify/", env!("CARGO_PKG_VERSION")))
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| chain(&e))?;
        Ok(Upstream {
            client,
            base,
            key,
            max_retry_wait,
        })
    }

    /// The URL of a call: the base URL's path, then the segments, then the query.
    pub(crate) fn url(&self, call: &Call) -> Url {
        let mut url = self.base.clone();
        if let Ok(mut path) = url.path_segments_mut() {
            path.pop_if_empty().extend(&call.segments);
        }
        if !call.query.is_empty() {
            url.query_pairs_mut().extend_pairs(&call.query);
        }
        url
    }

    /// Sends `call`, waiting out up to [`RATE_LIMIT_ATTEMPTS`] - 1 answers of 429.
    pub(crate) async fn send(&self, call: &Call) -> Exchange {
        let url = self.url(call);
        let target = match url.query() {
            Some(query) => format!("{}?{query}", url.path()),
            None => url.path().to_string(),
        };
        let mut notes = Vec::new();
        let mut attempt = 1;
        loop {
            let result = self.once(call, url.clone()).await;
            let (wait, seconds) = match &result {
                Ok((answer, retry_after)) if answer.status == 429 => {
                    let wait = retry_after.unwrap_or(DEFAULT_RETRY_AFTER);
                    (wait, wait.as_secs())
                }
                _ => {
                    let result = result.map(|(answer, _)| answer);
                    return Exchange::new(result, notes, None, target);
                }
            };
            if wait > self.max_retry_wait {
                let result = result.map(|(answer, _)| answer);
                return Exchange::new(result, notes, Some(seconds), target);
            }
            if attempt == RATE_LIMIT_ATTEMPTS {
                let result = result.map(|(answer, _)| answer);
                return Exchange::new(result, notes, None, target);
            }
            notes.push(format!("429 (Retry-After {seconds} s): waited and retried"));
            tokio::time::sleep(wait).await;
            attempt += 1;
        }
    }

    /// One attempt: the answer and its `Retry-After`, read whole.
    async fn once(&self, call: &Call, url: Url) -> Result<(Answer, Option<Duration>), Transport> {
        let key = call.key.as_deref().unwrap_or(&self.key);
        let mut request = self
            .client
            .request(call.method.clone(), url)
            .bearer_auth(key)
            .header(reqwest::header::ACCEPT, "application/json");
        if let Some(body) = &call.body {
            request = request.json(body);
        }
        let mut response = request.send().await.map_err(|e| transport(&e))?;
        let status = response.status().as_u16();
        let header = |name| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        let content_type = header(reqwest::header::CONTENT_TYPE);
        let location = header(reqwest::header::LOCATION);
        let retry_after = header(reqwest::header::RETRY_AFTER)
            .and_then(|v| postproxy_models::retry_after(&v, SystemTime::now()));
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(|e| transport(&e))? {
            if body.len() + chunk.len() > MAX_BODY {
                return Err(Transport {
                    timed_out: false,
                    message: format!("the body is larger than {MAX_BODY} bytes"),
                });
            }
            body.extend_from_slice(&chunk);
        }
        let answer = Answer {
            status,
            content_type,
            location,
            body,
        };
        Ok((answer, retry_after))
    }
}

impl Exchange {
    fn new(
        result: Result<Answer, Transport>,
        notes: Vec<String>,
        wait_refused: Option<u64>,
        target: String,
    ) -> Exchange {
        Exchange {
            result,
            notes,
            wait_refused,
            target,
        }
    }
}

fn transport(error: &reqwest::Error) -> Transport {
    let message = chain(error);
    let message = if error.is_timeout() {
        format!("no answer in time: {message}")
    } else if error.is_connect() {
        format!("cannot connect: {message}")
    } else {
        format!("the connection failed before a whole answer: {message}")
    };
    Transport {
        timed_out: error.is_timeout(),
        message,
    }
}

/// An error with its sources, `: `-separated, each said once (reqwest repeats some).
pub(crate) fn chain(error: &dyn std::error::Error) -> String {
    let mut parts: Vec<String> = vec![error.to_string()];
    let mut source = error.source();
    while let Some(e) = source {
        let text = e.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        source = e.source();
    }
    parts.join(": ")
}
