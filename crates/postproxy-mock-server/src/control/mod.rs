//! The control API under `/__mock/`: separate from the product API, it sets the stage and
//! looks behind it — accounts, state injection, fixture import and export, the clock, faults,
//! the request journal and pending connections. It needs no API key; every change is scoped to
//! one account (except resetting the whole server). Documented code-first with utoipa and
//! served at `/__mock/openapi.json`; [`crate::control::client::ControlClient`] wraps it.

pub mod client;
pub(crate) mod consent;

pub use crate::domain::auth::key_id;
pub use crate::domain::connections::{Connection, ConnectionOutcome};
pub use crate::domain::inject::ProfilePatch;
pub use crate::domain::tick::TickReport;
pub use crate::harness::faults::{default_message, Fault, FaultSpec, Method};
pub use crate::harness::journal::{JournalEntry, JournalFilter, JournalPage};
pub use client::{ControlClient, ControlClientError};

use std::sync::Arc;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post, put};
use axum::Router;
use postproxy_models::Placement;
use serde::{Deserialize, Serialize};
use time::Duration;
use utoipa::{OpenApi, ToSchema};

use crate::app::AppState;
use crate::domain::account::Account;
use crate::domain::clock::format_timestamp;
use crate::domain::clock::Clock;
use crate::domain::fixtures::{parse_timestamp, AccountFixture, ProfileFixture, SnapshotFixture};
use crate::http::error::ApiError;
use crate::http::extract::{ApiPath, ApiQuery, ControlJson, ControlJsonOrDefault};
use crate::http::respond::json;

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

/// An account's clock.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ClockInfo {
    /// The account's current time (RFC 3339).
    pub now: String,
    /// Whether the clock stands still.
    pub frozen: bool,
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

/// Sets an account's clock: move it to `now`, freeze or let it run. Absent fields stay.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ClockUpdate {
    /// The new time (RFC 3339).
    #[serde(default)]
    pub now: Option<String>,
    /// Freeze (true) or let run (false).
    #[serde(default)]
    pub frozen: Option<bool>,
}

/// How far to move an account's clock forward; the parts are added up.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ClockAdvance {
    /// Seconds.
    #[serde(default)]
    pub seconds: i64,
    /// Minutes.
    #[serde(default)]
    pub minutes: i64,
    /// Hours.
    #[serde(default)]
    pub hours: i64,
    /// Days.
    #[serde(default)]
    pub days: i64,
}

impl ClockUpdate {
    /// Moves the clock to `now` (its frozen state stays unless [`frozen`](Self::frozen) sets
    /// it), as RFC 3339 in UTC.
    pub fn at(now: time::OffsetDateTime) -> Self {
        Self {
            now: Some(format_timestamp(now.to_offset(time::UtcOffset::UTC))),
            frozen: None,
        }
    }

    /// Freezes (true) or lets the clock run (false).
    pub fn frozen(mut self, frozen: bool) -> Self {
        self.frozen = Some(frozen);
        self
    }
}

impl ClockAdvance {
    /// A move of `n` seconds.
    pub fn seconds(n: i64) -> Self {
        Self {
            seconds: n,
            ..Self::default()
        }
    }

    /// A move of `n` minutes.
    pub fn minutes(n: i64) -> Self {
        Self {
            minutes: n,
            ..Self::default()
        }
    }

    /// A move of `n` hours.
    pub fn hours(n: i64) -> Self {
        Self {
            hours: n,
            ..Self::default()
        }
    }

    /// A move of `n` days.
    pub fn days(n: i64) -> Self {
        Self {
            days: n,
            ..Self::default()
        }
    }

    /// The parts added up, if that is 0 to 100 years.
    pub fn duration(&self) -> Option<Duration> {
        [
            (self.seconds, 1),
            (self.minutes, 60),
            (self.hours, 3600),
            (self.days, 86_400),
        ]
        .iter()
        .try_fold(0i64, |sum, (n, unit)| {
            n.checked_mul(*unit).and_then(|s| sum.checked_add(s))
        })
        .filter(|s| (0..=100 * 365 * 86_400).contains(s))
        .map(Duration::seconds)
    }
}

/// The clock after a change, and what time did to the account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ClockReport {
    /// The clock now.
    pub clock: ClockInfo,
    /// Snapshots recorded and profiles expired by the move.
    pub effects: TickReport,
}

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

/// Whether the journal keeps request bodies.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct JournalSettings {
    /// Keep request bodies (cut at 16 KiB) from now on.
    pub record_bodies: bool,
}

