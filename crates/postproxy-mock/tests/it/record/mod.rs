//! `postproxy-mock record`: an account read into a fixture, served back by a second mock with
//! the same answers. The upstream is an in-process mock (the demo data, or a fixture with
//! every kind of object) or a scripted stub on loopback; nothing leaves the machine.

mod binary;
mod failures;
mod round_trip;
pub(crate) mod support;
