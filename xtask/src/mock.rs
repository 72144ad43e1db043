//! The mock server's generated axum layer: one trait method per operation, typed inputs, one
//! response enum per operation whose variants are the documented statuses, a router, and the
//! table of operations.
//!
//! Works from the raw spec value, which `lint` has already checked: every body is a `$ref` to a
//! component schema, every status is explicit, every parameter has a scalar schema.

use heck::{ToSnakeCase, ToUpperCamelCase};
use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};
use serde_json::Value;

use crate::spec::{deref, operation_params, operations};

/// The name of the generated trait (dropshot style: one trait per API).
const TRAIT_NAME: &str = "PostproxyApi";

struct Param {
    name: String,
    rust: syn::Ident,
    location: String,
    required: bool,
    ty: TokenStream,
    description: String,
    max_length: Option<u64>,
}

struct ResponseVariant {
    status: u16,
    variant: syn::Ident,
    description: String,
    body: Option<syn::Ident>,
    headers: Vec<(String, syn::Ident, TokenStream)>,
}

struct Op {
    id: String,
    method: String,
    path: String,
    doc: String,
    params: Vec<Param>,
    body: Option<syn::Ident>,
    responses: Vec<ResponseVariant>,
}

fn str_of<'a>(v: &'a Value, key: &str) -> &'a str {
    v.get(key).and_then(Value::as_str).unwrap_or("")
}

/// The component type a content holder (`requestBody`, response) refers to.
fn content_type(holder: &Value) -> Option<syn::Ident> {
    let reference = holder
        .get("content")?
        .get("application/json")?
        .get("schema")?
        .get("$ref")?
        .as_str()?;
    let name = reference.strip_prefix("#/components/schemas/")?;
    Some(format_ident!("{}", name.to_upper_camel_case()))
}

fn scalar_type(schema: &Value) -> Result<TokenStream, String> {
    Ok(match str_of(schema, "type") {
        "string" => quote! { ::std::string::String },
        "integer" => quote! { i64 },
        "number" => quote! { f64 },
        "boolean" => quote! { bool },
        other => return Err(format!("unsupported parameter type `{other}`")),
    })
}

fn collect(doc: &Value, path_order: &[String]) -> Result<Vec<Op>, String> {
    let paths = doc
        .get("paths")
        .and_then(Value::as_object)
        .ok_or("the spec has no paths")?;
    let mut ops = Vec::new();
    for path in path_order {
        let Some(item) = paths.get(path) else {
            continue;
        };
        for (method, op) in operations(item) {
            let id = str_of(op, "operationId").to_string();
            let err = |m: String| format!("operation `{id}`: {m}");
            let summary = str_of(op, "summary");
            let description = str_of(op, "description").trim();
            let doc_text = if description.is_empty() {
                summary.to_string()
            } else {
                format!("{summary}\n\n{description}")
            };

            let mut params = Vec::new();
            for p in operation_params(item, op) {
                let p = deref(doc, p);
                let name = str_of(p, "name").to_string();
                let schema = deref(doc, p.get("schema").unwrap_or(&Value::Null));
                let location = str_of(p, "in").to_string();
                params.push(Param {
                    rust: format_ident!("{}", name.to_snake_case()),
                    required: location == "path" || p.get("required") == Some(&Value::Bool(true)),
                    ty: scalar_type(schema).map_err(err)?,
                    description: str_of(p, "description").trim().to_string(),
                    max_length: schema.get("maxLength").and_then(Value::as_u64),
                    name,
                    location,
                });
            }

            let body = match op.get("requestBody") {
                Some(b) => Some(
                    content_type(deref(doc, b))
                        .ok_or_else(|| err("request body has no JSON schema".into()))?,
                ),
                None => None,
            };

            let mut responses = Vec::new();
            let map = op
                .get("responses")
                .and_then(Value::as_object)
                .ok_or_else(|| err("no responses".into()))?;
            for (status, response) in map {
                let status: u16 = status
                    .parse()
                    .map_err(|_| err(format!("status `{status}` is not a number")))?;
                let code = http::StatusCode::from_u16(status).map_err(|e| err(e.to_string()))?;
                let reason = code
                    .canonical_reason()
                    .ok_or_else(|| err(format!("status {status} has no standard name")))?;
                let response = deref(doc, response);
                let mut headers = Vec::new();
                if let Some(hs) = response.get("headers").and_then(Value::as_object) {
                    for (name, h) in hs {
                        let h = deref(doc, h);
                        let schema = deref(doc, h.get("schema").unwrap_or(&Value::Null));
                        let ty = match str_of(schema, "type") {
                            "integer"
                                if schema.get("minimum").and_then(Value::as_i64) >= Some(0) =>
                            {
                                quote! { u64 }
                            }
                            "integer" => quote! { i64 },
                            "string" => quote! { ::std::string::String },
                            other => {
                                return Err(err(format!(
                                    "response header `{name}` has unsupported type `{other}`"
                                )))
                            }
                        };
                        headers.push((name.clone(), format_ident!("{}", name.to_snake_case()), ty));
                    }
                }
                responses.push(ResponseVariant {
                    status,
                    variant: format_ident!("{}", reason.to_upper_camel_case()),
                    description: str_of(response, "description").trim().to_string(),
                    body: content_type(response),
                    headers,
                });
            }
            responses.sort_by_key(|r| r.status);

            ops.push(Op {
                id,
                method: method.to_string(),
                path: path.clone(),
                doc: doc_text,
                params,
                body,
                responses,
            });
        }
    }
    Ok(ops)
}

