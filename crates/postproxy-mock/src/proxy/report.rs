//! What the proxy reports: a [`Violation`] per way a request or an answer breaks the spec (or
//! the upstream failed to answer), kept in a bounded [`Log`] (the newest
//! [`super::DEFAULT_MAX_VIOLATIONS`] by default, the older ones counted as dropped) and
//! written as one line each to stderr as it happens.

use std::collections::VecDeque;
use std::io::Write as _;
use std::sync::Mutex;

use serde::Serialize;

use crate::contract::ViolationKind;

/// One way a request or an answer that passed through the proxy breaks the spec, or a request
/// the upstream did not serve.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Violation {
    /// Its number, from 1, in the order found (clearing the list does not restart it).
    pub seq: u64,
    /// When it was found (RFC 3339, UTC, milliseconds).
    pub at: String,
    /// Whether the request or the answer breaks the spec, or the upstream failed.
    pub side: Side,
    /// What kind of break.
    pub kind: Kind,
    /// The request's method.
    pub method: String,
    /// The request's path and query, as received.
    pub path: String,
    /// The spec's operation id, when the request is for one.
    pub operation: Option<String>,
    /// The upstream's status; `None` for a request that got none (and for a request-side
    /// violation found before it was forwarded).
    pub status: Option<u16>,
    /// For a body that breaks its schema, the JSON pointer of the place in the body.
    pub pointer: Option<String>,
    /// What is wrong, in words.
    pub message: String,
}

/// Which side of an exchange a [`Violation`] is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    /// The client's request breaks the spec (it was forwarded all the same).
    Request,
    /// The upstream's answer breaks the spec (it was returned all the same).
    Response,
    /// The upstream did not answer (the proxy answered 502 or 504), or asked to wait (429).
    Upstream,
}

/// The kinds of [`Violation`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// A request to a path the spec does not document.
    UnknownPath,
    /// A request to a documented path with a method the spec does not document for it.
    UndocumentedMethod,
    /// A request's parameter: a required one missing, or a value its schema refuses.
    Parameter,
    /// A body documented as JSON came without a JSON `Content-Type` (an HTML error page, or a
    /// request without its body).
    NotJson,
    /// A body that says JSON but does not parse.
    InvalidJson,
    /// A body that breaks its schema at [`Violation::pointer`].
    Schema,
    /// An answer with a status the operation does not document.
    UndocumentedStatus,
    /// A 429 (documented, but the upstream served nothing: a client must wait for
    /// `Retry-After`).
    RateLimited,
    /// No connection to the upstream (refused, no route, DNS, TLS).
    Unreachable,
    /// The upstream closed the connection (or reset it) before a whole answer.
    Dropped,
    /// No whole answer within the proxy's timeout.
    Timeout,
}

impl Kind {
    /// The kind's name, as serialised (`schema`, `undocumented_status`).
    pub fn name(self) -> &'static str {
        match self {
            Kind::UnknownPath => "unknown_path",
            Kind::UndocumentedMethod => "undocumented_method",
            Kind::Parameter => "parameter",
            Kind::NotJson => "not_json",
            Kind::InvalidJson => "invalid_json",
            Kind::Schema => "schema",
            Kind::UndocumentedStatus => "undocumented_status",
            Kind::RateLimited => "rate_limited",
            Kind::Unreachable => "unreachable",
            Kind::Dropped => "dropped",
            Kind::Timeout => "timeout",
        }
    }
}

impl From<ViolationKind> for Kind {
    fn from(kind: ViolationKind) -> Kind {
        match kind {
            ViolationKind::UnknownOperation | ViolationKind::UndocumentedStatus => {
                Kind::UndocumentedStatus
            }
            ViolationKind::NotJson => Kind::NotJson,
            ViolationKind::InvalidJson => Kind::InvalidJson,
            ViolationKind::Schema => Kind::Schema,
            ViolationKind::Parameter => Kind::Parameter,
        }
    }
}

impl std::fmt::Display for Violation {
    /// One line: `get_profile 200 response schema at /name: "name" is a required property
    /// (GET /api/profiles/prof_li_001)`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (side, status) = match (self.side, self.status) {
            (Side::Request, _) => ("request", None),
            (Side::Response, status) => ("response", Some(status_text(status))),
            (Side::Upstream, status) => ("upstream", Some(status_text(status))),
        };
        let head: Vec<&str> = [self.operation.as_deref(), status.as_deref(), Some(side)]
            .into_iter()
            .flatten()
            .collect();
        write!(f, "{} {}", head.join(" "), self.kind.name())?;
        if let Some(pointer) = &self.pointer {
            write!(f, " at {}", if pointer.is_empty() { "/" } else { pointer })?;
        }
        write!(f, ": {} ({} {})", self.message, self.method, self.path)
    }
}

fn status_text(status: Option<u16>) -> String {
    status.map_or_else(|| "no answer".into(), |s| s.to_string())
}

/// How violations are written to stderr as they are found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LogFormat {
    /// `postproxy-mock proxy: violation get_profile 200 response schema at /name: ...`.
    #[default]
    Text,
    /// One JSON object a line: `{"event": "violation", ...the fields of [`Violation`]}`;
    /// notes as `{"event": "note", "message": ...}`.
    Json,
    /// Nothing (read them from [`super::ProxyHandle::violations`] or the control API).
    Off,
}

/// A violation found, before the log numbers and stamps it.
pub(super) struct Found {
    pub(super) side: Side,
    pub(super) kind: Kind,
    pub(super) status: Option<u16>,
    pub(super) pointer: Option<String>,
    pub(super) message: String,
}

