//! The connect flows of initialize_connection. The platform table (`super::platform`) says
//! which flow a network takes:
//!
//! - **OAuth** (the reference's seven platforms): `redirect_url` is required;
//!   initialize_connection records an invitation, and the consent page (or the control API)
//!   authorises or denies it, which creates or reconnects a profile. Every way an invitation
//!   ends hands its token back to the store (see `super::store::AccountMut`).
//! - **Credentials** (bluesky and telegram, as the official Node SDK 1.10 connects them; not in
//!   the reference): no `redirect_url`, no invitation. The credential fields the table names
//!   are required and checked for their form only (`super::credentials`: a mock cannot ask the
//!   network), and the profile is created or reconnected at once, named from the credentials.
//!   A telegram profile starts with no placements: its channels are added later through the
//!   control API, as the bot's channels appear on the service once it is their administrator.
//!
//! Both flows share one rule for the group's profile of the platform: an `active` one makes
//! the platform "already connected" (unless `refresh_connection`), an `expired` or `inactive`
//! one is reconnected (same id, active, `expires_at` renewed) instead of adding a profile.

use postproxy_models::{InitializeConnectionRequest, Placement, Platform, Profile, ProfileStatus};
use serde_json::Map;
use time::Duration;

use super::account::Account;
use super::auth::Principal;
use super::clock::format_timestamp;
use super::credentials;
use super::error::DomainError;
use super::fixtures::parse_timestamp;
use super::platform::{self, Credentials};
pub use super::rows::Connection;
use super::rows::ProfileRow;
use crate::limits::{self, MAX_PENDING_CONNECTIONS, MAX_PROFILES};

/// How long a connect URL can be used.
pub const CONNECTION_TTL: Duration = Duration::hours(1);

/// How long a newly connected profile's token lasts on networks whose tokens expire.
pub const TOKEN_LIFETIME: Duration = Duration::days(60);

/// What finishing a connection did: where to send the user, and the profile if one was
/// connected.
#[derive(Debug, Clone, PartialEq)]
pub struct ConnectionOutcome {
    /// `redirect_url` with the outcome in its query: `status=success&profile_id=…` or
    /// `error=access_denied`.
    pub redirect_to: String,
    /// The connected (or reconnected) profile; absent when denied.
    pub profile: Option<Profile>,
}

/// What initialize_connection did.
#[derive(Debug, Clone, PartialEq)]
pub enum Connected {
    /// An OAuth platform: an invitation, waiting for the user at its URL.
    Invitation(Connection),
    /// A platform connected with credentials: the profile, connected at once.
    Profile(CredentialProfile),
}

impl Connected {
    /// The invitation, if the platform is an OAuth one.
    #[cfg(any(test, feature = "test-support"))]
    pub fn invitation(self) -> Option<Connection> {
        match self {
            Self::Invitation(connection) => Some(connection),
            Self::Profile(_) => None,
        }
    }
}

/// A profile a credential connection connected, with what the answer tells beside it.
#[derive(Debug, Clone, PartialEq)]
pub struct CredentialProfile {
    /// The profile, created or reconnected.
    pub profile: Profile,
    /// The account's username on the network, as the credentials give it.
    pub external_username: Option<String>,
    /// What the user does next (the platform table's text), if anything.
    pub next_step: Option<&'static str>,
}

impl Account {
    /// initialize_connection: for an OAuth platform, records an invitation with the token
    /// `token` (unique across the server: the caller draws it, and takes it back unless an
    /// invitation is made); for a credential platform, connects the profile at once.
    pub fn initialize_connection(
        &mut self,
        who: &Principal,
        group_id: &str,
        body: &InitializeConnectionRequest,
        token: String,
    ) -> Result<Connected, DomainError> {
        let group = self.accessible_group(who, group_id)?.id.clone();
        let platform = required(body.platform.as_deref(), "platform")?;
        let supported = platform
            .parse::<Platform>()
            .ok()
            .filter(|p| platform::facts(*p).connectable())
            .ok_or_else(|| {
                DomainError::rejected(format!(
                    "Unsupported platform: {}. Supported platforms: {}",
                    truncate(platform, 64),
                    platform::list(platform::where_(|f| f.connectable()), false)
                ))
            })?;
        let refresh = body.refresh_connection == Some(true);
        match &platform::facts(supported).credentials {
            Some(credentials) => self
                .connect_with(&group, supported, credentials, body, refresh)
                .map(Connected::Profile),
            None => self
                .invite(group, supported, body, refresh, token)
                .map(Connected::Invitation),
        }
    }

