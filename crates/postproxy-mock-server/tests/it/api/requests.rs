//! How requests are read: what is accepted for compatibility (trailing slashes, stray headers
//! and query parameters) and what is refused (malformed, null, non-object or oversized bodies,
//! unknown routes and methods).

use crate::common;

use common::{ids, Mock, FULL};
use reqwest::Method;
use serde_json::{json, Value};

use super::INIT;

// ---------------------------------------------------------------- compatibility

#[tokio::test]
async fn trailing_slashes_are_accepted() {
    let mock = Mock::start().await;
    assert_eq!(
        ids(mock.get("/api/profile_groups/", FULL).await.assert_ok()).len(),
        4
    );
    let reply = mock.get("/api/profiles/prof_li_001/", FULL).await;
    assert_eq!(reply.assert_ok()["id"], "prof_li_001");
    let reply = mock
        .get("/api/profiles/?profile_group_id=grp789ghi", FULL)
        .await;
    assert_eq!(ids(reply.assert_ok()).len(), 2);
    let created = mock
        .post("/api/profile_groups/", FULL, json!({"name": "Slash"}))
        .await;
    assert_eq!(created.status, 201);
}

#[tokio::test]
async fn content_type_on_get_and_delete_and_unknown_query_parameters_are_accepted() {
    let mock = Mock::start().await;
    let headers = [("content-type", "application/json")];
    mock.raw(
        Method::GET,
        "/api/profiles?foo=bar&page=2",
        FULL,
        None,
        &headers,
    )
    .await
    .assert_ok();
    mock.raw(
        Method::DELETE,
        "/api/profiles/prof654jkl",
        FULL,
        None,
        &headers,
    )
    .await
    .assert_ok();
}

// ---------------------------------------------------------------- bad input

#[tokio::test]
async fn malformed_json_is_400_and_changes_nothing() {
    let mock = Mock::start().await;
    for body in [
        &b"{\"name\": "[..],
        b"not json",
        b"{\"name\": 5}",
        b"[]",
        b"",
    ] {
        let reply = mock
            .raw(
                Method::POST,
                "/api/profile_groups",
                FULL,
                Some(body.to_vec()),
                &[],
            )
            .await;
        assert_eq!(reply.status, 400, "{body:?}");
        assert_eq!(
            reply.headers["content-type"], "application/json",
            "{body:?}"
        );
        reply.error();
    }
    let reply = mock
        .raw(
            Method::POST,
            INIT,
            FULL,
            Some(b"{\"platform\": true}".to_vec()),
            &[],
        )
        .await;
    assert_eq!(reply.status, 400);
    assert_eq!(mock.group_ids(FULL).await.len(), 4);
}

/// Found by schemathesis (negative data accepted): `"name": null` created a group and
/// `"force_no_redirect": null` an invitation, because serde reads a `null` into an `Option` as
/// an absent field. No request field of the spec is nullable, so a `null` is a wrong type.
#[tokio::test]
async fn null_for_a_documented_body_field_is_400_naming_it() {
    let mock = Mock::start().await;
    for (body, field) in [
        (
            json!({"profile_group": {"name": "A"}, "name": null}),
            "name",
        ),
        (json!({"name": "A", "profile_group": null}), "profile_group"),
        (
            json!({"profile_group": {"name": null}}),
            "profile_group.name",
        ),
    ] {
        let reply = mock.post("/api/profile_groups", FULL, body.clone()).await;
        assert_eq!(reply.status, 400, "{body}");
        let message = reply.error();
        assert!(
            message.contains(&format!("at {field}:")) && message.contains("null"),
            "{body}: {message}"
        );
    }
    assert_eq!(mock.group_ids(FULL).await.len(), 4);
    for field in [
        "platform",
        "redirect_url",
        "identifier",
        "app_password",
        "bot_token",
        "onboarding",
        "refresh_connection",
        "force_no_redirect",
    ] {
        let mut body = json!({"platform": "instagram", "redirect_url": "https://example.com/cb"});
        body[field] = Value::Null;
        let reply = mock.post(INIT, FULL, body).await;
        assert_eq!(reply.status, 400, "{field}");
        assert!(reply.error().contains(field), "{field}");
    }
    // A null in a field the spec does not know is ignored, like the field.
    let created = mock
        .post(
            "/api/profile_groups",
            FULL,
            json!({"profile_group": {"name": "A", "color": null}, "extra": null}),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.body);
    let body =
        json!({"platform": "instagram", "redirect_url": "https://example.com/cb", "chat_id": null});
    let connected = mock.post(INIT, FULL, body).await;
    assert_eq!(connected.status, 200, "{}", connected.body);
}

#[tokio::test]
async fn unknown_route_and_wrong_method() {
    let mock = Mock::start().await;
    mock.get("/api/nothing", FULL)
        .await
        .assert_error(404, "Not found");
    let reply = mock
        .raw(Method::PUT, "/api/profile_groups", FULL, None, &[])
        .await;
    reply.assert_error(405, "Method not allowed");
    let allow = reply.headers["allow"].to_str().unwrap();
    assert!(allow.contains("GET") && allow.contains("POST"), "{allow}");
}

#[tokio::test]
async fn body_over_one_mib_is_413() {
    let mock = Mock::start().await;
    let mut body = b"{\"name\": \"".to_vec();
    body.extend(std::iter::repeat_n(b'a', 1024 * 1024 + 1));
    body.extend(b"\"}");
    let reply = mock
        .raw(Method::POST, "/api/profile_groups", FULL, Some(body), &[])
        .await;
    assert_eq!(reply.status, 413);
    reply.error();
    assert_eq!(mock.group_ids(FULL).await.len(), 4);
}

/// A body must be a JSON object: serde would read a struct from an array by position, so
/// `["FromArray", {}]` once created a group named "FromArray".
#[tokio::test]
async fn a_body_that_is_not_an_object_is_400_naming_it() {
    let mock = Mock::start().await;
    let cases = [
        (r#"["FromArray", {}]"#, "an array"),
        (r#"[{"name": "x"}]"#, "an array"),
        (r#""FromString""#, "a string"),
        ("42", "a number"),
        ("true", "a boolean"),
        ("null", "null"),
    ];
    let paths = [
        "/api/profile_groups",
        "/api/profile_groups/grp123abc/initialize_connection",
        // The control API reads its bodies the same way.
        "/__mock/accounts",
        "/__mock/accounts/acct_demo/clock/advance",
    ];
    for path in paths {
        for (body, found) in cases {
            let reply = mock
                .raw(
                    Method::POST,
                    path,
                    FULL,
                    Some(body.as_bytes().to_vec()),
                    &[],
                )
                .await;
            reply.assert_error(
                400,
                &format!("Invalid request body: expected a JSON object, found {found}"),
            );
        }
    }
    assert_eq!(mock.group_ids(FULL).await.len(), 4, "nothing was created");
    assert_eq!(
        mock.get("/__mock/accounts", None)
            .await
            .body
            .as_array()
            .unwrap()
            .len(),
        1
    );
}
