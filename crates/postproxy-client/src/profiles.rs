//! The profile operations: [`Client::profiles`].
//!
//! Each request is a [`Request`] around the generated builder, so parameters and results are
//! the spec's, and every request takes [`timeout`](Request::timeout). The client's default
//! `profile_group_id` is sent unless `.profile_group_id(...)` sets another.

use postproxy_models::{
    AssignPlacementToGroupRequest, AssignToGroupRequest, AssignedPlacement, DailyStats,
    DailyStatsAttribution, DeleteProfileResponse, FollowerHistory, IceBreaker, Placement, Profile,
    ProfileDetail, ProfileStats, SetIceBreakersRequest, SuccessResponse,
};

use crate::timestamp::IntoTimestamp;
use crate::{builder, Client, Error, GeneratedClient, Request};

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

    /// A request whose builder `build` makes, with the client's default `profile_group_id` if
    /// it has one (a call's own `.profile_group_id(...)` later overrides it).
    fn request<B>(
        &self,
        build: impl FnOnce(&'a GeneratedClient) -> B,
        set_group: impl FnOnce(B, &'a str) -> B,
    ) -> Request<'a, B> {
        let request = Request::new(self.client, build);
        match self.client.profile_group_id() {
            Some(group) => request.with(|b| set_group(b, group)),
            None => request,
        }
    }

    /// `GET /api/profiles`: the profiles of the default group, or of every group the key can
    /// access when the client has none.
    pub fn list(&self) -> ListProfiles<'a> {
        self.request(|g| g.list_profiles(), |b, group| b.profile_group_id(group))
    }

    /// `GET /api/profiles/{id}`: a profile with its latest stats per placement and, for
    /// placement networks, their sum.
    ///
    /// The fields only the official SDKs document (`username`, `platform_id`, `platform_url`,
    /// `inactive_reason`, `placements_sync_status`; a placement's `avatar_url` and `metadata`)
    /// are `None` (or empty) when the service leaves them out, as the reference's examples do.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let mock = postproxy_mock_server::MockServer::start().await;
    /// # let client = postproxy_client::Client::builder(mock.full_access_key())
    /// #     .base_url(mock.base_url())
    /// #     .build()?;
    /// use postproxy_client::models::{ProfileInactiveReason, ProfileStatus};
    ///
    /// let page = client.profiles().get("prof_fb_001").send().await?;
    /// assert_eq!(page.username.as_deref(), Some("clientco"));
    /// let taken = client.profiles().get("prof_bs_002").send().await?;
    /// assert_eq!(taken.status, ProfileStatus::Inactive);
    /// assert_eq!(taken.inactive_reason, Some(ProfileInactiveReason::NetworkTaken));
    /// let placements = client.profiles().placements("prof_fb_001").send().await?;
    /// assert_eq!(placements[0].metadata["category"], "Consulting agency");
    /// assert!(placements[1].metadata.is_empty());
    /// # Ok(())
    /// # }
    /// ```
    pub fn get(&self, id: impl Into<String>) -> GetProfile<'a> {
        self.request(
            |g| g.get_profile().id(id.into()),
            |b, group| b.profile_group_id(group),
        )
    }

    /// `GET /api/profiles/{id}/placements`: where a facebook, linkedin, pinterest, telegram or
    /// google_business profile can publish (other networks are answered with 422).
    pub fn placements(&self, id: impl Into<String>) -> ListPlacements<'a> {
        self.request(
            |g| g.list_profile_placements().id(id.into()),
            |b, group| b.profile_group_id(group),
        )
    }

    /// `GET /api/profiles/{id}/stats`: the stats timeseries of a profile, oldest first. For
    /// facebook, linkedin and telegram set [`placement_id`](GetProfileStats::placement_id)
    /// (400 otherwise).
    pub fn stats(&self, id: impl Into<String>) -> GetProfileStats<'a> {
        self.request(
            |g| g.get_profile_stats().id(id.into()),
            |b, group| b.profile_group_id(group),
        )
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
        self.request(
            |g| g.delete_profile().id(id.into()),
            |b, group| b.profile_group_id(group),
        )
    }

    /// `PATCH /api/profiles/{id}/assign_to_group`: moves a profile, with its placements and
    /// stats, to the group `target_profile_group_id`; both groups' `profiles_count` follow.
    /// An operation of the official SDKs, not of the reference. A target the key cannot see is
    /// [`ErrorKind::NotFound`](crate::ErrorKind::NotFound) (`Target profile group not
    /// found`); the group the profile is already in changes nothing.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let mock = postproxy_mock_server::MockServer::start().await;
    /// # let client = postproxy_client::Client::builder(mock.full_access_key())
    /// #     .base_url(mock.base_url())
    /// #     .build()?;
    /// let moved = client
    ///     .profiles()
    ///     .assign_to_group("prof_ig_001", "grp123abc")
    ///     .idempotency_key("move-ig-1")
    ///     .send()
    ///     .await?;
    /// assert_eq!(moved.profile_group_id, "grp123abc");
    /// let main_brand = client.profile_groups().get("grp123abc").send().await?;
    /// assert_eq!(main_brand.profiles_count, 6);
    ///
    /// let err = client.profiles().assign_to_group("prof_ig_001", "grp_nope").send().await;
    /// assert_eq!(err.unwrap_err().to_string(), "Target profile group not found");
    /// # Ok(())
    /// # }
    /// ```
    pub fn assign_to_group(
        &self,
        id: impl Into<String>,
        target_profile_group_id: impl Into<String>,
    ) -> AssignToGroup<'a> {
        let body = AssignToGroupRequest {
            target_profile_group_id: target_profile_group_id.into(),
        };
        self.request(
            |g| g.assign_to_group().id(id.into()).body(body),
            |b, group| b.profile_group_id(group),
        )
    }

    /// `PATCH /api/profiles/{id}/assign_placement_to_group`: moves one placement (a Facebook
    /// Page, a Telegram channel, a Google Business location, ...) to the group
    /// `target_profile_group_id`. An operation of the official SDKs, not of the reference. The
    /// placement then belongs to the profile's counterpart in that group (the same platform
    /// and account; made when there is none), whose id the answer's `profile_id` gives; the
    /// placement's stats series moves with it where stats are per placement.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let mock = postproxy_mock_server::MockServer::start().await;
    /// # let client = postproxy_client::Client::builder(mock.full_access_key())
    /// #     .base_url(mock.base_url())
    /// #     .build()?;
    /// let moved = client
    ///     .profiles()
    ///     .assign_placement_to_group("prof_fb_001", "200000000000002", "grp789ghi")
    ///     .send()
    ///     .await?;
    /// assert_eq!(moved.profile_group_id, "grp789ghi");
    /// let there = client.profiles().placements(&moved.profile_id).send().await?;
    /// assert_eq!(there[0].name, "Client Co Careers");
    /// let left = client.profiles().placements("prof_fb_001").send().await?;
    /// assert_eq!(left.len(), 1);
    /// # Ok(())
    /// # }
    /// ```
    pub fn assign_placement_to_group(
        &self,
        id: impl Into<String>,
        placement_id: impl Into<String>,
        target_profile_group_id: impl Into<String>,
    ) -> AssignPlacementToGroup<'a> {
        let body = AssignPlacementToGroupRequest {
            placement_id: placement_id.into(),
            target_profile_group_id: target_profile_group_id.into(),
        };
        self.request(
            |g| g.assign_placement_to_group().id(id.into()).body(body),
            |b, group| b.profile_group_id(group),
        )
    }

    /// `GET /api/profiles/{id}/ice_breakers`: an Instagram profile's ice breakers, the prompts
    /// Instagram shows when a user opens a chat (an operation of the official SDKs, not of the
    /// reference). Another network is [`ErrorKind::Validation`](crate::ErrorKind::Validation).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let mock = postproxy_mock_server::MockServer::start().await;
    /// # let client = postproxy_client::Client::builder(mock.full_access_key())
    /// #     .base_url(mock.base_url())
    /// #     .build()?;
    /// use postproxy_client::models::IceBreaker;
    /// use postproxy_client::ErrorKind;
    ///
    /// let hours = IceBreaker { question: "What are your hours?".into(), payload: "hours".into() };
    /// client.profiles().set_ice_breakers("prof_ig_001", [hours.clone()]).send().await?;
    /// assert_eq!(client.profiles().ice_breakers("prof_ig_001").send().await?, [hours]);
    ///
    /// client.profiles().delete_ice_breakers("prof_ig_001").send().await?;
    /// assert!(client.profiles().ice_breakers("prof_ig_001").send().await?.is_empty());
    ///
    /// let err = client.profiles().ice_breakers("prof654jkl").send().await.unwrap_err();
    /// assert_eq!(err.kind(), ErrorKind::Validation);
    /// # Ok(())
    /// # }
    /// ```
    pub fn ice_breakers(&self, id: impl Into<String>) -> GetIceBreakers<'a> {
        self.request(
            |g| g.get_ice_breakers().id(id.into()),
            |b, group| b.profile_group_id(group),
        )
    }

    /// `POST /api/profiles/{id}/ice_breakers`: replaces an Instagram profile's ice breakers
    /// with `ice_breakers`, 1 to 4 of them (each question and payload not blank; a question
    /// at most 80 characters, a payload at most 1000); otherwise
    /// [`ErrorKind::Validation`](crate::ErrorKind::Validation) naming the field.
    pub fn set_ice_breakers(
        &self,
        id: impl Into<String>,
        ice_breakers: impl IntoIterator<Item = IceBreaker>,
    ) -> SetIceBreakers<'a> {
        let body = SetIceBreakersRequest {
            ice_breakers: ice_breakers.into_iter().collect(),
        };
        self.request(
            |g| g.set_ice_breakers().id(id.into()).body(body),
            |b, group| b.profile_group_id(group),
        )
    }

    /// `GET /api/profiles/{id}/daily_stats`: the stats series with one record per UTC day (the
    /// day's last snapshot), beside the normalised `followers` (an operation of the official
    /// SDKs, not of the reference). The window and the placement rules are
    /// [`stats`](Self::stats)'s, and the records agree with its answer; a bound may also be a
    /// date (`"2026-05-10"`: that day's start, or its end for [`to`](GetDailyStats::to)).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let mock = postproxy_mock_server::MockServer::start().await;
    /// # let client = postproxy_client::Client::builder(mock.full_access_key())
    /// #     .base_url(mock.base_url())
    /// #     .build()?;
    /// let daily = client
    ///     .profiles()
    ///     .daily_stats("prof_li_001")
    ///     .placement_id("108520199")
    ///     .from("2026-05-10")
    ///     .to("2026-05-11")
    ///     .send()
    ///     .await?;
    /// let days: Vec<_> = daily.records.iter().map(|r| (r.date.as_str(), r.followers)).collect();
    /// assert_eq!(days, [("2026-05-10", Some(4520)), ("2026-05-11", Some(4567))]);
    ///
    /// let history = client
    ///     .profiles()
    ///     .follower_history("prof_li_001")
    ///     .placement_id("108520199")
    ///     .send()
    ///     .await?;
    /// assert_eq!(history.records.last().unwrap().followers_total, 4567);
    /// # Ok(())
    /// # }
    /// ```
    pub fn daily_stats(&self, id: impl Into<String>) -> GetDailyStats<'a> {
        self.request(
            |g| g.get_daily_stats().id(id.into()),
            |b, group| b.profile_group_id(group),
        )
    }

    /// `GET /api/profiles/{id}/follower_history`: the follower count per UTC day, with the
    /// change from the day before (an operation of the official SDKs, not of the reference);
    /// the days of [`daily_stats`](Self::daily_stats) that have a follower count.
    pub fn follower_history(&self, id: impl Into<String>) -> GetFollowerHistory<'a> {
        self.request(
            |g| g.get_follower_history().id(id.into()),
            |b, group| b.profile_group_id(group),
        )
    }

    /// `DELETE /api/profiles/{id}/ice_breakers`: removes every ice breaker of an Instagram
    /// profile.
    pub fn delete_ice_breakers(&self, id: impl Into<String>) -> DeleteIceBreakers<'a> {
        self.request(
            |g| g.delete_ice_breakers().id(id.into()),
            |b, group| b.profile_group_id(group),
        )
    }
}

