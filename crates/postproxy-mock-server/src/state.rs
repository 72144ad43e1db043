//! The mock's in-memory state and every rule of the API applied to it: authentication, scoping,
//! profile resolution, stats rollups, group changes, connection invitations and idempotency.
//!
//! Each operation checks everything before it changes anything, so a rejected request leaves
//! the state as it was. [`Store`] is plain data; [`crate::api::MockApi`] keeps it behind a lock.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use axum::http::StatusCode;
use postproxy_models::{
    InitializeConnectionRequest, LatestStats, Placement, Platform, Profile, ProfileDetail,
    ProfileGroup, ProfileStats, Stats, StatsRecord, SummaryStats,
};
use serde_json::{Map, Number, Value};
use time::OffsetDateTime;

use crate::auth::{self, ApiKey, Principal, Scope};
use crate::error::ApiError;
use crate::fixtures::{has_placements, parse_timestamp, stats_per_placement, Fixtures};

/// The platforms initialize_connection supports (the OAuth networks of the reference).
pub const CONNECTABLE_PLATFORMS: [Platform; 7] = [
    Platform::Facebook,
    Platform::Instagram,
    Platform::Tiktok,
    Platform::Linkedin,
    Platform::Youtube,
    Platform::Twitter,
    Platform::Threads,
];

/// How long a successful response is replayed for the same `Idempotency-Key`.
pub const IDEMPOTENCY_TTL: Duration = Duration::from_secs(24 * 60 * 60);

/// Deterministic ids: a SplitMix64 stream rendered in base 36.
#[derive(Debug, Clone)]
pub struct IdGenerator {
    state: u64,
}

impl IdGenerator {
    /// A stream determined by `seed`.
    pub fn new(seed: u64) -> Self {
        Self { state: seed }
    }

    fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// `prefix` followed by `len` base-36 characters.
    pub fn next_id(&mut self, prefix: &str, len: usize) -> String {
        const ALPHABET: &[u8; 36] = b"0123456789abcdefghijklmnopqrstuvwxyz";
        let mut id = String::with_capacity(prefix.len() + len);
        id.push_str(prefix);
        let mut bits = self.next_u64();
        let mut left = 12; // 36^12 < 2^64: twelve digits per draw
        for _ in 0..len {
            if left == 0 {
                bits = self.next_u64();
                left = 12;
            }
            id.push(char::from(ALPHABET[(bits % 36) as usize]));
            bits /= 36;
            left -= 1;
        }
        id
    }
}

#[derive(Debug, Clone)]
struct GroupRow {
    account_id: String,
    id: String,
    name: String,
}

#[derive(Debug, Clone)]
struct Snapshot {
    placement_id: Option<String>,
    stats: Map<String, Value>,
    recorded_at: String,
    at: OffsetDateTime,
}

#[derive(Debug, Clone)]
struct ProfileRow {
    account_id: String,
    profile: Profile,
    placements: Vec<Placement>,
    /// Sorted by time at load (stably: equal times keep fixture order), never changed after.
    snapshots: Vec<Snapshot>,
}

/// Positions in [`Store`]'s profiles by profile id and by group, so lookups cost the same
/// whatever the number of profiles. Profiles are only ever removed, never added: the index is
/// rebuilt after each removal.
#[derive(Debug, Clone, Default)]
struct ProfileIndex {
    /// Profile ids are unique across accounts (fixtures are validated).
    by_id: HashMap<String, usize>,
    /// Each group's profiles, in list order.
    by_group: HashMap<String, Vec<usize>>,
}

impl ProfileIndex {
    fn build(profiles: &[ProfileRow]) -> Self {
        let mut index = Self::default();
        for (i, row) in profiles.iter().enumerate() {
            index.by_id.insert(row.profile.id.clone(), i);
            let group = row.profile.profile_group_id.clone();
            index.by_group.entry(group).or_default().push(i);
        }
        index
    }
}

/// A connection invitation created by initialize_connection.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Connection {
    /// The token in the connect URL.
    pub token: String,
    /// The group a profile would be connected to.
    pub profile_group_id: String,
    /// The network.
    pub platform: Platform,
    /// Where the user is sent after the OAuth flow.
    pub redirect_url: String,
    #[serde(skip)]
    account_id: String,
}

/// A successful response kept for replay under an `Idempotency-Key`. Kept as JSON so one
/// store serves every operation; the fingerprint (method, path, body) ties a key to one
/// operation, so a replay always deserialises into that operation's body type.
#[derive(Debug, Clone)]
struct IdempotencyEntry {
    fingerprint: String,
    response: Value,
    at: Instant,
}

