//! Moves between groups (the official SDKs' assign operations): a profile with its
//! placements, or one placement to its profile's counterpart in the other group. A move
//! changes only which group a profile is in, or which profile a placement is on; the counts
//! follow from the index, so both groups' `profiles_count` agree at once.

use postproxy_models::{AssignedPlacement, Placement, Profile};

use super::account::Account;
use super::auth::Principal;
use super::error::DomainError;
use super::platform;
use super::profiles::no_placements;
use super::rows::{ProfileIndex, ProfileRow, Snapshot};
use crate::limits::{self, MAX_PLACEMENTS, MAX_PROFILES};

impl Account {
    /// The group a move goes to: one the key can access, by id (404 `Target profile group not
    /// found` otherwise, the same for a group the key cannot see as for none at all).
    fn move_target(&self, who: &Principal, target: &str) -> Result<String, DomainError> {
        self.accessible_group(who, target)
            .map(|g| g.id.clone())
            .map_err(|_| DomainError::TargetGroupNotFound)
    }

    /// assign_to_group: the profile (resolved as for get_profile) moves, with its placements
    /// and stats, to `target`. Already there: nothing changes.
    pub fn assign_to_group(
        &mut self,
        who: &Principal,
        id: &str,
        profile_group_id: Option<&str>,
        target: &str,
    ) -> Result<&Profile, DomainError> {
        let index = self.resolve(who, id, profile_group_id)?;
        let target = self.move_target(who, target)?;
        if self.rows.get().profiles[index].profile.profile_group_id != target {
            let rows = self.rows.get_mut();
            rows.profiles[index].profile.profile_group_id = target;
            rows.index = ProfileIndex::build(&rows.profiles);
        }
        Ok(&self.rows.get().profiles[index].profile)
    }

    /// The profile of `group` that a placement of profile `from` moves to: the same platform
    /// and account (the same `platform_id` when `from` has one, else the same `name`).
    fn counterpart(&self, from: usize, group: &str) -> Option<usize> {
        let rows = self.rows.get();
        let source = &rows.profiles[from].profile;
        rows.index.by_group.get(group)?.iter().copied().find(|&i| {
            let p = &rows.profiles[i].profile;
            p.platform == source.platform
                && match &source.platform_id {
                    Some(id) => p.platform_id.as_ref() == Some(id),
                    None => p.name == source.name,
                }
        })
    }

    /// assign_placement_to_group: the placement moves to the profile's counterpart in
    /// `target` (made when there is none), with its snapshots where stats are per placement.
    /// Already in `target`: nothing changes. Everything is checked before anything changes.
    pub fn assign_placement_to_group(
        &mut self,
        who: &Principal,
        id: &str,
        profile_group_id: Option<&str>,
        placement_id: &str,
        target: &str,
    ) -> Result<AssignedPlacement, DomainError> {
        let from = self.resolve(who, id, profile_group_id)?;
        let source = &self.rows.get().profiles[from];
        let platform = source.profile.platform;
        no_placements(platform)?;
        let at = source
            .placements
            .iter()
            .position(|p| p.id.as_deref() == Some(placement_id))
            .ok_or(DomainError::PlacementNotFound)?;
        let target = self.move_target(who, target)?;
        if source.profile.profile_group_id == target {
            return Ok(assigned(&source.placements[at], &source.profile));
        }
        let counterpart = self.counterpart(from, &target);
        match counterpart {
            Some(to) => {
                let placements = &self.rows.get().profiles[to].placements;
                if placements
                    .iter()
                    .any(|p| p.id.as_deref() == Some(placement_id))
                {
                    return Err(DomainError::rejected(format!(
                        "The target group's {platform} profile already has placement \
                         {placement_id}"
                    )));
                }
                if placements.len() >= MAX_PLACEMENTS {
                    return Err(DomainError::rejected(format!(
                        "The target group's {platform} profile has {MAX_PLACEMENTS} placements, \
                         the most it can"
                    )));
                }
            }
            None if self.rows.get().profiles.len() >= MAX_PROFILES => {
                return Err(DomainError::Full(limits::full(MAX_PROFILES, "profiles")));
            }
            None => {}
        }
        let to = match counterpart {
            Some(to) => to,
            None => {
                let id = self.new_profile_id();
                let source = &self.rows.get().profiles[from];
                let row = ProfileRow {
                    profile: Profile {
                        id,
                        profile_group_id: target,
                        post_count: 0,
                        ..source.profile.clone()
                    },
                    placements: Vec::new(),
                    snapshots: Vec::new(),
                    expired_by_clock: source.expired_by_clock,
                    // Only Instagram has them, and Instagram has no placements.
                    ice_breakers: Vec::new(),
                };
                self.push_profile(row);
                self.rows.get().profiles.len() - 1
            }
        };
        let rows = self.rows.get_mut();
        let placement = rows.profiles[from].placements.remove(at);
        if platform::facts(platform).stats_per_placement {
            let series = &mut rows.profiles[from].snapshots;
            let (moving, staying): (Vec<Snapshot>, Vec<Snapshot>) = std::mem::take(series)
                .into_iter()
                .partition(|s| s.placement_id.as_deref() == Some(placement_id));
            *series = staying;
            for snapshot in moving {
                rows.profiles[to].insert_snapshot(snapshot);
            }
        }
        let answer = assigned(&placement, &rows.profiles[to].profile);
        rows.profiles[to].placements.push(placement);
        Ok(answer)
    }
}

/// assign_placement_to_group's answer: the placement, on `profile`.
fn assigned(placement: &Placement, profile: &Profile) -> AssignedPlacement {
    AssignedPlacement {
        id: placement.id.clone().unwrap_or_default(),
        name: placement.name.clone(),
        avatar_url: placement.avatar_url.clone(),
        metadata: placement.metadata.clone(),
        profile_group_id: profile.profile_group_id.clone(),
        profile_id: profile.id.clone(),
    }
}
