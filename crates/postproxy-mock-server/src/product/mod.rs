//! The product API: the thin handlers implementing the generated trait over the domain
//! (`handlers.rs`), and the borrowed views they serialise stored rows through (`views.rs`).

pub mod handlers;
mod views;
