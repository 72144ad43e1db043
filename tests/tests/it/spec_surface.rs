//! A reviewed digest of the spec's API surface: a change to an operation, parameter, body or
//! status shows up as a snapshot diff that someone has to accept.

use crate::common;

use serde_json::Value;

fn schema_text(spec: &Value, schema: &Value) -> String {
    if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
        return r.rsplit('/').next().unwrap().to_string();
    }
    let schema = common::deref(spec, schema);
    let mut t = schema["type"].as_str().unwrap_or("any").to_string();
    if let Some(f) = schema.get("format").and_then(Value::as_str) {
        t = format!("{t}({f})");
    }
    if let Some(n) = schema.get("maxLength") {
        t = format!("{t} maxLength={n}");
    }
    t
}

fn body_text(spec: &Value, holder: &Value) -> String {
    let holder = common::deref(spec, holder);
    match holder
        .get("content")
        .and_then(|c| c.get("application/json"))
    {
        Some(mt) => schema_text(spec, &mt["schema"]),
        None => "no body".into(),
    }
}

#[test]
fn api_surface() {
    let spec = common::spec();
    let mut out = String::new();
    let order: serde_norway::Value = serde_norway::from_str(common::SPEC_YAML).unwrap();
    for path in order["paths"].as_mapping().unwrap().keys() {
        let path = path.as_str().unwrap();
        let item = &spec["paths"][path];
        for method in ["get", "put", "post", "patch", "delete"] {
            let Some(op) = item.get(method) else { continue };
            out.push_str(&format!(
                "{} {path}  {}\n",
                method.to_uppercase(),
                op["operationId"].as_str().unwrap()
            ));
            let params = item["parameters"]
                .as_array()
                .into_iter()
                .flatten()
                .chain(op["parameters"].as_array().into_iter().flatten());
            for p in params {
                let p = common::deref(&spec, p);
                out.push_str(&format!(
                    "  param {} in {} {} {}\n",
                    p["name"].as_str().unwrap(),
                    p["in"].as_str().unwrap(),
                    if p["required"] == Value::Bool(true) {
                        "required"
                    } else {
                        "optional"
                    },
                    schema_text(&spec, &p["schema"]),
                ));
            }
            if let Some(b) = op.get("requestBody") {
                out.push_str(&format!("  body {}\n", body_text(&spec, b)));
            }
            for (status, resp) in op["responses"].as_object().unwrap() {
                let resp_d = common::deref(&spec, resp);
                let headers: Vec<&String> = resp_d
                    .get("headers")
                    .and_then(Value::as_object)
                    .into_iter()
                    .flatten()
                    .map(|(k, _)| k)
                    .collect();
                let headers = if headers.is_empty() {
                    String::new()
                } else {
                    format!(" headers {headers:?}")
                };
                out.push_str(&format!("  {status} {}{headers}\n", body_text(&spec, resp)));
                for (name, link) in resp_d
                    .get("links")
                    .and_then(Value::as_object)
                    .into_iter()
                    .flatten()
                {
                    let params: Vec<String> = link["parameters"]
                        .as_object()
                        .into_iter()
                        .flatten()
                        .map(|(k, v)| format!("{k}={}", v.as_str().unwrap()))
                        .collect();
                    out.push_str(&format!(
                        "    link {name} -> {}({})\n",
                        link["operationId"].as_str().unwrap(),
                        params.join(", ")
                    ));
                }
            }
        }
    }
    let security = &spec["security"];
    out.push_str(&format!("security {security}\n"));
    insta::assert_snapshot!(out);
}

#[test]
fn schemas_surface() {
    let spec = common::spec();
    let mut out = String::new();
    for (name, schema) in spec["components"]["schemas"].as_object().unwrap() {
        // A union (`oneOf`) is written as its members.
        let kind = match schema["oneOf"].as_array() {
            Some(members) => format!(
                "oneOf({})",
                members
                    .iter()
                    .map(|m| schema_text(&spec, m))
                    .collect::<Vec<_>>()
                    .join(" | ")
            ),
            None => schema["type"].as_str().unwrap_or("?").to_string(),
        };
        out.push_str(&format!("{name}: {kind}"));
        if let Some(e) = schema.get("enum") {
            out.push_str(&format!(" enum {e}"));
        }
        out.push('\n');
        let required: Vec<&str> = schema["required"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        for (prop, p) in schema["properties"].as_object().into_iter().flatten() {
            // A nullable reference is `anyOf: [$ref, {nullable, enum: [null]}]` (OpenAPI 3.0.3).
            let null_only = |v: &Value| {
                v["nullable"] == Value::Bool(true) && v["enum"] == serde_json::json!([null])
            };
            let (ty, nullable) = match (p.get("allOf"), p["anyOf"].as_array()) {
                (Some(all), _) => (schema_text(&spec, &all[0]), false),
                (None, Some(any)) if any.len() == 2 && null_only(&any[1]) => {
                    (schema_text(&spec, &any[0]), true)
                }
                _ => (schema_text(&spec, p), false),
            };
            out.push_str(&format!(
                "  {prop}: {ty}{}{}\n",
                if required.contains(&prop.as_str()) {
                    " required"
                } else {
                    ""
                },
                if nullable || p["nullable"] == Value::Bool(true) {
                    " nullable"
                } else {
                    ""
                },
            ));
        }
    }
    insta::assert_snapshot!(out);
}

/// Every response link (which the stateful phase of the schemathesis suite follows) names an
/// operation of the spec and only parameters that operation has, fed from a field the
/// response schema has.
#[test]
fn links_point_at_real_operations_parameters_and_fields() {
    let spec = common::spec();
    // (path item, operation) pairs; a path item's `parameters` is not an operation.
    let ops: Vec<(&Value, &Value)> = spec["paths"]
        .as_object()
        .unwrap()
        .values()
        .flat_map(|item| {
            let ops = item.as_object().unwrap().iter();
            ops.filter(|(method, _)| *method != "parameters")
                .map(move |(_, op)| (item, op))
        })
        .collect();
    let params_of: std::collections::BTreeMap<&str, Vec<&str>> = ops
        .iter()
        .map(|(item, op)| {
            let names = item["parameters"]
                .as_array()
                .into_iter()
                .flatten()
                .chain(op["parameters"].as_array().into_iter().flatten())
                .map(|p| common::deref(&spec, p)["name"].as_str().unwrap())
                .collect();
            (op["operationId"].as_str().unwrap(), names)
        })
        .collect();
    let responses = ops.iter().flat_map(|(_, op)| {
        let responses = op["responses"].as_object().unwrap().values();
        responses.map(|resp| common::deref(&spec, resp))
    });
    let mut links = 0;
    for resp in responses {
        for (name, link) in resp
            .get("links")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            links += 1;
            let target = link["operationId"].as_str().unwrap();
            let params = params_of
                .get(target)
                .unwrap_or_else(|| panic!("link {name}: no operation {target}"));
            for (param, expr) in link["parameters"].as_object().unwrap() {
                assert!(
                    params.contains(&param.as_str()),
                    "link {name}: {target} has no {param}"
                );
                let pointer = expr
                    .as_str()
                    .unwrap()
                    .strip_prefix("$response.body#")
                    .unwrap();
                let example = &resp["content"]["application/json"]["example"];
                assert!(
                    example.pointer(pointer).is_some_and(Value::is_string),
                    "link {name}: {pointer} is not a string in the response example"
                );
            }
        }
    }
    assert_eq!(links, 3);
}
