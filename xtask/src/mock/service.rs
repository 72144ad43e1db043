//! The `PostproxyApi` trait, the router, and the handlers between them.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::collect::Op;
use super::{doc_attr, rt, TRAIT_NAME};

/// One typed input of an operation: the trait method's argument, and how its handler gets it.
pub(super) struct Input {
    /// The argument's name, in the trait method and in the handler's call.
    pub(super) name: syn::Ident,
    /// The argument's type.
    pub(super) ty: TokenStream,
    /// The handler's extractor (pattern and type); `None` for what the prelude reads from
    /// another input.
    pub(super) extractor: Option<TokenStream>,
    /// What the handler does with the extracted value before the call, if anything.
    pub(super) prelude: Option<TokenStream>,
}

/// An operation's inputs in the trait method's order: the request context, path, query,
/// headers, and the body last (its extractor consumes the request).
pub(super) fn inputs(op: &Op) -> Vec<Input> {
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
pub(super) fn emit_trait(title: &str, ops: &[Op]) -> TokenStream {
    let trait_name = format_ident!("{TRAIT_NAME}");
    let trait_doc = doc_attr(&format!(
        "{title}: one method per operation of the spec.\n\n\
         Implement it and serve it with [`router`]. Inputs arrive already extracted and typed;\n\
         a request the extractors reject never reaches the trait. Each method returns that\n\
         operation's response enum, or an `ApiError` (so `?` works on anything that converts\n\
         into one), which the router answers with the variant documented for its status (the\n\
         documented 500 for any other): an implementation can only answer documented statuses."
    ));
    let api_error = rt("ApiError");
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
            fn #fn_name(&self, #(#args),*) -> impl ::std::future::Future<Output = ::std::result::Result<#response, #api_error>> + Send;
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
pub(super) fn emit_router(ops: &[Op]) -> TokenStream {
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
pub(super) fn emit_handlers(ops: &[Op]) -> TokenStream {
    let trait_name = format_ident!("{TRAIT_NAME}");
    let handlers = ops.iter().map(|op| {
        let fn_name = format_ident!("{}", op.id);
        let inputs = inputs(op);
        let state = quote! { ::axum::extract::State(api): ::axum::extract::State<::std::sync::Arc<A>> };
        let extractors = inputs.iter().filter_map(|i| i.extractor.as_ref());
        let prelude = inputs.iter().filter_map(|i| i.prelude.as_ref());
        let call = inputs.iter().map(|i| &i.name);
        let response = op.type_name("Response");
        quote! {
            pub(super) async fn #fn_name<A: super::#trait_name>(#state, #(#extractors),*) -> ::axum::response::Response {
                #(#prelude)*
                match api.#fn_name(#(#call),*).await {
                    ::std::result::Result::Ok(answer) => answer.into_response(),
                    ::std::result::Result::Err(error) => #response::from(error).into_response(),
                }
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
