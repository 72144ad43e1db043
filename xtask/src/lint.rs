//! Checks the spec against the rules the generators rely on, before any generator sees it.
//!
//! progenitor and typify panic (or silently drop information) on specs outside what they
//! support; these rules turn each such case into a message naming the operation and the rule.
//! The lint works on the raw YAML value rather than on `openapiv3` types because `openapiv3`
//! discards the siblings of a `$ref`, which is exactly one of the mistakes to catch.
//!
//! It reads the spec through [`crate::spec`], as the generators do, so both walk the same
//! operations and parameters. [`crate::generate`] runs it before any generator; `cargo xtask
//! lint` runs it alone. Nothing here generates code, and no generator imports from here.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde_json::Value;

use crate::spec::{deref, operation_params, operations, resolve_pointer};

/// One broken rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// The operation (by operationId, or `METHOD path` when it has none); `None` for the document.
    pub operation: Option<String>,
    /// Short rule name, stable for tests and searching.
    pub rule: &'static str,
    pub message: String,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.operation {
            Some(op) => write!(f, "operation `{op}`: [{}] {}", self.rule, self.message),
            None => write!(f, "spec: [{}] {}", self.rule, self.message),
        }
    }
}

/// Lints a whole document; an empty result means every generator may run.
pub fn lint(doc: &Value) -> Vec<Violation> {
    let mut out = Vec::new();
    let mut push = |operation: Option<String>, rule: &'static str, message: String| {
        out.push(Violation {
            operation,
            rule,
            message,
        })
    };

    match doc.get("openapi").and_then(Value::as_str) {
        Some(v) if v.starts_with("3.0.") => {}
        Some(v) => push(
            None,
            "openapi-3.0",
            format!("`openapi: {v}` is not 3.0.x; progenitor and typify support OpenAPI 3.0 only"),
        ),
        None => push(None, "openapi-3.0", "missing `openapi` version".into()),
    }

    let mut ref_siblings = Vec::new();
    find_ref_siblings(doc, "#", &mut ref_siblings);
    for (pointer, keys) in ref_siblings {
        push(
            None,
            "ref-siblings",
            format!(
                "{pointer}: `$ref` has sibling keys {keys:?}, which OpenAPI 3.0 ignores; \
                 write a description beside `allOf: [{{$ref: ...}}]`, and a nullable reference as \
                 {NULLABLE_REF}"
            ),
        );
    }

    let mut nullables = Vec::new();
    find_ineffective_nullable(doc, "#", &mut nullables);
    for (pointer, why) in nullables {
        push(
            None,
            "nullable",
            format!(
                "{pointer}: `nullable: true` {why}, so null is still refused (OpenAPI 3.0.3 \
                 applies `nullable` only beside `type` in the same schema); write a nullable \
                 reference as {NULLABLE_REF}"
            ),
        );
    }

    let mut refs = Vec::new();
    collect_refs(doc, &mut refs);
    for r in refs {
        if resolve_pointer(doc, &r).is_none() {
            push(
                None,
                "dangling-ref",
                format!("`$ref: {r}` does not resolve"),
            );
        }
    }

    let Some(paths) = doc.get("paths").and_then(Value::as_object) else {
        push(None, "paths", "the spec has no `paths`".into());
        return out;
    };

    let mut seen_ids: BTreeMap<String, String> = BTreeMap::new();
    for (path, item) in paths {
        let path_params = template_params(path);
        for (method, op) in operations(item) {
            let where_ = format!("{} {path}", method.to_uppercase());
            let op_name = match op.get("operationId").and_then(Value::as_str) {
                Some(id) => {
                    if !is_snake_ident(id) {
                        push(
                            Some(id.into()),
                            "operation-id",
                            format!("operationId must be a snake_case Rust identifier ({where_})"),
                        );
                    }
                    if let Some(other) = seen_ids.insert(id.into(), where_.clone()) {
                        push(
                            Some(id.into()),
                            "operation-id",
                            format!("operationId is used twice: {other} and {where_}"),
                        );
                    }
                    id.to_string()
                }
                None => {
                    push(
                        Some(where_.clone()),
                        "operation-id",
                        "every operation needs an operationId".into(),
                    );
                    where_.clone()
                }
            };
            let mut lint_op =
                |rule: &'static str, message: String| push(Some(op_name.clone()), rule, message);

            // Parameters: supported locations, schemas (not content), path params match the template.
            let mut declared_path = BTreeSet::new();
            let params = operation_params(item, op);
            for p in params {
                let p = deref(doc, p);
                let name = p.get("name").and_then(Value::as_str).unwrap_or("?");
                let location = p.get("in").and_then(Value::as_str).unwrap_or("?");
                match location {
                    "path" => {
                        declared_path.insert(name.to_string());
                    }
                    "query" | "header" => {}
                    other => lint_op(
                        "parameter-location",
                        format!("parameter `{name}` is `in: {other}`; only path, query and header are supported"),
                    ),
                }
                match p.get("schema").map(|s| deref(doc, s)) {
                    None => lint_op(
                        "parameter-schema",
                        format!("parameter `{name}` needs a `schema` (`content` is not supported)"),
                    ),
                    Some(s) => {
                        let ty = s.get("type").and_then(Value::as_str);
                        if !matches!(ty, Some("string" | "integer" | "number" | "boolean")) {
                            lint_op(
                                "parameter-schema",
                                format!("parameter `{name}` must have a scalar type, not {ty:?}"),
                            );
                        }
                    }
                }
            }
            if declared_path != path_params {
                lint_op(
                    "path-parameters",
                    format!(
                        "path template declares {path_params:?} but the parameters declare {declared_path:?}"
                    ),
                );
            }

            if let Some(body) = op.get("requestBody") {
                let body = deref(doc, body);
                lint_content(doc, body, "request body", &mut lint_op);
            }

            let Some(responses) = op.get("responses").and_then(Value::as_object) else {
                lint_op("responses", "the operation documents no responses".into());
                continue;
            };
            let mut success = BTreeMap::new();
            let mut errors = BTreeMap::new();
            for (status, response) in responses {
                let code = match status.parse::<u16>() {
                    Ok(code) if (100..600).contains(&code) => code,
                    _ => {
                        lint_op(
                            "explicit-status",
                            format!("response `{status}`: the mock server needs explicit status codes, not ranges or `default`"),
                        );
                        continue;
                    }
                };
                let response = deref(doc, response);
                let schema =
                    lint_content(doc, response, &format!("response {status}"), &mut lint_op);
                let slot = if (200..300).contains(&code) {
                    &mut success
                } else {
                    &mut errors
                };
                slot.insert(code, schema);
            }
            if success.len() != 1 {
                lint_op(
                    "one-success-response",
                    format!(
                        "needs exactly one 2xx response, found {:?}",
                        success.keys().collect::<Vec<_>>()
                    ),
                );
            }
            if success.values().any(Option::is_none) {
                lint_op(
                    "one-success-response",
                    "the 2xx response needs a JSON body (`$ref` to a component schema)".into(),
                );
            }
            let error_types: BTreeSet<_> = errors.values().cloned().collect();
            if error_types.len() > 1 {
                let listing = errors
                    .iter()
                    .map(|(code, s)| format!("{code}: {}", s.as_deref().unwrap_or("no body")))
                    .collect::<Vec<_>>()
                    .join(", ");
                lint_op(
                    "one-error-type",
                    format!("progenitor needs every error response to share one body type, found {listing}"),
                );
            }
        }
    }
    out
}