/// A `GET /api/profiles` request, from [`Profiles::list`].
pub type ListProfiles<'a> = Request<'a, builder::ListProfiles<'a>>;

impl ListProfiles<'_> {
    /// Only the profiles of this group (instead of the client's default group).
    pub fn profile_group_id(self, profile_group_id: impl Into<String>) -> Self {
        self.with(|b| b.profile_group_id(profile_group_id.into()))
    }

    /// Sends the request: the profiles (the response's `data`).
    pub async fn send(self) -> Result<Vec<Profile>, Error> {
        Ok(self.send_with(builder::ListProfiles::send).await?.data)
    }
}

/// A `GET /api/profiles/{id}` request, from [`Profiles::get`].
pub type GetProfile<'a> = Request<'a, builder::GetProfile<'a>>;

impl GetProfile<'_> {
    /// Look the profile up in this group (instead of the client's default group).
    pub fn profile_group_id(self, profile_group_id: impl Into<String>) -> Self {
        self.with(|b| b.profile_group_id(profile_group_id.into()))
    }

    /// Sends the request: the profile with its latest stats.
    pub async fn send(self) -> Result<ProfileDetail, Error> {
        self.send_with(builder::GetProfile::send).await
    }
}

/// A `GET /api/profiles/{id}/placements` request, from [`Profiles::placements`].
pub type ListPlacements<'a> = Request<'a, builder::ListProfilePlacements<'a>>;

