//! The mock server's generated axum layer, `crates/postproxy-mock-server/src/generated.rs`: one
//! trait method per operation, typed inputs, one response enum per operation whose variants are
//! the documented statuses, a router, and the table of operations.
//!
//! Works from the raw spec value, read through [`crate::spec`] after [`crate::lint`] has checked
//! it: every body is a `$ref` to a component schema, every status is explicit, every parameter
//! has a scalar schema. It imports nothing from the lint.
//!
//! Two halves. `collect.rs` reads the spec into `Op`s; then one emitter per artefact of the
//! file turns them into tokens, as rust-analyzer's xtask codegen does. In file order:
//!
//! | artefact                                      | file           | emitter                  |
//! |-----------------------------------------------|----------------|--------------------------|
//! | `Operation` and `OPERATIONS`                  | `params.rs`    | [`emit_operation_table`] |
//! | per operation: `…Path`, `…Query`, `…Headers`  | `params.rs`    | [`emit_params`]          |
//! | per operation: `From<ApiError> for …Response` | `responses.rs` | [`emit_from_api_error`]  |
//! | per operation: `…Response`, its `IntoResponse`| `responses.rs` | [`emit_response_enum`]   |
//! | the `PostproxyApi` trait                      | `service.rs`   | [`emit_trait`]           |
//! | `router`                                      | `service.rs`   | [`emit_router`]          |
//! | `mod handlers`                                | `service.rs`   | [`emit_handlers`]        |
//!
//! [`generate`] chains them; `lib.rs` formats the result under the "do not edit" header. The
//! generated code names the mock crate's hand-written runtime (errors, extractors, response
//! helpers) through one module only, `crate::rt` (see [`rt`]), which imports nothing else of the
//! crate: an implementation of the trait depends on that small runtime, not on the mock.

mod collect;
mod params;
mod responses;
mod service;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::Value;

use collect::collect;
use params::{emit_operation_table, emit_params};
use responses::{emit_from_api_error, emit_response_enum};
use service::{emit_handlers, emit_router, emit_trait};

/// The name of the generated trait (dropshot style: one trait per API).
pub(super) const TRAIT_NAME: &str = "PostproxyApi";

/// The parameter locations, each with the suffix of its struct's name, in the order the
/// structs are emitted and the trait method takes them.
pub(super) const LOCATIONS: [(&str, &str); 3] =
    [("path", "Path"), ("query", "Query"), ("header", "Headers")];

/// A name from the mock crate's hand-written runtime (errors, extractors, response helpers).
/// The generated code reaches all of them through this one module, `crate::rt`, which exports
/// exactly the names emitted here.
pub(super) fn rt(name: &str) -> TokenStream {
    let name = format_ident!("{name}");
    quote! { crate::rt::#name }
}

pub(super) fn doc_attr(text: &str) -> TokenStream {
    // One attribute per line keeps the generated file readable.
    let lines = text.lines().map(|l| {
        let l = if l.is_empty() {
            String::new()
        } else {
            format!(" {l}")
        };
        quote! { #[doc = #l] }
    });
    quote! { #(#lines)* }
}

/// Generates the mock server's `generated.rs` token stream. `path_order` lists the paths as
/// the spec file orders them (a JSON value has lost that order).
pub fn generate(doc: &Value, path_order: &[String]) -> Result<TokenStream, String> {
    let ops = collect(doc, path_order)?;
    let title = doc
        .get("info")
        .and_then(|i| i.get("title"))
        .and_then(Value::as_str)
        .unwrap_or("the API");
    let table = emit_operation_table(&ops);
    let types = ops
        .iter()
        .map(|op| {
            let params = LOCATIONS
                .iter()
                .filter_map(|(location, suffix)| emit_params(op, location, suffix));
            let from_error = emit_from_api_error(op)?;
            let response = emit_response_enum(op);
            Ok(quote! { #(#params)* #from_error #response })
        })
        .collect::<Result<Vec<_>, String>>()?;
    let api_trait = emit_trait(title, &ops);
    let router = emit_router(&ops);
    let handlers = emit_handlers(&ops);
    Ok(quote! {
        #table
        #(#types)*
        #api_trait
        #router
        #handlers
    })
}
