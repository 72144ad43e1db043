//! Fault injection: the next N product-API requests of an account that match a method and a
//! path pattern are answered with an error status (with the spec's error body), delayed, or
//! cut off by dropping the connection. Paths are matched in the dialect of [`super::pattern`],
//! which the journal filter shares.
//!
//! Faults compose: a request takes one use of **every** armed latency-only fault it matches
//! (their delays add up, to at most [`MAX_LATENCY_MS`] in all) and of the **first** matching
//! fault that answers for it (a `status` or `drop_connection`, with its own `latency_ms`). So a
//! 429 armed for one path and a catch-all `latency_ms` both apply to the same request: the wait,
//! then the 429.
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

pub use axum::http::{Method, StatusCode};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use utoipa::ToSchema;

use super::pattern;

/// The longest latency a fault may add, and the longest a request waits for all the faults it
/// matches together.
pub const MAX_LATENCY_MS: u64 = 60_000;

/// The most requests one fault may match.
pub const MAX_TIMES: u32 = 100_000;

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
pub(crate) struct FaultSpecWire {
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
    pub(crate) fn into_spec(self) -> Result<FaultSpec, String> {
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

/// What a matched fault does to a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FaultAction {
    /// Wait this long first.
    pub latency_ms: u64,
    /// Then close the connection...
    pub drop_connection: bool,
    /// ...or answer with this status, message and `Retry-After`, or else serve the request.
    pub respond: Option<(u16, String, Option<u64>)>,
}

impl FaultSpec {
    /// Checks the spec; the message names the field.
    pub fn validate(&self) -> Result<(), String> {
        if self.status.is_none() && self.latency_ms.is_none() && !self.drop_connection {
            return Err("a fault needs status, latency_ms or drop_connection".into());
        }
        if let Some(status) = self.status.map(|s| s.as_u16()) {
            if !(400..=599).contains(&status) {
                return Err(format!("status must be 400–599, not {status}"));
            }
            if self.drop_connection {
                return Err("status and drop_connection exclude each other".into());
            }
        }
        if self.latency_ms.is_some_and(|l| l > MAX_LATENCY_MS) {
            return Err(format!("latency_ms must be at most {MAX_LATENCY_MS}"));
        }
        if let Some(times) = self.times {
            if times == 0 || times > MAX_TIMES {
                return Err(format!("times must be 1–{MAX_TIMES}"));
            }
        }
        if let Some(path) = &self.path {
            if !path.starts_with('/') {
                return Err("path must start with /".into());
            }
        }
        if let Some(method) = &self.method {
            if !method.as_str().bytes().all(|b| b.is_ascii_alphabetic()) {
                return Err("method must be letters only, e.g. GET".into());
            }
        }
        if self.error.as_ref().is_some_and(|e| e.len() > 1024) {
            return Err("error must be at most 1024 bytes".into());
        }
        Ok(())
    }

    /// What the fault does to a request it matches.
    fn action(&self) -> FaultAction {
        let respond = self.status.map(|status| {
            let status = status.as_u16();
            let retry_after = match (status, self.retry_after) {
                (_, Some(s)) => Some(s),
                (429, None) => Some(1),
                _ => None,
            };
            let message = self
                .error
                .clone()
                .unwrap_or_else(|| default_message(status));
            (status, message, retry_after)
        });
        FaultAction {
            latency_ms: self.latency_ms.unwrap_or(0),
            drop_connection: self.drop_connection,
            respond,
        }
    }

    fn matches(&self, method: &str, path: &str) -> bool {
        self.method
            .as_ref()
            .is_none_or(|m| m.as_str().eq_ignore_ascii_case(method))
            && self
                .path
                .as_deref()
                .is_none_or(|p| pattern::matches(p, path))
    }
}

/// The message a fault's body carries when it gives none.
pub fn default_message(status: u16) -> String {
    match status {
        400 => "Bad request".into(),
        401 => "Invalid API key".into(),
        403 => "Forbidden".into(),
        404 => "Not found".into(),
        409 => "A request with this Idempotency-Key is already in progress".into(),
        422 => "Unprocessable entity".into(),
        429 => "Rate limit exceeded".into(),
        500 => "Internal server error".into(),
        503 => "Service unavailable".into(),
        other => axum::http::StatusCode::from_u16(other)
            .ok()
            .and_then(|s| s.canonical_reason())
            .unwrap_or("Error")
            .to_string(),
    }
}

/// An account's faults, in the order they were added (the first match wins).
#[derive(Debug, Clone, Default)]
pub struct Faults {
    list: Vec<Fault>,
    last_id: u64,
}

impl Faults {
    /// Adds a fault, if its spec is valid and fewer than [`crate::limits::MAX_FAULTS`] are
    /// armed; the message says what is wrong.
    pub fn add(&mut self, spec: FaultSpec) -> Result<Fault, String> {
        spec.validate()?;
        if self.list.len() >= crate::limits::MAX_FAULTS {
            return Err(crate::limits::full(
                crate::limits::MAX_FAULTS,
                "armed faults",
            ));
        }
        self.last_id += 1;
        let fault = Fault {
            id: format!("fault_{}", self.last_id),
            remaining: spec.times.unwrap_or(1),
            spec,
        };
        self.list.push(fault.clone());
        Ok(fault)
    }

    /// The faults still armed.
    pub fn list(&self) -> &[Fault] {
        &self.list
    }