/// The whole state of one mock server.
#[derive(Debug, Clone)]
pub struct Store {
    keys: Vec<ApiKey>,
    groups: Vec<GroupRow>,
    profiles: Vec<ProfileRow>,
    index: ProfileIndex,
    connections: Vec<Connection>,
    group_ids: IdGenerator,
    tokens: IdGenerator,
    idempotency: HashMap<(String, String), IdempotencyEntry>,
}

fn not_found() -> ApiError {
    ApiError::not_found()
}

fn unprocessable(message: impl Into<String>) -> ApiError {
    ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, message)
}

/// A query parameter that SDKs may send with an empty value, which means "not given".
fn given(value: Option<&str>) -> Option<&str> {
    value.filter(|v| !v.is_empty())
}

impl Store {
    /// The state described by validated `fixtures`, with ids generated from `seed`.
    pub fn new(fixtures: &Fixtures, seed: u64) -> Self {
        let mut store = Self {
            keys: Vec::new(),
            groups: Vec::new(),
            profiles: Vec::new(),
            index: ProfileIndex::default(),
            connections: Vec::new(),
            group_ids: IdGenerator::new(seed),
            tokens: IdGenerator::new(seed ^ 0x5DEE_CE66_D1CE_4E5B),
            idempotency: HashMap::new(),
        };
        for account in &fixtures.accounts {
            for key in &account.api_keys {
                store.keys.push(ApiKey {
                    key: key.key.clone(),
                    principal: Principal {
                        account_id: account.id.clone(),
                        scope: match &key.profile_group_id {
                            Some(group) => Scope::Group(group.clone()),
                            None => Scope::FullAccess,
                        },
                    },
                });
            }
            for group in &account.profile_groups {
                store.groups.push(GroupRow {
                    account_id: account.id.clone(),
                    id: group.id.clone(),
                    name: group.name.clone(),
                });
                for p in &group.profiles {
                    let mut snapshots: Vec<Snapshot> = p
                        .stats
                        .iter()
                        .filter_map(|s| {
                            // Validated fixtures always parse; an unparsable one is skipped.
                            Some(Snapshot {
                                placement_id: s.placement_id.clone(),
                                stats: s.stats.clone(),
                                recorded_at: s.recorded_at.clone(),
                                at: parse_timestamp(&s.recorded_at)?,
                            })
                        })
                        .collect();
                    snapshots.sort_by_key(|s| s.at);
                    store.profiles.push(ProfileRow {
                        account_id: account.id.clone(),
                        profile: Profile {
                            id: p.id.clone(),
                            name: p.name.clone(),
                            status: p.status,
                            platform: p.platform,
                            profile_group_id: group.id.clone(),
                            expires_at: p.expires_at.clone(),
                            post_count: p.post_count,
                            avatar_url: p.avatar_url.clone(),
                        },
                        placements: p.placements.clone(),
                        snapshots,
                    });
                }
            }
        }
        store.index = ProfileIndex::build(&store.profiles);
        store
    }

    /// Every API key, in fixture order.
    pub fn api_keys(&self) -> &[ApiKey] {
        &self.keys
    }

    /// The principal of a bearer token; 401 `Invalid API key` if missing or unknown.
    pub fn authenticate(&self, token: Option<&str>) -> Result<Principal, ApiError> {
        let token = token.ok_or_else(auth::invalid_api_key)?;
        self.keys
            .iter()
            .find(|k| k.key == token)
            .map(|k| k.principal.clone())
            .ok_or_else(auth::invalid_api_key)
    }

    fn profiles_count(&self, group_id: &str) -> i64 {
        let n = self.index.by_group.get(group_id).map_or(0, Vec::len);
        i64::try_from(n).unwrap_or(i64::MAX)
    }

    fn group_view(&self, group: &GroupRow) -> ProfileGroup {
        ProfileGroup {
            id: group.id.clone(),
            name: group.name.clone(),
            profiles_count: self.profiles_count(&group.id),
        }
    }

    fn accessible_group(&self, who: &Principal, id: &str) -> Result<&GroupRow, ApiError> {
        self.groups
            .iter()
            .find(|g| g.id == id && who.can_access(&g.account_id, &g.id))
            .ok_or_else(not_found)
    }

