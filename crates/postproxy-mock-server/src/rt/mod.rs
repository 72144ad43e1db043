//! The runtime the generated layer (`crate::generated`) names, and the only module it names:
//! the spec's error body ([`ApiError`]), the extractors of typed inputs and the request context,
//! and the response helpers. It imports nothing of the crate but [`crate::limits`], so an
//! implementation of [`crate::PostproxyApi`] depends on these few types, not on the mock
//! behind them (a test in this module checks the imports).

mod error;
mod extract;
mod respond;

pub use error::{method_not_allowed, not_found, ApiError};
pub use extract::{bearer_token, header_param, ApiJson, ApiPath, ApiQuery, RequestContext};
pub use respond::{json, prepared, set_header, Prepared};

pub(crate) use error::json_bytes;
pub(crate) use extract::{read_json, read_json_or, BodyKind};

#[cfg(test)]
mod tests {
    /// The runtime stays separate: its files name no other module of the crate than
    /// `crate::limits` (and each other, as `super::`).
    #[test]
    fn the_runtime_imports_nothing_of_the_mock() {
        let files = [
            ("mod.rs", include_str!("mod.rs")),
            ("error.rs", include_str!("error.rs")),
            ("extract.rs", include_str!("extract.rs")),
            ("respond.rs", include_str!("respond.rs")),
        ];
        for (name, text) in files {
            // Code only: not comments, not the tests below.
            let code = text.split("#[cfg(test)]").next().unwrap_or(text);
            for line in code.lines().filter(|l| !l.trim_start().starts_with("//")) {
                for (at, _) in line.match_indices("crate::") {
                    let rest = &line[at + "crate::".len()..];
                    assert!(
                        rest.starts_with("limits") || rest.starts_with("rt::"),
                        "rt/{name} names the mock: {line}"
                    );
                }
            }
        }
    }
}
