//! Moves between groups (the official SDKs' assign operations): a profile with its
//! placements. A move changes only which group a profile is in; the counts follow from the
//! index, so both groups' `profiles_count` agree at once.

use postproxy_models::Profile;

use super::account::Account;
use super::auth::Principal;
use super::error::DomainError;
use super::rows::ProfileIndex;

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
}
