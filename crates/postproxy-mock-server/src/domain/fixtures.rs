//! The fixture format: the accounts, API keys, profile groups, profiles, placements and stats
//! snapshots a mock server starts with, and the embedded demo data set ([`Fixtures::demo`]).
//!
//! A fixture file is JSON or, with the `yaml` feature, YAML (see [`Fixtures::from_json`], `Fixtures::from_yaml`,
//! [`Fixtures::load`]); its JSON Schema is [`Fixtures::json_schema`]. Profiles are nested in
//! their group and groups in their account, so a profile's `profile_group_id` is implied and
//! cannot disagree with where it is listed. After parsing, [`Fixtures::validate`] checks what the
//! types cannot express (unique ids, known scopes, RFC 3339 timestamps, placement rules); every
//! error names the offending field by its path, e.g.
//! `accounts[0].profile_groups[1].profiles[2].stats[0].recorded_at`.
//!
//! # The demo data set
//!
//! `fixtures/demo.json` holds every object of the reference examples verbatim (profiles
//! `prof123abc`, `prof789def`, `prof321ghi`, `prof654jkl` and `prof_li_001` in group
//! `grp456xyz`; groups `grp123abc` "Main Brand", `grp456def` "Client Project" and `grp789ghi`
//! "Personal"). The group examples' `profiles_count` values (5, 3 and 2) are made true by giving
//! those groups exactly that many profiles, which also cover the networks the profile examples do
//! not (threads, youtube, tiktok, pinterest, bluesky, telegram, google_business). Two keys are
//! issued: [`DEMO_FULL_ACCESS_KEY`] and [`DEMO_SCOPED_KEY`] (scoped to `grp456def`).

use std::collections::HashSet;
use std::path::Path;

use postproxy_models::{IceBreaker, Placement, Platform, ProfileInactiveReason, ProfileStatus};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The demo data set's full-access API key (every group of the demo account).
pub const DEMO_FULL_ACCESS_KEY: &str = "pp_demo_full_0123456789abcdef";

/// The demo data set's API key scoped to group `grp456def` ("Client Project").
pub const DEMO_SCOPED_KEY: &str = "pp_demo_scoped_0123456789abcdef";

/// The id of the demo data set's account, for the control API.
pub const DEMO_ACCOUNT_ID: &str = "acct_demo";

/// The group [`DEMO_SCOPED_KEY`] is scoped to.
pub const DEMO_SCOPED_GROUP_ID: &str = "grp456def";

const DEMO_JSON: &str = include_str!("../../fixtures/demo.json");

/// The data a mock server starts with.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Fixtures {
    /// Free text for the reader of the file; ignored by the server.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The accounts. Each has its own keys and groups; nothing is shared between accounts.
    pub accounts: Vec<AccountFixture>,
}

/// One Postproxy account.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AccountFixture {
    /// The account's id (only used to tell accounts apart and to address it in the control
    /// API; never served by the product API). Generated when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Free text for the reader of the file; ignored by the server.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The API keys of the account.
    #[serde(default)]
    pub api_keys: Vec<ApiKeyFixture>,
    /// The account's profile groups, in the order they are listed.
    #[serde(default)]
    pub profile_groups: Vec<GroupFixture>,
    /// The account's clock when it is created (and again when it is reset): a moment, running
    /// or frozen. Absent: the real time, running. `postproxy-mock record` writes the moment of
    /// the recording, frozen, so a recorded account answers as the upstream did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clock: Option<ClockFixture>,
}

/// An account's clock in a fixture.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ClockFixture {
    /// The clock's time when the account is created (RFC 3339).
    pub now: String,
    /// Whether the clock stands still at `now` (default: it runs on from there).
    #[serde(default)]
    pub frozen: bool,
}

impl ClockFixture {
    /// The clock it describes; `None` if `now` is not an RFC 3339 timestamp.
    pub(crate) fn to_clock(&self) -> Option<super::clock::Clock> {
        let now = parse_timestamp(&self.now)?;
        let mut clock = super::clock::Clock::real();
        if self.frozen {
            clock.freeze();
        }
        clock.set(now);
        Some(clock)
    }
}

