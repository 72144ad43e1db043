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
    mock.assert_400_naming(Method::PATCH, MOVE_FB, &cases).await;
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

// ------------------------------------------------------------ assign_placement_to_group

const MOVE_PAGE: &str = "/api/profiles/prof_fb_001/assign_placement_to_group";

fn page_to(placement: &str, target: &str) -> Value {
    json!({ "placement_id": placement, "target_profile_group_id": target })
}

#[tokio::test]
async fn a_placement_moves_to_a_counterpart_made_in_the_target_group() {
    let mock = Mock::start().await;
    let careers = "/api/profiles/prof_fb_001/stats?placement_id=200000000000002";
    let series = mock.get(careers, FULL).await.body["data"]["records"].clone();
    assert!(!series.as_array().unwrap().is_empty());
    let counts = (
        mock.profiles_count("grp456def").await,
        mock.profiles_count("grp789ghi").await,
    );

    let moved = mock
        .patch(MOVE_PAGE, FULL, page_to("200000000000002", "grp789ghi"))
        .await;
    let moved = moved.assert_ok().clone();
    assert_eq!(moved["id"], "200000000000002");
    assert_eq!(moved["name"], "Client Co Careers");
    assert_eq!(moved["profile_group_id"], "grp789ghi");
    let there = moved["profile_id"].as_str().unwrap().to_string();
    assert_ne!(there, "prof_fb_001");

    // The counterpart: the same account, in the target group, with the placement.
    let profile = mock.get(&format!("/api/profiles/{there}"), FULL).await;
    let profile = profile.assert_ok();
    assert_eq!(
        (
            &profile["platform"],
            &profile["name"],
            &profile["profile_group_id"]
        ),
        (&json!("facebook"), &json!("Client Co"), &json!("grp789ghi"))
    );
    assert_eq!(profile["platform_id"], "100000000000001");
    assert_eq!(profile["post_count"], 0);
    let latest: Vec<&Value> = profile["latest_stats"].as_array().unwrap().iter().collect();
    assert_eq!(latest.len(), 1);
    assert_eq!(latest[0]["placement_id"], "200000000000002");
    let listed = mock
        .get(&format!("/api/profiles/{there}/placements"), FULL)
        .await;
    assert_eq!(ids(listed.assert_ok()), ["200000000000002"]);
    let stats = mock
        .get(
            &format!("/api/profiles/{there}/stats?placement_id=200000000000002"),
            FULL,
        )
        .await;
    assert_eq!(stats.assert_ok()["data"]["records"], series);
    assert_eq!(mock.profiles_count("grp789ghi").await, counts.1 + 1);
    assert_eq!(mock.profiles_count("grp456def").await, counts.0);

    // The profile it left: the other page only, and no series for the moved one.
    let left = mock.get("/api/profiles/prof_fb_001/placements", FULL).await;
    assert_eq!(ids(left.assert_ok()), ["200000000000001"]);
    mock.get(careers, FULL)
        .await
        .assert_error(404, "Placement not found");
    let detail = mock.get("/api/profiles/prof_fb_001", FULL).await;
    let latest = detail.assert_ok()["latest_stats"]
        .as_array()
        .unwrap()
        .clone();
    assert!(latest
        .iter()
        .all(|l| l["placement_id"] == "200000000000001"));

    // The other page joins the same counterpart; the profile it left stays, with none.
    let second = mock
        .patch(MOVE_PAGE, FULL, page_to("200000000000001", "grp789ghi"))
        .await;
    assert_eq!(second.assert_ok()["profile_id"], there.as_str());
    assert_eq!(mock.profiles_count("grp789ghi").await, counts.1 + 1);
    let listed = mock
        .get(&format!("/api/profiles/{there}/placements"), FULL)
        .await;
    assert_eq!(
        ids(listed.assert_ok()),
        ["200000000000002", "200000000000001"]
    );
    let left = mock.get("/api/profiles/prof_fb_001/placements", FULL).await;
    assert_eq!(left.assert_ok()["data"], json!([]));

    // Back again: the counterpart of the counterpart is prof_fb_001 (the same platform_id).
    let back = mock
        .patch(
            &format!("/api/profiles/{there}/assign_placement_to_group"),
            FULL,
            page_to("200000000000002", "grp456def"),
        )
        .await;
    assert_eq!(back.assert_ok()["profile_id"], "prof_fb_001");
    assert_eq!(
        mock.get(careers, FULL).await.assert_ok()["data"]["records"],
        series
    );
}

#[tokio::test]
async fn a_placement_already_in_the_target_group_stays() {
    let mock = Mock::start().await;
    let before = state(&mock).await;
    let same = mock
        .patch(MOVE_PAGE, FULL, page_to("200000000000002", "grp456def"))
        .await;
    assert_eq!(same.assert_ok()["profile_id"], "prof_fb_001");
    assert_eq!(same.assert_ok()["profile_group_id"], "grp456def");
    assert_eq!(state(&mock).await, before);
}

