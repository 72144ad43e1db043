//! What the `postproxy-mock` program's subcommands do, as a Rust API.
//!
//! - [`verify`]: a contract check of a Postproxy service (the real one, or any mock) against
//!   the spec (`postproxy-mock verify`).
//! - [`contract`]: the spec as a contract, which verify checks each answer against: the
//!   statuses an operation documents and the JSON Schema of each body.
//!
//! The mock server itself is the `postproxy-mock-server` library.

pub mod contract;
pub mod verify;
