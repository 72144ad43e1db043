//! The spec as a contract: every example the spec gives validates (so the OpenAPI 3.0 → JSON
//! Schema translation admits what the spec means), and the answers it must refuse are refused
//! with the right kind and JSON pointer, `nullable` read as OpenAPI 3.0.3 reads it. The
//! request side: routes, parameters and bodies.

use postproxy_mock::contract::{
    to_json_schema, Contract, RequestParts, Route, Violation, ViolationKind,
};
use serde_json::{json, Value};

const JSON: Option<&str> = Some("application/json");

fn contract() -> &'static Contract {
    Contract::embedded().expect("the embedded spec is a usable contract")
}

/// The one violation of `body` as the answer of `operation` with `status`.
fn only(operation: &str, status: u16, body: &Value) -> Violation {
    let found = contract().validate(operation, status, body);
    assert_eq!(found.len(), 1, "{found:#?}");
    found.into_iter().next().expect("one")
}

fn spec() -> Value {
    let text = include_str!("../../../postproxy-mock-server/openapi/postproxy.json");
    serde_json::from_str(text).expect("the spec parses")
}

#[test]
fn knows_the_operations_and_their_statuses() {
    let ids: Vec<&str> = contract().operation_ids().collect();
    assert_eq!(ids.len(), 17, "{ids:?}");
    assert_eq!(
        contract().route("get_profile_stats"),
        Some(("GET", "/api/profiles/{id}/stats"))
    );
    assert_eq!(
        contract().documented_statuses("list_profile_groups"),
        Some(vec![200, 401, 429, 500, 503])
    );
}

#[test]
fn every_example_of_the_spec_validates() {
    let spec = spec();
    let mut checked = 0;
    for item in spec["paths"].as_object().expect("paths").values() {
        for op in item.as_object().expect("a path item").values() {
            let Some(id) = op.get("operationId").and_then(Value::as_str) else {
                continue;
            };
            for (status, response) in op["responses"].as_object().expect("responses") {
                let response = match response.get("$ref").and_then(Value::as_str) {
                    Some(r) => spec.pointer(&r[1..]).expect("the reference resolves"),
                    None => response,
                };
                let content = &response["content"]["application/json"];
                let examples = content.get("example").into_iter().chain(
                    content
                        .get("examples")
                        .and_then(Value::as_object)
                        .into_iter()
                        .flat_map(|e| e.values().map(|e| &e["value"])),
                );
                for example in examples {
                    let status: u16 = status.parse().expect("a status");
                    let found = contract().validate(id, status, example);
                    assert!(found.is_empty(), "{id} {status}: {found:#?}\n{example}");
                    checked += 1;
                }
            }
        }
    }
    assert_eq!(checked, 165, "every response example of the spec");
}

#[test]
fn nullable_admits_null_only_where_the_spec_says() {
    let mut profile = json!({
        "id": "p", "name": "P", "status": "active", "platform": "twitter",
        "profile_group_id": "g", "expires_at": null, "post_count": 0, "avatar_url": null,
        "latest_stats": [], "summary_stats": null
    });
    assert_eq!(contract().validate("get_profile", 200, &profile), vec![]);

    profile["name"] = Value::Null;
    let found = only("get_profile", 200, &profile);
    assert_eq!(found.kind, ViolationKind::Schema);
    assert_eq!(found.pointer.as_deref(), Some("/name"));

    profile["name"] = json!("P");
    profile["summary_stats"] = json!({});
    assert_eq!(
        only("get_profile", 200, &profile).pointer.as_deref(),
        Some("/summary_stats")
    );

    let placements = json!({ "data": [{ "id": null, "name": "Personal Profile" }] });
    assert_eq!(
        contract().validate("list_profile_placements", 200, &placements),
        vec![]
    );
}

