//! Fault injection: the next N product-API requests of an account that match a method and a
//! path pattern are answered with an error status (with the spec's error body), delayed, or
//! cut off by dropping the connection.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The longest latency a fault may add.
pub const MAX_LATENCY_MS: u64 = 60_000;

/// The most requests one fault may match.
pub const MAX_TIMES: u32 = 100_000;

/// A fault to add. At least one of `status`, `latency_ms` and `drop_connection` is given.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FaultSpec {
    /// Only requests with this method (case-insensitive); any method when absent.
    #[serde(default)]
    pub method: Option<String>,
    /// Only requests whose path matches: `*` matches one segment, a final `**` any rest, e.g.
    /// `/api/profiles/*` or `/api/**`. Any path when absent.
    #[serde(default)]
    pub path: Option<String>,
    /// How many matching requests the fault applies to (default 1, at most 100000).
    #[serde(default)]
    pub times: Option<u32>,
    /// Answer with this status (400–599) and the spec's error body.
    #[serde(default)]
    pub status: Option<u16>,
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
        if let Some(status) = self.status {
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
            if method.is_empty() || !method.bytes().all(|b| b.is_ascii_alphabetic()) {
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
            .as_deref()
            .is_none_or(|m| m.eq_ignore_ascii_case(method))
            && self.path.as_deref().is_none_or(|p| path_matches(p, path))
    }
}

/// `*` matches one segment; a final `**` matches any rest (including nothing).
fn path_matches(pattern: &str, path: &str) -> bool {
    let mut pattern = pattern.trim_end_matches('/').split('/');
    let mut path = path.trim_end_matches('/').split('/');
    loop {
        match (pattern.next(), path.next()) {
            (Some("**"), _) => return pattern.next().is_none(),
            (Some("*"), Some(_)) => {}
            (Some(p), Some(s)) if p == s => {}
            (None, None) => return true,
            _ => return false,
        }
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

    /// Uses up one application of the first fault matching the request, if any.
    pub fn take(&mut self, method: &str, path: &str) -> Option<FaultAction> {
        let index = self
            .list
            .iter()
            .position(|f| f.spec.matches(method, path))?;
        let fault = &mut self.list[index];
        fault.remaining -= 1;
        let action = fault.spec.action();
        if fault.remaining == 0 {
            self.list.remove(index);
        }
        Some(action)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns() {
        assert!(path_matches("/api/profiles/*", "/api/profiles/p1"));
        assert!(!path_matches("/api/profiles/*", "/api/profiles/p1/stats"));
        assert!(!path_matches("/api/profiles/*", "/api/profiles"));
        assert!(path_matches("/api/**", "/api/profiles/p1/stats"));
        assert!(path_matches("/api/profiles/**", "/api/profiles"));
        assert!(path_matches("/api/profile_groups", "/api/profile_groups/"));
        assert!(!path_matches("/api/profile_groups", "/api/profiles"));
    }

    #[test]
    fn a_fault_applies_n_times_to_matching_requests_only() {
        let mut faults = Faults::default();
        let spec = FaultSpec {
            method: Some("get".into()),
            path: Some("/api/profiles".into()),
            times: Some(2),
            status: Some(429),
            ..Default::default()
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
            status: Some(500),
            ..spec
        };
        // Each spec is wrong in one field only; the message names it.
        let bad = [
            (FaultSpec::default(), "a fault needs status"),
            (
                FaultSpec {
                    status: Some(200),
                    ..Default::default()
                },
                "status must be 400–599",
            ),
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
                    method: Some("G3T".into()),
                    ..Default::default()
                }),
                "method must be letters only",
            ),
            (
                with_status(FaultSpec {
                    method: Some(String::new()),
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
}
