//! The control API under `/__mock/`: separate from the product API, it sets the stage and
//! looks behind it — accounts, state injection, fixture import and export, the clock, faults,
//! the request journal and pending connections. It needs no API key; every change is scoped to
//! one account (except resetting the whole server). Documented code-first with utoipa and
//! served at `/__mock/openapi.json`; [`crate::control::client::ControlClient`] wraps it.
//!
//! One file per tag of that document, each with its handlers, their routes and the wire types
//! only they use: `accounts.rs` (tenants, resets, fixture export and import), `state.rs`
//! (injected groups, profiles, placements and stats), `clock.rs`, `faults.rs`, `journal.rs` and
//! `connections.rs`. `common.rs` holds what they share: the `Done` and `ControlError` bodies and
//! `on_account`, the one way a handler reaches an account (brought up to its clock first). The
//! rules behind the handlers live below this layer, accounts and their state in `crate::domain`,
//! faults and the journal in `crate::harness` (whose plain types `faults.rs` and `journal.rs`
//! convert to and from their wire types); a handler only translates. This file merges the
//! tags' routes and holds the OpenAPI document, which names every handler; the public types are
//! re-exported here, so each is `control::X` whichever file defines it. `consent.rs` is the
//! browser's side of the connections (the page initialize_connection's URL opens), and
//! [`client`] the typed client of this API.

mod accounts;
pub mod client;
mod clock;
mod common;
mod connections;
pub(crate) mod consent;
mod faults;
mod journal;
mod state;
mod wire;

pub use crate::domain::auth::key_id;
pub use crate::harness::faults::default_message;
pub use accounts::{AccountInfo, KeyInfo};
pub use client::{ControlClient, ControlClientError};
pub use clock::{ClockAdvance, ClockInfo, ClockReport, ClockUpdate};
pub use common::{ControlError, Done};
pub use faults::{Fault, FaultSpec, Method};
pub use journal::{JournalEntry, JournalFilter, JournalPage, JournalSettings};
pub use state::{GroupInject, GroupPatch};
pub use wire::{Connection, ConnectionOutcome, ProfilePatch, TickReport};

use std::sync::Arc;

use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use utoipa::OpenApi;

use crate::rt::json;
use crate::state::AppState;

/// The control API's routes (state: the mock): the document's, and each tag's.
pub(crate) fn router(api: Arc<AppState>) -> Router {
    Router::new()
        .route("/__mock/openapi.json", get(openapi_json))
        .merge(accounts::routes())
        .merge(state::routes())
        .merge(clock::routes())
        .merge(faults::routes())
        .merge(journal::routes())
        .merge(connections::routes())
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
        accounts::reset_all, accounts::list_accounts, accounts::create_account,
        accounts::get_account, accounts::delete_account, accounts::reset_account,
        accounts::export_fixture, accounts::import_fixture,
        state::add_group, state::rename_group, state::add_profile, state::patch_profile,
        state::add_placement, state::add_snapshot,
        clock::get_clock, clock::set_clock, clock::advance_clock,
        faults::list_faults, faults::add_fault, faults::clear_faults, faults::remove_fault,
        journal::get_journal, journal::clear_journal, journal::journal_settings,
        connections::list_connections, connections::authorize_connection,
        connections::deny_connection
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
        doc.insert("servers".into(), crate::http::spec::mock_servers());
    }
    json(StatusCode::OK, &doc)
}
