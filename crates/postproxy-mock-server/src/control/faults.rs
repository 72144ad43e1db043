//! The `faults` tag: arming, listing and disarming an account's faults. What a fault is and
//! how armed faults apply to a request is [`crate::harness::faults`]'s.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{delete, get};
use axum::Router;

use super::common::{on_harness, Answer, Api, ControlError, Done, Routes};
use crate::harness::faults::{Fault, FaultSpec, FaultSpecWire};
use crate::http::extract::ControlJson;
use crate::rt::ApiError;
use crate::rt::ApiPath;

/// This tag's routes.
pub(super) fn routes() -> Routes {
    Router::new()
        .route(
            "/__mock/accounts/{account}/faults",
            get(list_faults).post(add_fault).delete(clear_faults),
        )
        .route(
            "/__mock/accounts/{account}/faults/{fault}",
            delete(remove_fault),
        )
}

/// The account's armed faults, in the order they match.
#[utoipa::path(get, path = "/__mock/accounts/{account}/faults", tag = "faults",
    params(("account" = String, Path)),
    responses((status = 200, body = Vec<Fault>), (status = 404, body = ControlError)))]
pub(super) async fn list_faults(State(api): Api, ApiPath(id): ApiPath<String>) -> Answer {
    on_harness(&api, &id, StatusCode::OK, |a| Ok(a.faults.list().to_vec()))
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
pub(super) async fn add_fault(
    State(api): Api,
    ApiPath(id): ApiPath<String>,
    ControlJson(wire): ControlJson<FaultSpecWire>,
) -> Answer {
    on_harness(&api, &id, StatusCode::CREATED, |a| {
        let spec = wire.into_spec().map_err(ApiError::unprocessable)?;
        a.faults.add(spec).map_err(ApiError::unprocessable)
    })
}

/// Disarms every fault of the account.
#[utoipa::path(delete, path = "/__mock/accounts/{account}/faults", tag = "faults",
    params(("account" = String, Path)),
    responses((status = 200, body = Done), (status = 404, body = ControlError)))]
pub(super) async fn clear_faults(State(api): Api, ApiPath(id): ApiPath<String>) -> Answer {
    on_harness(&api, &id, StatusCode::OK, |a| {
        a.faults.clear();
        Ok(Done { ok: true })
    })
}

/// Disarms one fault.
#[utoipa::path(delete, path = "/__mock/accounts/{account}/faults/{fault}", tag = "faults",
    params(("account" = String, Path), ("fault" = String, Path)),
    responses((status = 200, body = Done), (status = 404, body = ControlError)))]
pub(super) async fn remove_fault(
    State(api): Api,
    ApiPath((id, fault)): ApiPath<(String, String)>,
) -> Answer {
    on_harness(&api, &id, StatusCode::OK, |a| {
        if a.faults.remove(&fault) {
            Ok(Done { ok: true })
        } else {
            Err(ApiError::missing(format!("No fault {fault:?}")))
        }
    })
}
