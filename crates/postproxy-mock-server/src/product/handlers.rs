//! The product API: the generated [`PostproxyApi`] trait implemented on [`AppState`]. Each
//! method only translates: it takes the caller the request's path found, runs one domain
//! operation on the account under one lock, and returns its answer; a [`DomainError`]
//! converts with `?` (`crate::http::error` maps it to the spec's status and body). The reads
//! of stored profiles serialise them under that lock through borrowed views (`super::views`)
//! and answer `…Prepared`, so they clone nothing. `Idempotency-Key` is not handled here: the
//! request's path applies it to every operation that honours it
//! (`crate::harness::idempotency`).

use postproxy_models::{
    AssignPlacementToGroupRequest, AssignToGroupRequest, ConnectedProfile,
    CreateProfileGroupRequest, CredentialConnection, DailyStatsResponse,
    DeleteProfileGroupResponse as DeletedGroup, DeleteProfileResponse as DeletedProfile,
    FollowerHistoryResponse, IceBreakerList, InitializeConnectionRequest, OAuthConnection,
    ProfileGroupList, SetIceBreakersRequest, SuccessResponse,
};

use crate::domain::account::Account;
use crate::domain::auth::Principal;
use crate::domain::connections::Connected;
use crate::domain::error::DomainError;
use crate::domain::stats::StatsQuery;
use crate::generated::{
    AssignPlacementToGroupHeaders, AssignPlacementToGroupPath, AssignPlacementToGroupQuery,
    AssignPlacementToGroupResponse, AssignToGroupHeaders, AssignToGroupPath, AssignToGroupQuery,
    AssignToGroupResponse, CreateProfileGroupHeaders, CreateProfileGroupQuery,
    CreateProfileGroupResponse, DeleteIceBreakersHeaders, DeleteIceBreakersPath,
    DeleteIceBreakersQuery, DeleteIceBreakersResponse, DeleteProfileGroupHeaders,
    DeleteProfileGroupPath, DeleteProfileGroupQuery, DeleteProfileGroupResponse,
    DeleteProfileHeaders, DeleteProfilePath, DeleteProfileQuery, DeleteProfileResponse,
    GetDailyStatsPath, GetDailyStatsQuery, GetDailyStatsResponse, GetFollowerHistoryPath,
    GetFollowerHistoryQuery, GetFollowerHistoryResponse, GetIceBreakersPath, GetIceBreakersQuery,
    GetIceBreakersResponse, GetProfileGroupPath, GetProfileGroupQuery, GetProfileGroupResponse,
    GetProfilePath, GetProfileQuery, GetProfileResponse, GetProfileStatsPath, GetProfileStatsQuery,
    GetProfileStatsResponse, InitializeConnectionPath, InitializeConnectionQuery,
    InitializeConnectionResponse, ListProfileGroupsQuery, ListProfileGroupsResponse,
    ListProfilePlacementsPath, ListProfilePlacementsQuery, ListProfilePlacementsResponse,
    ListProfilesQuery, ListProfilesResponse, PostproxyApi, SetIceBreakersHeaders,
    SetIceBreakersPath, SetIceBreakersQuery, SetIceBreakersResponse,
};
use crate::rt::{ApiError, Prepared, RequestContext};
use crate::state::{AppState, State};

use super::views::{DataOf, DetailView, StatsView};
use super::Caller;

/// The stats window a query of the generated layer asks for (get_profile_stats,
/// get_daily_stats and get_follower_history take the same parameters).
macro_rules! window {
    ($query:expr) => {
        StatsQuery {
            profile_group_id: $query.profile_group_id.as_deref(),
            placement_id: $query.placement_id.as_deref(),
            from: $query.from.as_deref(),
            to: $query.to.as_deref(),
        }
    };
}

impl AppState {
    /// Runs `operation` for the caller under one lock. The request's path found the caller; a
    /// request that did not come that way (the router served on its own) is authenticated here.
    fn with_store<T>(
        &self,
        ctx: &RequestContext,
        operation: impl FnOnce(&mut State, &Principal) -> Result<T, ApiError>,
    ) -> Result<T, ApiError> {
        let known = ctx
            .extensions()
            .get::<Caller>()
            .map(|caller| caller.0.clone());
        // A request without a valid key is answered without the lock.
        if let Some(None) = known {
            return Err(DomainError::InvalidApiKey.into());
        }
        let mut store = self.store();
        let who = match known.flatten() {
            Some(who) => who,
            None => store.authenticate(ctx.bearer_token())?,
        };
        operation(&mut store, &who)
    }

    /// [`Self::with_store`] on the caller's account, brought up to its clock (polling, expiry).
    fn with_account<T>(
        &self,
        ctx: &RequestContext,
        operation: impl FnOnce(&mut Account, &Principal) -> Result<T, ApiError>,
    ) -> Result<T, ApiError> {
        self.with_store(ctx, |store, who| {
            let mut account = store.account_now(&who.account_id)?;
            operation(&mut account, who)
        })
    }
}

