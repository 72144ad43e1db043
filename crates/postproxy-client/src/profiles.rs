//! The profile operations: [`Client::profiles`].
//!
//! Each request builder wraps the generated one, so parameters and results are the spec's. The
//! client's default `profile_group_id` is sent unless `.profile_group_id(...)` sets another.

use postproxy_models::{DeleteProfileResponse, Placement, Profile, ProfileDetail, ProfileStats};

use std::time::Duration;

use crate::timestamp::IntoTimestamp;
use crate::{builder, Client, Error};

/// The profile operations, from [`Client::profiles`].
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # let mock = postproxy_mock_server::MockServer::start().await;
/// use postproxy_client::Client;
/// use postproxy_client::models::{Platform, ProfileStatus};
///
/// let client = Client::builder(mock.full_access_key())
///     .base_url(mock.base_url())
///     .build()?;
/// // Without a profile_group_id: the profiles of every group the key can access.
/// let all = client.profiles().list().send().await?;
/// let acme = client.profiles().list().profile_group_id("grp456xyz").send().await?;
/// assert!(acme.len() < all.len());
/// let expired: Vec<_> = acme.iter().filter(|p| p.status == ProfileStatus::Expired).collect();
/// assert_eq!(expired[0].platform, Platform::Instagram);
///
/// let profile = client.profiles().get("prof_li_001").send().await?;
/// assert_eq!(profile.latest_stats.len(), 2);
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Copy, Debug)]
pub struct Profiles<'a> {
    client: &'a Client,
}

impl<'a> Profiles<'a> {
    pub(crate) fn new(client: &'a Client) -> Self {
        Self { client }
    }

    /// Applies the client's default `profile_group_id`, if it has one, to a request builder
    /// (a call's own `.profile_group_id(...)` later overrides it).
    fn default_group<B>(&self, builder: B, set: impl FnOnce(B, &'a str) -> B) -> B {
        match self.client.profile_group_id() {
            Some(group) => set(builder, group),
            None => builder,
        }
    }

    /// `GET /api/profiles`: the profiles of the default group, or of every group the key can
    /// access when the client has none.
    pub fn list(&self) -> ListProfiles<'a> {
        let inner = self.client.generated().list_profiles();
        ListProfiles {
            client: self.client,
            timeout: None,
            inner: self.default_group(inner, |b, group| b.profile_group_id(group)),
        }
    }

    /// `GET /api/profiles/{id}`: a profile with its latest stats per placement and, for
    /// placement networks, their sum.
    pub fn get(&self, id: impl Into<String>) -> GetProfile<'a> {
        let inner = self.client.generated().get_profile().id(id.into());
        GetProfile {
            client: self.client,
            timeout: None,
            inner: self.default_group(inner, |b, group| b.profile_group_id(group)),
        }
    }

    /// `GET /api/profiles/{id}/placements`: where a facebook, linkedin, pinterest, telegram or
    /// google_business profile can publish (other networks are answered with 422).
    pub fn placements(&self, id: impl Into<String>) -> ListPlacements<'a> {
        let inner = self
            .client
            .generated()
            .list_profile_placements()
            .id(id.into());
        ListPlacements {
            client: self.client,
            timeout: None,
            inner: self.default_group(inner, |b, group| b.profile_group_id(group)),
        }
    }

    /// `GET /api/profiles/{id}/stats`: the stats timeseries of a profile, oldest first. For
    /// facebook, linkedin and telegram set [`placement_id`](GetProfileStats::placement_id)
    /// (400 otherwise).
    pub fn stats(&self, id: impl Into<String>) -> GetProfileStats<'a> {
        let inner = self.client.generated().get_profile_stats().id(id.into());
        GetProfileStats {
            client: self.client,
            timeout: None,
            inner: self.default_group(inner, |b, group| b.profile_group_id(group)),
        }
    }

    /// `DELETE /api/profiles/{id}`: disconnects a profile.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let mock = postproxy_mock_server::MockServer::start().await;
    /// # let client = postproxy_client::Client::builder(mock.full_access_key())
    /// #     .base_url(mock.base_url())
    /// #     .build()?;
    /// use postproxy_client::ErrorKind;
    ///
    /// // The same key again replays the first answer instead of a 404.
    /// for _ in 0..2 {
    ///     let deleted = client.profiles().delete("prof123abc").idempotency_key("del-1").send().await?;
    ///     assert!(deleted.success);
    /// }
    /// let gone = client.profiles().get("prof123abc").send().await.unwrap_err();
    /// assert_eq!(gone.kind(), ErrorKind::NotFound);
    /// # Ok(())
    /// # }
    /// ```
    pub fn delete(&self, id: impl Into<String>) -> DeleteProfile<'a> {
        let inner = self.client.generated().delete_profile().id(id.into());
        DeleteProfile {
            client: self.client,
            timeout: None,
            inner: self.default_group(inner, |b, group| b.profile_group_id(group)),
        }
    }
}