/// The violations kept, newest last, and how many were dropped to keep the bound.
pub(super) struct Log {
    format: LogFormat,
    cap: usize,
    inner: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    list: VecDeque<Violation>,
    next: u64,
    dropped: u64,
}

/// A copy of the log: the violations kept (after `since`, if asked), how many were found in
/// all, and how many were dropped.
pub(super) struct Snapshot {
    pub(super) violations: Vec<Violation>,
    pub(super) total: u64,
    pub(super) dropped: u64,
}

impl Log {
    pub(super) fn new(format: LogFormat, cap: usize) -> Log {
        Log {
            format,
            cap: cap.max(1),
            inner: Mutex::new(Inner::default()),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Numbers, stamps, writes and keeps each of `found` for the request `method path`.
    pub(super) fn add(&self, method: &str, path: &str, operation: Option<&str>, found: Vec<Found>) {
        if found.is_empty() {
            return;
        }
        let at = now();
        let mut lines = Vec::new();
        let mut inner = self.lock();
        for found in found {
            inner.next += 1;
            let violation = Violation {
                seq: inner.next,
                at: at.clone(),
                side: found.side,
                kind: found.kind,
                method: method.to_string(),
                path: path.to_string(),
                operation: operation.map(str::to_string),
                status: found.status,
                pointer: found.pointer,
                message: found.message,
            };
            lines.extend(self.line(&violation));
            if inner.list.len() == self.cap {
                inner.list.pop_front();
                inner.dropped += 1;
            }
            inner.list.push_back(violation);
        }
        // Written once the list is free again, so that the control API and the other requests
        // never wait on a slow reader of stderr while holding it.
        drop(inner);
        let mut stderr = std::io::stderr().lock();
        for line in lines {
            let _ = writeln!(stderr, "{line}");
        }
    }

    /// The log line of a violation, if the format writes one.
    fn line(&self, violation: &Violation) -> Option<String> {
        Some(match self.format {
            LogFormat::Off => return None,
            LogFormat::Text => format!("postproxy-mock proxy: violation {violation}"),
            LogFormat::Json => {
                let mut object = serde_json::to_value(violation).unwrap_or_default();
                if let Some(object) = object.as_object_mut() {
                    object.insert("event".into(), "violation".into());
                }
                object.to_string()
            }
        })
    }

    /// Writes a note (something not checked, say) in the log's format.
    pub(super) fn note(&self, message: &str) {
        let line = match self.format {
            LogFormat::Off => return,
            LogFormat::Text => format!("postproxy-mock proxy: note: {message}"),
            LogFormat::Json => serde_json::json!({"event": "note", "message": message}).to_string(),
        };
        let _ = writeln!(std::io::stderr().lock(), "{line}");
    }

    /// The violations kept with a number above `since`, oldest first.
    pub(super) fn snapshot(&self, since: u64) -> Snapshot {
        let inner = self.lock();
        Snapshot {
            violations: inner
                .list
                .iter()
                .filter(|v| v.seq > since)
                .cloned()
                .collect(),
            total: inner.next,
            dropped: inner.dropped,
        }
    }

    /// How many violations are kept, were found in all, and were dropped.
    pub(super) fn counts(&self) -> (usize, u64, u64) {
        let inner = self.lock();
        (inner.list.len(), inner.next, inner.dropped)
    }

    /// Forgets the violations kept (the numbering goes on); how many there were.
    pub(super) fn clear(&self) -> usize {
        let mut inner = self.lock();
        let cleared = inner.list.len();
        inner.list.clear();
        cleared
    }
}

/// Now, RFC 3339 in UTC with milliseconds.
fn now() -> String {
    let now = time::OffsetDateTime::now_utc();
    let millis = now.millisecond();
    let now = now.replace_millisecond(millis).unwrap_or(now);
    now.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_else(|_| now.unix_timestamp().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(message: &str) -> Found {
        Found {
            side: Side::Response,
            kind: Kind::Schema,
            status: Some(200),
            pointer: Some("/name".into()),
            message: message.into(),
        }
    }

    #[test]
    fn the_log_keeps_the_newest_and_counts_the_dropped() {
        let log = Log::new(LogFormat::Off, 2);
        for i in 0..5 {
            log.add("GET", "/api/x", Some("op"), vec![found(&i.to_string())]);
        }
        let snapshot = log.snapshot(0);
        let kept: Vec<_> = snapshot.violations.iter().map(|v| v.seq).collect();
        assert_eq!(kept, [4, 5]);
        assert_eq!((snapshot.total, snapshot.dropped), (5, 3));
        assert_eq!(log.snapshot(4).violations.len(), 1);
        assert_eq!(log.clear(), 2);
        log.add("GET", "/api/x", None, vec![found("again")]);
        assert_eq!(log.snapshot(0).violations[0].seq, 6);
    }

    #[test]
    fn a_violation_is_one_line_naming_operation_status_and_pointer() {
        let log = Log::new(LogFormat::Off, 10);
        log.add(
            "GET",
            "/api/profiles/p1",
            Some("get_profile"),
            vec![found("gone")],
        );
        let line = log.snapshot(0).violations[0].to_string();
        assert_eq!(
            line,
            "get_profile 200 response schema at /name: gone (GET /api/profiles/p1)"
        );
        assert!(log.snapshot(0).violations[0].at.ends_with('Z'));
        let unknown = Found {
            side: Side::Request,
            kind: Kind::UnknownPath,
            status: None,
            pointer: None,
            message: "no such path".into(),
        };
        log.add("GET", "/x", None, vec![unknown]);
        let line = log.snapshot(0).violations[1].to_string();
        assert_eq!(line, "request unknown_path: no such path (GET /x)");
    }
}
