//! The choices the spec writes down where the reference is silent, one test each.

use crate::common;

use common::{Mock, FULL, SCOPED};
use reqwest::Method;
use serde_json::{json, Value};

/// initialize_connection on `group`.
fn connect(group: &str) -> String {
    format!("/api/profile_groups/{group}/initialize_connection")
}

/// A snapshot whose only value is text on each of the Telegram profile's two channels.
async fn text_only_snapshots_on_both_channels(mock: &Mock) {
    for channel in ["-1001234567890", "-1009876543210"] {
        let snapshot = json!({"placement_id": channel, "stats": {"channel_title": "T"},
                              "recorded_at": "2026-05-12T00:00:00Z"});
        mock.post(
            "/__mock/accounts/acct_demo/profiles/prof_tg_001/stats",
            None,
            snapshot,
        )
        .await
        .assert_ok();
    }
}

#[tokio::test]
async fn names_are_stored_as_sent_not_trimmed() {
    let mock = Mock::start().await;
    let padded = mock
        .post("/api/profile_groups", FULL, json!({"name": "  Q3  "}))
        .await;
    assert_eq!(padded.assert_ok()["name"], "  Q3  ");
}

#[tokio::test]
async fn to_before_from_is_an_empty_window_and_an_unencoded_plus_offset_is_400() {
    let mock = Mock::start().await;
    let empty = mock
        .get(
            "/api/profiles/prof654jkl/stats?from=2026-05-12T00:00:00Z&to=2026-05-01T00:00:00Z",
            FULL,
        )
        .await;
    assert_eq!(empty.assert_ok()["data"]["records"], json!([]));
    let plus = "/api/profiles/prof654jkl/stats?from=2026-05-10T00:00:00+00:00";
    mock.get(plus, FULL)
        .await
        .assert_error(400, "Invalid from: expected an ISO 8601 timestamp");
    let encoded = "/api/profiles/prof654jkl/stats?from=2026-05-10T00:00:00%2B00:00";
    assert_eq!(
        mock.get(encoded, FULL).await.assert_ok()["data"]["records"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
}

#[tokio::test]
async fn profiles_count_counts_every_status() {
    let mock = Mock::start().await;
    // grp456xyz holds an expired and an inactive profile.
    let group = mock.get("/api/profile_groups/grp456xyz", FULL).await;
    assert_eq!(group.assert_ok()["profiles_count"], 5);
}

#[tokio::test]
async fn summary_stats_are_only_for_facebook_linkedin_and_telegram() {
    let mock = Mock::start().await;
    // Pinterest has placements but no summary.
    let pinterest = mock.get("/api/profiles/prof_pi_001", FULL).await;
    assert_eq!(pinterest.assert_ok()["summary_stats"], Value::Null);
}

#[tokio::test]
async fn telegram_channels_whose_latest_values_are_all_text_sum_to_an_empty_summary() {
    let mock = Mock::start().await;
    text_only_snapshots_on_both_channels(&mock).await;
    let telegram = mock.get("/api/profiles/prof_tg_001", FULL).await;
    let body = telegram.assert_ok();
    // `{}`, not null.
    assert_eq!(
        body["summary_stats"],
        json!({"stats": {}, "recorded_at": "2026-05-12T00:00:00Z"})
    );
}

#[tokio::test]
async fn latest_stats_follow_the_placements_order() {
    let mock = Mock::start().await;
    text_only_snapshots_on_both_channels(&mock).await;
    let telegram = mock.get("/api/profiles/prof_tg_001", FULL).await;
    let body = telegram.assert_ok();
    let placements = mock.get("/api/profiles/prof_tg_001/placements", FULL).await;
    let order: Vec<&Value> = placements.assert_ok()["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| &p["id"])
        .collect();
    let latest: Vec<&Value> = body["latest_stats"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| &l["placement_id"])
        .collect();
    assert_eq!(latest, order);
}

/// initialize_connection reads the group before the body, platform before redirect_url, and
/// takes any non-blank string as `redirect_url`.
#[tokio::test]
async fn initialize_connection_checks_the_group_then_platform_then_redirect_url() {
    let mock = Mock::start().await;
    mock.post(&connect("grp_nope"), FULL, json!({}))
        .await
        .assert_error(404, "Not found");
    mock.post(&connect("grp123abc"), FULL, json!({}))
        .await
        .assert_error(422, "Missing platform");
    let youtube = json!({"platform": "youtube"});
    mock.post(&connect("grp123abc"), FULL, youtube)
        .await
        .assert_error(422, "Missing redirect_url");
    let odd = json!({"platform": "tiktok", "redirect_url": "not a url"});
    mock.post(&connect("grp789ghi"), FULL, odd)
        .await
        .assert_ok();
}

#[tokio::test]
async fn initialize_connection_ignores_the_idempotency_key_each_call_is_new() {
    let mock = Mock::start().await;
    let first = json!({"platform": "twitter", "redirect_url": "https://a.example/cb"});
    let mut urls = Vec::new();
    for _ in 0..2 {
        let reply = mock
            .raw(
                Method::POST,
                &connect("grp789ghi"),
                FULL,
                Some(serde_json::to_vec(&first).unwrap()),
                &[("idempotency-key", "same")],
            )
            .await;
        urls.push(reply.assert_ok()["url"].clone());
    }
    assert_ne!(urls[0], urls[1]);
}

#[tokio::test]
async fn a_scoped_key_whose_group_was_deleted_still_authenticates_and_sees_nothing() {
    let mock = Mock::start().await;
    let first = json!({"platform": "twitter", "redirect_url": "https://a.example/cb"});
    mock.delete("/api/profile_groups/grp456def", FULL)
        .await
        .assert_ok();
    assert_eq!(mock.group_ids(SCOPED).await, Vec::<String>::new());
    assert_eq!(mock.profile_ids(SCOPED).await, Vec::<String>::new());
    mock.get("/api/profile_groups/grp456def", SCOPED)
        .await
        .assert_error(404, "Not found");
    mock.post(&connect("grp456def"), SCOPED, first)
        .await
        .assert_error(404, "Not found");
    mock.post("/api/profile_groups", SCOPED, json!({"name": "x"}))
        .await
        .assert_error(422, "Your API key has no such permission");
}
