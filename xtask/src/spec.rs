//! Reading the spec: the one module the linter ([`crate::lint`]) and the generators
//! (`progen`, `mock`) share.
//!
//! ```text
//! openapi/postproxy.yaml ─> spec ─┬─> lint    the rules the generators rely on (runs first)
//!                                 ├─> progen  the models and client crates (typify, progenitor)
//!                                 └─> mock    the mock server's axum layer
//! ```
//!
//! [`crate::generate`] (lib.rs) runs the lint, then the generators, and writes each file under
//! the "do not edit" header; `main.rs` is the command line over it.
//!
//! It loads `openapi/postproxy.yaml`, walks its operations, follows local `$ref`s and gives the
//! views the generators need (the paths in file order, the nullable references as typify reads
//! them). It works on the raw JSON value rather than on `openapiv3` types, because the lint
//! must see what `openapiv3` throws away (the siblings of a `$ref`). Nothing here judges the
//! spec: a helper leaves what it cannot follow as it is, and the lint reports it.

use std::path::Path;

use serde_json::Value;

/// The spec, relative to the workspace root.
pub const SPEC_PATH: &str = "openapi/postproxy.yaml";

/// HTTP methods an OpenAPI path item may hold, in the order operations are walked.
pub const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Loads the spec: its text, and the text as a JSON value; YAML errors name the file and line.
pub fn load_spec(root: &Path) -> Result<(String, Value), String> {
    let path = root.join(SPEC_PATH);
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let value: Value = serde_norway::from_str(&text).map_err(|e| format!("{SPEC_PATH}: {e}"))?;
    Ok((text, value))
}

/// The spec's paths in file order, from the YAML value (a JSON value sorts its keys).
pub fn path_order(doc: &serde_norway::Value) -> Vec<String> {
    doc.get("paths")
        .and_then(serde_norway::Value::as_mapping)
        .map(|m| {
            m.keys()
                .filter_map(|k| k.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// A path item's operations, as `(method, operation)`, in [`METHODS`] order.
pub fn operations(item: &Value) -> impl Iterator<Item = (&'static str, &Value)> {
    METHODS
        .into_iter()
        .filter_map(move |method| item.get(method).map(|op| (method, op)))
}

/// An operation's parameters: the path item's shared ones, then the operation's own (not yet
/// dereferenced). The lint and the generator read them the same way.
pub fn operation_params<'a>(item: &'a Value, op: &'a Value) -> impl Iterator<Item = &'a Value> {
    let list = |v: &'a Value| {
        v.get("parameters")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
    };
    list(item).chain(list(op))
}

/// Follows a local `$ref`, if `v` is one (a dangling one is left as it is; the lint reports it).
pub fn deref<'a>(doc: &'a Value, v: &'a Value) -> &'a Value {
    match v.get("$ref").and_then(Value::as_str) {
        Some(r) => resolve_pointer(doc, r).unwrap_or(v),
        None => v,
    }
}

/// Resolves a local `#/a/b` reference.
pub fn resolve_pointer<'a>(doc: &'a Value, reference: &str) -> Option<&'a Value> {
    let pointer = reference.strip_prefix('#')?;
    doc.pointer(pointer)
}

/// The spec as typify should see it: each nullable reference written the OpenAPI 3.0.3 way,
/// `anyOf: [{$ref: R}, {nullable: true, enum: [null], ...}]`, becomes
/// `{nullable: true, allOf: [{$ref: R}]}`, which typify turns into `Option<R>` (it turns the
/// `anyOf` into a struct of optional flattened members). The two mean the same to a reader;
/// only the first admits null under OpenAPI 3.0.3, which validators follow.
pub fn typify_nullable_refs(spec: &Value) -> Value {
    fn null_only(v: &Value) -> bool {
        v.get("nullable") == Some(&Value::Bool(true))
            && v.get("enum") == Some(&Value::Array(vec![Value::Null]))
    }
    match spec {
        Value::Object(map) => {
            let mut out: serde_json::Map<String, Value> = map
                .iter()
                .map(|(k, v)| (k.clone(), typify_nullable_refs(v)))
                .collect();
            for combinator in ["anyOf", "oneOf"] {
                let reference = match out.get(combinator).and_then(Value::as_array) {
                    Some(members) if members.len() == 2 && null_only(&members[1]) => {
                        members[0].get("$ref").map(|_| members[0].clone())
                    }
                    _ => None,
                };
                if let Some(reference) = reference {
                    out.remove(combinator);
                    out.insert("allOf".into(), Value::Array(vec![reference]));
                    out.insert("nullable".into(), Value::Bool(true));
                }
            }
            Value::Object(out)
        }
        Value::Array(items) => Value::Array(items.iter().map(typify_nullable_refs).collect()),
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn operations_follow_the_method_order() {
        let item = json!({"post": {"operationId": "b"}, "get": {"operationId": "a"}, "x": 1});
        let walked: Vec<_> = operations(&item)
            .map(|(m, op)| (m, op["operationId"].as_str().unwrap()))
            .collect();
        assert_eq!(walked, [("get", "a"), ("post", "b")]);
    }

    #[test]
    fn refs_are_followed_and_dangling_ones_left() {
        let doc = json!({"components": {"parameters": {"P": {"name": "p"}}}});
        let good = json!({"$ref": "#/components/parameters/P"});
        let dangling = json!({"$ref": "#/components/parameters/Q"});
        assert_eq!(deref(&doc, &good), &json!({"name": "p"}));
        assert_eq!(deref(&doc, &dangling), &dangling);
        assert_eq!(resolve_pointer(&doc, "elsewhere.yaml#/x"), None);
    }

    #[test]
    fn shared_parameters_come_first() {
        let item = json!({"parameters": [{"name": "a"}]});
        let op = json!({"parameters": [{"name": "b"}]});
        let names: Vec<_> = operation_params(&item, &op)
            .map(|p| p["name"].as_str().unwrap())
            .collect();
        assert_eq!(names, ["a", "b"]);
    }
}
