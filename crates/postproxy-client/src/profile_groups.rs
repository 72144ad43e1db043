//! The profile group operations: [`Client::profile_groups`].
//!
//! Each request builder wraps the generated one, so parameters and results are the spec's.
//! Group operations ignore the client's default `profile_group_id`, so none is sent.

use postproxy_models::{
    CreateProfileGroupRequest, CredentialConnection, DeleteProfileGroupResponse,
    InitializeConnectionRequest, InitializeConnectionRequestOnboarding,
    InitializeConnectionResponse, OAuthConnection, Platform, ProfileGroup, ProfileGroupParams,
};

use std::time::Duration;

use crate::{builder, Client, Error};

/// The profile group operations, from [`Client::profile_groups`].
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # let mock = postproxy_mock_server::MockServer::start().await;
/// use postproxy_client::Client;
///
/// let client = Client::builder(mock.full_access_key())
///     .base_url(mock.base_url())
///     .build()?;
/// let groups = client.profile_groups().list().send().await?;
/// let main_brand = client.profile_groups().get("grp123abc").send().await?;
/// assert!(groups.contains(&main_brand));
/// assert_eq!((main_brand.name.as_str(), main_brand.profiles_count), ("Main Brand", 5));
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Copy, Debug)]
pub struct ProfileGroups<'a> {
    client: &'a Client,
}

impl<'a> ProfileGroups<'a> {
    pub(crate) fn new(client: &'a Client) -> Self {
        Self { client }
    }

