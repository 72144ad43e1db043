//! [`Account`]: one tenant's keys, groups, profiles, pending connections and clock. The struct and its construction live here; its
//! rules live beside it, one concept per file: [`super::groups`], [`super::profiles`],
//! [`super::stats`], [`super::connections`], [`super::inject`] (what
//! the control plane may set) and [`super::tick`] (what time does to it).
//!
//! Each operation checks everything before it changes anything, so a refused request leaves
//! the account as it was.

use postproxy_models::ProfileStatus;
use time::OffsetDateTime;

use super::auth::{self, ApiKey, Principal};
use super::clock::Clock;
use super::fixtures::{
    AccountFixture, ApiKeyFixture, GroupFixture, ProfileFixture, SnapshotFixture,
};
use super::ids::IdGenerator;
use super::rows::{profile_row, Connection, GroupRow, ProfileIndex, ProfileRow, Rows, Versioned};

/// One tenant: its keys, groups, profiles and everything the control API can see or set.
#[derive(Debug, Clone)]
pub struct Account {
    pub(super) id: String,
    pub(super) seed: u64,
    pub(super) keys: Vec<ApiKey>,
    /// Groups and profiles, versioned: see [`Account::version`].
    pub(super) rows: Versioned<Rows>,
    pub(super) connections: Vec<Connection>,
    /// Tokens of invitations ended (used, denied, expired, their group deleted) since the
    /// store last looked: it removes them from its token index (see
    /// [`crate::domain::store::AccountMut`]), so the two cannot drift.
    pub(super) ended_tokens: Vec<String>,
    pub(super) ids: IdGenerator,
    /// The account's own clock: moving it affects no other account.
    pub clock: Clock,
    /// Polling rounds fall at `anchor + k × POLL_INTERVAL`.
    pub(super) anchor: OffsetDateTime,
    /// Polling and expiry have been applied up to here.
    pub(super) ticked_at: OffsetDateTime,
    /// The earliest `expires_at` after `ticked_at` of an active profile, so that a tick with
    /// nothing due does not look at every profile; `None` when it must be found again (a
    /// profile was added or changed).
    pub(super) next_expiry: Option<Option<OffsetDateTime>>,
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
            rows: Versioned::new(Rows::default()),
            connections: Vec::new(),
            ended_tokens: Vec::new(),
            clock,
            anchor: now,
            ticked_at: now,
            next_expiry: None,
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
            account.rows.get_mut().groups.push(GroupRow {
                id: group.id.clone(),
                name: group.name.clone(),
            });
            for p in &group.profiles {
                account
                    .rows
                    .get_mut()
                    .profiles
                    .push(profile_row(p, &group.id));
            }
        }
        let rows = account.rows.get_mut();
        rows.index = ProfileIndex::build(&rows.profiles);
        // Status follows the clock from the start: a token already past its `expires_at`
        // when the account is created (or imported) is expired.
        account.follow_clock();
        account
    }

    /// Every profile's status in line with the clock's now (see [`ProfileRow::follow_clock`]).
    pub(super) fn follow_clock(&mut self) {
        let now = self.clock.now();
        for row in &mut self.rows.get_mut().profiles {
            row.follow_clock(now);
        }
        self.next_expiry = None;
    }

    pub(super) fn push_profile(&mut self, row: ProfileRow) {
        self.next_expiry = None;
        let rows = self.rows.get_mut();
        rows.index.add(&row, rows.profiles.len());
        rows.profiles.push(row);
    }

    /// The version of what a product GET reads (groups, profiles, placements, stats): it
    /// changes with every change to them, and only then, so an answer made at one version
    /// holds while the version does.
    pub fn version(&self) -> u64 {
        self.rows.version()
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
        (self.rows.get().groups.len(), self.rows.get().profiles.len())
    }

    /// Number of pending connections (at most [`MAX_PENDING_CONNECTIONS`]).
    #[cfg(any(test, feature = "test-support"))]
    pub fn pending_connections(&self) -> usize {
        self.connections.len()
    }

    /// Number of stats snapshots of a profile (at most [`MAX_SNAPSHOTS`]).
    #[cfg(any(test, feature = "test-support"))]
    pub fn snapshot_count(&self, profile_id: &str) -> Option<usize> {
        let &i = self.rows.get().index.by_id.get(profile_id)?;
        Some(self.rows.get().profiles[i].snapshots.len())
    }

    /// The account's current state in the fixture format (keys included; snapshots in time
    /// order). A profile the clock expired is written `active` with its past `expires_at`,
    /// which makes it expired again on import.
    pub fn to_fixture(&self) -> AccountFixture {
        AccountFixture {
            // The clock is the account's state, not its data: an export leaves it out.
            clock: None,
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
                .rows
                .get()
                .groups
                .iter()
                .map(|g| GroupFixture {
                    id: g.id.clone(),
                    name: g.name.clone(),
                    profiles: self
                        .rows
                        .get()
                        .index
                        .by_group
                        .get(&g.id)
                        .map_or(&[][..], Vec::as_slice)
                        .iter()
                        .map(|&i| &self.rows.get().profiles[i])
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
                            username: p.profile.username.clone(),
                            platform_id: p.profile.platform_id.clone(),
                            platform_url: p.profile.platform_url.clone(),
                            inactive_reason: p.profile.inactive_reason,
                            placements_sync_status: p.profile.placements_sync_status.clone(),
                            ice_breakers: p.ice_breakers.clone(),
                            placements: p.placements.clone(),
                            stats: p
                                .snapshots
                                .iter()
                                .map(|s| SnapshotFixture {
                                    placement_id: s.placement_id.clone(),
                                    stats: s.stats.clone(),
                                    recorded_at: s.recorded_at.clone(),
                                    raw_stats: s.raw_stats.clone(),
                                })
                                .collect(),
                        })
                        .collect(),
                })
                .collect(),
        }
    }
}
