//! [`AppState`]: what every handler shares, product and control alike: the store behind one
//! lock, and the base URL the mock is reached at. `crate::server` builds it and the router;
//! `crate::product` implements the generated trait on it; `crate::control` and the consent
//! pages take it as their axum state.

use std::sync::{Mutex, MutexGuard};

use crate::domain::fixtures::Fixtures;
use crate::domain::store::Store;

/// The seed used when none is given: new ids are the same on every run.
pub const DEFAULT_SEED: u64 = 0;

/// The state of one mock server.
#[derive(Debug)]
pub(crate) struct AppState {
    store: Mutex<Store>,
    base_url: String,
}

impl AppState {
    /// The state over `fixtures` (validated by the caller), with new ids from `seed`.
    /// `base_url` (e.g. `http://127.0.0.1:8080`) is where this mock is reachable;
    /// initialize_connection's URLs point at it.
    pub(crate) fn new(fixtures: &Fixtures, seed: u64, base_url: impl Into<String>) -> Self {
        Self {
            store: Mutex::new(Store::new(fixtures, seed)),
            base_url: base_url.into().trim_end_matches('/').to_string(),
        }
    }

    /// The base URL initialize_connection's URLs start with.
    pub(crate) fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The locked store.
    pub(crate) fn store(&self) -> MutexGuard<'_, Store> {
        // No operation panics while holding the lock; should one ever, the data is still whole
        // (operations check before they change), so keep serving.
        self.store.lock().unwrap_or_else(|e| e.into_inner())
    }
}
