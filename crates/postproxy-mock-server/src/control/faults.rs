//! The `faults` tag: arming, listing and disarming an account's faults, and the wire types of
//! a fault ([`FaultSpec`] to add one, [`Fault`] as one is listed). What a fault matches, how
//! armed faults compose and apply to a request, and the caps are
//! [`crate::harness::faults`]'s; this file converts between the two (a spec to the harness's
//! `FaultRule` when one is added, an `ArmedFault` back to a [`Fault`] when read).
//!
//! ```
//! use std::time::Duration;
//! use postproxy_mock_server::control::{FaultSpec, Method};
//!
//! // The next 3 GETs of a profile: 429 with `Retry-After: 2`.
//! let limited = FaultSpec::status(429).retry_after(2).times(3).on(Method::GET, "/api/profiles/*");
//! // The next request of any kind: half a second late.
//! let slow = FaultSpec::latency(Duration::from_millis(500));
//! // The next DELETE anywhere under /api: no answer at all.
//! let cut = FaultSpec::drop_connection().method(Method::DELETE).path("/api/**");
//! assert_eq!(
//!     serde_json::to_value(&limited).unwrap(),
//!     serde_json::json!({"method": "GET", "path": "/api/profiles/*", "times": 3,
//!                        "status": 429, "error": null, "retry_after": 2,
//!                        "latency_ms": null, "drop_connection": false}),
//! );
//! # let _ = (slow, cut);
//! ```

use std::time::Duration;

use axum::extract::State;
pub use axum::http::Method;
use axum::http::StatusCode;
use axum::routing::{delete, get};
use axum::Router;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use utoipa::ToSchema;

use super::common::{on_harness, Answer, Api, ControlError, Done, Routes};
use crate::harness::faults::{ArmedFault, FaultRule};
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
    on_harness(&api, &id, StatusCode::OK, |a| {
        Ok(a.faults.list().iter().map(Fault::from).collect::<Vec<_>>())
    })
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
        let armed = a.faults.add(spec).map_err(ApiError::unprocessable)?;
        Ok(Fault::from(armed))
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

/// A fault to add. At least one of `status`, `latency_ms` and `drop_connection` is given.
///
/// Build one with [`FaultSpec::status`], [`FaultSpec::latency`] or
/// [`FaultSpec::drop_connection`] and narrow it with [`on`](Self::on), [`method`](Self::method),
/// [`path`](Self::path) and [`times`](Self::times). On the wire it is the JSON object the
/// control API documents (`{"method": "GET", "status": 429, ...}`); the method is sent as
/// written and matched case-insensitively.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FaultSpec {
    /// Only requests with this method (case-insensitive); any method when absent.
    #[serde(default, serialize_with = "method_out", deserialize_with = "method_in")]
    #[schema(value_type = Option<String>, example = "GET")]
    pub method: Option<Method>,
    /// Only requests whose path matches this pattern: `*` matches within one segment, a `**`
    /// segment any number of segments, e.g. `/api/profiles/*` or `/api/**`. Any path when
    /// absent.
    #[serde(default)]
    pub path: Option<String>,
    /// How many matching requests the fault applies to (default 1, at most 100000).
    #[serde(default)]
    pub times: Option<u32>,
    /// Answer with this status (400–599) and the spec's error body.
    #[serde(default, serialize_with = "status_out", deserialize_with = "status_in")]
    #[schema(value_type = Option<u16>, example = 429)]
    pub status: Option<StatusCode>,
    /// The `error` message of the body; a message fitting the status when absent.
    #[serde(default)]
    pub error: Option<String>,
    /// `Retry-After` seconds (for 429 and 503; 429 defaults to 1).
    #[serde(default)]
    pub retry_after: Option<u64>,
    /// Delay the answer by this many milliseconds (at most 60000).
    #[serde(default)]
    pub latency_ms: Option<u64>,
    /// Close the connection without an answer.
    #[serde(default)]
    pub drop_connection: bool,
}

/// A fault as the control API reads it: the method as any text and the status as any number,
/// so that a wrong one is refused with the field's message as 422 (like every other rule of a
/// fault), not as a malformed body (400). Only a wrong JSON type is 400.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct FaultSpecWire {
    #[serde(default)]
    method: Option<String>,
    #[serde(default)]
    path: Option<String>,
    #[serde(default)]
    times: Option<u32>,
    #[serde(default)]
    status: Option<u16>,
    #[serde(default)]
    error: Option<String>,
    #[serde(default)]
    retry_after: Option<u64>,
    #[serde(default)]
    latency_ms: Option<u64>,
    #[serde(default)]
    drop_connection: bool,
}

