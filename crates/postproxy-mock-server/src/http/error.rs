//! The spec's error body, `{"error": "..."}`, with its status: the one shape every failure takes.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use crate::domain::error::DomainError;

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

    /// 409: the object already exists.
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

    /// 500 `Internal server error`: the mock failed, not the request (the domain's
    /// [`DomainError::Internal`], so the message is written once).
    pub fn internal() -> Self {
        DomainError::Internal.into()
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
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.status.as_u16(), self.message)
    }
}

impl std::error::Error for ApiError {}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        /// The body as `postproxy_models::Error` serialises, without copying the message.
        #[derive(serde::Serialize)]
        struct Body<'a> {
            error: &'a str,
        }
        crate::http::respond::json(
            self.status,
            &Body {
                error: &self.message,
            },
        )
    }
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

/// The one place a domain refusal becomes a status: the statuses the spec documents for each
/// case, and the domain's message as the body's `error`.
impl From<DomainError> for ApiError {
    fn from(e: DomainError) -> Self {
        let status = match &e {
            DomainError::InvalidApiKey => StatusCode::UNAUTHORIZED,
            DomainError::Malformed(_) => StatusCode::BAD_REQUEST,
            DomainError::NotFound
            | DomainError::Missing(_)
            | DomainError::PlacementNotFound
            | DomainError::UnknownConnection
            | DomainError::NoAccount(_) => StatusCode::NOT_FOUND,
            DomainError::Exists(_) | DomainError::KeyInFlight => StatusCode::CONFLICT,
            DomainError::ConnectionExpired => StatusCode::GONE,
            DomainError::NoPermission
            | DomainError::Rejected(_)
            | DomainError::Full(_)
            | DomainError::AlreadyConnected
            | DomainError::InvalidFixture(_) => StatusCode::UNPROCESSABLE_ENTITY,
            DomainError::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        };
        ApiError::new(status, e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What the mock answers when it fails itself (a serialisation that cannot fail did, a
    /// future polled after it completed): the spec's 500 body, its message written once.
    #[test]
    fn the_internal_error_is_the_spec_s_500() {
        let internal = ApiError::internal();
        assert_eq!(internal.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(internal.message(), "Internal server error");
        assert_eq!(internal, ApiError::from(DomainError::Internal));
    }
}