/// A `GET /api/profiles` request, from [`Profiles::list`].
#[derive(Clone, Debug)]
#[must_use = "a request does nothing until `.send().await`"]
pub struct ListProfiles<'a> {
    client: &'a Client,
    inner: builder::ListProfiles<'a>,
    timeout: Option<Duration>,
}

impl ListProfiles<'_> {
    /// Only the profiles of this group (instead of the client's default group).
    pub fn profile_group_id(mut self, profile_group_id: impl Into<String>) -> Self {
        self.inner = self.inner.profile_group_id(profile_group_id.into());
        self
    }

    /// Fails this call if an attempt takes longer than `timeout`, instead of the client's
    /// timeout ([`ClientBuilder::timeout`](crate::ClientBuilder::timeout)).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Sends the request: the profiles (the response's `data`).
    pub async fn send(self) -> Result<Vec<Profile>, Error> {
        Ok(self
            .client
            .call(self.inner.send(), self.timeout)
            .await?
            .data)
    }
}

/// A `GET /api/profiles/{id}` request, from [`Profiles::get`].
#[derive(Clone, Debug)]
#[must_use = "a request does nothing until `.send().await`"]
pub struct GetProfile<'a> {
    client: &'a Client,
    inner: builder::GetProfile<'a>,
    timeout: Option<Duration>,
}

impl GetProfile<'_> {
    /// Look the profile up in this group (instead of the client's default group).
    pub fn profile_group_id(mut self, profile_group_id: impl Into<String>) -> Self {
        self.inner = self.inner.profile_group_id(profile_group_id.into());
        self
    }

    /// Fails this call if an attempt takes longer than `timeout`, instead of the client's
    /// timeout ([`ClientBuilder::timeout`](crate::ClientBuilder::timeout)).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Sends the request: the profile with its latest stats.
    pub async fn send(self) -> Result<ProfileDetail, Error> {
        self.client.call(self.inner.send(), self.timeout).await
    }
}

/// A `GET /api/profiles/{id}/placements` request, from [`Profiles::placements`].
#[derive(Clone, Debug)]
#[must_use = "a request does nothing until `.send().await`"]
pub struct ListPlacements<'a> {
    client: &'a Client,
    inner: builder::ListProfilePlacements<'a>,
    timeout: Option<Duration>,
}

impl ListPlacements<'_> {
    /// Look the profile up in this group (instead of the client's default group).
    pub fn profile_group_id(mut self, profile_group_id: impl Into<String>) -> Self {
        self.inner = self.inner.profile_group_id(profile_group_id.into());
        self
    }

    /// Fails this call if an attempt takes longer than `timeout`, instead of the client's
    /// timeout ([`ClientBuilder::timeout`](crate::ClientBuilder::timeout)).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Sends the request: the placements (the response's `data`). The LinkedIn personal
    /// profile is the placement with `id: None`.
    pub async fn send(self) -> Result<Vec<Placement>, Error> {
        Ok(self
            .client
            .call(self.inner.send(), self.timeout)
            .await?
            .data)
    }
}

/// A `GET /api/profiles/{id}/stats` request, from [`Profiles::stats`].
///
/// Read the values with [`StatsExt`](crate::StatsExt) and
/// [`StatsSeriesExt`](crate::StatsSeriesExt).
#[derive(Clone, Debug)]
#[must_use = "a request does nothing until `.send().await`"]
pub struct GetProfileStats<'a> {
    client: &'a Client,
    inner: builder::GetProfileStats<'a>,
    timeout: Option<Duration>,
}

