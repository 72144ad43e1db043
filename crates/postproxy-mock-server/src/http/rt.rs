//! The only module the generated code (`generated.rs`) names: the runtime it calls, re-exported.

pub use crate::error::{method_not_allowed, not_found, ApiError};
pub use crate::extract::{header_param, ApiJson, ApiPath, ApiQuery, RequestContext};
pub use crate::respond::{json, set_header};
