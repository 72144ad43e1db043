//! How an account stores its data: group and profile rows, stats snapshots, and the index
//! from profile ids and groups to positions.

use std::sync::atomic::{AtomicU64, Ordering};

use postproxy_models::{IceBreaker, Placement, Platform, Profile, ProfileStatus};
use serde_json::{Map, Value};
use time::OffsetDateTime;

use super::fixtures::{parse_timestamp, ProfileFixture};
use super::FastMap;
use crate::limits::MAX_SNAPSHOTS;

#[derive(Debug, Clone)]
pub(crate) struct GroupRow {
    pub(crate) id: String,
    pub(crate) name: String,
}

#[derive(Debug, Clone)]
pub(crate) struct Snapshot {
    pub(crate) placement_id: Option<String>,
    pub(crate) stats: Map<String, Value>,
    pub(crate) recorded_at: String,
    pub(crate) at: OffsetDateTime,
    /// The platform's unfiltered payload; empty unless fixtures or the control API set it.
    pub(crate) raw_stats: Map<String, Value>,
}

#[derive(Debug, Clone)]
pub(crate) struct ProfileRow {
    pub(crate) profile: Profile,
    pub(crate) placements: Vec<Placement>,
    /// Sorted by time (stably: equal times keep the order they were added in), so a stats
    /// window is two binary searches and the newest snapshot is found from the end.
    pub(crate) snapshots: Vec<Snapshot>,
    /// Whether the account's clock (not the data) made the profile `expired`: setting the
    /// clock back before its `expires_at` makes it active again.
    pub(crate) expired_by_clock: bool,
    /// An Instagram profile's ice breakers (none for other networks).
    pub(crate) ice_breakers: Vec<IceBreaker>,
}

impl ProfileRow {
    /// Brings the status in line with the clock at `now`: an active profile whose `expires_at`
    /// is not after `now` is expired, and one the clock expired whose `expires_at` is after
    /// `now` (the clock was set back) is active again. Returns whether it expired.
    pub(crate) fn follow_clock(&mut self, now: OffsetDateTime) -> bool {
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
    pub(crate) fn insert_snapshot(&mut self, snapshot: Snapshot) {
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
pub(crate) struct ProfileIndex {
    pub(crate) by_id: FastMap<String, usize>,
    /// Each group's profiles, in list order.
    pub(crate) by_group: FastMap<String, Vec<usize>>,
}

impl ProfileIndex {
    pub(crate) fn build(profiles: &[ProfileRow]) -> Self {
        let mut index = Self::default();
        for (i, row) in profiles.iter().enumerate() {
            index.add(row, i);
        }
        index
    }

    pub(crate) fn add(&mut self, row: &ProfileRow, position: usize) {
        self.by_id.insert(row.profile.id.clone(), position);
        self.by_group
            .entry(row.profile.profile_group_id.clone())
            .or_default()
            .push(position);
    }
}

pub(crate) fn profile_row(p: &ProfileFixture, group_id: &str) -> ProfileRow {
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
                raw_stats: s.raw_stats.clone(),
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
            username: p.username.clone(),
            platform_id: p.platform_id.clone(),
            platform_url: p.platform_url.clone(),
            inactive_reason: p.inactive_reason,
            placements_sync_status: p.placements_sync_status.clone(),
        },
        placements: p.placements.clone(),
        snapshots,
        expired_by_clock: false,
        ice_breakers: p.ice_breakers.clone(),
    }
}

/// An account's groups and profiles: everything a product GET reads. An account holds them in
/// a [`Versioned`], so every change takes a new version by construction.
#[derive(Debug, Clone, Default)]
pub(crate) struct Rows {
    pub(crate) groups: Vec<GroupRow>,
    pub(crate) profiles: Vec<ProfileRow>,
    pub(crate) index: ProfileIndex,
}

/// A value and the version it is at. The only way to change the value, [`Versioned::get_mut`],
/// takes a new version stamp first, so two reads at the same version saw the same value: a
/// response cached at one version (`crate::http::cache`) is served only while the version
/// stands. Stamps come from one counter for the whole process, so no two values (a replaced
/// account, a clone) ever share one.
#[derive(Debug)]
pub(crate) struct Versioned<T> {
    value: T,
    version: u64,
}

static NEXT_VERSION: AtomicU64 = AtomicU64::new(1);

fn next_version() -> u64 {
    NEXT_VERSION.fetch_add(1, Ordering::Relaxed)
}

impl<T> Versioned<T> {
    pub(crate) fn new(value: T) -> Self {
        Self {
            value,
            version: next_version(),
        }
    }

    /// The value, to read.
    pub(crate) fn get(&self) -> &T {
        &self.value
    }

    /// The value, to change: a new version from here on.
    pub(crate) fn get_mut(&mut self) -> &mut T {
        self.version = next_version();
        &mut self.value
    }

    /// The version the value is at.
    pub(crate) fn version(&self) -> u64 {
        self.version
    }
}

impl<T: Clone> Clone for Versioned<T> {
    fn clone(&self) -> Self {
        Self::new(self.value.clone())
    }
}

/// A connection invitation created by initialize_connection, waiting for the user (the
/// control API shows it as `crate::control::Connection`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Connection {
    /// The token in the connect URL.
    pub token: String,
    /// The account that asked for it.
    pub account_id: String,
    /// The group a profile will be connected to.
    pub profile_group_id: String,
    /// The network.
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
