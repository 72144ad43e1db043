//! [`Store`]: every account of one mock server, the index from API keys and connect tokens to
//! accounts, and what the control API does to accounts as a whole (create, reset, delete,
//! import). The product rules live in [`crate::domain::account`].
//!
//! Accounts are isolated: a key sees only its account, and every id generator, clock, journal
//! and fault list belongs to one account, so parallel test suites sharing a server cannot see
//! or disturb each other.

use std::collections::HashMap;
use std::ops::{Deref, DerefMut};
use std::sync::Arc;

use crate::domain::account::Account;
use crate::domain::auth::{self, ApiKey, Principal};
use crate::domain::clock::Clock;
use crate::http::error::ApiError;
use crate::domain::fixtures::{AccountFixture, FixtureError, Fixtures};
use crate::domain::ids::IdGenerator;
use postproxy_models::InitializeConnectionRequest;

use crate::domain::account::Connection;

/// The most accounts one server holds; creating more is refused.
pub const MAX_ACCOUNTS: usize = 10_000;

/// Why an account-level change was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreError {
    /// No account with that id.
    NoAccount(String),
    /// An account id or API key already exists.
    Conflict(String),
    /// The fixture is invalid (the field path and the problem).
    Invalid(FixtureError),
    /// [`MAX_ACCOUNTS`] reached.
    Full,
}

impl std::fmt::Display for StoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::NoAccount(id) => write!(f, "No account {id:?}"),
            Self::Conflict(what) => f.write_str(what),
            Self::Invalid(e) => write!(f, "Invalid account at {}: {}", e.path, e.message),
            Self::Full => write!(
                f,
                "This server holds {MAX_ACCOUNTS} accounts, the most it can"
            ),
        }
    }
}

/// The whole state of one mock server.
#[derive(Debug, Clone)]
pub struct Store {
    seed: u64,
    /// Accounts in creation order; `index` maps ids to positions.
    accounts: Vec<Account>,
    index: HashMap<String, usize>,
    /// Every key of every account.
    keys: HashMap<String, Principal>,
    /// The tokens of pending connections, to the account that issued them. An account
    /// hands back the tokens of the invitations it ends through [`AccountMut`]; deleting or
    /// replacing an account drops all of its tokens.
    tokens: HashMap<String, String>,
    /// The fixture each account was created from (ids and keys resolved), for an account
    /// reset. Kept as JSON text: a third of the memory of the parsed form, and read only on
    /// a reset.
    origins: HashMap<String, Arc<str>>,
    /// The origins of the accounts the server started with, in order, and the id generator
    /// as it stood after creating them: a server reset rebuilds exactly that.
    startup: Vec<Arc<str>>,
    ids_after_start: IdGenerator,
    /// Generated account ids, keys and tokens.
    ids: IdGenerator,
}

impl Store {
    /// The state described by validated `fixtures`, with ids generated from `seed`. Every
    /// account's clock runs in real time.
    pub fn new(fixtures: &Fixtures, seed: u64) -> Self {
        let mut store = Self::empty(seed);
        for account in &fixtures.accounts {
            // Validated fixtures have unique ids and keys, and fewer accounts than the cap.
            match store.create_account(account.clone(), Clock::real()) {
                Ok(created) => {
                    let id = created.id().to_string();
                    store.startup.push(store.origins[&id].clone());
                }
                Err(e) => tracing::error!(error = %e, "fixture account not loaded"),
            }
        }
        store.ids_after_start = store.ids.clone();
        store
    }

    fn empty(seed: u64) -> Self {
        let ids = IdGenerator::labelled(seed, "server");
        Self {
            seed,
            accounts: Vec::new(),
            index: HashMap::new(),
            keys: HashMap::new(),
            tokens: HashMap::new(),
            origins: HashMap::new(),
            startup: Vec::new(),
            ids_after_start: ids.clone(),
            ids,
        }
    }

