//! What the control plane may set in an account beyond the product API: groups, profiles,
//! placements and stats snapshots added, groups renamed, profiles patched. Each is checked as
//! a fixture is.

use postproxy_models::{Placement, Platform, Profile, ProfileGroup, ProfileStatus};

use super::account::Account;
use super::error::DomainError;
use super::fixtures::{parse_timestamp, validate_profile, ProfileFixture, SnapshotFixture};
use super::platform;
use super::rows::{profile_row, ProfileRow, Snapshot};
use crate::limits::{self, MAX_GROUPS, MAX_PLACEMENTS, MAX_PROFILES, MAX_SNAPSHOTS};

impl Account {
    /// Adds a group; 409 if `id` is taken.
    pub fn inject_group(
        &mut self,
        id: Option<&str>,
        name: &str,
    ) -> Result<ProfileGroup, DomainError> {
        if name.trim().is_empty() {
            return Err(DomainError::rejected("name must not be blank"));
        }
        if let Some(id) = id {
            if id.trim().is_empty() {
                return Err(DomainError::rejected("id must not be blank"));
            }
            if self.rows.get().groups.iter().any(|g| g.id == id) {
                return Err(DomainError::Exists(format!(
                    "profile group {id:?} already exists"
                )));
            }
        }
        if self.rows.get().groups.len() >= MAX_GROUPS {
            return Err(DomainError::Full(limits::full(
                MAX_GROUPS,
                "profile groups",
            )));
        }
        Ok(self.insert_group(id, name))
    }

    /// A group's name.
    pub fn group_name(&self, id: &str) -> Option<&str> {
        self.rows
            .get()
            .groups
            .iter()
            .find(|g| g.id == id)
            .map(|g| g.name.as_str())
    }

    /// Renames a group.
    pub fn rename_group(&mut self, id: &str, name: &str) -> Result<ProfileGroup, DomainError> {
        if name.trim().is_empty() {
            return Err(DomainError::rejected("name must not be blank"));
        }
        // A refused rename takes a new version too: harmless (a cached answer is made again).
        let group = self
            .rows
            .get_mut()
            .groups
            .iter_mut()
            .find(|g| g.id == id)
            .ok_or_else(|| DomainError::Missing(format!("no profile group {id:?}")))?;
        group.name = name.to_string();
        let group = group.clone();
        Ok(self.group_view(&group))
    }

    /// Adds a profile to a group, checked as a fixture profile is.
    pub fn inject_profile(
        &mut self,
        group_id: &str,
        fixture: &ProfileFixture,
    ) -> Result<Profile, DomainError> {
        validate_profile(fixture, "profile")
            .map_err(|e| DomainError::rejected(format!("{}: {}", e.path, e.message)))?;
        if fixture.id.trim().is_empty() {
            return Err(DomainError::rejected("profile.id: must not be blank"));
        }
        if !self.rows.get().groups.iter().any(|g| g.id == group_id) {
            return Err(DomainError::Missing(format!(
                "no profile group {group_id:?}"
            )));
        }
        if self.rows.get().index.by_id.contains_key(&fixture.id) {
            return Err(DomainError::Exists(format!(
                "profile {:?} already exists",
                fixture.id
            )));
        }
        if self.rows.get().profiles.len() >= MAX_PROFILES {
            return Err(DomainError::Full(limits::full(MAX_PROFILES, "profiles")));
        }
        let mut row = profile_row(fixture, group_id);
        row.follow_clock(self.clock.now());
        let profile = row.profile.clone();
        self.push_profile(row);
        Ok(profile)
    }

    /// The profile row by id, for the control API.
    pub(super) fn profile_mut(&mut self, id: &str) -> Result<&mut ProfileRow, DomainError> {
        match self.rows.get().index.by_id.get(id) {
            Some(&i) => Ok(&mut self.rows.get_mut().profiles[i]),
            None => Err(DomainError::Missing(format!("no profile {id:?}"))),
        }
    }

