//! The request side of the contract: which operation a request is for ([`Contract::route_of`]:
//! its method and path against the spec's path templates), and every way it breaks what the
//! spec documents of that operation's parameters and body ([`Contract::check_request`]).
//!
//! A parameter (path, query or header; path-level ones included, an operation's own
//! overriding them) must be there if the spec requires it, and each value must satisfy its
//! schema: a value is a string, read as a number or a boolean where the schema's `type` says
//! so, so `from=yesterday` breaks `format: date-time` and an `Idempotency-Key` of 300
//! characters breaks `maxLength: 255`. A documented JSON body must come with a JSON
//! `Content-Type`, parse, and satisfy its schema (each place where it does not with its JSON
//! pointer, as for answers). Query parameters and headers the spec does not document are not
//! checked: the spec does not forbid them.

use std::borrow::Cow;
use std::sync::Arc;

use serde_json::Value;

use super::{
    is_json_media_type, not_json, resolve, schema_violations, violation, Contract, Validators,
    Violation, ViolationKind,
};

/// What the spec documents of an operation's request.
pub(super) struct RequestContract {
    params: Vec<Param>,
    body: Option<BodyContract>,
}

struct Param {
    name: String,
    location: Location,
    required: bool,
    /// How a value is read before validation.
    read_as: ReadAs,
    validator: Option<Arc<jsonschema::Validator>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Location {
    Path,
    Query,
    Header,
}

impl Location {
    fn name(self) -> &'static str {
        match self {
            Location::Path => "path",
            Location::Query => "query",
            Location::Header => "header",
        }
    }
}

#[derive(Debug, Clone, Copy)]
enum ReadAs {
    String,
    Number,
    Boolean,
}

struct BodyContract {
    required: bool,
    /// The validator of the `application/json` body; `None` when it has no schema.
    validator: Option<Arc<jsonschema::Validator>>,
}

/// A request, as [`Contract::check_request`] reads it.
#[derive(Debug, Clone, Copy)]
pub struct RequestParts<'a> {
    /// The path as sent (percent-encoded), without the query.
    pub path: &'a str,
    /// The query as sent, without `?`.
    pub query: Option<&'a str>,
    /// The request headers.
    pub headers: &'a http::HeaderMap,
    /// The body (empty when there is none).
    pub body: &'a [u8],
}

/// Which operation of the spec a request is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route<'a> {
    /// The operation of that id, whose path template is `template`.
    Operation {
        /// The operation id (`get_profile`).
        id: &'a str,
        /// Its path template (`/api/profiles/{id}`).
        template: &'a str,
    },
    /// The spec documents the path (`template`), but not for this method.
    UndocumentedMethod {
        /// The path template that matched.
        template: &'a str,
        /// The methods the spec documents for it, upper case.
        documented: Vec<&'a str>,
    },
    /// The spec documents no such path.
    UnknownPath,
}

impl RequestContract {
    /// Reads an operation's parameters (the path item's, then its own, which override them by
    /// name and location) and its request body.
    pub(super) fn read(
        spec: &Value,
        path_item: &serde_json::Map<String, Value>,
        op: &Value,
        validators: &mut Validators,
    ) -> Result<RequestContract, String> {
        let mut params: Vec<Param> = Vec::new();
        let listed = [path_item.get("parameters"), op.get("parameters")];
        for list in listed.into_iter().flatten() {
            for param in list.as_array().map(Vec::as_slice).unwrap_or_default() {
                let param = read_param(spec, param, validators)?;
                params.retain(|p| !(p.name == param.name && p.location == param.location));
                params.push(param);
            }
        }
        let body = match op.get("requestBody") {
            None => None,
            Some(body) => {
                let body = resolve(spec, body)?;
                let validator = body
                    .pointer("/content/application~1json/schema")
                    .map(|schema| validators.get(schema))
                    .transpose()?;
                Some(BodyContract {
                    required: body.get("required") == Some(&Value::Bool(true)),
                    validator,
                })
            }
        };
        Ok(RequestContract { params, body })
    }
}

fn read_param(spec: &Value, param: &Value, validators: &mut Validators) -> Result<Param, String> {
    let param = resolve(spec, param)?;
    let name = param
        .get("name")
        .and_then(Value::as_str)
        .ok_or("a parameter without a name")?;
    let location = match param.get("in").and_then(Value::as_str) {
        Some("path") => Location::Path,
        Some("query") => Location::Query,
        Some("header") => Location::Header,
        other => {
            return Err(format!(
                "parameter `{name}` in {other:?}, not path, query or header"
            ))
        }
    };
    let schema = param.get("schema");
    let read_as = match schema.and_then(|s| s.get("type")).and_then(Value::as_str) {
        Some("integer" | "number") => ReadAs::Number,
        Some("boolean") => ReadAs::Boolean,
        _ => ReadAs::String,
    };
    Ok(Param {
        // Header names are case-insensitive; http's HeaderMap looks them up in lower case.
        name: match location {
            Location::Header => name.to_ascii_lowercase(),
            _ => name.to_string(),
        },
        location,
        // Path parameters are always required (OpenAPI 3.0).
        required: location == Location::Path || param.get("required") == Some(&Value::Bool(true)),
        read_as,
        validator: schema.map(|s| validators.get(s)).transpose()?,
    })
}

