//! [`Account`]: one tenant's data and every rule of the product API applied to it —
//! scoping, profile resolution, stats rollups, group changes, connection invitations,
//! idempotency — plus what time does to it (stats polling, expiry) and what the control API
//! may inject.
//!
//! Each operation checks everything before it changes anything, so a rejected request leaves
//! the account as it was.

use std::collections::{HashMap, VecDeque};

use axum::http::StatusCode;
use postproxy_models::{
    InitializeConnectionRequest, LatestStats, Placement, Platform, Profile, ProfileDetail,
    ProfileGroup, ProfileStats, ProfileStatus, Stats, StatsRecord, SummaryStats,
};
use serde_json::{Map, Number, Value};
use time::{Duration, OffsetDateTime};

use crate::domain::auth::{self, ApiKey, Principal};
use crate::domain::clock::Clock;
use crate::http::error::ApiError;
use crate::harness::faults::Faults;
use crate::domain::fixtures::{
    has_placements, parse_timestamp, stats_per_placement, validate_profile, AccountFixture,
    ApiKeyFixture, GroupFixture, ProfileFixture, SnapshotFixture,
};
use crate::domain::ids::IdGenerator;
use crate::harness::journal::Journal;
use crate::limits::{
    self, MAX_GROUPS, MAX_IDEMPOTENCY_KEYS, MAX_PENDING_CONNECTIONS, MAX_PLACEMENTS, MAX_PROFILES,
    MAX_SNAPSHOTS,
};
use crate::domain::polling::{self, Rng, POLL_INTERVAL};

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

/// How long a connect URL can be used.
pub const CONNECTION_TTL: Duration = Duration::hours(1);

/// How long a newly connected profile's token lasts on networks whose tokens expire.
pub const TOKEN_LIFETIME: Duration = Duration::days(60);

#[derive(Debug, Clone)]
struct GroupRow {
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
    profile: Profile,
    placements: Vec<Placement>,
    /// Sorted by time (stably: equal times keep the order they were added in), so a stats
    /// window is two binary searches and the newest snapshot is found from the end.
    snapshots: Vec<Snapshot>,
    /// Whether the account's clock (not the data) made the profile `expired`: setting the
    /// clock back before its `expires_at` makes it active again.
    expired_by_clock: bool,
}

impl ProfileRow {
    /// Brings the status in line with the clock at `now`: an active profile whose `expires_at`
    /// is not after `now` is expired, and one the clock expired whose `expires_at` is after
    /// `now` (the clock was set back) is active again. Returns whether it expired.
    fn follow_clock(&mut self, now: OffsetDateTime) -> bool {
        let Some(e) = self.profile.expires_at.as_deref().and_then(parse_timestamp) else {
            return false;
        };
        match self.profile.status {
            ProfileStatus::Active if e <= now => {
                self.profile.status = ProfileStatus::Expired;
                self.expired_by_clock = true;
                true
            }
            ProfileStatus::Expired if self.expired_by_clock && e > now => {
                self.profile.status = ProfileStatus::Active;
                self.expired_by_clock = false;
                false
            }
            _ => false,
        }
    }

    /// Adds a snapshot in time order, after any with the same time. Beyond
    /// [`MAX_SNAPSHOTS`] the oldest is dropped (polling never fails; injection checks first).
    fn insert_snapshot(&mut self, snapshot: Snapshot) {
        let at = self.snapshots.partition_point(|s| s.at <= snapshot.at);
        self.snapshots.insert(at, snapshot);
        if self.snapshots.len() > MAX_SNAPSHOTS {
            self.snapshots.remove(0);
        }
    }
}

/// Positions in an account's profiles by id and by group, so lookups cost the same whatever
/// the number of profiles (with 100 000 profiles a scan took milliseconds per request).
/// Rebuilt after a removal; extended when a profile is added.
#[derive(Debug, Clone, Default)]
struct ProfileIndex {
    by_id: HashMap<String, usize>,
    /// Each group's profiles, in list order.
    by_group: HashMap<String, Vec<usize>>,
}

impl ProfileIndex {
    fn build(profiles: &[ProfileRow]) -> Self {
        let mut index = Self::default();
        for (i, row) in profiles.iter().enumerate() {
            index.add(row, i);
        }
        index
    }

    fn add(&mut self, row: &ProfileRow, position: usize) {
        self.by_id.insert(row.profile.id.clone(), position);
        self.by_group
            .entry(row.profile.profile_group_id.clone())
            .or_default()
            .push(position);
    }
}

/// A connection invitation created by initialize_connection, waiting for the user.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct Connection {
    /// The token in the connect URL.
    pub token: String,
    /// The account that asked for it.
    pub account_id: String,
    /// The group a profile will be connected to.
    pub profile_group_id: String,
    /// The network.
    #[schema(value_type = String, example = "instagram")]
    pub platform: Platform,
    /// Where the user is sent afterwards.
    pub redirect_url: String,
    /// Sent as `refresh_connection: true`: reconnects the group's profile of the platform even
    /// when it is active. Without it, an expired or inactive profile of the platform is
    /// reconnected and an active one refuses the connection.
    pub refresh_connection: bool,
    /// When the URL stops working (RFC 3339, by the account's clock).
    pub expires_at: String,
}

/// What finishing a connection did: where to send the user, and the profile if one was
/// connected.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct ConnectionOutcome {
    /// `redirect_url` with the outcome in its query: `status=success&profile_id=…` or
    /// `error=access_denied`.
    pub redirect_to: String,
    /// The connected (or reconnected) profile; absent when denied.
    #[schema(value_type = Option<Object>)]
    pub profile: Option<Profile>,
}

/// Where an `Idempotency-Key` is remembered: per API key (its key id), not per account, so
/// one key's requests can never replay, block or collide with another key's.
type IdempotencySlot = (String, String);

/// A successful response kept for replay under an `Idempotency-Key`. Kept as JSON so one
/// store serves every operation; the fingerprint (method, path, body) ties a key to one
/// operation, so a replay always deserialises into that operation's body type.
#[derive(Debug, Clone)]
struct IdempotencyEntry {
    fingerprint: String,
    response: Value,
    /// The group the operation acted on: a replay is authorised against it as the operation
    /// itself would be, so it never shows a key what that key could not get.
    group: Option<String>,
    at: OffsetDateTime,
    /// Position in [`Account::idempotency_order`], to tell a key's current entry from an
    /// older one of the same key still queued.
    seq: u64,
}

/// What a clock move did to an account.
#[derive(
    Debug,
    Clone,
    Copy,
    Default,
    PartialEq,
    Eq,
    serde::Serialize,
    serde::Deserialize,
    utoipa::ToSchema,
)]
pub struct TickReport {
    /// Stats snapshots recorded by polling.
    pub snapshots_recorded: u64,
    /// Profiles whose `expires_at` passed and that became `expired`.
    pub profiles_expired: u64,
}

