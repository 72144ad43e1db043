//! The control API's views of domain values: what it shows of pending connections, of what
//! finishing one did and of what a clock move did, and the profile changes it accepts. The
//! domain's own types know nothing of serde's wire names or the OpenAPI document; these do,
//! and convert.

use postproxy_models::{Platform, Profile, ProfileStatus};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::domain::{connections, inject, tick};

/// A connection invitation created by initialize_connection, waiting for the user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Connection {
    /// The token in the connect URL.
    pub token: String,
    /// The account that asked for it.
    pub account_id: String,
    /// The group a profile will be connected to.
    pub profile_group_id: String,
    /// The network.
    #[schema(value_type = String, example = "instagram")]
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

impl From<&connections::Connection> for Connection {
    fn from(c: &connections::Connection) -> Self {
        Self {
            token: c.token.clone(),
            account_id: c.account_id.clone(),
            profile_group_id: c.profile_group_id.clone(),
            platform: c.platform,
            redirect_url: c.redirect_url.clone(),
            refresh_connection: c.refresh_connection,
            expires_at: c.expires_at.clone(),
        }
    }
}

/// What finishing a connection did: where to send the user, and the profile if one was
/// connected.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ConnectionOutcome {
    /// `redirect_url` with the outcome in its query: `status=success&profile_id=…` or
    /// `error=access_denied`.
    pub redirect_to: String,
    /// The connected (or reconnected) profile; absent when denied.
    #[schema(value_type = Option<Object>)]
    pub profile: Option<Profile>,
}

impl From<connections::ConnectionOutcome> for ConnectionOutcome {
    fn from(o: connections::ConnectionOutcome) -> Self {
        Self {
            redirect_to: o.redirect_to,
            profile: o.profile,
        }
    }
}

/// What a clock move did to an account.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct TickReport {
    /// Stats snapshots recorded by polling.
    pub snapshots_recorded: u64,
    /// Profiles whose `expires_at` passed and that became `expired`.
    pub profiles_expired: u64,
}

impl From<tick::TickReport> for TickReport {
    fn from(r: tick::TickReport) -> Self {
        Self {
            snapshots_recorded: r.snapshots_recorded,
            profiles_expired: r.profiles_expired,
        }
    }
}

/// Changes to a profile; absent fields stay as they are.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProfilePatch {
    /// Display name.
    #[serde(default)]
    pub name: Option<String>,
    /// `active`, `expired` or `inactive`.
    #[serde(default)]
    #[schema(value_type = Option<String>, example = "expired")]
    pub status: Option<ProfileStatus>,
    /// RFC 3339, or null to clear.
    #[serde(default, with = "double_option")]
    #[schema(value_type = Option<String>, nullable = true)]
    pub expires_at: Option<Option<String>>,
    /// Not negative.
    #[serde(default)]
    pub post_count: Option<i64>,
    /// A URL, or null to clear.
    #[serde(default, with = "double_option")]
    #[schema(value_type = Option<String>, nullable = true)]
    pub avatar_url: Option<Option<String>>,
}

impl From<&ProfilePatch> for inject::ProfileChanges {
    fn from(p: &ProfilePatch) -> Self {
        Self {
            name: p.name.clone(),
            status: p.status,
            expires_at: p.expires_at.clone(),
            post_count: p.post_count,
            avatar_url: p.avatar_url.clone(),
        }
    }
}

/// `Some(None)` for an explicit null, `None` for an absent field.
mod double_option {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<Option<String>>, D::Error> {
        Option::<String>::deserialize(d).map(Some)
    }

    pub fn serialize<S: Serializer>(v: &Option<Option<String>>, s: S) -> Result<S::Ok, S::Error> {
        v.as_ref().and_then(Option::as_ref).serialize(s)
    }
}