    /// Changes fields of a profile; `patch` is applied only if all of it is valid.
    pub fn patch_profile(
        &mut self,
        id: &str,
        patch: &ProfileChanges,
    ) -> Result<Profile, DomainError> {
        if let Some(Some(expires_at)) = &patch.expires_at {
            if parse_timestamp(expires_at).is_none() {
                return Err(DomainError::rejected(format!(
                    "expires_at: {expires_at:?} is not an RFC 3339 timestamp"
                )));
            }
        }
        if patch.post_count.is_some_and(|n| n < 0) {
            return Err(DomainError::rejected("post_count must not be negative"));
        }
        if patch.name.as_ref().is_some_and(|n| n.trim().is_empty()) {
            return Err(DomainError::rejected("name must not be blank"));
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
            // Only an inactive profile says why it is inactive.
            if status != ProfileStatus::Inactive {
                p.inactive_reason = None;
            }
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
    ) -> Result<Vec<Placement>, DomainError> {
        let row = self.profile_mut(id)?;
        let platform = row.profile.platform;
        if !platform::facts(platform).has_placements {
            return Err(DomainError::rejected(format!(
                "{platform} profiles have no placements"
            )));
        }
        match &placement.id {
            None if platform != Platform::Linkedin => {
                return Err(DomainError::rejected(
                    "only the LinkedIn personal profile placement may have a null id",
                ))
            }
            Some(pid) if row.placements.iter().any(|p| p.id.as_deref() == Some(pid)) => {
                return Err(DomainError::Exists(format!(
                    "placement {pid:?} already exists"
                )))
            }
            None if row.placements.iter().any(|p| p.id.is_none()) => {
                return Err(DomainError::Exists(
                    "the personal profile placement already exists".into(),
                ))
            }
            _ => {}
        }
        if row.placements.len() >= MAX_PLACEMENTS {
            return Err(DomainError::rejected(format!(
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
    ) -> Result<(), DomainError> {
        let row = self.profile_mut(id)?;
        let platform = row.profile.platform;
        let at = parse_timestamp(&snapshot.recorded_at).ok_or_else(|| {
            DomainError::rejected(format!(
                "recorded_at: {:?} is not an RFC 3339 timestamp",
                snapshot.recorded_at
            ))
        })?;
        match (
            &snapshot.placement_id,
            platform::facts(platform).stats_per_placement,
        ) {
            (None, true) => {
                return Err(DomainError::rejected(format!(
                    "placement_id is required for {platform} profiles"
                )))
            }
            (Some(pid), true) if !row.placements.iter().any(|p| p.id.as_deref() == Some(pid)) => {
                return Err(DomainError::Missing(format!(
                    "no placement {pid:?} on profile {id:?}"
                )))
            }
            (Some(_), false) => {
                return Err(DomainError::rejected(format!(
                    "placement_id must be null: {platform} stats are not kept per placement"
                )))
            }
            _ => {}
        }
        if row.snapshots.len() >= MAX_SNAPSHOTS {
            return Err(DomainError::rejected(format!(
                "This profile holds {MAX_SNAPSHOTS} stats snapshots, the most it can"
            )));
        }
        row.insert_snapshot(Snapshot {
            placement_id: snapshot.placement_id.clone(),
            stats: snapshot.stats.clone(),
            recorded_at: snapshot.recorded_at.clone(),
            at,
            raw_stats: snapshot.raw_stats.clone(),
        });
        Ok(())
    }
}

/// Changes to a profile; absent fields stay as they are (`Some(None)` clears an optional one).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ProfileChanges {
    /// Display name.
    pub name: Option<String>,
    /// The status.
    pub status: Option<ProfileStatus>,
    /// RFC 3339, or `Some(None)` to clear.
    pub expires_at: Option<Option<String>>,
    /// Not negative.
    pub post_count: Option<i64>,
    /// A URL, or `Some(None)` to clear.
    pub avatar_url: Option<Option<String>>,
}