/// One tenant: its keys, groups, profiles and everything the control API can see or set.
#[derive(Debug, Clone)]
pub struct Account {
    id: String,
    seed: u64,
    keys: Vec<ApiKey>,
    groups: Vec<GroupRow>,
    profiles: Vec<ProfileRow>,
    index: ProfileIndex,
    connections: Vec<Connection>,
    /// Tokens of invitations ended (used, denied, expired, their group deleted) since the
    /// store last looked: it removes them from its token index (see
    /// [`crate::domain::store::AccountMut`]), so the two cannot drift.
    ended_tokens: Vec<String>,
    idempotency: HashMap<IdempotencySlot, IdempotencyEntry>,
    /// Keys in the order their entries were stored (with each entry's `seq`), oldest first:
    /// expired and surplus keys are dropped from the front.
    idempotency_order: VecDeque<(u64, IdempotencySlot)>,
    idempotency_seq: u64,
    /// Keys whose first request is still running, with the claim of the request holding each.
    in_flight: HashMap<IdempotencySlot, u64>,
    last_claim: u64,
    ids: IdGenerator,
    /// The account's own clock: moving it affects no other account.
    pub clock: Clock,
    /// Polling rounds fall at `anchor + k × POLL_INTERVAL`.
    anchor: OffsetDateTime,
    /// Polling and expiry have been applied up to here.
    ticked_at: OffsetDateTime,
    /// The earliest `expires_at` after `ticked_at` of an active profile, so that a tick with
    /// nothing due does not look at every profile; `None` when it must be found again (a
    /// profile was added or changed).
    next_expiry: Option<Option<OffsetDateTime>>,
    /// The request journal.
    pub journal: Journal,
    /// Armed faults.
    pub faults: Faults,
}

fn not_found() -> ApiError {
    ApiError::not_found()
}

fn unprocessable(message: impl Into<String>) -> ApiError {
    ApiError::unprocessable(message)
}

/// A required text field of a request body, trimmed: absent or blank is 422 `Missing <name>`.
fn required<'a>(value: Option<&'a str>, name: &str) -> Result<&'a str, ApiError> {
    value
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .ok_or_else(|| unprocessable(format!("Missing {name}")))
}

/// A query parameter that SDKs may send with an empty value, which means "not given".
fn given(value: Option<&str>) -> Option<&str> {
    value.filter(|v| !v.is_empty())
}

/// RFC 3339 in UTC, to the second, as the reference shows timestamps.
pub fn format_timestamp(at: OffsetDateTime) -> String {
    let at = at.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        at.year(),
        u8::from(at.month()),
        at.day(),
        at.hour(),
        at.minute(),
        at.second()
    )
}

impl Account {
    /// The account described by a validated `fixture`, whose id and keys are resolved
    /// (`keys` are the fixture's keys with generated ones filled in). Its clock starts as
    /// `clock`; polling counts from that moment.
    pub fn new(
        id: String,
        fixture: &AccountFixture,
        keys: &[String],
        seed: u64,
        clock: Clock,
    ) -> Self {
        let now = clock.now();
        let mut account = Self {
            ids: IdGenerator::labelled(seed, &id),
            id,
            seed,
            keys: Vec::new(),
            groups: Vec::new(),
            profiles: Vec::new(),
            index: ProfileIndex::default(),
            connections: Vec::new(),
            ended_tokens: Vec::new(),
            idempotency: HashMap::new(),
            idempotency_order: VecDeque::new(),
            idempotency_seq: 0,
            in_flight: HashMap::new(),
            last_claim: 0,
            clock,
            anchor: now,
            ticked_at: now,
            next_expiry: None,
            journal: Journal::default(),
            faults: Faults::default(),
        };
        for (fixture, key) in fixture.api_keys.iter().zip(keys) {
            account.keys.push(ApiKey {
                key: key.clone(),
                principal: Principal {
                    account_id: account.id.clone(),
                    scope: match &fixture.profile_group_id {
                        Some(group) => auth::Scope::Group(group.clone()),
                        None => auth::Scope::FullAccess,
                    },
                    key_id: auth::key_id(key),
                },
            });
        }
        for group in &fixture.profile_groups {
            account.groups.push(GroupRow {
                id: group.id.clone(),
                name: group.name.clone(),
            });
            for p in &group.profiles {
                account.profiles.push(profile_row(p, &group.id));
            }
        }
        account.index = ProfileIndex::build(&account.profiles);
        // Status follows the clock from the start: a token already past its `expires_at`
        // when the account is created (or imported) is expired.
        account.follow_clock();
        account
    }

    /// Every profile's status in line with the clock's now (see [`ProfileRow::follow_clock`]).
    fn follow_clock(&mut self) {
        let now = self.clock.now();
        for row in &mut self.profiles {
            row.follow_clock(now);
        }
        self.next_expiry = None;
    }

    fn push_profile(&mut self, row: ProfileRow) {
        self.next_expiry = None;
        self.index.add(&row, self.profiles.len());
        self.profiles.push(row);
    }

    /// The account's id.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The account's API keys, in fixture order.
    pub fn api_keys(&self) -> &[ApiKey] {
        &self.keys
    }

    /// Numbers of groups and profiles.
    pub fn counts(&self) -> (usize, usize) {
        (self.groups.len(), self.profiles.len())
    }

    /// Number of `Idempotency-Key`s remembered (at most [`MAX_IDEMPOTENCY_KEYS`]).
    pub fn idempotency_keys(&self) -> usize {
        self.idempotency.len()
    }

    /// Number of pending connections (at most [`MAX_PENDING_CONNECTIONS`]).
    pub fn pending_connections(&self) -> usize {
        self.connections.len()
    }

    /// Number of stats snapshots of a profile (at most [`MAX_SNAPSHOTS`]).
    pub fn snapshot_count(&self, profile_id: &str) -> Option<usize> {
        let &i = self.index.by_id.get(profile_id)?;
        Some(self.profiles[i].snapshots.len())
    }

    /// The account's current state in the fixture format (keys included; snapshots in time
    /// order). A profile the clock expired is written `active` with its past `expires_at`,
    /// which makes it expired again on import.
    pub fn to_fixture(&self) -> AccountFixture {
        AccountFixture {
            id: Some(self.id.clone()),
            description: None,
            api_keys: self
                .keys
                .iter()
                .map(|k| ApiKeyFixture {
                    key: Some(k.key.clone()),
                    profile_group_id: k.principal.scope.group().map(str::to_string),
                    description: None,
                })
                .collect(),
            profile_groups: self
                .groups
                .iter()
                .map(|g| GroupFixture {
                    id: g.id.clone(),
                    name: g.name.clone(),
                    profiles: self
                        .index
                        .by_group
                        .get(&g.id)
                        .map_or(&[][..], Vec::as_slice)
                        .iter()
                        .map(|&i| &self.profiles[i])
                        .map(|p| ProfileFixture {
                            id: p.profile.id.clone(),
                            name: p.profile.name.clone(),
                            platform: p.profile.platform,
                            // As the data has it: the clock's expiry is derived again from
                            // `expires_at` on import, so a clock set back still undoes it.
                            status: if p.expired_by_clock {
                                ProfileStatus::Active
                            } else {
                                p.profile.status
                            },
                            expires_at: p.profile.expires_at.clone(),
                            post_count: p.profile.post_count,
                            avatar_url: p.profile.avatar_url.clone(),
                            placements: p.placements.clone(),
                            stats: p
                                .snapshots
                                .iter()
                                .map(|s| SnapshotFixture {
                                    placement_id: s.placement_id.clone(),
                                    stats: s.stats.clone(),
                                    recorded_at: s.recorded_at.clone(),
                                })
                                .collect(),
                        })
                        .collect(),
                })
                .collect(),
        }
    }

    // ------------------------------------------------------------------ time