impl FaultSpecWire {
    /// The typed spec, or the message of the first field that cannot be one.
    fn into_spec(self) -> Result<FaultSpec, String> {
        let method = match self.method {
            Some(m) if m.is_empty() || !m.bytes().all(|b| b.is_ascii_alphabetic()) => {
                return Err("method must be letters only, e.g. GET".into());
            }
            Some(m) => Some(
                Method::from_bytes(m.as_bytes())
                    .map_err(|_| "method must be letters only, e.g. GET".to_string())?,
            ),
            None => None,
        };
        let status = match self.status {
            Some(code) if !(400..=599).contains(&code) => {
                return Err(format!("status must be 400–599, not {code}"));
            }
            Some(code) => Some(
                StatusCode::from_u16(code)
                    .map_err(|_| format!("status must be 400–599, not {code}"))?,
            ),
            None => None,
        };
        Ok(FaultSpec {
            method,
            path: self.path,
            times: self.times,
            status,
            error: self.error,
            retry_after: self.retry_after,
            latency_ms: self.latency_ms,
            drop_connection: self.drop_connection,
        })
    }
}

fn method_out<S: Serializer>(method: &Option<Method>, s: S) -> Result<S::Ok, S::Error> {
    match method {
        Some(m) => s.serialize_str(m.as_str()),
        None => s.serialize_none(),
    }
}

fn method_in<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Method>, D::Error> {
    let Some(text) = Option::<String>::deserialize(d)? else {
        return Ok(None);
    };
    // (The control API reads `FaultSpecWire`, which refuses a bad method with 422; this is for
    // reading a fault back, e.g. in the control client.)
    Method::from_bytes(text.as_bytes())
        .map(Some)
        .map_err(|_| serde::de::Error::custom("method must be letters only, e.g. GET"))
}

fn status_out<S: Serializer>(status: &Option<StatusCode>, s: S) -> Result<S::Ok, S::Error> {
    match status {
        Some(code) => s.serialize_u16(code.as_u16()),
        None => s.serialize_none(),
    }
}

fn status_in<'de, D: Deserializer<'de>>(d: D) -> Result<Option<StatusCode>, D::Error> {
    let Some(code) = Option::<u16>::deserialize(d)? else {
        return Ok(None);
    };
    StatusCode::from_u16(code)
        .map(Some)
        .map_err(|_| serde::de::Error::custom(format!("status must be 400–599, not {code}")))
}

impl FaultSpec {
    /// A fault answering with `status` (400–599) and the spec's error body, once, to any
    /// request of the account; 429 comes with `Retry-After: 1` unless
    /// [`retry_after`](Self::retry_after) says otherwise.
    ///
    /// # Panics
    /// If `status` is not an HTTP status code at all (100–999); a code outside 400–599 is
    /// refused by the server when the fault is added. `StatusCode` constants fit too:
    /// `FaultSpec::status(StatusCode::SERVICE_UNAVAILABLE.as_u16())`.
    pub fn status(status: u16) -> Self {
        Self {
            status: Some(StatusCode::from_u16(status).expect("an HTTP status code (100–999)")),
            ..Self::default()
        }
    }

    /// A fault delaying the next request by `latency` (whole milliseconds, at most 60 s), then
    /// serving it (or letting another matching fault answer it).
    pub fn latency(latency: Duration) -> Self {
        Self {
            latency_ms: Some(u64::try_from(latency.as_millis()).unwrap_or(u64::MAX)),
            ..Self::default()
        }
    }

    /// A fault closing the connection of the next request without an answer.
    pub fn drop_connection() -> Self {
        Self {
            drop_connection: true,
            ..Self::default()
        }
    }

    /// Only requests with `method` to paths matching `path` (see [`path`](Self::path)).
    pub fn on(self, method: Method, path: impl Into<String>) -> Self {
        self.method(method).path(path)
    }

    /// Only requests with `method`.
    pub fn method(mut self, method: Method) -> Self {
        self.method = Some(method);
        self
    }

    /// Only requests whose path matches `pattern`: `*` matches within one segment, a `**`
    /// segment any number of segments (the dialect the journal filter uses too).
    pub fn path(mut self, pattern: impl Into<String>) -> Self {
        self.path = Some(pattern.into());
        self
    }

    /// Applies to the next `times` matching requests instead of one.
    pub fn times(mut self, times: u32) -> Self {
        self.times = Some(times);
        self
    }

