//! Extractors the generated router uses (the control API's JSON bodies, in `crate::http`, read
//! theirs through [`read_json_or`] too). Each rejection is the spec's JSON error body with a
//! 4xx status, never axum's `text/plain` defaults, and never echoes the request into a header.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Path, Request};
use axum::http::request::Parts;
use axum::http::{Extensions, HeaderMap, Method, Uri};
use serde::de::DeserializeOwned;

use super::error::ApiError;

/// What every operation receives besides its documented inputs: the request line, the
/// headers, the credentials (the spec's bearer security scheme) and the request's extensions
/// (what a server in front of the router left for its operations). Documented headers also
/// arrive typed, in the operation's `*Headers` argument.
///
/// Cheap to make: the headers are moved out of the request, not copied (the generated
/// handlers extract the context first and read documented headers from it); the extensions
/// are copied, since the extractors after it read theirs (path parameters, the body limit).
#[derive(Debug, Clone)]
pub struct RequestContext {
    /// The request method.
    pub method: Method,
    /// The request URI (path and query).
    pub uri: Uri,
    headers: HeaderMap,
    extensions: Extensions,
}

impl RequestContext {
    /// The request path, without the query string.
    pub fn path(&self) -> &str {
        self.uri.path()
    }

    /// The token of an `Authorization: Bearer <token>` header, if there is exactly one such
    /// header and it is well formed.
    pub fn bearer_token(&self) -> Option<&str> {
        bearer_token(&self.headers)
    }

    /// The request headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The value of a header that is present once, as text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The request's extensions.
    pub fn extensions(&self) -> &Extensions {
        &self.extensions
    }
}

impl<S: Send + Sync> FromRequestParts<S> for RequestContext {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Self {
            method: parts.method.clone(),
            uri: parts.uri.clone(),
            headers: std::mem::take(&mut parts.headers),
            extensions: parts.extensions.clone(),
        })
    }
}

/// The token of an `Authorization: Bearer <token>` header, if there is exactly one such header
/// and it is well formed.
pub fn bearer_token(headers: &HeaderMap) -> Option<&str> {
    let mut values = headers.get_all(axum::http::header::AUTHORIZATION).iter();
    let value = values.next()?;
    if values.next().is_some() {
        return None;
    }
    let value = value.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

/// Typed path parameters.
#[derive(Debug)]
pub struct ApiPath<T>(pub T);

impl<T, S> FromRequestParts<S> for ApiPath<T>
where
    T: DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match Path::<T>::from_request_parts(parts, state).await {
            Ok(Path(value)) => Ok(Self(value)),
            Err(rejection) => Err(ApiError::new(rejection.status(), rejection.body_text())),
        }
    }
}

/// Typed query parameters. Unknown parameters are ignored; a documented one given twice or
/// with a value of the wrong type is 400, naming the parameter.
#[derive(Debug)]
pub struct ApiQuery<T>(pub T);

impl<T, S> FromRequestParts<S> for ApiQuery<T>
where
    T: DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let query = parts.uri.query().unwrap_or("");
        let deserializer =
            serde_urlencoded::Deserializer::new(form_urlencoded::parse(query.as_bytes()));
        serde_path_to_error::deserialize(deserializer)
            .map(Self)
            .map_err(|e| {
                let path = e.path().to_string();
                let inner = e.into_inner();
                if path == "." {
                    ApiError::bad_request(format!("Invalid query string: {inner}"))
                } else {
                    ApiError::bad_request(format!("Invalid query parameter {path}: {inner}"))
                }
            })
    }
}

/// A JSON request body of the product API. The `Content-Type` is not checked (clients differ),
/// the body must be one JSON value of the expected shape; errors name the offending field. No
/// request field of the spec is nullable, so a `null` for a documented field is 400 too.
#[derive(Debug)]
pub struct ApiJson<T>(pub T);

impl<T, S> FromRequest<S> for ApiJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        read_json(req, state, BodyKind::Product).await.map(Self)
    }
}

/// Whose body is read: the product API's (no `null`s, [`crate::limits::BODY_LIMIT`]) or the
/// control API's (`null` is a value, [`crate::limits::CONTROL_BODY_LIMIT`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BodyKind {
    Product,
    Control,
}

impl BodyKind {
    /// The limit its router sets (with `DefaultBodyLimit`), to name in a 413.
    fn limit(self) -> usize {
        match self {
            Self::Product => crate::limits::BODY_LIMIT,
            Self::Control => crate::limits::CONTROL_BODY_LIMIT,
        }
    }
}

pub(crate) async fn read_json<T: DeserializeOwned, S: Send + Sync>(
    req: Request,
    state: &S,
    kind: BodyKind,
) -> Result<T, ApiError> {
    read_json_or(req, state, kind, || {
        Err(ApiError::bad_request(
            "Missing request body: expected a JSON object",
        ))
    })
    .await
}

