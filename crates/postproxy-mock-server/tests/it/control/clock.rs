//! The clock: set, frozen and advanced, polling stats and expiring profiles as it goes.

use postproxy_mock_server::control::{ClockAdvance, ClockReport, ClockUpdate, ControlClient};
use postproxy_mock_server::MockServer;
use serde_json::json;

use crate::common;
use common::{call, control_http, DEMO, FULL_KEY as FULL};

/// Sets the demo's clock to 2026-06-30T12:00:00Z, frozen, given as a typed time in another
/// offset.
async fn freeze_at_noon_on_june_30(control: &ControlClient) -> ClockReport {
    control
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
        .unwrap()
}

/// The frozen clock of `freeze_at_noon_on_june_30`, then 23 hours later.
async fn frozen_then_23_hours_later(control: &ControlClient) -> ClockReport {
    freeze_at_noon_on_june_30(control).await;
    control
        .advance_clock(DEMO, &ClockAdvance::hours(23))
        .await
        .unwrap()
}

#[tokio::test]
async fn a_typed_time_in_another_offset_sets_the_clock_in_utc_and_frozen() {
    let mock = MockServer::start().await;
    let frozen = freeze_at_noon_on_june_30(&mock.control()).await;
    assert_eq!(frozen.clock.now, "2026-06-30T12:00:00Z");
    assert!(frozen.clock.frozen);
}

#[tokio::test]
async fn advancing_the_clock_expires_profiles_and_records_snapshots() {
    let mock = MockServer::start().await;
    // prof_ig_001 expires 2026-07-01T00:00:00Z, within the first 23 hours.
    let report = frozen_then_23_hours_later(&mock.control()).await;
    assert_eq!(report.clock.now, "2026-07-01T11:00:00Z");
    assert_eq!(report.effects.profiles_expired, 1);
    assert!(report.effects.snapshots_recorded > 0);
    let (_, ig) = call(&mock, "GET", "/api/profiles/prof_ig_001", FULL, None).await;
    assert_eq!(ig["status"], "expired");
}

#[tokio::test]
async fn a_polled_placement_gets_a_new_latest_snapshot_and_summary() {
    let mock = MockServer::start().await;
    frozen_then_23_hours_later(&mock.control()).await;
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
}

#[tokio::test]
async fn polling_gives_google_business_no_stats_and_stats_windows_see_the_new_snapshot() {
    let mock = MockServer::start().await;
    frozen_then_23_hours_later(&mock.control()).await;
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
}

#[tokio::test]
async fn a_frozen_clock_stays_put_and_a_bad_clock_body_changes_nothing() {
    let mock = MockServer::start().await;
    let control = mock.control();
    frozen_then_23_hours_later(&control).await;
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
