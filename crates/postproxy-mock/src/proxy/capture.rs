//! `--record`: what the answers passing through show of the account, kept as they pass (only
//! answers that keep the contract), written as a fixture at shutdown (`save`).
//!
//! - groups: from list_profile_groups, get_profile_group and create_profile_group (201);
//!   delete_profile_group (200) forgets the group and its profiles;
//! - profiles: from list_profiles and get_profile; delete_profile (200) forgets one;
//! - placements: a profile's, from list_profile_placements (the last list wins);
//! - stats: each series' records from get_profile_stats, merged by `recorded_at` (the records
//!   of an answer replace those kept at the same instants), and get_profile's `latest_stats`
//!   where the series has nothing at that instant.
//!
//! The order of the lists is kept: the objects a list names take its order among themselves,
//! as a block where the first of them was (a list of a scoped key, or of one group's profiles,
//! moves nothing else); an object first seen elsewhere comes last. Everything is bounded by the mock's own caps (groups, profiles, placements and
//! snapshots per profile) and [`MAX_SNAPSHOTS`] in all; what would pass a cap is counted and
//! left out.

use std::collections::{HashMap, HashSet};
use std::sync::Mutex;

use postproxy_mock_server::fixtures::parse_timestamp;
use postproxy_mock_server::limits::{MAX_GROUPS, MAX_PLACEMENTS, MAX_PROFILES};
use postproxy_models::{
    Placement, PlacementList, Platform, Profile, ProfileDetail, ProfileGroup, ProfileGroupList,
    ProfileInactiveReason, ProfileList, ProfileStatsResponse, ProfileStatus,
};
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

/// The most stats snapshots kept across all profiles.
pub const MAX_SNAPSHOTS: usize = 1_000_000;

/// What the answers showed so far.
#[derive(Default)]
pub(super) struct Capture {
    seen: Mutex<Seen>,
}

/// An answer to take in: its operation, the `{id}` of its path, status, body and `Date`.
pub(super) struct Answer<'a> {
    pub(super) operation: &'a str,
    pub(super) id: Option<String>,
    pub(super) status: u16,
    pub(super) body: &'a [u8],
    pub(super) date: Option<&'a str>,
}

#[derive(Default)]
pub(super) struct Seen {
    pub(super) groups: HashMap<String, GroupSeen>,
    /// The group ids in list order.
    pub(super) group_order: Vec<String>,
    pub(super) profiles: HashMap<String, ProfileSeen>,
    /// The profile ids in list order.
    pub(super) profile_order: Vec<String>,
    /// By profile id.
    pub(super) placements: HashMap<String, Vec<Placement>>,
    /// By profile id: every record of every placement, sorted by time.
    pub(super) series: HashMap<String, Vec<Snap>>,
    snapshots: usize,
    /// Objects not kept because a cap was reached.
    pub(super) left_out: u64,
    /// Stats records that carried `raw_stats`, which proxy does not carry.
    pub(super) raw_stats: u64,
    /// The `Date` of the last answer taken in.
    pub(super) last_date: Option<String>,
}

pub(super) struct GroupSeen {
    pub(super) name: String,
}

pub(super) struct ProfileSeen {
    pub(super) id: String,
    pub(super) name: String,
    pub(super) platform: Platform,
    pub(super) status: ProfileStatus,
    pub(super) expires_at: Option<String>,
    pub(super) post_count: i64,
    pub(super) avatar_url: Option<String>,
    pub(super) group: String,
    /// The fields only the official SDKs read, as the answer had them.
    pub(super) username: Option<String>,
    pub(super) platform_id: Option<String>,
    pub(super) platform_url: Option<String>,
    pub(super) inactive_reason: Option<ProfileInactiveReason>,
    pub(super) placements_sync_status: Option<String>,
}

pub(super) struct Snap {
    pub(super) placement_id: Option<String>,
    /// Nanoseconds since the epoch.
    at: i128,
    pub(super) recorded_at: String,
    pub(super) stats: Map<String, Value>,
}