    /// list_profile_groups: every group the key can access.
    pub fn list_groups(&self, who: &Principal) -> Vec<ProfileGroup> {
        self.groups
            .iter()
            .filter(|g| who.can_access(&g.account_id, &g.id))
            .map(|g| self.group_view(g))
            .collect()
    }

    /// get_profile_group.
    pub fn get_group(&self, who: &Principal, id: &str) -> Result<ProfileGroup, ApiError> {
        let group = self.accessible_group(who, id)?;
        Ok(self.group_view(group))
    }

    /// create_profile_group: the nested `profile_group.name` if given, else the flat `name`.
    pub fn create_group(
        &mut self,
        who: &Principal,
        body: &postproxy_models::CreateProfileGroupRequest,
    ) -> Result<ProfileGroup, ApiError> {
        if !who.can_manage_groups() {
            return Err(auth::no_permission());
        }
        let name = body
            .profile_group
            .as_ref()
            .and_then(|g| g.name.as_deref())
            .or(body.name.as_deref())
            .filter(|n| !n.trim().is_empty())
            .ok_or_else(|| unprocessable("Name can't be blank"))?;
        let id = loop {
            let id = self.group_ids.next_id("grp_", 10);
            if !self.groups.iter().any(|g| g.id == id) {
                break id;
            }
        };
        let row = GroupRow {
            account_id: who.account_id.clone(),
            id,
            name: name.to_string(),
        };
        let view = self.group_view(&row);
        self.groups.push(row);
        Ok(view)
    }

    /// delete_profile_group: removes the group and its profiles.
    pub fn delete_group(&mut self, who: &Principal, id: &str) -> Result<(), ApiError> {
        if !who.can_manage_groups() {
            return Err(auth::no_permission());
        }
        self.accessible_group(who, id)?;
        self.groups.retain(|g| g.id != id);
        let before = self.profiles.len();
        self.profiles.retain(|p| p.profile.profile_group_id != id);
        if self.profiles.len() != before {
            self.index = ProfileIndex::build(&self.profiles);
        }
        Ok(())
    }

    /// list_profiles, restricted to `profile_group_id` when given (404 if not accessible).
    pub fn list_profiles(
        &self,
        who: &Principal,
        profile_group_id: Option<&str>,
    ) -> Result<Vec<Profile>, ApiError> {
        let only = match given(profile_group_id) {
            Some(group) => Some(self.accessible_group(who, group)?.id.as_str()),
            None => None,
        };
        let visible = |p: &&ProfileRow| who.can_access(&p.account_id, &p.profile.profile_group_id);
        Ok(match only {
            Some(group) => self
                .index
                .by_group
                .get(group)
                .map_or(&[][..], Vec::as_slice)
                .iter()
                .map(|&i| &self.profiles[i])
                .filter(visible)
                .map(|p| p.profile.clone())
                .collect(),
            None => self
                .profiles
                .iter()
                .filter(visible)
                .map(|p| p.profile.clone())
                .collect(),
        })
    }

    /// Profile resolution: with `profile_group_id` the profile must belong to that group;
    /// without it, to any group the key can access. Otherwise 404.
    fn resolve(
        &self,
        who: &Principal,
        id: &str,
        profile_group_id: Option<&str>,
    ) -> Result<usize, ApiError> {
        self.index
            .by_id
            .get(id)
            .copied()
            .filter(|&i| {
                let p = &self.profiles[i];
                who.can_access(&p.account_id, &p.profile.profile_group_id)
                    && given(profile_group_id).is_none_or(|g| g == p.profile.profile_group_id)
            })
            .ok_or_else(not_found)
    }

    /// get_profile: the profile with `latest_stats` and `summary_stats`.
    pub fn get_profile(
        &self,
        who: &Principal,
        id: &str,
        profile_group_id: Option<&str>,
    ) -> Result<ProfileDetail, ApiError> {
        let row = &self.profiles[self.resolve(who, id, profile_group_id)?];
        let latest = latest_stats(row);
        let summary = if stats_per_placement(row.profile.platform) {
            summary_stats(&latest)
        } else {
            None
        };
        let p = &row.profile;
        Ok(ProfileDetail {
            id: p.id.clone(),
            name: p.name.clone(),
            status: p.status,
            platform: p.platform,
            profile_group_id: p.profile_group_id.clone(),
            expires_at: p.expires_at.clone(),
            post_count: p.post_count,
            avatar_url: p.avatar_url.clone(),
            latest_stats: latest
                .into_iter()
                .map(|s| LatestStats {
                    placement_id: s.placement_id.clone(),
                    stats: Stats(s.stats.clone()),
                    recorded_at: s.recorded_at.clone(),
                })
                .collect(),
            summary_stats: summary,
        })
    }

