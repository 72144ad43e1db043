//! The benchmark's fixtures, generated deterministically: a long stats series added to the demo
//! data, the large account of the scale runs, and a tiny baseline for memory.

use std::fmt::Write as _;

/// The key of the account holding the long series beside the demo data.
pub const SERIES_KEY: &str = "pp_bench_series_0123456789abcdef";
/// The profile with the long series beside the demo data.
pub const SERIES_PROFILE: &str = "prof_bench_series";
/// The full-access key of the scale account (and of the tiny baseline).
pub const SCALE_KEY: &str = "pp_bench_scale_0123456789abcdef";

/// The first snapshot of every generated series: 2025-01-01T00:00:00Z, one per hour after it.
const SERIES_START_DAY: i64 = 20_089; // days from 1970-01-01 to 2025-01-01

/// The size of the scale fixture.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scale {
    pub profiles: usize,
    pub groups: usize,
    /// Snapshots of the long series (on [`Scale::long_series_profile`]).
    pub long_series: usize,
    /// Snapshots of the short series (on [`Scale::short_series_profile`]).
    pub short_series: usize,
}

impl Scale {
    /// The issue's size: 100 000 profiles in 1 000 groups, a 10 000-snapshot series.
    pub const FULL: Scale = Scale {
        profiles: 100_000,
        groups: 1_000,
        long_series: 10_000,
        short_series: 100,
    };

    pub fn profile_id(i: usize) -> String {
        format!("prof_s{i:06}")
    }

    pub fn group_id(g: usize) -> String {
        format!("grp_s{g:04}")
    }

    pub fn long_series_profile(&self) -> String {
        Self::profile_id(0)
    }

    pub fn short_series_profile(&self) -> String {
        Self::profile_id(1)
    }

    /// The profile a lookup by id finds last in fixture order.
    pub fn last_profile(&self) -> String {
        Self::profile_id(self.profiles - 1)
    }

    /// Profiles per group (the last group takes the remainder).
    pub fn group_size(&self) -> usize {
        self.profiles / self.groups
    }
}

/// `2025-01-01T00:00:00Z` plus `hour` hours, as RFC 3339.
pub fn series_time(hour: usize) -> String {
    let hour = i64::try_from(hour).expect("hour fits i64");
    let (y, m, d) = civil_from_days(SERIES_START_DAY + hour / 24);
    format!("{y:04}-{m:02}-{d:02}T{:02}:00:00Z", hour % 24)
}

/// The `from`/`to` query of a window of `len` hourly records starting at record `first`.
pub fn window_query(first: usize, len: usize) -> String {
    format!(
        "from={}&to={}",
        series_time(first),
        series_time(first + len - 1)
    )
}

/// Days since 1970-01-01 to (year, month, day), proleptic Gregorian (H. Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = u32::try_from(doy - (153 * mp + 2) / 5 + 1).expect("day");
    let m = u32::try_from(if mp < 10 { mp + 3 } else { mp - 9 }).expect("month");
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

fn push_series(out: &mut String, len: usize) {
    out.push('[');
    for i in 0..len {
        if i > 0 {
            out.push(',');
        }
        let _ = write!(
            out,
            r#"{{"placement_id":null,"stats":{{"followers_count":{},"impressions":{},"engagements":{}}},"recorded_at":"{}"}}"#,
            1000 + i,
            (i * 37) % 5000,
            (i * 13) % 700,
            series_time(i)
        );
    }
    out.push(']');
}

const PLATFORMS: [&str; 6] = [
    "instagram",
    "threads",
    "youtube",
    "tiktok",
    "twitter",
    "bluesky",
];

fn push_profile(out: &mut String, i: usize, series: Option<usize>) {
    let id = Scale::profile_id(i);
    let _ = write!(
        out,
        r#"{{"id":"{id}","name":"Scale profile {i}","platform":"{}","status":"active","expires_at":null,"post_count":{},"avatar_url":"https://cdn.postproxy.dev/uploads/avatar_{id}.jpg","stats":"#,
        PLATFORMS[i % PLATFORMS.len()],
        i % 500
    );
    match series {
        Some(len) => push_series(out, len),
        None => {
            let _ = write!(
                out,
                r#"[{{"placement_id":null,"stats":{{"followers_count":{},"impressions":{},"engagements":{}}},"recorded_at":"2026-05-01T08:00:00Z"}}]"#,
                1000 + i % 9000,
                (i * 37) % 5000,
                (i * 13) % 700
            );
        }
    }
    out.push('}');
}

/// The scale fixture: one account ([`SCALE_KEY`], full access) with `scale.profiles` profiles
/// in `scale.groups` groups, every profile with one snapshot, except the long and short series.
pub fn scale_fixture(scale: Scale) -> String {
    assert!(scale.groups > 0 && scale.profiles >= scale.groups.max(2));
    let per_group = scale.group_size();
    let mut out = String::with_capacity(scale.profiles * 400 + scale.long_series * 140);
    let _ = write!(
        out,
        r#"{{"description":"cargo xtask bench: {} profiles in {} groups; {} has a {}-snapshot series, {} a {}-snapshot one","accounts":[{{"id":"acct_scale","api_keys":[{{"key":"{SCALE_KEY}"}}],"profile_groups":["#,
        scale.profiles,
        scale.groups,
        scale.long_series_profile(),
        scale.long_series,
        scale.short_series_profile(),
        scale.short_series
    );
    for g in 0..scale.groups {
        if g > 0 {
            out.push(',');
        }
        let _ = write!(
            out,
            r#"{{"id":"{}","name":"Scale group {g}","profiles":["#,
            Scale::group_id(g)
        );
        let first = g * per_group;
        let end = if g + 1 == scale.groups {
            scale.profiles
        } else {
            first + per_group
        };
        for i in first..end {
            if i > first {
                out.push(',');
            }
            let series = match i {
                0 => Some(scale.long_series),
                1 => Some(scale.short_series),
                _ => None,
            };
            push_profile(&mut out, i, series);
        }
        out.push_str("]}");
    }
    out.push_str("]}]}");
    out
}

