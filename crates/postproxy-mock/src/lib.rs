//! The `postproxy-mock` program's subcommands as a library: what the program does besides
//! serving (serving is the `postproxy-mock-server` library).
//!
//! - [`record`]: read an account through the product API (GET only) into a fixture file the
//!   mock serves as it is (`postproxy-mock record`).

pub mod record;
