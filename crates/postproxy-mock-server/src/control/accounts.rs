//! The `accounts` tag: isolated tenants (list, create, show, remove), their resets, and each
//! account's state as a fixture (export, import). [`AccountInfo`] is how all of them show an
//! account; its clock is [`super::clock`]'s [`ClockInfo`].

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::clock::{clock_info, ClockInfo};
use super::common::{on_account, Answer, Api, ControlError, Done, Routes};
use crate::domain::account::Account;
use crate::domain::clock::Clock;
use crate::domain::fixtures::AccountFixture;
use crate::http::extract::{ControlJson, ControlJsonOrDefault};
use crate::rt::json;
use crate::rt::ApiPath;

/// An API key as the control API shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct KeyInfo {
    /// The secret, for `Authorization: Bearer <key>`.
    pub key: String,
    /// Its public id, as the journal shows it.
    pub key_id: String,
    /// The group a scoped key is limited to; null for full access.
    pub profile_group_id: Option<String>,
}

/// An account: its id, keys, sizes and clock.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct AccountInfo {
    /// The account id, used in control paths.
    pub id: String,
    /// Its API keys.
    pub api_keys: Vec<KeyInfo>,
    /// Number of profile groups.
    pub profile_groups: usize,
    /// Number of profiles.
    pub profiles: usize,
    /// Its clock.
    pub clock: ClockInfo,
}

/// How the control API shows `account`.
fn info(account: &Account) -> AccountInfo {
    let (groups, profiles) = account.counts();
    AccountInfo {
        id: account.id().to_string(),
        api_keys: account
            .api_keys()
            .iter()
            .map(|k| KeyInfo {
                key: k.key.clone(),
                key_id: k.principal.key_id.clone(),
                profile_group_id: k.principal.scope.group().map(str::to_string),
            })
            .collect(),
        profile_groups: groups,
        profiles,
        clock: clock_info(&account.clock),
    }
}

/// This tag's routes.
pub(super) fn routes() -> Routes {
    Router::new()
        .route("/__mock/reset", post(reset_all))
        .route("/__mock/accounts", get(list_accounts).post(create_account))
        .route(
            "/__mock/accounts/{account}",
            get(get_account).delete(delete_account),
        )
        .route("/__mock/accounts/{account}/reset", post(reset_account))
        .route(
            "/__mock/accounts/{account}/fixture",
            get(export_fixture).put(import_fixture),
        )
}

/// Puts the whole server back as it started; accounts created since are removed.
#[utoipa::path(post, path = "/__mock/reset", tag = "accounts",
    responses((status = 200, body = Done)))]
pub(super) async fn reset_all(State(api): Api) -> Response {
    api.store().reset_all();
    json(StatusCode::OK, &Done { ok: true })
}

/// Every account.
#[utoipa::path(get, path = "/__mock/accounts", tag = "accounts",
    responses((status = 200, body = Vec<AccountInfo>)))]
pub(super) async fn list_accounts(State(api): Api) -> Response {
    let store = api.store();
    let accounts: Vec<AccountInfo> = store.accounts().iter().map(info).collect();
    json(StatusCode::OK, &accounts)
}

/// Creates an account from one account of the fixture format (its `id` and keys are generated
/// when absent; without `api_keys` it gets one full-access key). An empty body (or `{}`) makes
/// an empty account with one generated full-access key. Returns its keys.
#[utoipa::path(post, path = "/__mock/accounts", tag = "accounts",
    request_body(content = Object, description = "One account in the fixture format (`postproxy-mock fixture-schema`, `#/definitions/AccountFixture`); optional: no body is an empty account"),
    responses(
        (status = 201, body = AccountInfo),
        (status = 400, body = ControlError, description = "Malformed JSON"),
        (status = 409, body = ControlError, description = "The id or a key is taken"),
        (status = 422, body = ControlError, description = "Invalid fixture: the field path and the problem"),
    ))]
pub(super) async fn create_account(
    State(api): Api,
    ControlJsonOrDefault(fixture): ControlJsonOrDefault<AccountFixture>,
) -> Answer {
    let mut store = api.store();
    let account = store.create_account(fixture, Clock::real())?;
    Ok(json(StatusCode::CREATED, &info(account)))
}

/// One account.
#[utoipa::path(get, path = "/__mock/accounts/{account}", tag = "accounts",
    params(("account" = String, Path)),
    responses((status = 200, body = AccountInfo), (status = 404, body = ControlError)))]
pub(super) async fn get_account(State(api): Api, ApiPath(id): ApiPath<String>) -> Answer {
    let store = api.store();
    Ok(json(StatusCode::OK, &info(store.account(&id)?)))
}

/// Removes an account: its keys stop working at once.
#[utoipa::path(delete, path = "/__mock/accounts/{account}", tag = "accounts",
    params(("account" = String, Path)),
    responses((status = 200, body = Done), (status = 404, body = ControlError)))]
pub(super) async fn delete_account(State(api): Api, ApiPath(id): ApiPath<String>) -> Answer {
    api.store().delete_account(&id)?;
    Ok(json(StatusCode::OK, &Done { ok: true }))
}

/// Puts one account back as it was created: data, keys, a real-time clock, an empty journal,
/// no faults.
#[utoipa::path(post, path = "/__mock/accounts/{account}/reset", tag = "accounts",
    params(("account" = String, Path)),
    responses((status = 200, body = AccountInfo), (status = 404, body = ControlError)))]
pub(super) async fn reset_account(State(api): Api, ApiPath(id): ApiPath<String>) -> Answer {
    let mut store = api.store();
    Ok(json(StatusCode::OK, &info(store.reset_account(&id)?)))
}

/// The account's current state as a fixture (keys included).
#[utoipa::path(get, path = "/__mock/accounts/{account}/fixture", tag = "accounts",
    params(("account" = String, Path)),
    responses((status = 200, content_type = "application/json", body = Object, description = "One account in the fixture format"),
        (status = 404, body = ControlError)))]
pub(super) async fn export_fixture(State(api): Api, ApiPath(id): ApiPath<String>) -> Answer {
    on_account(&api, &id, StatusCode::OK, |a| Ok(a.to_fixture()))
}

/// Replaces the account's groups, profiles and keys with a fixture; its clock, journal and
/// faults stay. A fixture that does not validate changes nothing.
#[utoipa::path(put, path = "/__mock/accounts/{account}/fixture", tag = "accounts",
    params(("account" = String, Path)),
    request_body(content = Object, description = "One account in the fixture format"),
    responses((status = 200, body = AccountInfo), (status = 404, body = ControlError),
        (status = 409, body = ControlError), (status = 422, body = ControlError)))]
pub(super) async fn import_fixture(
    State(api): Api,
    ApiPath(id): ApiPath<String>,
    ControlJson(fixture): ControlJson<AccountFixture>,
) -> Answer {
    let mut store = api.store();
    Ok(json(StatusCode::OK, &info(store.import(&id, fixture)?)))
}
