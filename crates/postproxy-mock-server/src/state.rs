//! [`AppState`]: what every handler shares, product and control alike: the [`State`] behind
//! one lock (the domain's store, beside it each account's harness: faults and journal, and
//! the cache of GET answers), and the base URL the mock is reached at. `crate::server` builds
//! it; `crate::app` puts it behind the router; `crate::product` implements the generated trait
//! on it; `crate::control` and the consent pages take it as their axum state.
//!
//! What a product request leaves to do once it is answered (journal it, keep its fresh GET
//! answer, release its `Idempotency-Key`) is a [`Settle`], queued without the lock and applied
//! by whoever takes the lock next, before anything else ([`AppState::store`]): so nobody ever
//! sees the state without the bookkeeping of every request answered before. The queue is
//! bounded by the requests answered since the last lock: every request takes the lock to be
//! looked at, and every control call takes it too.
//!
//! A product request takes the lock once to be looked at (`crate::app::front`), and the front
//! lends that lock ([`AppState::lend`]) to the request's operation while it polls the request
//! for the first time: a request with nothing to wait for is answered under that one lock. A
//! request that waits (for its body, for a fault's latency) releases it first, and its
//! operation locks again: nothing waits on a client while holding the lock.

use std::cell::RefCell;
use std::ops::{Deref, DerefMut};
use std::sync::mpsc;
use std::sync::Arc;

use parking_lot::{ArcMutexGuard, Mutex, RawMutex};

use axum::body::Bytes;
use axum::http::{StatusCode, Uri};

use crate::domain::account::Account;
use crate::domain::auth::Principal;
use crate::domain::error::DomainError;
use crate::domain::fixtures::Fixtures;
use crate::domain::store::Store;
use crate::domain::FastMap;
use crate::harness::journal::Recorded;
use crate::harness::Harness;
use crate::http::cache::{CacheKey, ResponseCache};

/// The seed used when none is given: new ids are the same on every run.
pub const DEFAULT_SEED: u64 = 0;

/// [`AppState`]'s lock, held.
pub(crate) type StateGuard = ArcMutexGuard<RawMutex, State>;

thread_local! {
    /// The lock [`AppState::lend`] lends, with the server it belongs to: at most one at a
    /// time on a thread, for the length of one synchronous call.
    static LENT: RefCell<Option<(usize, StateGuard)>> = const { RefCell::new(None) };
}

/// The state of one mock server.
#[derive(Debug)]
pub(crate) struct AppState {
    state: Arc<Mutex<State>>,
    /// Where answered requests leave their [`Settle`]; [`State::pending`] receives.
    settle: mpsc::Sender<Settle>,
    base_url: String,
    /// How many times the state was locked (the `test-support` feature: the tests count the
    /// locks a request takes).
    #[cfg(feature = "test-support")]
    locks: std::sync::atomic::AtomicU64,
}

/// Bookkeeping an answered request leaves (see the module documentation).
#[derive(Debug)]
pub(crate) enum Settle {
    /// Journal `entry` (its time is its arrival's) in `who`'s account, and keep the fresh
    /// answer to a GET (`keep`: the account's version when it was looked at, and the body) if
    /// the account is still at that version.
    Record {
        who: Arc<Principal>,
        entry: Recorded,
        keep: Option<(u64, Bytes)>,
    },
    /// Release an `Idempotency-Key` claimed when the request was looked at.
    Release {
        account_id: String,
        key_id: String,
        key: String,
        claim: u64,
    },
    /// Keep the 401 of a GET of `target` without a valid key (see `crate::http::cache`).
    KeepRefusal { target: Uri, body: Bytes },
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
    /// Bookkeeping left by answered requests, not yet applied.
    pending: mpsc::Receiver<Settle>,
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

    /// Applies every [`Settle`] queued so far, in the order the requests were answered.
    fn settle_pending(&mut self) {
        while let Ok(settle) = self.pending.try_recv() {
            self.settle(settle);
        }
    }