    /// Freezes or resumes the clock and moves it to `now`, then applies what the move did.
    /// Set back in time, the account starts polling (and expiring) over from there.
    pub fn set_clock(&mut self, now: Option<OffsetDateTime>, frozen: Option<bool>) -> TickReport {
        let before = self.clock.now();
        match frozen {
            Some(true) => self.clock.freeze(),
            Some(false) => self.clock.resume(),
            None => {}
        }
        if let Some(now) = now {
            self.clock.set(now);
        }
        if self.clock.now() < before {
            self.restart_polling();
        }
        self.tick()
    }

    /// Moves the clock forward by `by` and applies what passed in between.
    pub fn advance_clock(&mut self, by: Duration) -> TickReport {
        self.clock.advance(by);
        self.tick()
    }

    /// Polling counts from the clock's now again (after the clock was replaced).
    pub fn restart_polling(&mut self) {
        let now = self.clock.now();
        self.anchor = now;
        self.ticked_at = now;
        self.follow_clock();
    }

    /// Applies what happened between the last tick and the clock's now: every polling round
    /// that fell in between records a snapshot per active profile (per placement where stats
    /// are kept per placement), and profiles whose `expires_at` passed become `expired`.
    /// Rounds already applied are never repeated, even if the clock is set back and forth.
    pub fn tick(&mut self) -> TickReport {
        let now = self.clock.now();
        let mut report = TickReport::default();
        if now <= self.ticked_at {
            return report;
        }
        let interval = POLL_INTERVAL.whole_seconds();
        let round_of = |t: OffsetDateTime| (t - self.anchor).whole_seconds().div_euclid(interval);
        let last = round_of(now);
        let first = (round_of(self.ticked_at) + 1).max(last - polling::MAX_ROUNDS + 1);
        for round in first..=last {
            let at = self.anchor + Duration::seconds(interval.saturating_mul(round));
            if at <= self.ticked_at {
                continue;
            }
            report.profiles_expired += self.expire(at);
            report.snapshots_recorded += self.poll(round, at);
        }
        report.profiles_expired += self.expire(now);
        self.ticked_at = now;
        report
    }

    /// Expires active profiles whose `expires_at` is not after `until`.
    fn expire(&mut self, until: OffsetDateTime) -> u64 {
        if let Some(next) = self.next_expiry {
            if next.is_none_or(|next| next > until) {
                return 0;
            }
        }
        let mut n = 0;
        let mut next: Option<OffsetDateTime> = None;
        for row in &mut self.profiles {
            if row.profile.status != ProfileStatus::Active {
                continue;
            }
            let Some(e) = row.profile.expires_at.as_deref().and_then(parse_timestamp) else {
                continue;
            };
            if row.follow_clock(until) {
                n += 1;
            } else {
                next = Some(next.map_or(e, |n| n.min(e)));
            }
        }
        self.next_expiry = Some(next);
        n
    }

    /// One polling round at `at`: a new snapshot per series of every active, polled profile.
    fn poll(&mut self, round: i64, at: OffsetDateTime) -> u64 {
        let recorded_at = format_timestamp(at);
        let mut n = 0;
        for row in &mut self.profiles {
            let platform = row.profile.platform;
            if row.profile.status != ProfileStatus::Active || !polling::is_polled(platform) {
                continue;
            }
            let series: Vec<Option<String>> = if stats_per_placement(platform) {
                row.placements
                    .iter()
                    .filter_map(|p| p.id.clone().map(Some))
                    .collect()
            } else {
                vec![None]
            };
            for placement_id in series {
                let label = format!(
                    "{}/{}/{}",
                    self.id,
                    row.profile.id,
                    placement_id.as_deref().unwrap_or("")
                );
                let mut rng = Rng::for_round(self.seed, &label, round);
                // The series' recent snapshots, newest first: a key the last one lacks (the
                // platform did not return it that cycle) grows from where it was before.
                let mut recent = row
                    .snapshots
                    .iter()
                    .rev()
                    .filter(|s| s.placement_id == placement_id)
                    .take(polling::LOOKBACK)
                    .peekable();
                let mut stats = if recent.peek().is_some() {
                    let mut known = Map::new();
                    for s in recent {
                        for (k, v) in &s.stats {
                            known.entry(k.clone()).or_insert_with(|| v.clone());
                        }
                    }
                    polling::grow(&known, &mut rng)
                } else {
                    polling::initial_stats(platform, &mut rng)
                };
                polling::omit_some(&mut stats, &mut rng);
                row.insert_snapshot(Snapshot {
                    placement_id,
                    stats,
                    recorded_at: recorded_at.clone(),
                    at,
                });
                n += 1;
            }
        }
        n
    }

