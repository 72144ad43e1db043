//! The product API: the thin handlers implementing the generated trait over the domain
//! (`handlers.rs`), and the borrowed views they serialise stored rows through (`views.rs`).

use std::sync::Arc;

use crate::domain::auth::Principal;

pub mod handlers;
mod views;

/// Who is calling, as the request's path (`crate::service::path`) found the key, once per
/// request (a request extension): `None` for a missing or unknown key.
#[derive(Debug, Clone)]
pub(crate) struct Caller(pub(crate) Option<Arc<Principal>>);
