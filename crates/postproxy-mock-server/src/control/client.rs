//! [`ControlClient`]: the control API (`/__mock/`) from Rust, typed, so tests set the stage
//! without hand-written HTTP. Works against an in-process [`crate::MockServer`]
//! ([`crate::MockServer::control`]) or a `postproxy-mock` binary anywhere.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use postproxy_mock_server::control::ClockAdvance;
//! use postproxy_mock_server::control::{FaultSpec, Method};
//! use postproxy_mock_server::fixtures::AccountFixture;
//! use postproxy_mock_server::control::JournalFilter;
//! use postproxy_mock_server::MockServer;
//!
//! let mock = MockServer::start().await;
//! let control = mock.control();
//! // A fresh, isolated account with one generated full-access key.
//! let account = control.create_account(&AccountFixture::default()).await?;
//! let key = &account.api_keys[0].key;
//! // The next GET /api/profiles of that account is rate-limited.
//! control
//!     .add_fault(&account.id, &FaultSpec::status(429).on(Method::GET, "/api/profiles"))
//!     .await?;
//! let first = reqwest::Client::new()
//!     .get(format!("{}/api/profiles", mock.base_url()))
//!     .bearer_auth(key)
//!     .send()
//!     .await?;
//! assert_eq!(first.status(), 429);
//! // A day passes for this account only.
//! control
//!     .advance_clock(&account.id, &ClockAdvance { days: 1, ..Default::default() })
//!     .await?;
//! let journal = control.journal(&account.id, &Default::default()).await?;
//! assert_eq!(journal.entries.len(), 1);
//! let limited = JournalFilter::default().status(429).method(Method::GET);
//! assert_eq!(control.journal(&account.id, &limited).await?.entries.len(), 1);
//! # Ok(())
//! # }
//! ```

use postproxy_models::{Placement, Profile, ProfileGroup};
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::control::{
    AccountInfo, ClockAdvance, ClockInfo, ClockReport, ClockUpdate, Connection, ConnectionOutcome,
    Fault, FaultSpec, GroupInject, GroupPatch, JournalFilter, JournalPage, JournalSettings,
    ProfilePatch,
};
use crate::domain::fixtures::{AccountFixture, ProfileFixture, SnapshotFixture};

/// Why a control call failed.
#[derive(Debug)]
pub enum ControlClientError {
    /// The request did not get an answer (connection, timeout) or the answer did not decode.
    Http(reqwest::Error),
    /// The control API refused: its status and `error` message.
    Refused {
        /// The HTTP status.
        status: u16,
        /// The `error` of the body.
        error: String,
    },
}

impl std::fmt::Display for ControlClientError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Http(e) => write!(f, "control API request failed: {e}"),
            Self::Refused { status, error } => write!(f, "control API answered {status}: {error}"),
        }
    }
}

impl std::error::Error for ControlClientError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Http(e) => Some(e),
            Self::Refused { .. } => None,
        }
    }
}

impl From<reqwest::Error> for ControlClientError {
    fn from(e: reqwest::Error) -> Self {
        Self::Http(e)
    }
}

type Result<T> = std::result::Result<T, ControlClientError>;

/// A typed client of the control API. Cheap to clone.
#[derive(Debug, Clone)]
pub struct ControlClient {
    http: reqwest::Client,
    base_url: String,
}

