//! HTTP plumbing shared by the product and control APIs, beside the runtime the generated
//! code names (`crate::rt`): domain errors mapped to the spec's error body in one place, the
//! control API's JSON extractors, the cache of GET answers, the specs and the accept loop.

pub mod cache;
pub mod error;
pub mod extract;
pub mod serve;
pub mod spec;
