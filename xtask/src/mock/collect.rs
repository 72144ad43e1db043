//! What the spec says about each operation: [`collect`] reads it into [`Op`]s.

use heck::{ToSnakeCase, ToUpperCamelCase};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::Value;

use crate::spec::{deref, operation_params, operations};

pub(super) struct Param {
    pub(super) name: String,
    pub(super) rust: syn::Ident,
    pub(super) location: String,
    pub(super) required: bool,
    pub(super) ty: TokenStream,
    pub(super) description: String,
    pub(super) max_length: Option<u64>,
}

pub(super) struct ResponseVariant {
    pub(super) status: u16,
    pub(super) variant: syn::Ident,
    pub(super) description: String,
    pub(super) body: Option<syn::Ident>,
    pub(super) headers: Vec<(String, syn::Ident, TokenStream)>,
}

impl ResponseVariant {
    /// The `…Prepared` variant of a success with a body and no headers: the same status and
    /// model, the body serialised by the implementation (`crate::rt::Prepared`), so it
    /// can serialise what it borrows under its own lock instead of cloning it out.
    pub(super) fn prepared(&self) -> Option<syn::Ident> {
        let success = (200..300).contains(&self.status);
        (success && self.body.is_some() && self.headers.is_empty())
            .then(|| format_ident!("{}Prepared", self.variant))
    }
}

/// What an operation that honours `Idempotency-Key` says of it.
pub(super) struct IdempotencyInfo {
    /// The header's name as the spec writes it.
    pub(super) header: String,
    /// Its `maxLength`.
    pub(super) max_length: u64,
    /// The query parameters the fingerprint covers (`x-idempotency-fingerprint`), besides the
    /// path and the parsed body.
    pub(super) query: Vec<String>,
}

pub(super) struct Op {
    pub(super) id: String,
    pub(super) method: String,
    pub(super) path: String,
    pub(super) doc: String,
    pub(super) params: Vec<Param>,
    pub(super) body: Option<syn::Ident>,
    pub(super) responses: Vec<ResponseVariant>,
    pub(super) idempotency: Option<IdempotencyInfo>,
}

impl Op {
    pub(super) fn params_in<'a>(&'a self, location: &'a str) -> impl Iterator<Item = &'a Param> {
        self.params.iter().filter(move |p| p.location == location)
    }

    /// Whether the operation has a struct for `location`. Every operation gets a query struct,
    /// even an empty one, so adding an optional query parameter to the spec adds a field rather
    /// than changing the trait method's signature.
    pub(super) fn has_params_struct(&self, location: &str) -> bool {
        location == "query" || self.params_in(location).next().is_some()
    }

    /// `GetProfileGroup` + `suffix`.
    pub(super) fn type_name(&self, suffix: &str) -> syn::Ident {
        format_ident!("{}{suffix}", self.id.to_upper_camel_case())
    }
}

pub(super) fn str_of<'a>(v: &'a Value, key: &str) -> &'a str {
    v.get(key).and_then(Value::as_str).unwrap_or("")
}

/// The component type a content holder (`requestBody`, response) refers to.
pub(super) fn content_type(holder: &Value) -> Option<syn::Ident> {
    let reference = holder
        .get("content")?
        .get("application/json")?
        .get("schema")?
        .get("$ref")?
        .as_str()?;
    let name = reference.strip_prefix("#/components/schemas/")?;
    Some(format_ident!("{}", name.to_upper_camel_case()))
}

pub(super) fn scalar_type(schema: &Value) -> Result<TokenStream, String> {
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
pub(super) fn collect(doc: &Value, path_order: &[String]) -> Result<Vec<Op>, String> {
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

pub(super) fn collect_op(
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
    let params: Vec<Param> = operation_params(item, op)
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
    let idempotency = collect_idempotency(op, &params).map_err(err)?;
    Ok(Op {
        id,
        method: method.to_string(),
        path: path.to_string(),
        doc: doc_text,
        params,
        body,
        responses,
        idempotency,
    })
}

/// An operation honours `Idempotency-Key` when it documents that header. Which query
/// parameters its fingerprint covers is the operation's `x-idempotency-fingerprint` (a list of
/// its query parameters' names; absent: none): only the spec knows which parameters change
/// what the request does and which are accepted and ignored.
fn collect_idempotency(op: &Value, params: &[Param]) -> Result<Option<IdempotencyInfo>, String> {
    let fingerprint = op.get("x-idempotency-fingerprint");
    let Some(header) = params
        .iter()
        .find(|p| p.location == "header" && p.name.eq_ignore_ascii_case("Idempotency-Key"))
    else {
        return match fingerprint {
            Some(_) => Err("`x-idempotency-fingerprint` without an Idempotency-Key header".into()),
            None => Ok(None),
        };
    };
    let max_length = header
        .max_length
        .ok_or("the Idempotency-Key header has no maxLength")?;
    let mut query = Vec::new();
    for name in fingerprint.and_then(Value::as_array).into_iter().flatten() {
        let name = name
            .as_str()
            .ok_or("`x-idempotency-fingerprint` lists a non-string")?;
        if !params
            .iter()
            .any(|p| p.location == "query" && p.name == name)
        {
            return Err(format!(
                "`x-idempotency-fingerprint` names `{name}`, which is not a query parameter"
            ));
        }
        query.push(name.to_string());
    }
    Ok(Some(IdempotencyInfo {
        header: header.name.clone(),
        max_length,
        query,
    }))
}

pub(super) fn collect_param(doc: &Value, p: &Value) -> Result<Param, String> {
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
pub(super) fn collect_responses(doc: &Value, op: &Value) -> Result<Vec<ResponseVariant>, String> {
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
pub(super) fn response_header(
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