/// Reads a JSON body; an empty (or all-whitespace) body is `empty()`.
pub(crate) async fn read_json_or<T: DeserializeOwned, S: Send + Sync>(
    req: Request,
    state: &S,
    kind: BodyKind,
    empty: impl FnOnce() -> Result<T, ApiError>,
) -> Result<T, ApiError> {
    let limit = kind.limit();
    let bytes = Bytes::from_request(req, state).await.map_err(|rejection| {
        let status = rejection.status();
        if status == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::payload_too_large(limit)
        } else {
            ApiError::new(
                status,
                format!("Could not read the request body: {}", rejection.body_text()),
            )
        }
    })?;
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return empty();
    }
    // Every body of both APIs is an object. Serde reads a struct from an array by position, so
    // `["Name", {}]` would otherwise pass as `{"profile_group": "Name", ...}`.
    if let Some(found) = not_an_object(&bytes) {
        return Err(ApiError::bad_request(format!(
            "Invalid request body: expected a JSON object, found {found}"
        )));
    }
    if kind == BodyKind::Product {
        if let Some(path) = null_field::<T>(&bytes) {
            return Err(ApiError::bad_request(format!(
                "Invalid request body at {path}: null is not allowed (omit the field instead)"
            )));
        }
    }
    let mut de = serde_json::Deserializer::from_slice(&bytes);
    let value: T = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        if path == "." {
            ApiError::bad_request(format!("Invalid request body: {inner}"))
        } else {
            ApiError::bad_request(format!("Invalid request body at {path}: {inner}"))
        }
    })?;
    de.end()
        .map_err(|e| ApiError::bad_request(format!("Invalid request body: {e}")))?;
    Ok(value)
}

/// What a well-formed JSON body that is not an object holds ("an array", "a string", ...);
/// `None` for an object, and for malformed JSON, which the parser then names.
fn not_an_object(bytes: &[u8]) -> Option<&'static str> {
    let first = bytes.iter().find(|b| !b.is_ascii_whitespace())?;
    if *first == b'{' {
        return None;
    }
    match serde_json::from_slice::<serde_json::Value>(bytes).ok()? {
        serde_json::Value::Array(_) => Some("an array"),
        serde_json::Value::String(_) => Some("a string"),
        serde_json::Value::Number(_) => Some("a number"),
        serde_json::Value::Bool(_) => Some("a boolean"),
        serde_json::Value::Null => Some("null"),
        serde_json::Value::Object(_) => None,
    }
}

/// The path of a documented field of `T` that the body sets to `null`, if any.
///
/// No field of a request body in the spec is nullable, so `"name": null` has the wrong type
/// and is 400 like `"name": 5`. Serde reads a `null` into an `Option` as if the field were
/// absent, so to tell the two apart every `null` is replaced by a stand-in and the body is
/// read again: an error exactly where a `null` stood names a documented field. Two stand-ins,
/// `[]` (refused by strings, numbers and booleans) and `true` (refused by strings, numbers,
/// objects and arrays), cover every field type but free-form JSON. A `null` in an unknown
/// field is ignored, like the field itself.
fn null_field<T: DeserializeOwned>(bytes: &[u8]) -> Option<String> {
    fn replace_nulls(value: &mut serde_json::Value, with: &serde_json::Value) {
        match value {
            serde_json::Value::Null => *value = with.clone(),
            serde_json::Value::Array(items) => {
                items.iter_mut().for_each(|v| replace_nulls(v, with))
            }
            serde_json::Value::Object(members) => {
                members.values_mut().for_each(|v| replace_nulls(v, with))
            }
            _ => {}
        }
    }
    if !bytes.windows(4).any(|w| w == b"null") {
        return None;
    }
    let original: serde_json::Value = serde_json::from_slice(bytes).ok()?;
    let stand_ins = [serde_json::json!([]), serde_json::json!(true)];
    stand_ins.iter().find_map(|with| {
        let mut probe = original.clone();
        replace_nulls(&mut probe, with);
        let error = serde_path_to_error::deserialize::<_, T>(probe).err()?;
        let mut at = &original;
        let mut segments = 0;
        for segment in error.path().iter() {
            segments += 1;
            at = match segment {
                serde_path_to_error::Segment::Map { key } => at.get(key)?,
                serde_path_to_error::Segment::Seq { index } => at.get(index)?,
                _ => return None,
            };
        }
        // A body that is `null` itself is left to the ordinary error.
        (segments > 0 && at.is_null()).then(|| error.path().to_string())
    })
}

/// Reads a documented request header: absent is `None`; present twice, not visible ASCII, or
/// longer than `max_len` is 400. The message names the header but never repeats its value.
pub fn header_param(
    headers: &HeaderMap,
    name: &str,
    max_len: Option<usize>,
) -> Result<Option<String>, ApiError> {
    let mut values = headers.get_all(name).iter();
    let Some(value) = values.next() else {
        return Ok(None);
    };
    if values.next().is_some() {
        return Err(ApiError::bad_request(format!(
            "Header {name} is given more than once"
        )));
    }
    let value = value
        .to_str()
        .map_err(|_| ApiError::bad_request(format!("Header {name} must be visible ASCII")))?;
    if let Some(max) = max_len {
        if value.chars().count() > max {
            return Err(ApiError::bad_request(format!(
                "Header {name} must be at most {max} characters"
            )));
        }
    }
    Ok(Some(value.to_string()))
}
