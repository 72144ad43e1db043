//! Per operation: `From<ApiError>` and the response enum with its `IntoResponse`.

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use super::collect::{Op, ResponseVariant};
use super::{doc_attr, rt};

/// `From<ApiError>`: an error maps to the variant documented for its status, derived from the
/// spec so an implementation never keeps its own list; an undocumented status becomes the
/// documented 500. Every operation must document a 500 with the `Error` schema (what
/// `ApiError` serialises to): the trait's methods may return an `ApiError`.
pub(super) fn emit_from_api_error(op: &Op) -> Result<TokenStream, String> {
    let error_variants: Vec<&ResponseVariant> = op
        .responses
        .iter()
        .filter(|r| r.status >= 400 && r.body.as_ref().is_some_and(|b| b == "Error"))
        .collect();
    let fallback = error_variants
        .iter()
        .find(|r| r.status == 500)
        .ok_or_else(|| {
            format!(
                "operation `{}` documents no 500 with the Error schema",
                op.id
            )
        })?;
    let arms = error_variants.iter().filter(|r| r.status != 500).map(|r| {
        let code = Literal::u16_unsuffixed(r.status);
        let build = error_variant(r);
        quote! { #code => #build, }
    });
    let fallback = error_variant(fallback);
    let response = op.type_name("Response");
    let api_error = rt("ApiError");
    Ok(quote! {
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
pub(super) fn error_variant(r: &ResponseVariant) -> TokenStream {
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
pub(super) fn emit_response_enum(op: &Op) -> TokenStream {
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
pub(super) fn response_variant(r: &ResponseVariant) -> TokenStream {
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
pub(super) fn into_response_arm(r: &ResponseVariant) -> TokenStream {
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