impl Capture {
    /// Takes in an answer that kept the contract.
    pub(super) fn take(&self, answer: &Answer<'_>) {
        let mut seen = self
            .seen
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if seen.take(answer) {
            if let Some(date) = answer.date {
                seen.last_date = Some(date.to_string());
            }
        }
    }

    /// Everything seen, leaving the capture empty.
    pub(super) fn take_all(&self) -> Seen {
        let mut seen = self
            .seen
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        std::mem::take(&mut *seen)
    }
}

fn parse<T: DeserializeOwned>(body: &[u8]) -> Option<T> {
    serde_json::from_slice(body).ok()
}

impl Seen {
    /// Takes in one answer; whether it showed anything.
    fn take(&mut self, answer: &Answer<'_>) -> bool {
        let id = answer.id.as_deref().unwrap_or_default();
        match (answer.operation, answer.status) {
            ("list_profile_groups", 200) => parse::<ProfileGroupList>(answer.body)
                .map(|list| {
                    let ids: Vec<String> = list.data.iter().map(|g| g.id.clone()).collect();
                    list.data.into_iter().for_each(|g| self.group(g));
                    reorder(&mut self.group_order, &ids, &self.groups);
                })
                .is_some(),
            ("get_profile_group", 200) | ("create_profile_group", 201) => {
                parse::<ProfileGroup>(answer.body)
                    .map(|g| self.group(g))
                    .is_some()
            }
            ("delete_profile_group", 200) => {
                self.forget_group(id);
                true
            }
            ("list_profiles", 200) => parse::<ProfileList>(answer.body)
                .map(|list| {
                    let ids: Vec<String> = list.data.iter().map(|p| p.id.clone()).collect();
                    list.data.into_iter().for_each(|p| self.profile(p));
                    reorder(&mut self.profile_order, &ids, &self.profiles);
                })
                .is_some(),
            ("get_profile", 200) => parse::<ProfileDetail>(answer.body)
                .map(|p| self.profile_detail(p))
                .is_some(),
            ("delete_profile", 200) => {
                self.forget_profile(id);
                true
            }
            ("list_profile_placements", 200) => parse::<PlacementList>(answer.body)
                .map(|list| self.placements(id, list.data))
                .is_some(),
            ("get_profile_stats", 200) => parse::<ProfileStatsResponse>(answer.body)
                .map(|stats| self.stats(stats))
                .is_some(),
            _ => false,
        }
    }

    fn group(&mut self, group: ProfileGroup) {
        let seen = GroupSeen { name: group.name };
        if let Some(had) = self.groups.get_mut(&group.id) {
            *had = seen;
        } else if self.groups.len() >= MAX_GROUPS {
            self.left_out += 1;
        } else {
            self.group_order.push(group.id.clone());
            self.groups.insert(group.id, seen);
        }
    }

    fn forget_group(&mut self, id: &str) {
        if self.groups.remove(id).is_some() {
            self.group_order.retain(|g| g != id);
        }
        let gone: Vec<String> = self
            .profiles
            .values()
            .filter(|p| p.group == id)
            .map(|p| p.id.clone())
            .collect();
        for profile in gone {
            self.forget_profile(&profile);
        }
    }

    fn forget_profile(&mut self, id: &str) {
        if self.profiles.remove(id).is_some() {
            self.profile_order.retain(|p| p != id);
        }
        self.placements.remove(id);
        if let Some(series) = self.series.remove(id) {
            self.snapshots -= series.len();
        }
    }

