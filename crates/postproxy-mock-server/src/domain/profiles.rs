//! Profiles: listing, resolution (by id, within a group, as the key may see), the detail
//! with its latest stats, placements and deletion.

use postproxy_models::{Placement, Platform, Profile, ProfileStatus, SummaryStats};

use super::account::Account;
use super::auth::Principal;
use super::error::DomainError;
use super::platform;
use super::rows::{ProfileIndex, ProfileRow, Snapshot};
use super::stats::{given, latest_stats, summary_stats};

impl Account {
    /// list_profiles, restricted to `profile_group_id` when given (404 if not accessible):
    /// the stored profiles, borrowed (the answer serialises them as they are).
    pub fn list_profiles(
        &self,
        who: &Principal,
        profile_group_id: Option<&str>,
    ) -> Result<Vec<&Profile>, DomainError> {
        let only = match given(profile_group_id) {
            Some(group) => Some(self.accessible_group(who, group)?.id.as_str()),
            None => None,
        };
        let visible = |p: &&ProfileRow| who.can_access(&p.profile.profile_group_id);
        Ok(match only {
            Some(group) => self
                .rows
                .get()
                .index
                .by_group
                .get(group)
                .map_or(&[][..], Vec::as_slice)
                .iter()
                .map(|&i| &self.rows.get().profiles[i])
                .filter(visible)
                .map(|p| &p.profile)
                .collect(),
            None => self
                .rows
                .get()
                .profiles
                .iter()
                .filter(visible)
                .map(|p| &p.profile)
                .collect(),
        })
    }

    /// The position of the group's first profile on `platform` that `matches`.
    pub(super) fn profile_on(
        &self,
        group_id: &str,
        platform: Platform,
        matches: impl Fn(ProfileStatus) -> bool,
    ) -> Option<usize> {
        self.rows
            .get()
            .index
            .by_group
            .get(group_id)?
            .iter()
            .copied()
            .find(|&i| {
                let p = &self.rows.get().profiles[i].profile;
                p.platform == platform && matches(p.status)
            })
    }

    /// The group's active profile on `platform`: the platform is "already connected". An
    /// expired or inactive profile is not: it is what a reconnect is for.
    pub(super) fn connected(&self, group_id: &str, platform: Platform) -> Option<usize> {
        self.profile_on(group_id, platform, |s| s == ProfileStatus::Active)
    }

    /// The profile a new authorisation on `platform` reconnects: the group's first expired or
    /// inactive profile of that platform.
    pub(super) fn reconnectable(&self, group_id: &str, platform: Platform) -> Option<usize> {
        self.profile_on(group_id, platform, |s| s != ProfileStatus::Active)
    }

    /// Profile resolution: with `profile_group_id` the profile must belong to that group;
    /// without it, to any group the key can access. Otherwise 404.
    pub(super) fn resolve(
        &self,
        who: &Principal,
        id: &str,
        profile_group_id: Option<&str>,
    ) -> Result<usize, DomainError> {
        self.rows
            .get()
            .index
            .by_id
            .get(id)
            .copied()
            .filter(|&i| {
                let p = &self.rows.get().profiles[i].profile;
                who.can_access(&p.profile_group_id)
                    && given(profile_group_id).is_none_or(|g| g == p.profile_group_id)
            })
            .ok_or(DomainError::NotFound)
    }

    /// get_profile: the profile with `latest_stats` and `summary_stats`, borrowed.
    pub(crate) fn get_profile(
        &self,
        who: &Principal,
        id: &str,
        profile_group_id: Option<&str>,
    ) -> Result<ProfileRead<'_>, DomainError> {
        let row = &self.rows.get().profiles[self.resolve(who, id, profile_group_id)?];
        let latest = latest_stats(row);
        let summary = if platform::facts(row.profile.platform).stats_per_placement {
            summary_stats(&latest)
        } else {
            None
        };
        Ok(ProfileRead {
            profile: &row.profile,
            latest,
            summary,
        })
    }

    /// list_profile_placements; 422 for networks without placements.
    pub fn placements(
        &self,
        who: &Principal,
        id: &str,
        profile_group_id: Option<&str>,
    ) -> Result<&[Placement], DomainError> {
        let row = &self.rows.get().profiles[self.resolve(who, id, profile_group_id)?];
        no_placements(row.profile.platform)?;
        Ok(&row.placements)
    }

    /// A profile id no profile of the account has.
    pub(super) fn new_profile_id(&mut self) -> String {
        loop {
            let id = self.ids.next_id("prof_", 10);
            if !self.rows.get().index.by_id.contains_key(&id) {
                break id;
            }
        }
    }

    /// delete_profile; returns the group the profile was in.
    pub fn delete_profile(
        &mut self,
        who: &Principal,
        id: &str,
        profile_group_id: Option<&str>,
    ) -> Result<String, DomainError> {
        let index = self.resolve(who, id, profile_group_id)?;
        let removed = self.rows.get_mut().profiles.remove(index);
        self.rows.get_mut().index = ProfileIndex::build(&self.rows.get().profiles);
        Ok(removed.profile.profile_group_id)
    }
}

/// The 422 for a network without placements (list_profile_placements, and moving one).
pub(super) fn no_placements(platform: Platform) -> Result<(), DomainError> {
    if platform::facts(platform).has_placements {
        return Ok(());
    }
    Err(DomainError::rejected(format!(
        "Placements are not available for {platform} profiles; they are available for {} \
         profiles",
        platform::list(platform::where_(|f| f.has_placements), true)
    )))
}

/// get_profile's answer, borrowed from the account: the stored profile, its latest snapshot
/// per placement (one, without placement, for other networks) and their summary.
#[derive(Debug)]
pub(crate) struct ProfileRead<'a> {
    /// The stored profile.
    pub(crate) profile: &'a Profile,
    /// The newest snapshot of each placement, in the placements' order.
    pub(crate) latest: Vec<&'a Snapshot>,
    /// `latest` summed, for networks with stats per placement.
    pub(crate) summary: Option<SummaryStats>,
}

impl ProfileRead<'_> {
    /// The answer as the model: what its serialised form must equal, and what tests compare.
    #[cfg(test)]
    pub(crate) fn detail(&self) -> postproxy_models::ProfileDetail {
        use postproxy_models::{LatestStats, ProfileDetail, Stats};
        let p = self.profile;
        ProfileDetail {
            id: p.id.clone(),
            name: p.name.clone(),
            status: p.status,
            platform: p.platform,
            profile_group_id: p.profile_group_id.clone(),
            expires_at: p.expires_at.clone(),
            post_count: p.post_count,
            avatar_url: p.avatar_url.clone(),
            username: p.username.clone(),
            platform_id: p.platform_id.clone(),
            platform_url: p.platform_url.clone(),
            inactive_reason: p.inactive_reason,
            placements_sync_status: p.placements_sync_status.clone(),
            latest_stats: self
                .latest
                .iter()
                .map(|s| LatestStats {
                    placement_id: s.placement_id.clone(),
                    stats: Stats(s.stats.clone()),
                    recorded_at: s.recorded_at.clone(),
                })
                .collect(),
            summary_stats: self.summary.clone(),
        }
    }
}