impl Contract {
    /// The operation a request of `method` (upper case) to `path` (without the query) is for.
    /// A `{param}` segment of a template matches any one non-empty segment; where two
    /// templates match, the one with more literal segments wins.
    pub fn route_of(&self, method: &str, path: &str) -> Route<'_> {
        let segments: Vec<&str> = path.split('/').collect();
        let mut best: Option<(usize, &str)> = None;
        for op in self.operations.values() {
            if let Some(literals) = template_match(&op.path, &segments) {
                if best.is_none_or(|(most, _)| literals > most) {
                    best = Some((literals, &op.path));
                }
            }
        }
        let Some((_, template)) = best else {
            return Route::UnknownPath;
        };
        let on_path = || self.operations.iter().filter(|(_, op)| op.path == template);
        match on_path().find(|(_, op)| op.method.eq_ignore_ascii_case(method)) {
            Some((id, op)) => Route::Operation {
                id,
                template: &op.path,
            },
            None => Route::UndocumentedMethod {
                template,
                documented: on_path().map(|(_, op)| op.method.as_str()).collect(),
            },
        }
    }

    /// Every way a request for `operation` breaks what the spec documents of its parameters
    /// and body (module docs of [`crate::contract`]); empty when it keeps the contract. The
    /// kinds: [`ViolationKind::Parameter`] (the message names the parameter), and for the body
    /// [`ViolationKind::NotJson`], [`ViolationKind::InvalidJson`] and
    /// [`ViolationKind::Schema`] with its pointer.
    pub fn check_request(&self, operation: &str, request: &RequestParts<'_>) -> Vec<Violation> {
        let Some(op) = self.operations.get(operation) else {
            return vec![violation(
                ViolationKind::UnknownOperation,
                format!("the spec has no operation `{operation}`"),
            )];
        };
        let mut found = Vec::new();
        let segments: Vec<&str> = request.path.split('/').collect();
        for param in &op.request.params {
            let values = param_values(param, &op.path, &segments, request);
            check_param(param, &values, &mut found);
        }
        if let Some(body) = &op.request.body {
            check_body(body, request, &mut found);
        }
        found
    }
}

/// How many literal segments of `template` match, if every segment does.
fn template_match(template: &str, segments: &[&str]) -> Option<usize> {
    let mut literals = 0;
    let mut count = 0;
    for (i, part) in template.split('/').enumerate() {
        let segment = segments.get(i)?;
        if part.starts_with('{') && part.ends_with('}') {
            if segment.is_empty() {
                return None;
            }
        } else if part == *segment {
            literals += 1;
        } else {
            return None;
        }
        count = i + 1;
    }
    (count == segments.len()).then_some(literals)
}

/// The values a request gives a parameter: the path segment (percent-decoded), every query
/// value of that name (decoded), or every header of that name.
fn param_values<'a>(
    param: &Param,
    template: &str,
    segments: &[&'a str],
    request: &RequestParts<'a>,
) -> Vec<Cow<'a, str>> {
    match param.location {
        Location::Path => {
            let wanted = format!("{{{}}}", param.name);
            template
                .split('/')
                .position(|part| part == wanted)
                .and_then(|i| segments.get(i))
                .map(|s| percent_encoding::percent_decode_str(s).decode_utf8_lossy())
                .into_iter()
                .collect()
        }
        Location::Query => form_urlencoded::parse(request.query.unwrap_or("").as_bytes())
            .filter(|(name, _)| name == &param.name)
            .map(|(_, value)| value)
            .collect(),
        Location::Header => request
            .headers
            .get_all(param.name.as_str())
            .iter()
            .map(|v| String::from_utf8_lossy(v.as_bytes()))
            .collect(),
    }
}

fn check_param(param: &Param, values: &[Cow<'_, str>], found: &mut Vec<Violation>) {
    let what = format!("{} parameter `{}`", param.location.name(), param.name);
    if values.is_empty() && param.required {
        found.push(violation(
            ViolationKind::Parameter,
            format!("the required {what} is missing"),
        ));
    }
    let Some(validator) = &param.validator else {
        return;
    };
    for value in values {
        let read = match param.read_as {
            ReadAs::String => None,
            ReadAs::Number => serde_json::from_str::<serde_json::Number>(value)
                .ok()
                .map(Value::Number),
            ReadAs::Boolean => value.parse::<bool>().ok().map(Value::Bool),
        };
        let read = read.unwrap_or_else(|| Value::String(value.to_string()));
        for error in validator.iter_errors(&read) {
            found.push(violation(
                ViolationKind::Parameter,
                super::cut(&format!("{what}: {error}")),
            ));
        }
    }
}

fn check_body(body: &BodyContract, request: &RequestParts<'_>, found: &mut Vec<Violation>) {
    if request.body.is_empty() && !body.required {
        return;
    }
    let Some(validator) = &body.validator else {
        return;
    };
    let content_type = request
        .headers
        .get(http::header::CONTENT_TYPE)
        .map(|v| String::from_utf8_lossy(v.as_bytes()));
    if !content_type.as_deref().is_some_and(is_json_media_type) {
        let mut not_json = not_json(content_type.as_deref(), request.body);
        if request.body.is_empty() {
            not_json.message = "no body, where the spec documents a JSON body".into();
        }
        found.push(not_json);
        return;
    }
    match serde_json::from_slice::<Value>(request.body) {
        Ok(value) => found.extend(schema_violations(validator, &value)),
        Err(e) => found.push(violation(
            ViolationKind::InvalidJson,
            format!("the body is not JSON: {e}"),
        )),
    }
}
