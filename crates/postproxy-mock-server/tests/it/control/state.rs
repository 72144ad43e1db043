//! State: injected groups, profiles, placements and snapshots, export and import of fixtures,
//! resets, and profiles that arrive already expired.

use postproxy_mock_server::control::{AccountInfo, ControlClient, GroupInject, ProfilePatch};
use postproxy_mock_server::fixtures::{AccountFixture, ProfileFixture, SnapshotFixture};
use postproxy_mock_server::MockServer;
use postproxy_models::{Placement, Platform, ProfileStatus};
use serde_json::{json, Value};

use crate::common;
use common::{call, control_http, days, fresh_demo, refused, DEMO, FULL_KEY as FULL};

/// The group the injections below go into.
fn injected_group() -> GroupInject {
    GroupInject {
        id: Some("grp_injected".into()),
        name: "Injected".into(),
    }
}

/// An expired Instagram profile, with nothing else set.
fn expired_instagram() -> ProfileFixture {
    ProfileFixture {
        expires_at: Some("2026-01-01T00:00:00Z".into()),
        post_count: 3,
        ..ProfileFixture::new(
            "prof_ig_x",
            "@expired",
            Platform::Instagram,
            ProfileStatus::Expired,
        )
    }
}

/// A Telegram channel, as it appears after connect.
fn new_channel() -> Placement {
    Placement {
        id: Some("-100555".into()),
        name: "New Channel".into(),
        avatar_url: None,
        metadata: Default::default(),
    }
}

/// A snapshot of the new channel.
fn new_channel_snapshot() -> SnapshotFixture {
    let mut stats = serde_json::Map::new();
    stats.insert("followers_count".into(), json!(12));
    SnapshotFixture {
        placement_id: Some("-100555".into()),
        stats,
        recorded_at: "2026-05-12T08:00:00Z".into(),
        raw_stats: Default::default(),
    }
}

/// Injects the group `grp_injected` and the expired profile `prof_ig_x` in it.
async fn inject_the_expired_profile(control: &ControlClient) {
    control.add_group(DEMO, &injected_group()).await.unwrap();
    control
        .add_profile(DEMO, "grp_injected", &expired_instagram())
        .await
        .unwrap();
}

/// Every injection of the tests below, in their order: the group and the profile, the group
/// renamed, the profile patched, the channel and its snapshot.
async fn inject_everything(control: &ControlClient) {
    inject_the_expired_profile(control).await;
    control
        .rename_group(DEMO, "grp123abc", "Renamed Brand")
        .await
        .unwrap();
    let patch = ProfilePatch {
        status: Some(ProfileStatus::Active),
        post_count: Some(9),
        ..Default::default()
    };
    control
        .patch_profile(DEMO, "prof_ig_x", &patch)
        .await
        .unwrap();
    add_the_new_channel(control).await;
}

/// A Telegram channel placement on `prof_tg_001`, with one snapshot.
async fn add_the_new_channel(control: &ControlClient) {
    control
        .add_placement(DEMO, "prof_tg_001", &new_channel())
        .await
        .unwrap();
    control
        .add_snapshot(DEMO, "prof_tg_001", &new_channel_snapshot())
        .await
        .unwrap();
}

/// A new account made from `exported` (without its id and keys, which the server makes anew).
async fn import_a_copy(control: &ControlClient, exported: &AccountFixture) -> AccountInfo {
    let mut copy = exported.clone();
    copy.id = None;
    copy.api_keys.iter_mut().for_each(|k| k.key = None);
    control.create_account(&copy).await.unwrap()
}

#[tokio::test]
async fn an_injected_group_is_served_and_its_id_cannot_be_taken_twice() {
    let mock = MockServer::start().await;
    let control = mock.control();
    let group = control.add_group(DEMO, &injected_group()).await.unwrap();
    assert_eq!(
        (group.id.as_str(), group.profiles_count),
        ("grp_injected", 0)
    );
    let again = GroupInject {
        id: Some("grp_injected".into()),
        name: "Again".into(),
    };
    assert_eq!(refused(control.add_group(DEMO, &again).await).0, 409);
}

