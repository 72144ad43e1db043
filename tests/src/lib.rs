//! End-to-end tests live in `tests/`; this crate has no library code of its own.
//!
//! It does hold one thing for `cargo test`: the repository's README and every page of the
//! `docs/` guide with a Rust block, each as the documentation of one item, so that rustdoc
//! compiles every Rust block of those pages as a doctest (and runs those not marked `no_run`).
//! The pages show plain, complete programs (no hidden `#` lines, which GitHub and crates.io
//! would print), and a drifted example fails the tests. `tests/it/doc_links.rs` fails when a
//! page of `docs/` has a Rust block and no item here.

#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;

#[cfg(doctest)]
#[doc = include_str!("../../docs/mock-server.md")]
pub struct MockServerDoctests;

#[cfg(doctest)]
#[doc = include_str!("../../docs/control-api.md")]
pub struct ControlApiDoctests;

#[cfg(doctest)]
#[doc = include_str!("../../docs/client.md")]
pub struct ClientDoctests;

#[cfg(doctest)]
#[doc = include_str!("../../docs/verify-record-proxy.md")]
pub struct VerifyRecordProxyDoctests;
