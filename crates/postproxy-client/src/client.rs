//! [`Client`] and its settings, [`ClientBuilder`].

use std::future::Future;
use std::time::Duration;

use progenitor_client::ClientInfo as _;

use crate::transport::Call;
use crate::{
    Error, GeneratedClient, GeneratedError, ProfileGroups, Profiles, RequestDefaults,
    ResponseValue, RetryPolicy,
};

/// Where [`Client::new`] sends requests.
pub const DEFAULT_BASE_URL: &str = "https://api.postproxy.dev";

/// The `User-Agent` sent unless [`ClientBuilder::user_agent`] sets another.
pub const USER_AGENT: &str = concat!("postproxy-rust/", env!("CARGO_PKG_VERSION"));

/// The request timeout unless [`ClientBuilder::timeout`] sets another.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// Why a [`Client`] could not be built.
#[derive(Debug)]
pub struct BuildError(String);

impl BuildError {
    pub(crate) fn new(message: impl Into<String>) -> Self {
        Self(message.into())
    }
}

impl std::fmt::Display for BuildError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for BuildError {}

/// A Postproxy API client. Cheap to clone: clones share one connection pool.
///
/// Calls are grouped by resource: [`profiles`](Self::profiles) and
/// [`profile_groups`](Self::profile_groups). The `Debug` output never shows the API key.
#[derive(Clone, Debug)]
pub struct Client {
    /// What [`generated`](Self::generated) returns: no retry policy, so never retried.
    inner: GeneratedClient,
    /// The same transport (one connection pool) with the retry policy in its state: what the
    /// calls of this layer are sent through.
    transport: GeneratedClient,
    profile_group_id: Option<String>,
}

/// Settings for a [`Client`]; start with [`Client::builder`].
#[derive(Clone)]
pub struct ClientBuilder {
    api_key: String,
    base_url: String,
    timeout: Option<Duration>,
    profile_group_id: Option<String>,
    user_agent: String,
    retry: Option<RetryPolicy>,
    http: Option<reqwest::Client>,
}

impl std::fmt::Debug for ClientBuilder {
    // The API key is a secret: never printed.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("api_key", &"<redacted>")
            .field("base_url", &self.base_url)
            .field("timeout", &self.timeout)
            .field("profile_group_id", &self.profile_group_id)
            .field("user_agent", &self.user_agent)
            .field("retry", &self.retry)
            .field("http_client", &self.http.is_some())
            .finish()
    }
}

impl ClientBuilder {
    /// Sends requests to `base_url` (scheme, host, port) instead of [`DEFAULT_BASE_URL`]; for
    /// example a mock server's `http://127.0.0.1:PORT`. A trailing slash is ignored.
    pub fn base_url(mut self, base_url: impl Into<String>) -> Self {
        self.base_url = base_url.into().trim_end_matches('/').to_string();
        self
    }

    /// Fails an attempt that takes longer than `timeout` (connecting included; default
    /// [`DEFAULT_TIMEOUT`]). With [`retry`](Self::retry), each attempt has its own timeout. A
    /// call's own `.timeout(...)` overrides it.
    ///
    /// With [`http_client`](Self::http_client), the client's own timeout applies unless this
    /// is set.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Sends requests through `http`, a `reqwest::Client` you configured yourself: a proxy,
    /// extra root certificates, a connection pool shared with the rest of your application.
    ///
    /// This crate still sets, per request, the `Authorization` and `User-Agent` headers and,
    /// if [`timeout`](Self::timeout) is set, the timeout; everything else (proxies, TLS,
    /// pool, connect timeout, default headers) is `http`'s. HTTPS needs a reqwest with TLS
    /// (this crate's default `tls` feature enables rustls).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let mock = postproxy_mock_server::MockServer::start().await;
    /// use std::time::Duration;
    /// use postproxy_client::Client;
    ///
    /// // One pool for the whole application, with its own settings.
    /// let http = reqwest::Client::builder()
    ///     .pool_idle_timeout(Duration::from_secs(30))
    ///     // .proxy(reqwest::Proxy::all("http://proxy.internal:3128")?)
    ///     .build()?;
    /// let client = Client::builder(mock.full_access_key())
    ///     .base_url(mock.base_url())
    ///     .http_client(http.clone())
    ///     .build()?;
    /// assert_eq!(client.profile_groups().list().send().await?.len(), 4);
    /// # Ok(())
    /// # }
    /// ```
    pub fn http_client(mut self, http: reqwest::Client) -> Self {
        self.http = Some(http);
        self
    }

