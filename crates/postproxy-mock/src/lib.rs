//! What the `postproxy-mock` program's subcommands do, as a Rust API.
//!
//! - [`contract`]: the spec as a contract: the statuses an operation documents and the JSON
//!   Schema of each body.
//!
//! The mock server itself is the `postproxy-mock-server` library.

pub mod contract;
