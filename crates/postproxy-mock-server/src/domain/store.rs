//! [`Store`]: every account of one mock server, the index from API keys and connect tokens to
//! accounts, and what the control API does to accounts as a whole (create, reset, delete,
//! import). The product rules live in [`crate::domain::account`].
//!
//! Accounts are isolated: a key sees only its account, and every id generator and clock belongs
//! to one account (its journal and faults live beside the store, in `crate::state::State`), so parallel test suites sharing a server cannot see
//! or disturb each other.

use std::ops::{Deref, DerefMut};
use std::sync::Arc;

use crate::domain::account::Account;
use crate::domain::auth::{self, ApiKey, Principal};
use crate::domain::clock::Clock;
use crate::domain::error::DomainError;
use crate::domain::fixtures::{AccountFixture, FixtureError, Fixtures};
use crate::domain::ids::IdGenerator;
use crate::domain::FastMap;
use postproxy_models::InitializeConnectionRequest;

use crate::domain::connections::Connected;

use crate::limits::MAX_ACCOUNTS;

/// The whole state of one mock server.
#[derive(Debug, Clone)]
pub struct Store {
    seed: u64,
    /// Accounts in creation order; `index` maps ids to positions.
    accounts: Vec<Account>,
    index: FastMap<String, usize>,
    /// Every key of every account.
    keys: FastMap<String, Arc<Principal>>,
    /// The tokens of pending connections, to the account that issued them. An account
    /// hands back the tokens of the invitations it ends through [`AccountMut`]; deleting or
    /// replacing an account drops all of its tokens.
    tokens: FastMap<String, String>,
    /// The fixture each account was created from (ids and keys resolved), for an account
    /// reset. Kept as JSON text: a third of the memory of the parsed form, and read only on
    /// a reset.
    origins: FastMap<String, Arc<str>>,
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
            index: FastMap::default(),
            keys: FastMap::default(),
            tokens: FastMap::default(),
            origins: FastMap::default(),
            startup: Vec::new(),
            ids_after_start: ids.clone(),
            ids,
        }
    }

    /// An account's origin, parsed.
    fn origin(&self, id: &str) -> Result<AccountFixture, DomainError> {
        let text = self
            .origins
            .get(id)
            .ok_or_else(|| DomainError::NoAccount(id.to_string()))?;
        // Written by `create_account` from a validated fixture; it always reads back.
        serde_json::from_str(text).map_err(|e| {
            DomainError::InvalidFixture(FixtureError {
                file: None,
                path: ".".into(),
                message: format!("the stored origin does not parse: {e}"),
            })
        })
    }

    /// The seed ids are generated from.
    #[cfg(any(test, feature = "test-support"))]
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
    pub fn authenticate(&self, token: Option<&str>) -> Result<Arc<Principal>, DomainError> {
        token
            .and_then(|t| self.keys.get(t))
            .cloned()
            .ok_or(DomainError::InvalidApiKey)
    }

    /// The accounts, in creation order.
    pub fn accounts(&self) -> &[Account] {
        &self.accounts
    }

    /// One account.
    pub fn account(&self, id: &str) -> Result<&Account, DomainError> {
        self.index
            .get(id)
            .map(|&i| &self.accounts[i])
            .ok_or_else(|| DomainError::NoAccount(id.to_string()))
    }

    /// One account, to change.
    pub fn account_mut(&mut self, id: &str) -> Result<AccountMut<'_>, DomainError> {
        match self.index.get(id) {
            Some(&i) => Ok(AccountMut {
                account: &mut self.accounts[i],
                tokens: &mut self.tokens,
            }),
            None => Err(DomainError::NoAccount(id.to_string())),
        }
    }

    /// One account to change, brought up to its clock first (stats polled, profiles
    /// expired), as every request must see it.
    pub fn account_now(&mut self, id: &str) -> Result<AccountMut<'_>, DomainError> {
        let mut account = self.account_mut(id)?;
        account.tick();
        Ok(account)
    }

    /// Number of connect tokens the server knows: one per pending connection.
    #[doc(hidden)]
    #[cfg(any(test, feature = "test-support"))]
    pub fn token_count(&self) -> usize {
        self.tokens.len()
    }

    /// The account a connect token belongs to.
    pub fn account_of_token(&self, token: &str) -> Option<&str> {
        self.tokens.get(token).map(String::as_str)
    }

    /// initialize_connection for `who`: an invitation's token is unique across the server,
    /// so it is drawn here; a refused request, and a credential connection (which makes no
    /// invitation), leave no token behind.
    pub fn initialize_connection(
        &mut self,
        who: &Principal,
        group_id: &str,
        body: &InitializeConnectionRequest,
    ) -> Result<Connected, DomainError> {
        let token = self.new_token(&who.account_id);
        let result = self.account_now(&who.account_id).and_then(|mut account| {
            account.initialize_connection(who, group_id, body, token.clone())
        });
        if !matches!(result, Ok(Connected::Invitation(_))) {
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
    ) -> Result<&Account, DomainError> {
        if self.accounts.len() >= MAX_ACCOUNTS {
            return Err(DomainError::Full(format!(
                "This server holds {MAX_ACCOUNTS} accounts, the most it can"
            )));
        }
        let (fixture, keys) = self.prepare(fixture, None)?;
        let id = fixture.id.clone().expect("prepared fixtures have an id");
        // A fixture's own clock (validated) comes first.
        let clock = fixture
            .clock
            .as_ref()
            .and_then(|c| c.to_clock())
            .unwrap_or(clock);
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
    ) -> Result<(AccountFixture, Vec<String>), DomainError> {
        fixture.validate().map_err(DomainError::InvalidFixture)?;
        let id = match (replacing, &fixture.id) {
            (Some(id), Some(given)) if given != id => {
                return Err(DomainError::InvalidFixture(FixtureError {
                    file: None,
                    path: "id".into(),
                    message: format!("must be absent or {id:?}"),
                }))
            }
            (Some(id), _) => id.to_string(),
            (None, Some(id)) if self.index.contains_key(id) => {
                return Err(DomainError::Exists(format!(
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
                return Err(DomainError::Exists(format!(
                    "API key {} is already in use",
                    auth::key_id(key)
                )));
            }
        }
        // A fixture without keys gets one full-access key: an account nobody can call is no use.
        if fixture.api_keys.is_empty() {
            fixture
                .api_keys
                .push(crate::domain::fixtures::ApiKeyFixture {
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
            self.keys
                .insert(key.key.clone(), Arc::new(key.principal.clone()));
        }
    }

    /// Replaces account `id` with one built from `fixture`; `keep` carries over what the
    /// replacement keeps of the old account.
    fn replace(
        &mut self,
        id: &str,
        fixture: AccountFixture,
        keep: impl FnOnce(&Account, &mut Account),
    ) -> Result<&Account, DomainError> {
        let position = *self
            .index
            .get(id)
            .ok_or_else(|| DomainError::NoAccount(id.to_string()))?;
        let (fixture, keys) = self.prepare(fixture, Some(id))?;
        let old = &self.accounts[position];
        // The account keeps its clock, unless the fixture sets one.
        let clock = fixture
            .clock
            .as_ref()
            .and_then(|c| c.to_clock())
            .unwrap_or(old.clock);
        let mut account = Account::new(id.to_string(), &fixture, &keys, self.seed, clock);
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
    pub fn delete_account(&mut self, id: &str) -> Result<(), DomainError> {
        let position = *self
            .index
            .get(id)
            .ok_or_else(|| DomainError::NoAccount(id.to_string()))?;
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
    /// clock (its journal and faults are kept beside the store); pending connections are dropped. Nothing changes if refused.
    pub fn import(&mut self, id: &str, fixture: AccountFixture) -> Result<&Account, DomainError> {
        self.replace(id, fixture, |_, _| {})
    }

    /// Puts one account back as it was created: its data and keys, its fixture's clock (or a
    /// real-time one), an empty journal and no faults (`crate::state::State::reset_account`
    /// drops those).
    pub fn reset_account(&mut self, id: &str) -> Result<&Account, DomainError> {
        let origin = self.origin(id)?;
        let clock = origin.clock.as_ref().and_then(|c| c.to_clock());
        self.replace(id, origin, |_, new| {
            new.clock = clock.unwrap_or_else(Clock::real);
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

/// One account of a [`Store`], borrowed to change (from [`Store::account_mut`] or
/// [`Store::account_now`]); it dereferences to the [`Account`]. When it is dropped, the tokens
/// of the invitations the account ended meanwhile (authorized, denied, expired, their group
/// deleted) leave the store's token index, so a used token is forgotten and the index holds
/// only pending connections.
pub struct AccountMut<'a> {
    account: &'a mut Account,
    tokens: &'a mut FastMap<String, String>,
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
#[path = "store_tests.rs"]
mod tests;
