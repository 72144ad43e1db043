//! The way to the upstream and back: a pooled HTTP/1.1 client (hyper-util's, which sends a
//! request exactly as given; HTTPS with the `tls` feature), the headers that stay on this hop,
//! and bodies read into memory up to a cap, then passed on as a stream.

use std::time::Duration;

use axum::body::{Body, Bytes};
use futures_util::StreamExt as _;
use http::header::{self, HeaderMap, HeaderName};
use http::uri::{Authority, Scheme, Uri};
use http_body_util::BodyExt as _;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::{TokioExecutor, TokioTimer};

/// How long an idle pooled connection to the upstream is kept: shorter than the keep-alive of
/// common servers and load balancers (60 s and more), so the proxy lets go first and does not
/// send a request on a connection the upstream is closing.
const POOL_IDLE: Duration = Duration::from_secs(20);

#[cfg(feature = "tls")]
type Connector = hyper_rustls::HttpsConnector<HttpConnector>;
#[cfg(not(feature = "tls"))]
type Connector = HttpConnector;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// The upstream: where requests go, and the client that takes them.
pub(super) struct Upstream {
    client: Client<Connector, Body>,
    scheme: Scheme,
    authority: Authority,
    /// The base URL's path without its trailing `/` (empty for the root).
    base_path: String,
    /// The base URL as given, without a trailing `/`, for messages.
    pub(super) shown: String,
}

/// Why the upstream gave no (whole) answer.
pub(super) enum Failure {
    /// No connection could be made.
    Unreachable(String),
    /// The connection ended before a whole answer.
    Dropped(String),
}

impl Upstream {
    /// The upstream at `url`, an `http://` or (with the `tls` feature) `https://` base URL.
    pub(super) fn new(url: &str, connect_timeout: Duration) -> Result<Upstream, String> {
        let uri: Uri = url
            .trim()
            .parse()
            .map_err(|e| format!("{url:?} is not a URL: {e}"))?;
        let scheme = uri
            .scheme()
            .cloned()
            .ok_or(format!("{url:?} has no scheme"))?;
        if scheme != Scheme::HTTP && scheme != Scheme::HTTPS {
            return Err(format!("{url:?}: not an http:// or https:// URL"));
        }
        if cfg!(not(feature = "tls")) && scheme == Scheme::HTTPS {
            return Err(format!(
                "{url:?}: https needs the `tls` feature, which this build lacks"
            ));
        }
        let authority = uri
            .authority()
            .cloned()
            .ok_or(format!("{url:?} has no host"))?;
        if uri.query().is_some() {
            return Err(format!("{url:?}: a base URL has no query"));
        }
        let base_path = uri.path().trim_end_matches('/').to_string();
        let mut http = HttpConnector::new();
        http.set_nodelay(true);
        http.set_connect_timeout(Some(connect_timeout));
        http.enforce_http(false);
        let client = Client::builder(TokioExecutor::new())
            .pool_idle_timeout(POOL_IDLE)
            .pool_timer(TokioTimer::new())
            .build(connector(http)?);
        Ok(Upstream {
            client,
            scheme,
            authority,
            base_path,
            shown: url.trim().trim_end_matches('/').to_string(),
        })
    }

    /// The upstream's URI for a request's path and query.
    pub(super) fn uri(&self, path_and_query: &str) -> Result<Uri, http::Error> {
        Uri::builder()
            .scheme(self.scheme.clone())
            .authority(self.authority.clone())
            .path_and_query(format!("{}{path_and_query}", self.base_path))
            .build()
    }

    /// Sends `request` (its URI already the upstream's) and waits for the answer's head.
    pub(super) async fn send(
        &self,
        request: http::Request<Body>,
    ) -> Result<http::Response<hyper::body::Incoming>, Failure> {
        self.client.request(request).await.map_err(|e| {
            let message = chain(&e);
            if e.is_connect() {
                Failure::Unreachable(message)
            } else {
                Failure::Dropped(message)
            }
        })
    }
}

#[cfg(feature = "tls")]
fn connector(http: HttpConnector) -> Result<Connector, String> {
    Ok(hyper_rustls::HttpsConnectorBuilder::new()
        .try_with_platform_verifier()
        .map_err(|e| format!("cannot set up TLS: {e}"))?
        .https_or_http()
        .enable_http1()
        .wrap_connector(http))
}

#[cfg(not(feature = "tls"))]
fn connector(http: HttpConnector) -> Result<Connector, String> {
    Ok(http)
}

/// An error and its sources, as one line.
pub(super) fn chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let said = cause.to_string();
        if !text.contains(&said) {
            text.push_str(": ");
            text.push_str(&said);
        }
        source = cause.source();
    }
    text
}

/// Removes the headers that belong to one hop (RFC 9110 7.6.1): those a `Connection` header
/// names, and connection, keep-alive, proxy-connection, proxy-authenticate,
/// proxy-authorization, te, trailer, transfer-encoding and upgrade.
pub(super) fn strip_hop_by_hop(headers: &mut HeaderMap) {
    let named: Vec<HeaderName> = headers
        .get_all(header::CONNECTION)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|name| HeaderName::from_bytes(name.trim().as_bytes()).ok())
        .collect();
    for name in named {
        headers.remove(name);
    }
    for name in [
        header::CONNECTION,
        HeaderName::from_static("keep-alive"),
        HeaderName::from_static("proxy-connection"),
        header::PROXY_AUTHENTICATE,
        header::PROXY_AUTHORIZATION,
        header::TE,
        header::TRAILER,
        header::TRANSFER_ENCODING,
        header::UPGRADE,
    ] {
        headers.remove(name);
    }
}

/// A body read into memory up to a cap.
pub(super) enum Capped {
    /// The whole body.
    Whole(Bytes),
    /// Longer than the cap: what was read, then the rest, as a body to pass on unread.
    Over(Body),
}

/// Reads `body` whole if it is at most `cap` bytes; otherwise stops there and returns a body
/// that gives what was read and then the rest. Trailers are dropped (neither side of this API
/// sends any).
pub(super) async fn read_capped<B>(mut body: B, cap: usize) -> Result<Capped, B::Error>
where
    B: hyper::body::Body<Data = Bytes> + Send + Unpin + 'static,
    B::Error: Into<BoxError>,
{
    let mut chunks: Vec<Bytes> = Vec::new();
    let mut len = 0;
    while let Some(frame) = body.frame().await {
        let Ok(data) = frame?.into_data() else {
            continue;
        };
        len += data.len();
        chunks.push(data);
        if len > cap {
            let head = futures_util::stream::iter(chunks)
                .map(|chunk| Ok::<_, BoxError>(hyper::body::Frame::data(chunk)));
            let rest = http_body_util::BodyStream::new(body).map(|frame| frame.map_err(Into::into));
            let stream = head.chain(rest);
            return Ok(Capped::Over(Body::new(http_body_util::StreamBody::new(
                stream,
            ))));
        }
    }
    Ok(Capped::Whole(match chunks.len() {
        0 => Bytes::new(),
        1 => chunks.swap_remove(0),
        _ => chunks.concat().into(),
    }))
}