    /// An account's origin, parsed.
    fn origin(&self, id: &str) -> Result<AccountFixture, StoreError> {
        let text = self
            .origins
            .get(id)
            .ok_or_else(|| StoreError::NoAccount(id.to_string()))?;
        // Written by `create_account` from a validated fixture; it always reads back.
        serde_json::from_str(text).map_err(|e| {
            StoreError::Invalid(FixtureError {
                file: None,
                path: ".".into(),
                message: format!("the stored origin does not parse: {e}"),
            })
        })
    }

    /// The seed ids are generated from.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// Every API key, account by account, in fixture order.
    pub fn api_keys(&self) -> Vec<ApiKey> {
        self.accounts
            .iter()
            .flat_map(|a| a.api_keys().iter().cloned())
            .collect()
    }

    /// The principal of a bearer token; 401 `Invalid API key` if missing or unknown.
    pub fn authenticate(&self, token: Option<&str>) -> Result<Principal, ApiError> {
        token
            .and_then(|t| self.keys.get(t))
            .cloned()
            .ok_or_else(auth::invalid_api_key)
    }

    /// The accounts, in creation order.
    pub fn accounts(&self) -> &[Account] {
        &self.accounts
    }

    /// One account.
    pub fn account(&self, id: &str) -> Result<&Account, StoreError> {
        self.index
            .get(id)
            .map(|&i| &self.accounts[i])
            .ok_or_else(|| StoreError::NoAccount(id.to_string()))
    }