    /// `GET /api/profile_groups`: every group the key can access (a scoped key: its own).
    pub fn list(&self) -> ListProfileGroups<'a> {
        ListProfileGroups {
            client: self.client,
            timeout: None,
            inner: self.client.generated().list_profile_groups(),
        }
    }

    /// `GET /api/profile_groups/{id}`: one group.
    pub fn get(&self, id: impl Into<String>) -> GetProfileGroup<'a> {
        GetProfileGroup {
            client: self.client,
            timeout: None,
            inner: self.client.generated().get_profile_group().id(id.into()),
        }
    }

    /// `POST /api/profile_groups`: creates an empty group named `name` (not blank: 422
    /// otherwise; a scoped key is answered with 422 as well).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let mock = postproxy_mock_server::MockServer::start().await;
    /// # let client = postproxy_client::Client::builder(mock.full_access_key())
    /// #     .base_url(mock.base_url())
    /// #     .build()?;
    /// // With an idempotency key, sending the same create again (or a retry) cannot make a
    /// // second group: the service replays the first answer.
    /// let created = client
    ///     .profile_groups()
    ///     .create("New Client Project")
    ///     .idempotency_key("create-ncp-1")
    ///     .send()
    ///     .await?;
    /// let again = client
    ///     .profile_groups()
    ///     .create("New Client Project")
    ///     .idempotency_key("create-ncp-1")
    ///     .send()
    ///     .await?;
    /// assert_eq!(created, again);
    /// assert_eq!(created.profiles_count, 0);
    /// # Ok(())
    /// # }
    /// ```
    pub fn create(&self, name: impl Into<String>) -> CreateProfileGroup<'a> {
        let body = CreateProfileGroupRequest {
            profile_group: Some(ProfileGroupParams {
                name: Some(name.into()),
            }),
            name: None,
        };
        CreateProfileGroup {
            client: self.client,
            timeout: None,
            inner: self.client.generated().create_profile_group().body(body),
        }
    }

    /// `DELETE /api/profile_groups/{id}`: deletes a group and all its profiles.
    pub fn delete(&self, id: impl Into<String>) -> DeleteProfileGroup<'a> {
        DeleteProfileGroup {
            client: self.client,
            timeout: None,
            inner: self.client.generated().delete_profile_group().id(id.into()),
        }
    }

    /// `POST /api/profile_groups/{id}/initialize_connection`: a URL that starts the OAuth flow
    /// connecting a new `platform` profile to the group; after it the user is sent to
    /// `redirect_url`. The service connects facebook, instagram, tiktok, linkedin, youtube,
    /// twitter and threads so (422 for the others, and for a platform the group already has
    /// active); bluesky and telegram connect with credentials instead:
    /// [`connect_bluesky`](Self::connect_bluesky), [`connect_telegram`](Self::connect_telegram).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let mock = postproxy_mock_server::MockServer::start().await;
    /// # let client = postproxy_client::Client::builder(mock.full_access_key())
    /// #     .base_url(mock.base_url())
    /// #     .build()?;
    /// use postproxy_client::models::Platform;
    ///
    /// let connection = client
    ///     .profile_groups()
    ///     .initialize_connection("grp789ghi", Platform::Linkedin, "https://myapp.com/oauth/callback")
    ///     .send()
    ///     .await?;
    /// assert!(connection.success);
    /// println!("send the user to {}", connection.url);
    /// # Ok(())
    /// # }
    /// ```
    pub fn initialize_connection(
        &self,
        id: impl Into<String>,
        platform: Platform,
        redirect_url: impl Into<String>,
    ) -> InitializeConnection<'a> {
        InitializeConnection {
            client: self.client,
            timeout: None,
            inner: self
                .client
                .generated()
                .initialize_connection()
                .id(id.into()),
            body: InitializeConnectionRequest {
                platform: Some(platform.to_string()),
                redirect_url: Some(redirect_url.into()),
                ..Default::default()
            },
        }
    }

    /// `POST /api/profile_groups/{id}/initialize_connection` for bluesky, with credentials
    /// instead of OAuth, as the official Node SDK's `connectBluesky` sends them (not in the
    /// reference): `identifier` is the account's handle (`jane.bsky.social`) or email,
    /// `app_password` an app password from the Bluesky settings. The profile is connected at
    /// once (or an expired or inactive bluesky profile of the group reconnected); 422 if a
    /// field is missing or malformed, or the group's bluesky profile is active.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let mock = postproxy_mock_server::MockServer::start().await;
    /// # let client = postproxy_client::Client::builder(mock.full_access_key())
    /// #     .base_url(mock.base_url())
    /// #     .build()?;
    /// use postproxy_client::models::Platform;
    ///
    /// let connected = client
    ///     .profile_groups()
    ///     .connect_bluesky("grp456xyz", "jane.bsky.social", "xxxx-xxxx-xxxx-xxxx")
    ///     .send()
    ///     .await?;
    /// assert_eq!(connected.profile.network, Platform::Bluesky);
    /// assert_eq!(connected.profile.external_username.as_deref(), Some("jane.bsky.social"));
    /// let profile = client.profiles().get(&connected.profile.id).send().await?;
    /// assert_eq!(profile.profile_group_id, "grp456xyz");
    /// # Ok(())
    /// # }
    /// ```
    pub fn connect_bluesky(
        &self,
        id: impl Into<String>,
        identifier: impl Into<String>,
        app_password: impl Into<String>,
    ) -> ConnectWithCredentials<'a> {
        self.connect_with(
            id.into(),
            InitializeConnectionRequest {
                platform: Some(Platform::Bluesky.to_string()),
                identifier: Some(identifier.into()),
                app_password: Some(app_password.into()),
                ..Default::default()
            },
        )
    }

    /// `POST /api/profile_groups/{id}/initialize_connection` for telegram, with the bot token
    /// @BotFather gives (`<bot id>:<secret>`), as the official Node SDK's `connectTelegram`
    /// sends it (not in the reference). The bot's profile is connected at once, with no
    /// placements: its channels appear as placements once the bot is an administrator of them
    /// (the answer's `next_step` says so), so poll
    /// [`placements`](crate::profiles::Profiles::placements) until they do.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let mock = postproxy_mock_server::MockServer::start().await;
    /// # let client = postproxy_client::Client::builder(mock.full_access_key())
    /// #     .base_url(mock.base_url())
    /// #     .build()?;
    /// let connected = client
    ///     .profile_groups()
    ///     .connect_telegram("grp789ghi", "123456789:ABCdef-GhIJklMnOpQrStUvWxYz")
    ///     .send()
    ///     .await?;
    /// println!("{}", connected.next_step.as_deref().unwrap_or_default());
    /// let channels = client.profiles().placements(&connected.profile.id).send().await?;
    /// assert!(channels.is_empty(), "none until the bot is added to a channel");
    /// # Ok(())
    /// # }
    /// ```
    pub fn connect_telegram(
        &self,
        id: impl Into<String>,
        bot_token: impl Into<String>,
    ) -> ConnectWithCredentials<'a> {
        self.connect_with(
            id.into(),
            InitializeConnectionRequest {
                platform: Some(Platform::Telegram.to_string()),
                bot_token: Some(bot_token.into()),
                ..Default::default()
            },
        )
    }

    fn connect_with(
        &self,
        id: String,
        body: InitializeConnectionRequest,
    ) -> ConnectWithCredentials<'a> {
        ConnectWithCredentials {
            client: self.client,
            timeout: None,
            inner: self.client.generated().initialize_connection().id(id),
            body,
        }
    }
}

