//! The product API: the generated [`PostproxyApi`] trait implemented on [`AppState`]. Each
//! method only translates: it takes the principal the middleware authenticated, runs one
//! domain operation on the account under one lock, and maps a [`DomainError`] to the spec's
//! answer (`crate::http::error`). The reads of stored profiles serialise them under that lock
//! through borrowed views (`super::views`) and answer `…Prepared`, so they clone nothing.

use postproxy_models::{
    ConnectedProfile, CreateProfileGroupRequest, CredentialConnection,
    DeleteProfileGroupResponse as DeletedGroup, DeleteProfileResponse as DeletedProfile,
    InitializeConnectionRequest, OAuthConnection, ProfileGroupList,
};

use crate::domain::account::Account;
use crate::domain::auth::Principal;
use crate::domain::connections::Connected;
use crate::domain::error::DomainError;
use crate::domain::stats::StatsQuery;
use crate::http::error::ApiError;
use crate::http::extract::RequestContext;
use crate::http::rt::Prepared;
use crate::state::AppState;
use crate::*;

use super::views::{DataOf, DetailView, StatsView};

impl AppState {
    /// Runs `operation` on the account of the request's key, brought up to its clock
    /// (polling, expiry). The key was looked up once, by the middleware; a context it did not
    /// see (the router served without it) is authenticated here.
    fn with_account<T, E: Into<ApiError>>(
        &self,
        ctx: &RequestContext,
        operation: impl FnOnce(&mut Account, &Principal) -> Result<T, E>,
    ) -> Result<T, ApiError> {
        // A request the middleware found no key for is answered without the lock.
        let known = match ctx.principal() {
            Some(known) => Some(known.clone().ok_or(DomainError::InvalidApiKey)?),
            None => None,
        };
        let mut store = self.store();
        let who = match known {
            Some(who) => who,
            None => store.authenticate(ctx.bearer_token())?,
        };
        let mut account = store.account_now(&who.account_id)?;
        operation(&mut account, &who).map_err(Into::into)
    }
}

impl PostproxyApi for AppState {
    async fn list_profiles(
        &self,
        ctx: RequestContext,
        query: ListProfilesQuery,
    ) -> ListProfilesResponse {
        // Serialised under the lock, borrowed: the stored profiles are not cloned.
        let result = self.with_account(&ctx, |account, who| {
            let data = account.list_profiles(who, query.profile_group_id.as_deref())?;
            Prepared::of_view(&DataOf { data: &data })
        });
        match result {
            Ok(body) => ListProfilesResponse::OkPrepared(body),
            Err(e) => e.into(),
        }
    }

    async fn get_profile(
        &self,
        ctx: RequestContext,
        path: GetProfilePath,
        query: GetProfileQuery,
    ) -> GetProfileResponse {
        let result = self.with_account(&ctx, |account, who| {
            let read = account.get_profile(who, &path.id, query.profile_group_id.as_deref())?;
            Prepared::of_view(&DetailView::of(&read))
        });
        match result {
            Ok(body) => GetProfileResponse::OkPrepared(body),
            Err(e) => e.into(),
        }
    }

    async fn delete_profile(
        &self,
        ctx: RequestContext,
        path: DeleteProfilePath,
        query: DeleteProfileQuery,
        headers: DeleteProfileHeaders,
    ) -> DeleteProfileResponse {
        let result = self.with_account(&ctx, |account, who| {
            let group = query.profile_group_id.as_deref();
            let fingerprint = format!(
                "DELETE /api/profiles/{}?profile_group_id={}",
                path.id,
                group.unwrap_or("")
            );
            let key = headers.idempotency_key.as_deref();
            let claim = ctx.idempotency_claim.map(|c| c.0);
            // Any key may delete the profiles it can access; the replay checks that access.
            account.idempotent(who, key, claim, fingerprint, |account| {
                let group = account.delete_profile(who, &path.id, group)?;
                Ok((DeletedProfile { success: true }, Some(group)))
            })
        });
        match result {
            Ok(body) => DeleteProfileResponse::Ok(body),
            Err(e) => e.into(),
        }
    }

    async fn list_profile_placements(
        &self,
        ctx: RequestContext,
        path: ListProfilePlacementsPath,
        query: ListProfilePlacementsQuery,
    ) -> ListProfilePlacementsResponse {
        let result = self.with_account(&ctx, |account, who| {
            let data = account.placements(who, &path.id, query.profile_group_id.as_deref())?;
            Prepared::of_view(&DataOf { data })
        });
        match result {
            Ok(body) => ListProfilePlacementsResponse::OkPrepared(body),
            Err(e) => e.into(),
        }
    }

