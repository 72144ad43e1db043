//! [`Error`]: every way a call can fail, with a kind to match on.

use std::fmt;
use std::time::{Duration, SystemTime};

use reqwest::header::HeaderMap;
use reqwest::StatusCode;

use crate::retry;
use crate::transport::Exchange;

/// The error of the generated operations (progenitor's error with the API's error body), as
/// returned by the builders of [`Client::generated`](crate::Client::generated).
pub type GeneratedError = progenitor_client::Error<postproxy_models::Error>;

/// The error of every call: what kind of failure, the HTTP status and the API's message.
///
/// Compare or match [`kind`](Self::kind) (a plain enum: `err.kind() == ErrorKind::NotFound`),
/// or use the `is_*` helpers for the common checks; the wait a 429 (or a 503) asked for is
/// [`retry_after`](Self::retry_after). [`Display`](fmt::Display) is the API's own `error`
/// message (e.g. `Not found`), or a description when there was no API answer.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # let mock = postproxy_mock_server::MockServer::start().await;
/// use postproxy_client::{Client, ErrorKind};
///
/// let client = Client::builder(mock.full_access_key())
///     .base_url(mock.base_url())
///     .build()?;
/// let err = client.profiles().get("prof_missing").send().await.unwrap_err();
/// assert_eq!(err.kind(), ErrorKind::NotFound);
/// assert_eq!(err.status().map(|s| s.as_u16()), Some(404));
/// assert_eq!(err.to_string(), "Not found");
/// assert_eq!(err.body(), Some(r#"{"error":"Not found"}"#));
/// assert!(err.is_not_found());
///
/// // Waiting as a 429 asks: the kind says what, `retry_after` how long.
/// # mock.control().add_fault(mock.demo_account_id(),
/// #     &postproxy_mock_server::control::FaultSpec::status(429).retry_after(2)).await?;
/// match client.profiles().list().send().await {
///     Err(e) if e.kind() == ErrorKind::RateLimited => {
///         assert_eq!(e.retry_after(), Some(std::time::Duration::from_secs(2)));
///     }
///     other => panic!("expected a 429, got {other:?}"),
/// }
/// # Ok(())
/// # }
/// ```
pub struct Error {
    kind: ErrorKind,
    status: Option<StatusCode>,
    message: String,
    body: Option<String>,
    retry_after: Option<Duration>,
    source: Option<Box<dyn std::error::Error + Send + Sync>>,
}

/// What kind of failure an [`Error`] is. New kinds may be added, so a `match` needs a `_` arm.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// 400: the request is malformed, e.g. `placement_id is required for linkedin profiles`.
    BadRequest,
    /// 401: the API key is missing or unknown.
    Authentication,
    /// 403: the key may not do this.
    Forbidden,
    /// 404: no such object, or the key cannot access it (a scoped key sees only its group).
    NotFound,
    /// 409: a request with the same `Idempotency-Key` is still being processed.
    Conflict,
    /// 422: the request cannot be carried out: a blank name, a permission the key lacks, an
    /// unsupported platform, an `Idempotency-Key` reused with another body.
    Validation,
    /// 429: too many requests. How long the server asked to wait is
    /// [`Error::retry_after`] (`Retry-After`, in seconds or as an HTTP date).
    RateLimited,
    /// 5xx: the server failed.
    Server,
    /// Another status: a 4xx not listed above (e.g. 405, or 413 for a body over 1 MiB), or a
    /// success status other than the documented one.
    UnexpectedStatus,
    /// No response in time ([`ClientBuilder::timeout`](crate::ClientBuilder::timeout)).
    Timeout,
    /// The request could not be sent or the response not received (DNS, connection, TLS).
    Transport,
    /// A success response whose body is not what the spec describes.
    Decode,
    /// The request could not be built, e.g. an `Idempotency-Key` longer than 255 characters.
    InvalidRequest,
}