/// A `GET /api/profile_groups` request, from [`ProfileGroups::list`].
#[derive(Clone, Debug)]
#[must_use = "a request does nothing until `.send().await`"]
pub struct ListProfileGroups<'a> {
    client: &'a Client,
    inner: builder::ListProfileGroups<'a>,
    timeout: Option<Duration>,
}

impl ListProfileGroups<'_> {
    /// Fails this call if an attempt takes longer than `timeout`, instead of the client's
    /// timeout ([`ClientBuilder::timeout`](crate::ClientBuilder::timeout)).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Sends the request: the groups (the response's `data`).
    pub async fn send(self) -> Result<Vec<ProfileGroup>, Error> {
        Ok(self
            .client
            .call(self.inner.send(), self.timeout)
            .await?
            .data)
    }
}

/// A `GET /api/profile_groups/{id}` request, from [`ProfileGroups::get`].
#[derive(Clone, Debug)]
#[must_use = "a request does nothing until `.send().await`"]
pub struct GetProfileGroup<'a> {
    client: &'a Client,
    inner: builder::GetProfileGroup<'a>,
    timeout: Option<Duration>,
}

impl GetProfileGroup<'_> {
    /// Fails this call if an attempt takes longer than `timeout`, instead of the client's
    /// timeout ([`ClientBuilder::timeout`](crate::ClientBuilder::timeout)).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Sends the request.
    pub async fn send(self) -> Result<ProfileGroup, Error> {
        self.client.call(self.inner.send(), self.timeout).await
    }
}

/// A `POST /api/profile_groups` request, from [`ProfileGroups::create`].
#[derive(Clone, Debug)]
#[must_use = "a request does nothing until `.send().await`"]
pub struct CreateProfileGroup<'a> {
    client: &'a Client,
    inner: builder::CreateProfileGroup<'a>,
    timeout: Option<Duration>,
}

impl CreateProfileGroup<'_> {
    /// Sends `Idempotency-Key` (at most 255 characters): the service replays the first
    /// successful answer to the same key for 24 hours, so repeating the create cannot make a
    /// second group. It also lets a [`RetryPolicy`](crate::RetryPolicy) retry this `POST`.
    pub fn idempotency_key(mut self, key: impl Into<String>) -> Self {
        self.inner = self.inner.idempotency_key(key.into());
        self
    }

    /// Fails this call if an attempt takes longer than `timeout`, instead of the client's
    /// timeout ([`ClientBuilder::timeout`](crate::ClientBuilder::timeout)).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Sends the request: the new group.
    pub async fn send(self) -> Result<ProfileGroup, Error> {
        self.client.call(self.inner.send(), self.timeout).await
    }
}

/// A `DELETE /api/profile_groups/{id}` request, from [`ProfileGroups::delete`].
#[derive(Clone, Debug)]
#[must_use = "a request does nothing until `.send().await`"]
pub struct DeleteProfileGroup<'a> {
    client: &'a Client,
    inner: builder::DeleteProfileGroup<'a>,
    timeout: Option<Duration>,
}

