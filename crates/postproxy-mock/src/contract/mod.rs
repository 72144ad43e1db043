//! The spec as a contract: for an operation id, the statuses it documents and the JSON Schema
//! each documented body must satisfy; and for a request, the operation it is for and what it
//! must send ([`Contract::route_of`], [`Contract::check_request`]).
//!
//! [`Contract::embedded`] reads the spec embedded in this crate (the JSON copy of
//! `openapi/postproxy.yaml` that `cargo xtask regen` writes); [`Contract::from_openapi`] reads
//! any OpenAPI 3.0 document of the same shape. [`Contract::check`] takes an answer (status,
//! `Content-Type`, body bytes) and returns every way it breaks the spec, each with the JSON
//! pointer of the place in the body where it breaks (`/data/0/status`).
//!
//! Bodies are validated by the `jsonschema` crate (JSON Schema Draft 2020-12, `format`
//! asserted, so `date-time` must be RFC 3339). OpenAPI 3.0's schema objects are a dialect of
//! an older draft, so each component schema is first translated, by these rules only:
//!
//! - `nullable: true` beside a `type` widens the type with `"null"`; elsewhere it is dropped
//!   (OpenAPI 3.0.3 applies it only beside `type`). An `enum` is left as written, so a
//!   nullable enum admits null only if it lists it: what openapi-schema-validator's OAS 3.0
//!   validator (CI's `.ci/validate_responses.py`) does too.
//! - Keys beside a `$ref` are dropped (OpenAPI 3.0 ignores them; Draft 2020-12 would not).
//! - A boolean `exclusiveMinimum`/`exclusiveMaximum` becomes the numeric form.
//!
//! ```
//! use postproxy_mock::contract::{Contract, ViolationKind};
//!
//! let contract = Contract::embedded()?;
//! let body = br#"{"id": "grp1", "name": "Main Brand", "profiles_count": "five"}"#;
//! let found = contract.check("get_profile_group", 200, Some("application/json"), body);
//! assert_eq!(found.len(), 1);
//! assert_eq!(found[0].kind, ViolationKind::Schema);
//! assert_eq!(found[0].pointer.as_deref(), Some("/profiles_count"));
//!
//! let page = b"<html><body>Bad gateway</body></html>";
//! let found = contract.check("get_profile_group", 404, Some("text/html"), page);
//! assert_eq!(found[0].kind, ViolationKind::NotJson);
//!
//! // The request side: which operation a request is for, and what it sends wrong.
//! use postproxy_mock::contract::{RequestParts, Route};
//! let path = "/api/profiles/prof_li_001/stats";
//! let route = contract.route_of("GET", path);
//! assert_eq!(route, Route::Operation { id: "get_profile_stats", template: "/api/profiles/{id}/stats" });
//! let headers = http::HeaderMap::new();
//! let request = RequestParts { path, query: Some("from=yesterday"), headers: &headers, body: b"" };
//! let found = contract.check_request("get_profile_stats", &request);
//! assert_eq!(found[0].kind, ViolationKind::Parameter);
//! assert!(found[0].message.starts_with("query parameter `from`: "));
//! # Ok::<(), postproxy_mock::contract::ContractError>(())
//! ```

mod request;

use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock};

use serde::Serialize;
use serde_json::{Map, Value};

pub use request::{RequestParts, Route};

/// The spec as JSON. `cargo xtask regen` writes this copy beside the mock library's YAML copy
/// and fails `--check` (and the workspace tests) when it is stale, so it is the spec.
const SPEC_JSON: &str = include_str!("../../../postproxy-mock-server/openapi/postproxy.json");

/// Messages longer than this are cut (a schema error quotes the failing value, which can be a
/// whole object).
const MAX_MESSAGE: usize = 240;

/// What an OpenAPI document says about each operation's answers.
pub struct Contract {
    operations: BTreeMap<String, Operation>,
}

struct Operation {
    method: String,
    path: String,
    /// Documented statuses; the validator of the JSON body, if one is documented.
    responses: BTreeMap<u16, Option<Arc<jsonschema::Validator>>>,
    /// Its parameters and request body.
    request: request::RequestContract,
}