#[tokio::test]
async fn a_renamed_group_keeps_its_profiles_and_a_blank_or_unknown_one_is_refused() {
    let mock = MockServer::start().await;
    let control = mock.control();
    let renamed = control
        .rename_group(DEMO, "grp123abc", "Renamed Brand")
        .await
        .unwrap();
    assert_eq!(
        (renamed.name.as_str(), renamed.profiles_count),
        ("Renamed Brand", 5)
    );
    let (_, g) = call(&mock, "GET", "/api/profile_groups/grp123abc", FULL, None).await;
    assert_eq!(g["name"], "Renamed Brand");
    assert_eq!(
        refused(control.rename_group(DEMO, "grp123abc", " ").await).0,
        422
    );
    assert_eq!(
        refused(control.rename_group(DEMO, "grp_nope", "x").await).0,
        404
    );
}

#[tokio::test]
async fn an_injected_profile_is_served_as_given_and_counted_in_its_group() {
    let mock = MockServer::start().await;
    inject_the_expired_profile(&mock.control()).await;
    let (_, p) = call(&mock, "GET", "/api/profiles/prof_ig_x", FULL, None).await;
    assert_eq!(
        (p["status"].as_str(), p["avatar_url"].clone()),
        (Some("expired"), Value::Null)
    );
    let (_, g) = call(&mock, "GET", "/api/profile_groups/grp_injected", FULL, None).await;
    assert_eq!(g["profiles_count"], 1);
}

