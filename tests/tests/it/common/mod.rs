//! Reading the spec, shared by the test files.

use serde_json::Value;

/// The spec's text.
pub const SPEC_YAML: &str = include_str!("../../../../openapi/postproxy.yaml");

/// The spec as a JSON value.
pub fn spec() -> Value {
    serde_norway::from_str(SPEC_YAML).expect("the spec is valid YAML")
}

/// Follows a local `$ref`, if `v` is one.
pub fn deref<'a>(spec: &'a Value, v: &'a Value) -> &'a Value {
    match v.get("$ref").and_then(Value::as_str) {
        Some(r) => spec
            .pointer(r.trim_start_matches('#'))
            .unwrap_or_else(|| panic!("dangling $ref {r}")),
        None => v,
    }
}

/// One example in the spec, with the component schema it illustrates.
#[derive(Debug)]
pub struct Example {
    /// Where it is, e.g. `get_profile response 200`.
    pub place: String,
    /// The component schema name.
    pub schema: String,
    pub value: Value,
}

/// Every example in the spec: request bodies, responses, and schemas.
pub fn examples(spec: &Value) -> Vec<Example> {
    let mut out = Vec::new();
    let mut media = |place: String, holder: &Value| {
        let Some(mt) = holder
            .get("content")
            .and_then(|c| c.get("application/json"))
        else {
            return;
        };
        let schema = mt["schema"]["$ref"]
            .as_str()
            .and_then(|r| r.strip_prefix("#/components/schemas/"))
            .unwrap_or_else(|| panic!("{place}: schema is not a component $ref"))
            .to_string();
        if let Some(v) = mt.get("example") {
            out.push(Example {
                place: place.clone(),
                schema: schema.clone(),
                value: v.clone(),
            });
        }
        for (name, ex) in mt
            .get("examples")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            out.push(Example {
                place: format!("{place} ({name})"),
                schema: schema.clone(),
                value: ex["value"].clone(),
            });
        }
    };
    for item in spec["paths"].as_object().unwrap().values() {
        for op in item.as_object().unwrap().values() {
            let Some(id) = op.get("operationId").and_then(Value::as_str) else {
                continue;
            };
            if let Some(body) = op.get("requestBody") {
                media(format!("{id} request body"), deref(spec, body));
            }
            for (status, resp) in op["responses"].as_object().unwrap() {
                media(format!("{id} response {status}"), deref(spec, resp));
            }
        }
    }
    for (name, schema) in spec["components"]["schemas"].as_object().unwrap() {
        if let Some(v) = schema.get("example") {
            out.push(Example {
                place: format!("schema {name}"),
                schema: name.clone(),
                value: v.clone(),
            });
        }
    }
    out
}

/// The body of a successful response of the generated client; panics with the error otherwise.
pub fn ok<T>(
    result: Result<postproxy_client::ResponseValue<T>, postproxy_client::GeneratedError>,
) -> T {
    match result {
        Ok(response) => response.into_inner(),
        Err(e) => panic!("expected a success, got {e:?}"),
    }
}

/// The status and `error` message of a documented error response of the generated client;
/// panics on anything else.
pub fn error_response<T: std::fmt::Debug>(
    result: Result<T, postproxy_client::GeneratedError>,
) -> (u16, String) {
    match result {
        Err(postproxy_client::GeneratedError::ErrorResponse(e)) => {
            (e.status().as_u16(), e.into_inner().error)
        }
        other => panic!("expected an error response, got {other:?}"),
    }
}

/// The spec's example for an operation's response with `status` (its `example`).
pub fn response_example(op: &str, status: u16) -> Value {
    find_example(&format!("{op} response {status}"))
}

/// The example named `name` of an operation's response with `status` (one of its `examples`).
pub fn named_response_example(op: &str, status: u16, name: &str) -> Value {
    find_example(&format!("{op} response {status} ({name})"))
}

fn find_example(place: &str) -> Value {
    let spec = spec();
    examples(&spec)
        .into_iter()
        .find(|e| e.place == place)
        .unwrap_or_else(|| panic!("no example at {place}"))
        .value
}
