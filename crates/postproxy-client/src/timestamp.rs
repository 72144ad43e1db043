//! Timestamps for the stats window: [`IntoTimestamp`] lets `from` and `to` take a typed time
//! ([`OffsetDateTime`], [`SystemTime`]) as well as the RFC 3339 text the API reads.
//!
//! The public date-time type is the [`time`] crate's [`OffsetDateTime`] (re-exported here):
//! the mock server already builds on `time` 0.3, so the workspace has one date-time crate, not
//! two; it parses and prints RFC 3339 exactly, and it is small. Users of `chrono` or `jiff` pass
//! `to_rfc3339()` / `to_string()` text, or a [`SystemTime`]. The shared models keep their
//! timestamps as the API's strings, so nothing the models serialise changes.

use std::time::SystemTime;

use time::format_description::well_known::Rfc3339;
pub use time::OffsetDateTime;
use time::UtcOffset;

/// A point in time as the API's query parameters take it: RFC 3339 text. Implemented for text
/// (sent as given), [`OffsetDateTime`] and [`SystemTime`] (sent in UTC, e.g.
/// `2026-04-01T00:00:00Z`).
///
/// ```
/// use std::time::{Duration, SystemTime};
/// use postproxy_client::timestamp::{IntoTimestamp, OffsetDateTime};
///
/// let at = OffsetDateTime::from_unix_timestamp(1_775_001_600).unwrap();
/// assert_eq!(at.into_timestamp(), "2026-04-01T00:00:00Z");
/// let at = SystemTime::UNIX_EPOCH + Duration::from_secs(1_775_001_600);
/// assert_eq!(at.into_timestamp(), "2026-04-01T00:00:00Z");
/// assert_eq!("2026-04-01T02:00:00+02:00".into_timestamp(), "2026-04-01T02:00:00+02:00");
/// ```
pub trait IntoTimestamp {
    /// The RFC 3339 text sent to the API.
    fn into_timestamp(self) -> String;
}

impl IntoTimestamp for &str {
    fn into_timestamp(self) -> String {
        self.to_string()
    }
}

impl IntoTimestamp for String {
    fn into_timestamp(self) -> String {
        self
    }
}

impl IntoTimestamp for &String {
    fn into_timestamp(self) -> String {
        self.clone()
    }
}

impl IntoTimestamp for OffsetDateTime {
    /// In UTC. A year outside 0000–9999 has no RFC 3339 form; it is sent as `time` prints it,
    /// and the API refuses it (400).
    fn into_timestamp(self) -> String {
        let utc = self.to_offset(UtcOffset::UTC);
        utc.format(&Rfc3339).unwrap_or_else(|_| utc.to_string())
    }
}

impl IntoTimestamp for SystemTime {
    fn into_timestamp(self) -> String {
        OffsetDateTime::from(self).into_timestamp()
    }
}

/// Parses an RFC 3339 timestamp as the API writes them (`recorded_at`, `expires_at`).
///
/// ```
/// use postproxy_client::timestamp::parse;
///
/// let at = parse("2026-05-11T08:00:00Z").unwrap();
/// assert_eq!(at.unix_timestamp(), 1_778_486_400);
/// assert!(parse("yesterday").is_none());
/// ```
pub fn parse(text: &str) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(text, &Rfc3339).ok()
}
