//! The `connections` tag: the pending connections initialize_connection made, completed or
//! refused as the consent page ([`super::consent`]) would, without a browser.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::Router;

use super::common::{on_account, Answer, Api, ControlError, Routes};
use super::wire::{Connection, ConnectionOutcome};
use crate::rt::ApiPath;

/// This tag's routes.
pub(super) fn routes() -> Routes {
    Router::new()
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
}

/// The account's pending connections (from initialize_connection).
#[utoipa::path(get, path = "/__mock/accounts/{account}/connections", tag = "connections",
    params(("account" = String, Path)),
    responses((status = 200, body = Vec<Connection>), (status = 404, body = ControlError)))]
pub(super) async fn list_connections(State(api): Api, ApiPath(id): ApiPath<String>) -> Answer {
    on_account(&api, &id, StatusCode::OK, |a| {
        Ok(a.connections()
            .iter()
            .map(Connection::from)
            .collect::<Vec<_>>())
    })
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
pub(super) async fn authorize_connection(
    State(api): Api,
    ApiPath((id, token)): ApiPath<(String, String)>,
) -> Answer {
    on_account(&api, &id, StatusCode::OK, |a| {
        Ok(ConnectionOutcome::from(a.authorize(&token)?))
    })
}

/// Ends a pending connection as if the user clicked Deny.
#[utoipa::path(post, path = "/__mock/accounts/{account}/connections/{token}/deny", tag = "connections",
    params(("account" = String, Path), ("token" = String, Path)),
    responses((status = 200, body = ConnectionOutcome), (status = 404, body = ControlError), (status = 410, body = ControlError)))]
pub(super) async fn deny_connection(
    State(api): Api,
    ApiPath((id, token)): ApiPath<(String, String)>,
) -> Answer {
    on_account(&api, &id, StatusCode::OK, |a| {
        Ok(ConnectionOutcome::from(a.deny(&token)?))
    })
}
