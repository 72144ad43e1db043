//! The control plane's per-account tools around product requests: armed [`faults`] and the
//! request [`journal`]. Each account owns one of each; `crate::http::middleware` consults them
//! once per request. Both match request paths in the one dialect of [`pattern`].

pub mod faults;
pub mod journal;
pub mod pattern;
