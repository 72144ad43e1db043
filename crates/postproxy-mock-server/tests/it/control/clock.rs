//! The clock: set, frozen and advanced, polling stats and expiring profiles as it goes.

use postproxy_mock_server::control::{ClockAdvance, ClockUpdate};
use postproxy_mock_server::MockServer;
use serde_json::json;

use crate::common;
use common::{call, control_http, DEMO, FULL_KEY as FULL};

#[tokio::test]
async fn the_clock_polls_stats_and_expires_profiles() {
    let mock = MockServer::start().await;
    let control = mock.control();
    let frozen = control
        .set_clock(
            DEMO,
            // Typed: 2026-06-30T12:00:00Z, given in another offset.
            &ClockUpdate::at(
                time::OffsetDateTime::from_unix_timestamp(1_782_820_800)
                    .unwrap()
                    .to_offset(time::UtcOffset::from_hms(2, 0, 0).unwrap()),
            )
            .frozen(true),
        )
        .await
        .unwrap();
    assert_eq!(frozen.clock.now, "2026-06-30T12:00:00Z");
    assert!(frozen.clock.frozen);
    // prof_ig_001 expires 2026-07-01T00:00:00Z, within the first 23 hours.
    let report = control
        .advance_clock(DEMO, &ClockAdvance::hours(23))
        .await
        .unwrap();
    assert_eq!(report.clock.now, "2026-07-01T11:00:00Z");
    assert_eq!(report.effects.profiles_expired, 1);
    assert!(report.effects.snapshots_recorded > 0);
    let (_, ig) = call(&mock, "GET", "/api/profiles/prof_ig_001", FULL, None).await;
    assert_eq!(ig["status"], "expired");

    let (_, stats) = call(
        &mock,
        "GET",
        "/api/profiles/prof_fb_001/stats?placement_id=200000000000001",
        FULL,
        None,
    )
    .await;
    let records = stats["data"]["records"].as_array().unwrap();
    assert_eq!(records.len(), 4);
    let newest = records.last().unwrap();
    assert_eq!(newest["recorded_at"], "2026-07-01T11:00:00Z");
    assert!(newest["stats"]["fan_count"].as_u64().unwrap() >= 2310);
    let (_, fb) = call(&mock, "GET", "/api/profiles/prof_fb_001", FULL, None).await;
    assert_eq!(fb["latest_stats"][0]["recorded_at"], "2026-07-01T11:00:00Z");
    assert_eq!(fb["summary_stats"]["recorded_at"], "2026-07-01T11:00:00Z");
    let summed = fb["latest_stats"][0]["stats"]["fan_count"]
        .as_u64()
        .unwrap()
        + fb["latest_stats"][1]["stats"]["fan_count"]
            .as_u64()
            .unwrap();
    assert_eq!(
        fb["summary_stats"]["stats"]["fan_count"].as_u64().unwrap(),
        summed
    );
    // A never-polled profile gets its first snapshot in the network's keys... unless it is
    // google_business, which has no stats.
    let (_, gb) = call(&mock, "GET", "/api/profiles/prof_gb_001", FULL, None).await;
    assert_eq!(gb["latest_stats"], json!([]));
    // From/to windows see the new snapshot.
    let (_, window) = call(
        &mock,
        "GET",
        "/api/profiles/prof_yt_001/stats?from=2026-07-01T00:00:00Z",
        FULL,
        None,
    )
    .await;
    assert_eq!(window["data"]["records"].as_array().unwrap().len(), 1);

    // Frozen means frozen; a bad body changes nothing.
    assert_eq!(
        control.clock(DEMO).await.unwrap().now,
        "2026-07-01T11:00:00Z"
    );
    let (status, _) = control_http(
        &mock,
        "POST",
        "/__mock/accounts/acct_demo/clock/advance",
        Some(r#"{"hours": -1}"#),
    )
    .await;
    assert_eq!(status, 422);
    let (status, _) = control_http(
        &mock,
        "PUT",
        "/__mock/accounts/acct_demo/clock",
        Some(r#"{"now": "tomorrow"}"#),
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(
        control.clock(DEMO).await.unwrap().now,
        "2026-07-01T11:00:00Z"
    );
}
