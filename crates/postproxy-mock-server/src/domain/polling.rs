//! Stats polling: the snapshots the service would record every [`POLL_INTERVAL`], made up
//! deterministically from the seed, growing plausibly from the previous snapshot in the
//! network's own stats keys.

use postproxy_models::Platform;
use serde_json::{Map, Number, Value};
use time::Duration;

use crate::domain::ids::IdGenerator;

/// How often a profile is polled for stats ("about every 23 hours").
pub const POLL_INTERVAL: Duration = Duration::hours(23);

/// The most polling rounds one clock move records, so a jump of years stays cheap.
pub const MAX_ROUNDS: i64 = 400;

/// How many of a series' latest snapshots a new one grows from: a key missing from the last
/// snapshot keeps its value from up to this many back.
pub const LOOKBACK: usize = 8;

/// One key in this many is left out of a polled snapshot, as when the platform returned no
/// value for it on that cycle ("fields can come and go between records").
pub const OMIT_ONE_IN: u64 = 16;

/// Leaves keys out of a new snapshot now and then (deterministically, from `rng`), never all.
pub fn omit_some(stats: &mut Map<String, Value>, rng: &mut Rng) {
    let omitted: Vec<String> = stats
        .keys()
        .filter(|_| rng.below(OMIT_ONE_IN) == 0)
        .cloned()
        .collect();
    if omitted.len() < stats.len() {
        for key in omitted {
            stats.remove(&key);
        }
    }
}

/// The first snapshot of a profile that was never polled: the network's stats keys, small.
pub fn initial_stats(platform: Platform, rng: &mut Rng) -> Map<String, Value> {
    let keys = super::platform::facts(platform).stats_keys;
    keys.iter()
        .map(|(k, base)| {
            let value = base + rng.below(base / 4 + 2);
            ((*k).to_string(), Value::from(value))
        })
        .collect()
}

/// The next snapshot after `previous`: integers grow by up to about 2% (counters that can fall,
/// like daily removals, move both ways), floats drift a little, anything else is kept.
pub fn grow(previous: &Map<String, Value>, rng: &mut Rng) -> Map<String, Value> {
    previous
        .iter()
        .map(|(key, value)| (key.clone(), grow_value(value, rng)))
        .collect()
}

fn grow_value(value: &Value, rng: &mut Rng) -> Value {
    match value {
        Value::Number(n) => {
            if let Some(v) = n.as_u64() {
                let step = v / 50 + 2;
                Value::from(v.saturating_add(rng.below(step)))
            } else if let Some(v) = n.as_i64() {
                Value::from(v.saturating_add(i64::try_from(rng.below(3)).unwrap_or(0)))
            } else {
                let v = n.as_f64().unwrap_or(0.0);
                // ±2%, rounded to 4 decimals so values stay readable.
                let factor = 1.0 + (rng.below(41) as f64 - 20.0) / 1000.0;
                let next = (v * factor * 10_000.0).round() / 10_000.0;
                Number::from_f64(next).map_or_else(|| value.clone(), Value::Number)
            }
        }
        Value::Object(map) => Value::Object(grow(map, rng)),
        other => other.clone(),
    }
}

/// A deterministic stream of made-up numbers for one series and polling round.
#[derive(Debug, Clone)]
pub struct Rng(IdGenerator);

impl Rng {
    /// A stream for one series and round: the same inputs give the same numbers.
    pub fn for_round(seed: u64, series: &str, round: i64) -> Self {
        Self(IdGenerator::labelled(seed, &format!("{series}@{round}")))
    }

    /// A number in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 {
            0
        } else {
            self.0.next_u64() % n
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn growth_is_deterministic_plausible_and_keeps_text() {
        let prev: Map<String, Value> = serde_json::from_value(serde_json::json!({
            "followers_count": 1000, "engagement": 0.041, "channel_title": "Acme",
            "analytics_30d": {"impressions": 500}
        }))
        .unwrap();
        let a = grow(&prev, &mut Rng::for_round(7, "p1", 3));
        let b = grow(&prev, &mut Rng::for_round(7, "p1", 3));
        assert_eq!(a, b);
        let followers = a["followers_count"].as_u64().unwrap();
        assert!((1000..=1022).contains(&followers), "{followers}");
        let engagement = a["engagement"].as_f64().unwrap();
        assert!((0.040..=0.042).contains(&engagement), "{engagement}");
        assert_eq!(a["channel_title"], "Acme");
        assert!(a["analytics_30d"]["impressions"].as_u64().unwrap() >= 500);
    }

    #[test]
    fn every_polled_network_has_initial_keys() {
        for name in [
            "facebook",
            "instagram",
            "tiktok",
            "linkedin",
            "youtube",
            "twitter",
            "threads",
            "pinterest",
            "bluesky",
            "telegram",
            "google_business",
        ] {
            let p: Platform = name.parse().unwrap();
            let stats = initial_stats(p, &mut Rng::for_round(0, "x", 0));
            assert_eq!(
                stats.is_empty(),
                !super::super::platform::facts(p).polled,
                "{p}"
            );
        }
    }
}