impl PostproxyApi for AppState {
    async fn list_profiles(
        &self,
        ctx: RequestContext,
        query: ListProfilesQuery,
    ) -> Result<ListProfilesResponse, ApiError> {
        // Serialised under the lock, borrowed: the stored profiles are not cloned.
        let body = self.with_account(&ctx, |account, who| {
            let data = account.list_profiles(who, query.profile_group_id.as_deref())?;
            Prepared::of_view(&DataOf { data: &data })
        })?;
        Ok(ListProfilesResponse::OkPrepared(body))
    }

    async fn get_profile(
        &self,
        ctx: RequestContext,
        path: GetProfilePath,
        query: GetProfileQuery,
    ) -> Result<GetProfileResponse, ApiError> {
        let body = self.with_account(&ctx, |account, who| {
            let read = account.get_profile(who, &path.id, query.profile_group_id.as_deref())?;
            Prepared::of_view(&DetailView::of(&read))
        })?;
        Ok(GetProfileResponse::OkPrepared(body))
    }

    async fn delete_profile(
        &self,
        ctx: RequestContext,
        path: DeleteProfilePath,
        query: DeleteProfileQuery,
        _headers: DeleteProfileHeaders,
    ) -> Result<DeleteProfileResponse, ApiError> {
        self.with_account(&ctx, |account, who| {
            Ok(account.delete_profile(who, &path.id, query.profile_group_id.as_deref())?)
        })?;
        Ok(DeleteProfileResponse::Ok(DeletedProfile { success: true }))
    }

    async fn list_profile_placements(
        &self,
        ctx: RequestContext,
        path: ListProfilePlacementsPath,
        query: ListProfilePlacementsQuery,
    ) -> Result<ListProfilePlacementsResponse, ApiError> {
        let body = self.with_account(&ctx, |account, who| {
            let data = account.placements(who, &path.id, query.profile_group_id.as_deref())?;
            Prepared::of_view(&DataOf { data })
        })?;
        Ok(ListProfilePlacementsResponse::OkPrepared(body))
    }

    async fn get_profile_stats(
        &self,
        ctx: RequestContext,
        path: GetProfileStatsPath,
        query: GetProfileStatsQuery,
    ) -> Result<GetProfileStatsResponse, ApiError> {
        let query = window!(query);
        let body = self.with_account(&ctx, |account, who| {
            let read = account.stats(who, &path.id, &query)?;
            Prepared::of_view(&StatsView::of(&read))
        })?;
        Ok(GetProfileStatsResponse::OkPrepared(body))
    }

    async fn assign_to_group(
        &self,
        ctx: RequestContext,
        path: AssignToGroupPath,
        query: AssignToGroupQuery,
        _headers: AssignToGroupHeaders,
        body: AssignToGroupRequest,
    ) -> Result<AssignToGroupResponse, ApiError> {
        let profile = self.with_account(&ctx, |account, who| {
            let group = query.profile_group_id.as_deref();
            let target = &body.target_profile_group_id;
            Ok(account
                .assign_to_group(who, &path.id, group, target)?
                .clone())
        })?;
        Ok(AssignToGroupResponse::Ok(profile))
    }

    async fn assign_placement_to_group(
        &self,
        ctx: RequestContext,
        path: AssignPlacementToGroupPath,
        query: AssignPlacementToGroupQuery,
        _headers: AssignPlacementToGroupHeaders,
        body: AssignPlacementToGroupRequest,
    ) -> Result<AssignPlacementToGroupResponse, ApiError> {
        let assigned = self.with_account(&ctx, |account, who| {
            Ok(account.assign_placement_to_group(
                who,
                &path.id,
                query.profile_group_id.as_deref(),
                &body.placement_id,
                &body.target_profile_group_id,
            )?)
        })?;
        Ok(AssignPlacementToGroupResponse::Ok(assigned))
    }

    async fn get_ice_breakers(
        &self,
        ctx: RequestContext,
        path: GetIceBreakersPath,
        query: GetIceBreakersQuery,
    ) -> Result<GetIceBreakersResponse, ApiError> {
        let ice_breakers = self.with_account(&ctx, |account, who| {
            let group = query.profile_group_id.as_deref();
            Ok(account.ice_breakers(who, &path.id, group)?.to_vec())
        })?;
        Ok(GetIceBreakersResponse::Ok(IceBreakerList { ice_breakers }))
    }

