//! The `state` tag: groups, profiles, placements and stats snapshots injected straight into an
//! account, in the fixture format where there is one, and changes to groups and profiles the
//! product API cannot make.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{patch, post};
use axum::Router;
use postproxy_models::Placement;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::common::{on_account, Answer, Api, ControlError, Done, Routes};
use super::wire::ProfilePatch;
use crate::domain::fixtures::{ProfileFixture, SnapshotFixture};
use crate::http::extract::ControlJson;
use crate::rt::ApiPath;

/// A profile group to add.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GroupInject {
    /// Its id; generated when absent.
    #[serde(default)]
    pub id: Option<String>,
    /// Its name (not blank).
    pub name: String,
}

/// A group's new name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GroupPatch {
    /// The new name (not blank).
    pub name: String,
}

/// This tag's routes.
pub(super) fn routes() -> Routes {
    Router::new()
        .route("/__mock/accounts/{account}/profile_groups", post(add_group))
        .route(
            "/__mock/accounts/{account}/profile_groups/{group}",
            patch(rename_group),
        )
        .route(
            "/__mock/accounts/{account}/profile_groups/{group}/profiles",
            post(add_profile),
        )
        .route(
            "/__mock/accounts/{account}/profiles/{profile}",
            patch(patch_profile),
        )
        .route(
            "/__mock/accounts/{account}/profiles/{profile}/placements",
            post(add_placement),
        )
        .route(
            "/__mock/accounts/{account}/profiles/{profile}/stats",
            post(add_snapshot),
        )
}

/// Adds a profile group.
#[utoipa::path(post, path = "/__mock/accounts/{account}/profile_groups", tag = "state",
    params(("account" = String, Path)),
    request_body = GroupInject,
    responses((status = 201, content_type = "application/json", body = Object, description = "The group, as the product API shows it"),
        (status = 404, body = ControlError), (status = 409, body = ControlError), (status = 422, body = ControlError)))]
pub(super) async fn add_group(
    State(api): Api,
    ApiPath(id): ApiPath<String>,
    ControlJson(body): ControlJson<GroupInject>,
) -> Answer {
    on_account(&api, &id, StatusCode::CREATED, |a| {
        Ok(a.inject_group(body.id.as_deref(), &body.name)?)
    })
}

/// Renames a profile group.
#[utoipa::path(patch, path = "/__mock/accounts/{account}/profile_groups/{group}", tag = "state",
    params(("account" = String, Path), ("group" = String, Path)),
    request_body = GroupPatch,
    responses((status = 200, content_type = "application/json", body = Object, description = "The group, as the product API shows it"),
        (status = 404, body = ControlError), (status = 422, body = ControlError)))]
pub(super) async fn rename_group(
    State(api): Api,
    ApiPath((id, group)): ApiPath<(String, String)>,
    ControlJson(body): ControlJson<GroupPatch>,
) -> Answer {
    on_account(&api, &id, StatusCode::OK, |a| {
        Ok(a.rename_group(&group, &body.name)?)
    })
}

/// Adds a profile (any platform, status, `expires_at`, avatar, post_count, placements and
/// stats) to a group. An `active` profile whose `expires_at` has passed by the account's clock
/// is added `expired`.
#[utoipa::path(post, path = "/__mock/accounts/{account}/profile_groups/{group}/profiles", tag = "state",
    params(("account" = String, Path), ("group" = String, Path)),
    request_body(content = Object, description = "A profile in the fixture format (`ProfileFixture`)"),
    responses((status = 201, content_type = "application/json", body = Object, description = "The profile, as the product API lists it"),
        (status = 404, body = ControlError), (status = 409, body = ControlError), (status = 422, body = ControlError)))]
pub(super) async fn add_profile(
    State(api): Api,
    ApiPath((id, group)): ApiPath<(String, String)>,
    ControlJson(body): ControlJson<ProfileFixture>,
) -> Answer {
    on_account(&api, &id, StatusCode::CREATED, |a| {
        Ok(a.inject_profile(&group, &body)?)
    })
}

/// Changes a profile's name, status, `expires_at`, `post_count` or `avatar_url`. Status follows
/// the account's clock: an `active` profile whose `expires_at` has passed is `expired`.
#[utoipa::path(patch, path = "/__mock/accounts/{account}/profiles/{profile}", tag = "state",
    params(("account" = String, Path), ("profile" = String, Path)),
    request_body = ProfilePatch,
    responses((status = 200, content_type = "application/json", body = Object, description = "The profile"),
        (status = 404, body = ControlError), (status = 422, body = ControlError)))]
pub(super) async fn patch_profile(
    State(api): Api,
    ApiPath((id, profile)): ApiPath<(String, String)>,
    ControlJson(body): ControlJson<ProfilePatch>,
) -> Answer {
    on_account(&api, &id, StatusCode::OK, |a| {
        Ok(a.patch_profile(&profile, &(&body).into())?)
    })
}

/// Adds a placement, e.g. a Telegram channel the bot was just added to.
#[utoipa::path(post, path = "/__mock/accounts/{account}/profiles/{profile}/placements", tag = "state",
    params(("account" = String, Path), ("profile" = String, Path)),
    request_body(content = Object, description = "A placement: `{\"id\": \"-100123\", \"name\": \"Channel\"}`"),
    responses((status = 201, content_type = "application/json", body = Object, description = "The profile's placements"),
        (status = 404, body = ControlError), (status = 409, body = ControlError), (status = 422, body = ControlError)))]
pub(super) async fn add_placement(
    State(api): Api,
    ApiPath((id, profile)): ApiPath<(String, String)>,
    ControlJson(body): ControlJson<Placement>,
) -> Answer {
    on_account(&api, &id, StatusCode::CREATED, |a| {
        Ok(a.inject_placement(&profile, body)?)
    })
}

/// Adds a stats snapshot.
#[utoipa::path(post, path = "/__mock/accounts/{account}/profiles/{profile}/stats", tag = "state",
    params(("account" = String, Path), ("profile" = String, Path)),
    request_body(content = Object, description = "A snapshot in the fixture format: `{\"placement_id\": null, \"stats\": {...}, \"recorded_at\": \"2026-05-12T08:00:00Z\"}`"),
    responses((status = 201, body = Done), (status = 404, body = ControlError), (status = 422, body = ControlError)))]
pub(super) async fn add_snapshot(
    State(api): Api,
    ApiPath((id, profile)): ApiPath<(String, String)>,
    ControlJson(body): ControlJson<SnapshotFixture>,
) -> Answer {
    on_account(&api, &id, StatusCode::CREATED, |a| {
        a.inject_snapshot(&profile, &body)?;
        Ok(Done { ok: true })
    })
}