impl ListPlacements<'_> {
    /// Look the profile up in this group (instead of the client's default group).
    pub fn profile_group_id(self, profile_group_id: impl Into<String>) -> Self {
        self.with(|b| b.profile_group_id(profile_group_id.into()))
    }

    /// Sends the request: the placements (the response's `data`). The LinkedIn personal
    /// profile is the placement with `id: None`.
    pub async fn send(self) -> Result<Vec<Placement>, Error> {
        Ok(self
            .send_with(builder::ListProfilePlacements::send)
            .await?
            .data)
    }
}

/// A `GET /api/profiles/{id}/stats` request, from [`Profiles::stats`].
///
/// Read the values with [`StatsExt`](crate::StatsExt) and
/// [`StatsSeriesExt`](crate::StatsSeriesExt).
pub type GetProfileStats<'a> = Request<'a, builder::GetProfileStats<'a>>;

impl GetProfileStats<'_> {
    /// The placement whose timeseries to read: required for facebook, linkedin and telegram,
    /// ignored for other networks. Ids come from [`Profiles::placements`].
    pub fn placement_id(self, placement_id: impl Into<String>) -> Self {
        self.with(|b| b.placement_id(placement_id.into()))
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
    pub fn from(self, from: impl IntoTimestamp) -> Self {
        self.with(|b| b.from(from.into_timestamp()))
    }

    /// Only records at or before this time (text, `OffsetDateTime` or `SystemTime`, as
    /// [`from`](Self::from)).
    pub fn to(self, to: impl IntoTimestamp) -> Self {
        self.with(|b| b.to(to.into_timestamp()))
    }

    /// Look the profile up in this group (instead of the client's default group).
    pub fn profile_group_id(self, profile_group_id: impl Into<String>) -> Self {
        self.with(|b| b.profile_group_id(profile_group_id.into()))
    }

    /// Sends the request: the timeseries (the response's `data`).
    pub async fn send(self) -> Result<ProfileStats, Error> {
        Ok(self.send_with(builder::GetProfileStats::send).await?.data)
    }
}

