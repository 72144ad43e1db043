//! Reading stats as numbers: the API's stats are free-form JSON maps keyed by each network's
//! own metric names, so these helpers pick values out by key.

use std::collections::BTreeSet;

use postproxy_models::{ProfileStats, Stats};

use crate::timestamp::{self, OffsetDateTime};

/// Numeric values of a [`Stats`] map by key. Import it with `use postproxy_client::StatsExt`.
///
/// ```
/// use postproxy_client::models::Stats;
/// use postproxy_client::StatsExt;
///
/// let stats: Stats = serde_json::from_str(
///     r#"{"followerCount": 4567, "engagement": 0.042, "channel_title": "Acme"}"#,
/// )?;
/// assert_eq!(stats.i64("followerCount"), Some(4567));
/// assert_eq!(stats.f64("engagement"), Some(0.042));
/// assert_eq!(stats.f64("channel_title"), None); // a string, not a number
/// let mut keys: Vec<&str> = stats.numeric_keys().collect();
/// keys.sort();
/// assert_eq!(keys, ["engagement", "followerCount"]);
/// # Ok::<(), serde_json::Error>(())
/// ```
pub trait StatsExt {
    /// The value of `key` as a float, if it is a number.
    fn f64(&self, key: &str) -> Option<f64>;

    /// The value of `key` as an integer, if it is a whole number that fits an `i64`.
    fn i64(&self, key: &str) -> Option<i64>;

    /// The keys whose values are numbers, in the map's order (alphabetical, unless serde_json's
    /// `preserve_order` feature keeps the order received).
    fn numeric_keys(&self) -> impl Iterator<Item = &str>;
}

impl StatsExt for Stats {
    fn f64(&self, key: &str) -> Option<f64> {
        self.get(key)?.as_f64()
    }

    fn i64(&self, key: &str) -> Option<i64> {
        self.get(key)?.as_i64()
    }

    fn numeric_keys(&self) -> impl Iterator<Item = &str> {
        self.iter()
            .filter(|(_, v)| v.is_number())
            .map(|(k, _)| k.as_str())
    }
}

/// A stats timeseries as plot-ready series. Import it with
/// `use postproxy_client::StatsSeriesExt`.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # let mock = postproxy_mock_server::MockServer::start().await;
/// # let client = postproxy_client::Client::builder(mock.full_access_key())
/// #     .base_url(mock.base_url())
/// #     .build()?;
/// use postproxy_client::StatsSeriesExt;
///
/// let stats = client
///     .profiles()
///     .stats("prof_li_001")
///     .placement_id("108520199")
///     .send()
///     .await?;
/// let followers = stats.series("followerCount");
/// let (at, value) = followers.last().unwrap();
/// assert_eq!((at.unix_timestamp(), *value), (1_778_486_400, 4567.0)); // 2026-05-11T08:00:00Z
/// // The times exactly as the API wrote them:
/// assert_eq!(stats.series_raw("followerCount").last(), Some(&("2026-05-11T08:00:00Z", 4567.0)));
/// assert!(stats.metric_keys().contains("allPageViews"));
/// # Ok(())
/// # }
/// ```
pub trait StatsSeriesExt {
    /// `(recorded_at, value)` of every record in which `key` is a number, in the records'
    /// (ascending time) order, with `recorded_at` parsed. A record whose `recorded_at` is not
    /// RFC 3339 (the API always sends RFC 3339) is left out; [`series_raw`](Self::series_raw)
    /// keeps every record with its text.
    fn series(&self, key: &str) -> Vec<(OffsetDateTime, f64)>;

    /// As [`series`](Self::series), with `recorded_at` as the API's text.
    fn series_raw(&self, key: &str) -> Vec<(&str, f64)>;

    /// Every key that is a number in at least one record.
    fn metric_keys(&self) -> BTreeSet<&str>;
}

impl StatsSeriesExt for ProfileStats {
    fn series(&self, key: &str) -> Vec<(OffsetDateTime, f64)> {
        self.series_raw(key)
            .into_iter()
            .filter_map(|(at, value)| Some((timestamp::parse(at)?, value)))
            .collect()
    }

    fn series_raw(&self, key: &str) -> Vec<(&str, f64)> {
        self.records
            .iter()
            .filter_map(|r| Some((r.recorded_at.as_str(), r.stats.f64(key)?)))
            .collect()
    }

    fn metric_keys(&self) -> BTreeSet<&str> {
        self.records
            .iter()
            .flat_map(|r| r.stats.numeric_keys())
            .collect()
    }
}