/// A spec that cannot be used as a contract.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContractError(pub String);

impl std::fmt::Display for ContractError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "unusable spec: {}", self.0)
    }
}

impl std::error::Error for ContractError {}

/// One way an answer breaks the spec.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Violation {
    /// What kind of break.
    pub kind: ViolationKind,
    /// For [`ViolationKind::Schema`], the JSON pointer of the place in the body; for a missing
    /// required property, the pointer the property should have been at.
    pub pointer: Option<String>,
    /// What is wrong, in words.
    pub message: String,
}

/// The kinds of [`Violation`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ViolationKind {
    /// The spec has no operation of that id.
    UnknownOperation,
    /// The operation does not document that status.
    UndocumentedStatus,
    /// The spec documents a JSON body, and the answer's `Content-Type` is not JSON (an HTML
    /// error page from a gateway, say) or missing.
    NotJson,
    /// The answer says JSON but its body does not parse.
    InvalidJson,
    /// The body parses but does not satisfy the documented schema.
    Schema,
    /// A request only ([`Contract::check_request`]): a required parameter is missing, or a
    /// parameter's value does not satisfy its schema (the message names it).
    Parameter,
}

impl Contract {
    /// The contract of the spec embedded in this crate, built once.
    pub fn embedded() -> Result<&'static Contract, ContractError> {
        static CONTRACT: OnceLock<Result<Contract, ContractError>> = OnceLock::new();
        CONTRACT
            .get_or_init(|| {
                let spec: Value = serde_json::from_str(SPEC_JSON)
                    .map_err(|e| ContractError(format!("the embedded spec does not parse: {e}")))?;
                Contract::from_openapi(&spec)
            })
            .as_ref()
            .map_err(Clone::clone)
    }

    /// Builds the contract of an OpenAPI 3.0 document: every operation with an
    /// `operationId`, its documented statuses, and a validator per documented JSON body.
    pub fn from_openapi(spec: &Value) -> Result<Contract, ContractError> {
        let schemas = spec
            .pointer("/components/schemas")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        let schemas: Map<String, Value> = schemas
            .into_iter()
            .map(|(name, schema)| (name, to_json_schema(&schema)))
            .collect();
        let mut validators = Validators {
            schemas: Value::Object(schemas),
            built: BTreeMap::new(),
        };
        let paths = spec
            .get("paths")
            .and_then(Value::as_object)
            .ok_or_else(|| ContractError("no `paths`".into()))?;
        let mut operations = BTreeMap::new();
        for (path, item) in paths {
            let Some(item) = item.as_object() else {
                continue;
            };
            for (method, op) in item {
                let Some(id) = op.get("operationId").and_then(Value::as_str) else {
                    continue;
                };
                let in_error = |e: String| ContractError(format!("operation `{id}`: {e}"));
                let responses = responses(spec, op, &mut validators).map_err(in_error)?;
                let request = request::RequestContract::read(spec, item, op, &mut validators)
                    .map_err(in_error)?;
                let operation = Operation {
                    method: method.to_ascii_uppercase(),
                    path: path.clone(),
                    responses,
                    request,
                };
                operations.insert(id.to_string(), operation);
            }
        }
        Ok(Contract { operations })
    }

    /// The operation ids, sorted.
    pub fn operation_ids(&self) -> impl Iterator<Item = &str> {
        self.operations.keys().map(String::as_str)
    }

    /// The method and path template of an operation (`("GET", "/api/profiles/{id}")`).
    pub fn route(&self, operation: &str) -> Option<(&str, &str)> {
        let op = self.operations.get(operation)?;
        Some((&op.method, &op.path))
    }

    /// The statuses an operation documents, ascending; `None` for an unknown operation.
    pub fn documented_statuses(&self, operation: &str) -> Option<Vec<u16>> {
        let op = self.operations.get(operation)?;
        Some(op.responses.keys().copied().collect())
    }

    /// Every way an answer to `operation` breaks the spec: an undocumented status (then
    /// nothing else is checked, as the spec says nothing of that answer), a `Content-Type`
    /// that is not JSON where a JSON body is documented, a body that does not parse, and
    /// each place where the body breaks the documented schema. Empty when the answer keeps
    /// the contract.
    pub fn check(
        &self,
        operation: &str,
        status: u16,
        content_type: Option<&str>,
        body: &[u8],
    ) -> Vec<Violation> {
        let Some(op) = self.operations.get(operation) else {
            return vec![violation(
                ViolationKind::UnknownOperation,
                format!("the spec has no operation `{operation}`"),
            )];
        };
        let Some(validator) = op.responses.get(&status) else {
            let documented: Vec<String> = op.responses.keys().map(u16::to_string).collect();
            return vec![violation(
                ViolationKind::UndocumentedStatus,
                format!(
                    "{status} is not documented for {operation} (documented: {})",
                    documented.join(", ")
                ),
            )];
        };
        let Some(validator) = validator else {
            return Vec::new();
        };
        if !content_type.is_some_and(is_json_media_type) {
            return vec![not_json(content_type, body)];
        }
        match serde_json::from_slice::<Value>(body) {
            Ok(value) => schema_violations(validator, &value),
            Err(e) => vec![violation(
                ViolationKind::InvalidJson,
                format!("the body is not JSON: {e}"),
            )],
        }
    }

    /// The places where `body` breaks the schema documented for `operation` answering
    /// `status` (no status or content-type check): empty when it conforms or when nothing is
    /// documented.
    pub fn validate(&self, operation: &str, status: u16, body: &Value) -> Vec<Violation> {
        match self
            .operations
            .get(operation)
            .and_then(|op| op.responses.get(&status))
        {
            Some(Some(validator)) => schema_violations(validator, body),
            _ => Vec::new(),
        }
    }
}