#[test]
fn names_the_pointer_of_a_missing_field_a_wrong_type_an_enum_and_a_date() {
    let groups = json!({ "data": [
        { "id": "g1", "name": "A", "profiles_count": 1 },
        { "id": "g2", "profiles_count": 0 },
    ]});
    let found = only("list_profile_groups", 200, &groups);
    assert_eq!(found.pointer.as_deref(), Some("/data/1/name"));
    assert!(found.message.contains("required"), "{}", found.message);

    let group = json!({ "id": "g1", "name": "A", "profiles_count": "1" });
    let found = only("get_profile_group", 200, &group);
    assert_eq!(found.pointer.as_deref(), Some("/profiles_count"));

    let list = json!({ "data": [{
        "id": "p", "name": "P", "status": "sleeping", "platform": "twitter",
        "profile_group_id": "g", "expires_at": "yesterday", "post_count": 0, "avatar_url": null
    }]});
    let found = contract().validate("list_profiles", 200, &list);
    let mut pointers: Vec<_> = found.iter().filter_map(|v| v.pointer.as_deref()).collect();
    pointers.sort_unstable();
    assert_eq!(
        pointers,
        ["/data/0/expires_at", "/data/0/status"],
        "{found:#?}"
    );
}

#[test]
fn statuses_and_content_types() {
    let error = br#"{"error": "Not found"}"#;
    let c = contract();
    assert_eq!(c.check("get_profile", 404, JSON, error), vec![]);
    let charset = Some("application/json; charset=utf-8");
    assert_eq!(c.check("get_profile", 404, charset, error), vec![]);

    let undocumented = c.check("list_profile_groups", 404, JSON, error);
    assert_eq!(undocumented.len(), 1);
    assert_eq!(undocumented[0].kind, ViolationKind::UndocumentedStatus);
    assert!(undocumented[0].message.contains("200, 401, 429, 500, 503"));

    let page = b"<html><title>404 Not Found</title></html>";
    let html = c.check("get_profile", 404, Some("text/html"), page);
    assert_eq!(html[0].kind, ViolationKind::NotJson);
    assert!(html[0].message.contains("HTML page"), "{}", html[0].message);
    assert_eq!(
        c.check("get_profile", 404, None, error)[0].kind,
        ViolationKind::NotJson
    );

    let truncated = c.check("get_profile", 404, JSON, br#"{"error": "#);
    assert_eq!(truncated[0].kind, ViolationKind::InvalidJson);

    let unknown = c.check("list_posts", 200, JSON, error);
    assert_eq!(unknown[0].kind, ViolationKind::UnknownOperation);
}

#[test]
fn translates_openapi_3_0_keywords() {
    let schema = json!({
        "type": "object",
        "properties": {
            "a": { "type": "string", "nullable": true, "example": "x" },
            "b": { "$ref": "#/components/schemas/B", "description": "ignored beside $ref" },
            "c": { "type": "integer", "minimum": 0, "exclusiveMinimum": true },
            "d": { "type": "array", "items": { "type": "string", "nullable": true, "enum": ["x"] } },
            "e": { "nullable": true, "allOf": [{ "type": "string" }] },
        }
    });
    assert_eq!(
        to_json_schema(&schema),
        json!({
            "type": "object",
            "properties": {
                "a": { "type": ["string", "null"], "example": "x" },
                "b": { "$ref": "#/components/schemas/B" },
                "c": { "type": "integer", "exclusiveMinimum": 0 },
                "d": { "type": "array", "items": { "type": ["string", "null"], "enum": ["x"] } },
                "e": { "allOf": [{ "type": "string" }] },
            }
        })
    );
}

#[test]
fn routes_requests_to_operations() {
    let c = contract();
    let operation = |id, template| Route::Operation { id, template };
    assert_eq!(
        c.route_of("GET", "/api/profiles/prof%20x/stats"),
        operation("get_profile_stats", "/api/profiles/{id}/stats")
    );
    assert_eq!(
        c.route_of("POST", "/api/profile_groups/grp1/initialize_connection"),
        operation(
            "initialize_connection",
            "/api/profile_groups/{id}/initialize_connection"
        )
    );
    assert_eq!(
        c.route_of("DELETE", "/api/profile_groups/grp1"),
        operation("delete_profile_group", "/api/profile_groups/{id}")
    );
    assert_eq!(
        c.route_of("PUT", "/api/profiles/p1"),
        Route::UndocumentedMethod {
            template: "/api/profiles/{id}",
            documented: vec!["DELETE", "GET"],
        }
    );
    for unknown in [
        "/api/profiles/",
        "/api/profiles//stats",
        "/api/posts",
        "/",
        "/api/profile_groups/g/x",
    ] {
        assert_eq!(c.route_of("GET", unknown), Route::UnknownPath, "{unknown}");
    }
}

/// The violations of a request for `operation`.
fn request(
    operation: &str,
    query: Option<&str>,
    headers: &[(&str, &str)],
    body: &str,
) -> Vec<Violation> {
    let mut map = http::HeaderMap::new();
    for (name, value) in headers {
        map.append(
            http::HeaderName::from_bytes(name.as_bytes()).unwrap(),
            value.parse().unwrap(),
        );
    }
    let (_, path) = contract().route(operation).expect("an operation");
    let path = path.replace("{id}", "x");
    let parts = RequestParts {
        path: &path,
        query,
        headers: &map,
        body: body.as_bytes(),
    };
    contract().check_request(operation, &parts)
}

#[test]
fn requests_that_break_the_spec() {
    let json = [("content-type", "application/json")];
    let create = |body| request("create_profile_group", None, &json, body);
    assert_eq!(create(r#"{"profile_group": {"name": "A"}}"#), vec![]);
    let wrong = create(r#"{"profile_group": {"name": 42}}"#);
    assert_eq!(wrong.len(), 1, "{wrong:#?}");
    assert_eq!(wrong[0].kind, ViolationKind::Schema);
    assert_eq!(wrong[0].pointer.as_deref(), Some("/profile_group/name"));
    assert_eq!(create("{")[0].kind, ViolationKind::InvalidJson);
    let missing = request("create_profile_group", None, &[], "");
    assert_eq!(missing[0].kind, ViolationKind::NotJson);
    assert_eq!(
        missing[0].message,
        "no body, where the spec documents a JSON body"
    );
    let text = request(
        "create_profile_group",
        None,
        &[("content-type", "text/plain")],
        "{}",
    );
    assert_eq!(text[0].kind, ViolationKind::NotJson);

    let long_key = "k".repeat(256);
    let keyed = request(
        "delete_profile_group",
        None,
        &[("Idempotency-Key", &long_key)],
        "",
    );
    assert_eq!(keyed.len(), 1, "{keyed:#?}");
    assert_eq!(keyed[0].kind, ViolationKind::Parameter);
    assert!(keyed[0]
        .message
        .starts_with("header parameter `idempotency-key`: "));

    let window = |query| request("get_profile_stats", Some(query), &[], "");
    assert_eq!(
        window("from=2026-05-11T08:00:00Z&to=2026-05-12T08:00:00%2B02:00"),
        vec![]
    );
    let bad = window("from=yesterday&placement_id=1&to=2026-13-01T00:00:00Z");
    let messages: Vec<&str> = bad.iter().map(|v| v.message.as_str()).collect();
    assert_eq!(bad.len(), 2, "{messages:?}");
    assert!(messages[0].starts_with("query parameter `from`: \"yesterday\""));
    assert!(messages[1].starts_with("query parameter `to`: "));
    // Undocumented parameters are not the spec's business.
    assert_eq!(window("unknown=1"), vec![]);
}

#[test]
fn every_request_example_of_the_spec_keeps_the_contract() {
    let spec = spec();
    let mut checked = 0;
    for (_, item) in spec["paths"].as_object().expect("paths") {
        for (_, op) in item.as_object().expect("an item") {
            let Some(id) = op["operationId"].as_str() else {
                continue;
            };
            let content = &op["requestBody"]["content"]["application/json"];
            // One `example`, or named `examples` (initialize_connection: OAuth and credentials).
            let named = content["examples"].as_object().into_iter().flatten();
            let examples = content
                .get("example")
                .into_iter()
                .chain(named.map(|(_, e)| &e["value"]));
            for example in examples {
                let body = example.to_string();
                let found = request(id, None, &[("content-type", "application/json")], &body);
                assert_eq!(found, vec![], "{id}: {body}");
                checked += 1;
            }
        }
    }
    assert_eq!(checked, 7);
}
