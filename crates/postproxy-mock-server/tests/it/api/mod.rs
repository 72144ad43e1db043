//! Every operation of the mock over HTTP, one module per topic: auth and scoping, profiles,
//! stats, groups, connections, idempotency, how requests are read, the reference's examples and
//! the spec's own choices.

mod assign;
mod auth;
mod connections;
mod daily;
mod groups;
mod ice_breakers;
mod idempotency;
mod profiles;
mod reference_examples;
mod requests;
mod sdk_fields;
mod spec_choices;
mod stats;

/// initialize_connection on the demo's Main Brand group.
const INIT: &str = "/api/profile_groups/grp123abc/initialize_connection";
