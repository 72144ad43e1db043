//! The per-day series of the official SDKs (daily_stats, follower_history), derived from the
//! stats window itself ([`Account::stats`]), so they always agree with get_profile_stats: one
//! record per UTC day that has a snapshot in the window, the day's last.

use postproxy_models::{
    DailyStats, DailyStatsAttribution, DailyStatsRecord, FollowerHistory, FollowerHistoryRecord,
    Platform, Stats,
};
use serde_json::{Map, Value};

use super::account::Account;
use super::auth::Principal;
use super::error::DomainError;
use super::fixtures::parse_timestamp;
use super::rows::Snapshot;
use super::stats::{given, StatsQuery, StatsRead};

/// The key of a network's follower count in its stats, if it has one.
fn follower_key(platform: Platform) -> Option<&'static str> {
    match platform {
        Platform::Facebook
        | Platform::Instagram
        | Platform::Threads
        | Platform::Twitter
        | Platform::Telegram => Some("followers_count"),
        Platform::Linkedin => Some("followerCount"),
        Platform::Youtube => Some("subscriberCount"),
        Platform::Tiktok | Platform::Pinterest => Some("follower_count"),
        Platform::Bluesky => Some("followersCount"),
        Platform::GoogleBusiness => None,
    }
}

/// A bound as get_profile_stats reads it: a date (`2026-09-01`) is that day's start, or its
/// end for `to`; anything else is left for the stats window to parse.
fn day_bound(value: Option<&str>, end: bool) -> Option<String> {
    let text = value?;
    let start = format!("{text}T00:00:00Z");
    let is_date = text.len() == 10 && parse_timestamp(&start).is_some();
    Some(match (is_date, end) {
        (true, true) => format!("{text}T23:59:59.999999999Z"),
        (true, false) => start,
        (false, _) => text.to_string(),
    })
}

/// The UTC day of a snapshot.
fn day(snapshot: &Snapshot) -> String {
    let at = snapshot.at.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02}",
        at.year(),
        u8::from(at.month()),
        at.day()
    )
}

/// Each day's last snapshot of the window, ascending.
fn last_per_day<'a>(read: &StatsRead<'a>) -> Vec<(String, &'a Snapshot)> {
    let mut days: Vec<(String, &Snapshot)> = Vec::new();
    for &snapshot in &read.records {
        let date = day(snapshot);
        match days.last_mut() {
            Some((last, kept)) if *last == date => *kept = snapshot,
            _ => days.push((date, snapshot)),
        }
    }
    days
}

impl Account {
    /// The stats window of the per-day operations: get_profile_stats's, with date bounds.
    fn daily_window(
        &self,
        who: &Principal,
        id: &str,
        query: &StatsQuery<'_>,
    ) -> Result<StatsRead<'_>, DomainError> {
        let from = day_bound(query.from, false);
        let to = day_bound(query.to, true);
        let window = StatsQuery {
            from: from.as_deref(),
            to: to.as_deref(),
            ..*query
        };
        self.stats(who, id, &window).map_err(|e| match e {
            DomainError::Malformed(m) if m.starts_with("Invalid ") => {
                DomainError::Malformed(format!("{m} or a date"))
            }
            other => other,
        })
    }

    /// get_daily_stats: one record per day, the day's last snapshot.
    pub fn daily_stats(
        &self,
        who: &Principal,
        id: &str,
        query: &StatsQuery<'_>,
        attribution: Option<&str>,
    ) -> Result<DailyStats, DomainError> {
        let attribution = match given(attribution) {
            None | Some("received") => DailyStatsAttribution::Received,
            Some("publish") => DailyStatsAttribution::Publish,
            Some(_) => {
                return Err(DomainError::Malformed(
                    "Invalid attribution: expected received or publish".into(),
                ))
            }
        };
        let read = self.daily_window(who, id, query)?;
        let key = follower_key(read.profile.platform);
        let records = last_per_day(&read)
            .into_iter()
            .map(|(date, s)| DailyStatsRecord {
                date,
                followers: key.and_then(|k| s.stats.get(k)).and_then(Value::as_i64),
                platform_stats: Stats(s.stats.clone()),
            })
            .collect();
        let mut metrics = Map::new();
        if let Some(key) = key {
            metrics.insert("followers".into(), Value::from(key));
        }
        Ok(DailyStats {
            profile_id: read.profile.id.clone(),
            platform: read.profile.platform,
            placement_id: read.placement_id.map(str::to_string),
            attribution,
            from: query.from.map(str::to_string),
            to: query.to.map(str::to_string),
            data_timezone: "UTC".into(),
            records,
            metrics,
        })
    }

    /// get_follower_history: the days of get_daily_stats that have a follower count, with the
    /// change from the previous one.
    pub fn follower_history(
        &self,
        who: &Principal,
        id: &str,
        query: &StatsQuery<'_>,
    ) -> Result<FollowerHistory, DomainError> {
        let read = self.daily_window(who, id, query)?;
        let key = follower_key(read.profile.platform);
        let mut records: Vec<FollowerHistoryRecord> = Vec::new();
        for (date, s) in last_per_day(&read) {
            let Some(total) = key.and_then(|k| s.stats.get(k)).and_then(Value::as_i64) else {
                continue;
            };
            let change = records
                .last()
                .map(|previous| total.saturating_sub(previous.followers_total));
            records.push(FollowerHistoryRecord {
                date,
                followers_total: total,
                followers_change: change,
                followers_gained: change.map(|c| c.max(0)),
                followers_lost: change.map(|c| (-c).max(0)),
            });
        }
        Ok(FollowerHistory {
            profile_id: read.profile.id.clone(),
            platform: read.profile.platform,
            placement_id: read.placement_id.map(str::to_string),
            from: query.from.map(str::to_string),
            to: query.to.map(str::to_string),
            records,
        })
    }
}
