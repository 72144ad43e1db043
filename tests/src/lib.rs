//! End-to-end tests live in `tests/`; this crate has no library code of its own.
//!
//! It does hold one thing for `cargo test`: the repository's README as documentation, so that
//! rustdoc compiles every Rust block of the README as a doctest (and runs those not marked
//! `no_run`). The README shows plain, complete programs (no hidden `#` lines, which GitHub
//! and crates.io would print), and a drifted example fails the tests.

#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;
