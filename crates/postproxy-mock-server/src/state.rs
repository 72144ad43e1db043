//! [`AppState`]: what every handler shares, product and control alike: the [`State`] behind
//! one lock (the domain's store, beside it each account's harness: faults, journal and
//! idempotency keys, and the cache of GET answers), and the base URL the mock is reached at.
//! `crate::server` builds it; `crate::service` puts it behind the router and runs each product
//! request's path (`crate::service::path`); `crate::product` implements the generated trait on
//! it; `crate::control` and the consent pages take it as their axum state.
//!
//! The lock is taken and released inside one synchronous step: nothing awaits while holding
//! it, so a client that is slow to send or to read never holds up another.

use std::ops::{Deref, DerefMut};

use parking_lot::{Mutex, MutexGuard};

use crate::domain::account::Account;
use crate::domain::error::DomainError;
use crate::domain::fixtures::Fixtures;
use crate::domain::store::Store;
use crate::domain::FastMap;
use crate::harness::Harness;
use crate::http::cache::ResponseCache;

/// The seed used when none is given: new ids are the same on every run.
pub const DEFAULT_SEED: u64 = 0;

/// The state of one mock server.
#[derive(Debug)]
pub(crate) struct AppState {
    state: Mutex<State>,
    base_url: String,
}

/// Everything a server holds, behind [`AppState`]'s one lock: the domain's [`Store`] (it
/// dereferences to it) and the control plane's harness of each account, kept apart so the
/// domain knows nothing of faults or journals. An account's harness is made when it is first
/// needed and goes with the account: deleting or resetting an account (or the server) drops
/// it; importing into an account keeps it.
#[derive(Debug)]
pub struct State {
    pub(crate) store: Store,
    pub(crate) harness: FastMap<String, Harness>,
    /// Answers to product GETs (`crate::http::cache`).
    pub(crate) cache: ResponseCache,
}

impl Deref for State {
    type Target = Store;

    fn deref(&self) -> &Store {
        &self.store
    }
}

impl DerefMut for State {
    fn deref_mut(&mut self) -> &mut Store {
        &mut self.store
    }
}

impl State {
    /// The harness of an existing account (made on first use); `None` for no such account.
    pub fn harness(&mut self, account_id: &str) -> Option<&mut Harness> {
        // Looked up before it is made, so the common case allocates nothing.
        if !self.harness.contains_key(account_id) {
            self.store.account(account_id).ok()?;
            self.harness
                .insert(account_id.to_string(), Harness::default());
        }
        self.harness.get_mut(account_id)
    }

    /// The harness of an existing account (made on first use) and the cache, borrowed
    /// together; `None` for no such account.
    pub(crate) fn harness_and_cache(
        &mut self,
        account_id: &str,
    ) -> Option<(&mut Harness, &mut ResponseCache)> {
        self.harness(account_id)?;
        let harness = self.harness.get_mut(account_id)?;
        Some((harness, &mut self.cache))
    }

    /// Removes an account, and its harness with it.
    pub(crate) fn delete_account(&mut self, id: &str) -> Result<(), DomainError> {
        self.store.delete_account(id)?;
        self.harness.remove(id);
        Ok(())
    }

    /// Puts one account back as it was created, with no faults and an empty journal.
    pub(crate) fn reset_account(&mut self, id: &str) -> Result<&Account, DomainError> {
        let account = self.store.reset_account(id)?;
        self.harness.remove(id);
        Ok(account)
    }

    /// Everything back to how the server started.
    pub(crate) fn reset_all(&mut self) {
        self.store.reset_all();
        self.harness.clear();
    }
}

impl AppState {
    /// The state over `fixtures` (validated by the caller), with new ids from `seed`.
    /// `base_url` (e.g. `http://127.0.0.1:8080`) is where this mock is reachable;
    /// initialize_connection's URLs point at it.
    pub(crate) fn new(
        fixtures: &Fixtures,
        seed: u64,
        base_url: impl Into<String>,
        cache: bool,
    ) -> Self {
        Self {
            state: Mutex::new(State {
                store: Store::new(fixtures, seed),
                harness: FastMap::default(),
                cache: ResponseCache::new(cache),
            }),
            base_url: base_url.into().trim_end_matches('/').to_string(),
        }
    }

    /// The base URL initialize_connection's URLs start with.
    pub(crate) fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The state, locked. Hold the guard for one synchronous step only, never across an
    /// `.await`. parking_lot's lock is never poisoned: no operation panics while holding it,
    /// and should one ever, the data is still whole (operations check before they change).
    pub(crate) fn store(&self) -> MutexGuard<'_, State> {
        self.state.lock()
    }
}
