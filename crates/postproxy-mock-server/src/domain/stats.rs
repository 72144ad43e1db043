//! The stats timeseries: a window of a profile's series, the latest snapshot per placement,
//! and the summary summed across placements.

#[cfg(test)]
use postproxy_models::ProfileStats;
use postproxy_models::{Profile, Stats, SummaryStats};
use serde_json::{Map, Number, Value};
use time::OffsetDateTime;

use super::account::Account;
use super::auth::Principal;
use super::error::DomainError;
use super::fixtures::parse_timestamp;
use super::platform;
use super::rows::{ProfileRow, Snapshot};

/// What get_profile_stats asks for: the window's bounds and the series, as sent (empty
/// `profile_group_id` and `placement_id` mean "not given"; an empty bound is malformed).
#[derive(Debug, Clone, Copy, Default)]
pub struct StatsQuery<'a> {
    /// The group the profile must be in.
    pub profile_group_id: Option<&'a str>,
    /// The placement whose series to read (required where stats are per placement).
    pub placement_id: Option<&'a str>,
    /// The window's first instant, inclusive (RFC 3339).
    pub from: Option<&'a str>,
    /// The window's last instant, inclusive (RFC 3339).
    pub to: Option<&'a str>,
}

impl Account {
    /// get_profile_stats: the timeseries, ascending, within the inclusive `from`/`to` bounds,
    /// borrowed.
    pub(crate) fn stats(
        &self,
        who: &Principal,
        id: &str,
        query: &StatsQuery<'_>,
    ) -> Result<StatsRead<'_>, DomainError> {
        let row = &self.rows.get().profiles[self.resolve(who, id, query.profile_group_id)?];
        // Unlike `profile_group_id` (which Python sends empty), an empty `from=` or `to=` is
        // not "no bound": it is not the date-time the spec says, so it is malformed.
        let bound =
            |name: &str, value: Option<&str>| -> Result<Option<OffsetDateTime>, DomainError> {
                match value {
                    None => Ok(None),
                    Some(text) => parse_timestamp(text).map(Some).ok_or_else(|| {
                        DomainError::Malformed(format!(
                            "Invalid {name}: expected an ISO 8601 timestamp"
                        ))
                    }),
                }
            };
        let from = bound("from", query.from)?;
        let to = bound("to", query.to)?;
        let platform = row.profile.platform;
        let placement_id = if platform::facts(platform).stats_per_placement {
            let wanted = given(query.placement_id).ok_or_else(|| {
                DomainError::Malformed(format!("placement_id is required for {platform} profiles"))
            })?;
            // The placement's own id, borrowed from the row with the rest of the answer.
            let mut placements = row.placements.iter().filter_map(|p| p.id.as_deref());
            let stored = placements.find(|id| *id == wanted);
            Some(stored.ok_or(DomainError::PlacementNotFound)?)
        } else {
            None
        };
        // The series is sorted: the window is two binary searches, so its cost follows the
        // records in it, not the length of the series.
        let series = &row.snapshots;
        let start = from.map_or(0, |f| series.partition_point(|s| s.at < f));
        let end = to.map_or(series.len(), |t| series.partition_point(|s| s.at <= t));
        let records = series[start..end.max(start)]
            .iter()
            .filter(|s| placement_id.is_none() || s.placement_id.as_deref() == placement_id)
            .collect();
        Ok(StatsRead {
            profile: &row.profile,
            placement_id,
            records,
        })
    }
}

/// get_profile_stats's answer, borrowed from the account: the profile, the placement whose
/// series it is, and the window's snapshots, ascending.
#[derive(Debug)]
pub(crate) struct StatsRead<'a> {
    pub(crate) profile: &'a Profile,
    pub(crate) placement_id: Option<&'a str>,
    pub(crate) records: Vec<&'a Snapshot>,
}

impl StatsRead<'_> {
    /// The answer as the model: what its serialised form must equal, and what tests read.
    #[cfg(test)]
    pub(crate) fn model(&self) -> ProfileStats {
        use postproxy_models::StatsRecord;
        ProfileStats {
            profile_id: self.profile.id.clone(),
            platform: self.profile.platform,
            placement_id: self.placement_id.map(str::to_string),
            records: self
                .records
                .iter()
                .map(|s| StatsRecord {
                    raw_stats: s.raw_stats.clone(),
                    recorded_at: s.recorded_at.clone(),
                    stats: Stats(s.stats.clone()),
                })
                .collect(),
        }
    }
}

/// The newest snapshot of each placement (in placement order) for per-placement networks, or
/// the newest snapshot overall otherwise. On equal timestamps the one listed last wins.
pub(super) fn latest_stats(row: &ProfileRow) -> Vec<&Snapshot> {
    let newest = |placement: Option<&str>| {
        row.snapshots
            .iter()
            .rev()
            .find(|s| placement.is_none() || s.placement_id.as_deref() == placement)
    };
    if platform::facts(row.profile.platform).stats_per_placement {
        row.placements
            .iter()
            .filter_map(|p| p.id.as_deref())
            .filter_map(|id| newest(Some(id)))
            .collect()
    } else {
        newest(None).into_iter().collect()
    }
}

/// Numeric values summed across `latest` (keys sorted, as in every JSON object here),
/// non-numeric values dropped, `recorded_at` the newest included; `None` without snapshots.
pub(super) fn summary_stats(latest: &[&Snapshot]) -> Option<SummaryStats> {
    let newest = latest.iter().max_by_key(|s| s.at)?;
    let mut sums: Map<String, Value> = Map::new();
    for snapshot in latest {
        for (key, value) in &snapshot.stats {
            let Value::Number(n) = value else { continue };
            let total = match sums.get(key) {
                Some(Value::Number(sum)) => add(sum, n),
                _ => n.clone(),
            };
            sums.insert(key.clone(), Value::Number(total));
        }
    }
    Some(SummaryStats {
        stats: Stats(sums),
        recorded_at: newest.recorded_at.clone(),
    })
}

pub(super) fn add(a: &Number, b: &Number) -> Number {
    if let Some(sum) = a
        .as_i64()
        .zip(b.as_i64())
        .and_then(|(x, y)| x.checked_add(y))
    {
        return sum.into();
    }
    if let Some(sum) = a
        .as_u64()
        .zip(b.as_u64())
        .and_then(|(x, y)| x.checked_add(y))
    {
        return sum.into();
    }
    let sum = a.as_f64().unwrap_or(0.0) + b.as_f64().unwrap_or(0.0);
    Number::from_f64(sum).unwrap_or_else(|| a.clone())
}

/// A query parameter that SDKs may send with an empty value, which means "not given".
pub(super) fn given(value: Option<&str>) -> Option<&str> {
    value.filter(|v| !v.is_empty())
}