#[tokio::test]
async fn a_patched_profile_takes_the_patch_and_a_negative_post_count_is_refused() {
    let mock = MockServer::start().await;
    let control = mock.control();
    inject_the_expired_profile(&control).await;
    let patched = control
        .patch_profile(
            DEMO,
            "prof_ig_x",
            &ProfilePatch {
                status: Some(ProfileStatus::Active),
                post_count: Some(9),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(
        (patched.status, patched.post_count),
        (ProfileStatus::Active, 9)
    );
    let negative = ProfilePatch {
        post_count: Some(-1),
        ..Default::default()
    };
    let refusal = refused(control.patch_profile(DEMO, "prof_ig_x", &negative).await);
    assert_eq!(refusal.0, 422);
}

#[tokio::test]
async fn an_injected_placement_is_listed_and_refused_where_the_network_has_none() {
    let mock = MockServer::start().await;
    let control = mock.control();
    inject_the_expired_profile(&control).await;
    // A Telegram channel appears after connect.
    let placements = control
        .add_placement(DEMO, "prof_tg_001", &new_channel())
        .await
        .unwrap();
    assert_eq!(placements.len(), 3);
    let (_, listed) = call(
        &mock,
        "GET",
        "/api/profiles/prof_tg_001/placements",
        FULL,
        None,
    )
    .await;
    assert_eq!(listed["data"][2]["name"], "New Channel");
    let not_allowed = control
        .add_placement(
            DEMO,
            "prof_ig_x",
            &Placement {
                id: Some("1".into()),
                name: "x".into(),
                avatar_url: None,
                metadata: Default::default(),
            },
        )
        .await;
    assert_eq!(refused(not_allowed).0, 422);
}

#[tokio::test]
async fn an_injected_snapshot_is_the_placement_s_latest_and_joins_the_summary() {
    let mock = MockServer::start().await;
    let control = mock.control();
    add_the_new_channel(&control).await;
    let (_, p) = call(&mock, "GET", "/api/profiles/prof_tg_001", FULL, None).await;
    assert_eq!(p["latest_stats"][2]["stats"]["followers_count"], 12);
    assert_eq!(
        p["summary_stats"]["stats"]["followers_count"],
        5160 + 868 + 12
    );
}

#[tokio::test]
async fn an_exported_account_imported_into_a_new_one_is_reproduced() {
    let mock = MockServer::start().await;
    let control = mock.control();
    inject_everything(&control).await;
    let exported = control.export_fixture(DEMO).await.unwrap();
    let other = import_a_copy(&control, &exported).await;
    let mut reexported = control.export_fixture(&other.id).await.unwrap();
    reexported.id = exported.id.clone();
    reexported.api_keys = exported.api_keys.clone();
    assert!(reexported == exported);
}

#[tokio::test]
async fn a_bad_import_names_the_field_and_changes_nothing() {
    let mock = MockServer::start().await;
    let control = mock.control();
    inject_everything(&control).await;
    let exported = control.export_fixture(DEMO).await.unwrap();
    let mut broken = exported.clone();
    broken.profile_groups[0].profiles[0].stats[0].recorded_at = "yesterday".into();
    let (status, error) = refused(control.import_fixture(DEMO, &broken).await);
    assert_eq!(status, 422);
    assert!(
        error.contains("profile_groups[0].profiles[0].stats[0].recorded_at"),
        "{error}"
    );
    assert!(
        control.export_fixture(DEMO).await.unwrap() == exported,
        "nothing changed"
    );
}

#[tokio::test]
async fn a_reset_drops_the_injections_and_a_reset_of_all_drops_the_other_accounts() {
    let mock = MockServer::start().await;
    let control = mock.control();
    inject_everything(&control).await;
    let exported = control.export_fixture(DEMO).await.unwrap();
    let other = import_a_copy(&control, &exported).await;

    control.reset_account(DEMO).await.unwrap();
    assert_eq!(
        call(&mock, "GET", "/api/profiles/prof_ig_x", FULL, None)
            .await
            .0,
        404
    );
    control.reset_all().await.unwrap();
    assert_eq!(refused(control.account(&other.id).await).0, 404);
    assert_eq!(control.accounts().await.unwrap().len(), 1);
}

/// A profile whose `expires_at` is already past when it arrives is expired at once (and never
/// polled), whether it comes with the account, by injection or by import.
#[tokio::test]
async fn a_past_expires_at_is_expired_from_the_start() {
    let mock = MockServer::start().await;
    let control = mock.control();
    let account = control.create_account(&fresh_demo()).await.unwrap();
    let mut old = common::profile("prof_old", Platform::Instagram);
    old.expires_at = Some("2020-01-01T00:00:00Z".into());
    let (status, injected) = control_http(
        &mock,
        "POST",
        &format!(
            "/__mock/accounts/{}/profile_groups/grp789ghi/profiles",
            account.id
        ),
        Some(&serde_json::to_string(&old).unwrap()),
    )
    .await;
    assert_eq!(
        (status, injected["status"].as_str()),
        (201, Some("expired"))
    );
    let mut fixture = fresh_demo();
    fixture.profile_groups[0].profiles.push(old.clone());
    fixture.profile_groups[0].profiles[0].expires_at = Some("2020-01-01T00:00:00Z".into());
    let imported = control.create_account(&fixture).await.unwrap();
    let ikey = imported.api_keys[0].key.clone();
    for id in ["prof_old", "prof123abc"] {
        let (_, p) = call(&mock, "GET", &format!("/api/profiles/{id}"), &ikey, None).await;
        assert_eq!(p["status"], "expired", "{id} at account creation");
    }
    // The import brings its own (generated) keys.
    let key = control
        .import_fixture(&account.id, &fixture)
        .await
        .unwrap()
        .api_keys[0]
        .key
        .clone();
    let (_, p) = call(&mock, "GET", "/api/profiles/prof123abc", &key, None).await;
    assert_eq!(p["status"], "expired", "at import");
    // Not polled: a day later it has no new snapshot.
    let before = p["latest_stats"].clone();
    control.advance_clock(&account.id, &days(1)).await.unwrap();
    let (_, p) = call(&mock, "GET", "/api/profiles/prof123abc", &key, None).await;
    assert_eq!(p["latest_stats"], before);
}
