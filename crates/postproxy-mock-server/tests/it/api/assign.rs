//! assign_to_group (the official SDKs' `PATCH /api/profiles/{id}/assign_to_group`): the profile
//! moves with its placements and stats, both groups' counts follow, and every refusal names
//! what is wrong and changes nothing.

use crate::common;

use common::{ids, Mock, FULL, SCOPED};
use reqwest::Method;
use serde_json::{json, Value};

const MOVE_FB: &str = "/api/profiles/prof_fb_001/assign_to_group";

/// What a refused move must leave as it was: where every profile is, and every count.
async fn state(mock: &Mock) -> (Vec<String>, Vec<i64>) {
    let mut where_ = Vec::new();
    for group in mock.group_ids(FULL).await {
        let listed = mock
            .get(&format!("/api/profiles?profile_group_id={group}"), FULL)
            .await;
        for id in ids(listed.assert_ok()) {
            where_.push(format!("{group}/{id}"));
        }
    }
    let mut counts = Vec::new();
    for group in mock.group_ids(FULL).await {
        counts.push(mock.profiles_count(&group).await);
    }
    (where_, counts)
}

#[tokio::test]
async fn a_profile_moves_with_its_placements_and_stats_and_both_counts_follow() {
    let mock = Mock::start().await;
    let placements_before = mock.get("/api/profiles/prof_fb_001/placements", FULL).await;
    let stats_path = "/api/profiles/prof_fb_001/stats?placement_id=200000000000001";
    let stats_before = mock.get(stats_path, FULL).await;
    let (from, to) = (
        mock.profiles_count("grp456def").await,
        mock.profiles_count("grp789ghi").await,
    );

    let moved = mock
        .patch(
            MOVE_FB,
            FULL,
            json!({"target_profile_group_id": "grp789ghi"}),
        )
        .await;
    let moved = moved.assert_ok();
    assert_eq!(moved["id"], "prof_fb_001");
    assert_eq!(moved["profile_group_id"], "grp789ghi");
    assert_eq!(moved["username"], "clientco");

    assert_eq!(mock.profiles_count("grp456def").await, from - 1);
    assert_eq!(mock.profiles_count("grp789ghi").await, to + 1);
    let listed = mock
        .get("/api/profiles?profile_group_id=grp789ghi", FULL)
        .await;
    assert!(ids(listed.assert_ok()).contains(&"prof_fb_001".to_string()));
    let detail = mock
        .get("/api/profiles/prof_fb_001?profile_group_id=grp789ghi", FULL)
        .await;
    assert_eq!(detail.assert_ok()["profile_group_id"], "grp789ghi");
    // Its old group no longer resolves it; its placements and stats came along.
    mock.get("/api/profiles/prof_fb_001?profile_group_id=grp456def", FULL)
        .await
        .assert_error(404, "Not found");
    let placements = mock.get("/api/profiles/prof_fb_001/placements", FULL).await;
    assert_eq!(placements.body, placements_before.body);
    let stats = mock.get(stats_path, FULL).await;
    assert_eq!(stats.body, stats_before.body);
    // The scoped key (grp456def) no longer sees it.
    mock.get("/api/profiles/prof_fb_001", SCOPED)
        .await
        .assert_error(404, "Not found");
}

#[tokio::test]
async fn the_group_it_is_already_in_changes_nothing() {
    let mock = Mock::start().await;
    let before = state(&mock).await;
    let same = mock
        .patch(
            MOVE_FB,
            FULL,
            json!({"target_profile_group_id": "grp456def"}),
        )
        .await;
    assert_eq!(same.assert_ok()["profile_group_id"], "grp456def");
    assert_eq!(state(&mock).await, before);
}

