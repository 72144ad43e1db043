//! The control API's JSON bodies, read as the product API's are (`crate::rt`), but with its
//! own limit and `null` as a value.

use axum::extract::{FromRequest, Request};
use serde::de::DeserializeOwned;

use crate::rt::{read_json, read_json_or, ApiError, BodyKind};

/// A JSON request body of the control API: as [`ApiJson`], but `null` is a value there (a
/// fixture's `expires_at`, a patch clearing a field).
#[derive(Debug)]
pub struct ControlJson<T>(pub T);

impl<T, S> FromRequest<S> for ControlJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        read_json(req, state, BodyKind::Control).await.map(Self)
    }
}

/// A control-API JSON body that may be left out: an empty body reads as `T::default()` (so
/// `POST /__mock/accounts` with no body creates an empty account); anything else is read as
/// [`ControlJson`].
#[derive(Debug)]
pub struct ControlJsonOrDefault<T>(pub T);

impl<T, S> FromRequest<S> for ControlJsonOrDefault<T>
where
    T: DeserializeOwned + Default,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        read_json_or(req, state, BodyKind::Control, || Ok(T::default()))
            .await
            .map(Self)
    }
}