    /// list_profile_placements; 422 for networks without placements.
    pub fn placements(
        &self,
        who: &Principal,
        id: &str,
        profile_group_id: Option<&str>,
    ) -> Result<Vec<Placement>, ApiError> {
        let row = &self.profiles[self.resolve(who, id, profile_group_id)?];
        let platform = row.profile.platform;
        if !has_placements(platform) {
            return Err(unprocessable(format!(
                "Placements are not available for {platform} profiles; they are available for \
                 facebook, linkedin, pinterest, telegram and google_business profiles"
            )));
        }
        Ok(row.placements.clone())
    }

    /// get_profile_stats: the timeseries, ascending, within the inclusive `from`/`to` bounds.
    pub fn stats(
        &self,
        who: &Principal,
        id: &str,
        query: &crate::GetProfileStatsQuery,
    ) -> Result<ProfileStats, ApiError> {
        let row = &self.profiles[self.resolve(who, id, query.profile_group_id.as_deref())?];
        let bound = |name: &str, value: Option<&str>| -> Result<Option<OffsetDateTime>, ApiError> {
            match given(value) {
                None => Ok(None),
                Some(text) => parse_timestamp(text).map(Some).ok_or_else(|| {
                    ApiError::bad_request(format!("Invalid {name}: expected an ISO 8601 timestamp"))
                }),
            }
        };
        let from = bound("from", query.from.as_deref())?;
        let to = bound("to", query.to.as_deref())?;
        let platform = row.profile.platform;
        let placement_id = if stats_per_placement(platform) {
            let wanted = given(query.placement_id.as_deref()).ok_or_else(|| {
                ApiError::bad_request(format!("placement_id is required for {platform} profiles"))
            })?;
            if !row
                .placements
                .iter()
                .any(|p| p.id.as_deref() == Some(wanted))
            {
                return Err(ApiError::new(StatusCode::NOT_FOUND, "Placement not found"));
            }
            Some(wanted.to_string())
        } else {
            None
        };
        // The snapshots are sorted by time: the window is found by binary search, so its cost
        // follows the records in it, not the length of the series.
        let series = &row.snapshots;
        let start = from.map_or(0, |f| series.partition_point(|s| s.at < f));
        let end = to.map_or(series.len(), |t| series.partition_point(|s| s.at <= t));
        let records: Vec<&Snapshot> = series[start..end.max(start)]
            .iter()
            .filter(|s| placement_id.is_none() || s.placement_id == placement_id)
            .collect();
        Ok(ProfileStats {
            profile_id: row.profile.id.clone(),
            platform,
            placement_id,
            records: records
                .into_iter()
                .map(|s| StatsRecord {
                    raw_stats: Map::new(),
                    recorded_at: s.recorded_at.clone(),
                    stats: Stats(s.stats.clone()),
                })
                .collect(),
        })
    }

    /// delete_profile.
    pub fn delete_profile(
        &mut self,
        who: &Principal,
        id: &str,
        profile_group_id: Option<&str>,
    ) -> Result<(), ApiError> {
        let index = self.resolve(who, id, profile_group_id)?;
        self.profiles.remove(index);
        self.index = ProfileIndex::build(&self.profiles);
        Ok(())
    }

    /// initialize_connection: records an invitation and returns its token.
    pub fn initialize_connection(
        &mut self,
        who: &Principal,
        group_id: &str,
        body: &InitializeConnectionRequest,
    ) -> Result<Connection, ApiError> {
        let group = self.accessible_group(who, group_id)?.id.clone();
        let platform = body
            .platform
            .as_deref()
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .ok_or_else(|| unprocessable("Missing platform"))?;
        let supported = platform
            .parse::<Platform>()
            .ok()
            .filter(|p| CONNECTABLE_PLATFORMS.contains(p))
            .ok_or_else(|| {
                unprocessable(format!(
                    "Unsupported platform: {}. Supported platforms: facebook, instagram, \
                     tiktok, linkedin, youtube, twitter, threads",
                    truncate(platform, 64)
                ))
            })?;
        let redirect_url = body
            .redirect_url
            .as_deref()
            .map(str::trim)
            .filter(|u| !u.is_empty())
            .ok_or_else(|| unprocessable("Missing redirect_url"))?;
        let refresh = body.refresh_connection == Some(true);
        if !refresh
            && self
                .profiles
                .iter()
                .any(|p| p.profile.profile_group_id == group && p.profile.platform == supported)
        {
            return Err(unprocessable("Platform already connected"));
        }
        let token = loop {
            let token = self.tokens.next_id("inv_", 16);
            if !self.connections.iter().any(|c| c.token == token) {
                break token;
            }
        };
        let connection = Connection {
            token,
            profile_group_id: group,
            platform: supported,
            redirect_url: redirect_url.to_string(),
            account_id: who.account_id.clone(),
        };
        self.connections.push(connection.clone());
        Ok(connection)
    }

