//! The control plane's per-account tools around product requests: armed [`faults`] and the
//! request [`journal`], one [`Harness`] per account, kept beside the domain's store (in
//! `crate::state::State`), not in it. `crate::app::middleware` consults an account's harness
//! once per request; faults and the journal filter match paths with one dialect ([`pattern`]). Both match request paths in the one dialect of [`pattern`].

pub mod faults;
pub mod journal;
pub mod pattern;

/// One account's faults and journal.
#[derive(Debug, Clone, Default)]
pub struct Harness {
    /// Armed faults.
    pub faults: faults::Faults,
    /// The request journal.
    pub journal: journal::Journal,
}
