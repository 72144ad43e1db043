//! The connect flow: initialize_connection records an invitation; the consent page (or the
//! control API) authorises or denies it, which creates or reconnects a profile. Every way an
//! invitation ends hands its token back to the store (see `super::store::AccountMut`).

use postproxy_models::{InitializeConnectionRequest, Placement, Platform, Profile, ProfileStatus};
use time::Duration;

use super::account::Account;
use super::auth::Principal;
use super::clock::format_timestamp;
use super::error::DomainError;
use super::fixtures::parse_timestamp;
use super::platform;
use super::rows::ProfileRow;
use crate::limits::{self, MAX_PENDING_CONNECTIONS, MAX_PROFILES};

/// How long a connect URL can be used.
pub const CONNECTION_TTL: Duration = Duration::hours(1);

/// How long a newly connected profile's token lasts on networks whose tokens expire.
pub const TOKEN_LIFETIME: Duration = Duration::days(60);

/// A connection invitation created by initialize_connection, waiting for the user.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
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

/// What finishing a connection did: where to send the user, and the profile if one was
/// connected.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct ConnectionOutcome {
    /// `redirect_url` with the outcome in its query: `status=success&profile_id=…` or
    /// `error=access_denied`.
    pub redirect_to: String,
    /// The connected (or reconnected) profile; absent when denied.
    #[schema(value_type = Option<Object>)]
    pub profile: Option<Profile>,
}

impl Account {
    /// initialize_connection: records an invitation with the token `token` (unique across
    /// the server: the caller draws it).
    pub fn initialize_connection(
        &mut self,
        who: &Principal,
        group_id: &str,
        body: &InitializeConnectionRequest,
        token: String,
    ) -> Result<Connection, DomainError> {
        let group = self.accessible_group(who, group_id)?.id.clone();
        let platform = required(body.platform.as_deref(), "platform")?;
        let supported = platform
            .parse::<Platform>()
            .ok()
            .filter(|p| platform::facts(*p).oauth)
            .ok_or_else(|| {
                DomainError::rejected(format!(
                    "Unsupported platform: {}. Supported platforms: {}",
                    truncate(platform, 64),
                    platform::list(platform::where_(|f| f.oauth), false)
                ))
            })?;
        let redirect_url = required(body.redirect_url.as_deref(), "redirect_url")?;
        let refresh = body.refresh_connection == Some(true);
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

    /// Completes a connection as if the user authorised it, and uses the token up. If the group
    /// has an expired or inactive profile of the platform, that profile is reconnected (same
    /// id, active, `expires_at` renewed); otherwise a profile is created. Refused (the token
    /// stays pending) when the group has an active profile of the platform, as
    /// initialize_connection is, unless the invitation asked for `refresh_connection`, which
    /// reconnects even an active profile.
    pub fn authorize(&mut self, token: &str) -> Result<ConnectionOutcome, DomainError> {
        // Deleting a group drops its invitations, so a pending one's group exists.
        let connection = self.pending_connection(token)?.clone();
        let group = &connection.profile_group_id;
        let active = self.connected(group, connection.platform);
        if active.is_some() && !connection.refresh_connection {
            return Err(DomainError::AlreadyConnected);
        }
        let existing = self.reconnectable(group, connection.platform).or(active);
        let now = self.clock.now();
        let expires_at = platform::facts(connection.platform)
            .token_expires
            .then(|| format_timestamp(now + TOKEN_LIFETIME));
        let profile = match existing {
            Some(index) => {
                self.next_expiry = None;
                let row = &mut self.rows.get_mut().profiles[index];
                row.profile.status = ProfileStatus::Active;
                row.profile.expires_at = expires_at;
                row.expired_by_clock = false;
                row.profile.clone()
            }
            _ if self.rows.get().profiles.len() >= MAX_PROFILES => {
                return Err(DomainError::Full(limits::full(MAX_PROFILES, "profiles")))
            }
            _ => {
                let id = loop {
                    let id = self.ids.next_id("prof_", 10);
                    if !self.rows.get().index.by_id.contains_key(&id) {
                        break id;
                    }
                };
                let placements = self.new_placements(connection.platform);
                let profile = Profile {
                    id,
                    name: format!(
                        "Mock {} profile",
                        platform::facts(connection.platform).title
                    ),
                    status: ProfileStatus::Active,
                    platform: connection.platform,
                    profile_group_id: connection.profile_group_id.clone(),
                    expires_at,
                    post_count: 0,
                    avatar_url: None,
                };
                self.push_profile(ProfileRow {
                    profile: profile.clone(),
                    placements,
                    snapshots: Vec::new(),
                    expired_by_clock: false,
                });
                profile
            }
        };
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
            }],
            Platform::Linkedin => vec![
                Placement {
                    id: None,
                    name: "Personal Profile".into(),
                },
                Placement {
                    id: Some(self.ids.next_digits("", 9)),
                    name: "Mock Organization".into(),
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

/// A required text field of a request body, trimmed: absent or blank is 422 `Missing <name>`.
fn required<'a>(value: Option<&'a str>, name: &str) -> Result<&'a str, DomainError> {
    value
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .ok_or_else(|| DomainError::rejected(format!("Missing {name}")))
}