#[tokio::test]
async fn one_series_per_profile_stays_with_the_profile() {
    // pinterest keeps one series per profile, not per placement: it does not move.
    let mock = Mock::start().await;
    let boards = mock.get("/api/profiles/prof_pi_001/placements", FULL).await;
    let board = ids(boards.assert_ok())[0].clone();
    let series = mock.get("/api/profiles/prof_pi_001/stats", FULL).await.body;
    let moved = mock
        .patch(
            "/api/profiles/prof_pi_001/assign_placement_to_group",
            FULL,
            page_to(&board, "grp789ghi"),
        )
        .await;
    let there = moved.assert_ok()["profile_id"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(
        mock.get("/api/profiles/prof_pi_001/stats", FULL).await.body,
        series
    );
    let new_series = mock
        .get(&format!("/api/profiles/{there}/stats"), FULL)
        .await;
    assert_eq!(new_series.assert_ok()["data"]["records"], json!([]));
}

#[tokio::test]
async fn placement_moves_that_cannot_be_made_are_refused_and_change_nothing() {
    let mock = Mock::start().await;
    let before = state(&mock).await;
    let placements = mock
        .get("/api/profiles/prof_fb_001/placements", FULL)
        .await
        .body;
    for (path, key, body, status, error) in [
        (
            MOVE_PAGE,
            FULL,
            page_to("999", "grp789ghi"),
            404,
            "Placement not found",
        ),
        (
            MOVE_PAGE,
            FULL,
            page_to("", "grp789ghi"),
            404,
            "Placement not found",
        ),
        (
            MOVE_PAGE,
            FULL,
            page_to("200000000000002", "grp_nope"),
            404,
            "Target profile group not found",
        ),
        (
            MOVE_PAGE,
            SCOPED,
            page_to("200000000000002", "grp789ghi"),
            404,
            "Target profile group not found",
        ),
        (
            "/api/profiles/prof_li_001/assign_placement_to_group",
            SCOPED,
            page_to("108520199", "grp456def"),
            404,
            "Not found",
        ),
        (
            "/api/profiles/prof654jkl/assign_placement_to_group",
            FULL,
            page_to("1", "grp789ghi"),
            422,
            "Placements are not available for twitter profiles; they are available for \
             facebook, linkedin, pinterest, telegram and google_business profiles",
        ),
        (
            "/api/profiles/prof_nope/assign_placement_to_group",
            FULL,
            page_to("1", "grp789ghi"),
            404,
            "Not found",
        ),
    ] {
        mock.patch(path, key, body)
            .await
            .assert_error(status, error);
    }
    let cases: [(&str, &str); 6] = [
        ("[]", "expected a JSON object, found an array"),
        (
            "{\"target_profile_group_id\": \"grp789ghi\"}",
            "placement_id",
        ),
        (
            "{\"placement_id\": \"200000000000002\"}",
            "target_profile_group_id",
        ),
        (
            "{\"placement_id\": 200000000000002, \"target_profile_group_id\": \"grp789ghi\"}",
            "placement_id",
        ),
        (
            "{\"placement_id\": \"200000000000002\", \"target_profile_group_id\": {}}",
            "target_profile_group_id",
        ),
        (
            "{\"placement_id\": null, \"target_profile_group_id\": \"grp789ghi\"}",
            "placement_id",
        ),
    ];
    mock.assert_400_naming(Method::PATCH, MOVE_PAGE, &cases)
        .await;
    assert_eq!(state(&mock).await, before);
    let after = mock
        .get("/api/profiles/prof_fb_001/placements", FULL)
        .await
        .body;
    assert_eq!(after, placements);
}

#[tokio::test]
async fn a_counterpart_that_already_has_the_placement_is_422() {
    let mock = Mock::start().await;
    let moved = mock
        .patch(MOVE_PAGE, FULL, page_to("200000000000002", "grp789ghi"))
        .await;
    let there = moved.assert_ok()["profile_id"]
        .as_str()
        .unwrap()
        .to_string();
    // The control API gives prof_fb_001 the same page id again.
    let page = postproxy_models::Placement {
        id: Some("200000000000002".into()),
        name: "Again".into(),
        avatar_url: None,
        metadata: Default::default(),
    };
    mock.server
        .control()
        .add_placement(common::DEMO, "prof_fb_001", &page)
        .await
        .unwrap();
    mock.patch(MOVE_PAGE, FULL, page_to("200000000000002", "grp789ghi"))
        .await
        .assert_error(
            422,
            "The target group's facebook profile already has placement 200000000000002",
        );
    let listed = mock
        .get(&format!("/api/profiles/{there}/placements"), FULL)
        .await;
    assert_eq!(ids(listed.assert_ok()), ["200000000000002"]);
}