/// A `DELETE /api/profiles/{id}` request, from [`Profiles::delete`].
pub type DeleteProfile<'a> = Request<'a, builder::DeleteProfile<'a>>;

impl DeleteProfile<'_> {
    /// Sends `Idempotency-Key` (at most 255 characters): the service replays the first
    /// successful answer to the same key for 24 hours, so a repeated or retried delete answers
    /// `success` instead of 404.
    pub fn idempotency_key(self, key: impl Into<String>) -> Self {
        self.with(|b| b.idempotency_key(key.into()))
    }

    /// Look the profile up in this group (instead of the client's default group).
    pub fn profile_group_id(self, profile_group_id: impl Into<String>) -> Self {
        self.with(|b| b.profile_group_id(profile_group_id.into()))
    }

    /// Sends the request.
    pub async fn send(self) -> Result<DeleteProfileResponse, Error> {
        self.send_with(builder::DeleteProfile::send).await
    }
}

/// A `PATCH /api/profiles/{id}/assign_to_group` request, from [`Profiles::assign_to_group`].
pub type AssignToGroup<'a> = Request<'a, builder::AssignToGroup<'a>>;

impl AssignToGroup<'_> {
    /// Sends `Idempotency-Key` (at most 255 characters): the service replays the first
    /// successful answer to the same key for 24 hours.
    pub fn idempotency_key(self, key: impl Into<String>) -> Self {
        self.with(|b| b.idempotency_key(key.into()))
    }

    /// Look the profile up in this group, the one it is in now (instead of the client's
    /// default group).
    pub fn profile_group_id(self, profile_group_id: impl Into<String>) -> Self {
        self.with(|b| b.profile_group_id(profile_group_id.into()))
    }

    /// Sends the request: the profile, in its new group.
    pub async fn send(self) -> Result<Profile, Error> {
        self.send_with(builder::AssignToGroup::send).await
    }
}

