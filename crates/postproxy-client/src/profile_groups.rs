//! The profile group operations: [`Client::profile_groups`].
//!
//! Each request is a [`Request`] around the generated builder, so parameters and results are
//! the spec's, and every request takes [`timeout`](Request::timeout). Group operations ignore
//! the client's default `profile_group_id`, so none is sent.

use postproxy_models::{
    CreateProfileGroupRequest, CredentialConnection, DeleteProfileGroupResponse,
    InitializeConnectionRequest, InitializeConnectionRequestOnboarding,
    InitializeConnectionResponse, OAuthConnection, Platform, ProfileGroup, ProfileGroupParams,
};

use std::future::Future;
use std::marker::PhantomData;

use crate::{builder, Client, Error, GeneratedError, Request, ResponseValue};

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
        Request::new(self.client, |g| g.list_profile_groups())
    }

    /// `GET /api/profile_groups/{id}`: one group.
    pub fn get(&self, id: impl Into<String>) -> GetProfileGroup<'a> {
        Request::new(self.client, |g| g.get_profile_group().id(id.into()))
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
        Request::new(self.client, |g| g.create_profile_group().body(body))
    }

    /// `DELETE /api/profile_groups/{id}`: deletes a group and all its profiles.
    pub fn delete(&self, id: impl Into<String>) -> DeleteProfileGroup<'a> {
        Request::new(self.client, |g| g.delete_profile_group().id(id.into()))
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
        self.connection(
            id.into(),
            InitializeConnectionRequest {
                platform: Some(platform.to_string()),
                redirect_url: Some(redirect_url.into()),
                ..Default::default()
            },
        )
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
        self.connection(
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
        self.connection(
            id.into(),
            InitializeConnectionRequest {
                platform: Some(Platform::Telegram.to_string()),
                bot_token: Some(bot_token.into()),
                ..Default::default()
            },
        )
    }

    /// A request to `initialize_connection` with `body`, expecting the `Answer` shape.
    fn connection<Answer>(
        &self,
        id: String,
        body: InitializeConnectionRequest,
    ) -> Request<'a, Connection<'a, Answer>> {
        Request::new(self.client, |g| Connection {
            builder: g.initialize_connection().id(id),
            body,
            answer: PhantomData,
        })
    }
}

/// A `GET /api/profile_groups` request, from [`ProfileGroups::list`].
pub type ListProfileGroups<'a> = Request<'a, builder::ListProfileGroups<'a>>;

impl ListProfileGroups<'_> {
    /// Sends the request: the groups (the response's `data`).
    pub async fn send(self) -> Result<Vec<ProfileGroup>, Error> {
        Ok(self.send_with(builder::ListProfileGroups::send).await?.data)
    }
}

/// A `GET /api/profile_groups/{id}` request, from [`ProfileGroups::get`].
pub type GetProfileGroup<'a> = Request<'a, builder::GetProfileGroup<'a>>;

impl GetProfileGroup<'_> {
    /// Sends the request.
    pub async fn send(self) -> Result<ProfileGroup, Error> {
        self.send_with(builder::GetProfileGroup::send).await
    }
}

/// A `POST /api/profile_groups` request, from [`ProfileGroups::create`].
pub type CreateProfileGroup<'a> = Request<'a, builder::CreateProfileGroup<'a>>;

impl CreateProfileGroup<'_> {
    /// Sends `Idempotency-Key` (at most 255 characters): the service replays the first
    /// successful answer to the same key for 24 hours, so repeating the create cannot make a
    /// second group. It also lets a [`RetryPolicy`](crate::RetryPolicy) retry this `POST`.
    pub fn idempotency_key(self, key: impl Into<String>) -> Self {
        self.with(|b| b.idempotency_key(key.into()))
    }

    /// Sends the request: the new group.
    pub async fn send(self) -> Result<ProfileGroup, Error> {
        self.send_with(builder::CreateProfileGroup::send).await
    }
}

/// A `DELETE /api/profile_groups/{id}` request, from [`ProfileGroups::delete`].
pub type DeleteProfileGroup<'a> = Request<'a, builder::DeleteProfileGroup<'a>>;