    fn profile(&mut self, p: Profile) {
        let known = self.profiles.contains_key(&p.id);
        if !known && self.profiles.len() >= MAX_PROFILES {
            self.left_out += 1;
            return;
        }
        if !known {
            self.profile_order.push(p.id.clone());
        }
        let seen = ProfileSeen {
            id: p.id.clone(),
            name: p.name,
            platform: p.platform,
            status: p.status,
            expires_at: p.expires_at,
            post_count: p.post_count,
            avatar_url: p.avatar_url,
            group: p.profile_group_id,
            username: p.username,
            platform_id: p.platform_id,
            platform_url: p.platform_url,
            inactive_reason: p.inactive_reason,
            placements_sync_status: p.placements_sync_status,
        };
        self.profiles.insert(p.id, seen);
    }

    fn profile_detail(&mut self, p: ProfileDetail) {
        let id = p.id.clone();
        let latest = p.latest_stats;
        self.profile(Profile {
            avatar_url: p.avatar_url,
            expires_at: p.expires_at,
            id: p.id,
            name: p.name,
            platform: p.platform,
            post_count: p.post_count,
            profile_group_id: p.profile_group_id,
            status: p.status,
            username: p.username,
            platform_id: p.platform_id,
            platform_url: p.platform_url,
            inactive_reason: p.inactive_reason,
            placements_sync_status: p.placements_sync_status,
        });
        if !self.profiles.contains_key(&id) {
            return;
        }
        let snaps = latest
            .into_iter()
            .filter_map(|l| snap(l.placement_id, l.recorded_at, l.stats.0))
            .collect();
        self.merge(&id, snaps, false);
    }

    fn placements(&mut self, profile: &str, mut placements: Vec<Placement>) {
        if placements.len() > MAX_PLACEMENTS {
            self.left_out += (placements.len() - MAX_PLACEMENTS) as u64;
            placements.truncate(MAX_PLACEMENTS);
        }
        self.placements.insert(profile.to_string(), placements);
    }

    fn stats(&mut self, stats: ProfileStatsResponse) {
        let series = stats.data;
        let placement = series.placement_id;
        let mut snaps = Vec::with_capacity(series.records.len());
        for record in series.records {
            self.raw_stats += u64::from(!record.raw_stats.is_empty());
            snaps.extend(snap(placement.clone(), record.recorded_at, record.stats.0));
        }
        self.merge(&series.profile_id, snaps, true);
    }

    /// Merges records of one profile into its series: with `replace`, those at the instants
    /// of `snaps` (per placement) are replaced; otherwise a record is added only where the
    /// series has none at its instant.
    fn merge(&mut self, profile: &str, mut snaps: Vec<Snap>, replace: bool) {
        let series = self.series.entry(profile.to_string()).or_default();
        let before = series.len();
        let key = |s: &Snap| (s.placement_id.clone(), s.at);
        if replace {
            let instants: HashSet<_> = snaps.iter().map(key).collect();
            series.retain(|kept| !instants.contains(&key(kept)));
        } else {
            let instants: HashSet<_> = series.iter().map(key).collect();
            snaps.retain(|s| !instants.contains(&key(s)));
        }
        // Across all profiles, after what was replaced.
        let total = self.snapshots - (before - series.len());
        let room = (postproxy_mock_server::limits::MAX_SNAPSHOTS.saturating_sub(series.len()))
            .min(MAX_SNAPSHOTS.saturating_sub(total));
        if snaps.len() > room {
            self.left_out += (snaps.len() - room) as u64;
            snaps.truncate(room);
        }
        self.snapshots = total + snaps.len();
        series.extend(snaps);
        // Stable: records at one instant keep their order.
        series.sort_by_key(|s| s.at);
    }
}

/// Puts the `listed` ids that are kept in `order` in their listed order, as a block where the
/// first of them was.
fn reorder<T>(order: &mut Vec<String>, listed: &[String], kept: &HashMap<String, T>) {
    let mut named: HashSet<&str> = HashSet::with_capacity(listed.len());
    let block: Vec<String> = listed
        .iter()
        .filter(|id| kept.contains_key(*id) && named.insert(id.as_str()))
        .cloned()
        .collect();
    if block.len() < 2 {
        return;
    }
    let at = order
        .iter()
        .position(|id| named.contains(id.as_str()))
        .unwrap_or(order.len());
    order.retain(|id| !named.contains(id.as_str()));
    order.splice(at..at, block);
}