    // ------------------------------------------------------------------ product API

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
            .find(|g| g.id == id && who.can_access(&g.id))
            .ok_or_else(not_found)
    }

    /// list_profile_groups: every group the key can access.
    pub fn list_groups(&self, who: &Principal) -> Vec<ProfileGroup> {
        self.groups
            .iter()
            .filter(|g| who.can_access(&g.id))
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
        if self.groups.len() >= MAX_GROUPS {
            return Err(unprocessable(limits::full(MAX_GROUPS, "profile groups")));
        }
        Ok(self.insert_group(None, name))
    }

    /// Adds a group (with a new id unless `id` is given and free); returns its view.
    fn insert_group(&mut self, id: Option<&str>, name: &str) -> ProfileGroup {
        let id = match id {
            Some(id) => id.to_string(),
            None => loop {
                let id = self.ids.next_id("grp_", 10);
                if !self.groups.iter().any(|g| g.id == id) {
                    break id;
                }
            },
        };
        let row = GroupRow {
            id,
            name: name.to_string(),
        };
        let view = self.group_view(&row);
        self.groups.push(row);
        view
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
        self.end_connections(|c| c.profile_group_id == id);
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
        let visible = |p: &&ProfileRow| who.can_access(&p.profile.profile_group_id);
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

    /// The position of the group's first profile on `platform` that `matches`.
    fn profile_on(
        &self,
        group_id: &str,
        platform: Platform,
        matches: impl Fn(ProfileStatus) -> bool,
    ) -> Option<usize> {
        self.index
            .by_group
            .get(group_id)?
            .iter()
            .copied()
            .find(|&i| {
                let p = &self.profiles[i].profile;
                p.platform == platform && matches(p.status)
            })
    }

    /// The group's active profile on `platform`: the platform is "already connected". An
    /// expired or inactive profile is not: it is what a reconnect is for.
    fn connected(&self, group_id: &str, platform: Platform) -> Option<usize> {
        self.profile_on(group_id, platform, |s| s == ProfileStatus::Active)
    }

    /// The profile a new authorisation on `platform` reconnects: the group's first expired or
    /// inactive profile of that platform.
    fn reconnectable(&self, group_id: &str, platform: Platform) -> Option<usize> {
        self.profile_on(group_id, platform, |s| s != ProfileStatus::Active)
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
                let p = &self.profiles[i].profile;
                who.can_access(&p.profile_group_id)
                    && given(profile_group_id).is_none_or(|g| g == p.profile_group_id)
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
        // Unlike `profile_group_id` (which Python sends empty), an empty `from=` or `to=` is
        // not "no bound": it is not the date-time the spec says, so it is malformed.
        let bound = |name: &str, value: Option<&str>| -> Result<Option<OffsetDateTime>, ApiError> {
            match value {
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
        // The series is sorted: the window is two binary searches, so its cost follows the
        // records in it, not the length of the series.
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

    /// delete_profile; returns the group the profile was in.
    pub fn delete_profile(
        &mut self,
        who: &Principal,
        id: &str,
        profile_group_id: Option<&str>,
    ) -> Result<String, ApiError> {
        let index = self.resolve(who, id, profile_group_id)?;
        let removed = self.profiles.remove(index);
        self.index = ProfileIndex::build(&self.profiles);
        Ok(removed.profile.profile_group_id)
    }

    /// initialize_connection: records an invitation with the token `token` (unique across
    /// the server: the caller draws it).
    pub fn initialize_connection(
        &mut self,
        who: &Principal,
        group_id: &str,
        body: &InitializeConnectionRequest,
        token: String,
    ) -> Result<Connection, ApiError> {
        let group = self.accessible_group(who, group_id)?.id.clone();
        let platform = required(body.platform.as_deref(), "platform")?;
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
        let redirect_url = required(body.redirect_url.as_deref(), "redirect_url")?;
        let refresh = body.refresh_connection == Some(true);
        if !refresh && self.connected(&group, supported).is_some() {
            return Err(unprocessable("Platform already connected"));
        }
        // Expired invitations can never be used again: drop them before counting.
        let now = self.clock.now();
        self.end_connections(|c| parse_timestamp(&c.expires_at).is_some_and(|e| now > e));
        if self.connections.len() >= MAX_PENDING_CONNECTIONS {
            return Err(unprocessable(limits::full(
                MAX_PENDING_CONNECTIONS,
                "pending connections",
            )));
        }
        let connection = Connection {
            token,
            account_id: self.id.clone(),
            profile_group_id: group,
            platform: supported,
            redirect_url: redirect_url.to_string(),
            refresh_connection: refresh,
            expires_at: format_timestamp(self.clock.now() + CONNECTION_TTL),
        };
        self.connections.push(connection.clone());
        Ok(connection)
    }

    /// Records `key` (of the API key `key_id`) as in flight, before the request waits or works;
    /// `None` if another request holds it. The claim goes back with
    /// [`Self::release_idempotency_key`].
    pub fn claim_idempotency_key(&mut self, key_id: &str, key: &str) -> Option<u64> {
        let slot = (key_id.to_string(), key.to_string());
        if self.in_flight.contains_key(&slot) {
            return None;
        }
        self.last_claim += 1;
        self.in_flight.insert(slot, self.last_claim);
        Some(self.last_claim)
    }

    /// Ends a claim from [`Self::claim_idempotency_key`] (no-op if it is not the holder).
    pub fn release_idempotency_key(&mut self, key_id: &str, key: &str, claim: u64) {
        let slot = (key_id.to_string(), key.to_string());
        if self.in_flight.get(&slot) == Some(&claim) {
            self.in_flight.remove(&slot);
        }
    }

    /// Runs `operation` for `who` under an optional `Idempotency-Key` (an empty one counts as
    /// none). Keys are remembered per API key. The caller authorises the operation's permission
    /// first; then, in this order: a key held in flight by another request (not `claim`) is
    /// 409; a key this API key used within [`IDEMPOTENCY_TTL`] for another request
    /// (`fingerprint`) is 422; for the same request the first successful response is replayed
    /// without running `operation`, if `who` can still access the group it acted on (the group
    /// `operation` returns beside its response). Only successful responses are kept.
    pub fn idempotent<T: serde::Serialize + serde::de::DeserializeOwned>(
        &mut self,
        who: &Principal,
        key: Option<&str>,
        claim: Option<u64>,
        fingerprint: String,
        operation: impl FnOnce(&mut Self) -> Result<(T, Option<String>), ApiError>,
    ) -> Result<T, ApiError> {
        let Some(key) = key.filter(|k| !k.is_empty()) else {
            return operation(self).map(|(response, _)| response);
        };
        let slot = (who.key_id.clone(), key.to_string());
        if self
            .in_flight
            .get(&slot)
            .is_some_and(|&holder| Some(holder) != claim)
        {
            return Err(ApiError::conflict(
                "A request with this Idempotency-Key is already in progress",
            ));
        }
        let now = self.clock.now();
        if let Some(entry) = self.idempotency.get(&slot) {
            if now - entry.at < IDEMPOTENCY_TTL {
                if entry.fingerprint != fingerprint {
                    return Err(unprocessable(
                        "Idempotency-Key has already been used with a different request",
                    ));
                }
                // A key's scope does not change, so this holds for its own entries; it is
                // checked anyway, so a replay can never be more than the key may see.
                if entry.group.as_deref().is_none_or(|g| who.can_access(g)) {
                    return serde_json::from_value(entry.response.clone()).map_err(|_| {
                        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "Internal server error")
                    });
                }
            }
        }
        let (response, group) = operation(self)?;
        // Our response types always serialise; one that did not would just not be replayed.
        if let Ok(value) = serde_json::to_value(&response) {
            self.idempotency_seq += 1;
            let seq = self.idempotency_seq;
            self.idempotency.insert(
                slot.clone(),
                IdempotencyEntry {
                    fingerprint,
                    response: value,
                    group,
                    at: now,
                    seq,
                },
            );
            self.idempotency_order.push_back((seq, slot));
        }
        self.forget_idempotency_keys(now);
        Ok(response)
    }

    /// Drops expired keys and, beyond [`MAX_IDEMPOTENCY_KEYS`], the oldest ones, from the
    /// front of the insertion order. The cost is amortised O(1) per stored key (a full scan
    /// per request, as before, made a long run quadratic). Entries are in clock order unless
    /// the clock was set back; an unexpired entry at the front then holds older expired ones
    /// back, but the cap still bounds them.
    fn forget_idempotency_keys(&mut self, now: OffsetDateTime) {
        while let Some((seq, key)) = self.idempotency_order.front() {
            let current = self.idempotency.get(key).filter(|e| e.seq == *seq);
            let drop = match current {
                // A stale position: the key was stored again since.
                None => true,
                Some(entry) => {
                    self.idempotency.len() > MAX_IDEMPOTENCY_KEYS
                        || now - entry.at >= IDEMPOTENCY_TTL
                }
            };
            if !drop {
                break;
            }
            if current.is_some() {
                self.idempotency.remove(key);
            }
            self.idempotency_order.pop_front();
        }
    }

    // ------------------------------------------------------------------ connect flow

    /// A pending connection by token, unless it has expired.
    pub fn pending_connection(&self, token: &str) -> Result<&Connection, ConnectError> {
        let c = self
            .connections
            .iter()
            .find(|c| c.token == token)
            .ok_or(ConnectError::Unknown)?;
        let expired = parse_timestamp(&c.expires_at).is_some_and(|e| self.clock.now() > e);
        if expired {
            return Err(ConnectError::Expired);
        }
        Ok(c)
    }

    /// The pending connections, oldest first.
    pub fn connections(&self) -> Vec<Connection> {
        self.connections.clone()
    }

    /// Drops the pending connections that are `ended`: the one place invitations go, so
    /// their tokens always go with them (into `ended_tokens`, for the store's index).
    fn end_connections(&mut self, ended: impl Fn(&Connection) -> bool) {
        let tokens = &mut self.ended_tokens;
        self.connections.retain(|c| {
            let end = ended(c);
            if end {
                tokens.push(c.token.clone());
            }
            !end
        });
    }

    /// The tokens of the invitations ended since the last call.
    pub(crate) fn take_ended_tokens(&mut self) -> Vec<String> {
        std::mem::take(&mut self.ended_tokens)
    }

    /// Completes a connection as if the user authorised it, and uses the token up. If the group
    /// has an expired or inactive profile of the platform, that profile is reconnected (same
    /// id, active, `expires_at` renewed); otherwise a profile is created. Refused (the token
    /// stays pending) when the group has an active profile of the platform, as
    /// initialize_connection is, unless the invitation asked for `refresh_connection`, which
    /// reconnects even an active profile.
    pub fn authorize(&mut self, token: &str) -> Result<ConnectionOutcome, ConnectError> {
        // Deleting a group drops its invitations, so a pending one's group exists.
        let connection = self.pending_connection(token)?.clone();
        let group = &connection.profile_group_id;
        let active = self.connected(group, connection.platform);
        if active.is_some() && !connection.refresh_connection {
            return Err(ConnectError::AlreadyConnected);
        }
        let existing = self.reconnectable(group, connection.platform).or(active);
        let now = self.clock.now();
        let expires_at = matches!(
            connection.platform,
            Platform::Facebook | Platform::Instagram | Platform::Threads | Platform::Linkedin
        )
        .then(|| format_timestamp(now + TOKEN_LIFETIME));
        let profile = match existing {
            Some(index) => {
                self.next_expiry = None;
                let row = &mut self.profiles[index];
                row.profile.status = ProfileStatus::Active;
                row.profile.expires_at = expires_at;
                row.expired_by_clock = false;
                row.profile.clone()
            }
            _ if self.profiles.len() >= MAX_PROFILES => return Err(ConnectError::Full),
            _ => {
                let id = loop {
                    let id = self.ids.next_id("prof_", 10);
                    if !self.index.by_id.contains_key(&id) {
                        break id;
                    }
                };
                let placements = self.new_placements(connection.platform);
                let profile = Profile {
                    id,
                    name: format!("Mock {} profile", platform_title(connection.platform)),
                    status: ProfileStatus::Active,
                    platform: connection.platform,
                    profile_group_id: connection.profile_group_id.clone(),
                    expires_at,
                    post_count: 0,
                    avatar_url: None,
                };
                self.push_profile(ProfileRow {
                    profile: profile.clone(),
                    placements,
                    snapshots: Vec::new(),
                    expired_by_clock: false,
                });
                profile
            }
        };
        self.end_connections(|c| c.token == token);
        let redirect_to = with_query(
            &connection.redirect_url,
            &[
                ("status", "success"),
                ("profile_id", &profile.id),
                ("platform", &connection.platform.to_string()),
                ("profile_group_id", &connection.profile_group_id),
            ],
        );
        Ok(ConnectionOutcome {
            redirect_to,
            profile: Some(profile),
        })
    }

    /// Ends a connection as if the user denied it; the token is used up.
    pub fn deny(&mut self, token: &str) -> Result<ConnectionOutcome, ConnectError> {
        let connection = self.pending_connection(token)?.clone();
        self.end_connections(|c| c.token == token);
        Ok(ConnectionOutcome {
            redirect_to: with_query(
                &connection.redirect_url,
                &[
                    ("error", "access_denied"),
                    ("error_description", "The user denied the connection"),
                    ("platform", &connection.platform.to_string()),
                ],
            ),
            profile: None,
        })
    }

    /// The placements a newly connected profile comes with.
    fn new_placements(&mut self, platform: Platform) -> Vec<Placement> {
        match platform {
            Platform::Facebook => vec![Placement {
                id: Some(self.ids.next_digits("", 15)),
                name: "Mock Facebook Page".into(),
            }],
            Platform::Linkedin => vec![
                Placement {
                    id: None,
                    name: "Personal Profile".into(),
                },
                Placement {
                    id: Some(self.ids.next_digits("", 9)),
                    name: "Mock Organization".into(),
                },
            ],
            _ => Vec::new(),
        }
    }

    // ------------------------------------------------------------------ injection

    /// Adds a group; 409 if `id` is taken.
    pub fn inject_group(&mut self, id: Option<&str>, name: &str) -> Result<ProfileGroup, ApiError> {
        if name.trim().is_empty() {
            return Err(unprocessable("name must not be blank"));
        }
        if let Some(id) = id {
            if id.trim().is_empty() {
                return Err(unprocessable("id must not be blank"));
            }
            if self.groups.iter().any(|g| g.id == id) {
                return Err(ApiError::conflict(format!(
                    "profile group {id:?} already exists"
                )));
            }
        }
        if self.groups.len() >= MAX_GROUPS {
            return Err(unprocessable(limits::full(MAX_GROUPS, "profile groups")));
        }
        Ok(self.insert_group(id, name))
    }

    /// A group's name.
    pub fn group_name(&self, id: &str) -> Option<&str> {
        self.groups
            .iter()
            .find(|g| g.id == id)
            .map(|g| g.name.as_str())
    }

    /// Renames a group.
    pub fn rename_group(&mut self, id: &str, name: &str) -> Result<ProfileGroup, ApiError> {
        if name.trim().is_empty() {
            return Err(unprocessable("name must not be blank"));
        }
        let group = self
            .groups
            .iter_mut()
            .find(|g| g.id == id)
            .ok_or_else(|| ApiError::missing(format!("no profile group {id:?}")))?;
        group.name = name.to_string();
        let group = group.clone();
        Ok(self.group_view(&group))
    }

    /// Adds a profile to a group, checked as a fixture profile is.
    pub fn inject_profile(
        &mut self,
        group_id: &str,
        fixture: &ProfileFixture,
    ) -> Result<Profile, ApiError> {
        validate_profile(fixture, "profile")
            .map_err(|e| unprocessable(format!("{}: {}", e.path, e.message)))?;
        if fixture.id.trim().is_empty() {
            return Err(unprocessable("profile.id: must not be blank"));
        }
        if !self.groups.iter().any(|g| g.id == group_id) {
            return Err(ApiError::missing(format!("no profile group {group_id:?}")));
        }
        if self.index.by_id.contains_key(&fixture.id) {
            return Err(ApiError::conflict(format!(
                "profile {:?} already exists",
                fixture.id
            )));
        }
        if self.profiles.len() >= MAX_PROFILES {
            return Err(unprocessable(limits::full(MAX_PROFILES, "profiles")));
        }
        let mut row = profile_row(fixture, group_id);
        row.follow_clock(self.clock.now());
        let profile = row.profile.clone();
        self.push_profile(row);
        Ok(profile)
    }

    /// The profile row by id, for the control API.
    fn profile_mut(&mut self, id: &str) -> Result<&mut ProfileRow, ApiError> {
        match self.index.by_id.get(id) {
            Some(&i) => Ok(&mut self.profiles[i]),
            None => Err(ApiError::missing(format!("no profile {id:?}"))),
        }
    }

    /// Changes fields of a profile; `patch` is applied only if all of it is valid.
    pub fn patch_profile(&mut self, id: &str, patch: &ProfilePatch) -> Result<Profile, ApiError> {
        if let Some(Some(expires_at)) = &patch.expires_at {
            if parse_timestamp(expires_at).is_none() {
                return Err(unprocessable(format!(
                    "expires_at: {expires_at:?} is not an RFC 3339 timestamp"
                )));
            }
        }
        if patch.post_count.is_some_and(|n| n < 0) {
            return Err(unprocessable("post_count must not be negative"));
        }
        if patch.name.as_ref().is_some_and(|n| n.trim().is_empty()) {
            return Err(unprocessable("name must not be blank"));
        }
        self.next_expiry = None;
        let now = self.clock.now();
        let row = self.profile_mut(id)?;
        if patch.status.is_some() {
            row.expired_by_clock = false;
        }
        let p = &mut row.profile;
        if let Some(name) = &patch.name {
            p.name.clone_from(name);
        }
        if let Some(status) = patch.status {
            p.status = status;
        }
        if let Some(expires_at) = &patch.expires_at {
            p.expires_at.clone_from(expires_at);
        }
        if let Some(post_count) = patch.post_count {
            p.post_count = post_count;
        }
        if let Some(avatar_url) = &patch.avatar_url {
            p.avatar_url.clone_from(avatar_url);
        }
        // An `active` status with an `expires_at` already past is `expired`, as at load.
        row.follow_clock(now);
        Ok(row.profile.clone())
    }

    /// Adds a placement (e.g. a Telegram channel the bot was just added to).
    pub fn inject_placement(
        &mut self,
        id: &str,
        placement: Placement,
    ) -> Result<Vec<Placement>, ApiError> {
        let row = self.profile_mut(id)?;
        let platform = row.profile.platform;
        if !has_placements(platform) {
            return Err(unprocessable(format!(
                "{platform} profiles have no placements"
            )));
        }
        match &placement.id {
            None if platform != Platform::Linkedin => {
                return Err(unprocessable(
                    "only the LinkedIn personal profile placement may have a null id",
                ))
            }
            Some(pid) if row.placements.iter().any(|p| p.id.as_deref() == Some(pid)) => {
                return Err(ApiError::conflict(format!(
                    "placement {pid:?} already exists"
                )))
            }
            None if row.placements.iter().any(|p| p.id.is_none()) => {
                return Err(ApiError::conflict(
                    "the personal profile placement already exists",
                ))
            }
            _ => {}
        }
        if row.placements.len() >= MAX_PLACEMENTS {
            return Err(unprocessable(format!(
                "This profile has {MAX_PLACEMENTS} placements, the most it can"
            )));
        }
        row.placements.push(placement);
        Ok(row.placements.clone())
    }

    /// Adds a stats snapshot, checked as a fixture snapshot is.
    pub fn inject_snapshot(
        &mut self,
        id: &str,
        snapshot: &SnapshotFixture,
    ) -> Result<(), ApiError> {
        let row = self.profile_mut(id)?;
        let platform = row.profile.platform;
        let at = parse_timestamp(&snapshot.recorded_at).ok_or_else(|| {
            unprocessable(format!(
                "recorded_at: {:?} is not an RFC 3339 timestamp",
                snapshot.recorded_at
            ))
        })?;
        match (&snapshot.placement_id, stats_per_placement(platform)) {
            (None, true) => {
                return Err(unprocessable(format!(
                    "placement_id is required for {platform} profiles"
                )))
            }
            (Some(pid), true) if !row.placements.iter().any(|p| p.id.as_deref() == Some(pid)) => {
                return Err(ApiError::missing(format!(
                    "no placement {pid:?} on profile {id:?}"
                )))
            }
            (Some(_), false) => {
                return Err(unprocessable(format!(
                    "placement_id must be null: {platform} stats are not kept per placement"
                )))
            }
            _ => {}
        }
        if row.snapshots.len() >= MAX_SNAPSHOTS {
            return Err(unprocessable(format!(
                "This profile holds {MAX_SNAPSHOTS} stats snapshots, the most it can"
            )));
        }
        row.insert_snapshot(Snapshot {
            placement_id: snapshot.placement_id.clone(),
            stats: snapshot.stats.clone(),
            recorded_at: snapshot.recorded_at.clone(),
            at,
        });
        Ok(())
    }
}

/// Changes to a profile; absent fields stay as they are.
#[derive(
    Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize, utoipa::ToSchema,
)]
#[serde(deny_unknown_fields)]
pub struct ProfilePatch {
    /// Display name.
    #[serde(default)]
    pub name: Option<String>,
    /// `active`, `expired` or `inactive`.
    #[serde(default)]
    #[schema(value_type = Option<String>, example = "expired")]
    pub status: Option<ProfileStatus>,
    /// RFC 3339, or null to clear.
    #[serde(default, with = "double_option")]
    #[schema(value_type = Option<String>, nullable = true)]
    pub expires_at: Option<Option<String>>,
    /// Not negative.
    #[serde(default)]
    pub post_count: Option<i64>,
    /// A URL, or null to clear.
    #[serde(default, with = "double_option")]
    #[schema(value_type = Option<String>, nullable = true)]
    pub avatar_url: Option<Option<String>>,
}

