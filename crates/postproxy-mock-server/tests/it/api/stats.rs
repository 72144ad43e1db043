//! get_profile_stats: `placement_id` where the network has placements, ascending records, and
//! the `from`/`to` window.

use crate::common;

use common::{Mock, FULL};
use serde_json::Value;

#[tokio::test]
async fn stats_require_placement_id_on_placement_networks() {
    let mock = Mock::start().await;
    for (profile, platform) in [
        ("prof_li_001", "linkedin"),
        ("prof_tg_001", "telegram"),
        ("prof123abc", "facebook"),
    ] {
        for query in ["", "?placement_id="] {
            mock.get(&format!("/api/profiles/{profile}/stats{query}"), FULL)
                .await
                .assert_error(
                    400,
                    &format!("placement_id is required for {platform} profiles"),
                );
        }
    }
}

#[tokio::test]
async fn stats_of_an_unknown_placement_is_404() {
    let mock = Mock::start().await;
    let reply = mock
        .get("/api/profiles/prof_li_001/stats?placement_id=999", FULL)
        .await;
    assert_eq!(reply.status, 404);
    reply.error();
}

#[tokio::test]
async fn stats_are_ascending_per_placement_and_echo_it() {
    let mock = Mock::start().await;
    let reply = mock
        .get(
            "/api/profiles/prof_li_001/stats?placement_id=110131347",
            FULL,
        )
        .await;
    let data = &reply.assert_ok()["data"];
    assert_eq!(data["placement_id"], "110131347");
    let times: Vec<&str> = data["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["recorded_at"].as_str().unwrap())
        .collect();
    assert_eq!(
        times,
        [
            "2026-05-09T08:00:01Z",
            "2026-05-10T08:00:01Z",
            "2026-05-11T08:00:01Z"
        ]
    );
    // Without a window the older snapshot of the other placement is included, first.
    let all = mock
        .get(
            "/api/profiles/prof_li_001/stats?placement_id=108520199",
            FULL,
        )
        .await;
    let records = all.assert_ok()["data"]["records"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(records.len(), 4);
    assert_eq!(records[0]["recorded_at"], "2026-03-20T08:00:00Z");
}

#[tokio::test]
async fn stats_of_other_networks_ignore_placement_id() {
    let mock = Mock::start().await;
    let reply = mock
        .get("/api/profiles/prof654jkl/stats?placement_id=123", FULL)
        .await;
    let data = &reply.assert_ok()["data"];
    assert_eq!(data["placement_id"], Value::Null);
    assert_eq!(data["platform"], "twitter");
    assert_eq!(data["records"].as_array().unwrap().len(), 3);
}

#[tokio::test]
async fn stats_window_bounds_are_inclusive_and_offset_aware() {
    let mock = Mock::start().await;
    let count = |query: &'static str| {
        let mock = &mock;
        async move {
            let reply = mock
                .get(&format!("/api/profiles/prof654jkl/stats?{query}"), FULL)
                .await;
            reply.assert_ok()["data"]["records"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r["recorded_at"].as_str().unwrap().to_string())
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(
        count("from=2026-05-10T08:00:00Z&to=2026-05-10T08:00:00Z").await,
        ["2026-05-10T08:00:00Z"]
    );
    assert_eq!(
        count("from=2026-05-10T10%3A00%3A00%2B02%3A00").await,
        ["2026-05-10T08:00:00Z", "2026-05-11T08:00:00Z"]
    );
    assert_eq!(
        count("to=2026-05-10T07:59:59Z").await,
        ["2026-05-09T08:00:00Z"]
    );
    assert!(count("from=2026-05-12T00:00:00Z").await.is_empty());
    assert!(count("from=2026-05-11T00:00:00Z&to=2026-05-10T00:00:00Z")
        .await
        .is_empty());
}

#[tokio::test]
async fn malformed_stats_timestamps_are_400_naming_the_parameter() {
    let mock = Mock::start().await;
    for (query, name) in [
        ("from=yesterday", "from"),
        ("to=2026-13-01T00:00:00Z", "to"),
        ("from=2026-05-10", "from"),
        // Empty is malformed too, not a missing bound (schemathesis found it accepted).
        ("to=&from=2000-01-07T02%3A23%3A24%2B00%3A00", "to"),
        ("from=", "from"),
    ] {
        mock.get(&format!("/api/profiles/prof654jkl/stats?{query}"), FULL)
            .await
            .assert_error(
                400,
                &format!("Invalid {name}: expected an ISO 8601 timestamp"),
            );
    }
}
