//! API keys and what they may see: a full-access key sees every group of its account, a
//! group-scoped key only its own group.

/// What an API key grants.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// Every profile group of the account.
    FullAccess,
    /// Only this profile group.
    Group(String),
}

impl Scope {
    /// The group a scoped key is limited to; `None` for full access.
    pub fn group(&self) -> Option<&str> {
        match self {
            Scope::FullAccess => None,
            Scope::Group(group) => Some(group),
        }
    }
}

/// The holder of a valid API key: its account and scope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    /// The account the key belongs to.
    pub account_id: String,
    /// What the key grants.
    pub scope: Scope,
    /// The key's public id ([`key_id`]), for the request journal.
    pub key_id: String,
}

impl Principal {
    /// Whether the key can see group `group_id` of its account.
    pub fn can_access(&self, group_id: &str) -> bool {
        match &self.scope {
            Scope::FullAccess => true,
            Scope::Group(scoped) => scoped == group_id,
        }
    }

    /// Whether the key may create and delete groups (full-access keys only).
    pub fn can_manage_groups(&self) -> bool {
        self.scope == Scope::FullAccess
    }
}

/// An API key as the server lists it (e.g. to print at startup).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiKey {
    /// The secret sent as `Authorization: Bearer <key>`.
    pub key: String,
    /// Its account and scope.
    pub principal: Principal,
}

/// A public id for an API key, e.g. `key_3f9a0c1d`: stable, and safe to show where the key
/// itself must not appear (the request journal, the control API).
pub fn key_id(key: &str) -> String {
    let mut h: u32 = 0x811c_9dc5;
    for b in key.bytes() {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x0100_0193);
    }
    format!("key_{h:08x}")
}
