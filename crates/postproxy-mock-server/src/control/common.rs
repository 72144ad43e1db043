//! What the handlers of every tag share: the two answers any of them may give ([`Done`] and
//! [`ControlError`]), and [`on_account`], through which most of them reach one account.

use std::sync::Arc;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::Router;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::domain::account::Account;
use crate::domain::error::DomainError;
use crate::harness::Harness;
use crate::rt::json;
use crate::rt::ApiError;
use crate::state::AppState;

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

/// The mock, as every handler receives it.
pub(super) type Api = State<Arc<AppState>>;

/// A tag's routes, before the mock is handed to them.
pub(super) type Routes = Router<Arc<AppState>>;

/// A handler's answer: a JSON body, or the control API's error.
pub(super) type Answer = Result<Response, ApiError>;

/// Runs `f` on one account, first bringing it up to its clock.
pub(super) fn on_account<T: Serialize>(
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

/// Runs `f` on one account's harness (its faults and journal).
pub(super) fn on_harness<T: Serialize>(
    api: &AppState,
    id: &str,
    status: StatusCode,
    f: impl FnOnce(&mut Harness) -> Result<T, ApiError>,
) -> Answer {
    let body = {
        let mut state = api.store();
        let harness = state
            .harness(id)
            .ok_or_else(|| DomainError::NoAccount(id.to_string()))?;
        f(harness)?
    };
    Ok(json(status, &body))
}
