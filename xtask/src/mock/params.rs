//! The table of operations, and the typed inputs (`…Path`, `…Query`, `…Headers`).

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use super::collect::{Op, Param};
use super::{doc_attr, rt};

/// `Operation` and `OPERATIONS`, the table of what the spec documents.
pub(super) fn emit_operation_table(ops: &[Op]) -> TokenStream {
    let op_count = ops.len();
    let rows = ops.iter().map(|op| {
        let method_upper = op.method.to_uppercase();
        let summary = op.doc.lines().next().unwrap_or("").to_string();
        let (id, p) = (&op.id, &op.path);
        let statuses = op
            .responses
            .iter()
            .map(|r| Literal::u16_unsuffixed(r.status));
        quote! {
            Operation {
                operation_id: #id,
                method: #method_upper,
                path: #p,
                summary: #summary,
                statuses: &[#(#statuses),*],
            },
        }
    });
    quote! {
        /// An operation the spec documents.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub struct Operation {
            /// The spec's `operationId`, also the trait method's name.
            pub operation_id: &'static str,
            /// The HTTP method, upper case.
            pub method: &'static str,
            /// The path template, with `{param}` segments.
            pub path: &'static str,
            /// The operation's summary.
            pub summary: &'static str,
            /// Every status the spec documents for it, ascending.
            pub statuses: &'static [u16],
        }

        /// Every operation of the spec, in spec order.
        pub const OPERATIONS: [Operation; #op_count] = [#(#rows)*];
    }
}

/// The struct of an operation's parameters in `location` (`…Path`, `…Query`, `…Headers`), if
/// it has one.
pub(super) fn emit_params(op: &Op, location: &str, suffix: &str) -> Option<TokenStream> {
    if !op.has_params_struct(location) {
        return None;
    }
    let name = op.type_name(suffix);
    let struct_doc = doc_attr(&format!("{suffix} parameters of `{}`.", op.id));
    let params: Vec<&Param> = op.params_in(location).collect();
    // `Default` when nothing is required.
    let default = params
        .iter()
        .all(|p| !p.required)
        .then(|| quote! { Default, });
    Some(if location == "header" {
        // Headers are read by `from_headers`, not serde, so they carry no serde attributes.
        let fields = params.iter().map(|p| param_field(p, false));
        let reads = params.iter().map(|p| header_read(p));
        let names = params.iter().map(|p| &p.rust);
        let api_error = rt("ApiError");
        quote! {
            #struct_doc
            #[derive(Debug, Clone, #default PartialEq, Eq)]
            pub struct #name { #(#fields)* }

            impl #name {
                /// Reads the documented headers, rejecting values the spec does not allow.
                pub fn from_headers(headers: &::axum::http::HeaderMap) -> ::std::result::Result<Self, #api_error> {
                    #(#reads)*
                    ::std::result::Result::Ok(Self { #(#names),* })
                }
            }
        }
    } else {
        let fields = params.iter().map(|p| param_field(p, true));
        quote! {
            #struct_doc
            #[derive(Debug, Clone, #default PartialEq, ::serde::Deserialize)]
            pub struct #name { #(#fields)* }
        }
    })
}

/// A parameter struct's field; `serde` adds the rename and default attributes.
pub(super) fn param_field(p: &Param, serde: bool) -> TokenStream {
    let doc = doc_attr(&p.description);
    let rust = &p.rust;
    let ty = &p.ty;
    let rename = (serde && *rust != p.name).then(|| {
        let n = &p.name;
        quote! { #[serde(rename = #n)] }
    });
    let default = (serde && !p.required).then(|| quote! { #[serde(default)] });
    if p.required {
        quote! { #doc #rename pub #rust: #ty, }
    } else {
        quote! { #doc #rename #default pub #rust: ::std::option::Option<#ty>, }
    }
}

/// `from_headers`' reading of one header into a local of the field's name.
pub(super) fn header_read(p: &Param) -> TokenStream {
    let rust = &p.rust;
    let name = &p.name;
    let max = match p.max_length {
        Some(n) => {
            let n = Literal::u64_unsuffixed(n);
            quote! { ::std::option::Option::Some(#n) }
        }
        None => quote! { ::std::option::Option::None },
    };
    let header_param = rt("header_param");
    let value = quote! { #header_param(headers, #name, #max)? };
    if p.required {
        let api_error = rt("ApiError");
        quote! {
            let #rust = #value.ok_or_else(|| #api_error::bad_request(
                ::std::format!("Missing header {}", #name),
            ))?;
        }
    } else {
        quote! { let #rust = #value; }
    }
}
