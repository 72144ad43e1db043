//! [`Request`]: what every call of the hand-written layer shares (its client, its own timeout,
//! sending it), written once around the generated builder that holds the call's parameters.

use std::future::Future;
use std::time::Duration;

use crate::{Client, Error, GeneratedClient, GeneratedError, ResponseValue};

/// A request of [`Client::profiles`] or [`Client::profile_groups`]: set its parameters, then
/// `.send().await`.
///
/// Each operation's request is this type around its own builder `B` (for example
/// [`profiles::ListProfiles`](crate::profiles::ListProfiles)), with the operation's parameters
/// and `send` as methods; [`timeout`](Self::timeout) is every request's.
#[derive(Clone, Debug)]
#[must_use = "a request does nothing until `.send().await`"]
pub struct Request<'a, B> {
    client: &'a Client,
    builder: B,
    timeout: Option<Duration>,
}

impl<'a, B> Request<'a, B> {
    /// A request of `client`, whose generated builder `build` makes on the generated client
    /// the calls of this layer go through (the one with the retry policy).
    pub(crate) fn new(client: &'a Client, build: impl FnOnce(&'a GeneratedClient) -> B) -> Self {
        Self {
            client,
            builder: build(client.transport()),
            timeout: None,
        }
    }

    /// Fails this call if an attempt takes longer than `timeout`, instead of the client's
    /// timeout ([`ClientBuilder::timeout`](crate::ClientBuilder::timeout)).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Sets a parameter on the builder (what the operations' setters do).
    pub(crate) fn with(mut self, set: impl FnOnce(B) -> B) -> Self {
        self.builder = set(self.builder);
        self
    }

    /// Sends the request as one call of the client: `send` turns the builder into the
    /// generated operation, which runs with the call's timeout; the result is the model value
    /// or an [`Error`].
    pub(crate) async fn send_with<T, F>(self, send: impl FnOnce(B) -> F) -> Result<T, Error>
    where
        F: Future<Output = Result<ResponseValue<T>, GeneratedError>>,
    {
        self.client.call(send(self.builder), self.timeout).await
    }
}
