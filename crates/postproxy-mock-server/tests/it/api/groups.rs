//! Profile groups: create, list, get and delete, the request body's two shapes, and ids that
//! follow the seed.

use crate::common;

use common::{Mock, FULL, SCOPED};
use serde_json::json;

#[tokio::test]
async fn create_list_get_delete_group() {
    let mock = Mock::start().await;
    let created = mock
        .post(
            "/api/profile_groups",
            FULL,
            json!({"profile_group": {"name": "New Client Project"}}),
        )
        .await;
    assert_eq!(created.status, 201);
    let id = created.body["id"].as_str().unwrap().to_string();
    assert!(id.starts_with("grp_"), "{id}");
    assert_eq!(
        created.body,
        json!({"id": id, "name": "New Client Project", "profiles_count": 0})
    );
    assert_eq!(mock.group_ids(FULL).await.last(), Some(&id));
    let fetched = mock.get(&format!("/api/profile_groups/{id}"), FULL).await;
    assert_eq!(fetched.assert_ok(), &created.body);
    // A scoped key of the same account does not see it.
    mock.get(&format!("/api/profile_groups/{id}"), SCOPED)
        .await
        .assert_error(404, "Not found");

    let deleted = mock
        .delete(&format!("/api/profile_groups/{id}"), FULL)
        .await;
    assert_eq!(
        (deleted.status, deleted.body),
        (200, json!({"deleted": true}))
    );
    mock.get(&format!("/api/profile_groups/{id}"), FULL)
        .await
        .assert_error(404, "Not found");
    mock.delete(&format!("/api/profile_groups/{id}"), FULL)
        .await
        .assert_error(404, "Not found");
    assert_eq!(mock.group_ids(FULL).await.len(), 4);
}

#[tokio::test]
async fn create_group_accepts_the_flat_body_and_prefers_the_nested_name() {
    let mock = Mock::start().await;
    let flat = mock
        .post("/api/profile_groups", FULL, json!({"name": "Flat"}))
        .await;
    assert_eq!((flat.status, &flat.body["name"]), (201, &json!("Flat")));
    let both = mock
        .post(
            "/api/profile_groups",
            FULL,
            json!({"name": "Flat", "profile_group": {"name": "Nested"}, "extra": 1}),
        )
        .await;
    assert_eq!((both.status, &both.body["name"]), (201, &json!("Nested")));
    assert_ne!(flat.body["id"], both.body["id"]);
}

#[tokio::test]
async fn create_group_with_a_blank_or_missing_name_is_422() {
    let mock = Mock::start().await;
    for body in [
        json!({}),
        json!({"name": ""}),
        json!({"name": "   "}),
        json!({"profile_group": {}}),
        json!({"profile_group": {"name": ""}}),
        json!({"profile_group": {"name": "\t"}, "name": "fallback is not used"}),
    ] {
        mock.post("/api/profile_groups", FULL, body)
            .await
            .assert_error(422, "Name can't be blank");
    }
    assert_eq!(mock.group_ids(FULL).await.len(), 4);
}

#[tokio::test]
async fn delete_group_removes_its_profiles() {
    let mock = Mock::start().await;
    let before = mock.profile_ids(FULL).await.len();
    mock.delete("/api/profile_groups/grp456xyz", FULL)
        .await
        .assert_ok();
    for profile in ["prof123abc", "prof_li_001"] {
        mock.get(&format!("/api/profiles/{profile}"), FULL)
            .await
            .assert_error(404, "Not found");
    }
    assert_eq!(mock.profile_ids(FULL).await.len(), before - 5);
    mock.get("/api/profiles?profile_group_id=grp456xyz", FULL)
        .await
        .assert_error(404, "Not found");
}

#[tokio::test]
async fn new_ids_are_deterministic_per_seed() {
    async fn created_ids(seed: u64) -> Vec<String> {
        let server = postproxy_mock_server::MockServer::builder()
            .seed(seed)
            .start()
            .await
            .unwrap();
        let mock = Mock::with(server);
        let mut out = Vec::new();
        for name in ["a", "b", "c"] {
            let reply = mock
                .post("/api/profile_groups", FULL, json!({"name": name}))
                .await;
            out.push(reply.body["id"].as_str().unwrap().to_string());
        }
        let reply = mock
            .post(
                "/api/profile_groups/grp123abc/initialize_connection",
                FULL,
                json!({"platform": "instagram", "redirect_url": "https://example.com"}),
            )
            .await;
        let url = reply.body["url"].as_str().unwrap();
        out.push(url.rsplit('/').next().unwrap().to_string());
        out
    }
    let first = created_ids(7).await;
    assert_eq!(first, created_ids(7).await);
    assert_ne!(first, created_ids(8).await);
    let unique: std::collections::HashSet<_> = first.iter().collect();
    assert_eq!(unique.len(), first.len());
}