    async fn set_ice_breakers(
        &self,
        ctx: RequestContext,
        path: SetIceBreakersPath,
        query: SetIceBreakersQuery,
        _headers: SetIceBreakersHeaders,
        body: SetIceBreakersRequest,
    ) -> Result<SetIceBreakersResponse, ApiError> {
        self.with_account(&ctx, |account, who| {
            let group = query.profile_group_id.as_deref();
            Ok(account.set_ice_breakers(who, &path.id, group, &body.ice_breakers)?)
        })?;
        Ok(SetIceBreakersResponse::Ok(SuccessResponse {
            success: true,
        }))
    }

    async fn delete_ice_breakers(
        &self,
        ctx: RequestContext,
        path: DeleteIceBreakersPath,
        query: DeleteIceBreakersQuery,
        _headers: DeleteIceBreakersHeaders,
    ) -> Result<DeleteIceBreakersResponse, ApiError> {
        self.with_account(&ctx, |account, who| {
            let group = query.profile_group_id.as_deref();
            Ok(account.delete_ice_breakers(who, &path.id, group)?)
        })?;
        Ok(DeleteIceBreakersResponse::Ok(SuccessResponse {
            success: true,
        }))
    }

    async fn get_daily_stats(
        &self,
        ctx: RequestContext,
        path: GetDailyStatsPath,
        query: GetDailyStatsQuery,
    ) -> Result<GetDailyStatsResponse, ApiError> {
        let window = window!(query);
        let data = self.with_account(&ctx, |account, who| {
            Ok(account.daily_stats(who, &path.id, &window, query.attribution.as_deref())?)
        })?;
        Ok(GetDailyStatsResponse::Ok(DailyStatsResponse { data }))
    }

    async fn get_follower_history(
        &self,
        ctx: RequestContext,
        path: GetFollowerHistoryPath,
        query: GetFollowerHistoryQuery,
    ) -> Result<GetFollowerHistoryResponse, ApiError> {
        let window = window!(query);
        let data = self.with_account(&ctx, |account, who| {
            Ok(account.follower_history(who, &path.id, &window)?)
        })?;
        Ok(GetFollowerHistoryResponse::Ok(FollowerHistoryResponse {
            data,
        }))
    }

    async fn list_profile_groups(
        &self,
        ctx: RequestContext,
        _query: ListProfileGroupsQuery,
    ) -> Result<ListProfileGroupsResponse, ApiError> {
        let data = self.with_account(&ctx, |account, who| Ok(account.list_groups(who)))?;
        Ok(ListProfileGroupsResponse::Ok(ProfileGroupList { data }))
    }

    async fn create_profile_group(
        &self,
        ctx: RequestContext,
        _query: CreateProfileGroupQuery,
        _headers: CreateProfileGroupHeaders,
        body: CreateProfileGroupRequest,
    ) -> Result<CreateProfileGroupResponse, ApiError> {
        let group =
            self.with_account(&ctx, |account, who| Ok(account.create_group(who, &body)?))?;
        Ok(CreateProfileGroupResponse::Created(group))
    }

    async fn get_profile_group(
        &self,
        ctx: RequestContext,
        path: GetProfileGroupPath,
        _query: GetProfileGroupQuery,
    ) -> Result<GetProfileGroupResponse, ApiError> {
        let group =
            self.with_account(&ctx, |account, who| Ok(account.get_group(who, &path.id)?))?;
        Ok(GetProfileGroupResponse::Ok(group))
    }

    async fn delete_profile_group(
        &self,
        ctx: RequestContext,
        path: DeleteProfileGroupPath,
        _query: DeleteProfileGroupQuery,
        _headers: DeleteProfileGroupHeaders,
    ) -> Result<DeleteProfileGroupResponse, ApiError> {
        self.with_account(
            &ctx,
            |account, who| Ok(account.delete_group(who, &path.id)?),
        )?;
        Ok(DeleteProfileGroupResponse::Ok(DeletedGroup {
            deleted: true,
        }))
    }

    async fn initialize_connection(
        &self,
        ctx: RequestContext,
        path: InitializeConnectionPath,
        _query: InitializeConnectionQuery,
        body: InitializeConnectionRequest,
    ) -> Result<InitializeConnectionResponse, ApiError> {
        let connected = self.with_store(&ctx, |store, who| {
            Ok(store.initialize_connection(who, &path.id, &body)?)
        })?;
        let answer = match connected {
            Connected::Invitation(connection) => OAuthConnection {
                url: format!("{}/connect/{}", self.base_url(), connection.token),
                success: true,
            }
            .into(),
            Connected::Profile(connected) => CredentialConnection {
                success: true,
                profile: ConnectedProfile {
                    id: connected.profile.id,
                    network: connected.profile.platform,
                    name: connected.profile.name,
                    external_username: connected.external_username,
                },
                next_step: connected.next_step.map(Into::into),
            }
            .into(),
        };
        Ok(InitializeConnectionResponse::Ok(answer))
    }
}