/// An API key: full access to its account, or scoped to one of its profile groups.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ApiKeyFixture {
    /// The secret sent as `Authorization: Bearer <key>`. Unique across all accounts; visible
    /// ASCII without spaces. Generated when absent (deterministic for the seed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// The group the key is scoped to; absent or null for a full-access key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile_group_id: Option<String>,
    /// Free text for the reader of the file; ignored by the server.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// A profile group and the profiles in it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GroupFixture {
    /// The group's id (hashid), unique within its account.
    pub id: String,
    /// The group's display name (not blank).
    pub name: String,
    /// The group's profiles, in the order they are listed. `profiles_count` is always their
    /// number.
    #[serde(default)]
    pub profiles: Vec<ProfileFixture>,
}

/// A connected social media profile with its placements and stats snapshots.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ProfileFixture {
    /// The profile's id, unique within its account.
    pub id: String,
    /// Display name of the connected account.
    pub name: String,
    /// The network.
    pub platform: Platform,
    /// Connection status.
    pub status: ProfileStatus,
    /// When the connection expires (RFC 3339), or null.
    #[serde(default)]
    pub expires_at: Option<String>,
    /// Number of posts made through the profile (not negative).
    #[serde(default)]
    pub post_count: i64,
    /// URL of the avatar, or null if not yet downloaded.
    #[serde(default)]
    pub avatar_url: Option<String>,
    /// The account's username on the network (served as `username`; absent when not set).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    /// The account's id on the platform (served as `platform_id`; absent when not set).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub platform_id: Option<String>,
    /// The account's URL on the platform (served as `platform_url`; absent when not set).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub platform_url: Option<String>,
    /// Why an `inactive` profile was deactivated (`network_taken`); only on an inactive
    /// profile. Reconnecting the profile clears it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inactive_reason: Option<ProfileInactiveReason>,
    /// The state of the last refresh of the placements, free text (served as set).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub placements_sync_status: Option<String>,
    /// Placements: only for facebook, linkedin, pinterest, telegram and google_business. A null
    /// id is allowed for the LinkedIn personal profile only.
    #[serde(default)]
    pub placements: Vec<Placement>,
    /// An Instagram profile's ice breakers (1 to 4; none when empty), served by
    /// get_ice_breakers.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ice_breakers: Vec<IceBreaker>,
    /// Stats snapshots, in any order. Empty means the profile was never polled.
    #[serde(default)]
    pub stats: Vec<SnapshotFixture>,
}

impl ProfileFixture {
    /// A profile with only these set: no expiry, posts, avatar, placements, stats or the
    /// fields only the official SDKs read.
    pub fn new(id: &str, name: &str, platform: Platform, status: ProfileStatus) -> Self {
        Self {
            id: id.into(),
            name: name.into(),
            platform,
            status,
            expires_at: None,
            post_count: 0,
            avatar_url: None,
            username: None,
            platform_id: None,
            platform_url: None,
            inactive_reason: None,
            placements_sync_status: None,
            placements: Vec::new(),
            stats: Vec::new(),
            ice_breakers: Vec::new(),
        }
    }
}

/// One stats snapshot.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SnapshotFixture {
    /// For facebook, linkedin and telegram: the id of one of the profile's placements (required).
    /// For every other network: null.
    #[serde(default)]
    pub placement_id: Option<String>,
    /// The metrics, keyed as the network names them.
    pub stats: serde_json::Map<String, serde_json::Value>,
    /// When the snapshot was captured (RFC 3339); served exactly as written.
    pub recorded_at: String,
    /// The platform's unfiltered payload (served as the record's `raw_stats` when not empty).
    #[serde(default, skip_serializing_if = "serde_json::Map::is_empty")]
    pub raw_stats: serde_json::Map<String, serde_json::Value>,
}

/// A fixture file that could not be used: which file, which field and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FixtureError {
    /// The file, when loaded from one.
    pub file: Option<String>,
    /// The path of the offending field, e.g. `accounts[0].profile_groups[1].name`; `.` for the
    /// whole document; empty when the file could not be read.
    pub path: String,
    /// What is wrong.
    pub message: String,
}

impl std::fmt::Display for FixtureError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (&self.file, self.path.as_str()) {
            (Some(file), "") => write!(f, "cannot read fixtures file {file}: {}", self.message),
            (Some(file), ".") => write!(f, "invalid fixtures file {file}: {}", self.message),
            (Some(file), path) => {
                write!(
                    f,
                    "invalid fixtures file {file}: at {path}: {}",
                    self.message
                )
            }
            (None, "." | "") => write!(f, "invalid fixtures: {}", self.message),
            (None, path) => write!(f, "invalid fixtures: at {path}: {}", self.message),
        }
    }
}

