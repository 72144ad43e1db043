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
        let idempotency = match &op.idempotency {
            Some(i) => {
                let (header, query) = (&i.header, &i.query);
                let max = Literal::usize_unsuffixed(i.max_length as usize);
                quote! {
                    ::std::option::Option::Some(Idempotency {
                        header: #header,
                        max_length: #max,
                        query: &[#(#query),*],
                    })
                }
            }
            None => quote! { ::std::option::Option::None },
        };
        quote! {
            Operation {
                operation_id: #id,
                method: #method_upper,
                path: #p,
                summary: #summary,
                statuses: &[#(#statuses),*],
                idempotency: #idempotency,
            },
        }
    });
    // The typed body of each operation that honours Idempotency-Key and takes one: its
    // fingerprint is the body as the model reads it.
    let canonical_arms = ops
        .iter()
        .filter(|op| op.idempotency.is_some())
        .filter_map(|op| {
            let (id, body) = (&op.id, op.body.as_ref()?);
            Some(quote! {
                #id => ::serde_json::from_slice::<::postproxy_models::#body>(body)
                    .ok()
                    .and_then(|model| ::serde_json::to_string(&model).ok()),
            })
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
            /// How it honours `Idempotency-Key`, if it does.
            pub idempotency: ::std::option::Option<Idempotency>,
        }

        /// What an operation that honours `Idempotency-Key` says of it: a request with the same
        /// key and the same fingerprint (the operation, its path, these query parameters and its
        /// body as the model reads it) is the same request.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub struct Idempotency {
            /// The header's name.
            pub header: &'static str,
            /// The longest key accepted, in characters.
            pub max_length: usize,
            /// The query parameters the fingerprint covers; an empty value counts as absent.
            pub query: &'static [&'static str],
        }

        /// Every operation of the spec, in spec order.
        pub const OPERATIONS: [Operation; #op_count] = [#(#rows)*];

        impl Operation {
            /// The operation `method` and `path` (no query) call, if the spec has one.
            pub fn find(method: &str, path: &str) -> ::std::option::Option<&'static Operation> {
                OPERATIONS.iter().find(|op| op.method == method && op.matches(path))
            }

            /// Whether `path` fits this operation's path template (a `{param}` segment takes
            /// any one non-empty segment).
            pub fn matches(&self, path: &str) -> bool {
                let mut template = self.path.split('/');
                let mut given = path.split('/');
                loop {
                    match (template.next(), given.next()) {
                        (::std::option::Option::None, ::std::option::Option::None) => return true,
                        (::std::option::Option::Some(t), ::std::option::Option::Some(g))
                            if t == g || (t.starts_with('{') && !g.is_empty()) => {}
                        _ => return false,
                    }
                }
            }

            /// A request body of this operation as its model reads it (whitespace, key order and
            /// unknown fields left out): what an `Idempotency-Key`'s fingerprint covers. `None`
            /// for an operation without a body or a body the model does not read (the operation
            /// then answers 400).
            pub fn canonical_body(&self, body: &[u8]) -> ::std::option::Option<::std::string::String> {
                match self.operation_id {
                    #(#canonical_arms)*
                    _ => ::std::option::Option::None,
                }
            }
        }
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