impl DeleteProfileGroup<'_> {
    /// Sends `Idempotency-Key` (at most 255 characters): the service replays the first
    /// successful answer to the same key for 24 hours, so a repeated or retried delete answers
    /// `deleted` instead of 404.
    pub fn idempotency_key(mut self, key: impl Into<String>) -> Self {
        self.inner = self.inner.idempotency_key(key.into());
        self
    }

    /// Fails this call if an attempt takes longer than `timeout`, instead of the client's
    /// timeout ([`ClientBuilder::timeout`](crate::ClientBuilder::timeout)).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Sends the request.
    pub async fn send(self) -> Result<DeleteProfileGroupResponse, Error> {
        self.client.call(self.inner.send(), self.timeout).await
    }
}

/// A `POST /api/profile_groups/{id}/initialize_connection` request, from
/// [`ProfileGroups::initialize_connection`].
#[derive(Clone, Debug)]
#[must_use = "a request does nothing until `.send().await`"]
pub struct InitializeConnection<'a> {
    client: &'a Client,
    inner: builder::InitializeConnection<'a>,
    timeout: Option<Duration>,
    body: InitializeConnectionRequest,
}

impl InitializeConnection<'_> {
    /// The onboarding variant (sent by some official SDKs).
    pub fn onboarding(mut self, onboarding: InitializeConnectionRequestOnboarding) -> Self {
        self.body.onboarding = Some(onboarding);
        self
    }

    /// Reconnect an existing profile (e.g. an expired one) instead of adding one.
    pub fn refresh_connection(mut self, refresh: bool) -> Self {
        self.body.refresh_connection = Some(refresh);
        self
    }

    /// Sends `force_no_redirect` (sent by some official SDKs).
    pub fn force_no_redirect(mut self, force: bool) -> Self {
        self.body.force_no_redirect = Some(force);
        self
    }

    /// Fails this call if an attempt takes longer than `timeout`, instead of the client's
    /// timeout ([`ClientBuilder::timeout`](crate::ClientBuilder::timeout)).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Sends the request: the URL to send the user to. An answer of the other shape (a
    /// profile connected with credentials) is an [`ErrorKind::Decode`](crate::ErrorKind)
    /// error.
    pub async fn send(self) -> Result<OAuthConnection, Error> {
        match self
            .client
            .call(self.inner.body(self.body).send(), self.timeout)
            .await?
        {
            InitializeConnectionResponse::OAuthConnection(answer) => Ok(answer),
            other => Err(Error::unexpected_answer("an OAuth connection URL", &other)),
        }
    }
}

/// A `POST /api/profile_groups/{id}/initialize_connection` request with credentials, from
/// [`ProfileGroups::connect_bluesky`] or [`ProfileGroups::connect_telegram`].
#[derive(Clone, Debug)]
#[must_use = "a request does nothing until `.send().await`"]
pub struct ConnectWithCredentials<'a> {
    client: &'a Client,
    inner: builder::InitializeConnection<'a>,
    timeout: Option<Duration>,
    body: InitializeConnectionRequest,
}

impl ConnectWithCredentials<'_> {
    /// Reconnect the group's profile of the platform even if it is active.
    pub fn refresh_connection(mut self, refresh: bool) -> Self {
        self.body.refresh_connection = Some(refresh);
        self
    }

    /// Fails this call if an attempt takes longer than `timeout`, instead of the client's
    /// timeout ([`ClientBuilder::timeout`](crate::ClientBuilder::timeout)).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Sends the request: the connected profile (and, for telegram, the `next_step`). An
    /// answer of the other shape (an OAuth URL) is an [`ErrorKind::Decode`](crate::ErrorKind)
    /// error.
    pub async fn send(self) -> Result<CredentialConnection, Error> {
        match self
            .client
            .call(self.inner.body(self.body).send(), self.timeout)
            .await?
        {
            InitializeConnectionResponse::CredentialConnection(answer) => Ok(answer),
            other => Err(Error::unexpected_answer("a connected profile", &other)),
        }
    }
}