impl std::error::Error for FixtureError {}

pub use super::clock::parse_timestamp;
use super::platform::facts;

impl Fixtures {
    /// The embedded demo data set (see the module documentation).
    pub fn demo() -> Self {
        // The embedded file is checked by this crate's tests; failing here is a build defect.
        Self::from_json(DEMO_JSON).expect("the embedded demo fixtures are valid")
    }

    /// The embedded demo data set as JSON text.
    pub fn demo_json() -> &'static str {
        DEMO_JSON
    }

    /// Parses and validates JSON fixtures.
    pub fn from_json(text: &str) -> Result<Self, FixtureError> {
        let mut de = serde_json::Deserializer::from_str(text);
        let fixtures: Self = serde_path_to_error::deserialize(&mut de).map_err(path_error)?;
        de.end().map_err(|e| FixtureError {
            file: None,
            path: ".".into(),
            message: e.to_string(),
        })?;
        fixtures.validate()?;
        Ok(fixtures)
    }

    /// Parses and validates YAML fixtures (the `yaml` feature).
    #[cfg(feature = "yaml")]
    pub fn from_yaml(text: &str) -> Result<Self, FixtureError> {
        let de = serde_norway::Deserializer::from_str(text);
        let fixtures: Self = serde_path_to_error::deserialize(de).map_err(path_error)?;
        fixtures.validate()?;
        Ok(fixtures)
    }

    /// Reads, parses and validates a fixture file: YAML if its name ends in `.yaml` or `.yml`,
    /// JSON otherwise. Errors name the file.
    pub fn load(path: &Path) -> Result<Self, FixtureError> {
        let file = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| FixtureError {
            file: Some(file.clone()),
            path: String::new(),
            message: e.to_string(),
        })?;
        let yaml = path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| e.eq_ignore_ascii_case("yaml") || e.eq_ignore_ascii_case("yml"));
        let parsed = if yaml {
            #[cfg(feature = "yaml")]
            {
                Self::from_yaml(&text)
            }
            #[cfg(not(feature = "yaml"))]
            Err(FixtureError {
                file: None,
                path: ".".into(),
                message: "YAML fixtures need the `yaml` feature of postproxy-mock-server \
                          (the postproxy-mock program has it); use JSON, or turn it on"
                    .into(),
            })
        } else {
            Self::from_json(&text)
        };
        parsed.map_err(|e| FixtureError {
            file: Some(file),
            ..e
        })
    }

    /// The JSON Schema of the fixture format.
    pub fn json_schema() -> schemars::schema::RootSchema {
        schemars::schema_for!(Fixtures)
    }

    /// Checks what the types cannot: unique account ids and keys; group and profile ids unique
    /// within their account; keys scoped to a group of their own account; non-blank names; RFC 3339 timestamps; placements only on
    /// networks that have them, with unique ids; snapshots tied to a placement exactly on the
    /// networks that keep per-placement stats.
    pub fn validate(&self) -> Result<(), FixtureError> {
        let err = |path: String, message: String| FixtureError {
            file: None,
            path,
            message,
        };
        let mut accounts = HashSet::new();
        let mut keys = HashSet::new();
        for (a, account) in self.accounts.iter().enumerate() {
            let ap = format!("accounts[{a}]");
            if let Some(id) = &account.id {
                if !accounts.insert(id.as_str()) {
                    return Err(err(
                        format!("{ap}.id"),
                        format!("duplicate account id {id:?}"),
                    ));
                }
            }
            for (k, key) in account.api_keys.iter().enumerate() {
                if let Some(key) = &key.key {
                    if !keys.insert(key.as_str()) {
                        return Err(err(
                            format!("{ap}.api_keys[{k}].key"),
                            "duplicate API key".into(),
                        ));
                    }
                }
            }
            account.validate().map_err(|e| FixtureError {
                path: format!("{ap}.{}", e.path),
                ..e
            })?;
        }
        Ok(())
    }
}

