//! The request journal: what an account's keys asked of the product API, newest last, bounded
//! to [`JOURNAL_CAP`] entries per account (the oldest are dropped first, and counted). A
//! [`Filter`]'s `path` is a pattern in the dialect of [`super::pattern`], which faults share.
//!
//! A request is kept as a [`Recorded`], its time a number, and numbered when it is recorded.
//! The control API's wire types (`JournalEntry`, `JournalFilter`, `JournalPage`) are
//! `crate::control`'s: it writes an entry, its time as RFC 3339 text, only when the journal is
//! read ([`Journal::matching`]), so a request costs no formatting and an entry no text it may
//! never show.

use std::collections::VecDeque;

// The `http` crate (`::`), not this crate's `http` module, which the harness does not import.
use ::http::{Method, Uri};
use time::OffsetDateTime;

use super::pattern;
use crate::limits::JOURNAL_CAP;

/// Bytes of a request body kept when bodies are recorded; longer bodies are cut.
pub const BODY_CAP: usize = 16 * 1024;

/// One request to the product API, as the journal keeps it, without its `seq` (given by
/// [`Journal::record`]) and with its time still a number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recorded {
    /// The HTTP method.
    pub method: Method,
    /// The path and query as requested (reference-counted: kept without a copy).
    pub uri: Uri,
    /// The status the mock answered.
    pub status: u16,
    /// When the request arrived, by the account's clock.
    pub at: OffsetDateTime,
    /// The id of the API key used; never the key itself.
    pub key_id: String,
    /// The request body as text (cut at [`BODY_CAP`]); dropped unless bodies are recorded.
    pub body: Option<String>,
}

/// Which kept requests to read. Every given field must match.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Filter<'a> {
    /// Only this method (case-insensitive).
    pub method: Option<&'a str>,
    /// Only paths matching this pattern ([`super::pattern`]).
    pub path: Option<&'a str>,
    /// Only this status.
    pub status: Option<u16>,
    /// Only requests numbered after this `seq`.
    pub after: Option<u64>,
}

impl Filter<'_> {
    fn matches(&self, kept: &Kept) -> bool {
        let r = &kept.request;
        self.method
            .is_none_or(|m| m.eq_ignore_ascii_case(r.method.as_str()))
            && self.path.is_none_or(|p| pattern::matches(p, r.uri.path()))
            && self.status.is_none_or(|s| s == r.status)
            && self.after.is_none_or(|a| kept.seq > a)
    }
}

/// A kept request and its place in the journal.
#[derive(Debug, Clone)]
struct Kept {
    seq: u64,
    request: Recorded,
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

    /// The kept requests matching `filter`, oldest first, each with its `seq`.
    pub fn matching<'a>(
        &'a self,
        filter: Filter<'a>,
    ) -> impl Iterator<Item = (u64, &'a Recorded)> + 'a {
        self.entries
            .iter()
            .filter(move |kept| filter.matches(kept))
            .map(|kept| (kept.seq, &kept.request))
    }

    /// How many entries were dropped because the journal was full, since the last clear.
    pub fn dropped(&self) -> u64 {
        self.dropped
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
impl Recorded {
    /// A request for tests (here and in `crate::control`): `method` of `uri` answered with
    /// `status` at the epoch, by `key_1`, with the body `{}`.
    pub(crate) fn example(method: &str, uri: &str, status: u16) -> Self {
        Self {
            method: method.parse().unwrap(),
            uri: uri.parse().unwrap(),
            status,
            at: OffsetDateTime::UNIX_EPOCH,
            key_id: "key_1".into(),
            body: Some("{}".into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(method: &str, path: &str, status: u16) -> Recorded {
        Recorded::example(method, path, status)
    }

    /// The paths and numbers of the requests `filter` matches.
    fn read(j: &Journal, filter: Filter<'_>) -> Vec<(u64, String)> {
        j.matching(filter)
            .map(|(seq, r)| (seq, r.uri.path().to_string()))
            .collect()
    }

    #[test]
    fn bounded_filtered_and_numbered() {
        let mut j = Journal::default();
        for i in 0..JOURNAL_CAP + 5 {
            j.record(entry("GET", &format!("/api/profiles/p{i}"), 200));
        }
        j.record(entry("DELETE", "/api/profiles/x", 200));
        let all = read(&j, Filter::default());
        assert_eq!(all.len(), JOURNAL_CAP);
        assert_eq!(j.dropped(), 6);
        assert_eq!(all.last().unwrap().0, JOURNAL_CAP as u64 + 6);
        let (_, first) = j.matching(Filter::default()).next().unwrap();
        assert_eq!(first.body, None, "bodies are off by default");
        let deletes = Filter {
            method: Some("delete"),
            path: Some("/api/profiles/*"),
            ..Filter::default()
        };
        assert_eq!(read(&j, deletes).len(), 1);
        let after = Filter {
            after: Some(JOURNAL_CAP as u64 + 4),
            status: Some(200),
            ..Filter::default()
        };
        assert_eq!(read(&j, after).len(), 2);
        j.clear();
        assert!(read(&j, Filter::default()).is_empty());
        assert_eq!(j.dropped(), 0);
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
            let filter = Filter {
                path: Some(pattern),
                ..Filter::default()
            };
            read(&j, filter).into_iter().map(|(_, path)| path).collect()
        };
        assert_eq!(paths("/api/profiles/*"), ["/api/profiles/p1"]);
        assert_eq!(paths("/api/profiles/*/stats"), ["/api/profiles/p1/stats"]);
        assert_eq!(paths("/api/profiles/**").len(), 3);
        assert_eq!(paths("/api/profile*"), ["/api/profiles"]);
        assert_eq!(paths("/api/profiles/"), ["/api/profiles"]);
    }

    #[test]
    fn bodies_are_kept_only_when_asked_and_cut() {
        let mut j = Journal {
            record_bodies: true,
            ..Journal::default()
        };
        j.record(entry("POST", "/api/profile_groups", 201));
        let (_, kept) = j.matching(Filter::default()).next().unwrap();
        assert_eq!(kept.body.as_deref(), Some("{}"));
        let long = vec![b'a'; BODY_CAP + 10];
        assert_eq!(body_text(&long).unwrap().len(), BODY_CAP);
        assert_eq!(body_text(b""), None);
    }
}