    /// One account, to change.
    pub fn account_mut(&mut self, id: &str) -> Result<AccountMut<'_>, StoreError> {
        match self.index.get(id) {
            Some(&i) => Ok(AccountMut {
                account: &mut self.accounts[i],
                tokens: &mut self.tokens,
            }),
            None => Err(StoreError::NoAccount(id.to_string())),
        }
    }

    /// One account to change, brought up to its clock first (stats polled, profiles
    /// expired), as every request must see it.
    pub fn account_now(&mut self, id: &str) -> Result<AccountMut<'_>, StoreError> {
        let mut account = self.account_mut(id)?;
        account.tick();
        Ok(account)
    }

    /// Number of connect tokens the server knows: one per pending connection.
    #[doc(hidden)]
    pub fn token_count(&self) -> usize {
        self.tokens.len()
    }

    /// The account a connect token belongs to.
    pub fn account_of_token(&self, token: &str) -> Option<&str> {
        self.tokens.get(token).map(String::as_str)
    }

    /// initialize_connection for `who`: the invitation's token is unique across the server,
    /// so it is drawn here; a refused request leaves no token behind.
    pub fn initialize_connection(
        &mut self,
        who: &Principal,
        group_id: &str,
        body: &InitializeConnectionRequest,
    ) -> Result<Connection, ApiError> {
        let token = self.new_token(&who.account_id);
        let result = self
            .account_now(&who.account_id)
            .map_err(ApiError::from)
            .and_then(|mut account| {
                account.initialize_connection(who, group_id, body, token.clone())
            });
        if result.is_err() {
            self.tokens.remove(&token);
        }
        result
    }

    /// A new connect token, unique across the server.
    fn new_token(&mut self, account_id: &str) -> String {
        loop {
            let token = self.ids.next_id("inv_", 16);
            if !self.tokens.contains_key(&token) {
                self.tokens.insert(token.clone(), account_id.to_string());
                return token;
            }
        }
    }

    /// Creates an account from `fixture` (validated here): a missing id or key is generated.
    /// Nothing changes if it is refused.
    pub fn create_account(
        &mut self,
        fixture: AccountFixture,
        clock: Clock,
    ) -> Result<&Account, StoreError> {
        if self.accounts.len() >= MAX_ACCOUNTS {
            return Err(StoreError::Full);
        }
        let (fixture, keys) = self.prepare(fixture, None)?;
        let id = fixture.id.clone().expect("prepared fixtures have an id");
        let account = Account::new(id.clone(), &fixture, &keys, self.seed, clock);
        self.register_keys(&account);
        self.index.insert(id.clone(), self.accounts.len());
        self.accounts.push(account);
        let origin = serde_json::to_string(&fixture).unwrap_or_default();
        self.origins.insert(id.clone(), Arc::from(origin));
        self.account(&id)
    }

    /// Validates `fixture` and resolves its id and keys (generating what is missing), for a new
    /// account or to replace account `replacing`, whose own keys may be reused.
    fn prepare(
        &mut self,
        mut fixture: AccountFixture,
        replacing: Option<&str>,
    ) -> Result<(AccountFixture, Vec<String>), StoreError> {
        fixture.validate().map_err(StoreError::Invalid)?;
        let id = match (replacing, &fixture.id) {
            (Some(id), Some(given)) if given != id => {
                return Err(StoreError::Invalid(FixtureError {
                    file: None,
                    path: "id".into(),
                    message: format!("must be absent or {id:?}"),
                }))
            }
            (Some(id), _) => id.to_string(),
            (None, Some(id)) if self.index.contains_key(id) => {
                return Err(StoreError::Conflict(format!(
                    "Account {id:?} already exists"
                )))
            }
            (None, Some(id)) => id.clone(),
            (None, None) => loop {
                let id = self.ids.next_id("acct_", 10);
                if !self.index.contains_key(&id) {
                    break id;
                }
            },
        };
        for key in fixture.api_keys.iter().filter_map(|k| k.key.as_ref()) {
            let owner = self.keys.get(key).map(|p| p.account_id.as_str());
            if owner.is_some() && owner != replacing {
                return Err(StoreError::Conflict(format!(
                    "API key {} is already in use",
                    auth::key_id(key)
                )));
            }
        }
        // A fixture without keys gets one full-access key: an account nobody can call is no use.
        if fixture.api_keys.is_empty() {
            fixture.api_keys.push(crate::domain::fixtures::ApiKeyFixture {
                key: None,
                profile_group_id: None,
                description: None,
            });
        }
        let mut keys = Vec::with_capacity(fixture.api_keys.len());
        for k in &mut fixture.api_keys {
            let key = match &k.key {
                Some(key) => key.clone(),
                None => loop {
                    let key = self.ids.next_id("pp_test_", 24);
                    if !self.keys.contains_key(&key) {
                        break key;
                    }
                },
            };
            // Kept in the fixture, so a reset restores the same keys.
            k.key = Some(key.clone());
            keys.push(key);
        }
        fixture.id = Some(id);
        Ok((fixture, keys))
    }

    fn register_keys(&mut self, account: &Account) {
        for key in account.api_keys() {
            self.keys.insert(key.key.clone(), key.principal.clone());
        }
    }

    /// Replaces account `id` with one built from `fixture`; `keep` carries over what the
    /// replacement keeps of the old account.
    fn replace(
        &mut self,
        id: &str,
        fixture: AccountFixture,
        keep: impl FnOnce(&Account, &mut Account),
    ) -> Result<&Account, StoreError> {
        let position = *self
            .index
            .get(id)
            .ok_or_else(|| StoreError::NoAccount(id.to_string()))?;
        let (fixture, keys) = self.prepare(fixture, Some(id))?;
        let old = &self.accounts[position];
        let mut account = Account::new(id.to_string(), &fixture, &keys, self.seed, old.clock);
        keep(old, &mut account);
        for key in old.api_keys() {
            self.keys.remove(&key.key);
        }
        self.tokens.retain(|_, owner| owner != id);
        self.register_keys(&account);
        self.accounts[position] = account;
        Ok(&self.accounts[position])
    }

    /// Removes an account with its keys, tokens and everything else.
    pub fn delete_account(&mut self, id: &str) -> Result<(), StoreError> {
        let position = *self
            .index
            .get(id)
            .ok_or_else(|| StoreError::NoAccount(id.to_string()))?;
        let account = self.accounts.remove(position);
        for key in account.api_keys() {
            self.keys.remove(&key.key);
        }
        self.tokens.retain(|_, owner| owner != id);
        self.origins.remove(id);
        self.index = self
            .accounts
            .iter()
            .enumerate()
            .map(|(i, a)| (a.id().to_string(), i))
            .collect();
        Ok(())
    }

    /// Replaces an account's data (groups, profiles, keys) with `fixture`, keeping its id,
    /// clock, journal and faults; pending connections are dropped. Nothing changes if refused.
    pub fn import(&mut self, id: &str, fixture: AccountFixture) -> Result<&Account, StoreError> {
        self.replace(id, fixture, |old, new| {
            new.journal = old.journal.clone();
            new.faults = old.faults.clone();
        })
    }

    /// Puts one account back as it was created: its data and keys, a real-time clock, an empty
    /// journal and no faults.
    pub fn reset_account(&mut self, id: &str) -> Result<&Account, StoreError> {
        let origin = self.origin(id)?;
        self.replace(id, origin, |_, new| {
            new.clock = Clock::real();
            new.restart_polling();
        })
    }

    /// Everything back to how the server started: accounts created since are removed.
    pub fn reset_all(&mut self) {
        let mut fresh = Self::empty(self.seed);
        for text in &self.startup {
            // Origins are written from validated fixtures with their ids and keys resolved.
            match serde_json::from_str::<AccountFixture>(text) {
                Ok(fixture) => {
                    if let Err(e) = fresh.create_account(fixture, Clock::real()) {
                        tracing::error!(error = %e, "startup account not restored");
                    }
                }
                Err(e) => tracing::error!(error = %e, "startup account not restored"),
            }
        }
        fresh.startup = std::mem::take(&mut self.startup);
        fresh.ids = self.ids_after_start.clone();
        fresh.ids_after_start = self.ids_after_start.clone();
        *self = fresh;
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        use axum::http::StatusCode;
        let status = match &e {
            StoreError::NoAccount(_) => StatusCode::NOT_FOUND,
            StoreError::Conflict(_) => StatusCode::CONFLICT,
            StoreError::Invalid(_) | StoreError::Full => StatusCode::UNPROCESSABLE_ENTITY,
        };
        ApiError::new(status, e.to_string())
    }
}