/// A `PATCH /api/profiles/{id}/assign_placement_to_group` request, from
/// [`Profiles::assign_placement_to_group`].
pub type AssignPlacementToGroup<'a> = Request<'a, builder::AssignPlacementToGroup<'a>>;

impl AssignPlacementToGroup<'_> {
    /// Sends `Idempotency-Key` (at most 255 characters): the service replays the first
    /// successful answer to the same key for 24 hours.
    pub fn idempotency_key(self, key: impl Into<String>) -> Self {
        self.with(|b| b.idempotency_key(key.into()))
    }

    /// Look the profile up in this group (instead of the client's default group).
    pub fn profile_group_id(self, profile_group_id: impl Into<String>) -> Self {
        self.with(|b| b.profile_group_id(profile_group_id.into()))
    }

    /// Sends the request: the placement, with the group and profile it now belongs to.
    pub async fn send(self) -> Result<AssignedPlacement, Error> {
        self.send_with(builder::AssignPlacementToGroup::send).await
    }
}

/// A `GET /api/profiles/{id}/ice_breakers` request, from [`Profiles::ice_breakers`].
pub type GetIceBreakers<'a> = Request<'a, builder::GetIceBreakers<'a>>;

impl GetIceBreakers<'_> {
    /// Look the profile up in this group (instead of the client's default group).
    pub fn profile_group_id(self, profile_group_id: impl Into<String>) -> Self {
        self.with(|b| b.profile_group_id(profile_group_id.into()))
    }

    /// Sends the request: the ice breakers (the response's `ice_breakers`).
    pub async fn send(self) -> Result<Vec<IceBreaker>, Error> {
        Ok(self
            .send_with(builder::GetIceBreakers::send)
            .await?
            .ice_breakers)
    }
}

/// A `POST /api/profiles/{id}/ice_breakers` request, from [`Profiles::set_ice_breakers`].
pub type SetIceBreakers<'a> = Request<'a, builder::SetIceBreakers<'a>>;