/// A path segment, percent-encoded (ids may contain `/`, e.g. Google Business locations).
fn segment(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

impl ControlClient {
    /// A client of the mock at `base_url` (e.g. `http://127.0.0.1:8080`).
    pub fn new(base_url: impl Into<String>) -> Self {
        Self {
            http: reqwest::Client::new(),
            base_url: base_url.into().trim_end_matches('/').to_string(),
        }
    }

    fn url(&self, parts: &[&str]) -> String {
        let mut url = format!("{}/__mock", self.base_url);
        for part in parts {
            url.push('/');
            url.push_str(part);
        }
        url
    }

    fn account_url(&self, account: &str, rest: &[&str]) -> String {
        let account = segment(account);
        let mut parts = vec!["accounts", account.as_str()];
        parts.extend_from_slice(rest);
        self.url(&parts)
    }

    async fn send<T: DeserializeOwned>(&self, request: reqwest::RequestBuilder) -> Result<T> {
        let response = request.send().await?;
        let status = response.status();
        if status.is_success() {
            return Ok(response.json().await?);
        }
        let body: serde_json::Value = response.json().await.unwrap_or_default();
        Err(ControlClientError::Refused {
            status: status.as_u16(),
            error: body["error"].as_str().unwrap_or_default().to_string(),
        })
    }

    async fn get<T: DeserializeOwned>(&self, url: String) -> Result<T> {
        self.send(self.http.get(url)).await
    }

    async fn post<B: Serialize + ?Sized, T: DeserializeOwned>(
        &self,
        url: String,
        body: &B,
    ) -> Result<T> {
        self.send(self.http.post(url).json(body)).await
    }

    async fn delete(&self, url: String) -> Result<()> {
        self.send::<serde_json::Value>(self.http.delete(url))
            .await
            .map(drop)
    }

    /// Puts the whole server back as it started; accounts created since are removed.
    pub async fn reset_all(&self) -> Result<()> {
        self.post::<_, serde_json::Value>(self.url(&["reset"]), &serde_json::json!({}))
            .await
            .map(drop)
    }

    /// Every account.
    pub async fn accounts(&self) -> Result<Vec<AccountInfo>> {
        self.get(self.url(&["accounts"])).await
    }

    /// Creates an isolated account (id and keys generated where the fixture has none).
    pub async fn create_account(&self, fixture: &AccountFixture) -> Result<AccountInfo> {
        self.post(self.url(&["accounts"]), fixture).await
    }

    /// One account.
    pub async fn account(&self, account: &str) -> Result<AccountInfo> {
        self.get(self.account_url(account, &[])).await
    }

    /// Removes an account; its keys stop working.
    pub async fn delete_account(&self, account: &str) -> Result<()> {
        self.delete(self.account_url(account, &[])).await
    }

    /// Puts an account back as it was created.
    pub async fn reset_account(&self, account: &str) -> Result<AccountInfo> {
        self.post(
            self.account_url(account, &["reset"]),
            &serde_json::json!({}),
        )
        .await
    }

    /// The account's state as a fixture.
    pub async fn export_fixture(&self, account: &str) -> Result<AccountFixture> {
        self.get(self.account_url(account, &["fixture"])).await
    }

    /// Replaces the account's data with a fixture (all or nothing).
    pub async fn import_fixture(
        &self,
        account: &str,
        fixture: &AccountFixture,
    ) -> Result<AccountInfo> {
        self.send(
            self.http
                .put(self.account_url(account, &["fixture"]))
                .json(fixture),
        )
        .await
    }

    /// Adds a profile group.
    pub async fn add_group(&self, account: &str, group: &GroupInject) -> Result<ProfileGroup> {
        self.post(self.account_url(account, &["profile_groups"]), group)
            .await
    }

    /// Renames a profile group.
    pub async fn rename_group(
        &self,
        account: &str,
        group: &str,
        name: &str,
    ) -> Result<ProfileGroup> {
        let group = segment(group);
        self.send(
            self.http
                .patch(self.account_url(account, &["profile_groups", &group]))
                .json(&GroupPatch { name: name.into() }),
        )
        .await
    }

    /// Adds a profile to a group.
    pub async fn add_profile(
        &self,
        account: &str,
        group: &str,
        profile: &ProfileFixture,
    ) -> Result<Profile> {
        let group = segment(group);
        self.post(
            self.account_url(account, &["profile_groups", &group, "profiles"]),
            profile,
        )
        .await
    }

    /// Changes a profile.
    pub async fn patch_profile(
        &self,
        account: &str,
        profile: &str,
        patch: &ProfilePatch,
    ) -> Result<Profile> {
        let profile = segment(profile);
        self.send(
            self.http
                .patch(self.account_url(account, &["profiles", &profile]))
                .json(patch),
        )
        .await
    }

    /// Adds a placement to a profile; returns all of its placements.
    pub async fn add_placement(
        &self,
        account: &str,
        profile: &str,
        placement: &Placement,
    ) -> Result<Vec<Placement>> {
        let profile = segment(profile);
        self.post(
            self.account_url(account, &["profiles", &profile, "placements"]),
            placement,
        )
        .await
    }

    /// Adds a stats snapshot to a profile.
    pub async fn add_snapshot(
        &self,
        account: &str,
        profile: &str,
        snapshot: &SnapshotFixture,
    ) -> Result<()> {
        let profile = segment(profile);
        self.post::<_, serde_json::Value>(
            self.account_url(account, &["profiles", &profile, "stats"]),
            snapshot,
        )
        .await
        .map(drop)
    }

    /// The account's clock.
    pub async fn clock(&self, account: &str) -> Result<ClockInfo> {
        self.get(self.account_url(account, &["clock"])).await
    }

    /// Sets, freezes or resumes the account's clock.
    pub async fn set_clock(&self, account: &str, update: &ClockUpdate) -> Result<ClockReport> {
        self.send(
            self.http
                .put(self.account_url(account, &["clock"]))
                .json(update),
        )
        .await
    }

    /// Moves the account's clock forward; polling and expiry follow.
    pub async fn advance_clock(&self, account: &str, by: &ClockAdvance) -> Result<ClockReport> {
        self.post(self.account_url(account, &["clock", "advance"]), by)
            .await
    }

    /// The account's armed faults.
    pub async fn faults(&self, account: &str) -> Result<Vec<Fault>> {
        self.get(self.account_url(account, &["faults"])).await
    }

    /// Arms a fault.
    pub async fn add_fault(&self, account: &str, fault: &FaultSpec) -> Result<Fault> {
        self.post(self.account_url(account, &["faults"]), fault)
            .await
    }

    /// Disarms one fault.
    pub async fn remove_fault(&self, account: &str, fault: &str) -> Result<()> {
        let fault = segment(fault);
        self.delete(self.account_url(account, &["faults", &fault]))
            .await
    }

    /// Disarms every fault.
    pub async fn clear_faults(&self, account: &str) -> Result<()> {
        self.delete(self.account_url(account, &["faults"])).await
    }

    /// The account's journal, filtered.
    pub async fn journal(&self, account: &str, filter: &JournalFilter) -> Result<JournalPage> {
        self.send(
            self.http
                .get(self.account_url(account, &["journal"]))
                .query(filter),
        )
        .await
    }

    /// Empties the account's journal.
    pub async fn clear_journal(&self, account: &str) -> Result<()> {
        self.delete(self.account_url(account, &["journal"])).await
    }

    /// Whether the journal records request bodies.
    pub async fn record_bodies(&self, account: &str, record: bool) -> Result<()> {
        self.send::<serde_json::Value>(
            self.http
                .put(self.account_url(account, &["journal", "settings"]))
                .json(&JournalSettings {
                    record_bodies: record,
                }),
        )
        .await
        .map(drop)
    }

    /// The account's pending connections.
    pub async fn connections(&self, account: &str) -> Result<Vec<Connection>> {
        self.get(self.account_url(account, &["connections"])).await
    }

    /// Completes a pending connection as if the user clicked Authorize.
    pub async fn authorize_connection(
        &self,
        account: &str,
        token: &str,
    ) -> Result<ConnectionOutcome> {
        let token = segment(token);
        self.post(
            self.account_url(account, &["connections", &token, "authorize"]),
            &serde_json::json!({}),
        )
        .await
    }

    /// Ends a pending connection as if the user clicked Deny.
    pub async fn deny_connection(&self, account: &str, token: &str) -> Result<ConnectionOutcome> {
        let token = segment(token);
        self.post(
            self.account_url(account, &["connections", &token, "deny"]),
            &serde_json::json!({}),
        )
        .await
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn segments_are_percent_encoded() {
        assert_eq!(
            super::segment("accounts/1/locations 2"),
            "accounts%2F1%2Flocations%202"
        );
        assert_eq!(super::segment("prof_li-001.x~"), "prof_li-001.x~");
    }
}