/// `Some(None)` for an explicit null, `None` for an absent field.
mod double_option {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<Option<String>>, D::Error> {
        Option::<String>::deserialize(d).map(Some)
    }

    pub fn serialize<S: Serializer>(v: &Option<Option<String>>, s: S) -> Result<S::Ok, S::Error> {
        v.as_ref().and_then(Option::as_ref).serialize(s)
    }
}

/// Why a connect token cannot be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConnectError {
    /// No such token, or it was used already.
    Unknown,
    /// The token's hour has passed.
    Expired,
    /// The account holds [`MAX_PROFILES`] profiles: no new one can be connected.
    Full,
    /// The group has an active profile of the platform (another invitation was authorised
    /// first).
    AlreadyConnected,
}

impl ConnectError {
    /// The status the control API and the consent page answer with.
    pub fn status(self) -> StatusCode {
        match self {
            Self::Unknown => StatusCode::NOT_FOUND,
            Self::Expired => StatusCode::GONE,
            Self::Full | Self::AlreadyConnected => StatusCode::UNPROCESSABLE_ENTITY,
        }
    }

    /// What went wrong, in a sentence.
    pub fn message(self) -> String {
        match self {
            Self::Unknown => "No pending connection with this token".into(),
            Self::Expired => "This connection link has expired".into(),
            Self::Full => limits::full(MAX_PROFILES, "profiles"),
            Self::AlreadyConnected => "Platform already connected".into(),
        }
    }
}

