//! Authentication and scoping: every operation refuses a missing, unknown or malformed key
//! alike, a full-access key sees everything and a scoped key only its own group.

use crate::common;

use common::{Mock, FULL, SCOPED};
use reqwest::Method;
use serde_json::{json, Value};

// ---------------------------------------------------------------- authentication

/// One request per operation, each valid apart from its credentials.
const EVERY_OPERATION: [(&str, &str, Option<&str>); 10] = [
    ("GET", "/api/profiles", None),
    ("GET", "/api/profiles/prof123abc", None),
    ("DELETE", "/api/profiles/prof123abc", None),
    ("GET", "/api/profiles/prof123abc/placements", None),
    ("GET", "/api/profiles/prof654jkl/stats", None),
    ("GET", "/api/profile_groups", None),
    ("POST", "/api/profile_groups", Some(r#"{"name": "New"}"#)),
    ("GET", "/api/profile_groups/grp123abc", None),
    ("DELETE", "/api/profile_groups/grp123abc", None),
    (
        "POST",
        "/api/profile_groups/grp123abc/initialize_connection",
        Some(r#"{"platform": "instagram", "redirect_url": "https://example.com/cb"}"#),
    ),
];

async fn every_operation_with(mock: &Mock, headers: &[(&str, &str)]) -> Vec<(String, u16, Value)> {
    let mut replies = Vec::new();
    for (method, path, body) in EVERY_OPERATION {
        let reply = mock
            .raw(
                method.parse::<Method>().unwrap(),
                path,
                None,
                body.map(|b| b.as_bytes().to_vec()),
                headers,
            )
            .await;
        replies.push((format!("{method} {path}"), reply.status, reply.body));
    }
    replies
}

fn all_invalid_api_key(replies: Vec<(String, u16, Value)>) {
    for (request, status, body) in replies {
        assert_eq!(
            (status, body),
            (401, json!({"error": "Invalid API key"})),
            "{request}"
        );
    }
}

#[tokio::test]
async fn every_operation_without_a_key_is_401() {
    let mock = Mock::start().await;
    all_invalid_api_key(every_operation_with(&mock, &[]).await);
    // Nothing changed.
    assert_eq!(mock.group_ids(FULL).await.len(), 4);
    assert_eq!(mock.profiles_count("grp123abc").await, 5);
}

#[tokio::test]
async fn every_operation_with_an_unknown_key_is_401() {
    let mock = Mock::start().await;
    all_invalid_api_key(
        every_operation_with(&mock, &[("authorization", "Bearer pp_not_a_key")]).await,
    );
}

#[tokio::test]
async fn malformed_authorization_headers_are_401() {
    let mock = Mock::start().await;
    for value in [
        format!("Basic {}", postproxy_mock_server::DEMO_FULL_ACCESS_KEY),
        "Bearer".to_string(),
        postproxy_mock_server::DEMO_FULL_ACCESS_KEY.to_string(),
    ] {
        let reply = mock
            .raw(
                Method::GET,
                "/api/profile_groups",
                None,
                None,
                &[("authorization", &value)],
            )
            .await;
        reply.assert_error(401, "Invalid API key");
    }
}

// ---------------------------------------------------------------- scoping

#[tokio::test]
async fn full_access_key_sees_every_group_and_profile() {
    let mock = Mock::start().await;
    assert_eq!(
        mock.group_ids(FULL).await,
        ["grp456xyz", "grp123abc", "grp456def", "grp789ghi"]
    );
    assert_eq!(mock.profile_ids(FULL).await.len(), 15);
}

#[tokio::test]
async fn scoped_key_sees_only_its_group() {
    let mock = Mock::start().await;
    assert_eq!(mock.group_ids(SCOPED).await, ["grp456def"]);
    assert_eq!(
        mock.profile_ids(SCOPED).await,
        ["prof_tg_001", "prof_fb_001", "prof_gb_001"]
    );
    let own = mock.get("/api/profile_groups/grp456def", SCOPED).await;
    assert_eq!(
        own.assert_ok(),
        &json!({"id": "grp456def", "name": "Client Project", "profiles_count": 3})
    );
}

#[tokio::test]
async fn scoped_key_gets_404_for_other_groups_and_their_profiles() {
    let mock = Mock::start().await;
    for path in [
        "/api/profile_groups/grp123abc",
        "/api/profiles?profile_group_id=grp123abc",
        "/api/profiles/prof123abc",
        "/api/profiles/prof123abc/placements",
        "/api/profiles/prof654jkl/stats",
    ] {
        mock.get(path, SCOPED).await.assert_error(404, "Not found");
    }
    mock.delete("/api/profiles/prof123abc", SCOPED)
        .await
        .assert_error(404, "Not found");
    mock.post(
        "/api/profile_groups/grp123abc/initialize_connection",
        SCOPED,
        json!({"platform": "instagram", "redirect_url": "https://example.com/cb"}),
    )
    .await
    .assert_error(404, "Not found");
    // The profile the scoped key tried to delete is still there.
    mock.get("/api/profiles/prof123abc", FULL).await.assert_ok();
}

#[tokio::test]
async fn scoped_key_cannot_create_or_delete_groups() {
    let mock = Mock::start().await;
    mock.post(
        "/api/profile_groups",
        SCOPED,
        json!({"profile_group": {"name": "Mine"}}),
    )
    .await
    .assert_error(422, "Your API key has no such permission");
    for group in ["grp456def", "grp123abc", "grp_does_not_exist"] {
        mock.delete(&format!("/api/profile_groups/{group}"), SCOPED)
            .await
            .assert_error(422, "Your API key has no such permission");
    }
    assert_eq!(mock.group_ids(FULL).await.len(), 4);
    assert_eq!(mock.profiles_count("grp456def").await, 3);
}

#[tokio::test]
async fn scoped_key_can_use_its_own_profiles() {
    let mock = Mock::start().await;
    mock.get("/api/profiles/prof_tg_001/placements", SCOPED)
        .await
        .assert_ok();
    mock.post(
        "/api/profile_groups/grp456def/initialize_connection",
        SCOPED,
        json!({"platform": "instagram", "redirect_url": "https://example.com/cb"}),
    )
    .await
    .assert_ok();
    mock.delete("/api/profiles/prof_fb_001", SCOPED)
        .await
        .assert_ok();
    assert_eq!(mock.profiles_count("grp456def").await, 2);
}
