//! The control API, through the typed wrapper and over plain HTTP, one module per tag: accounts,
//! state, clock, faults, journal and connections; and its own bad input and documents.

mod accounts;
mod bad_input;
mod clock;
mod connections;
mod docs;
mod faults;
mod journal;
mod state;