impl AccountFixture {
    /// [`Fixtures::validate`] for one account; paths are relative to the account.
    pub fn validate(&self) -> Result<(), FixtureError> {
        if let Some(clock) = &self.clock {
            if parse_timestamp(&clock.now).is_none() {
                return Err(at(
                    "clock.now",
                    format!("{:?} is not an RFC 3339 timestamp", clock.now),
                ));
            }
        }
        if let Some(id) = &self.id {
            if id.trim().is_empty() || !id.bytes().all(|b| b.is_ascii_graphic()) {
                return Err(at(
                    "id",
                    "an account id must be non-empty visible ASCII without spaces",
                ));
            }
        }
        self.validate_keys()?;
        self.validate_groups()
    }

    /// Keys: well formed, unique, scoped to one of the account's own groups.
    fn validate_keys(&self) -> Result<(), FixtureError> {
        let own_groups: HashSet<&str> = self.profile_groups.iter().map(|g| g.id.as_str()).collect();
        let mut keys = HashSet::new();
        for (k, key) in self.api_keys.iter().enumerate() {
            let kp = format!("api_keys[{k}]");
            if let Some(key) = &key.key {
                if key.is_empty() || !key.bytes().all(|b| b.is_ascii_graphic()) {
                    return Err(at(
                        format!("{kp}.key"),
                        "a key must be non-empty visible ASCII without spaces",
                    ));
                }
                if !keys.insert(key.as_str()) {
                    return Err(at(format!("{kp}.key"), "duplicate API key"));
                }
            }
            if let Some(group) = &key.profile_group_id {
                if !own_groups.contains(group.as_str()) {
                    return Err(at(
                        format!("{kp}.profile_group_id"),
                        format!("no profile group {group:?} in this account"),
                    ));
                }
            }
        }
        Ok(())
    }

    /// Groups and their profiles: within the caps, ids unique, names not blank.
    fn validate_groups(&self) -> Result<(), FixtureError> {
        let caps = crate::limits::MAX_GROUPS;
        if self.profile_groups.len() > caps {
            return Err(at(
                "profile_groups",
                format!("at most {caps} profile groups per account"),
            ));
        }
        let profile_count: usize = self.profile_groups.iter().map(|g| g.profiles.len()).sum();
        if profile_count > crate::limits::MAX_PROFILES {
            return Err(at(
                "profile_groups",
                format!(
                    "at most {} profiles per account, not {profile_count}",
                    crate::limits::MAX_PROFILES
                ),
            ));
        }
        let (mut groups, mut profiles) = (HashSet::new(), HashSet::new());
        for (g, group) in self.profile_groups.iter().enumerate() {
            let gp = format!("profile_groups[{g}]");
            if group.id.trim().is_empty() {
                return Err(at(format!("{gp}.id"), "must not be blank"));
            }
            if !groups.insert(group.id.as_str()) {
                return Err(at(
                    format!("{gp}.id"),
                    format!("duplicate profile group id {:?}", group.id),
                ));
            }
            if group.name.trim().is_empty() {
                return Err(at(format!("{gp}.name"), "must not be blank"));
            }
            for (p, profile) in group.profiles.iter().enumerate() {
                let pp = format!("{gp}.profiles[{p}]");
                if profile.id.trim().is_empty() {
                    return Err(at(format!("{pp}.id"), "must not be blank"));
                }
                if !profiles.insert(profile.id.as_str()) {
                    return Err(at(
                        format!("{pp}.id"),
                        format!("duplicate profile id {:?}", profile.id),
                    ));
                }
                validate_profile(profile, &pp)?;
            }
        }
        Ok(())
    }
}

/// A problem at `path` of an account (the file is filled in by the caller that knows it).
fn at(path: impl Into<String>, message: impl Into<String>) -> FixtureError {
    FixtureError {
        file: None,
        path: path.into(),
        message: message.into(),
    }
}

