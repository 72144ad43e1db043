//! The specs the mock serves: `/openapi.yaml` verbatim, `/openapi.json` with its `servers`
//! pointing at the mock itself, and Swagger UI over both specs at `/docs` (the `swagger-ui`
//! feature).

use std::sync::OnceLock;

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;

/// The hand-written spec, served at `/openapi.yaml`: the crate's copy of
/// `openapi/postproxy.yaml`, which `cargo xtask regen` keeps identical.
pub const OPENAPI_YAML: &str = include_str!("../../openapi/postproxy.yaml");

/// The same spec as JSON, which `cargo xtask regen` writes beside the YAML copy (so the
/// library needs no YAML parser to serve it).
const OPENAPI_JSON: &str = include_str!("../../openapi/postproxy.json");

/// The spec as JSON, parsed once from the embedded JSON copy of [`OPENAPI_YAML`].
pub fn openapi_json() -> &'static serde_json::Value {
    static JSON: OnceLock<serde_json::Value> = OnceLock::new();
    JSON.get_or_init(|| {
        serde_json::from_str(OPENAPI_JSON).unwrap_or_else(
            |e| serde_json::json!({ "error": format!("the embedded spec does not parse: {e}") }),
        )
    })
}

/// The `servers` of the specs the mock serves as JSON (`/openapi.json`, `/__mock/openapi.json`):
/// the mock itself, as a URL relative to the document, so Swagger UI's "Try it out" reaches the
/// host and port the page was loaded from (also behind a port mapping), never the real service.
pub fn mock_servers() -> serde_json::Value {
    serde_json::json!([{
        "url": "/",
        "description": "This mock server (requests from /docs stay on it)"
    }])
}

/// The spec as `/openapi.json` serves it: [`openapi_json`] with `servers` replaced by
/// [`mock_servers`], so tools reading it (Swagger UI at `/docs`) send requests to the mock, not
/// to `https://api.postproxy.dev`. `/openapi.yaml` keeps the spec's own `servers`.
pub fn served_openapi_json() -> &'static serde_json::Value {
    static JSON: OnceLock<serde_json::Value> = OnceLock::new();
    JSON.get_or_init(|| {
        let mut spec = openapi_json().clone();
        if let Some(spec) = spec.as_object_mut() {
            spec.insert("servers".into(), mock_servers());
        }
        spec
    })
}

/// `/openapi.yaml`, `/openapi.json` and `/docs`.
pub(crate) fn routes() -> Router {
    Router::new()
        .route("/openapi.yaml", get(spec_yaml))
        .route("/openapi.json", get(spec_json))
        .merge(docs())
}

async fn spec_yaml() -> Response {
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/yaml"),
        )],
        OPENAPI_YAML,
    )
        .into_response()
}

async fn spec_json() -> Response {
    crate::rt::json(StatusCode::OK, served_openapi_json())
}

/// Swagger UI at `/docs` over both specs, named in its picker: the product API and the control
/// API. Its assets are vendored into the binary, so it works without internet. Both specs'
/// `servers` are the mock itself ([`mock_servers`]).
#[cfg(feature = "swagger-ui")]
fn docs() -> Router {
    use utoipa_swagger_ui::Url;
    let config = utoipa_swagger_ui::Config::new([
        Url::new("Postproxy API (served by this mock)", "/openapi.json"),
        Url::new("Mock control API (/__mock/)", "/__mock/openapi.json"),
    ]);
    Router::from(utoipa_swagger_ui::SwaggerUi::new("/docs").config(config))
}

/// Without the `swagger-ui` feature `/docs` is an ordinary unknown route (404).
#[cfg(not(feature = "swagger-ui"))]
fn docs() -> Router {
    Router::new()
}
