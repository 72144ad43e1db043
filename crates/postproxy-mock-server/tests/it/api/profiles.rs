//! Profiles: resolution under `profile_group_id`, get_profile's stats and statuses, placements
//! and delete_profile.

use crate::common;

use common::{ids, Mock, FULL};
use serde_json::{json, Value};

// ---------------------------------------------------------------- profile resolution

#[tokio::test]
async fn profile_group_id_restricts_resolution() {
    let mock = Mock::start().await;
    for suffix in ["", "/placements"] {
        let path = format!("/api/profiles/prof_li_001{suffix}");
        mock.get(&format!("{path}?profile_group_id=grp456xyz"), FULL)
            .await
            .assert_ok();
        mock.get(&format!("{path}?profile_group_id=grp123abc"), FULL)
            .await
            .assert_error(404, "Not found");
        // An empty value (what Python sends for an empty default) means "not given".
        mock.get(&format!("{path}?profile_group_id="), FULL)
            .await
            .assert_ok();
    }
    mock.get(
        "/api/profiles/prof_li_001/stats?placement_id=108520199&profile_group_id=grp789ghi",
        FULL,
    )
    .await
    .assert_error(404, "Not found");
    mock.delete("/api/profiles/prof_li_001?profile_group_id=grp123abc", FULL)
        .await
        .assert_error(404, "Not found");
    mock.get("/api/profiles/prof_li_001", FULL)
        .await
        .assert_ok();
}

#[tokio::test]
async fn list_profiles_filters_by_group() {
    let mock = Mock::start().await;
    let reply = mock
        .get("/api/profiles?profile_group_id=grp789ghi", FULL)
        .await;
    assert_eq!(ids(reply.assert_ok()), ["prof_ig_001", "prof_bs_002"]);
    mock.get("/api/profiles?profile_group_id=grp_nope", FULL)
        .await
        .assert_error(404, "Not found");
}

#[tokio::test]
async fn profile_group_id_on_profile_groups_is_ignored() {
    let mock = Mock::start().await;
    let reply = mock
        .get("/api/profile_groups?profile_group_id=grp789ghi", FULL)
        .await;
    assert_eq!(ids(reply.assert_ok()).len(), 4);
    mock.get(
        "/api/profile_groups/grp123abc?profile_group_id=grp789ghi",
        FULL,
    )
    .await
    .assert_ok();
}

#[tokio::test]
async fn unknown_profile_is_404() {
    let mock = Mock::start().await;
    mock.get("/api/profiles/prof_nope", FULL)
        .await
        .assert_error(404, "Not found");
}

// ---------------------------------------------------------------- get profile

#[tokio::test]
async fn non_placement_network_has_one_latest_entry_and_no_summary() {
    let mock = Mock::start().await;
    let reply = mock.get("/api/profiles/prof654jkl", FULL).await;
    let body = reply.assert_ok();
    assert_eq!(
        body["latest_stats"],
        json!([{
            "placement_id": null,
            "stats": {"followers_count": 12900, "following_count": 412, "tweet_count": 3395,
                      "listed_count": 57, "like_count": 1893},
            "recorded_at": "2026-05-11T08:00:00Z"
        }])
    );
    assert_eq!(body["summary_stats"], Value::Null);
}

#[tokio::test]
async fn never_polled_profile_has_empty_latest_stats() {
    let mock = Mock::start().await;
    let reply = mock.get("/api/profiles/prof_gb_001", FULL).await;
    let body = reply.assert_ok();
    assert_eq!(body["latest_stats"], json!([]));
    assert_eq!(body["summary_stats"], Value::Null);
    assert_eq!(body["avatar_url"], Value::Null);
}

#[tokio::test]
async fn telegram_summary_sums_numbers_and_drops_text() {
    let mock = Mock::start().await;
    let reply = mock.get("/api/profiles/prof_tg_001", FULL).await;
    let body = reply.assert_ok();
    assert_eq!(body["latest_stats"].as_array().unwrap().len(), 2);
    assert_eq!(
        body["latest_stats"][0]["stats"]["channel_title"],
        "Acme News"
    );
    assert_eq!(
        body["summary_stats"],
        json!({
            "stats": {"followers_count": 5160 + 868},
            "recorded_at": "2026-05-11T08:00:02Z"
        })
    );
}

#[tokio::test]
async fn expired_and_inactive_profiles_are_served() {
    let mock = Mock::start().await;
    let expired = mock.get("/api/profiles/prof789def", FULL).await;
    assert_eq!(expired.assert_ok()["status"], "expired");
    assert_eq!(expired.body["expires_at"], "2024-03-15T00:00:00.000Z");
    let inactive = mock.get("/api/profiles/prof321ghi", FULL).await;
    assert_eq!(inactive.assert_ok()["status"], "inactive");
}

#[tokio::test]
async fn every_platform_is_covered_by_the_demo_data() {
    let mock = Mock::start().await;
    let reply = mock.get("/api/profiles", FULL).await;
    let mut platforms: Vec<String> = reply.assert_ok()["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["platform"].as_str().unwrap().to_string())
        .collect();
    platforms.sort();
    platforms.dedup();
    assert_eq!(platforms.len(), 11, "{platforms:?}");
}

// ---------------------------------------------------------------- placements

#[tokio::test]
async fn placements_of_a_network_without_them_is_422() {
    let mock = Mock::start().await;
    let reply = mock.get("/api/profiles/prof654jkl/placements", FULL).await;
    assert_eq!(reply.status, 422);
    assert!(
        reply
            .error()
            .starts_with("Placements are not available for twitter profiles"),
        "{}",
        reply.error()
    );
}

#[tokio::test]
async fn google_business_placements_are_location_paths() {
    let mock = Mock::start().await;
    let reply = mock.get("/api/profiles/prof_gb_001/placements", FULL).await;
    assert_eq!(
        ids(reply.assert_ok()),
        [
            "accounts/123456789/locations/987654321",
            "accounts/123456789/locations/987654322"
        ]
    );
}

// ---------------------------------------------------------------- delete profile

#[tokio::test]
async fn delete_profile_then_404_and_count_drops() {
    let mock = Mock::start().await;
    assert_eq!(mock.profiles_count("grp456xyz").await, 5);
    let reply = mock.delete("/api/profiles/prof123abc", FULL).await;
    assert_eq!((reply.status, reply.body), (200, json!({"success": true})));
    assert_eq!(mock.profiles_count("grp456xyz").await, 4);
    mock.get("/api/profiles/prof123abc", FULL)
        .await
        .assert_error(404, "Not found");
    mock.delete("/api/profiles/prof123abc", FULL)
        .await
        .assert_error(404, "Not found");
    assert!(!mock
        .profile_ids(FULL)
        .await
        .contains(&"prof123abc".to_string()));
}
