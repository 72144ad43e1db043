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
//! A fault is kept here as a [`FaultRule`] (what it matches and does, as it was given) in an
//! [`ArmedFault`] (its id and the uses left). The control API's wire types, `FaultSpec` and
//! `Fault`, their JSON and their builders are `crate::control`'s, which converts.

// The `http` crate (`::`), not this crate's `http` module, which the harness does not import.
use ::http::{Method, StatusCode};

use super::pattern;
use crate::limits::{full, MAX_FAULTS};
use crate::rt::ApiError;

/// The longest latency a fault may add, and the longest a request waits for all the faults it
/// matches together.
pub const MAX_LATENCY_MS: u64 = 60_000;

/// The most requests one fault may match.
pub const MAX_TIMES: u32 = 100_000;

/// What a fault matches and does, each field as it was given (so that it reads back the same).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FaultRule {
    /// Only requests with this method (case-insensitive); any method when absent.
    pub method: Option<Method>,
    /// Only requests whose path matches this pattern ([`super::pattern`]); any when absent.
    pub path: Option<String>,
    /// How many matching requests the fault applies to (1 when absent).
    pub times: Option<u32>,
    /// Answer with this status (400–599) and the spec's error body.
    pub status: Option<StatusCode>,
    /// The `error` message of the body; [`default_message`] when absent.
    pub error: Option<String>,
    /// `Retry-After` seconds (429 defaults to 1).
    pub retry_after: Option<u64>,
    /// Delay the answer by this many milliseconds.
    pub latency_ms: Option<u64>,
    /// Close the connection without an answer.
    pub drop_connection: bool,
}

/// A fault as the mock keeps it: its rule, its id and how many more requests it applies to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArmedFault {
    /// The fault's id within its account, e.g. `fault_1`.
    pub id: String,
    /// What it matches and does.
    pub rule: FaultRule,
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

impl FaultRule {
    /// Checks the rule; the message names the field.
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
        500 => ApiError::internal().message().into(),
        503 => "Service unavailable".into(),
        other => StatusCode::from_u16(other)
            .ok()
            .and_then(|s| s.canonical_reason())
            .unwrap_or("Error")
            .to_string(),
    }
}

/// An account's faults, in the order they were added (the first match wins).
#[derive(Debug, Clone, Default)]
pub struct Faults {
    list: Vec<ArmedFault>,
    last_id: u64,
}

impl Faults {
    /// Arms a fault, if its rule is valid and fewer than [`MAX_FAULTS`] are armed; the
    /// message says what is wrong. Takes anything that converts to a rule, such as the control
    /// API's `FaultSpec`.
    pub fn add(&mut self, rule: impl Into<FaultRule>) -> Result<&ArmedFault, String> {
        let rule = rule.into();
        rule.validate()?;
        if self.list.len() >= MAX_FAULTS {
            return Err(full(MAX_FAULTS, "armed faults"));
        }
        self.last_id += 1;
        self.list.push(ArmedFault {
            id: format!("fault_{}", self.last_id),
            remaining: rule.times.unwrap_or(1),
            rule,
        });
        Ok(&self.list[self.list.len() - 1])
    }

    /// The faults still armed.
    pub fn list(&self) -> &[ArmedFault] {
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
            if !fault.rule.matches(method, path) {
                return true;
            }
            let answers = fault.rule.status.is_some() || fault.rule.drop_connection;
            if answers && answered {
                // Only the first answering fault applies; the others wait for later requests.
                return true;
            }
            answered |= answers;
            let this = fault.rule.action();
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
    use std::time::Duration;

    use super::*;

    /// A rule answering with `status`.
    fn status(code: u16) -> FaultRule {
        FaultRule {
            status: Some(StatusCode::from_u16(code).unwrap()),
            ..FaultRule::default()
        }
    }

    /// A rule waiting `latency` first.
    fn latency(latency: Duration) -> FaultRule {
        FaultRule {
            latency_ms: Some(latency.as_millis() as u64),
            ..FaultRule::default()
        }
    }

    #[test]
    fn a_fault_applies_n_times_to_matching_requests_only() {
        let mut faults = Faults::default();
        faults
            .add(FaultRule {
                method: Some(Method::from_bytes(b"get").unwrap()),
                path: Some("/api/profiles".into()),
                times: Some(2),
                ..status(429)
            })
            .unwrap();
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
    fn invalid_rules_are_refused() {
        // Each rule is wrong in one field only; the message names it.
        let bad = [
            (FaultRule::default(), "a fault needs status"),
            (status(200), "status must be 400–599"),
            (
                FaultRule {
                    drop_connection: true,
                    ..status(500)
                },
                "exclude each other",
            ),
            (
                FaultRule {
                    latency_ms: Some(MAX_LATENCY_MS + 1),
                    ..FaultRule::default()
                },
                "latency_ms must be at most",
            ),
            (
                FaultRule {
                    times: Some(0),
                    ..status(500)
                },
                "times must be",
            ),
            (
                FaultRule {
                    times: Some(MAX_TIMES + 1),
                    ..status(500)
                },
                "times must be",
            ),
            (
                FaultRule {
                    path: Some("api".into()),
                    ..status(500)
                },
                "path must start with /",
            ),
            (
                FaultRule {
                    method: Some(Method::from_bytes(b"G3T").unwrap()),
                    ..status(500)
                },
                "method must be letters only",
            ),
            (
                FaultRule {
                    error: Some("x".repeat(1025)),
                    ..status(500)
                },
                "error must be at most 1024 bytes",
            ),
        ];
        let mut faults = Faults::default();
        for (rule, message) in bad {
            let error = faults.add(rule.clone()).unwrap_err();
            assert!(error.contains(message), "{rule:?}: {error}");
        }
        assert!(faults.list().is_empty(), "nothing refused is armed");
    }

    #[test]
    fn faults_compose_latencies_with_the_first_answer() {
        let mut faults = Faults::default();
        faults
            .add(FaultRule {
                method: Some(Method::GET),
                path: Some("/api/profiles/*".into()),
                ..status(429)
            })
            .unwrap();
        faults.add(status(503)).unwrap();
        faults.add(latency(Duration::from_millis(300))).unwrap();
        faults
            .add(FaultRule {
                path: Some("/api/**".into()),
                ..latency(Duration::from_millis(200))
            })
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
            faults.add(latency(Duration::from_secs(30))).unwrap();
        }
        let slow = faults.take("DELETE", "/api/profiles/p1").unwrap();
        assert_eq!((slow.latency_ms, slow.respond), (MAX_LATENCY_MS, None));
    }

    #[test]
    fn ids_count_up_and_the_default_message_fits_the_status() {
        let mut faults = Faults::default();
        assert_eq!(faults.add(status(500)).unwrap().id, "fault_1");
        assert_eq!(faults.add(status(500)).unwrap().remaining, 1);
        assert!(faults.remove("fault_1"));
        assert_eq!(faults.add(status(500)).unwrap().id, "fault_3");
        assert_eq!(default_message(500), ApiError::internal().message());
        assert_eq!(default_message(502), "Bad Gateway");
    }
}
