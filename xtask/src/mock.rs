//! The mock server's generated axum layer, `crates/postproxy-mock-server/src/generated.rs`: one
//! trait method per operation, typed inputs, one response enum per operation whose variants are
//! the documented statuses, a router, and the table of operations.
//!
//! Works from the raw spec value, read through [`crate::spec`] after [`crate::lint`] has checked
//! it: every body is a `$ref` to a component schema, every status is explicit, every parameter
//! has a scalar schema. It imports nothing from the lint.
//!
//! Two halves. [`collect`] reads the spec into [`Op`]s; then one emitter per artefact of the
//! file turns them into tokens, as rust-analyzer's xtask codegen does. In file order:
//!
//! | artefact                                          | emitter                   |
//! |---------------------------------------------------|---------------------------|
//! | `Operation` and `OPERATIONS`                      | [`emit_operation_table`]  |
//! | per operation: `…Path`, `…Query`, `…Headers`      | [`emit_params`]           |
//! | per operation: `From<ApiError> for …Response`     | [`emit_from_api_error`]   |
//! | per operation: `…Response`, its `IntoResponse`    | [`emit_response_enum`]    |
//! | the `PostproxyApi` trait                          | [`emit_trait`]            |
//! | `router`                                          | [`emit_router`]           |
//! | `mod handlers`                                    | [`emit_handlers`]         |
//!
//! [`generate`] chains them; `lib.rs` formats the result under the "do not edit" header. The
//! generated code names the mock crate's hand-written runtime (errors, extractors, response
//! helpers) through one module only, `crate::http::rt` (see [`rt`]).

use heck::{ToSnakeCase, ToUpperCamelCase};
use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};
use serde_json::Value;

use crate::spec::{deref, operation_params, operations};

/// The name of the generated trait (dropshot style: one trait per API).
const TRAIT_NAME: &str = "PostproxyApi";

/// The parameter locations, each with the suffix of its struct's name, in the order the
/// structs are emitted and the trait method takes them.
const LOCATIONS: [(&str, &str); 3] = [("path", "Path"), ("query", "Query"), ("header", "Headers")];

// ---------------------------------------------------------------------------------------------
// What the spec says about each operation.

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

impl ResponseVariant {
    /// The `…Prepared` variant of a success with a body and no headers: the same status and
    /// model, the body serialised by the implementation (`crate::http::rt::Prepared`), so it
    /// can serialise what it borrows under its own lock instead of cloning it out.
    fn prepared(&self) -> Option<syn::Ident> {
        let success = (200..300).contains(&self.status);
        (success && self.body.is_some() && self.headers.is_empty())
            .then(|| format_ident!("{}Prepared", self.variant))
    }
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

impl Op {
    fn params_in<'a>(&'a self, location: &'a str) -> impl Iterator<Item = &'a Param> {
        self.params.iter().filter(move |p| p.location == location)
    }

    /// Whether the operation has a struct for `location`. Every operation gets a query struct,
    /// even an empty one, so adding an optional query parameter to the spec adds a field rather
    /// than changing the trait method's signature.
    fn has_params_struct(&self, location: &str) -> bool {
        location == "query" || self.params_in(location).next().is_some()
    }

    /// `GetProfileGroup` + `suffix`.
    fn type_name(&self, suffix: &str) -> syn::Ident {
        format_ident!("{}{suffix}", self.id.to_upper_camel_case())
    }
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

/// Every operation, path by path in `path_order`, each path's methods in
/// [`crate::spec::METHODS`] order.
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
            ops.push(collect_op(doc, path, item, method, op)?);
        }
    }
    Ok(ops)
}

fn collect_op(
    doc: &Value,
    path: &str,
    item: &Value,
    method: &str,
    op: &Value,
) -> Result<Op, String> {
    let id = str_of(op, "operationId").to_string();
    let err = |m: String| format!("operation `{id}`: {m}");
    let summary = str_of(op, "summary");
    let description = str_of(op, "description").trim();
    let doc_text = if description.is_empty() {
        summary.to_string()
    } else {
        format!("{summary}\n\n{description}")
    };
    let params = operation_params(item, op)
        .map(|p| collect_param(doc, p))
        .collect::<Result<_, _>>()
        .map_err(err)?;
    let body = match op.get("requestBody") {
        Some(b) => Some(
            content_type(deref(doc, b))
                .ok_or_else(|| err("request body has no JSON schema".into()))?,
        ),
        None => None,
    };
    let responses = collect_responses(doc, op).map_err(err)?;
    Ok(Op {
        id,
        method: method.to_string(),
        path: path.to_string(),
        doc: doc_text,
        params,
        body,
        responses,
    })
}

