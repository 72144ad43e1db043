//! The integration tests of the `postproxy-mock` crate, one test binary:
//!
//! - `cli`, `connections`: the program serving (flags, startup output, shutdown, connection
//!   floods).
//! - `contract`: the spec as a contract (the OpenAPI 3.0 translation, statuses, content types).

mod cli;
mod connections;
mod contract;
