//! The product API: the thin handlers implementing the generated trait over the domain.

pub mod handlers;
