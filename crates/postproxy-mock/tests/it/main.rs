//! The integration tests of the `postproxy-mock` crate, one test binary:
//!
//! - `cli`, `connections`: the program serving (flags, startup output, shutdown, connection
//!   floods).

mod cli;
mod connections;