#[tokio::test]
async fn an_unknown_or_unreachable_target_is_404_and_changes_nothing() {
    let mock = Mock::start().await;
    let before = state(&mock).await;
    for target in ["grp_nope", "", "GRP789GHI"] {
        mock.patch(MOVE_FB, FULL, json!({ "target_profile_group_id": target }))
            .await
            .assert_error(404, "Target profile group not found");
    }
    // The scoped key (grp456def) cannot see grp789ghi: the same answer as for none at all.
    mock.patch(
        MOVE_FB,
        SCOPED,
        json!({"target_profile_group_id": "grp789ghi"}),
    )
    .await
    .assert_error(404, "Target profile group not found");
    // ... and cannot move what it cannot see, whatever the target.
    mock.patch(
        "/api/profiles/prof_ig_001/assign_to_group",
        SCOPED,
        json!({"target_profile_group_id": "grp456def"}),
    )
    .await
    .assert_error(404, "Not found");
    mock.patch(
        "/api/profiles/prof_nope/assign_to_group",
        FULL,
        json!({"target_profile_group_id": "grp789ghi"}),
    )
    .await
    .assert_error(404, "Not found");
    // profile_group_id must name the group the profile is in.
    mock.patch(
        &format!("{MOVE_FB}?profile_group_id=grp123abc"),
        FULL,
        json!({"target_profile_group_id": "grp789ghi"}),
    )
    .await
    .assert_error(404, "Not found");
    // The scoped key moving within its own group is the no-op.
    let same = mock
        .patch(
            MOVE_FB,
            SCOPED,
            json!({"target_profile_group_id": "grp456def"}),
        )
        .await;
    assert_eq!(same.assert_ok()["profile_group_id"], "grp456def");
    assert_eq!(state(&mock).await, before);
    mock.patch(
        MOVE_FB,
        Some("pp_wrong"),
        json!({"target_profile_group_id": "grp789ghi"}),
    )
    .await
    .assert_error(401, "Invalid API key");
}

#[tokio::test]
async fn bad_bodies_are_400_naming_the_field_and_change_nothing() {
    let mock = Mock::start().await;
    let before = state(&mock).await;
    let cases: [(&str, &str); 7] = [
        ("[]", "expected a JSON object, found an array"),
        ("\"grp789ghi\"", "expected a JSON object, found a string"),
        ("{}", "target_profile_group_id"),
        (
            "{\"target_profile_group_id\": 42}",
            "target_profile_group_id",
        ),
        (
            "{\"target_profile_group_id\": null}",
            "target_profile_group_id",
        ),
        (
            "{\"target_profile_group_id\": [\"grp789ghi\"]}",
            "target_profile_group_id",
        ),
        ("{\"target_profile_group_id\": ", "Invalid request body"),
    ];
    for (body, names) in cases {
        let reply = mock
            .raw(
                Method::PATCH,
                MOVE_FB,
                FULL,
                Some(body.as_bytes().to_vec()),
                &[],
            )
            .await;
        assert_eq!(reply.status, 400, "{body}: {:?}", reply.body);
        assert!(reply.error().contains(names), "{body}: {}", reply.error());
    }
    assert_eq!(state(&mock).await, before);
}

#[tokio::test]
async fn an_idempotency_key_replays_the_move_and_refuses_another_target() {
    let mock = Mock::start().await;
    let send = |target: &'static str| {
        let mock = &mock;
        async move {
            let body = serde_json::to_vec(&json!({ "target_profile_group_id": target })).unwrap();
            mock.raw(
                Method::PATCH,
                MOVE_FB,
                FULL,
                Some(body),
                &[("idempotency-key", "move-1")],
            )
            .await
        }
    };
    let first = send("grp789ghi").await;
    assert_eq!(first.status, 200);
    // Moved back in between: the same request with the key still answers the first move.
    mock.patch(
        MOVE_FB,
        FULL,
        json!({"target_profile_group_id": "grp456def"}),
    )
    .await
    .assert_ok();
    let again = send("grp789ghi").await;
    assert_eq!((again.status, &again.body), (200, &first.body));
    assert_eq!(mock.profiles_count("grp789ghi").await, 2);
    send("grp123abc").await.assert_error(
        422,
        "Idempotency-Key has already been used with a different request",
    );
    let body: Value = mock.get("/api/profiles/prof_fb_001", FULL).await.body;
    assert_eq!(body["profile_group_id"], "grp456def");
}