/// `{"ok": true}`: the change was made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Done {
    /// Always true.
    pub ok: bool,
}

/// The control API's error body, the same shape as the product API's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ControlError {
    /// What went wrong.
    pub error: String,
}

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

fn clock_info(clock: &Clock) -> ClockInfo {
    ClockInfo {
        now: format_timestamp(clock.now()),
        frozen: clock.is_frozen(),
    }
}

type Api = State<Arc<AppState>>;
type Answer = Result<Response, ApiError>;

/// Runs `f` on one account, first bringing it up to its clock.
fn on_account<T: Serialize>(
    api: &AppState,
    id: &str,
    status: StatusCode,
    f: impl FnOnce(&mut Account) -> Result<T, ApiError>,
) -> Answer {
    let body = {
        let mut store = api.store();
        let mut account = store.account_now(id)?;
        f(&mut account)?
    };
    Ok(json(status, &body))
}

/// The control API's routes (state: the mock).
pub(crate) fn router(api: Arc<AppState>) -> Router {
    Router::new()
        .route("/__mock/openapi.json", get(openapi_json))
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
        .route("/__mock/accounts/{account}/profile_groups", post(add_group))
        .route(
            "/__mock/accounts/{account}/profile_groups/{group}",
            axum::routing::patch(rename_group),
        )
        .route(
            "/__mock/accounts/{account}/profile_groups/{group}/profiles",
            post(add_profile),
        )
        .route(
            "/__mock/accounts/{account}/profiles/{profile}",
            axum::routing::patch(patch_profile),
        )
        .route(
            "/__mock/accounts/{account}/profiles/{profile}/placements",
            post(add_placement),
        )
        .route(
            "/__mock/accounts/{account}/profiles/{profile}/stats",
            post(add_snapshot),
        )
        .route(
            "/__mock/accounts/{account}/clock",
            get(get_clock).put(set_clock),
        )
        .route(
            "/__mock/accounts/{account}/clock/advance",
            post(advance_clock),
        )
        .route(
            "/__mock/accounts/{account}/faults",
            get(list_faults).post(add_fault).delete(clear_faults),
        )
        .route(
            "/__mock/accounts/{account}/faults/{fault}",
            axum::routing::delete(remove_fault),
        )
        .route(
            "/__mock/accounts/{account}/journal",
            get(get_journal).delete(clear_journal),
        )
        .route(
            "/__mock/accounts/{account}/journal/settings",
            put(journal_settings),
        )
        .route(
            "/__mock/accounts/{account}/connections",
            get(list_connections),
        )
        .route(
            "/__mock/accounts/{account}/connections/{token}/authorize",
            post(authorize_connection),
        )
        .route(
            "/__mock/accounts/{account}/connections/{token}/deny",
            post(deny_connection),
        )
        // Explicit, and named in the 413's message (axum's implicit default is 2 MB).
        .layer(axum::extract::DefaultBodyLimit::max(
            crate::limits::CONTROL_BODY_LIMIT,
        ))
        .with_state(api)
}

/// The control API's OpenAPI document.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Postproxy mock control API",
        description = "Sets the stage for tests and looks behind it: accounts, state injection, \
            fixtures, the clock, faults, the request journal and pending connections. Separate \
            from the product API; needs no API key. Errors are `{\"error\": \"...\"}`."
    ),
    paths(
        reset_all, list_accounts, create_account, get_account, delete_account, reset_account,
        export_fixture, import_fixture, add_group, rename_group, add_profile, patch_profile, add_placement,
        add_snapshot, get_clock, set_clock, advance_clock, list_faults, add_fault, clear_faults,
        remove_fault, get_journal, clear_journal, journal_settings, list_connections,
        authorize_connection, deny_connection
    ),
    components(schemas(ControlError)),
    tags(
        (name = "accounts", description = "Isolated tenants, their fixtures and resets"),
        (name = "state", description = "Groups, profiles, placements and stats injected directly"),
        (name = "clock", description = "Each account's clock; moving it polls stats and expires profiles"),
        (name = "faults", description = "Errors, latency and dropped connections for the next N requests"),
        (name = "journal", description = "The product-API requests an account made"),
        (name = "connections", description = "initialize_connection invitations, completed without a browser"),
    )
)]
pub struct ControlDoc;

async fn openapi_json() -> Response {
    let mut doc = serde_json::to_value(ControlDoc::openapi()).unwrap_or_default();
    if let Some(doc) = doc.as_object_mut() {
        doc.insert("servers".into(), crate::server::mock_servers());
    }
    json(StatusCode::OK, &doc)
}

