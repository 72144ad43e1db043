//! The one place a domain refusal becomes the spec's error body ([`ApiError`], in
//! `crate::rt`): the status the spec documents for each case, the domain's message as `error`.

use axum::http::StatusCode;

use crate::domain::error::DomainError;
use crate::rt::ApiError;

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
            | DomainError::TargetGroupNotFound
            | DomainError::UnknownConnection
            | DomainError::NoAccount(_) => StatusCode::NOT_FOUND,
            DomainError::Exists(_) => StatusCode::CONFLICT,
            DomainError::ConnectionExpired => StatusCode::GONE,
            DomainError::NoPermission
            | DomainError::Rejected(_)
            | DomainError::Full(_)
            | DomainError::AlreadyConnected
            | DomainError::InvalidFixture(_) => StatusCode::UNPROCESSABLE_ENTITY,
        };
        ApiError::new(status, e.to_string())
    }
}