impl GetProfileStats<'_> {
    /// The placement whose timeseries to read: required for facebook, linkedin and telegram,
    /// ignored for other networks. Ids come from [`Profiles::placements`].
    pub fn placement_id(mut self, placement_id: impl Into<String>) -> Self {
        self.inner = self.inner.placement_id(placement_id.into());
        self
    }

    /// Only records at or after this time: RFC 3339 text such as `2026-04-01T00:00:00Z`, an
    /// [`OffsetDateTime`](crate::timestamp::OffsetDateTime) or a
    /// [`SystemTime`](std::time::SystemTime) (see [`IntoTimestamp`]).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let mock = postproxy_mock_server::MockServer::start().await;
    /// # let client = postproxy_client::Client::builder(mock.full_access_key())
    /// #     .base_url(mock.base_url())
    /// #     .build()?;
    /// use postproxy_client::prelude::*;
    /// use postproxy_client::timestamp::OffsetDateTime;
    ///
    /// let since = OffsetDateTime::from_unix_timestamp(1_778_400_000)?; // 2026-05-10T08:00:00Z
    /// let stats = client
    ///     .profiles()
    ///     .stats("prof_li_001")
    ///     .placement_id("108520199")
    ///     .from(since)
    ///     .to("2026-05-11T23:59:59Z")
    ///     .send()
    ///     .await?;
    /// let followers = stats.series("followerCount");
    /// assert_eq!(followers.len(), 2);
    /// assert!(followers.iter().all(|(at, _)| *at >= since));
    /// # Ok(())
    /// # }
    /// ```
    pub fn from(mut self, from: impl IntoTimestamp) -> Self {
        self.inner = self.inner.from(from.into_timestamp());
        self
    }

    /// Only records at or before this time (text, `OffsetDateTime` or `SystemTime`, as
    /// [`from`](Self::from)).
    pub fn to(mut self, to: impl IntoTimestamp) -> Self {
        self.inner = self.inner.to(to.into_timestamp());
        self
    }

    /// Look the profile up in this group (instead of the client's default group).
    pub fn profile_group_id(mut self, profile_group_id: impl Into<String>) -> Self {
        self.inner = self.inner.profile_group_id(profile_group_id.into());
        self
    }

    /// Fails this call if an attempt takes longer than `timeout`, instead of the client's
    /// timeout ([`ClientBuilder::timeout`](crate::ClientBuilder::timeout)).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Sends the request: the timeseries (the response's `data`).
    pub async fn send(self) -> Result<ProfileStats, Error> {
        Ok(self
            .client
            .call(self.inner.send(), self.timeout)
            .await?
            .data)
    }
}

/// A `DELETE /api/profiles/{id}` request, from [`Profiles::delete`].
#[derive(Clone, Debug)]
#[must_use = "a request does nothing until `.send().await`"]
pub struct DeleteProfile<'a> {
    client: &'a Client,
    inner: builder::DeleteProfile<'a>,
    timeout: Option<Duration>,
}

impl DeleteProfile<'_> {
    /// Sends `Idempotency-Key` (at most 255 characters): the service replays the first
    /// successful answer to the same key for 24 hours, so a repeated or retried delete answers
    /// `success` instead of 404.
    pub fn idempotency_key(mut self, key: impl Into<String>) -> Self {
        self.inner = self.inner.idempotency_key(key.into());
        self
    }

    /// Look the profile up in this group (instead of the client's default group).
    pub fn profile_group_id(mut self, profile_group_id: impl Into<String>) -> Self {
        self.inner = self.inner.profile_group_id(profile_group_id.into());
        self
    }

    /// Fails this call if an attempt takes longer than `timeout`, instead of the client's
    /// timeout ([`ClientBuilder::timeout`](crate::ClientBuilder::timeout)).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Sends the request.
    pub async fn send(self) -> Result<DeleteProfileResponse, Error> {
        self.client.call(self.inner.send(), self.timeout).await
    }
}