impl From<ConnectError> for ApiError {
    fn from(e: ConnectError) -> Self {
        ApiError::new(e.status(), e.message())
    }
}

fn profile_row(p: &ProfileFixture, group_id: &str) -> ProfileRow {
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
    // Stable: equal times keep fixture order (the last listed counts as the newest).
    snapshots.sort_by_key(|s| s.at);
    ProfileRow {
        profile: Profile {
            id: p.id.clone(),
            name: p.name.clone(),
            status: p.status,
            platform: p.platform,
            profile_group_id: group_id.to_string(),
            expires_at: p.expires_at.clone(),
            post_count: p.post_count,
            avatar_url: p.avatar_url.clone(),
        },
        placements: p.placements.clone(),
        snapshots,
        expired_by_clock: false,
    }
}

fn platform_title(platform: Platform) -> &'static str {
    match platform {
        Platform::Facebook => "Facebook",
        Platform::Instagram => "Instagram",
        Platform::Tiktok => "TikTok",
        Platform::Linkedin => "LinkedIn",
        Platform::Youtube => "YouTube",
        Platform::Twitter => "X",
        Platform::Threads => "Threads",
        Platform::Pinterest => "Pinterest",
        Platform::Bluesky => "Bluesky",
        Platform::Telegram => "Telegram",
        Platform::GoogleBusiness => "Google Business",
    }
}

