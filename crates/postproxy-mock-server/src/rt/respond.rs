//! Building responses: JSON bodies (serialised here, or ahead of time: [`Prepared`]) and
//! documented response headers.

use std::fmt;
use std::marker::PhantomData;

use axum::body::Bytes;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;
use serde::Serialize;

use super::error::{json_bytes, ApiError};

/// `status` with `body` serialised as JSON.
pub fn json<T: Serialize>(status: StatusCode, body: &T) -> Response {
    match serde_json::to_vec(body) {
        Ok(bytes) => json_bytes(status, bytes),
        // The models always serialise; should one ever not, answer with the spec's body anyway.
        Err(_) => ApiError::internal().into_response(),
    }
}

/// Sets a documented response header. A value that is not a valid header value is left out
/// rather than sent malformed.
pub fn set_header(response: &mut Response, name: &'static str, value: &str) {
    if let Ok(value) = HeaderValue::from_str(value) {
        response
            .headers_mut()
            .insert(header::HeaderName::from_static(name), value);
    }
}

/// A 2xx body serialised ahead of time: the JSON of a `T`, typed by the model it is the JSON
/// of. Each 2xx response variant with a body has a `…Prepared` twin that carries one (e.g.
/// `ListProfilesResponse::OkPrepared`), so an implementation can serialise what it holds while
/// it holds it (under its lock, borrowed) rather than cloning it into a model to return.
///
/// ```
/// use postproxy_mock_server::{GetProfileGroupResponse, Prepared};
/// use postproxy_models::ProfileGroup;
///
/// let group = ProfileGroup { id: "grp_1".into(), name: "Main".into(), profiles_count: 0 };
/// let prepared = Prepared::new(&group)?;
/// assert_eq!(prepared.to_model()?, group);
/// let _answer = GetProfileGroupResponse::OkPrepared(prepared);
/// # Ok::<(), serde_json::Error>(())
/// ```
pub struct Prepared<T> {
    json: Bytes,
    model: PhantomData<fn() -> T>,
}

impl<T: Serialize> Prepared<T> {
    /// `model`, serialised.
    pub fn new(model: &T) -> serde_json::Result<Self> {
        Ok(Self::from_json(serde_json::to_vec(model)?))
    }
}

impl<T> Prepared<T> {
    /// `view`, serialised: a borrowed view whose JSON is that of a `T`. The crate's handlers
    /// serialise stored rows so; a test compares the bytes with the model's for every row.
    pub(crate) fn of_view(view: &impl Serialize) -> Result<Self, ApiError> {
        serde_json::to_vec(view)
            .map(Self::from_json)
            .map_err(|_| ApiError::internal())
    }

    fn from_json(json: Vec<u8>) -> Self {
        Self {
            json: Bytes::from(json),
            model: PhantomData,
        }
    }

    /// The JSON body.
    pub fn json(&self) -> &[u8] {
        &self.json
    }

    /// The body read back as its model.
    pub fn to_model(&self) -> serde_json::Result<T>
    where
        T: DeserializeOwned,
    {
        serde_json::from_slice(&self.json)
    }
}

impl<T> Clone for Prepared<T> {
    fn clone(&self) -> Self {
        Self {
            json: self.json.clone(),
            model: PhantomData,
        }
    }
}

/// Equal when the bodies are the same bytes.
impl<T> PartialEq for Prepared<T> {
    fn eq(&self, other: &Self) -> bool {
        self.json == other.json
    }
}

impl<T> fmt::Debug for Prepared<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Prepared")
            .field(&String::from_utf8_lossy(&self.json))
            .finish()
    }
}

/// `status` with a body serialised ahead of time.
pub fn prepared<T>(status: StatusCode, body: Prepared<T>) -> Response {
    json_bytes(status, body.json)
}