/// Puts the whole server back as it started; accounts created since are removed.
#[utoipa::path(post, path = "/__mock/reset", tag = "accounts",
    responses((status = 200, body = Done)))]
async fn reset_all(State(api): Api) -> Response {
    api.store().reset_all();
    json(StatusCode::OK, &Done { ok: true })
}

/// Every account.
#[utoipa::path(get, path = "/__mock/accounts", tag = "accounts",
    responses((status = 200, body = Vec<AccountInfo>)))]
async fn list_accounts(State(api): Api) -> Response {
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
async fn create_account(
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
async fn get_account(State(api): Api, ApiPath(id): ApiPath<String>) -> Answer {
    let store = api.store();
    Ok(json(StatusCode::OK, &info(store.account(&id)?)))
}

/// Removes an account: its keys stop working at once.
#[utoipa::path(delete, path = "/__mock/accounts/{account}", tag = "accounts",
    params(("account" = String, Path)),
    responses((status = 200, body = Done), (status = 404, body = ControlError)))]
async fn delete_account(State(api): Api, ApiPath(id): ApiPath<String>) -> Answer {
    api.store().delete_account(&id)?;
    Ok(json(StatusCode::OK, &Done { ok: true }))
}

/// Puts one account back as it was created: data, keys, a real-time clock, an empty journal,
/// no faults.
#[utoipa::path(post, path = "/__mock/accounts/{account}/reset", tag = "accounts",
    params(("account" = String, Path)),
    responses((status = 200, body = AccountInfo), (status = 404, body = ControlError)))]
async fn reset_account(State(api): Api, ApiPath(id): ApiPath<String>) -> Answer {
    let mut store = api.store();
    Ok(json(StatusCode::OK, &info(store.reset_account(&id)?)))
}

/// The account's current state as a fixture (keys included).
#[utoipa::path(get, path = "/__mock/accounts/{account}/fixture", tag = "accounts",
    params(("account" = String, Path)),
    responses((status = 200, content_type = "application/json", body = Object, description = "One account in the fixture format"),
        (status = 404, body = ControlError)))]
async fn export_fixture(State(api): Api, ApiPath(id): ApiPath<String>) -> Answer {
    on_account(&api, &id, StatusCode::OK, |a| Ok(a.to_fixture()))
}

/// Replaces the account's groups, profiles and keys with a fixture; its clock, journal and
/// faults stay. A fixture that does not validate changes nothing.
#[utoipa::path(put, path = "/__mock/accounts/{account}/fixture", tag = "accounts",
    params(("account" = String, Path)),
    request_body(content = Object, description = "One account in the fixture format"),
    responses((status = 200, body = AccountInfo), (status = 404, body = ControlError),
        (status = 409, body = ControlError), (status = 422, body = ControlError)))]
async fn import_fixture(
    State(api): Api,
    ApiPath(id): ApiPath<String>,
    ControlJson(fixture): ControlJson<AccountFixture>,
) -> Answer {
    let mut store = api.store();
    Ok(json(StatusCode::OK, &info(store.import(&id, fixture)?)))
}

/// Adds a profile group.
#[utoipa::path(post, path = "/__mock/accounts/{account}/profile_groups", tag = "state",
    params(("account" = String, Path)),
    request_body = GroupInject,
    responses((status = 201, content_type = "application/json", body = Object, description = "The group, as the product API shows it"),
        (status = 404, body = ControlError), (status = 409, body = ControlError), (status = 422, body = ControlError)))]
async fn add_group(
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
async fn rename_group(
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
async fn add_profile(
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
async fn patch_profile(
    State(api): Api,
    ApiPath((id, profile)): ApiPath<(String, String)>,
    ControlJson(body): ControlJson<ProfilePatch>,
) -> Answer {
    on_account(&api, &id, StatusCode::OK, |a| {
        Ok(a.patch_profile(&profile, &body)?)
    })
}

/// Adds a placement, e.g. a Telegram channel the bot was just added to.
#[utoipa::path(post, path = "/__mock/accounts/{account}/profiles/{profile}/placements", tag = "state",
    params(("account" = String, Path), ("profile" = String, Path)),
    request_body(content = Object, description = "A placement: `{\"id\": \"-100123\", \"name\": \"Channel\"}`"),
    responses((status = 201, content_type = "application/json", body = Object, description = "The profile's placements"),
        (status = 404, body = ControlError), (status = 409, body = ControlError), (status = 422, body = ControlError)))]
async fn add_placement(
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
async fn add_snapshot(
    State(api): Api,
    ApiPath((id, profile)): ApiPath<(String, String)>,
    ControlJson(body): ControlJson<SnapshotFixture>,
) -> Answer {
    on_account(&api, &id, StatusCode::CREATED, |a| {
        a.inject_snapshot(&profile, &body)?;
        Ok(Done { ok: true })
    })
}

/// The account's clock.
#[utoipa::path(get, path = "/__mock/accounts/{account}/clock", tag = "clock",
    params(("account" = String, Path)),
    responses((status = 200, body = ClockInfo), (status = 404, body = ControlError)))]
