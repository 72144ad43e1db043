//! The spec's error body, `{"error": "..."}`, with its status: the one shape every failure takes.

use axum::body::{Body, Bytes};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

/// The message of the mock's own failures (500): written here only.
const INTERNAL: &str = "Internal server error";

/// An error answered with the spec's JSON error body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    status: StatusCode,
    message: String,
}

impl ApiError {
    /// An error with any status.
    pub fn new(status: StatusCode, message: impl Into<String>) -> Self {
        Self {
            status,
            message: message.into(),
        }
    }

    /// 400: the request is malformed.
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, message)
    }

    /// 404 `Not found`: the body every SDK expects for a missing or inaccessible object.
    pub fn not_found() -> Self {
        Self::new(StatusCode::NOT_FOUND, "Not found")
    }

    /// 404 with a message naming what is missing (the control API says which object).
    pub fn missing(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, message)
    }

    /// 409: the object already exists, or the request conflicts with one still running.
    pub fn conflict(message: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, message)
    }

    /// 413, naming the body limit that applies.
    pub fn payload_too_large(limit: usize) -> Self {
        Self::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("Request body is too large (limit {limit} bytes)"),
        )
    }

    /// 422: the request is well formed but cannot be carried out.
    pub fn unprocessable(message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNPROCESSABLE_ENTITY, message)
    }

    /// 500 `Internal server error`: the mock failed, not the request.
    pub fn internal() -> Self {
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, INTERNAL)
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The `error` message.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The body as the models crate types it.
    pub fn body(&self) -> postproxy_models::Error {
        postproxy_models::Error {
            error: self.message.clone(),
        }
    }

    /// The body's JSON bytes.
    pub(crate) fn to_json(&self) -> Vec<u8> {
        /// The body as `postproxy_models::Error` serialises, without copying the message.
        #[derive(serde::Serialize)]
        struct Body<'a> {
            error: &'a str,
        }
        // A struct of one string always serialises.
        serde_json::to_vec(&Body {
            error: &self.message,
        })
        .unwrap_or_default()
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.status.as_u16(), self.message)
    }
}

impl std::error::Error for ApiError {}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        json_bytes(self.status, self.to_json())
    }
}

/// `status` with a body that is JSON already: the error body's shape of answer, which every
/// JSON answer (`super::respond`) shares.
pub(crate) fn json_bytes(status: StatusCode, body: impl Into<Bytes>) -> Response {
    let mut response = Response::new(Body::from(body.into()));
    *response.status_mut() = status;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

/// Fallback for a path no operation has.
pub async fn not_found() -> ApiError {
    ApiError::not_found()
}

/// Fallback for a known path called with a method it does not support. axum adds the `Allow`
/// header listing the methods the path does support.
pub async fn method_not_allowed() -> ApiError {
    ApiError::new(StatusCode::METHOD_NOT_ALLOWED, "Method not allowed")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What the mock answers when it fails itself: the spec's 500 body.
    #[test]
    fn the_internal_error_is_the_spec_s_500() {
        let internal = ApiError::internal();
        assert_eq!(internal.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(internal.to_json(), br#"{"error":"Internal server error"}"#);
    }
}
