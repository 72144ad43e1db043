//! What the `postproxy-mock` program does besides serving, as a Rust API (serving is the
//! `postproxy-mock-server` library).
//!
//! - [`record`]: read an account through the product API (GET only) into a fixture file the
//!   mock serves as it is (`postproxy-mock record`).
//! - [`verify`]: a contract check of a Postproxy service (the real one, or any mock) against
//!   the spec (`postproxy-mock verify`).
//! - [`contract`]: the spec as a contract, which verify checks each answer against: the
//!   statuses an operation documents and the JSON Schema of each body.

pub mod contract;
pub mod record;
pub mod verify;