impl DeleteProfileGroup<'_> {
    /// Sends `Idempotency-Key` (at most 255 characters): the service replays the first
    /// successful answer to the same key for 24 hours, so a repeated or retried delete answers
    /// `deleted` instead of 404.
    pub fn idempotency_key(self, key: impl Into<String>) -> Self {
        self.with(|b| b.idempotency_key(key.into()))
    }

    /// Sends the request.
    pub async fn send(self) -> Result<DeleteProfileGroupResponse, Error> {
        self.send_with(builder::DeleteProfileGroup::send).await
    }
}

/// What [`InitializeConnection`] and [`ConnectWithCredentials`] wrap: the generated builder and
/// the body their setters fill in (the generated builder takes the body whole). `Answer` is the
/// shape of answer each expects, which also makes them two types.
#[derive(Clone, Debug)]
pub struct Connection<'a, Answer> {
    builder: builder::InitializeConnection<'a>,
    body: InitializeConnectionRequest,
    answer: PhantomData<fn() -> Answer>,
}

impl<'a, Answer> Connection<'a, Answer> {
    fn send(
        self,
    ) -> impl Future<Output = Result<ResponseValue<InitializeConnectionResponse>, GeneratedError>> + 'a
    {
        self.builder.body(self.body).send()
    }
}

impl<Answer> Request<'_, Connection<'_, Answer>> {
    /// Changes the request's body.
    fn body(self, set: impl FnOnce(&mut InitializeConnectionRequest)) -> Self {
        self.with(|mut connection| {
            set(&mut connection.body);
            connection
        })
    }
}

/// A `POST /api/profile_groups/{id}/initialize_connection` request, from
/// [`ProfileGroups::initialize_connection`].
pub type InitializeConnection<'a> = Request<'a, Connection<'a, OAuthConnection>>;

impl InitializeConnection<'_> {
    /// The onboarding variant (sent by some official SDKs).
    pub fn onboarding(self, onboarding: InitializeConnectionRequestOnboarding) -> Self {
        self.body(|body| body.onboarding = Some(onboarding))
    }

    /// Reconnect an existing profile (e.g. an expired one) instead of adding one.
    pub fn refresh_connection(self, refresh: bool) -> Self {
        self.body(|body| body.refresh_connection = Some(refresh))
    }

    /// Sends `force_no_redirect` (sent by some official SDKs).
    pub fn force_no_redirect(self, force: bool) -> Self {
        self.body(|body| body.force_no_redirect = Some(force))
    }

    /// Sends the request: the URL to send the user to. An answer of the other shape (a
    /// profile connected with credentials) is an [`ErrorKind::Decode`](crate::ErrorKind)
    /// error.
    pub async fn send(self) -> Result<OAuthConnection, Error> {
        match self.send_with(Connection::send).await? {
            InitializeConnectionResponse::OAuthConnection(answer) => Ok(answer),
            other => Err(Error::unexpected_answer("an OAuth connection URL", &other)),
        }
    }
}

/// A `POST /api/profile_groups/{id}/initialize_connection` request with credentials, from
/// [`ProfileGroups::connect_bluesky`] or [`ProfileGroups::connect_telegram`].
pub type ConnectWithCredentials<'a> = Request<'a, Connection<'a, CredentialConnection>>;

impl ConnectWithCredentials<'_> {
    /// Reconnect the group's profile of the platform even if it is active.
    pub fn refresh_connection(self, refresh: bool) -> Self {
        self.body(|body| body.refresh_connection = Some(refresh))
    }

    /// Sends the request: the connected profile (and, for telegram, the `next_step`). An
    /// answer of the other shape (an OAuth URL) is an [`ErrorKind::Decode`](crate::ErrorKind)
    /// error.
    pub async fn send(self) -> Result<CredentialConnection, Error> {
        match self.send_with(Connection::send).await? {
            InitializeConnectionResponse::CredentialConnection(answer) => Ok(answer),
            other => Err(Error::unexpected_answer("a connected profile", &other)),
        }
    }
}
