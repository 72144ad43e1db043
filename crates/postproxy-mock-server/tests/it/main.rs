//! The crate's integration tests, one test binary (linked once): each file a module.

mod common;

mod api;
mod auth_matrix;
mod bad_input;
mod cache;
mod concurrency;
mod control;
mod front;
mod limits;
mod node_sdk_connections;
mod server;
