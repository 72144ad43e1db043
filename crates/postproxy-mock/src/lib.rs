//! What the `postproxy-mock` program does besides serving, as a Rust API (serving is the
//! `postproxy-mock-server` library).
//!
//! - [`record`]: read an account through the product API (GET only) into a fixture file the
//!   mock serves as it is (`postproxy-mock record`).
//! - [`verify`]: a contract check of a Postproxy service (the real one, or any mock) against
//!   the spec (`postproxy-mock verify`).
//! - [`proxy`]: a validating proxy in front of a Postproxy service, which forwards every request
//!   and answer unchanged and reports each that breaks the spec; it can record what passes
//!   through into a fixture (`postproxy-mock proxy`).
//! - [`contract`]: the spec as a contract, which verify and the proxy check against: the
//!   operation a request is for and what it must send, the statuses an operation documents and
//!   the JSON Schema of each body.

pub mod contract;
pub mod proxy;
pub mod record;
pub mod verify;
