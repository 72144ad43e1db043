//! The `journal` tag: reading, clearing and configuring an account's request journal. What the
//! journal keeps and how a filter matches is [`crate::harness::journal`]'s.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, put};
use axum::Router;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::common::{on_harness, Answer, Api, ControlError, Done, Routes};
use crate::domain::clock::format_timestamp;
use crate::harness::journal::{JournalFilter, JournalPage};
use crate::http::extract::ControlJson;
use crate::rt::{ApiPath, ApiQuery};

/// Whether the journal keeps request bodies.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct JournalSettings {
    /// Keep request bodies (cut at 16 KiB) from now on.
    pub record_bodies: bool,
}

/// This tag's routes.
pub(super) fn routes() -> Routes {
    Router::new()
        .route(
            "/__mock/accounts/{account}/journal",
            get(get_journal).delete(clear_journal),
        )
        .route(
            "/__mock/accounts/{account}/journal/settings",
            put(journal_settings),
        )
}

/// The product-API requests the account's keys made (at most 1000 kept), filtered.
#[utoipa::path(get, path = "/__mock/accounts/{account}/journal", tag = "journal",
    params(("account" = String, Path), JournalFilter),
    responses((status = 200, body = JournalPage), (status = 400, body = ControlError), (status = 404, body = ControlError)))]
pub(super) async fn get_journal(
    State(api): Api,
    ApiPath(id): ApiPath<String>,
    ApiQuery(filter): ApiQuery<JournalFilter>,
) -> Answer {
    on_harness(&api, &id, StatusCode::OK, |a| {
        Ok(a.journal.list(&filter, format_timestamp))
    })
}

/// Empties the account's journal.
#[utoipa::path(delete, path = "/__mock/accounts/{account}/journal", tag = "journal",
    params(("account" = String, Path)),
    responses((status = 200, body = Done), (status = 404, body = ControlError)))]
pub(super) async fn clear_journal(State(api): Api, ApiPath(id): ApiPath<String>) -> Answer {
    on_harness(&api, &id, StatusCode::OK, |a| {
        a.journal.clear();
        Ok(Done { ok: true })
    })
}

/// Whether the journal records request bodies.
#[utoipa::path(put, path = "/__mock/accounts/{account}/journal/settings", tag = "journal",
    params(("account" = String, Path)),
    request_body = JournalSettings,
    responses((status = 200, body = JournalSettings), (status = 404, body = ControlError)))]
pub(super) async fn journal_settings(
    State(api): Api,
    ApiPath(id): ApiPath<String>,
    ControlJson(body): ControlJson<JournalSettings>,
) -> Answer {
    on_harness(&api, &id, StatusCode::OK, |a| {
        a.journal.record_bodies = body.record_bodies;
        Ok(body)
    })
}
