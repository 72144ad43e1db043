//! The request journal: what an account's keys asked of the product API, newest last, bounded
//! to [`JOURNAL_CAP`] entries per account (the oldest are dropped first, and counted). A
//! filter's `path` is a pattern in the dialect of [`super::pattern`], which faults share.
//!
//! A request is kept as a [`Recorded`], its time a number; a page of [`JournalEntry`]s, with
//! the time as RFC 3339 text, is made only when the journal is read ([`Journal::list`]), so a
//! request costs no formatting and an entry no text it may never show.

use std::collections::VecDeque;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::{IntoParams, ToSchema};

use super::pattern;
pub use crate::limits::JOURNAL_CAP;

/// Bytes of a request body kept when bodies are recorded; longer bodies are cut.
pub const BODY_CAP: usize = 16 * 1024;

/// One request to the product API.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct JournalEntry {
    /// Position in the account's journal, from 1, never reused (not even after a clear).
    pub seq: u64,
    /// The HTTP method, e.g. `DELETE`.
    pub method: String,
    /// The path as requested (after trailing-slash normalisation), e.g. `/api/profiles/prof_1`.
    pub path: String,
    /// The raw query string, without `?`, if there was one.
    pub query: Option<String>,
    /// The status the mock answered.
    pub status: u16,
    /// When the request arrived, by the account's clock (RFC 3339).
    pub at: String,
    /// The id of the API key used (see the account's `api_keys`); never the key itself.
    pub key_id: String,
    /// The request body as text (cut at 16 KiB), when the journal records bodies.
    pub body: Option<String>,
}

/// Which entries to list. Every given field must match. Build one with the methods, e.g.
/// `JournalFilter::default().method(Method::DELETE).path("/api/profiles/*")`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, IntoParams, ToSchema)]
#[into_params(parameter_in = Query)]
pub struct JournalFilter {
    /// Only this method (case-insensitive).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    /// Only paths matching this pattern: `*` matches within one segment, a `**` segment any
    /// number of segments, e.g. `/api/profiles/*` (one profile) or `/api/profiles/**` (all
    /// under it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// Only this status.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// Only entries after this `seq`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub after: Option<u64>,
}

impl JournalFilter {
    /// Only requests with `method`.
    pub fn method(mut self, method: axum::http::Method) -> Self {
        self.method = Some(method.as_str().to_string());
        self
    }

    /// Only requests to paths matching `pattern`: `*` matches within one segment, a `**`
    /// segment any number of segments (the dialect faults use too).
    pub fn path(mut self, pattern: impl Into<String>) -> Self {
        self.path = Some(pattern.into());
        self
    }

    /// Only requests answered with `status`.
    pub fn status(mut self, status: u16) -> Self {
        self.status = Some(status);
        self
    }

    /// Only entries after sequence number `seq`.
    pub fn after(mut self, seq: u64) -> Self {
        self.after = Some(seq);
        self
    }

    fn matches(&self, kept: &Kept) -> bool {
        let r = &kept.request;
        self.method
            .as_deref()
            .is_none_or(|m| m.eq_ignore_ascii_case(r.method.as_str()))
            && self
                .path
                .as_deref()
                .is_none_or(|p| pattern::matches(p, r.uri.path()))
            && self.status.is_none_or(|s| s == r.status)
            && self.after.is_none_or(|a| kept.seq > a)
    }
}

/// A page of an account's request journal, as the control API returns it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct JournalPage {
    /// The matching entries, oldest first.
    pub entries: Vec<JournalEntry>,
    /// How many entries were dropped because the journal was full, since the last clear.
    pub dropped: u64,
    /// The cap ([`JOURNAL_CAP`]).
    pub cap: usize,
    /// Whether request bodies are recorded.
    pub record_bodies: bool,
}

/// One request to the product API, as the journal keeps it: a [`JournalEntry`] before it is
/// read, without its `seq` (given by [`Journal::record`]) and with its time still a number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recorded {
    /// The HTTP method.
    pub method: axum::http::Method,
    /// The path and query as requested (reference-counted: kept without a copy).
    pub uri: axum::http::Uri,
    /// The status the mock answered.
    pub status: u16,
    /// When the request arrived, by the account's clock.
    pub at: OffsetDateTime,
    /// The id of the API key used; never the key itself.
    pub key_id: String,
    /// The request body as text (cut at [`BODY_CAP`]); dropped unless bodies are recorded.
    pub body: Option<String>,
}

/// A kept request and its place in the journal.
#[derive(Debug, Clone)]
struct Kept {
    seq: u64,
    request: Recorded,
}

impl Kept {
    /// The entry as the journal is read, its time written by `format_at`.
    fn entry(&self, format_at: impl Fn(OffsetDateTime) -> String) -> JournalEntry {
        let r = &self.request;
        JournalEntry {
            seq: self.seq,
            method: r.method.to_string(),
            path: r.uri.path().to_string(),
            query: r.uri.query().map(str::to_string),
            status: r.status,
            at: format_at(r.at),
            key_id: r.key_id.clone(),
            body: r.body.clone(),
        }
    }
}

/// An account's journal.
#[derive(Debug, Clone, Default)]
pub struct Journal {
    entries: VecDeque<Kept>,
    last_seq: u64,
    dropped: u64,
    /// Whether request bodies are kept.
    pub record_bodies: bool,
}

