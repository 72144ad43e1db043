//! The `journal` tag: reading, clearing and configuring an account's request journal, and the
//! wire types it is read through ([`JournalFilter`], [`JournalPage`] of [`JournalEntry`]s).
//! What the journal keeps, its cap and how a filter matches are
//! [`crate::harness::journal`]'s; this file turns a [`JournalFilter`] into the harness's
//! `Filter` and the kept requests it matches into a page, writing each entry's time only then.

use axum::extract::State;
use axum::http::{Method, StatusCode};
use axum::routing::{get, put};
use axum::Router;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::{IntoParams, ToSchema};

use super::common::{on_harness, Answer, Api, ControlError, Done, Routes};
use crate::domain::clock::format_timestamp;
use crate::harness::journal::{Filter, Journal, Recorded};
use crate::http::extract::ControlJson;
use crate::limits::JOURNAL_CAP;
use crate::rt::{ApiPath, ApiQuery};

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

impl JournalEntry {
    /// The kept request numbered `seq`, its time written by `format_at`.
    fn of(seq: u64, r: &Recorded, format_at: impl Fn(OffsetDateTime) -> String) -> Self {
        Self {
            seq,
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
    pub fn method(mut self, method: Method) -> Self {
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

    /// The filter as the harness matches with it.
    fn harness(&self) -> Filter<'_> {
        Filter {
            method: self.method.as_deref(),
            path: self.path.as_deref(),
            status: self.status,
            after: self.after,
        }
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

impl JournalPage {
    /// The entries of `journal` matching `filter`, each time written by `format_at` (only the
    /// entries on the page are: the journal keeps the number).
    fn read(
        journal: &Journal,
        filter: &JournalFilter,
        format_at: impl Fn(OffsetDateTime) -> String,
    ) -> Self {
        Self {
            entries: journal
                .matching(filter.harness())
                .map(|(seq, r)| JournalEntry::of(seq, r, &format_at))
                .collect(),
            dropped: journal.dropped(),
            cap: JOURNAL_CAP,
            record_bodies: journal.record_bodies,
        }
    }
}

/// Whether the journal keeps request bodies.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct JournalSettings {
    /// Keep request bodies (cut at 16 KiB) from now on.
    pub record_bodies: bool,
}

/// This tag's routes.
pub(super) fn routes() -> Routes {
    Router::new()
        .route(
            "/__mock/accounts/{account}/journal",
            get(get_journal).delete(clear_journal),
        )
        .route(
            "/__mock/accounts/{account}/journal/settings",
            put(journal_settings),
        )
}

/// The product-API requests the account's keys made (at most 1000 kept), filtered.
#[utoipa::path(get, path = "/__mock/accounts/{account}/journal", tag = "journal",
    params(("account" = String, Path), JournalFilter),
    responses((status = 200, body = JournalPage), (status = 400, body = ControlError), (status = 404, body = ControlError)))]
pub(super) async fn get_journal(
    State(api): Api,
    ApiPath(id): ApiPath<String>,
    ApiQuery(filter): ApiQuery<JournalFilter>,
) -> Answer {
    on_harness(&api, &id, StatusCode::OK, |a| {
        Ok(JournalPage::read(&a.journal, &filter, format_timestamp))
    })
}

/// Empties the account's journal.
#[utoipa::path(delete, path = "/__mock/accounts/{account}/journal", tag = "journal",
    params(("account" = String, Path)),
    responses((status = 200, body = Done), (status = 404, body = ControlError)))]
pub(super) async fn clear_journal(State(api): Api, ApiPath(id): ApiPath<String>) -> Answer {
    on_harness(&api, &id, StatusCode::OK, |a| {
        a.journal.clear();
        Ok(Done { ok: true })
    })
}

/// Whether the journal records request bodies.
#[utoipa::path(put, path = "/__mock/accounts/{account}/journal/settings", tag = "journal",
    params(("account" = String, Path)),
    request_body = JournalSettings,
    responses((status = 200, body = JournalSettings), (status = 404, body = ControlError)))]
pub(super) async fn journal_settings(
    State(api): Api,
    ApiPath(id): ApiPath<String>,
    ControlJson(body): ControlJson<JournalSettings>,
) -> Answer {
    on_harness(&api, &id, StatusCode::OK, |a| {
        a.journal.record_bodies = body.record_bodies;
        Ok(body)
    })
}

#[cfg(test)]
mod tests {
    use std::cell::Cell;

    use super::*;

    /// A GET or DELETE answered 200, `minute` minutes after the epoch.
    fn recorded(method: &str, path: &str, minute: i64) -> Recorded {
        Recorded {
            at: OffsetDateTime::UNIX_EPOCH + time::Duration::minutes(minute),
            ..Recorded::example(method, path, 200)
        }
    }

    #[test]
    fn times_are_kept_as_numbers_and_written_when_read() {
        let mut j = Journal::default();
        for (i, path) in ["/api/profiles", "/api/profile_groups"].iter().enumerate() {
            j.record(recorded("GET", path, i as i64));
        }
        let written = Cell::new(0);
        let filter = JournalFilter::default().path("/api/profile_groups");
        let page = JournalPage::read(&j, &filter, |at| {
            written.set(written.get() + 1);
            format!("t+{}", at.unix_timestamp())
        });
        assert_eq!(page.entries[0].at, "t+60");
        assert_eq!(written.get(), 1, "only the entries on the page are written");
    }

    #[test]
    fn a_page_shows_each_kept_request_as_an_entry() {
        let mut j = Journal::default();
        j.record(recorded(
            "DELETE",
            "/api/profiles/p1?profile_group_id=g1",
            0,
        ));
        j.record(recorded("GET", "/api/profiles", 1));
        let filter = JournalFilter::default()
            .method(Method::from_bytes(b"delete").unwrap())
            .path("/api/profiles/*");
        let page = JournalPage::read(&j, &filter, |at| at.unix_timestamp().to_string());
        assert_eq!(
            page,
            JournalPage {
                entries: vec![JournalEntry {
                    seq: 1,
                    method: "DELETE".into(),
                    path: "/api/profiles/p1".into(),
                    query: Some("profile_group_id=g1".into()),
                    status: 200,
                    at: "0".into(),
                    key_id: "key_1".into(),
                    body: None,
                }],
                dropped: 0,
                cap: JOURNAL_CAP,
                record_bodies: false,
            }
        );
        let later = JournalFilter::default().after(1).status(200);
        let page = JournalPage::read(&j, &later, |_| String::new());
        assert_eq!(page.entries.len(), 1);
        assert_eq!(page.entries[0].seq, 2);
    }
}
