//! The optional fields only the official SDKs read (profile `username`, `platform_id`,
//! `platform_url`, `inactive_reason`, `placements_sync_status`; placement `avatar_url`,
//! `metadata`; a stats record's `raw_stats`): served when fixtures or the control API set
//! them, absent otherwise, so the reference's example objects stay verbatim.

use crate::common;

use common::{refused, Mock, DEMO, FULL};
use postproxy_mock_server::fixtures::SnapshotFixture;
use postproxy_models::{Platform, ProfileInactiveReason, ProfileStatus};
use serde_json::{json, Value};

fn listed<'a>(list: &'a Value, id: &str) -> &'a Value {
    list["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == id)
        .unwrap_or_else(|| panic!("{id} listed"))
}

#[tokio::test]
async fn the_demo_serves_the_sdk_fields_where_its_fixtures_set_them() {
    let mock = Mock::start().await;
    let list = mock.get("/api/profiles", FULL).await;
    let list = list.assert_ok();
    let fb = listed(list, "prof_fb_001");
    assert_eq!(fb["username"], "clientco");
    assert_eq!(fb["platform_id"], "100000000000001");
    assert_eq!(fb["platform_url"], "https://www.facebook.com/clientco");
    assert_eq!(fb["placements_sync_status"], "synced");
    assert!(fb.get("inactive_reason").is_none());
    let bs = listed(list, "prof_bs_002");
    assert_eq!(
        (&bs["status"], &bs["inactive_reason"]),
        (&json!("inactive"), &json!("network_taken"))
    );
    // The reference's objects carry none of them.
    for id in [
        "prof123abc",
        "prof789def",
        "prof321ghi",
        "prof654jkl",
        "prof_li_001",
    ] {
        let p = listed(list, id);
        for field in [
            "username",
            "platform_id",
            "platform_url",
            "inactive_reason",
            "placements_sync_status",
        ] {
            assert!(p.get(field).is_none(), "{id} has {field}");
        }
    }
    // get_profile answers them too, beside the stats.
    let detail = mock.get("/api/profiles/prof_ig_001", FULL).await;
    let detail = detail.assert_ok();
    assert_eq!(detail["username"], "jane.doe");
    assert_eq!(detail["platform_url"], "https://www.instagram.com/jane.doe");
    assert!(detail["latest_stats"].is_array());
}

#[tokio::test]
async fn placements_carry_avatar_and_metadata_only_where_set() {
    let mock = Mock::start().await;
    let reply = mock.get("/api/profiles/prof_fb_001/placements", FULL).await;
    assert_eq!(
        reply.assert_ok()["data"],
        json!([
            {
                "id": "200000000000001",
                "name": "Client Co",
                "avatar_url": "https://cdn.postproxy.dev/uploads/placement_200000000000001.jpg",
                "metadata": {"category": "Consulting agency", "fan_count": 3120}
            },
            {"id": "200000000000002", "name": "Client Co Careers"}
        ])
    );
}

#[tokio::test]
async fn raw_stats_are_served_where_a_snapshot_has_them() {
    let mock = Mock::start().await;
    let stats = json!({"subscriberCount": 10});
    let raw = json!({"subscriberCount": 10, "hiddenSubscriberCount": false});
    let snapshot = SnapshotFixture {
        placement_id: None,
        stats: stats.as_object().unwrap().clone(),
        recorded_at: "2030-01-01T00:00:00Z".into(),
        raw_stats: raw.as_object().unwrap().clone(),
    };
    mock.server
        .control()
        .add_snapshot(DEMO, "prof_yt_001", &snapshot)
        .await
        .unwrap();
    let reply = mock
        .get(
            "/api/profiles/prof_yt_001/stats?from=2030-01-01T00:00:00Z",
            FULL,
        )
        .await;
    assert_eq!(
        reply.assert_ok()["data"]["records"],
        json!([{"stats": stats, "raw_stats": raw, "recorded_at": "2030-01-01T00:00:00Z"}])
    );
    // Records without it leave it out.
    let reply = mock.get("/api/profiles/prof_yt_001/stats", FULL).await;
    let records = reply.assert_ok()["data"]["records"].as_array().unwrap();
    assert!(records[0].get("raw_stats").is_none());
    // An export carries it.
    let exported = mock.server.control().export_fixture(DEMO).await.unwrap();
    let snapshots = &exported.profile_groups[1].profiles[1].stats; // grp123abc's prof_yt_001
    assert_eq!(
        snapshots.last().unwrap().raw_stats,
        *raw.as_object().unwrap()
    );
}

#[tokio::test]
async fn reconnecting_clears_the_inactive_reason() {
    let mock = Mock::start().await;
    let body =
        json!({"platform": "bluesky", "identifier": "jane.bsky.social", "app_password": "pw"});
    mock.post(
        "/api/profile_groups/grp789ghi/initialize_connection",
        FULL,
        body,
    )
    .await
    .assert_ok();
    let profile = mock.get("/api/profiles/prof_bs_002", FULL).await;
    let profile = profile.assert_ok();
    assert_eq!(profile["status"], "active");
    assert!(profile.get("inactive_reason").is_none());
}

#[tokio::test]
async fn an_inactive_reason_on_a_profile_that_is_not_inactive_is_refused() {
    let mock = Mock::start().await;
    let mut profile = common::profile("prof_x", Platform::Twitter);
    profile.inactive_reason = Some(ProfileInactiveReason::NetworkTaken);
    let (status, error) = refused(mock.add_profile("grp789ghi", &profile).await);
    assert_eq!(
        (status, error.as_str()),
        (
            422,
            "profile.inactive_reason: only an inactive profile has an inactive_reason"
        )
    );
    profile.status = ProfileStatus::Inactive;
    profile.username = Some("x".into());
    mock.add_profile("grp789ghi", &profile).await.unwrap();
    let got = mock.get("/api/profiles/prof_x", FULL).await;
    assert_eq!(got.assert_ok()["inactive_reason"], "network_taken");
    assert_eq!(got.assert_ok()["username"], "x");
}

#[tokio::test]
async fn an_inactive_reason_the_sdks_do_not_know_is_refused_naming_the_field() {
    let mock = Mock::start().await;
    let body = json!({
        "id": "prof_y", "name": "y", "platform": "twitter", "status": "inactive",
        "inactive_reason": "banned"
    });
    let reply = common::control_http(
        &mock.server,
        "POST",
        &format!("/__mock/accounts/{DEMO}/profile_groups/grp789ghi/profiles"),
        Some(&body.to_string()),
    )
    .await;
    assert_eq!(reply.0, 400, "{:?}", reply.1);
    let error = reply.1["error"].as_str().unwrap();
    assert!(error.contains("inactive_reason"), "{error}");
    mock.get("/api/profiles/prof_y", FULL)
        .await
        .assert_error(404, "Not found");
}
