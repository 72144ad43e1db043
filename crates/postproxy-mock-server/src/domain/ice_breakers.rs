//! Ice breakers (the official SDKs' operations): the chat prompts of an Instagram profile,
//! stored on the profile, so they move and go with it.

use postproxy_models::{IceBreaker, Platform};

use super::account::Account;
use super::auth::Principal;
use super::error::DomainError;
use crate::limits::{MAX_ICE_BREAKERS, MAX_ICE_BREAKER_PAYLOAD, MAX_ICE_BREAKER_QUESTION};

impl Account {
    /// The position of the profile, resolved as for get_profile, if it is an Instagram
    /// profile; 422 naming its network otherwise.
    fn instagram(
        &self,
        who: &Principal,
        id: &str,
        profile_group_id: Option<&str>,
    ) -> Result<usize, DomainError> {
        let index = self.resolve(who, id, profile_group_id)?;
        match self.rows.get().profiles[index].profile.platform {
            Platform::Instagram => Ok(index),
            other => Err(DomainError::rejected(format!(
                "Ice breakers are available for instagram profiles only, not {other} profiles"
            ))),
        }
    }

    /// get_ice_breakers: the profile's ice breakers, in the order they were set.
    pub fn ice_breakers(
        &self,
        who: &Principal,
        id: &str,
        profile_group_id: Option<&str>,
    ) -> Result<&[IceBreaker], DomainError> {
        let index = self.instagram(who, id, profile_group_id)?;
        Ok(&self.rows.get().profiles[index].ice_breakers)
    }

    /// set_ice_breakers: replaces them with `items` (1 to 4, each checked).
    pub fn set_ice_breakers(
        &mut self,
        who: &Principal,
        id: &str,
        profile_group_id: Option<&str>,
        items: &[IceBreaker],
    ) -> Result<(), DomainError> {
        let index = self.instagram(who, id, profile_group_id)?;
        check_ice_breakers(items)
            .map_err(|(path, problem)| DomainError::rejected(format!("{path}: {problem}")))?;
        self.rows.get_mut().profiles[index].ice_breakers = items.to_vec();
        Ok(())
    }

    /// delete_ice_breakers: the profile has none afterwards (none before is not an error).
    pub fn delete_ice_breakers(
        &mut self,
        who: &Principal,
        id: &str,
        profile_group_id: Option<&str>,
    ) -> Result<(), DomainError> {
        let index = self.instagram(who, id, profile_group_id)?;
        if !self.rows.get().profiles[index].ice_breakers.is_empty() {
            self.rows.get_mut().profiles[index].ice_breakers.clear();
        }
        Ok(())
    }
}

/// The rules of a list of ice breakers: 1 to [`MAX_ICE_BREAKERS`] items, each question and
/// payload not blank and within its length. The error is the field's path under
/// `ice_breakers` and the problem.
pub(crate) fn check_ice_breakers(items: &[IceBreaker]) -> Result<(), (String, String)> {
    if items.is_empty() || items.len() > MAX_ICE_BREAKERS {
        return Err((
            "ice_breakers".into(),
            format!("1 to {MAX_ICE_BREAKERS} items, not {}", items.len()),
        ));
    }
    for (i, item) in items.iter().enumerate() {
        let fields = [
            ("question", &item.question, MAX_ICE_BREAKER_QUESTION),
            ("payload", &item.payload, MAX_ICE_BREAKER_PAYLOAD),
        ];
        for (name, value, max) in fields {
            let path = || format!("ice_breakers[{i}].{name}");
            if value.trim().is_empty() {
                return Err((path(), "must not be blank".into()));
            }
            if value.chars().count() > max {
                return Err((path(), format!("at most {max} characters")));
            }
        }
    }
    Ok(())
}
