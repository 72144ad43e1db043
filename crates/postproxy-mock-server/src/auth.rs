//! API keys and what they may see: a full-access key sees every group of its account, a
//! group-scoped key only its own group.

use axum::http::StatusCode;

use crate::error::ApiError;

/// What an API key grants.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// Every profile group of the account.
    FullAccess,
    /// Only this profile group.
    Group(String),
}

/// The holder of a valid API key: its account and scope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    /// The account the key belongs to.
    pub account_id: String,
    /// What the key grants.
    pub scope: Scope,
}

impl Principal {
    /// Whether the key can see group `group_id` of account `account_id`.
    pub fn can_access(&self, account_id: &str, group_id: &str) -> bool {
        account_id == self.account_id
            && match &self.scope {
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

/// 401 `Invalid API key`: a missing, malformed or unknown key.
pub fn invalid_api_key() -> ApiError {
    ApiError::new(StatusCode::UNAUTHORIZED, "Invalid API key")
}

/// 422 `Your API key has no such permission`: a scoped key creating or deleting a group.
pub fn no_permission() -> ApiError {
    ApiError::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        "Your API key has no such permission",
    )
}