/// The demo data plus an account ([`SERIES_KEY`]) holding one twitter profile
/// ([`SERIES_PROFILE`]) with a `len`-snapshot hourly series. The demo account is untouched,
/// so its list body is the demo's.
pub fn demo_with_series(demo_json: &str, len: usize) -> Result<String, String> {
    let mut demo: serde_json::Value =
        serde_json::from_str(demo_json).map_err(|e| format!("the demo fixtures: {e}"))?;
    let mut series = String::new();
    push_series(&mut series, len);
    let series: serde_json::Value =
        serde_json::from_str(&series).map_err(|e| format!("generated series: {e}"))?;
    let account = serde_json::json!({
        "id": "acct_bench_series",
        "description": "cargo xtask bench: one profile with a long hourly stats series",
        "api_keys": [{ "key": SERIES_KEY }],
        "profile_groups": [{
            "id": "grp_bench_series",
            "name": "Bench series",
            "profiles": [{
                "id": SERIES_PROFILE,
                "name": "Bench series",
                "platform": "twitter",
                "status": "active",
                "expires_at": null,
                "post_count": 1,
                "avatar_url": null,
                "stats": series,
            }],
        }],
    });
    demo["accounts"]
        .as_array_mut()
        .ok_or("the demo fixtures have no accounts array")?
        .push(account);
    serde_json::to_string(&demo).map_err(|e| e.to_string())
}

/// The memory baseline: one account, its key ([`SCALE_KEY`]), one empty group.
pub fn tiny_fixture() -> String {
    format!(
        r#"{{"accounts":[{{"id":"acct_scale","api_keys":[{{"key":"{SCALE_KEY}"}}],"profile_groups":[{{"id":"grp_tiny","name":"Tiny"}}]}}]}}"#
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const SMALL: Scale = Scale {
        profiles: 50,
        groups: 4,
        long_series: 30,
        short_series: 5,
    };

    #[test]
    fn series_times_cross_days_months_and_years() {
        assert_eq!(series_time(0), "2025-01-01T00:00:00Z");
        assert_eq!(series_time(25), "2025-01-02T01:00:00Z");
        assert_eq!(series_time(31 * 24), "2025-02-01T00:00:00Z");
        assert_eq!(series_time(365 * 24 + 23), "2026-01-01T23:00:00Z");
        // 10 000 hours: 416 days and 16 hours, 2026-02-21.
        assert_eq!(series_time(10_000), "2026-02-21T16:00:00Z");
        assert_eq!(
            window_query(24, 10),
            "from=2025-01-02T00:00:00Z&to=2025-01-02T09:00:00Z"
        );
    }

    #[test]
    fn the_scale_fixture_is_deterministic_and_has_its_size() {
        let a = scale_fixture(SMALL);
        assert_eq!(a, scale_fixture(SMALL));
        let v: serde_json::Value = serde_json::from_str(&a).unwrap();
        let groups = v["accounts"][0]["profile_groups"].as_array().unwrap();
        assert_eq!(groups.len(), 4);
        let sizes: Vec<usize> = groups
            .iter()
            .map(|g| g["profiles"].as_array().unwrap().len())
            .collect();
        assert_eq!(sizes, [12, 12, 12, 14]);
        let first = &groups[0]["profiles"];
        assert_eq!(first[0]["id"], "prof_s000000");
        assert_eq!(first[0]["stats"].as_array().unwrap().len(), 30);
        assert_eq!(first[1]["stats"].as_array().unwrap().len(), 5);
        assert_eq!(first[2]["stats"].as_array().unwrap().len(), 1);
        let last = groups[3]["profiles"].as_array().unwrap().last().unwrap();
        assert_eq!(last["id"], SMALL.last_profile());
        assert_eq!(SMALL.last_profile(), "prof_s000049");
    }

    #[test]
    fn the_full_scale_fixture_has_100_profiles_per_group() {
        assert_eq!(Scale::FULL.group_size(), 100);
        assert_eq!(Scale::FULL.last_profile(), "prof_s099999");
    }

    #[test]
    fn generated_fixtures_are_valid_mock_fixtures() {
        use postproxy_mock_server::Fixtures;
        Fixtures::from_json(&scale_fixture(SMALL)).unwrap();
        Fixtures::from_json(&tiny_fixture()).unwrap();
        let with_series = demo_with_series(Fixtures::demo_json(), 48).unwrap();
        let fixtures = Fixtures::from_json(&with_series).unwrap();
        // The demo account is untouched.
        assert_eq!(fixtures.accounts[0], Fixtures::demo().accounts[0]);
        assert_eq!(fixtures.accounts.len(), Fixtures::demo().accounts.len() + 1);
    }
}