    /// A pending connection invitation by its token.
    pub fn connection(&self, token: &str) -> Option<&Connection> {
        self.connections.iter().find(|c| c.token == token)
    }

    /// Runs `operation` under an optional `Idempotency-Key`: a key already used by this account
    /// for the same request (`fingerprint`) within [`IDEMPOTENCY_TTL`] replays the first
    /// successful response without running `operation`; used for a different request it is 422.
    /// Only successful responses are kept.
    pub fn idempotent<T: serde::Serialize + serde::de::DeserializeOwned>(
        &mut self,
        who: &Principal,
        key: Option<&str>,
        fingerprint: String,
        operation: impl FnOnce(&mut Self) -> Result<T, ApiError>,
    ) -> Result<T, ApiError> {
        let Some(key) = key else {
            return operation(self);
        };
        let slot = (who.account_id.clone(), key.to_string());
        if let Some(entry) = self.idempotency.get(&slot) {
            if entry.at.elapsed() < IDEMPOTENCY_TTL {
                if entry.fingerprint != fingerprint {
                    return Err(unprocessable(
                        "Idempotency-Key has already been used with a different request",
                    ));
                }
                return serde_json::from_value(entry.response.clone()).map_err(|_| {
                    ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "Internal server error")
                });
            }
        }
        let response = operation(self)?;
        // Our response types always serialise; one that did not would just not be replayed.
        if let Ok(value) = serde_json::to_value(&response) {
            self.idempotency.insert(
                slot,
                IdempotencyEntry {
                    fingerprint,
                    response: value,
                    at: Instant::now(),
                },
            );
        }
        Ok(response)
    }
}

fn truncate(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_string(),
    }
}

/// The newest snapshot of each placement (in placement order) for per-placement networks, or
/// the newest snapshot overall otherwise. On equal timestamps the one listed last wins.
fn latest_stats(row: &ProfileRow) -> Vec<&Snapshot> {
    let newest = |placement: Option<&str>| {
        row.snapshots
            .iter()
            .rev()
            .find(|s| placement.is_none() || s.placement_id.as_deref() == placement)
    };
    if stats_per_placement(row.profile.platform) {
        row.placements
            .iter()
            .filter_map(|p| p.id.as_deref())
            .filter_map(|id| newest(Some(id)))
            .collect()
    } else {
        newest(None).into_iter().collect()
    }
}