fn collect_param(doc: &Value, p: &Value) -> Result<Param, String> {
    let p = deref(doc, p);
    let name = str_of(p, "name").to_string();
    let schema = deref(doc, p.get("schema").unwrap_or(&Value::Null));
    let location = str_of(p, "in").to_string();
    Ok(Param {
        rust: format_ident!("{}", name.to_snake_case()),
        required: location == "path" || p.get("required") == Some(&Value::Bool(true)),
        ty: scalar_type(schema)?,
        description: str_of(p, "description").trim().to_string(),
        max_length: schema.get("maxLength").and_then(Value::as_u64),
        name,
        location,
    })
}

/// The operation's responses, by ascending status.
fn collect_responses(doc: &Value, op: &Value) -> Result<Vec<ResponseVariant>, String> {
    let map = op
        .get("responses")
        .and_then(Value::as_object)
        .ok_or("no responses")?;
    let mut responses = Vec::new();
    for (status, response) in map {
        let status: u16 = status
            .parse()
            .map_err(|_| format!("status `{status}` is not a number"))?;
        let code = http::StatusCode::from_u16(status).map_err(|e| e.to_string())?;
        let reason = code
            .canonical_reason()
            .ok_or_else(|| format!("status {status} has no standard name"))?;
        let response = deref(doc, response);
        let mut headers = Vec::new();
        if let Some(hs) = response.get("headers").and_then(Value::as_object) {
            for (name, h) in hs {
                headers.push(response_header(doc, name, h)?);
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
    Ok(responses)
}

/// A documented response header: its name, its field, its type.
fn response_header(
    doc: &Value,
    name: &str,
    h: &Value,
) -> Result<(String, syn::Ident, TokenStream), String> {
    let h = deref(doc, h);
    let schema = deref(doc, h.get("schema").unwrap_or(&Value::Null));
    let ty = match str_of(schema, "type") {
        "integer" if schema.get("minimum").and_then(Value::as_i64) >= Some(0) => quote! { u64 },
        "integer" => quote! { i64 },
        "string" => quote! { ::std::string::String },
        other => {
            return Err(format!(
                "response header `{name}` has unsupported type `{other}`"
            ))
        }
    };
    Ok((
        name.to_string(),
        format_ident!("{}", name.to_snake_case()),
        ty,
    ))
}

// ---------------------------------------------------------------------------------------------
// The emitters, one per artefact of the generated file.

/// A name from the mock crate's hand-written runtime (errors, extractors, response helpers).
/// The generated code reaches all of them through this one module, `crate::http::rt`, which
/// re-exports exactly the names emitted here: the crate may move its runtime around as long as
/// that module keeps them.
fn rt(name: &str) -> TokenStream {
    let name = format_ident!("{name}");
    quote! { crate::http::rt::#name }
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
    let types = ops.iter().map(|op| {
        let params = LOCATIONS
            .iter()
            .filter_map(|(location, suffix)| emit_params(op, location, suffix));
        let from_error = emit_from_api_error(op);
        let response = emit_response_enum(op);
        quote! { #(#params)* #from_error #response }
    });
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

/// `Operation` and `OPERATIONS`, the table of what the spec documents.
fn emit_operation_table(ops: &[Op]) -> TokenStream {
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
fn emit_params(op: &Op, location: &str, suffix: &str) -> Option<TokenStream> {
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
fn param_field(p: &Param, serde: bool) -> TokenStream {
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
fn header_read(p: &Param) -> TokenStream {
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

/// `From<ApiError>`: an error maps to the variant documented for its status, derived from the
/// spec so an implementation never keeps its own list; an undocumented status becomes the
/// documented 500. Only for enums whose errors carry the `Error` schema, which is what
/// `ApiError` serialises to, and that document a 500.
fn emit_from_api_error(op: &Op) -> Option<TokenStream> {
    let error_variants: Vec<&ResponseVariant> = op
        .responses
        .iter()
        .filter(|r| r.status >= 400 && r.body.as_ref().is_some_and(|b| b == "Error"))
        .collect();
    let fallback = error_variants.iter().find(|r| r.status == 500)?;
    let arms = error_variants.iter().filter(|r| r.status != 500).map(|r| {
        let code = Literal::u16_unsuffixed(r.status);
        let build = error_variant(r);
        quote! { #code => #build, }
    });
    let fallback = error_variant(fallback);
    let response = op.type_name("Response");
    let api_error = rt("ApiError");
    Some(quote! {
        impl ::std::convert::From<#api_error> for #response {
            fn from(error: #api_error) -> Self {
                match error.status().as_u16() {
                    #(#arms)*
                    _ => #fallback,
                }
            }
        }
    })
}

/// An error variant built from `error`, its headers unset.
fn error_variant(r: &ResponseVariant) -> TokenStream {
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
}

/// `…Response`: one variant per documented status, its `status()` and its `IntoResponse`.
fn emit_response_enum(op: &Op) -> TokenStream {
    let response = op.type_name("Response");
    let variants = op.responses.iter().map(response_variant);
    let status_arms = op.responses.iter().map(|r| {
        let v = &r.variant;
        let code = Literal::u16_unsuffixed(r.status);
        let pattern = match (&r.body, r.headers.is_empty()) {
            (Some(_), true) => quote! { Self::#v(..) },
            (None, true) => quote! { Self::#v },
            _ => quote! { Self::#v { .. } },
        };
        let prepared = r.prepared().map(|p| quote! { Self::#p(..) => #code, });
        quote! { #pattern => #code, #prepared }
    });
    let into_arms = op.responses.iter().map(into_response_arm);
    let enum_doc = doc_attr(&format!(
        "The responses `{}` may give: one variant per status the spec documents.",
        op.id
    ));
    quote! {
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
    }
}

/// A response variant: a tuple of the body, a unit, or a struct when it has headers; and for
/// a success with a body, its `…Prepared` twin.
fn response_variant(r: &ResponseVariant) -> TokenStream {
    let doc = doc_attr(&format!("{}: {}", r.status, r.description));
    let v = &r.variant;
    match (&r.body, r.headers.is_empty()) {
        (Some(body), true) => {
            let prepared = r.prepared().map(|p| {
                let doc = doc_attr(&format!(
                    "{}, its body already serialised (see `Prepared`).",
                    r.status
                ));
                let ty = rt("Prepared");
                quote! { #doc #p(#ty<::postproxy_models::#body>), }
            });
            quote! { #doc #v(::postproxy_models::#body), #prepared }
        }
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
}

/// `IntoResponse`'s arm for one variant: the status, the JSON body, the headers that are set.
fn into_response_arm(r: &ResponseVariant) -> TokenStream {
    let v = &r.variant;
    let code = Literal::u16_unsuffixed(r.status);
    let status = quote! { ::axum::http::StatusCode::from_u16(#code).expect("documented status") };
    let json = rt("json");
    match (&r.body, r.headers.is_empty()) {
        (Some(_), true) => {
            let prepared = r.prepared().map(|p| {
                let respond = rt("prepared");
                quote! { Self::#p(body) => #respond(#status, body), }
            });
            quote! { Self::#v(body) => #json(#status, &body), #prepared }
        }
        (None, true) => quote! { Self::#v => #status.into_response(), },
        (body, false) => {
            let bind_body = body.as_ref().map(|_| quote! { body, });
            let build = if body.is_some() {
                quote! { #json(#status, &body) }
            } else {
                quote! { #status.into_response() }
            };
            let names: Vec<_> = r.headers.iter().map(|(_, rust, _)| rust).collect();
            let set_header = rt("set_header");
            let sets = r.headers.iter().map(|(name, rust, _)| {
                let lower = name.to_lowercase();
                quote! {
                    if let ::std::option::Option::Some(value) = #rust {
                        #set_header(&mut response, #lower, &value.to_string());
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
}

/// One typed input of an operation: the trait method's argument, and how its handler gets it.
struct Input {
    /// The argument's name, in the trait method and in the handler's call.
    name: syn::Ident,
    /// The argument's type.
    ty: TokenStream,
    /// The handler's extractor (pattern and type); `None` for what the prelude reads from
    /// another input.
    extractor: Option<TokenStream>,
    /// What the handler does with the extracted value before the call, if anything.
    prelude: Option<TokenStream>,
}

/// An operation's inputs in the trait method's order: the request context, path, query,
/// headers, and the body last (its extractor consumes the request).
fn inputs(op: &Op) -> Vec<Input> {
    let context = rt("RequestContext");
    let mut inputs = vec![Input {
        name: format_ident!("ctx"),
        extractor: Some(quote! { ctx: #context }),
        ty: context,
        prelude: None,
    }];
    for (location, suffix, extract) in [("path", "Path", "ApiPath"), ("query", "Query", "ApiQuery")]
    {
        if op.has_params_struct(location) {
            let (name, ty, extract) = (
                format_ident!("{location}"),
                op.type_name(suffix),
                rt(extract),
            );
            inputs.push(Input {
                extractor: Some(quote! { #extract(#name): #extract<#ty> }),
                name,
                ty: quote! { #ty },
                prelude: None,
            });
        }
    }
    if op.has_params_struct("header") {
        let ty = op.type_name("Headers");
        inputs.push(Input {
            name: format_ident!("headers"),
            // Read from the context, which holds the request's headers: no second copy.
            extractor: None,
            prelude: Some(quote! {
                let headers = match #ty::from_headers(ctx.headers()) {
                    ::std::result::Result::Ok(headers) => headers,
                    ::std::result::Result::Err(error) => return error.into_response(),
                };
            }),
            ty: quote! { #ty },
        });
    }
    if let Some(body) = &op.body {
        let (ty, json) = (quote! { ::postproxy_models::#body }, rt("ApiJson"));
        inputs.push(Input {
            name: format_ident!("body"),
            extractor: Some(quote! { #json(body): #json<#ty> }),
            ty,
            prelude: None,
        });
    }
    inputs
}

/// The `PostproxyApi` trait: one method per operation.
fn emit_trait(title: &str, ops: &[Op]) -> TokenStream {
    let trait_name = format_ident!("{TRAIT_NAME}");
    let trait_doc = doc_attr(&format!(
        "{title}: one method per operation of the spec.\n\n\
         Implement it and serve it with [`router`]. Inputs arrive already extracted and typed;\n\
         a request the extractors reject never reaches the trait. Each method returns that\n\
         operation's response enum, so an implementation can only answer documented statuses."
    ));
    let methods = ops.iter().map(|op| {
        let fn_name = format_ident!("{}", op.id);
        let response = op.type_name("Response");
        let args = inputs(op).into_iter().map(|i| {
            let (name, ty) = (i.name, i.ty);
            quote! { #name: #ty }
        });
        let method_doc = doc_attr(&format!(
            "`{} {}`: {}",
            op.method.to_uppercase(),
            op.path,
            op.doc
        ));
        quote! {
            #method_doc
            fn #fn_name(&self, #(#args),*) -> impl ::std::future::Future<Output = #response> + Send;
        }
    });
    quote! {
        #trait_doc
        pub trait #trait_name: Send + Sync + 'static {
            #(#methods)*
        }
    }
}

/// `router`: one route per path, chaining its methods, and the JSON 404 and 405 fallbacks.
fn emit_router(ops: &[Op]) -> TokenStream {
    let trait_name = format_ident!("{TRAIT_NAME}");
    // `ops` lists each path's operations together (see `collect`).
    let routes = ops.chunk_by(|a, b| a.path == b.path).map(|same_path| {
        let chain = same_path.iter().enumerate().map(|(i, o)| {
            let m = format_ident!("{}", o.method);
            let h = format_ident!("{}", o.id);
            if i == 0 {
                quote! { ::axum::routing::#m(handlers::#h::<A>) }
            } else {
                quote! { .#m(handlers::#h::<A>) }
            }
        });
        let p = &same_path[0].path;
        quote! { .route(#p, #(#chain)*) }
    });
    let (not_found, method_not_allowed) = (rt("not_found"), rt("method_not_allowed"));
    quote! {
        /// The API's routes, each extracting its typed inputs and calling `api`.
        ///
        /// Unknown routes are answered 404 and known paths with an unsupported method 405, both
        /// with the JSON error body.
        pub fn router<A: #trait_name>(api: ::std::sync::Arc<A>) -> ::axum::Router {
            ::axum::Router::new()
                #(#routes)*
                .fallback(#not_found)
                .method_not_allowed_fallback(#method_not_allowed)
                .with_state(api)
        }
    }
}

/// `mod handlers`: one axum handler per operation, extracting its inputs and calling the trait.
fn emit_handlers(ops: &[Op]) -> TokenStream {
    let trait_name = format_ident!("{TRAIT_NAME}");
    let handlers = ops.iter().map(|op| {
        let fn_name = format_ident!("{}", op.id);
        let inputs = inputs(op);
        let state = quote! { ::axum::extract::State(api): ::axum::extract::State<::std::sync::Arc<A>> };
        let extractors = inputs.iter().filter_map(|i| i.extractor.as_ref());
        let prelude = inputs.iter().filter_map(|i| i.prelude.as_ref());
        let call = inputs.iter().map(|i| &i.name);
        quote! {
            pub(super) async fn #fn_name<A: super::#trait_name>(#state, #(#extractors),*) -> ::axum::response::Response {
                #(#prelude)*
                api.#fn_name(#(#call),*).await.into_response()
            }
        }
    });
    quote! {
        mod handlers {
            use ::axum::response::IntoResponse as _;
            #[allow(unused_imports)]
            use super::*;
            #(#handlers)*
        }
    }
}