    /// The credential flow: each field the platform needs, present and well formed, then the
    /// profile connected at once, named from the credentials.
    fn connect_with(
        &mut self,
        group: &str,
        platform: Platform,
        credentials: &Credentials,
        body: &InitializeConnectionRequest,
        refresh: bool,
    ) -> Result<CredentialProfile, DomainError> {
        let title = platform::facts(platform).title;
        let mut identity = None;
        for field in credentials.fields {
            let value = required(credential(body, field.name), field.name)?;
            let named = credentials::check(field.form, field.name, value, title)
                .map_err(DomainError::Rejected)?;
            identity = identity.or(named);
        }
        let name = identity.as_ref().map(|i| i.name.clone());
        let profile = self.connect_profile(group, platform, refresh, name)?;
        Ok(CredentialProfile {
            profile,
            external_username: identity.and_then(|i| i.username),
            next_step: credentials.next_step,
        })
    }

    /// The OAuth flow: `redirect_url` present, the platform not connected (unless `refresh`),
    /// then an invitation recorded.
    fn invite(
        &mut self,
        group: String,
        supported: Platform,
        body: &InitializeConnectionRequest,
        refresh: bool,
        token: String,
    ) -> Result<Connection, DomainError> {
        let redirect_url = required(body.redirect_url.as_deref(), "redirect_url")?;
        if !refresh && self.connected(&group, supported).is_some() {
            return Err(DomainError::rejected("Platform already connected"));
        }
        // Expired invitations can never be used again: drop them before counting.
        let now = self.clock.now();
        self.end_connections(|c| parse_timestamp(&c.expires_at).is_some_and(|e| now > e));
        if self.connections.len() >= MAX_PENDING_CONNECTIONS {
            return Err(DomainError::Full(limits::full(
                MAX_PENDING_CONNECTIONS,
                "pending connections",
            )));
        }
        let connection = Connection {
            token,
            account_id: self.id.clone(),
            profile_group_id: group,
            platform: supported,
            redirect_url: redirect_url.to_string(),
            refresh_connection: refresh,
            expires_at: format_timestamp(self.clock.now() + CONNECTION_TTL),
        };
        self.connections.push(connection.clone());
        Ok(connection)
    }

    /// A pending connection by token, unless it has expired.
    pub fn pending_connection(&self, token: &str) -> Result<&Connection, DomainError> {
        let c = self
            .connections
            .iter()
            .find(|c| c.token == token)
            .ok_or(DomainError::UnknownConnection)?;
        let expired = parse_timestamp(&c.expires_at).is_some_and(|e| self.clock.now() > e);
        if expired {
            return Err(DomainError::ConnectionExpired);
        }
        Ok(c)
    }

    /// The pending connections, oldest first.
    pub fn connections(&self) -> Vec<Connection> {
        self.connections.clone()
    }

    /// Drops the pending connections that are `ended`: the one place invitations go, so
    /// their tokens always go with them (into `ended_tokens`, for the store's index).
    pub(super) fn end_connections(&mut self, ended: impl Fn(&Connection) -> bool) {
        let tokens = &mut self.ended_tokens;
        self.connections.retain(|c| {
            let end = ended(c);
            if end {
                tokens.push(c.token.clone());
            }
            !end
        });
    }

    /// The tokens of the invitations ended since the last call.
    pub(crate) fn take_ended_tokens(&mut self) -> Vec<String> {
        std::mem::take(&mut self.ended_tokens)
    }

    /// Completes a connection as if the user authorised it, and uses the token up: the
    /// group's profile of the platform is reconnected or a profile created
    /// ([`connect_profile`](Self::connect_profile)). Refused (the token stays pending) when
    /// the group has an active profile of the platform, as initialize_connection is, unless
    /// the invitation asked for `refresh_connection`, which reconnects even an active profile.
    pub fn authorize(&mut self, token: &str) -> Result<ConnectionOutcome, DomainError> {
        // Deleting a group drops its invitations, so a pending one's group exists.
        let connection = self.pending_connection(token)?.clone();
        let profile = self.connect_profile(
            &connection.profile_group_id,
            connection.platform,
            connection.refresh_connection,
            None,
        )?;
        self.end_connections(|c| c.token == token);
        let redirect_to = with_query(
            &connection.redirect_url,
            &[
                ("status", "success"),
                ("profile_id", &profile.id),
                ("platform", &connection.platform.to_string()),
                ("profile_group_id", &connection.profile_group_id),
            ],
        );
        Ok(ConnectionOutcome {
            redirect_to,
            profile: Some(profile),
        })
    }