/// Checks a request body or response's `content`: JSON only, a `$ref` to a component schema.
/// Returns the referenced schema's pointer.
fn lint_content(
    doc: &Value,
    holder: &Value,
    what: &str,
    lint_op: &mut impl FnMut(&'static str, String),
) -> Option<String> {
    let content = holder.get("content").and_then(Value::as_object)?;
    let mut schema = None;
    for (media, mt) in content {
        if media != "application/json" {
            lint_op(
                "json-only",
                format!("{what}: media type `{media}` is not supported, only application/json"),
            );
            continue;
        }
        match mt.get("schema").and_then(|s| s.get("$ref")).and_then(Value::as_str) {
            Some(r) if r.starts_with("#/components/schemas/") => {
                if resolve_pointer(doc, r).is_some() {
                    schema = Some(r.to_string());
                }
            }
            _ => lint_op(
                "component-schema",
                format!("{what}: the schema must be a `$ref` to `#/components/schemas/...` so the client and the mock share one model type"),
            ),
        }
    }
    schema
}

/// The OpenAPI 3.0.3 form of a nullable reference, which [`crate::spec::typify_nullable_refs`]
/// turns into an `Option` for typify.
const NULLABLE_REF: &str = "`anyOf: [{$ref: ...}, {type: object, nullable: true, enum: [null]}]`";

/// Schemas where `nullable: true` admits no null: without a `type` beside it, or beside
/// `allOf`/`anyOf`/`oneOf`, whose members are checked on their own and refuse null.
fn find_ineffective_nullable(v: &Value, at: &str, out: &mut Vec<(String, &'static str)>) {
    match v {
        Value::Object(map) => {
            // Beside a `$ref`, `ref-siblings` already says it.
            if map.get("nullable") == Some(&Value::Bool(true)) && !map.contains_key("$ref") {
                if ["allOf", "anyOf", "oneOf"]
                    .iter()
                    .any(|k| map.contains_key(*k))
                {
                    out.push((at.to_string(), "is beside allOf/anyOf/oneOf"));
                } else if !map.contains_key("type") {
                    out.push((at.to_string(), "has no `type` beside it"));
                }
            }
            for (k, child) in map {
                if k == "example" || k == "examples" {
                    continue;
                }
                find_ineffective_nullable(
                    child,
                    &format!("{at}/{}", k.replace('~', "~0").replace('/', "~1")),
                    out,
                );
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                find_ineffective_nullable(child, &format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
}

fn find_ref_siblings(v: &Value, at: &str, out: &mut Vec<(String, Vec<String>)>) {
    match v {
        Value::Object(map) => {
            if map.contains_key("$ref") && map.len() > 1 {
                let keys = map.keys().filter(|k| *k != "$ref").cloned().collect();
                out.push((at.to_string(), keys));
            }
            for (k, child) in map {
                // Examples are data, not schema: a `$ref` key there is just a value.
                if k == "example" || k == "examples" {
                    continue;
                }
                find_ref_siblings(
                    child,
                    &format!("{at}/{}", k.replace('~', "~0").replace('/', "~1")),
                    out,
                );
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                find_ref_siblings(child, &format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
}

fn collect_refs(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(map) => {
            for (k, child) in map {
                match (k.as_str(), child) {
                    ("$ref", Value::String(r)) => out.push(r.clone()),
                    ("example" | "examples", _) => {}
                    _ => collect_refs(child, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|c| collect_refs(c, out)),
        _ => {}
    }
}

/// `{id}` segments of a path template.
pub fn template_params(path: &str) -> BTreeSet<String> {
    path.split('/')
        .filter_map(|seg| seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
        .map(str::to_string)
        .collect()
}

fn is_snake_ident(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some('a'..='z'))
        && chars.all(|c| matches!(c, 'a'..='z' | '0'..='9' | '_'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn op(responses: Value) -> Value {
        json!({
            "openapi": "3.0.3",
            "paths": {"/x/{id}": {"get": {
                "operationId": "get_x",
                "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
                "responses": responses
            }}},
            "components": {"schemas": {"X": {"type": "object"}, "E": {"type": "object"}, "F": {"type": "object"}}}
        })
    }

    fn body(schema: &str) -> Value {
        json!({"description": "d", "content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/{schema}")}}}})
    }

    #[test]
    fn clean_operation_passes() {
        let doc = op(json!({"200": body("X"), "404": body("E"), "500": body("E")}));
        assert_eq!(lint(&doc), vec![]);
    }

    #[test]
    fn two_error_types_name_the_operation_and_rule() {
        let doc = op(json!({"200": body("X"), "404": body("E"), "422": body("F")}));
        let v = lint(&doc);
        assert_eq!(v.len(), 1, "{v:?}");
        assert_eq!(v[0].rule, "one-error-type");
        assert_eq!(v[0].operation.as_deref(), Some("get_x"));
        let text = v[0].to_string();
        assert!(
            text.starts_with("operation `get_x`: [one-error-type]"),
            "{text}"
        );
        assert!(text.contains("404: #/components/schemas/E"), "{text}");
    }

    #[test]
    fn nullable_beside_ref_is_reported() {
        let mut doc = op(json!({"200": body("X")}));
        doc["components"]["schemas"]["X"] = json!({"type": "object", "properties": {
            "a": {"$ref": "#/components/schemas/E", "nullable": true}
        }});
        let v = lint(&doc);
        assert_eq!(
            v.iter().map(|v| v.rule).collect::<Vec<_>>(),
            ["ref-siblings"]
        );
        assert!(v[0].message.contains("anyOf"), "{}", v[0]);
    }

    #[test]
    fn nullable_that_admits_no_null_is_reported() {
        let refd = json!({"$ref": "#/components/schemas/E"});
        for (schema, why) in [
            (json!({"nullable": true, "allOf": [refd]}), "beside allOf"),
            (
                json!({"type": "object", "nullable": true, "allOf": [refd]}),
                "beside allOf",
            ),
            (json!({"nullable": true, "description": "d"}), "no `type`"),
        ] {
            let mut doc = op(json!({"200": body("X")}));
            doc["components"]["schemas"]["X"] =
                json!({"type": "object", "properties": {"a": schema}});
            let v = lint(&doc);
            assert_eq!(v.iter().map(|v| v.rule).collect::<Vec<_>>(), ["nullable"]);
            assert!(v[0].message.contains(why), "{}", v[0]);
            assert!(v[0].message.contains("enum: [null]"), "{}", v[0]);
        }
        // The 3.0.3 form passes, and so does a nullable scalar.
        let mut doc = op(json!({"200": body("X")}));
        doc["components"]["schemas"]["X"] = json!({"type": "object", "properties": {
            "a": {"anyOf": [refd, {"type": "object", "nullable": true, "enum": [null]}]},
            "b": {"type": "string", "nullable": true}
        }});
        assert_eq!(lint(&doc), vec![]);
    }

    #[test]
    fn other_rules() {
        let mut doc = op(json!({"200": body("X"), "201": body("X"), "default": body("E")}));
        doc["openapi"] = json!("3.1.0");
        doc["paths"]["/x/{id}"]["get"]["operationId"] = json!("GetX");
        doc["paths"]["/x/{id}"]["get"]["parameters"] = json!([]);
        let rules: BTreeSet<_> = lint(&doc).into_iter().map(|v| v.rule).collect();
        let expected: BTreeSet<_> = [
            "openapi-3.0",
            "operation-id",
            "path-parameters",
            "explicit-status",
            "one-success-response",
        ]
        .into();
        assert_eq!(rules, expected);
    }

    #[test]
    fn structural_rules_name_the_problem() {
        let messages =
            |doc: &Value| -> Vec<String> { lint(doc).iter().map(ToString::to_string).collect() };

        let mut doc = op(json!({"200": body("X")}));
        doc.as_object_mut().unwrap().remove("openapi");
        assert_eq!(
            messages(&doc),
            ["spec: [openapi-3.0] missing `openapi` version"]
        );

        let mut doc = op(json!({"200": body("X")}));
        doc.as_object_mut().unwrap().remove("paths");
        assert_eq!(messages(&doc), ["spec: [paths] the spec has no `paths`"]);

        let mut doc = op(json!({"200": body("X")}));
        doc["paths"]["/x/{id}"]["get"]
            .as_object_mut()
            .unwrap()
            .remove("responses");
        assert_eq!(
            messages(&doc),
            ["operation `get_x`: [responses] the operation documents no responses"]
        );

        let doc = op(json!({"200": {"description": "no body"}}));
        assert_eq!(
            messages(&doc),
            ["operation `get_x`: [one-success-response] the 2xx response needs a JSON body (`$ref` to a component schema)"]
        );

        let mut doc = op(json!({"200": body("X")}));
        doc["paths"]["/y"] =
            json!({"get": {"operationId": "get_x", "responses": {"200": body("X")}}});
        let v = messages(&doc);
        assert_eq!(v.len(), 1, "{v:?}");
        assert!(
            v[0].contains("[operation-id] operationId is used twice"),
            "{v:?}"
        );

        let mut doc = op(json!({"200": body("X")}));
        doc["paths"]["/x/{id}"]["get"]
            .as_object_mut()
            .unwrap()
            .remove("operationId");
        assert_eq!(
            messages(&doc),
            ["operation `GET /x/{id}`: [operation-id] every operation needs an operationId"]
        );
    }

    #[test]
    fn parameters_and_refs_are_checked() {
        let mut doc = op(json!({"200": body("X")}));
        doc["paths"]["/x/{id}"]["get"]["parameters"] = json!([
            {"name": "id", "in": "path", "required": true, "schema": {"type": "string"}},
            {"name": "session", "in": "cookie", "schema": {"type": "string"}},
            {"name": "filter", "in": "query", "content": {"application/json": {}}},
            {"name": "tags", "in": "query", "schema": {"type": "array"}},
            {"name": "q", "in": "query", "schema": {"$ref": "#/components/schemas/Missing"}}
        ]);
        let v = lint(&doc);
        let rules: Vec<_> = v.iter().map(|v| v.rule).collect();
        assert_eq!(
            rules,
            [
                "dangling-ref",
                "parameter-location",
                "parameter-schema",
                "parameter-schema",
                "parameter-schema"
            ],
            "{v:?}"
        );
        assert!(
            v[0].message.contains("#/components/schemas/Missing"),
            "{}",
            v[0]
        );
        assert!(
            v[1].message.contains("`session` is `in: cookie`"),
            "{}",
            v[1]
        );
        assert!(
            v[2].message.contains("`filter` needs a `schema`"),
            "{}",
            v[2]
        );
        assert!(
            v[3].message.contains("`tags` must have a scalar type"),
            "{}",
            v[3]
        );
    }

    #[test]
    fn inline_and_non_json_bodies_are_reported() {
        let doc = op(json!({
            "200": {"description": "d", "content": {"application/json": {"schema": {"type": "object"}}}},
            "404": {"description": "d", "content": {"text/plain": {"schema": {"type": "string"}}}}
        }));
        let rules: BTreeSet<_> = lint(&doc).into_iter().map(|v| v.rule).collect();
        assert!(
            rules.contains("component-schema") && rules.contains("json-only"),
            "{rules:?}"
        );
    }
}
