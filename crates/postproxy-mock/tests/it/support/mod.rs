//! What the tests share: stub upstreams.

pub mod drift;
