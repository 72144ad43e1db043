//! The HTTP layer's runtime, as the generated code ([`crate::generated`]) sees it.

pub mod rt;