    /// Connects a `platform` profile to `group`: if the group has an expired or inactive
    /// profile of the platform, that profile is reconnected (same id, active, `expires_at`
    /// renewed, renamed to `name` if one is given); otherwise a profile is created, named
    /// `name` or after the platform, with the placements a new profile of it comes with.
    /// Refused when the group has an active profile of the platform, unless `refresh`, which
    /// reconnects even that one.
    pub(super) fn connect_profile(
        &mut self,
        group: &str,
        platform: Platform,
        refresh: bool,
        name: Option<String>,
    ) -> Result<Profile, DomainError> {
        let active = self.connected(group, platform);
        if active.is_some() && !refresh {
            return Err(DomainError::AlreadyConnected);
        }
        let existing = self.reconnectable(group, platform).or(active);
        let now = self.clock.now();
        let expires_at = platform::facts(platform)
            .token_expires
            .then(|| format_timestamp(now + TOKEN_LIFETIME));
        if let Some(index) = existing {
            self.next_expiry = None;
            let row = &mut self.rows.get_mut().profiles[index];
            row.profile.status = ProfileStatus::Active;
            row.profile.inactive_reason = None;
            row.profile.expires_at = expires_at;
            if let Some(name) = name {
                row.profile.name = name;
            }
            row.expired_by_clock = false;
            return Ok(row.profile.clone());
        }
        if self.rows.get().profiles.len() >= MAX_PROFILES {
            return Err(DomainError::Full(limits::full(MAX_PROFILES, "profiles")));
        }
        let id = self.new_profile_id();
        let placements = self.new_placements(platform);
        let profile = Profile {
            id,
            name: name
                .unwrap_or_else(|| format!("Mock {} profile", platform::facts(platform).title)),
            status: ProfileStatus::Active,
            platform,
            profile_group_id: group.to_string(),
            expires_at,
            post_count: 0,
            avatar_url: None,
            username: None,
            platform_id: None,
            platform_url: None,
            inactive_reason: None,
            placements_sync_status: None,
        };
        self.push_profile(ProfileRow {
            profile: profile.clone(),
            placements,
            snapshots: Vec::new(),
            expired_by_clock: false,
            ice_breakers: Vec::new(),
        });
        Ok(profile)
    }

    /// Ends a connection as if the user denied it; the token is used up.
    pub fn deny(&mut self, token: &str) -> Result<ConnectionOutcome, DomainError> {
        let connection = self.pending_connection(token)?.clone();
        self.end_connections(|c| c.token == token);
        Ok(ConnectionOutcome {
            redirect_to: with_query(
                &connection.redirect_url,
                &[
                    ("error", "access_denied"),
                    ("error_description", "The user denied the connection"),
                    ("platform", &connection.platform.to_string()),
                ],
            ),
            profile: None,
        })
    }

    /// The placements a newly connected profile comes with.
    pub(super) fn new_placements(&mut self, platform: Platform) -> Vec<Placement> {
        match platform {
            Platform::Facebook => vec![Placement {
                id: Some(self.ids.next_digits("", 15)),
                name: "Mock Facebook Page".into(),
                avatar_url: None,
                metadata: Map::new(),
            }],
            Platform::Linkedin => vec![
                Placement {
                    id: None,
                    name: "Personal Profile".into(),
                    avatar_url: None,
                    metadata: Map::new(),
                },
                Placement {
                    id: Some(self.ids.next_digits("", 9)),
                    name: "Mock Organization".into(),
                    avatar_url: None,
                    metadata: Map::new(),
                },
            ],
            _ => Vec::new(),
        }
    }
}

/// `url` with `pairs` added to its query (before any fragment).
pub(super) fn with_query(url: &str, pairs: &[(&str, &str)]) -> String {
    let (base, fragment) = match url.split_once('#') {
        Some((b, f)) => (b, Some(f)),
        None => (url, None),
    };
    let mut query = form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs {
        query.append_pair(k, v);
    }
    let separator = if base.contains('?') { '&' } else { '?' };
    let mut out = format!("{base}{separator}{}", query.finish());
    if let Some(fragment) = fragment {
        out.push('#');
        out.push_str(fragment);
    }
    out
}

fn truncate(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_string(),
    }
}

/// The credential field `name` of the body (the platform table names them).
fn credential<'a>(body: &'a InitializeConnectionRequest, name: &str) -> Option<&'a str> {
    match name {
        "identifier" => body.identifier.as_deref(),
        "app_password" => body.app_password.as_deref(),
        "bot_token" => body.bot_token.as_deref(),
        _ => None,
    }
}

/// A required text field of a request body, trimmed: absent or blank is 422 `Missing <name>`.
fn required<'a>(value: Option<&'a str>, name: &str) -> Result<&'a str, DomainError> {
    value
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .ok_or_else(|| DomainError::rejected(format!("Missing {name}")))
}

#[cfg(test)]
#[path = "connection_tests.rs"]
mod tests;