fn doc_attr(text: &str) -> TokenStream {
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

fn params_struct(op: &Op, location: &str, suffix: &str) -> Option<(syn::Ident, TokenStream)> {
    let params: Vec<&Param> = op
        .params
        .iter()
        .filter(|p| p.location == location)
        .collect();
    // Every operation gets a query struct, even an empty one, so adding an optional query
    // parameter to the spec adds a field rather than changing the trait method's signature.
    if params.is_empty() && location != "query" {
        return None;
    }
    let name = format_ident!("{}{suffix}", op.id.to_upper_camel_case());
    let struct_doc = doc_attr(&format!("{suffix} parameters of `{}`.", op.id));
    // Headers are read by `from_headers`, not serde, so they carry no serde attributes.
    let serde = location != "header";
    let fields = params.iter().map(|p| {
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
    });
    let all_optional = params.iter().all(|p| !p.required);
    let default = all_optional.then(|| quote! { Default, });
    let code = if location == "header" {
        let reads = params.iter().map(|p| {
            let rust = &p.rust;
            let name = &p.name;
            let max = match p.max_length {
                Some(n) => {
                    let n = Literal::u64_unsuffixed(n);
                    quote! { ::std::option::Option::Some(#n) }
                }
                None => quote! { ::std::option::Option::None },
            };
            let value = quote! { crate::extract::header_param(headers, #name, #max)? };
            if p.required {
                quote! {
                    let #rust = #value.ok_or_else(|| crate::error::ApiError::bad_request(
                        ::std::format!("Missing header {}", #name),
                    ))?;
                }
            } else {
                quote! { let #rust = #value; }
            }
        });
        let names = params.iter().map(|p| &p.rust);
        quote! {
            #struct_doc
            #[derive(Debug, Clone, #default PartialEq, Eq)]
            pub struct #name { #(#fields)* }

            impl #name {
                /// Reads the documented headers, rejecting values the spec does not allow.
                pub fn from_headers(headers: &::axum::http::HeaderMap) -> ::std::result::Result<Self, crate::error::ApiError> {
                    #(#reads)*
                    ::std::result::Result::Ok(Self { #(#names),* })
                }
            }
        }
    } else {
        quote! {
            #struct_doc
            #[derive(Debug, Clone, #default PartialEq, ::serde::Deserialize)]
            pub struct #name { #(#fields)* }
        }
    };
    Some((name, code))
}

/// Generates the mock server's `generated.rs` token stream. `path_order` lists the paths as
/// the spec file orders them (a JSON value has lost that order).
pub fn generate(doc: &Value, path_order: &[String]) -> Result<TokenStream, String> {
    let ops = collect(doc, path_order)?;
    let trait_name = format_ident!("{TRAIT_NAME}");

    let mut items = Vec::new();
    let mut trait_methods = Vec::new();
    let mut handlers = Vec::new();
    let mut table = Vec::new();

    for op in &ops {
        let camel = op.id.to_upper_camel_case();
        let fn_name = format_ident!("{}", op.id);
        let response = format_ident!("{camel}Response");

        let path = params_struct(op, "path", "Path");
        let query = params_struct(op, "query", "Query");
        let headers = params_struct(op, "header", "Headers");
        for (_, code) in [&path, &query, &headers].into_iter().flatten() {
            items.push(code.clone());
        }

        // Response enum.
        let variants = op.responses.iter().map(|r| {
            let doc = doc_attr(&format!("{}: {}", r.status, r.description));
            let v = &r.variant;
            match (&r.body, r.headers.is_empty()) {
                (Some(body), true) => quote! { #doc #v(::postproxy_models::#body), },
                (None, true) => quote! { #doc #v, },
                (body, false) => {
                    let body = body
                        .iter()
                        .map(|b| quote! { body: ::postproxy_models::#b, });
                    let hs = r.headers.iter().map(|(name, rust, ty)| {
                        let d = format!(" The `{name}` header.");
                        quote! { #[doc = #d] #rust: ::std::option::Option<#ty>, }
                    });
                    quote! { #doc #v { #(#body)* #(#hs)* }, }
                }
            }
        });
        let status_arms = op.responses.iter().map(|r| {
            let v = &r.variant;
            let code = Literal::u16_unsuffixed(r.status);
            let pattern = match (&r.body, r.headers.is_empty()) {
                (Some(_), true) => quote! { Self::#v(..) },
                (None, true) => quote! { Self::#v },
                _ => quote! { Self::#v { .. } },
            };
            quote! { #pattern => #code, }
        });
        let into_arms = op.responses.iter().map(|r| {
            let v = &r.variant;
            let code = Literal::u16_unsuffixed(r.status);
            let status = quote! { ::axum::http::StatusCode::from_u16(#code).expect("documented status") };
            match (&r.body, r.headers.is_empty()) {
                (Some(_), true) => quote! { Self::#v(body) => crate::respond::json(#status, &body), },
                (None, true) => quote! { Self::#v => #status.into_response(), },
                (body, false) => {
                    let bind_body = body.as_ref().map(|_| quote! { body, });
                    let build = if body.is_some() {
                        quote! { crate::respond::json(#status, &body) }
                    } else {
                        quote! { #status.into_response() }
                    };
                    let names: Vec<_> = r.headers.iter().map(|(_, rust, _)| rust).collect();
                    let sets = r.headers.iter().map(|(name, rust, _)| {
                        let lower = name.to_lowercase();
                        quote! {
                            if let ::std::option::Option::Some(value) = #rust {
                                crate::respond::set_header(&mut response, #lower, &value.to_string());
                            }
                        }
                    });
                    quote! {
                        Self::#v { #bind_body #(#names),* } => {
                            let mut response = #build;
                            #(#sets)*
                            response
                        }
                    }
                }
            }
        });
        // `From<ApiError>`: an error maps to the variant documented for its status, derived
        // from the spec so an implementation never keeps its own list; an undocumented status
        // becomes the documented 500. Only for enums whose errors carry the `Error` schema,
        // which is what `ApiError` serialises to.
        let error_variants: Vec<&ResponseVariant> = op
            .responses
            .iter()
            .filter(|r| r.status >= 400 && r.body.as_ref().is_some_and(|b| b == "Error"))
            .collect();
        let construct = |r: &ResponseVariant| {
            let v = &r.variant;
            if r.headers.is_empty() {
                quote! { Self::#v(error.body()) }
            } else {
                let hs = r
                    .headers
                    .iter()
                    .map(|(_, rust, _)| quote! { #rust: ::std::option::Option::None, });
                quote! { Self::#v { body: error.body(), #(#hs)* } }
            }
        };
        if let Some(fallback) = error_variants.iter().find(|r| r.status == 500) {
            let arms = error_variants.iter().filter(|r| r.status != 500).map(|r| {
                let code = Literal::u16_unsuffixed(r.status);
                let build = construct(r);
                quote! { #code => #build, }
            });
            let fallback = construct(fallback);
            items.push(quote! {
                impl ::std::convert::From<crate::error::ApiError> for #response {
                    fn from(error: crate::error::ApiError) -> Self {
                        match error.status().as_u16() {
                            #(#arms)*
                            _ => #fallback,
                        }
                    }
                }
            });
        }
        let statuses: Vec<_> = op
            .responses
            .iter()
            .map(|r| Literal::u16_unsuffixed(r.status))
            .collect();
        let enum_doc = doc_attr(&format!(
            "The responses `{}` may give: one variant per status the spec documents.",
            op.id
        ));
        items.push(quote! {
            #enum_doc
            #[derive(Debug, Clone, PartialEq)]
            pub enum #response { #(#variants)* }

            impl #response {
                /// The HTTP status of this response.
                pub fn status(&self) -> u16 {
                    match self { #(#status_arms)* }
                }
            }

            impl ::axum::response::IntoResponse for #response {
                fn into_response(self) -> ::axum::response::Response {
                    #[allow(unused_imports)]
                    use ::axum::response::IntoResponse as _;
                    match self { #(#into_arms)* }
                }
            }
        });

        // Trait method and handler.
        let mut args = vec![quote! { ctx: crate::extract::RequestContext }];
        let mut call = vec![quote! { ctx }];
        let mut extractors = vec![
            quote! { ::axum::extract::State(api): ::axum::extract::State<::std::sync::Arc<A>> },
            quote! { ctx: crate::extract::RequestContext },
        ];
        let mut prelude = Vec::new();
        if let Some((name, _)) = &path {
            args.push(quote! { path: #name });
            call.push(quote! { path });
            extractors
                .push(quote! { crate::extract::ApiPath(path): crate::extract::ApiPath<#name> });
        }
        if let Some((name, _)) = &query {
            args.push(quote! { query: #name });
            call.push(quote! { query });
            extractors
                .push(quote! { crate::extract::ApiQuery(query): crate::extract::ApiQuery<#name> });
        }
        if let Some((name, _)) = &headers {
            args.push(quote! { headers: #name });
            call.push(quote! { headers });
            extractors.push(quote! { header_map: ::axum::http::HeaderMap });
            prelude.push(quote! {
                let headers = match #name::from_headers(&header_map) {
                    ::std::result::Result::Ok(headers) => headers,
                    ::std::result::Result::Err(error) => return error.into_response(),
                };
            });
        }
        if let Some(body) = &op.body {
            args.push(quote! { body: ::postproxy_models::#body });
            call.push(quote! { body });
            // The body extractor consumes the request, so it comes last.
            extractors.push(quote! { crate::extract::ApiJson(body): crate::extract::ApiJson<::postproxy_models::#body> });
        }
        let method_doc = doc_attr(&format!(
            "`{} {}`: {}",
            op.method.to_uppercase(),
            op.path,
            op.doc
        ));
        trait_methods.push(quote! {
            #method_doc
            fn #fn_name(&self, #(#args),*) -> impl ::std::future::Future<Output = #response> + Send;
        });
        handlers.push(quote! {
            pub(super) async fn #fn_name<A: super::#trait_name>(#(#extractors),*) -> ::axum::response::Response {
                #(#prelude)*
                api.#fn_name(#(#call),*).await.into_response()
            }
        });

        let method_upper = op.method.to_uppercase();
        let summary = op.doc.lines().next().unwrap_or("").to_string();
        let (id, p) = (&op.id, &op.path);
        table.push(quote! {
            Operation {
                operation_id: #id,
                method: #method_upper,
                path: #p,
                summary: #summary,
                statuses: &[#(#statuses),*],
            },
        });
    }

    // Routes: one per path, chaining its methods.
    let mut routes = Vec::new();
    // `ops` lists each path's operations together (see `collect`).
    for same_path in ops.chunk_by(|a, b| a.path == b.path) {
        let mut chain = Vec::new();
        for (i, o) in same_path.iter().enumerate() {
            let m = format_ident!("{}", o.method);
            let h = format_ident!("{}", o.id);
            chain.push(if i == 0 {
                quote! { ::axum::routing::#m(handlers::#h::<A>) }
            } else {
                quote! { .#m(handlers::#h::<A>) }
            });
        }
        let p = &same_path[0].path;
        routes.push(quote! { .route(#p, #(#chain)*) });
    }

    let op_count = ops.len();
    let title = doc
        .get("info")
        .and_then(|i| i.get("title"))
        .and_then(Value::as_str)
        .unwrap_or("the API");
    let trait_doc = doc_attr(&format!(
        "{title}: one method per operation of the spec.\n\n\
         Implement it and serve it with [`router`]. Inputs arrive already extracted and typed;\n\
         a request the extractors reject never reaches the trait. Each method returns that\n\
         operation's response enum, so an implementation can only answer documented statuses."
    ));
    let ops_const = format_ident!("OPERATIONS");

    Ok(quote! {
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
        pub const #ops_const: [Operation; #op_count] = [#(#table)*];

        #(#items)*

        #trait_doc
        pub trait #trait_name: Send + Sync + 'static {
            #(#trait_methods)*
        }

        /// The API's routes, each extracting its typed inputs and calling `api`.
        ///
        /// Unknown routes are answered 404 and known paths with an unsupported method 405, both
        /// with the JSON error body.
        pub fn router<A: #trait_name>(api: ::std::sync::Arc<A>) -> ::axum::Router {
            ::axum::Router::new()
                #(#routes)*
                .fallback(crate::error::not_found)
                .method_not_allowed_fallback(crate::error::method_not_allowed)
                .with_state(api)
        }

        mod handlers {
            use ::axum::response::IntoResponse as _;
            #[allow(unused_imports)]
            use super::*;
            #(#handlers)*
        }
    })
}