    /// Sends `profile_group_id` on every profile operation unless a call sets its own (as the
    /// official SDKs do). Group operations ignore it.
    pub fn profile_group_id(mut self, profile_group_id: impl Into<String>) -> Self {
        self.profile_group_id = Some(profile_group_id.into());
        self
    }

    /// Replaces the `User-Agent` header ([`USER_AGENT`] by default).
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = user_agent.into();
        self
    }

    /// Retries transient failures of requests that are safe to repeat, as [`RetryPolicy`]
    /// describes. Off by default, as in the official SDKs.
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    /// Builds the client. Fails if the API key or user agent cannot be sent as a header, or if
    /// the HTTP client cannot be set up.
    pub fn build(self) -> Result<Client, BuildError> {
        let (http, timeout) = match self.http {
            Some(http) => (http, self.timeout),
            None => {
                let timeout = self.timeout.unwrap_or(DEFAULT_TIMEOUT);
                let http = reqwest::Client::builder()
                    .connect_timeout(timeout)
                    .timeout(timeout)
                    .build()
                    .map_err(|e| BuildError(format!("could not set up the HTTP client: {e}")))?;
                (http, Some(timeout))
            }
        };
        let defaults = RequestDefaults::new(&self.api_key, &self.user_agent, timeout)?;
        let inner =
            GeneratedClient::new_with_client(&self.base_url, http.clone(), defaults.clone());
        let transport =
            GeneratedClient::new_with_client(&self.base_url, http, defaults.with_retry(self.retry));
        Ok(Client {
            inner,
            transport,
            profile_group_id: self.profile_group_id,
        })
    }
}

impl Client {
    /// A client for the Postproxy API at [`DEFAULT_BASE_URL`] with `api_key`.
    pub fn new(api_key: impl Into<String>) -> Result<Self, BuildError> {
        Self::builder(api_key).build()
    }

    /// Settings for a client with `api_key`, to change before [`ClientBuilder::build`].
    pub fn builder(api_key: impl Into<String>) -> ClientBuilder {
        ClientBuilder {
            api_key: api_key.into(),
            base_url: DEFAULT_BASE_URL.to_string(),
            timeout: None,
            profile_group_id: None,
            user_agent: USER_AGENT.to_string(),
            retry: None,
            http: None,
        }
    }

    /// The profile operations: list, get, placements, stats, delete.
    pub fn profiles(&self) -> Profiles<'_> {
        Profiles::new(self)
    }

    /// The profile group operations: list, get, create, delete, initialize_connection (and
    /// its credential forms, connect_bluesky and connect_telegram).
    pub fn profile_groups(&self) -> ProfileGroups<'_> {
        ProfileGroups::new(self)
    }

    /// The base URL requests go to.
    pub fn base_url(&self) -> &str {
        self.inner.baseurl()
    }

    /// The default `profile_group_id`, if one was set.
    pub fn profile_group_id(&self) -> Option<&str> {
        self.profile_group_id.as_deref()
    }

    /// The retry policy, if retries are on.
    pub fn retry_policy(&self) -> Option<&RetryPolicy> {
        self.transport.inner().retry()
    }

    /// The generated client, for operations exactly as the spec describes them: same key,
    /// base URL, timeout and user agent, but no default `profile_group_id`, no retries, and
    /// progenitor's [`GeneratedError`] (convert it with `Error::from`). Its requests are traced
    /// like the others.
    pub fn generated(&self) -> &GeneratedClient {
        &self.inner
    }

    /// The generated client the calls of this layer are built on: the one
    /// [`generated`](Self::generated) returns, with the client's retry policy.
    pub(crate) fn transport(&self) -> &GeneratedClient {
        &self.transport
    }

    /// Runs a generated operation (built on [`transport`](Self::transport), which retries it
    /// as its policy says) as one call of this client: with the call's own `timeout` (per
    /// attempt) if it has one, converting the result to the model value or an [`Error`].
    pub(crate) async fn call<T>(
        &self,
        operation: impl Future<Output = Result<ResponseValue<T>, GeneratedError>>,
        timeout: Option<Duration>,
    ) -> Result<T, Error> {
        let call = Call::new(timeout);
        match call.scope(operation).await {
            Ok(response) => Ok(response.into_inner()),
            Err(error) => Err(Error::from_generated(error, call.take_last())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_calls_of_this_layer_carry_the_retry_policy() {
        let policy = RetryPolicy::default();
        let client = Client::builder("k").retry(policy).build().unwrap();
        assert_eq!(client.retry_policy(), Some(&policy));
        assert_eq!(client.transport().inner().retry(), Some(&policy));
        // `generated()` is documented as never retried.
        assert_eq!(client.generated().inner().retry(), None);
        assert_eq!(Client::new("k").unwrap().retry_policy(), None);
    }
}