/// `url` with `pairs` added to its query (before any fragment).
fn with_query(url: &str, pairs: &[(&str, &str)]) -> String {
    let (base, fragment) = match url.split_once('#') {
        Some((b, f)) => (b, Some(f)),
        None => (url, None),
    };
    let mut query = form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs {
        query.append_pair(k, v);
    }
    let separator = if base.contains('?') { '&' } else { '?' };
    let mut out = format!("{base}{separator}{}", query.finish());
    if let Some(fragment) = fragment {
        out.push('#');
        out.push_str(fragment);
    }
    out
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

/// Numeric values summed across `latest` (keys sorted, as in every JSON object here),
/// non-numeric values dropped, `recorded_at` the newest included; `None` without snapshots.
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
    use crate::domain::fixtures::Fixtures;

    fn demo_account(clock: Clock) -> Account {
        let fixtures = Fixtures::demo();
        let fixture = &fixtures.accounts[0];
        let keys: Vec<String> = fixture
            .api_keys
            .iter()
            .map(|k| k.key.clone().unwrap())
            .collect();
        Account::new("acct_demo".into(), fixture, &keys, 0, clock)
    }

    fn full(account: &Account) -> Principal {
        account.api_keys()[0].principal.clone()
    }

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
        let mut account = demo_account(Clock::frozen_at(OffsetDateTime::UNIX_EPOCH));
        let who = full(&account);
        let mut runs = 0;
        let mut create = |account: &mut Account| {
            let fingerprint = "POST /api/profile_groups {}".to_string();
            account.idempotent(&who, Some("k1"), None, fingerprint, |_| {
                runs += 1;
                Ok((runs, None))
            })
        };
        assert_eq!(create(&mut account).unwrap(), 1);
        account
            .clock
            .advance(IDEMPOTENCY_TTL - Duration::seconds(1));
        assert_eq!(create(&mut account).unwrap(), 1, "replayed within 24 h");
        account.clock.advance(Duration::seconds(1));
        assert_eq!(
            create(&mut account).unwrap(),
            2,
            "expired after 24 h: runs again"
        );
        assert_eq!(
            create(&mut account).unwrap(),
            2,
            "and the new response is kept"
        );
        let who = full(&account);
        let other = account.idempotent(&who, Some("k1"), None, "DELETE /x".into(), |_| {
            Ok((0, None))
        });
        assert_eq!(other.unwrap_err().status().as_u16(), 422);
    }

    #[test]
    fn idempotency_keys_are_per_api_key_and_held_while_in_flight() {
        let mut account = demo_account(Clock::frozen_at(OffsetDateTime::UNIX_EPOCH));
        let (full, scoped) = (full(&account), account.api_keys()[1].principal.clone());
        let run = |account: &mut Account, who: &Principal, claim: Option<u64>, value: i32| {
            account.idempotent(who, Some("k"), claim, "DELETE /x".into(), move |_| {
                Ok((value, Some("grp456def".to_string())))
            })
        };
        assert_eq!(run(&mut account, &full, None, 1).unwrap(), 1);
        // Another API key with the same Idempotency-Key runs its own request.
        assert_eq!(run(&mut account, &scoped, None, 2).unwrap(), 2);
        assert_eq!(
            run(&mut account, &scoped, None, 3).unwrap(),
            2,
            "its own replay"
        );

        let held = account.claim_idempotency_key(&full.key_id, "k2").unwrap();
        assert_eq!(account.claim_idempotency_key(&full.key_id, "k2"), None);
        let other = account.idempotent(&full, Some("k2"), None, "DELETE /y".into(), |_| {
            Ok((0, None))
        });
        assert_eq!(other.unwrap_err().status().as_u16(), 409, "in flight");
        let mine = account.idempotent(&full, Some("k2"), Some(held), "DELETE /y".into(), |_| {
            Ok((7, None))
        });
        assert_eq!(mine.unwrap(), 7, "the holder runs");
        account.release_idempotency_key(&full.key_id, "k2", held);
        let replay = account.idempotent(&full, Some("k2"), None, "DELETE /y".into(), |_| {
            Ok((8, None))
        });
        assert_eq!(replay.unwrap(), 7, "replayed once released");
        // An empty key is no key.
        for expected in [5, 6] {
            let got = account.idempotent(&full, Some(""), None, "DELETE /z".into(), |_| {
                Ok((expected, None))
            });
            assert_eq!(got.unwrap(), expected);
        }
    }

    #[test]
    fn polling_rounds_record_snapshots_once_and_expiry_follows_the_clock() {
        let start = parse_timestamp("2026-06-09T10:00:00Z").unwrap();
        let mut account = demo_account(Clock::frozen_at(start));
        let who = full(&account);
        let before = account.get_profile(&who, "prof_yt_001", None).unwrap();
        assert_eq!(account.tick(), TickReport::default(), "no time has passed");

        account.clock.advance(Duration::hours(21));
        assert_eq!(
            account.tick(),
            TickReport::default(),
            "before the first round"
        );

        account.clock.advance(Duration::hours(2));
        let report = account.tick();
        // Active, polled profiles: one series each, but per placement for facebook, linkedin
        // and telegram (prof_li_001 2, prof_tg_001 2, prof_fb_001 2). prof_tt_001 expires
        // before the round; google_business is not polled.
        assert_eq!(report.snapshots_recorded, 13);
        assert_eq!(
            report.profiles_expired, 1,
            "prof_tt_001 expired 2026-06-10T08:00Z"
        );
        let after = account.get_profile(&who, "prof_yt_001", None).unwrap();
        assert_eq!(after.latest_stats[0].recorded_at, "2026-06-10T09:00:00Z");
        let grew = |k: &str| {
            (
                before.latest_stats[0].stats.0[k].as_u64().unwrap(),
                after.latest_stats[0].stats.0[k].as_u64().unwrap(),
            )
        };
        let (old, new) = grew("subscriberCount");
        assert!(new >= old && new <= old + old / 50 + 2, "{old} → {new}");
        let tiktok = account.get_profile(&who, "prof_tt_001", None).unwrap();
        assert_eq!(tiktok.status, ProfileStatus::Expired);

        // Back and forth: the same round is not recorded twice.
        account.clock.advance(Duration::hours(-5));
        assert_eq!(account.tick(), TickReport::default());
        account.clock.advance(Duration::hours(5));
        assert_eq!(account.tick(), TickReport::default());

        // Determinism: the same account and seed give the same snapshot.
        let mut twin = demo_account(Clock::frozen_at(start));
        twin.clock.advance(Duration::hours(23));
        twin.tick();
        assert_eq!(twin.get_profile(&who, "prof_yt_001", None).unwrap(), after);
    }

    #[test]
    fn status_follows_the_clock_from_the_start() {
        // After prof_tt_001's expires_at (2026-06-10T08:00Z), before prof_ig_001's (2026-07-01).
        let at = parse_timestamp("2026-06-20T00:00:00Z").unwrap();
        let mut account = demo_account(Clock::frozen_at(at));
        let who = full(&account);
        let status = |a: &Account, id: &str| a.get_profile(&who, id, None).unwrap().status;
        assert_eq!(
            status(&account, "prof_tt_001"),
            ProfileStatus::Expired,
            "at load"
        );
        assert_eq!(status(&account, "prof_ig_001"), ProfileStatus::Active);
        account.clock.advance(Duration::hours(23));
        let report = account.tick();
        assert_eq!(
            report.profiles_expired, 0,
            "expired at load, not by the move"
        );
        assert_eq!(account.snapshot_count("prof_tt_001"), Some(3), "not polled");
        assert_eq!(account.snapshot_count("prof_yt_001"), Some(4));

        let mut fixture = Fixtures::demo().accounts[0].profile_groups[1].profiles[0].clone();
        fixture.id = "prof_old".into();
        fixture.expires_at = Some("2020-01-01T00:00:00Z".into());
        let injected = account.inject_profile("grp123abc", &fixture).unwrap();
        assert_eq!(injected.status, ProfileStatus::Expired, "at injection");
        let patch = ProfilePatch {
            status: Some(ProfileStatus::Active),
            ..Default::default()
        };
        let patched = account.patch_profile("prof_old", &patch).unwrap();
        assert_eq!(
            patched.status,
            ProfileStatus::Expired,
            "a patch cannot outrun the clock"
        );
        let renew = ProfilePatch {
            expires_at: Some(Some("2040-01-01T00:00:00Z".into())),
            ..patch
        };
        assert_eq!(
            account.patch_profile("prof_old", &renew).unwrap().status,
            ProfileStatus::Active
        );

        // Set back before prof_tt_001's expiry: the clock's expiry is undone, the data's not.
        account.set_clock(parse_timestamp("2026-06-01T00:00:00Z"), None);
        assert_eq!(status(&account, "prof_tt_001"), ProfileStatus::Active);
        assert_eq!(status(&account, "prof789def"), ProfileStatus::Expired);
        let report = account.set_clock(parse_timestamp("2026-06-11T00:00:00Z"), None);
        assert_eq!(report.profiles_expired, 1, "and forward again");
    }

    #[test]
    fn polling_omits_keys_now_and_then_and_grows_them_back() {
        let start = parse_timestamp("2036-01-01T00:00:00Z").unwrap();
        let mut account = demo_account(Clock::frozen_at(start));
        let who = full(&account);
        account.clock.advance(Duration::hours(23 * 60));
        account.tick();
        let query = crate::GetProfileStatsQuery {
            profile_group_id: None,
            placement_id: None,
            from: Some("2036-01-01T00:00:00Z".into()),
            to: None,
        };
        let stats = account.stats(&who, "prof_tw_x", &query);
        assert!(stats.is_err(), "no such profile");
        let records = account.stats(&who, "prof654jkl", &query).unwrap().records;
        assert_eq!(records.len(), 60);
        let keys = |r: &StatsRecord| r.stats.0.keys().cloned().collect::<Vec<_>>();
        let all = keys(&records[0]).len().max(keys(&records[1]).len());
        let short = records.iter().filter(|r| r.stats.0.len() < all).count();
        assert!(
            short > 0 && short < 60,
            "{short} of 60 snapshots lack a key"
        );
        // A key that comes back has not restarted: it keeps growing from its last value.
        let series: Vec<u64> = records
            .iter()
            .filter_map(|r| r.stats.0.get("followers_count")?.as_u64())
            .collect();
        assert!(series.len() < 60, "followers_count came and went");
        assert!(series.windows(2).all(|w| w[0] <= w[1]), "{series:?}");
    }

    #[test]
    fn a_long_jump_is_capped() {
        let start = parse_timestamp("2026-01-01T00:00:00Z").unwrap();
        let mut account = demo_account(Clock::frozen_at(start));
        account.clock.advance(Duration::days(3650));
        let who = full(&account);
        account.tick();
        let stats = account
            .stats(
                &who,
                "prof_yt_001",
                &crate::GetProfileStatsQuery {
                    profile_group_id: None,
                    placement_id: None,
                    from: None,
                    to: None,
                },
            )
            .unwrap();
        assert_eq!(stats.records.len(), 3 + polling::MAX_ROUNDS as usize);
    }

    #[test]
    fn the_index_follows_removals_and_additions() {
        let mut account = demo_account(Clock::real());
        let who = full(&account);
        account.delete_profile(&who, "prof123abc", None).unwrap();
        account.delete_group(&who, "grp123abc").unwrap();
        account.inject_group(Some("grp_new"), "New").unwrap();
        let mut fixture = Fixtures::demo().accounts[0].profile_groups[0].profiles[0].clone();
        fixture.id = "prof_added".into();
        account.inject_profile("grp_new", &fixture).unwrap();
        // Every remaining profile resolves to itself, and group counts are true counts.
        for p in account.list_profiles(&who, None).unwrap() {
            assert_eq!(account.get_profile(&who, &p.id, None).unwrap().id, p.id);
        }
        for g in account.list_groups(&who) {
            let listed = account.list_profiles(&who, Some(&g.id)).unwrap();
            assert_eq!(listed.len() as i64, g.profiles_count, "{}", g.id);
            assert!(listed.iter().all(|p| p.profile_group_id == g.id));
        }
        assert!(account.get_profile(&who, "prof_yt_001", None).is_err());
        assert_eq!(account.counts(), (4, 10));
    }

    #[test]
    fn stats_windows_of_an_unordered_series_are_ascending_and_inclusive() {
        let mut account = demo_account(Clock::real());
        let who = full(&account);
        // Hours 0..40 added out of order, hour 7 twice (the one added later comes later).
        for h in (0..40u32).map(|h| (h * 17) % 40).chain([7]) {
            let mut stats = Map::new();
            stats.insert("h".into(), Value::from(h));
            let snapshot = SnapshotFixture {
                placement_id: None,
                stats,
                recorded_at: format!("2026-01-0{}T{:02}:00:00Z", 1 + h / 24, h % 24),
            };
            account.inject_snapshot("prof_bs_002", &snapshot).unwrap();
        }
        let window = |from: Option<&str>, to: Option<&str>| -> Vec<u64> {
            let query = crate::GetProfileStatsQuery {
                profile_group_id: None,
                placement_id: None,
                from: from.map(String::from),
                to: to.map(String::from),
            };
            let stats = account.stats(&who, "prof_bs_002", &query).unwrap();
            stats
                .records
                .iter()
                .filter_map(|r| r.stats.0.get("h")?.as_u64())
                .collect()
        };
        assert_eq!(
            window(Some("2026-01-01T05:00:00Z"), Some("2026-01-01T08:00:00Z")),
            [5, 6, 7, 7, 8]
        );
        assert_eq!(
            window(Some("2026-01-01T05:30:00Z"), Some("2026-01-01T06:30:00Z")),
            [6]
        );
        assert!(window(Some("2026-01-02T00:00:00Z"), Some("2026-01-01T00:00:00Z")).is_empty());
        assert_eq!(window(None, None).len(), 41);
        assert_eq!(
            window(Some("2026-01-02T15:00:00Z"), Some("2026-01-02T15:00:00Z")),
            [39]
        );
        // The fixture's own snapshot (2026-04-02) is still the newest.
        let latest = account.get_profile(&who, "prof_bs_002", None).unwrap();
        assert_eq!(latest.latest_stats[0].recorded_at, "2026-04-02T10:15:00Z");
    }

    #[test]
    fn redirects_keep_query_and_fragment() {
        assert_eq!(
            with_query("https://a.example/cb?x=1#top", &[("status", "success")]),
            "https://a.example/cb?x=1&status=success#top"
        );
        assert_eq!(
            with_query("https://a.example/cb", &[("error", "access denied")]),
            "https://a.example/cb?error=access+denied"
        );
    }
}
