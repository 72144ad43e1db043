//! [`DomainError`]: every way the simulated service refuses something, named for what went
//! wrong rather than for an HTTP status. `crate::http::error` maps each to the status and body
//! the spec documents, in one place; the messages are the service's own words.

use super::fixtures::FixtureError;

/// Why the domain refused an operation. Nothing was changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DomainError {
    /// A missing, malformed or unknown API key.
    InvalidApiKey,
    /// A group-scoped key creating or deleting a group.
    NoPermission,
    /// The object does not exist, or the key cannot see it: the product API says no more.
    NotFound,
    /// An object the control plane named does not exist (the message names it).
    Missing(String),
    /// The stats endpoint's `placement_id` is not one of the profile's placements.
    PlacementNotFound,
    /// A move's target group does not exist, or the key cannot see it.
    TargetGroupNotFound,
    /// The input is malformed (a timestamp that does not parse, a required parameter absent).
    Malformed(String),
    /// The input is well formed but breaks a rule of the service.
    Rejected(String),
    /// The object already exists (an id, a key, a placement).
    Exists(String),
    /// A cap of `crate::limits` is reached (the message names it).
    Full(String),
    /// No pending connection has this token (or it was used).
    UnknownConnection,
    /// The connection link's hour has passed.
    ConnectionExpired,
    /// The group has an active profile of the platform (another invitation won).
    AlreadyConnected,
    /// No account with that id.
    NoAccount(String),
    /// An account's fixture is invalid.
    InvalidFixture(FixtureError),
}

impl DomainError {
    /// A 422-style refusal with the service's message.
    pub(crate) fn rejected(message: impl Into<String>) -> Self {
        Self::Rejected(message.into())
    }
}

impl std::fmt::Display for DomainError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::InvalidApiKey => f.write_str("Invalid API key"),
            Self::NoPermission => f.write_str("Your API key has no such permission"),
            Self::NotFound => f.write_str("Not found"),
            Self::PlacementNotFound => f.write_str("Placement not found"),
            Self::TargetGroupNotFound => f.write_str("Target profile group not found"),
            Self::Missing(m)
            | Self::Malformed(m)
            | Self::Rejected(m)
            | Self::Exists(m)
            | Self::Full(m) => f.write_str(m),
            Self::UnknownConnection => f.write_str("No pending connection with this token"),
            Self::ConnectionExpired => f.write_str("This connection link has expired"),
            Self::AlreadyConnected => f.write_str("Platform already connected"),
            Self::NoAccount(id) => write!(f, "No account {id:?}"),
            Self::InvalidFixture(e) => write!(f, "Invalid account at {}: {}", e.path, e.message),
        }
    }
}

impl std::error::Error for DomainError {}