impl ErrorKind {
    /// The kind of an error response with `status`.
    fn of_status(status: StatusCode) -> Self {
        match status.as_u16() {
            400 => Self::BadRequest,
            401 => Self::Authentication,
            403 => Self::Forbidden,
            404 => Self::NotFound,
            409 => Self::Conflict,
            422 => Self::Validation,
            429 => Self::RateLimited,
            500..=599 => Self::Server,
            _ => Self::UnexpectedStatus,
        }
    }
}

impl Error {
    /// What kind of failure this is.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// 404: no such object, or the key cannot see it.
    pub fn is_not_found(&self) -> bool {
        self.kind == ErrorKind::NotFound
    }

    /// 429: rate-limited; [`retry_after`](Self::retry_after) says how long to wait.
    pub fn is_rate_limited(&self) -> bool {
        self.kind == ErrorKind::RateLimited
    }

    /// 422: the request was understood but refused (a blank name, a permission the key lacks).
    pub fn is_validation(&self) -> bool {
        self.kind == ErrorKind::Validation
    }

    /// 401: the API key is missing or unknown.
    pub fn is_authentication(&self) -> bool {
        self.kind == ErrorKind::Authentication
    }

    /// No response in time (the client's or the call's timeout).
    pub fn is_timeout(&self) -> bool {
        self.kind == ErrorKind::Timeout
    }

    /// A failure that may pass if the request is sent again later: 429, 5xx, a timeout or a
    /// transport failure. (Whether a request is *safe* to send again is another matter: see
    /// [`RetryPolicy`](crate::RetryPolicy).)
    pub fn is_transient(&self) -> bool {
        matches!(
            self.kind,
            ErrorKind::RateLimited | ErrorKind::Server | ErrorKind::Timeout | ErrorKind::Transport
        )
    }

    /// The HTTP status, if there was a response.
    pub fn status(&self) -> Option<StatusCode> {
        self.status
    }

    /// The API's `error` message, or a description when there was none.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The response body as received, if there was a response whose body explains the error
    /// (an error status, or a success body that did not decode).
    pub fn body(&self) -> Option<&str> {
        self.body.as_deref()
    }

    /// How long the server asked to wait before trying again: the response's `Retry-After`,
    /// whatever the status (a 429 has one; a 503 may).
    pub fn retry_after(&self) -> Option<Duration> {
        self.retry_after
    }

    fn new(kind: ErrorKind, status: Option<StatusCode>, message: impl Into<String>) -> Self {
        Self {
            kind,
            status,
            message: message.into(),
            body: None,
            retry_after: None,
            source: None,
        }
    }

    fn with_body(mut self, body: Option<String>) -> Self {
        self.body = body;
        self
    }

    fn with_source(mut self, source: impl std::error::Error + Send + Sync + 'static) -> Self {
        self.source = Some(Box::new(source));
        self
    }

    /// An error response with its status, headers, API message and body. `Retry-After` is
    /// kept for any status (a 503 may send one), and is part of the kind for a 429.
    fn from_status(
        status: StatusCode,
        headers: &HeaderMap,
        message: String,
        body: Option<String>,
    ) -> Self {
        let retry_after = retry::retry_after(headers, SystemTime::now());
        let mut error =
            Self::new(ErrorKind::of_status(status), Some(status), message).with_body(body);
        error.retry_after = retry_after;
        error
    }

    /// An error response whose body was not decoded: the message from the body (`error`, then
    /// `message`, as the official SDKs read it) or else the status itself.
    fn from_response(status: StatusCode, headers: &HeaderMap, body: Option<String>) -> Self {
        let message = body
            .as_deref()
            .and_then(message_in)
            .unwrap_or_else(|| format!("HTTP {status}"));
        Self::from_status(status, headers, message, body)
    }

    /// A success whose body decoded as the operation's other documented shape, not the one
    /// the call asked for (initialize_connection answers an OAuth URL or a connected
    /// profile): a [`ErrorKind::Decode`] error carrying the body.
    pub(crate) fn unexpected_answer(expected: &str, got: &impl serde::Serialize) -> Self {
        Self::new(
            ErrorKind::Decode,
            Some(StatusCode::OK),
            format!("the response is not {expected}"),
        )
        .with_body(serde_json::to_string(got).ok())
    }

