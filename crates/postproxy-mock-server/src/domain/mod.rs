//! The simulated service: accounts and every product rule, with no HTTP in it.
//!
//! [`store::Store`] holds every account, the index from API keys and connect tokens to
//! accounts, and what the control plane does to accounts as a whole. An [`account::Account`]
//! is one tenant; its rules are spread over one file per concept (groups, profiles, stats,
//! connections, moves between groups, ice breakers, injection, time), each an `impl Account` block. Platform facts
//! live in one table ([`platform`]). Every refusal is a [`error::DomainError`]; the HTTP layer
//! (`crate::http::error`) turns it into a status and the spec's body in one place.
//!
//! Nothing here imports `axum`, `http`, `utoipa` or the generated routing layer; the types it
//! returns are the shared models of `postproxy-models`.

pub mod account;
pub mod auth;
pub mod clock;
pub mod connections;
pub mod credentials;
pub mod daily;
pub mod error;
pub mod fixtures;
pub mod groups;
pub mod ice_breakers;
pub mod ids;
pub mod inject;
pub mod moves;
pub mod platform;
pub mod polling;
pub mod profiles;
pub mod rows;
pub mod stats;
pub mod store;
pub mod tick;

#[cfg(test)]
mod tests;

/// The hash map of the request path (keys, ids, indexes): std's map with foldhash, faster than
/// SipHash on the short strings it holds and still seeded per process.
pub(crate) type FastMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;
