//! The control plane's per-account tools around product requests: armed [`faults`], the
//! request [`journal`] and the [`idempotency`] keys, one [`Harness`] per account, kept beside
//! the domain's store (in `crate::state::State`), not in it, and gone with the account.
//! `crate::service::path` consults an account's harness for each product request. Faults and
//! the journal filter match request paths in the one dialect of [`pattern`].
//!
//! Nothing here has a wire format: the types are plain (methods, statuses and URIs are the
//! `http` crate's), with no serde, no web framework and no OpenAPI schema.
//! The control API's wire types (`FaultSpec`, `Fault`, `JournalFilter`, `JournalPage`, ...)
//! are `crate::control`'s, which converts them to and from these. Imports run down only:
//! `crate::generated` (the operation table), `crate::domain`, `crate::rt` (the 500's message)
//! and `crate::limits`; never `crate::control`, `crate::http`, `crate::service` or
//! `crate::state`.

pub mod faults;
pub mod idempotency;
pub mod journal;
pub mod pattern;

/// One account's faults, journal and idempotency keys.
#[derive(Debug, Clone, Default)]
pub struct Harness {
    /// Armed faults.
    pub faults: faults::Faults,
    /// The request journal.
    pub journal: journal::Journal,
    /// `Idempotency-Key`s in flight and answers kept for replay.
    pub idempotency: idempotency::Idempotency,
}
