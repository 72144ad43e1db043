//! Idempotency-Key: a replay answers as the first request did, a different request under the
//! same key is refused, a failure is not kept, and an over-long key is a 400.

use crate::common;

use common::{Mock, FULL};
use reqwest::Method;
use serde_json::{json, Value};

#[tokio::test]
async fn idempotent_create_group_replays_and_rejects_a_different_body() {
    let mock = Mock::start().await;
    let send = |name: &'static str, key: &'static str| {
        let mock = &mock;
        async move {
            let body = serde_json::to_vec(&json!({"name": name})).unwrap();
            mock.raw(
                Method::POST,
                "/api/profile_groups",
                FULL,
                Some(body),
                &[("idempotency-key", key)],
            )
            .await
        }
    };
    let first = send("Once", "key-1").await;
    let again = send("Once", "key-1").await;
    assert_eq!(first.status, 201);
    assert_eq!((again.status, &again.body), (201, &first.body));
    assert_eq!(mock.group_ids(FULL).await.len(), 5);
    send("Other", "key-1").await.assert_error(
        422,
        "Idempotency-Key has already been used with a different request",
    );
    let other_key = send("Once", "key-2").await;
    assert_eq!(other_key.status, 201);
    assert_ne!(other_key.body["id"], first.body["id"]);
    assert_eq!(mock.group_ids(FULL).await.len(), 6);
}

#[tokio::test]
async fn idempotent_delete_profile_replays_success() {
    let mock = Mock::start().await;
    let delete = |path: &'static str| {
        let mock = &mock;
        async move {
            mock.raw(
                Method::DELETE,
                path,
                FULL,
                None,
                &[("Idempotency-Key", "del-1")],
            )
            .await
        }
    };
    let first = delete("/api/profiles/prof123abc").await;
    let again = delete("/api/profiles/prof123abc").await;
    assert_eq!(
        (first.status, &first.body),
        (200, &json!({"success": true}))
    );
    assert_eq!(
        (again.status, &again.body),
        (200, &json!({"success": true}))
    );
    // Without the key the profile is gone.
    mock.delete("/api/profiles/prof123abc", FULL)
        .await
        .assert_error(404, "Not found");
    delete("/api/profiles/prof654jkl").await.assert_error(
        422,
        "Idempotency-Key has already been used with a different request",
    );
    mock.get("/api/profiles/prof654jkl", FULL).await.assert_ok();
}

#[tokio::test]
async fn failed_requests_are_not_replayed() {
    let mock = Mock::start().await;
    let send = |body: Value| {
        let mock = &mock;
        async move {
            mock.raw(
                Method::POST,
                "/api/profile_groups",
                FULL,
                Some(serde_json::to_vec(&body).unwrap()),
                &[("Idempotency-Key", "retry-me")],
            )
            .await
        }
    };
    send(json!({"name": ""}))
        .await
        .assert_error(422, "Name can't be blank");
    assert_eq!(send(json!({"name": "Fixed"})).await.status, 201);
}

#[tokio::test]
async fn too_long_idempotency_key_is_400() {
    let mock = Mock::start().await;
    let key = "k".repeat(256);
    let reply = mock
        .raw(
            Method::DELETE,
            "/api/profile_groups/grp789ghi",
            FULL,
            None,
            &[("Idempotency-Key", &key)],
        )
        .await;
    assert_eq!(reply.status, 400);
    assert!(!reply.error().contains(&key));
    assert_eq!(mock.group_ids(FULL).await.len(), 4);
}
