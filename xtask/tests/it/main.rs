//! xtask's integration tests, one test binary (linked once): each file a module.

mod dist;
mod help;
mod regen;
