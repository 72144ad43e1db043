//! The mock's HTTP service: every route (the product API, the control API, the consent pages,
//! the specs and Swagger UI) behind [`front`], the one service every request enters (header
//! cap, trailing-slash normalisation, request log), which sends each product request along
//! [`path`], its whole way through the mock, read top to bottom.

mod front;
mod path;

use std::convert::Infallible;
use std::sync::Arc;

use axum::extract::Request;
use axum::response::Response;

use crate::state::AppState;

/// The complete HTTP service of a mock over `api`: the API routes (with the body limit), the
/// spec, the connect URLs, a request log, and trailing-slash normalisation in front of routing.
pub fn service(
    api: Arc<AppState>,
) -> impl tower::Service<
    Request,
    Response = Response,
    Error = Infallible,
    Future = impl Send + 'static,
> + Clone
       + Send
       + 'static {
    let router = crate::app(api.clone())
        .merge(crate::http::spec::routes())
        .merge(crate::control::router(api.clone()))
        .merge(crate::control::consent::router(api.clone()))
        // The generated router's 405 fallback covers only its own routes; this one covers
        // the control API, the spec and the connect pages too (axum's default is an empty
        // body).
        .method_not_allowed_fallback(crate::rt::method_not_allowed);
    front::Front::new(api, router)
}
