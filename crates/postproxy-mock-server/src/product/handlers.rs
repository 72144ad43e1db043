//! [`MockApi`]: the stateful implementation of the generated [`PostproxyApi`] trait.

use std::sync::{Mutex, MutexGuard};

use postproxy_models::{
    CreateProfileGroupRequest, DeleteProfileGroupResponse as DeletedGroup,
    DeleteProfileResponse as DeletedProfile, InitializeConnectionRequest, PlacementList,
    ProfileGroupList, ProfileList, ProfileStatsResponse,
};

use crate::domain::account::{Account, Connection};
use crate::domain::auth::{self, ApiKey, Principal};
use crate::http::error::ApiError;
use crate::http::extract::RequestContext;
use crate::domain::fixtures::Fixtures;
use crate::domain::store::Store;
use crate::*;

/// The seed used when none is given: new ids are the same on every run.
pub const DEFAULT_SEED: u64 = 0;

/// The mock API: fixtures loaded into a [`Store`] behind a lock, answering every operation as
/// the service does. Serve it with [`crate::app`] or start a [`crate::MockServer`].
#[derive(Debug)]
pub struct MockApi {
    store: Mutex<Store>,
    base_url: String,
}

impl MockApi {
    /// The API over `fixtures` (validated by the caller, e.g. with [`Fixtures::validate`]),
    /// with new ids from `seed`. `base_url` (e.g. `http://127.0.0.1:8080`) is where this mock
    /// is reachable; initialize_connection's URLs point at it.
    pub fn new(fixtures: &Fixtures, seed: u64, base_url: impl Into<String>) -> Self {
        Self {
            store: Mutex::new(Store::new(fixtures, seed)),
            base_url: base_url.into().trim_end_matches('/').to_string(),
        }
    }

    /// The base URL initialize_connection's URLs start with.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// Every API key, in fixture order.
    pub fn api_keys(&self) -> Vec<ApiKey> {
        self.store().api_keys()
    }

    /// A pending connection invitation created by initialize_connection, by its token.
    pub fn connection(&self, token: &str) -> Option<Connection> {
        let store = self.store();
        let account = store.account(store.account_of_token(token)?).ok()?;
        account.pending_connection(token).ok().cloned()
    }

    /// The locked state, for the control API and tests.
    pub fn store(&self) -> MutexGuard<'_, Store> {
        // No operation panics while holding the lock; should one ever, the data is still whole
        // (operations check before they change), so keep serving.
        self.store.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Authenticates the request, brings its account up to its clock (polling, expiry) and
    /// runs `operation` on it.
    fn with_account<T>(
        &self,
        ctx: &RequestContext,
        operation: impl FnOnce(&mut Account, &Principal) -> Result<T, ApiError>,
    ) -> Result<T, ApiError> {
        let mut store = self.store();
        let who = store.authenticate(ctx.bearer_token())?;
        let mut account = store.account_now(&who.account_id)?;
        operation(&mut account, &who)
    }
}

impl PostproxyApi for MockApi {
    async fn list_profiles(
        &self,
        ctx: RequestContext,
        query: ListProfilesQuery,
    ) -> ListProfilesResponse {
        let result = self.with_account(&ctx, |account, who| {
            account.list_profiles(who, query.profile_group_id.as_deref())
        });
        match result {
            Ok(data) => ListProfilesResponse::Ok(ProfileList { data }),
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
            account.get_profile(who, &path.id, query.profile_group_id.as_deref())
        });
        match result {
            Ok(profile) => GetProfileResponse::Ok(profile),
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
            account.placements(who, &path.id, query.profile_group_id.as_deref())
        });
        match result {
            Ok(data) => ListProfilePlacementsResponse::Ok(PlacementList { data }),
            Err(e) => e.into(),
        }
    }

    async fn get_profile_stats(
        &self,
        ctx: RequestContext,
        path: GetProfileStatsPath,
        query: GetProfileStatsQuery,
    ) -> GetProfileStatsResponse {
        let result = self.with_account(&ctx, |account, who| account.stats(who, &path.id, &query));
        match result {
            Ok(data) => GetProfileStatsResponse::Ok(ProfileStatsResponse { data }),
            Err(e) => e.into(),
        }
    }

    async fn list_profile_groups(
        &self,
        ctx: RequestContext,
        _query: ListProfileGroupsQuery,
    ) -> ListProfileGroupsResponse {
        match self.with_account(&ctx, |account, who| Ok(account.list_groups(who))) {
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
                return Err(auth::no_permission());
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
                return Err(auth::no_permission());
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
            store
                .authenticate(ctx.bearer_token())
                .and_then(|who| store.initialize_connection(&who, &path.id, &body))
        };
        match result {
            Ok(connection) => {
                InitializeConnectionResponse::Ok(postproxy_models::InitializeConnectionResponse {
                    url: format!("{}/connect/{}", self.base_url, connection.token),
                    success: true,
                })
            }
            Err(e) => e.into(),
        }
    }
}