async fn get_clock(State(api): Api, ApiPath(id): ApiPath<String>) -> Answer {
    on_account(&api, &id, StatusCode::OK, |a| Ok(clock_info(&a.clock)))
}

/// Sets, freezes or resumes the account's clock. Setting it forward polls stats and expires
/// profiles as if the time had passed; setting it back starts polling over from there.
#[utoipa::path(put, path = "/__mock/accounts/{account}/clock", tag = "clock",
    params(("account" = String, Path)),
    request_body = ClockUpdate,
    responses((status = 200, body = ClockReport), (status = 404, body = ControlError), (status = 422, body = ControlError)))]
async fn set_clock(
    State(api): Api,
    ApiPath(id): ApiPath<String>,
    ControlJson(body): ControlJson<ClockUpdate>,
) -> Answer {
    let now = body
        .now
        .as_deref()
        .map(|text| {
            parse_timestamp(text)
                .ok_or_else(|| ApiError::unprocessable("now: expected an RFC 3339 timestamp"))
        })
        .transpose()?;
    on_account(&api, &id, StatusCode::OK, |a| {
        let effects = a.set_clock(now, body.frozen);
        Ok(ClockReport {
            clock: clock_info(&a.clock),
            effects,
        })
    })
}

/// Moves the account's clock forward (the parts are added up); each 23-hour polling round that
/// passes records a snapshot per active profile and placement.
#[utoipa::path(post, path = "/__mock/accounts/{account}/clock/advance", tag = "clock",
    params(("account" = String, Path)),
    request_body = ClockAdvance,
    responses((status = 200, body = ClockReport), (status = 404, body = ControlError), (status = 422, body = ControlError)))]
async fn advance_clock(
    State(api): Api,
    ApiPath(id): ApiPath<String>,
    ControlJson(body): ControlJson<ClockAdvance>,
) -> Answer {
    let by = body
        .duration()
        .ok_or_else(|| ApiError::unprocessable("the clock moves forward by 0 to 100 years"))?;
    on_account(&api, &id, StatusCode::OK, |a| {
        let effects = a.advance_clock(by);
        Ok(ClockReport {
            clock: clock_info(&a.clock),
            effects,
        })
    })
}

/// The account's armed faults, in the order they match.
#[utoipa::path(get, path = "/__mock/accounts/{account}/faults", tag = "faults",
    params(("account" = String, Path)),
    responses((status = 200, body = Vec<Fault>), (status = 404, body = ControlError)))]
async fn list_faults(State(api): Api, ApiPath(id): ApiPath<String>) -> Answer {
    on_account(&api, &id, StatusCode::OK, |a| Ok(a.faults.list().to_vec()))
}

/// Arms a fault for the next `times` product-API requests of this account that match.
///
/// Faults compose: a request uses up one application of every matching latency-only fault
/// (their `latency_ms` add up, to at most 60000) and of the first matching fault with a
/// `status` or `drop_connection`, in the order they were added. A 429 for one path and a
/// catch-all latency therefore apply to the same request: the wait, then the 429.
#[utoipa::path(post, path = "/__mock/accounts/{account}/faults", tag = "faults",
    params(("account" = String, Path)),
    request_body = FaultSpec,
    responses((status = 201, body = Fault), (status = 404, body = ControlError), (status = 422, body = ControlError)))]
async fn add_fault(
    State(api): Api,
    ApiPath(id): ApiPath<String>,
    ControlJson(wire): ControlJson<crate::harness::faults::FaultSpecWire>,
) -> Answer {
    on_account(&api, &id, StatusCode::CREATED, |a| {
        let spec = wire.into_spec().map_err(ApiError::unprocessable)?;
        a.faults.add(spec).map_err(ApiError::unprocessable)
    })
}

/// Disarms every fault of the account.
#[utoipa::path(delete, path = "/__mock/accounts/{account}/faults", tag = "faults",
    params(("account" = String, Path)),
    responses((status = 200, body = Done), (status = 404, body = ControlError)))]