impl SetIceBreakers<'_> {
    /// Sends `Idempotency-Key` (at most 255 characters): the service replays the first
    /// successful answer to the same key for 24 hours.
    pub fn idempotency_key(self, key: impl Into<String>) -> Self {
        self.with(|b| b.idempotency_key(key.into()))
    }

    /// Look the profile up in this group (instead of the client's default group).
    pub fn profile_group_id(self, profile_group_id: impl Into<String>) -> Self {
        self.with(|b| b.profile_group_id(profile_group_id.into()))
    }

    /// Sends the request.
    pub async fn send(self) -> Result<SuccessResponse, Error> {
        self.send_with(builder::SetIceBreakers::send).await
    }
}

/// A `DELETE /api/profiles/{id}/ice_breakers` request, from [`Profiles::delete_ice_breakers`].
pub type DeleteIceBreakers<'a> = Request<'a, builder::DeleteIceBreakers<'a>>;

impl DeleteIceBreakers<'_> {
    /// Sends `Idempotency-Key` (at most 255 characters): the service replays the first
    /// successful answer to the same key for 24 hours.
    pub fn idempotency_key(self, key: impl Into<String>) -> Self {
        self.with(|b| b.idempotency_key(key.into()))
    }

    /// Look the profile up in this group (instead of the client's default group).
    pub fn profile_group_id(self, profile_group_id: impl Into<String>) -> Self {
        self.with(|b| b.profile_group_id(profile_group_id.into()))
    }

    /// Sends the request.
    pub async fn send(self) -> Result<SuccessResponse, Error> {
        self.send_with(builder::DeleteIceBreakers::send).await
    }
}

/// The window of the per-day series, as [`GetProfileStats`]'s; a bound may also be a date.
macro_rules! daily_window {
    ($request:ident) => {
        impl $request<'_> {
            /// The placement whose series to read: required for facebook, linkedin and
            /// telegram, ignored for other networks.
            pub fn placement_id(self, placement_id: impl Into<String>) -> Self {
                self.with(|b| b.placement_id(placement_id.into()))
            }

            /// The first day: a date (`2026-05-10`), RFC 3339 text, an `OffsetDateTime` or a
            /// `SystemTime` (see [`IntoTimestamp`]).
            pub fn from(self, from: impl IntoTimestamp) -> Self {
                self.with(|b| b.from(from.into_timestamp()))
            }

            /// The last day (a date is its end), as [`from`](Self::from).
            pub fn to(self, to: impl IntoTimestamp) -> Self {
                self.with(|b| b.to(to.into_timestamp()))
            }

            /// Look the profile up in this group (instead of the client's default group).
            pub fn profile_group_id(self, profile_group_id: impl Into<String>) -> Self {
                self.with(|b| b.profile_group_id(profile_group_id.into()))
            }
        }
    };
}

/// A `GET /api/profiles/{id}/daily_stats` request, from [`Profiles::daily_stats`].
pub type GetDailyStats<'a> = Request<'a, builder::GetDailyStats<'a>>;

daily_window!(GetDailyStats);

impl GetDailyStats<'_> {
    /// Which day post metrics count on: `Received` (the default) or `Publish`.
    pub fn attribution(self, attribution: DailyStatsAttribution) -> Self {
        self.with(|b| b.attribution(attribution.to_string()))
    }

    /// Sends the request: the series (the response's `data`).
    pub async fn send(self) -> Result<DailyStats, Error> {
        Ok(self.send_with(builder::GetDailyStats::send).await?.data)
    }
}

/// A `GET /api/profiles/{id}/follower_history` request, from [`Profiles::follower_history`].
pub type GetFollowerHistory<'a> = Request<'a, builder::GetFollowerHistory<'a>>;

daily_window!(GetFollowerHistory);

impl GetFollowerHistory<'_> {
    /// Sends the request: the series (the response's `data`).
    pub async fn send(self) -> Result<FollowerHistory, Error> {
        Ok(self
            .send_with(builder::GetFollowerHistory::send)
            .await?
            .data)
    }
}
