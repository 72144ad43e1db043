//! The integration tests of the `postproxy-mock` crate, one test binary:
//!
//! - `cli`, `connections`: the program serving (flags, startup output, shutdown, connection
//!   floods).
//! - `contract`: the spec as a contract (the OpenAPI 3.0 translation, statuses, content types,
//!   and the request side: routes, parameters, bodies).
//! - `verify`, `verify_cli`: `postproxy-mock verify` against the mock itself, against stub
//!   upstreams that drift on purpose (`support::drift`), and against bad upstreams; through
//!   the Rust API and through the program.
//! - `record`: `postproxy-mock record`, an account read into a fixture and served back by a
//!   second mock with the same answers.
//! - `proxy`: `postproxy-mock proxy` in front of the mock and of the drifting stub, its control
//!   API, `--record`, and the program.
//! - `tls`: `verify` and `proxy` against the mock behind HTTPS, with a certificate authority
//!   made for the test (the `tls` feature).

mod cli;
mod connections;
mod contract;
mod proxy;
mod record;
mod support;
#[cfg(feature = "tls")]
mod tls;
mod verify;
mod verify_cli;
