//! HTTP plumbing shared by the product and control APIs: the spec's error body
//! ([`error::ApiError`], mapped from domain errors in one place), extractors, responses,
//! the cache of GET answers, the specs and the accept loop. [`rt`] is the only module the generated code
//! names.

pub mod cache;
pub mod error;
pub mod extract;
pub mod respond;
pub mod rt;
pub mod serve;
pub mod spec;