async fn clear_faults(State(api): Api, ApiPath(id): ApiPath<String>) -> Answer {
    on_account(&api, &id, StatusCode::OK, |a| {
        a.faults.clear();
        Ok(Done { ok: true })
    })
}

/// Disarms one fault.
#[utoipa::path(delete, path = "/__mock/accounts/{account}/faults/{fault}", tag = "faults",
    params(("account" = String, Path), ("fault" = String, Path)),
    responses((status = 200, body = Done), (status = 404, body = ControlError)))]
async fn remove_fault(State(api): Api, ApiPath((id, fault)): ApiPath<(String, String)>) -> Answer {
    on_account(&api, &id, StatusCode::OK, |a| {
        if a.faults.remove(&fault) {
            Ok(Done { ok: true })
        } else {
            Err(ApiError::missing(format!("No fault {fault:?}")))
        }
    })
}

/// The product-API requests the account's keys made (at most 1000 kept), filtered.
#[utoipa::path(get, path = "/__mock/accounts/{account}/journal", tag = "journal",
    params(("account" = String, Path), JournalFilter),
    responses((status = 200, body = JournalPage), (status = 400, body = ControlError), (status = 404, body = ControlError)))]
async fn get_journal(
    State(api): Api,
    ApiPath(id): ApiPath<String>,
    ApiQuery(filter): ApiQuery<JournalFilter>,
) -> Answer {
    on_account(&api, &id, StatusCode::OK, |a| Ok(a.journal.list(&filter)))
}

/// Empties the account's journal.
#[utoipa::path(delete, path = "/__mock/accounts/{account}/journal", tag = "journal",
    params(("account" = String, Path)),
    responses((status = 200, body = Done), (status = 404, body = ControlError)))]
async fn clear_journal(State(api): Api, ApiPath(id): ApiPath<String>) -> Answer {
    on_account(&api, &id, StatusCode::OK, |a| {
        a.journal.clear();
        Ok(Done { ok: true })
    })
}

/// Whether the journal records request bodies.
#[utoipa::path(put, path = "/__mock/accounts/{account}/journal/settings", tag = "journal",
    params(("account" = String, Path)),
    request_body = JournalSettings,
    responses((status = 200, body = JournalSettings), (status = 404, body = ControlError)))]
async fn journal_settings(
    State(api): Api,
    ApiPath(id): ApiPath<String>,
    ControlJson(body): ControlJson<JournalSettings>,
) -> Answer {
    on_account(&api, &id, StatusCode::OK, |a| {
        a.journal.record_bodies = body.record_bodies;
        Ok(body)
    })
}

/// The account's pending connections (from initialize_connection).
#[utoipa::path(get, path = "/__mock/accounts/{account}/connections", tag = "connections",
    params(("account" = String, Path)),
    responses((status = 200, body = Vec<Connection>), (status = 404, body = ControlError)))]
async fn list_connections(State(api): Api, ApiPath(id): ApiPath<String>) -> Answer {
    on_account(&api, &id, StatusCode::OK, |a| Ok(a.connections()))
}

/// Completes a pending connection as if the user clicked Authorize: the profile is created in
/// the group, or the group's expired or inactive profile of the platform is reconnected (same
/// id, active, `expires_at` renewed); the answer says where the user would be redirected. 422
/// `Platform already connected` if the group has an active profile of the platform by now
/// (the token stays pending).
#[utoipa::path(post, path = "/__mock/accounts/{account}/connections/{token}/authorize", tag = "connections",
    params(("account" = String, Path), ("token" = String, Path)),
    responses((status = 200, body = ConnectionOutcome), (status = 404, body = ControlError), (status = 410, body = ControlError),
        (status = 422, body = ControlError, description = "The platform is connected by now, or the account holds the most profiles it can")))]
async fn authorize_connection(
    State(api): Api,
    ApiPath((id, token)): ApiPath<(String, String)>,
) -> Answer {
    on_account(&api, &id, StatusCode::OK, |a| Ok(a.authorize(&token)?))
}

/// Ends a pending connection as if the user clicked Deny.
#[utoipa::path(post, path = "/__mock/accounts/{account}/connections/{token}/deny", tag = "connections",
    params(("account" = String, Path), ("token" = String, Path)),
    responses((status = 200, body = ConnectionOutcome), (status = 404, body = ControlError), (status = 410, body = ControlError)))]
async fn deny_connection(
    State(api): Api,
    ApiPath((id, token)): ApiPath<(String, String)>,
) -> Answer {
    on_account(&api, &id, StatusCode::OK, |a| Ok(a.deny(&token)?))
}