/// Validators built from the translated component schemas, one per distinct body schema.
struct Validators {
    schemas: Value,
    built: BTreeMap<String, Arc<jsonschema::Validator>>,
}

impl Validators {
    /// The validator of a body schema: a `$ref` to a component (shared), or an inline schema.
    fn get(&mut self, schema: &Value) -> Result<Arc<jsonschema::Validator>, String> {
        let key = match schema.get("$ref").and_then(Value::as_str) {
            Some(reference) => reference.to_string(),
            None => schema.to_string(),
        };
        if let Some(built) = self.built.get(&key) {
            return Ok(built.clone());
        }
        let mut root = match to_json_schema(schema) {
            Value::Object(root) => root,
            other => return Err(format!("a body schema that is not an object: {other}")),
        };
        // References such as `#/components/schemas/Profile` resolve inside this document.
        root.insert(
            "components".into(),
            serde_json::json!({ "schemas": self.schemas }),
        );
        let validator = jsonschema::options()
            .with_draft(jsonschema::Draft::Draft202012)
            .should_validate_formats(true)
            .should_ignore_unknown_formats(true)
            .build(&Value::Object(root))
            .map_err(|e| format!("schema {key}: {e}"))?;
        let validator = Arc::new(validator);
        self.built.insert(key, validator.clone());
        Ok(validator)
    }
}

type Responses = BTreeMap<u16, Option<Arc<jsonschema::Validator>>>;

/// The documented statuses of an operation and their JSON body validators.
fn responses(spec: &Value, op: &Value, validators: &mut Validators) -> Result<Responses, String> {
    let mut out = BTreeMap::new();
    let Some(documented) = op.get("responses").and_then(Value::as_object) else {
        return Ok(out);
    };
    for (status, response) in documented {
        // Ranges (`4XX`) and `default` are not statuses; this spec uses neither.
        let Ok(code) = status.parse::<u16>() else {
            continue;
        };
        let response = resolve(spec, response)?;
        let schema = response
            .pointer("/content/application~1json/schema")
            .map(|schema| validators.get(schema))
            .transpose()?;
        out.insert(code, schema);
    }
    Ok(out)
}