impl Journal {
    /// Appends a request as the next entry (its `seq` is assigned here), dropping the oldest
    /// beyond the cap.
    pub fn record(&mut self, mut request: Recorded) {
        self.last_seq += 1;
        if !self.record_bodies {
            request.body = None;
        }
        if self.entries.len() == JOURNAL_CAP {
            self.entries.pop_front();
            self.dropped += 1;
        }
        self.entries.push_back(Kept {
            seq: self.last_seq,
            request,
        });
    }

    /// The entries matching `filter`, each time written by `format_at` (the caller's RFC 3339;
    /// the journal only keeps the number).
    pub fn list(
        &self,
        filter: &JournalFilter,
        format_at: impl Fn(OffsetDateTime) -> String,
    ) -> JournalPage {
        JournalPage {
            entries: self
                .entries
                .iter()
                .filter(|kept| filter.matches(kept))
                .map(|kept| kept.entry(&format_at))
                .collect(),
            dropped: self.dropped,
            cap: JOURNAL_CAP,
            record_bodies: self.record_bodies,
        }
    }

    /// Forgets every entry (sequence numbers go on).
    pub fn clear(&mut self) {
        self.entries.clear();
        self.dropped = 0;
    }
}

/// The body as kept in the journal: UTF-8 (lossy), cut at [`BODY_CAP`] bytes.
pub fn body_text(bytes: &[u8]) -> Option<String> {
    if bytes.is_empty() {
        return None;
    }
    let cut = &bytes[..bytes.len().min(BODY_CAP)];
    Some(String::from_utf8_lossy(cut).into_owned())
}

#[cfg(test)]
mod tests {
    use std::cell::Cell;

    use super::*;

    fn entry(method: &str, path: &str, status: u16) -> Recorded {
        Recorded {
            method: method.parse().unwrap(),
            uri: path.parse().unwrap(),
            status,
            at: OffsetDateTime::UNIX_EPOCH,
            key_id: "key_1".into(),
            body: Some("{}".into()),
        }
    }

    /// A page with each time as its unix seconds.
    fn read(j: &Journal, filter: &JournalFilter) -> JournalPage {
        j.list(filter, |at| at.unix_timestamp().to_string())
    }

    #[test]
    fn bounded_filtered_and_numbered() {
        let mut j = Journal::default();
        for i in 0..JOURNAL_CAP + 5 {
            j.record(entry("GET", &format!("/api/profiles/p{i}"), 200));
        }
        j.record(entry("DELETE", "/api/profiles/x", 200));
        let all = read(&j, &JournalFilter::default());
        assert_eq!(all.entries.len(), JOURNAL_CAP);
        assert_eq!(all.dropped, 6);
        assert_eq!(all.entries.last().unwrap().seq, JOURNAL_CAP as u64 + 6);
        assert_eq!(all.entries[0].body, None, "bodies are off by default");
        let deletes = read(
            &j,
            &JournalFilter {
                method: Some("delete".into()),
                path: Some("/api/profiles/*".into()),
                ..Default::default()
            },
        );
        assert_eq!(deletes.entries.len(), 1);
        j.clear();
        assert!(read(&j, &JournalFilter::default()).entries.is_empty());
    }

    #[test]
    fn the_path_filter_speaks_the_faults_dialect() {
        let mut j = Journal::default();
        for path in [
            "/api/profiles",
            "/api/profiles/p1",
            "/api/profiles/p1/stats",
        ] {
            j.record(entry("GET", path, 200));
        }
        let paths = |pattern: &str| -> Vec<String> {
            let filter = JournalFilter::default().path(pattern);
            read(&j, &filter)
                .entries
                .into_iter()
                .map(|e| e.path)
                .collect()
        };
        assert_eq!(paths("/api/profiles/*"), ["/api/profiles/p1"]);
        assert_eq!(paths("/api/profiles/*/stats"), ["/api/profiles/p1/stats"]);
        assert_eq!(paths("/api/profiles/**").len(), 3);
        assert_eq!(paths("/api/profile*"), ["/api/profiles"]);
        assert_eq!(paths("/api/profiles/"), ["/api/profiles"]);
    }

    #[test]
    fn times_are_kept_as_numbers_and_written_when_read() {
        let mut j = Journal::default();
        for (i, path) in ["/api/profiles", "/api/profile_groups"].iter().enumerate() {
            j.record(Recorded {
                at: OffsetDateTime::UNIX_EPOCH + time::Duration::seconds(60 * i as i64),
                ..entry("GET", path, 200)
            });
        }
        let written = Cell::new(0);
        let page = j.list(
            &JournalFilter::default().path("/api/profile_groups"),
            |at| {
                written.set(written.get() + 1);
                format!("t+{}", at.unix_timestamp())
            },
        );
        assert_eq!(page.entries[0].at, "t+60");
        assert_eq!(written.get(), 1, "only the entries on the page are written");
    }

    #[test]
    fn bodies_are_cut() {
        let long = vec![b'a'; BODY_CAP + 10];
        assert_eq!(body_text(&long).unwrap().len(), BODY_CAP);
        assert_eq!(body_text(b""), None);
    }
}