    async fn get_profile_stats(
        &self,
        ctx: RequestContext,
        path: GetProfileStatsPath,
        query: GetProfileStatsQuery,
    ) -> GetProfileStatsResponse {
        let query = StatsQuery {
            profile_group_id: query.profile_group_id.as_deref(),
            placement_id: query.placement_id.as_deref(),
            from: query.from.as_deref(),
            to: query.to.as_deref(),
        };
        let result = self.with_account(&ctx, |account, who| {
            let read = account.stats(who, &path.id, &query)?;
            Prepared::of_view(&StatsView::of(&read))
        });
        match result {
            Ok(body) => GetProfileStatsResponse::OkPrepared(body),
            Err(e) => e.into(),
        }
    }

    async fn list_profile_groups(
        &self,
        ctx: RequestContext,
        _query: ListProfileGroupsQuery,
    ) -> ListProfileGroupsResponse {
        match self.with_account(&ctx, |account, who| {
            Ok::<_, DomainError>(account.list_groups(who))
        }) {
            Ok(data) => ListProfileGroupsResponse::Ok(ProfileGroupList { data }),
            Err(e) => e.into(),
        }
    }

    async fn create_profile_group(
        &self,
        ctx: RequestContext,
        _query: CreateProfileGroupQuery,
        headers: CreateProfileGroupHeaders,
        body: CreateProfileGroupRequest,
    ) -> CreateProfileGroupResponse {
        let result = self.with_account(&ctx, |account, who| {
            let fingerprint = format!(
                "POST /api/profile_groups {}",
                serde_json::to_string(&body).unwrap_or_default()
            );
            // Authorised before the key is looked at: a replay is never shown to a key that
            // could not make the request itself.
            if !who.can_manage_groups() {
                return Err(DomainError::NoPermission);
            }
            let key = headers.idempotency_key.as_deref();
            let claim = ctx.idempotency_claim.map(|c| c.0);
            account.idempotent(who, key, claim, fingerprint, |account| {
                let group = account.create_group(who, &body)?;
                let id = group.id.clone();
                Ok((group, Some(id)))
            })
        });
        match result {
            Ok(group) => CreateProfileGroupResponse::Created(group),
            Err(e) => e.into(),
        }
    }

    async fn get_profile_group(
        &self,
        ctx: RequestContext,
        path: GetProfileGroupPath,
        _query: GetProfileGroupQuery,
    ) -> GetProfileGroupResponse {
        let result = self.with_account(&ctx, |account, who| account.get_group(who, &path.id));
        match result {
            Ok(group) => GetProfileGroupResponse::Ok(group),
            Err(e) => e.into(),
        }
    }

    async fn delete_profile_group(
        &self,
        ctx: RequestContext,
        path: DeleteProfileGroupPath,
        _query: DeleteProfileGroupQuery,
        headers: DeleteProfileGroupHeaders,
    ) -> DeleteProfileGroupResponse {
        let result = self.with_account(&ctx, |account, who| {
            let fingerprint = format!("DELETE /api/profile_groups/{}", path.id);
            if !who.can_manage_groups() {
                return Err(DomainError::NoPermission);
            }
            let key = headers.idempotency_key.as_deref();
            let claim = ctx.idempotency_claim.map(|c| c.0);
            account.idempotent(who, key, claim, fingerprint, |account| {
                account.delete_group(who, &path.id)?;
                Ok((DeletedGroup { deleted: true }, Some(path.id.clone())))
            })
        });
        match result {
            Ok(body) => DeleteProfileGroupResponse::Ok(body),
            Err(e) => e.into(),
        }
    }

    async fn initialize_connection(
        &self,
        ctx: RequestContext,
        path: InitializeConnectionPath,
        _query: InitializeConnectionQuery,
        body: InitializeConnectionRequest,
    ) -> InitializeConnectionResponse {
        let result = {
            let mut store = self.store();
            let who = match ctx.principal() {
                Some(known) => known.clone().ok_or(DomainError::InvalidApiKey),
                None => store.authenticate(ctx.bearer_token()),
            };
            who.and_then(|who| store.initialize_connection(&who, &path.id, &body))
                .map_err(ApiError::from)
        };
        let answer = match result {
            Ok(Connected::Invitation(connection)) => OAuthConnection {
                url: format!("{}/connect/{}", self.base_url(), connection.token),
                success: true,
            }
            .into(),
            Ok(Connected::Profile(connected)) => CredentialConnection {
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
            Err(e) => return e.into(),
        };
        InitializeConnectionResponse::Ok(answer)
    }
}