    fn settle(&mut self, settle: Settle) {
        match settle {
            Settle::Record { who, entry, keep } => self.record(&who, entry, keep),
            Settle::Release {
                account_id,
                key_id,
                key,
                claim,
            } => {
                // The account may have been deleted or reset meanwhile: nothing to release.
                if let Ok(mut account) = self.store.account_mut(&account_id) {
                    account.release_idempotency_key(&key_id, &key, claim);
                }
            }
            Settle::KeepRefusal { target, body } => {
                let key = CacheKey::keyless(crate::http::cache::target(&target));
                self.cache.put(
                    &key,
                    crate::http::cache::KEYLESS_VERSION,
                    StatusCode::UNAUTHORIZED,
                    body,
                );
            }
        }
    }

    /// Journals `entry` in `who`'s account and keeps a GET's fresh answer made at `version` if
    /// the account is still there (see [`Settle::Record`]).
    fn record(&mut self, who: &Principal, entry: Recorded, keep: Option<(u64, Bytes)>) {
        // The account may have been deleted meanwhile; then there is nothing to record into.
        let Ok(version) = self.store.account(&who.account_id).map(|a| a.version()) else {
            return;
        };
        if let Some((made_at, body)) = keep {
            if made_at == version {
                let key = CacheKey::of(who, &entry.uri);
                self.cache.put(&key, version, StatusCode::OK, body);
            }
        }
        if let Some(harness) = self.harness(&who.account_id) {
            harness.journal.record(entry);
        }
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
        let (settle, pending) = mpsc::channel();
        Self {
            state: Arc::new(Mutex::new(State {
                store: Store::new(fixtures, seed),
                harness: FastMap::default(),
                cache: ResponseCache::new(cache),
                pending,
            })),
            settle,
            base_url: base_url.into().trim_end_matches('/').to_string(),
            #[cfg(feature = "test-support")]
            locks: Default::default(),
        }
    }

    /// The base URL initialize_connection's URLs start with.
    pub(crate) fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The locked state, every queued [`Settle`] applied: the guard [`Self::lend`] lent on this
    /// thread if there is one, else a new lock.
    pub(crate) fn store(&self) -> StateGuard {
        if let Some(mut lent) =
            LENT.with(|slot| slot.borrow_mut().take_if(|(of, _)| *of == self.id()))
        {
            lent.1.settle_pending();
            return lent.1;
        }
        // parking_lot's lock is never poisoned: no operation panics while holding it, and
        // should one ever, the data is still whole (operations check before they change).
        let mut state = Mutex::lock_arc(&self.state);
        #[cfg(feature = "test-support")]
        self.locks
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        state.settle_pending();
        state
    }

    /// Runs `during` with `guard` lent to the first [`Self::store`] on this thread: the front
    /// service lends the lock it looked at a request under while it first polls the request,
    /// so an operation that runs then (its body, if any, already read) takes no second lock.
    /// Whatever has to wait (a body still arriving, a fault's latency) makes the poll return
    /// first, and the guard is released before the wait: nothing waits holding the lock.
    pub(crate) fn lend<R>(&self, guard: StateGuard, during: impl FnOnce() -> R) -> R {
        /// Takes back what nobody took, on return and on unwind alike.
        struct Reclaim;
        impl Drop for Reclaim {
            fn drop(&mut self) {
                let unclaimed = LENT.with(|slot| slot.borrow_mut().take());
                drop(unclaimed);
            }
        }
        LENT.with(|slot| *slot.borrow_mut() = Some((self.id(), guard)));
        let _reclaim = Reclaim;
        during()
    }

    /// What [`LENT`] tells servers apart by: several may run on one thread.
    fn id(&self) -> usize {
        std::ptr::from_ref(self) as usize
    }

    /// How many times [`Self::store`] locked the state so far.
    #[cfg(feature = "test-support")]
    pub(crate) fn locks(&self) -> u64 {
        self.locks.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Queues what an answered request leaves to do, without the lock: the next
    /// [`Self::store`] applies it.
    pub(crate) fn settle(&self, settle: Settle) {
        // The receiver lives in `self`: sending cannot fail while `self` does.
        let _ = self.settle.send(settle);
    }
}