    /// Sends `Retry-After: seconds` with the status.
    pub fn retry_after(mut self, seconds: u64) -> Self {
        self.retry_after = Some(seconds);
        self
    }

    /// The `error` message of the answer's body.
    pub fn error(mut self, message: impl Into<String>) -> Self {
        self.error = Some(message.into());
        self
    }

    /// Also waits `latency` before answering.
    pub fn with_latency(mut self, latency: Duration) -> Self {
        self.latency_ms = Self::latency(latency).latency_ms;
        self
    }

    /// Checks the spec as the server will when it is added; the message names the field.
    pub fn validate(&self) -> Result<(), String> {
        FaultRule::from(self.clone()).validate()
    }
}

/// A fault as the mock keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Fault {
    /// The fault's id within its account, e.g. `fault_1`.
    pub id: String,
    /// What it matches and does.
    #[serde(flatten)]
    pub spec: FaultSpec,
    /// How many more requests it applies to.
    pub remaining: u32,
}

/// Moves every field of a [`FaultSpec`] to the same field of a [`FaultRule`], or back: the two
/// have the same fields, named once here (and a field one of them lacks does not compile).
macro_rules! same_fields {
    ($value:expr, $from:ident => $to:ident) => {
        same_fields!(@move $value, $from => $to;
            method, path, times, status, error, retry_after, latency_ms, drop_connection)
    };
    (@move $value:expr, $from:ident => $to:ident; $($field:ident),+) => {{
        let $from { $($field),+ } = $value;
        $to { $($field),+ }
    }};
}

/// The spec as the harness keeps it, each field as given.
impl From<FaultSpec> for FaultRule {
    fn from(spec: FaultSpec) -> Self {
        same_fields!(spec, FaultSpec => FaultRule)
    }
}

/// An armed fault as the control API shows it: its rule read back as the spec it was given.
impl From<&ArmedFault> for Fault {
    fn from(armed: &ArmedFault) -> Self {
        Self {
            id: armed.id.clone(),
            spec: same_fields!(armed.rule.clone(), FaultRule => FaultSpec),
            remaining: armed.remaining,
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::harness::faults::Faults;

    use super::*;

    #[test]
    fn the_wire_format_is_unchanged() {
        let text = r#"{"method":"get","path":"/api/**","times":2,"status":503,"error":"Down","retry_after":4,"latency_ms":10,"drop_connection":false}"#;
        let spec: FaultSpec = serde_json::from_str(text).unwrap();
        assert_eq!(spec.method.as_ref().map(Method::as_str), Some("get"));
        assert_eq!(spec.status, Some(StatusCode::SERVICE_UNAVAILABLE));
        assert_eq!(serde_json::to_string(&spec).unwrap(), text);
        assert_eq!(
            serde_json::to_value(FaultSpec::drop_connection()).unwrap(),
            serde_json::json!({"method": null, "path": null, "times": null, "status": null,
                "error": null, "retry_after": null, "latency_ms": null, "drop_connection": true})
        );
        let error = serde_json::from_str::<FaultSpec>(r#"{"status": 42}"#).unwrap_err();
        assert!(
            error.to_string().contains("status must be 400–599"),
            "{error}"
        );
    }

    #[test]
    fn a_spec_reads_back_as_it_was_given() {
        let spec = FaultSpec::status(503)
            .on(Method::from_bytes(b"get").unwrap(), "/api/**")
            .times(2)
            .retry_after(4)
            .error("Down")
            .with_latency(Duration::from_millis(10));
        let mut faults = Faults::default();
        let armed = faults.add(spec.clone()).unwrap();
        let fault = Fault::from(armed);
        assert_eq!((fault.id.as_str(), fault.remaining), ("fault_1", 2));
        assert_eq!(fault.spec, spec);
        // Absent fields stay absent (`times` is not filled in with its default).
        let once = Fault::from(faults.add(FaultSpec::drop_connection()).unwrap());
        assert_eq!(once.spec, FaultSpec::drop_connection());
        assert_eq!(once.remaining, 1);
    }

    #[test]
    fn validate_checks_what_the_server_checks() {
        assert_eq!(FaultSpec::status(429).validate(), Ok(()));
        let error = FaultSpec::status(200).validate().unwrap_err();
        assert_eq!(error, "status must be 400–599, not 200");
        let error = FaultSpec::default().validate().unwrap_err();
        assert!(error.contains("a fault needs status"), "{error}");
    }
}