fn snap(
    placement_id: Option<String>,
    recorded_at: String,
    stats: Map<String, Value>,
) -> Option<Snap> {
    let at = parse_timestamp(&recorded_at)?.unix_timestamp_nanos();
    Some(Snap {
        placement_id,
        at,
        recorded_at,
        stats,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn take(seen: &mut Seen, operation: &str, id: Option<&str>, body: Value) {
        let body = body.to_string();
        let answer = Answer {
            operation,
            id: id.map(str::to_string),
            status: if operation == "create_profile_group" {
                201
            } else {
                200
            },
            body: body.as_bytes(),
            date: None,
        };
        assert!(seen.take(&answer), "{operation} {body}");
    }

    fn stats(records: &[(&str, i64)]) -> Value {
        let records: Vec<Value> = records
            .iter()
            .map(|(at, n)| serde_json::json!({"recorded_at": at, "stats": {"n": n}, "raw_stats": {}}))
            .collect();
        serde_json::json!({"data": {"profile_id": "p1", "placement_id": null, "platform": "instagram", "records": records}})
    }

    fn group(id: &str) -> Value {
        serde_json::json!({"id": id, "name": id, "profiles_count": 0})
    }

    #[test]
    fn series_merge_by_instant_and_latest_stats_only_fill_gaps() {
        let mut seen = Seen::default();
        take(
            &mut seen,
            "get_profile_stats",
            Some("p1"),
            stats(&[("2026-01-01T00:00:00Z", 1), ("2026-01-02T00:00:00Z", 2)]),
        );
        take(
            &mut seen,
            "get_profile_stats",
            Some("p1"),
            stats(&[
                ("2026-01-02T00:00:00+00:00", 20),
                ("2026-01-03T00:00:00Z", 3),
            ]),
        );
        let values: Vec<&Value> = seen.series["p1"].iter().map(|s| &s.stats["n"]).collect();
        assert_eq!(values, [1, 20, 3]);
        assert_eq!(seen.snapshots, 3);
        seen.merge(
            "p1",
            snap(None, "2026-01-03T00:00:00Z".into(), Map::new())
                .into_iter()
                .collect(),
            false,
        );
        seen.merge(
            "p1",
            snap(None, "2026-01-04T00:00:00Z".into(), Map::new())
                .into_iter()
                .collect(),
            false,
        );
        assert_eq!(seen.series["p1"].len(), 4);
        seen.forget_profile("p1");
        assert_eq!(seen.snapshots, 0);
    }

    #[test]
    fn lists_order_what_they_name_and_deletes_forget() {
        let mut seen = Seen::default();
        let list = |ids: &[&str]| {
            let data: Vec<Value> = ids.iter().map(|id| group(id)).collect();
            serde_json::json!({ "data": data })
        };
        take(&mut seen, "get_profile_group", Some("c"), group("c"));
        take(&mut seen, "list_profile_groups", None, list(&["b", "a"]));
        take(&mut seen, "create_profile_group", None, group("d"));
        take(&mut seen, "get_profile_group", Some("b"), group("b"));
        assert_eq!(seen.group_order, ["c", "b", "a", "d"]);
        take(&mut seen, "list_profile_groups", None, list(&["d"]));
        assert_eq!(
            seen.group_order,
            ["c", "b", "a", "d"],
            "a list of one moves nothing"
        );
        take(
            &mut seen,
            "list_profile_groups",
            None,
            list(&["a", "d", "c"]),
        );
        assert_eq!(seen.group_order, ["a", "d", "c", "b"]);
        take(
            &mut seen,
            "delete_profile_group",
            Some("a"),
            serde_json::json!({"deleted": true}),
        );
        assert!(!seen.groups.contains_key("a"));
        assert_eq!(seen.group_order, ["d", "c", "b"]);
    }
}