/// One account of a [`Store`], borrowed to change (from [`Store::account_mut`] or
/// [`Store::account_now`]); it dereferences to the [`Account`]. When it is dropped, the tokens
/// of the invitations the account ended meanwhile (authorized, denied, expired, their group
/// deleted) leave the store's token index, so a used token is forgotten and the index holds
/// only pending connections.
pub struct AccountMut<'a> {
    account: &'a mut Account,
    tokens: &'a mut HashMap<String, String>,
}

impl Deref for AccountMut<'_> {
    type Target = Account;

    fn deref(&self) -> &Account {
        self.account
    }
}

impl DerefMut for AccountMut<'_> {
    fn deref_mut(&mut self) -> &mut Account {
        self.account
    }
}

impl Drop for AccountMut<'_> {
    fn drop(&mut self) {
        for token in self.account.take_ended_tokens() {
            self.tokens.remove(&token);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::account::{ConnectError, CONNECTION_TTL};
    use crate::domain::fixtures::{ApiKeyFixture, GroupFixture, DEMO_FULL_ACCESS_KEY};

    fn small(id: Option<&str>, key: Option<&str>) -> AccountFixture {
        AccountFixture {
            id: id.map(Into::into),
            api_keys: vec![ApiKeyFixture {
                key: key.map(Into::into),
                profile_group_id: None,
                description: None,
            }],
            profile_groups: vec![GroupFixture {
                id: "grp123abc".into(),
                name: "Same id as the demo's".into(),
                profiles: Vec::new(),
            }],
            ..Default::default()
        }
    }

    #[test]
    fn accounts_are_isolated_even_with_the_same_ids() {
        let mut store = Store::new(&Fixtures::demo(), 0);
        let created = store
            .create_account(small(None, None), Clock::real())
            .unwrap();
        let (id, key) = (created.id().to_string(), created.api_keys()[0].key.clone());
        assert!(id.starts_with("acct_") && key.starts_with("pp_test_"));
        let who = store.authenticate(Some(&key)).unwrap();
        assert_eq!(who.account_id, id);
        let groups = store.account(&id).unwrap().list_groups(&who);
        assert_eq!(groups.len(), 1);
        assert_eq!(groups[0].name, "Same id as the demo's");
        let demo = store.authenticate(Some(DEMO_FULL_ACCESS_KEY)).unwrap();
        let demo_groups = store.account("acct_demo").unwrap().list_groups(&demo);
        assert_eq!(demo_groups[1].name, "Main Brand");
    }

    #[test]
    fn refused_changes_change_nothing() {
        let mut store = Store::new(&Fixtures::demo(), 0);
        let before = store.api_keys();
        let taken = store.create_account(small(None, Some(DEMO_FULL_ACCESS_KEY)), Clock::real());
        assert!(matches!(taken, Err(StoreError::Conflict(_))));
        let dup = store.create_account(small(Some("acct_demo"), None), Clock::real());
        assert!(matches!(dup, Err(StoreError::Conflict(_))));
        let mut bad = small(None, None);
        bad.profile_groups[0].name = " ".into();
        let invalid = store.import("acct_demo", bad);
        assert!(matches!(invalid, Err(StoreError::Invalid(_))));
        assert_eq!(store.api_keys(), before);
        assert_eq!(store.accounts().len(), 1);
        assert_eq!(store.account("acct_demo").unwrap().counts(), (4, 15));
    }

    #[test]
    fn generated_ids_and_keys_follow_the_seed() {
        let first_key = |store: &mut Store| {
            store
                .create_account(small(None, None), Clock::real())
                .unwrap()
                .api_keys()[0]
                .key
                .clone()
        };
        let mut a = Store::new(&Fixtures::demo(), 9);
        let mut b = Store::new(&Fixtures::demo(), 9);
        assert_eq!(first_key(&mut a), first_key(&mut b));
    }

    #[test]
    fn a_refused_invitation_leaves_no_token() {
        let mut store = Store::new(&Fixtures::demo(), 0);
        let who = store.authenticate(Some(DEMO_FULL_ACCESS_KEY)).unwrap();
        let request = |platform: &str| InitializeConnectionRequest {
            platform: Some(platform.into()),
            redirect_url: Some("https://app.example/cb".into()),
            ..Default::default()
        };
        let refused = store.initialize_connection(&who, "grp789ghi", &request("myspace"));
        assert_eq!(refused.unwrap_err().status().as_u16(), 422);
        let missing = store.initialize_connection(&who, "grp_nope", &request("youtube"));
        assert_eq!(missing.unwrap_err().status().as_u16(), 404);
        assert!(store.tokens.is_empty(), "{:?}", store.tokens);
        let made = store
            .initialize_connection(&who, "grp789ghi", &request("youtube"))
            .unwrap();
        assert_eq!(store.account_of_token(&made.token), Some("acct_demo"));
        assert_eq!(store.tokens.len(), 1);
    }

    /// Every way an invitation ends takes its token out of the server's index: authorize,
    /// deny, expiry (when pending connections are pruned), deleting its group, resetting or
    /// deleting its account.
    #[test]
    fn an_ended_invitation_leaves_no_token() {
        let mut store = Store::new(&Fixtures::demo(), 0);
        let who = store.authenticate(Some(DEMO_FULL_ACCESS_KEY)).unwrap();
        let invite = |store: &mut Store, group: &str, platform: &str| {
            let request = InitializeConnectionRequest {
                platform: Some(platform.into()),
                redirect_url: Some("https://app.example/cb".into()),
                refresh_connection: Some(true),
                ..Default::default()
            };
            let token = store
                .initialize_connection(&who, group, &request)
                .unwrap()
                .token;
            assert_eq!(store.account_of_token(&token), Some("acct_demo"));
            token
        };

        let used = invite(&mut store, "grp789ghi", "youtube");
        let mut account = store.account_now("acct_demo").unwrap();
        assert!(account.authorize(&used).is_ok());
        assert!(matches!(
            account.authorize(&used),
            Err(ConnectError::Unknown)
        ));
        drop(account);
        assert_eq!(
            (store.token_count(), store.account_of_token(&used)),
            (0, None)
        );

        let denied = invite(&mut store, "grp789ghi", "tiktok");
        assert!(store
            .account_now("acct_demo")
            .unwrap()
            .deny(&denied)
            .is_ok());
        assert_eq!(
            (store.token_count(), store.account_of_token(&denied)),
            (0, None)
        );

        // An expired invitation still answers as expired until the next initialize_connection
        // prunes it.
        let late = invite(&mut store, "grp456def", "tiktok");
        let mut account = store.account_now("acct_demo").unwrap();
        account.clock.freeze();
        account
            .clock
            .advance(CONNECTION_TTL + time::Duration::seconds(1));
        assert!(matches!(account.deny(&late), Err(ConnectError::Expired)));
        drop(account);
        assert_eq!(store.token_count(), 1);
        let in_group = invite(&mut store, "grp789ghi", "tiktok");
        assert_eq!(
            (store.token_count(), store.account_of_token(&late)),
            (1, None)
        );

        store
            .account_now("acct_demo")
            .unwrap()
            .delete_group(&who, "grp789ghi")
            .unwrap();
        assert_eq!(
            (store.token_count(), store.account_of_token(&in_group)),
            (0, None)
        );

        invite(&mut store, "grp456def", "youtube");
        drop(store.account_now("acct_demo").unwrap());
        assert_eq!(
            store.token_count(),
            1,
            "only ending an invitation drops its token"
        );
        store.reset_account("acct_demo").unwrap();
        assert_eq!(store.token_count(), 0);

        invite(&mut store, "grp456def", "youtube");
        store.delete_account("acct_demo").unwrap();
        assert_eq!(store.token_count(), 0);
    }

    #[test]
    fn a_server_reset_is_a_fresh_start_ids_included() {
        let mut store = Store::new(&Fixtures::demo(), 3);
        let first = store
            .create_account(small(None, None), Clock::real())
            .unwrap()
            .id()
            .to_string();
        store
            .create_account(small(None, None), Clock::real())
            .unwrap();
        store.reset_all();
        assert_eq!(store.accounts().len(), 1);
        let again = store
            .create_account(small(None, None), Clock::real())
            .unwrap()
            .id()
            .to_string();
        assert_eq!(again, first, "the same ids as after a fresh start");
        assert!(store.authenticate(Some(DEMO_FULL_ACCESS_KEY)).is_ok());
    }

    #[test]
    fn import_export_and_reset_round_trip() {
        let mut store = Store::new(&Fixtures::demo(), 0);
        let exported = store.account("acct_demo").unwrap().to_fixture();
        let mut demo = Fixtures::demo().accounts.remove(0);
        // Descriptions are notes for the reader of a file; the server does not keep them.
        demo.description = None;
        for key in &mut demo.api_keys {
            key.description = None;
        }
        // Snapshots are kept (and exported) in time order.
        for profile in demo.profile_groups.iter_mut().flat_map(|g| &mut g.profiles) {
            profile
                .stats
                .sort_by_key(|s| crate::domain::fixtures::parse_timestamp(&s.recorded_at));
        }
        assert!(exported == demo, "the export is the demo account");
        let mut smaller = exported.clone();
        smaller.profile_groups.truncate(1);
        smaller.api_keys.truncate(1); // the scoped key's group is gone
        store.import("acct_demo", smaller.clone()).unwrap();
        assert!(store.account("acct_demo").unwrap().to_fixture() == smaller);
        store.reset_account("acct_demo").unwrap();
        assert!(store.account("acct_demo").unwrap().to_fixture() == exported);
        store.delete_account("acct_demo").unwrap();
        assert!(store.authenticate(Some(DEMO_FULL_ACCESS_KEY)).is_err());
        store.reset_all();
        assert!(store.authenticate(Some(DEMO_FULL_ACCESS_KEY)).is_ok());
    }
}
