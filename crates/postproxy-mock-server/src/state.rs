//! The mock's in-memory state and every rule of the API applied to it: authentication, scoping,
//! profile resolution, stats rollups, group changes, connection invitations and idempotency.
//!
//! Each operation checks everything before it changes anything, so a rejected request leaves
//! the state as it was. [`Store`] is plain data; [`crate::api::MockApi`] keeps it behind a lock.

use std::collections::HashMap;

use axum::http::StatusCode;
use postproxy_models::{
    InitializeConnectionRequest, LatestStats, Placement, Platform, Profile, ProfileDetail,
    ProfileGroup, ProfileStats, Stats, StatsRecord, SummaryStats,
};
use serde_json::{Map, Number, Value};
use time::{Duration, OffsetDateTime};

use crate::auth::{self, ApiKey, Principal, Scope};
use crate::clock::Clock;
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
pub const IDEMPOTENCY_TTL: Duration = Duration::hours(24);

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
    snapshots: Vec<Snapshot>,
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
    at: OffsetDateTime,
}

/// The whole state of one mock server.
#[derive(Debug, Clone)]
pub struct Store {
    keys: Vec<ApiKey>,
    groups: Vec<GroupRow>,
    profiles: Vec<ProfileRow>,
    connections: Vec<Connection>,
    group_ids: IdGenerator,
    tokens: IdGenerator,
    idempotency: HashMap<(String, String), IdempotencyEntry>,
    clock: Clock,
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
            connections: Vec::new(),
            group_ids: IdGenerator::new(seed),
            tokens: IdGenerator::new(seed ^ 0x5DEE_CE66_D1CE_4E5B),
            idempotency: HashMap::new(),
            clock: Clock::real(),
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
                    let snapshots = p
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
        store
    }

    /// The clock that time-dependent rules read.
    pub fn clock(&self) -> &Clock {
        &self.clock
    }

    /// The clock, to freeze, set or advance.
    pub fn clock_mut(&mut self) -> &mut Clock {
        &mut self.clock
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
        let n = self
            .profiles
            .iter()
            .filter(|p| p.profile.profile_group_id == group_id)
            .count();
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
        self.profiles.retain(|p| p.profile.profile_group_id != id);
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
        Ok(self
            .profiles
            .iter()
            .filter(|p| who.can_access(&p.account_id, &p.profile.profile_group_id))
            .filter(|p| only.is_none_or(|g| g == p.profile.profile_group_id))
            .map(|p| p.profile.clone())
            .collect())
    }

    /// Profile resolution: with `profile_group_id` the profile must belong to that group;
    /// without it, to any group the key can access. Otherwise 404.
    fn resolve(
        &self,
        who: &Principal,
        id: &str,
        profile_group_id: Option<&str>,
    ) -> Result<usize, ApiError> {
        self.profiles
            .iter()
            .position(|p| {
                p.profile.id == id
                    && who.can_access(&p.account_id, &p.profile.profile_group_id)
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
        let mut records: Vec<&Snapshot> = row
            .snapshots
            .iter()
            .filter(|s| placement_id.is_none() || s.placement_id == placement_id)
            .filter(|s| from.is_none_or(|f| s.at >= f))
            .filter(|s| to.is_none_or(|t| s.at <= t))
            .collect();
        records.sort_by_key(|s| s.at);
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
        let now = self.clock.now();
        if let Some(entry) = self.idempotency.get(&slot) {
            if now - entry.at < IDEMPOTENCY_TTL {
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
                    at: now,
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
            .filter(|s| placement.is_none() || s.placement_id.as_deref() == placement)
            .max_by_key(|s| s.at)
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
    fn an_idempotency_key_is_replayed_for_24_hours_then_runs_again() {
        let mut store = Store::new(&Fixtures::demo(), 0);
        *store.clock_mut() = Clock::frozen_at(OffsetDateTime::UNIX_EPOCH);
        let who = store
            .authenticate(Some(crate::fixtures::DEMO_FULL_ACCESS_KEY))
            .unwrap();
        let mut runs = 0;
        let mut create = |store: &mut Store| {
            store.idempotent(
                &who,
                Some("k1"),
                "POST /api/profile_groups {}".into(),
                |_| {
                    runs += 1;
                    Ok(runs)
                },
            )
        };
        assert_eq!(create(&mut store).unwrap(), 1);
        store
            .clock_mut()
            .advance(IDEMPOTENCY_TTL - Duration::seconds(1));
        assert_eq!(create(&mut store).unwrap(), 1, "replayed within 24 h");
        store.clock_mut().advance(Duration::seconds(1));
        assert_eq!(
            create(&mut store).unwrap(),
            2,
            "expired after 24 h: runs again"
        );
        assert_eq!(
            create(&mut store).unwrap(),
            2,
            "and the new response is kept"
        );
        let other = store.idempotent(&who, Some("k1"), "DELETE /x".into(), |_| Ok(0));
        assert_eq!(other.unwrap_err().status().as_u16(), 422);
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