pub(crate) fn validate_profile(profile: &ProfileFixture, pp: &str) -> Result<(), FixtureError> {
    if profile.post_count < 0 {
        return Err(at(format!("{pp}.post_count"), "must not be negative"));
    }
    if profile.inactive_reason.is_some() && profile.status != ProfileStatus::Inactive {
        return Err(at(
            format!("{pp}.inactive_reason"),
            "only an inactive profile has an inactive_reason",
        ));
    }
    if let Some(expires_at) = &profile.expires_at {
        if parse_timestamp(expires_at).is_none() {
            return Err(at(
                format!("{pp}.expires_at"),
                format!("{expires_at:?} is not an RFC 3339 timestamp"),
            ));
        }
    }
    if profile.placements.len() > crate::limits::MAX_PLACEMENTS {
        return Err(at(
            format!("{pp}.placements"),
            format!(
                "at most {} placements per profile",
                crate::limits::MAX_PLACEMENTS
            ),
        ));
    }
    if profile.stats.len() > crate::limits::MAX_SNAPSHOTS {
        return Err(at(
            format!("{pp}.stats"),
            format!(
                "at most {} snapshots per profile",
                crate::limits::MAX_SNAPSHOTS
            ),
        ));
    }
    if !profile.ice_breakers.is_empty() {
        if profile.platform != Platform::Instagram {
            return Err(at(
                format!("{pp}.ice_breakers"),
                format!("{} profiles have no ice breakers", profile.platform),
            ));
        }
        super::ice_breakers::check_ice_breakers(&profile.ice_breakers)
            .map_err(|(path, problem)| at(format!("{pp}.{path}"), problem))?;
    }
    let placement_ids = validate_placements(profile, pp)?;
    validate_snapshots(profile, pp, &placement_ids)
}

/// A profile's placements: only on networks that have them, ids unique, a null id only for
/// LinkedIn's personal profile. Returns the ids.
fn validate_placements<'a>(
    profile: &'a ProfileFixture,
    pp: &str,
) -> Result<HashSet<&'a str>, FixtureError> {
    let platform = profile.platform;
    if !facts(platform).has_placements && !profile.placements.is_empty() {
        return Err(at(
            format!("{pp}.placements"),
            format!("{platform} profiles have no placements"),
        ));
    }
    let mut placement_ids: HashSet<&str> = HashSet::new();
    for (i, placement) in profile.placements.iter().enumerate() {
        match &placement.id {
            Some(id) if !placement_ids.insert(id.as_str()) => {
                return Err(at(
                    format!("{pp}.placements[{i}].id"),
                    format!("duplicate placement id {id:?}"),
                ));
            }
            Some(_) => {}
            None if platform != Platform::Linkedin => {
                return Err(at(
                    format!("{pp}.placements[{i}].id"),
                    "only the LinkedIn personal profile placement may have a null id",
                ));
            }
            None => {}
        }
    }
    Ok(placement_ids)
}

/// A profile's snapshots: timestamps that parse, a `placement_id` exactly where the network
/// keeps stats per placement, naming one of the profile's placements.
fn validate_snapshots(
    profile: &ProfileFixture,
    pp: &str,
    placement_ids: &HashSet<&str>,
) -> Result<(), FixtureError> {
    let platform = profile.platform;
    for (s, snapshot) in profile.stats.iter().enumerate() {
        let sp = format!("{pp}.stats[{s}]");
        if parse_timestamp(&snapshot.recorded_at).is_none() {
            return Err(at(
                format!("{sp}.recorded_at"),
                format!("{:?} is not an RFC 3339 timestamp", snapshot.recorded_at),
            ));
        }
        let problem = match (&snapshot.placement_id, facts(platform).stats_per_placement) {
            (None, true) => {
                format!("required for {platform} profiles (the id of one of its placements)")
            }
            (Some(id), true) if !placement_ids.contains(id.as_str()) => {
                format!("no placement {id:?} in this profile's placements")
            }
            (Some(_), false) => {
                format!("must be null: {platform} stats are not kept per placement")
            }
            _ => continue,
        };
        return Err(at(format!("{sp}.placement_id"), problem));
    }
    Ok(())
}

/// A parse error at its field path. Segments serde could not name (`?`, e.g. after a trailing
/// comma) are left out, so the path ends at the innermost known field; serde_norway's message
/// starts with the path itself, which is said once.
fn path_error<E: std::fmt::Display>(e: serde_path_to_error::Error<E>) -> FixtureError {
    let mut path = String::new();
    for segment in e.path().iter() {
        match segment {
            serde_path_to_error::Segment::Unknown => {}
            serde_path_to_error::Segment::Seq { index } => path.push_str(&format!("[{index}]")),
            named => {
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(&named.to_string());
            }
        }
    }
    if path.is_empty() {
        path.push('.');
    }
    let message = e.into_inner().to_string();
    let message = match message.strip_prefix(&format!("{path}: ")) {
        Some(rest) if path != "." => rest.to_string(),
        _ => message,
    };
    FixtureError {
        file: None,
        path,
        message,
    }
}