/// `value`, or what its local `$ref` points at.
fn resolve<'a>(spec: &'a Value, value: &'a Value) -> Result<&'a Value, String> {
    match value.get("$ref").and_then(Value::as_str) {
        Some(reference) => reference
            .strip_prefix('#')
            .and_then(|pointer| spec.pointer(pointer))
            .ok_or_else(|| format!("dangling reference {reference}")),
        None => Ok(value),
    }
}

/// Translates an OpenAPI 3.0 schema object into JSON Schema Draft 2020-12 (the rules in the
/// module docs), recursing into the keywords that hold schemas.
pub fn to_json_schema(schema: &Value) -> Value {
    let Value::Object(object) = schema else {
        return schema.clone();
    };
    if let Some(reference) = object.get("$ref") {
        return serde_json::json!({ "$ref": reference });
    }
    let mut out = Map::new();
    for (key, value) in object {
        let value = match key.as_str() {
            "properties" | "patternProperties" => map_values(value),
            "items" | "additionalProperties" | "not" => to_json_schema(value),
            "allOf" | "anyOf" | "oneOf" => match value {
                Value::Array(list) => Value::Array(list.iter().map(to_json_schema).collect()),
                other => other.clone(),
            },
            "nullable" => continue,
            _ => value.clone(),
        };
        out.insert(key.clone(), value);
    }
    if object.get("nullable") == Some(&Value::Bool(true)) {
        if let Some(Value::String(kind)) = out.get("type") {
            let kind = kind.clone();
            out.insert("type".into(), serde_json::json!([kind, "null"]));
        }
    }
    for (exclusive, bound) in [
        ("exclusiveMinimum", "minimum"),
        ("exclusiveMaximum", "maximum"),
    ] {
        if let Some(Value::Bool(is_exclusive)) = out.get(exclusive).cloned() {
            out.remove(exclusive);
            if is_exclusive {
                if let Some(limit) = out.remove(bound) {
                    out.insert(exclusive.into(), limit);
                }
            }
        }
    }
    Value::Object(out)
}

fn map_values(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(name, schema)| (name.clone(), to_json_schema(schema)))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// `application/json`, or any `+json` type, whatever its parameters.
pub fn is_json_media_type(content_type: &str) -> bool {
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    essence == "application/json"
        || (essence.starts_with("application/") && essence.ends_with("+json"))
}

fn schema_violations(validator: &jsonschema::Validator, body: &Value) -> Vec<Violation> {
    validator
        .iter_errors(body)
        .map(|error| {
            let mut pointer = error.instance_path().as_str().to_string();
            if let jsonschema::error::ValidationErrorKind::Required { property } = error.kind() {
                if let Some(property) = property.as_str() {
                    pointer.push('/');
                    pointer.push_str(&property.replace('~', "~0").replace('/', "~1"));
                }
            }
            Violation {
                kind: ViolationKind::Schema,
                pointer: Some(pointer),
                message: cut(&error.to_string()),
            }
        })
        .collect()
}

fn not_json(content_type: Option<&str>, body: &[u8]) -> Violation {
    let text = String::from_utf8_lossy(body);
    let start: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let what = match content_type {
        Some(ct) if ct.to_ascii_lowercase().starts_with("text/html") => {
            format!("an HTML page ({ct}), not JSON")
        }
        Some(ct) => format!("{ct}, not JSON"),
        None => "no Content-Type, where the spec documents application/json".to_string(),
    };
    violation(ViolationKind::NotJson, cut(&format!("{what}: {start:?}")))
}

fn violation(kind: ViolationKind, message: String) -> Violation {
    Violation {
        kind,
        pointer: None,
        message,
    }
}

/// `text`, cut to [`MAX_MESSAGE`] characters.
pub(crate) fn cut(text: &str) -> String {
    if text.chars().count() <= MAX_MESSAGE {
        return text.to_string();
    }
    let mut cut: String = text.chars().take(MAX_MESSAGE).collect();
    cut.push('…');
    cut
}