    /// Converts a generated operation's error, using the call's last response (`last`) for what
    /// the generated error does not keep. Without it the raw body of a decoded error is
    /// re-encoded, and an undecodable body has no status.
    pub(crate) fn from_generated(error: GeneratedError, last: Option<Exchange>) -> Self {
        use progenitor_client::Error as G;
        match error {
            G::ErrorResponse(response) => {
                let status = response.status();
                let headers = response.headers().clone();
                let api = response.into_inner();
                let body = match last {
                    Some(Exchange { body: Some(b), .. }) => b,
                    _ => serde_json::to_string(&api).unwrap_or_default(),
                };
                Self::from_status(status, &headers, api.error, Some(body))
            }
            G::UnexpectedResponse(response) => {
                let status = response.status();
                let body = last.and_then(|l| l.body);
                if status.is_client_error() || status.is_server_error() {
                    Self::from_response(status, response.headers(), body)
                } else {
                    Self::new(
                        ErrorKind::UnexpectedStatus,
                        Some(status),
                        format!("unexpected HTTP {status}"),
                    )
                    .with_body(body)
                }
            }
            G::InvalidResponsePayload(bytes, source) => {
                let text = String::from_utf8_lossy(&bytes).into_owned();
                match last {
                    // An error status whose body is not the API's JSON (a gateway's HTML page,
                    // say) is still that status's kind.
                    Some(l) if !l.status.is_success() => {
                        Self::from_response(l.status, &l.headers, Some(text)).with_source(source)
                    }
                    last => Self::new(
                        ErrorKind::Decode,
                        last.map(|l| l.status),
                        format!("the response could not be decoded: {source}"),
                    )
                    .with_body(Some(text))
                    .with_source(source),
                }
            }
            G::CommunicationError(source)
            | G::ResponseBodyError(source)
            | G::InvalidUpgrade(source) => {
                let status = last.map(|l| l.status).or_else(|| source.status());
                let (kind, message) = if source.is_timeout() {
                    (ErrorKind::Timeout, "the request timed out")
                } else if source.is_connect() {
                    (ErrorKind::Transport, "could not connect to the API")
                } else {
                    (ErrorKind::Transport, "the request failed in transport")
                };
                Self::new(kind, status, message).with_source(source)
            }
            G::InvalidRequest(message) => Self::new(ErrorKind::InvalidRequest, None, message),
            // Only hooks produce `Custom`, and this crate's hook never does.
            G::Custom(message) => Self::new(ErrorKind::Transport, None, message),
        }
    }
}

/// The message of an error body: its `error`, else its `message` string.
fn message_in(body: &str) -> Option<String> {
    let value: serde_json::Value = serde_json::from_str(body).ok()?;
    ["error", "message"]
        .iter()
        .find_map(|key| value.get(key)?.as_str().map(str::to_owned))
}

