//! The only module the generated code (`generated.rs`) names: the runtime it calls, re-exported.

pub use super::error::{method_not_allowed, not_found, ApiError};
pub use super::extract::{header_param, ApiJson, ApiPath, ApiQuery, RequestContext};
pub use super::respond::{json, prepared, set_header, Prepared};
