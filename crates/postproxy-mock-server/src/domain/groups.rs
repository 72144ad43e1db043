//! Profile groups: list, get, create and delete, as a key's scope allows.

use postproxy_models::ProfileGroup;

use super::account::Account;
use super::auth::Principal;
use super::error::DomainError;
use super::rows::{GroupRow, ProfileIndex};
use crate::limits::{self, MAX_GROUPS};

impl Account {
    pub(super) fn profiles_count(&self, group_id: &str) -> i64 {
        let n = self
            .rows
            .get()
            .index
            .by_group
            .get(group_id)
            .map_or(0, Vec::len);
        i64::try_from(n).unwrap_or(i64::MAX)
    }

    pub(super) fn group_view(&self, group: &GroupRow) -> ProfileGroup {
        ProfileGroup {
            id: group.id.clone(),
            name: group.name.clone(),
            profiles_count: self.profiles_count(&group.id),
        }
    }

    pub(super) fn accessible_group(
        &self,
        who: &Principal,
        id: &str,
    ) -> Result<&GroupRow, DomainError> {
        self.rows
            .get()
            .groups
            .iter()
            .find(|g| g.id == id && who.can_access(&g.id))
            .ok_or(DomainError::NotFound)
    }

    /// list_profile_groups: every group the key can access.
    pub fn list_groups(&self, who: &Principal) -> Vec<ProfileGroup> {
        self.rows
            .get()
            .groups
            .iter()
            .filter(|g| who.can_access(&g.id))
            .map(|g| self.group_view(g))
            .collect()
    }

    /// get_profile_group.
    pub fn get_group(&self, who: &Principal, id: &str) -> Result<ProfileGroup, DomainError> {
        let group = self.accessible_group(who, id)?;
        Ok(self.group_view(group))
    }

    /// create_profile_group: the nested `profile_group.name` if given, else the flat `name`.
    pub fn create_group(
        &mut self,
        who: &Principal,
        body: &postproxy_models::CreateProfileGroupRequest,
    ) -> Result<ProfileGroup, DomainError> {
        if !who.can_manage_groups() {
            return Err(DomainError::NoPermission);
        }
        let name = body
            .profile_group
            .as_ref()
            .and_then(|g| g.name.as_deref())
            .or(body.name.as_deref())
            .filter(|n| !n.trim().is_empty())
            .ok_or_else(|| DomainError::rejected("Name can't be blank"))?;
        if self.rows.get().groups.len() >= MAX_GROUPS {
            return Err(DomainError::Full(limits::full(
                MAX_GROUPS,
                "profile groups",
            )));
        }
        Ok(self.insert_group(None, name))
    }

    /// Adds a group (with a new id unless `id` is given and free); returns its view.
    pub(super) fn insert_group(&mut self, id: Option<&str>, name: &str) -> ProfileGroup {
        let id = match id {
            Some(id) => id.to_string(),
            None => loop {
                let id = self.ids.next_id("grp_", 10);
                if !self.rows.get().groups.iter().any(|g| g.id == id) {
                    break id;
                }
            },
        };
        let row = GroupRow {
            id,
            name: name.to_string(),
        };
        let view = self.group_view(&row);
        self.rows.get_mut().groups.push(row);
        view
    }

    /// delete_profile_group: removes the group and its profiles.
    pub fn delete_group(&mut self, who: &Principal, id: &str) -> Result<(), DomainError> {
        if !who.can_manage_groups() {
            return Err(DomainError::NoPermission);
        }
        self.accessible_group(who, id)?;
        self.rows.get_mut().groups.retain(|g| g.id != id);
        let before = self.rows.get().profiles.len();
        self.rows
            .get_mut()
            .profiles
            .retain(|p| p.profile.profile_group_id != id);
        if self.rows.get().profiles.len() != before {
            self.rows.get_mut().index = ProfileIndex::build(&self.rows.get().profiles);
        }
        self.end_connections(|c| c.profile_group_id == id);
        Ok(())
    }
}