impl From<GeneratedError> for Error {
    /// Converts an error of [`Client::generated`](crate::Client::generated)'s builders. The
    /// body of a status the operation does not document is not read (it is still in the
    /// response), and a body that did not decode has no status.
    fn from(error: GeneratedError) -> Self {
        Self::from_generated(error, None)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Error")
            .field("kind", &self.kind)
            .field("status", &self.status)
            .field("message", &self.message)
            .field("body", &self.body)
            .field("retry_after", &self.retry_after)
            .field("source", &self.source)
            .finish()
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_deref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use progenitor_client::ResponseValue;
    use reqwest::header::{HeaderValue, RETRY_AFTER};

    fn api_error(status: u16, headers: HeaderMap, message: &str) -> GeneratedError {
        progenitor_client::Error::ErrorResponse(ResponseValue::new(
            postproxy_models::Error {
                error: message.into(),
            },
            StatusCode::from_u16(status).unwrap(),
            headers,
        ))
    }

    #[test]
    fn statuses_map_to_kinds() {
        let cases = [
            (400, ErrorKind::BadRequest),
            (401, ErrorKind::Authentication),
            (403, ErrorKind::Forbidden),
            (404, ErrorKind::NotFound),
            (409, ErrorKind::Conflict),
            (422, ErrorKind::Validation),
            (429, ErrorKind::RateLimited),
            (500, ErrorKind::Server),
            (503, ErrorKind::Server),
            (413, ErrorKind::UnexpectedStatus),
        ];
        for (status, kind) in cases {
            let e = Error::from(api_error(status, HeaderMap::new(), "m"));
            assert_eq!((e.kind(), e.status().unwrap().as_u16()), (kind, status));
        }
    }

    #[test]
    fn a_decoded_error_reads_like_the_api_and_keeps_its_body() {
        let mut headers = HeaderMap::new();
        headers.insert(RETRY_AFTER, HeaderValue::from_static("7"));
        let e = Error::from(api_error(429, headers, "Rate limit exceeded"));
        // One expression, and the wait is still there.
        assert!(e.kind() == ErrorKind::RateLimited && e.is_rate_limited() && e.is_transient());
        assert_eq!(e.to_string(), "Rate limit exceeded");
        assert_eq!(e.retry_after(), Some(Duration::from_secs(7)));
        // Without the call's raw body, the decoded body is re-encoded.
        assert_eq!(e.body(), Some(r#"{"error":"Rate limit exceeded"}"#));
    }

    #[test]
    fn a_503_keeps_its_retry_after_too() {
        let mut headers = HeaderMap::new();
        headers.insert(RETRY_AFTER, HeaderValue::from_static("30"));
        let e = Error::from(api_error(503, headers, "Service unavailable"));
        assert_eq!(e.kind(), ErrorKind::Server);
        assert_eq!(e.retry_after(), Some(Duration::from_secs(30)));
        assert_eq!(
            Error::from(api_error(503, HeaderMap::new(), "x")).retry_after(),
            None
        );
    }

    #[test]
    fn the_raw_body_of_the_call_is_preferred() {
        let raw = r#"{"error": "Not found", "request_id": "r1"}"#;
        let last = Exchange {
            status: StatusCode::NOT_FOUND,
            headers: HeaderMap::new(),
            body: Some(raw.into()),
        };
        let e = Error::from_generated(api_error(404, HeaderMap::new(), "Not found"), Some(last));
        assert_eq!((e.kind(), e.body()), (ErrorKind::NotFound, Some(raw)));
    }

    #[test]
    fn messages_come_from_error_then_message_then_the_status() {
        assert_eq!(
            message_in(r#"{"error": "a", "message": "b"}"#).unwrap(),
            "a"
        );
        assert_eq!(message_in(r#"{"message": "b"}"#).unwrap(), "b");
        assert_eq!(message_in("<html>"), None);
        let e = Error::from_response(StatusCode::BAD_GATEWAY, &HeaderMap::new(), None);
        assert_eq!(
            (e.kind(), e.to_string()),
            (ErrorKind::Server, "HTTP 502 Bad Gateway".to_string())
        );
    }

    #[test]
    fn an_undecodable_error_body_keeps_its_status_kind() {
        let source = serde_json::from_str::<postproxy_models::Error>("<html>").unwrap_err();
        let generated = progenitor_client::Error::InvalidResponsePayload("<html>".into(), source);
        let last = Exchange {
            status: StatusCode::SERVICE_UNAVAILABLE,
            headers: HeaderMap::new(),
            body: Some("<html>".into()),
        };
        let e = Error::from_generated(generated, Some(last));
        assert_eq!(e.kind(), ErrorKind::Server);
        assert_eq!(e.status(), Some(StatusCode::SERVICE_UNAVAILABLE));
        assert_eq!(e.body(), Some("<html>"));
        assert!(std::error::Error::source(&e).is_some());
    }

    #[test]
    fn errors_are_send_sync_and_static() {
        fn check<T: Send + Sync + 'static>() {}
        check::<Error>();
    }
}