    /// Removes one fault; false if there is none with that id.
    pub fn remove(&mut self, id: &str) -> bool {
        let before = self.list.len();
        self.list.retain(|f| f.id != id);
        self.list.len() != before
    }

    /// Removes every fault.
    pub fn clear(&mut self) {
        self.list.clear();
    }

    /// What the armed faults do to a request, using up one application of each that applies:
    /// every matching latency-only fault (the delays add up, to at most [`MAX_LATENCY_MS`])
    /// and the first matching fault that answers (a status or a dropped connection). `None`
    /// when no fault matches.
    pub fn take(&mut self, method: &str, path: &str) -> Option<FaultAction> {
        let mut action: Option<FaultAction> = None;
        let mut answered = false;
        self.list.retain_mut(|fault| {
            if !fault.spec.matches(method, path) {
                return true;
            }
            let answers = fault.spec.status.is_some() || fault.spec.drop_connection;
            if answers && answered {
                // Only the first answering fault applies; the others wait for later requests.
                return true;
            }
            answered |= answers;
            let this = fault.spec.action();
            let total = action.get_or_insert(FaultAction {
                latency_ms: 0,
                drop_connection: false,
                respond: None,
            });
            total.latency_ms = (total.latency_ms + this.latency_ms).min(MAX_LATENCY_MS);
            total.drop_connection |= this.drop_connection;
            if this.respond.is_some() {
                total.respond = this.respond;
            }
            fault.remaining -= 1;
            fault.remaining > 0
        });
        action
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fault_applies_n_times_to_matching_requests_only() {
        let mut faults = Faults::default();
        let spec = FaultSpec {
            method: Some(Method::from_bytes(b"get").unwrap()),
            ..FaultSpec::status(429).path("/api/profiles").times(2)
        };
        faults.add(spec).unwrap();
        assert_eq!(faults.take("POST", "/api/profiles"), None);
        let first = faults.take("GET", "/api/profiles").unwrap();
        assert_eq!(
            first.respond,
            Some((429, "Rate limit exceeded".into(), Some(1)))
        );
        assert!(faults.take("GET", "/api/profiles").is_some());
        assert_eq!(faults.take("GET", "/api/profiles"), None, "used up");
        assert!(faults.list().is_empty());
    }

    #[test]
    fn invalid_specs_are_refused() {
        let with_status = |spec: FaultSpec| FaultSpec {
            status: Some(StatusCode::INTERNAL_SERVER_ERROR),
            ..spec
        };
        // Each spec is wrong in one field only; the message names it.
        let bad = [
            (FaultSpec::default(), "a fault needs status"),
            (FaultSpec::status(200), "status must be 400–599"),
            (
                with_status(FaultSpec {
                    drop_connection: true,
                    ..Default::default()
                }),
                "exclude each other",
            ),
            (
                FaultSpec {
                    latency_ms: Some(MAX_LATENCY_MS + 1),
                    ..Default::default()
                },
                "latency_ms must be at most",
            ),
            (
                with_status(FaultSpec {
                    times: Some(0),
                    ..Default::default()
                }),
                "times must be",
            ),
            (
                with_status(FaultSpec {
                    times: Some(MAX_TIMES + 1),
                    ..Default::default()
                }),
                "times must be",
            ),
            (
                with_status(FaultSpec {
                    path: Some("api".into()),
                    ..Default::default()
                }),
                "path must start with /",
            ),
            (
                with_status(FaultSpec {
                    method: Some(Method::from_bytes(b"G3T").unwrap()),
                    ..Default::default()
                }),
                "method must be letters only",
            ),
            (
                with_status(FaultSpec {
                    error: Some("x".repeat(1025)),
                    ..Default::default()
                }),
                "error must be at most 1024 bytes",
            ),
        ];
        let mut faults = Faults::default();
        for (spec, message) in bad {
            let error = faults.add(spec.clone()).unwrap_err();
            assert!(error.contains(message), "{spec:?}: {error}");
        }
        assert!(faults.list().is_empty(), "nothing refused is armed");
    }

    #[test]
    fn faults_compose_latencies_with_the_first_answer() {
        let mut faults = Faults::default();
        faults
            .add(FaultSpec::status(429).on(Method::GET, "/api/profiles/*"))
            .unwrap();
        faults.add(FaultSpec::status(503)).unwrap();
        faults
            .add(FaultSpec::latency(Duration::from_millis(300)))
            .unwrap();
        faults
            .add(FaultSpec::latency(Duration::from_millis(200)).path("/api/**"))
            .unwrap();

        // Both latencies, then the first answer (the 429); the 503 waits its turn.
        let first = faults.take("GET", "/api/profiles/p1").unwrap();
        assert_eq!(first.latency_ms, 500);
        assert_eq!(
            first.respond,
            Some((429, "Rate limit exceeded".into(), Some(1)))
        );
        assert_eq!(faults.list().len(), 1);
        let second = faults.take("GET", "/api/profiles/p1").unwrap();
        assert_eq!((second.latency_ms, second.respond.unwrap().0), (0, 503));
        assert_eq!(faults.take("GET", "/api/profiles/p1"), None);

        // Latencies add up to at most MAX_LATENCY_MS.
        for _ in 0..3 {
            faults
                .add(FaultSpec::latency(Duration::from_secs(30)))
                .unwrap();
        }
        let slow = faults.take("DELETE", "/api/profiles/p1").unwrap();
        assert_eq!((slow.latency_ms, slow.respond), (MAX_LATENCY_MS, None));
    }

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
}