/// Numeric values summed across `latest` (keys in first-seen order), non-numeric values dropped,
/// `recorded_at` the newest included; `None` without snapshots.
fn summary_stats(latest: &[&Snapshot]) -> Option<SummaryStats> {
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

fn add(a: &Number, b: &Number) -> Number {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sums_integers_exactly_and_falls_back_to_floats() {
        assert_eq!(add(&4567.into(), &1200.into()), Number::from(5767));
        assert_eq!(add(&(-3).into(), &5.into()), Number::from(2));
        assert_eq!(add(&u64::MAX.into(), &0.into()), Number::from(u64::MAX));
        assert_eq!(
            add(&i64::MAX.into(), &i64::MAX.into()),
            Number::from(u64::MAX - 1)
        );
        let overflow = add(&u64::MAX.into(), &1.into());
        assert!(overflow.is_f64(), "{overflow}");
        let float = add(
            &Number::from_f64(0.5).unwrap(),
            &Number::from_f64(0.25).unwrap(),
        );
        assert_eq!(float.as_f64(), Some(0.75));
    }

    #[test]
    fn lookups_by_id_and_group_follow_removals() {
        let mut store = Store::new(&Fixtures::demo(), 0);
        let who = store
            .authenticate(Some(crate::DEMO_FULL_ACCESS_KEY))
            .unwrap();
        let resolves_all = |store: &Store| {
            for p in store.list_profiles(&who, None).unwrap() {
                assert_eq!(store.get_profile(&who, &p.id, None).unwrap().id, p.id);
                let group = store
                    .list_profiles(&who, Some(&p.profile_group_id))
                    .unwrap();
                assert!(group
                    .iter()
                    .all(|q| q.profile_group_id == p.profile_group_id));
                let count = store.get_group(&who, &p.profile_group_id).unwrap();
                assert_eq!(count.profiles_count, i64::try_from(group.len()).unwrap());
            }
        };
        resolves_all(&store);
        // The first profile of the list goes: every later position shifts.
        store.delete_profile(&who, "prof123abc", None).unwrap();
        assert!(store.get_profile(&who, "prof123abc", None).is_err());
        assert_eq!(
            store.list_profiles(&who, Some("grp456xyz")).unwrap().len(),
            4
        );
        resolves_all(&store);
        store.delete_group(&who, "grp123abc").unwrap();
        assert!(store.get_profile(&who, "prof_th_001", None).is_err());
        resolves_all(&store);
    }

    #[test]
    fn stats_windows_of_an_unordered_series_are_ascending_and_inclusive() {
        // Hours 0..40 listed out of order, with hour 7 twice (the first listed comes first).
        let mut stats: Vec<serde_json::Value> = (0..40u32)
            .map(|h| (h * 17) % 40)
            .map(|h| {
                serde_json::json!({
                    "stats": {"h": h},
                    "recorded_at": format!("2026-01-0{}T{:02}:00:00Z", 1 + h / 24, h % 24),
                })
            })
            .collect();
        stats.push(serde_json::json!({"stats": {"h": 7, "dup": true}, "recorded_at": "2026-01-01T07:00:00Z"}));
        let fixtures = Fixtures::from_json(
            &serde_json::json!({"accounts": [{"id": "a", "api_keys": [{"key": "k"}],
                "profile_groups": [{"id": "g", "name": "G", "profiles": [{"id": "p",
                "name": "P", "platform": "twitter", "status": "active", "stats": stats}]}]}]})
            .to_string(),
        )
        .unwrap();
        let store = Store::new(&fixtures, 0);
        let who = store.authenticate(Some("k")).unwrap();
        let window = |from: Option<&str>, to: Option<&str>| -> Vec<String> {
            let query = crate::GetProfileStatsQuery {
                from: from.map(String::from),
                to: to.map(String::from),
                ..Default::default()
            };
            let stats = store.stats(&who, "p", &query).unwrap();
            stats
                .records
                .iter()
                .map(|r| r.stats.0.to_owned())
                .map(|m| serde_json::Value::Object(m).to_string())
                .collect()
        };
        let all = window(None, None);
        assert_eq!(all.len(), 41);
        assert_eq!(all[7], r#"{"h":7}"#);
        assert_eq!(all[8], r#"{"dup":true,"h":7}"#);
        let some = window(
            Some("2026-01-01T06:00:00Z"),
            Some("2026-01-01T09:00:00+00:00"),
        );
        assert_eq!(
            some,
            [
                r#"{"h":6}"#,
                r#"{"h":7}"#,
                r#"{"dup":true,"h":7}"#,
                r#"{"h":8}"#,
                r#"{"h":9}"#
            ]
        );
        assert_eq!(window(Some("2026-01-02T15:00:00Z"), None), [r#"{"h":39}"#]);
        assert_eq!(window(None, Some("2026-01-01T00:59:59Z")), [r#"{"h":0}"#]);
        assert!(window(Some("2026-01-01T09:00:00Z"), Some("2026-01-01T06:00:00Z")).is_empty());
        let latest = store.get_profile(&who, "p", None).unwrap().latest_stats;
        assert_eq!(latest.len(), 1);
        assert_eq!(latest[0].recorded_at, "2026-01-02T15:00:00Z");
    }

    #[test]
    fn ids_are_prefixed_base36_and_seeded() {
        let mut a = IdGenerator::new(1);
        let mut b = IdGenerator::new(1);
        let id = a.next_id("grp_", 10);
        assert_eq!(id, b.next_id("grp_", 10));
        assert_eq!(id.len(), 14);
        assert!(id[4..]
            .chars()
            .all(|c| c.is_ascii_digit() || c.is_ascii_lowercase()));
        assert_ne!(id, a.next_id("grp_", 10));
        assert_eq!(a.next_id("inv_", 30).len(), 34);
    }
}
