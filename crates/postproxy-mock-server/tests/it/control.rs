//! The control API, through the typed wrapper and over plain HTTP: accounts in isolation,
//! state injection, fixtures, the clock and polling, faults, the journal, the connect flow,
//! and its own bad-input handling.

use std::time::{Duration as StdDuration, Instant};

use postproxy_mock_server::control::ControlClient;
use postproxy_mock_server::control::JournalFilter;
use postproxy_mock_server::control::ProfilePatch;
use postproxy_mock_server::control::{ClockAdvance, ClockUpdate, GroupInject};
use postproxy_mock_server::control::{FaultSpec, Method};
use postproxy_mock_server::fixtures::{ProfileFixture, SnapshotFixture};
use postproxy_mock_server::MockServer;
use postproxy_models::{Placement, Platform, ProfileStatus};
use serde_json::{json, Value};

use crate::common;
use common::{call, control_http, days, fresh_demo, minutes, refused, DEMO, FULL_KEY as FULL};

/// A fault answering with `status`.
fn answer(status: u16) -> FaultSpec {
    FaultSpec::status(status)
}

#[tokio::test]
async fn two_accounts_on_one_server_never_see_each_other() {
    let mock = MockServer::start().await;
    let control = mock.control();
    let a = control.create_account(&fresh_demo()).await.unwrap();
    let b = control.create_account(&fresh_demo()).await.unwrap();
    assert_ne!(a.id, b.id);
    assert_eq!((a.profile_groups, a.profiles), (4, 15));
    let (ka, kb) = (a.api_keys[0].key.clone(), b.api_keys[0].key.clone());
    assert_eq!(a.api_keys[1].profile_group_id.as_deref(), Some("grp456def"));

    // Both suites work on "the same" ids at once.
    let run = |key: String, name: &'static str| {
        let mock = &mock;
        async move {
            for i in 0..20 {
                let (s, g) = call(
                    mock,
                    "POST",
                    "/api/profile_groups",
                    &key,
                    Some(json!({"name": format!("{name}{i}")})),
                )
                .await;
                assert_eq!(s, 201);
                if i % 2 == 0 {
                    let path = format!("/api/profile_groups/{}", g["id"].as_str().unwrap());
                    assert_eq!(call(mock, "DELETE", &path, &key, None).await.0, 200);
                }
            }
            assert_eq!(
                call(mock, "DELETE", "/api/profiles/prof_li_001", &key, None)
                    .await
                    .0,
                200
            );
        }
    };
    tokio::join!(run(ka.clone(), "a"), run(kb.clone(), "b"));

    for (key, mine, theirs) in [(&ka, "a", "b"), (&kb, "b", "a")] {
        let (_, groups) = call(&mock, "GET", "/api/profile_groups", key, None).await;
        let names: Vec<&str> = groups["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|g| g["name"].as_str().unwrap())
            .collect();
        assert_eq!(names.len(), 4 + 10);
        assert!(names.iter().any(|n| n.starts_with(mine)));
        assert!(
            !names.iter().any(|n| n.starts_with(theirs) && n.len() <= 3),
            "{names:?}"
        );
    }
    // The demo account saw none of it.
    let (_, demo) = call(&mock, "GET", "/api/profile_groups", FULL, None).await;
    assert_eq!(demo["data"].as_array().unwrap().len(), 4);
    assert_eq!(
        call(&mock, "GET", "/api/profiles/prof_li_001", FULL, None)
            .await
            .0,
        200
    );

    // Journals, faults and clocks are per account.
    let ja = control
        .journal(&a.id, &JournalFilter::default())
        .await
        .unwrap();
    assert_eq!(
        ja.entries.len(),
        20 + 10 + 1 + 1,
        "creates, deletes, the profile delete, the list"
    );
    assert!(ja.entries.iter().all(|e| e.key_id == a.api_keys[0].key_id));
    control
        .add_fault(&a.id, &FaultSpec::status(503).times(5))
        .await
        .unwrap();
    control.advance_clock(&a.id, &days(3)).await.unwrap();
    assert_eq!(
        call(&mock, "GET", "/api/profile_groups", &ka, None).await.0,
        503
    );
    assert_eq!(
        call(&mock, "GET", "/api/profile_groups", &kb, None).await.0,
        200
    );
    let (ca, cb) = (
        control.clock(&a.id).await.unwrap(),
        control.clock(&b.id).await.unwrap(),
    );
    assert!(ca.now > cb.now, "{ca:?} {cb:?}");

    // Deleting one account ends its keys only.
    control.delete_account(&a.id).await.unwrap();
    assert_eq!(
        call(&mock, "GET", "/api/profile_groups", &ka, None).await.0,
        401
    );
    assert_eq!(
        call(&mock, "GET", "/api/profile_groups", &kb, None).await.0,
        200
    );
    assert_eq!(refused(control.account(&a.id).await).0, 404);
}

#[tokio::test]
async fn state_injection_export_import_and_resets() {
    let mock = MockServer::start().await;
    let control = mock.control();
    let group = control
        .add_group(
            DEMO,
            &GroupInject {
                id: Some("grp_injected".into()),
                name: "Injected".into(),
            },
        )
        .await
        .unwrap();
    assert_eq!(
        (group.id.as_str(), group.profiles_count),
        ("grp_injected", 0)
    );
    assert_eq!(
        refused(
            control
                .add_group(
                    DEMO,
                    &GroupInject {
                        id: Some("grp_injected".into()),
                        name: "Again".into()
                    }
                )
                .await
        )
        .0,
        409
    );

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

    let expired_ig = ProfileFixture {
        id: "prof_ig_x".into(),
        name: "@expired".into(),
        platform: Platform::Instagram,
        status: ProfileStatus::Expired,
        expires_at: Some("2026-01-01T00:00:00Z".into()),
        post_count: 3,
        avatar_url: None,
        placements: Vec::new(),
        stats: Vec::new(),
    };
    control
        .add_profile(DEMO, "grp_injected", &expired_ig)
        .await
        .unwrap();
    let (_, p) = call(&mock, "GET", "/api/profiles/prof_ig_x", FULL, None).await;
    assert_eq!(
        (p["status"].as_str(), p["avatar_url"].clone()),
        (Some("expired"), Value::Null)
    );
    let (_, g) = call(&mock, "GET", "/api/profile_groups/grp_injected", FULL, None).await;
    assert_eq!(g["profiles_count"], 1);

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
    assert_eq!(
        refused(
            control
                .patch_profile(
                    DEMO,
                    "prof_ig_x",
                    &ProfilePatch {
                        post_count: Some(-1),
                        ..Default::default()
                    }
                )
                .await
        )
        .0,
        422
    );

    // A Telegram channel appears after connect.
    let placements = control
        .add_placement(
            DEMO,
            "prof_tg_001",
            &Placement {
                id: Some("-100555".into()),
                name: "New Channel".into(),
            },
        )
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
            },
        )
        .await;
    assert_eq!(refused(not_allowed).0, 422);

    let mut stats = serde_json::Map::new();
    stats.insert("followers_count".into(), json!(12));
    control
        .add_snapshot(
            DEMO,
            "prof_tg_001",
            &SnapshotFixture {
                placement_id: Some("-100555".into()),
                stats,
                recorded_at: "2026-05-12T08:00:00Z".into(),
            },
        )
        .await
        .unwrap();
    let (_, p) = call(&mock, "GET", "/api/profiles/prof_tg_001", FULL, None).await;
    assert_eq!(p["latest_stats"][2]["stats"]["followers_count"], 12);
    assert_eq!(
        p["summary_stats"]["stats"]["followers_count"],
        5160 + 868 + 12
    );

    // Export → import into a new account reproduces it; a bad import changes nothing.
    let exported = control.export_fixture(DEMO).await.unwrap();
    let mut copy = exported.clone();
    copy.id = None;
    copy.api_keys.iter_mut().for_each(|k| k.key = None);
    let other = control.create_account(&copy).await.unwrap();
    let mut reexported = control.export_fixture(&other.id).await.unwrap();
    reexported.id = exported.id.clone();
    reexported.api_keys = exported.api_keys.clone();
    assert!(reexported == exported);
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

#[tokio::test]
async fn faults_answer_delay_and_drop_then_disarm() {
    let mock = MockServer::start().await;
    let control = mock.control();
    let fault = control
        .add_fault(
            DEMO,
            &FaultSpec::status(429)
                .retry_after(7)
                .times(2)
                .on(Method::GET, "/api/profiles/*"),
        )
        .await
        .unwrap();
    assert_eq!(fault.remaining, 2);
    let response = reqwest::Client::new()
        .get(format!("{}/api/profiles/prof_li_001", mock.base_url()))
        .bearer_auth(FULL)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 429);
    assert_eq!(response.headers()["retry-after"], "7");
    assert_eq!(
        response.json::<Value>().await.unwrap(),
        json!({"error": "Rate limit exceeded"})
    );
    assert_eq!(
        call(&mock, "GET", "/api/profiles", FULL, None).await.0,
        200,
        "other paths untouched"
    );
    assert_eq!(
        call(&mock, "GET", "/api/profiles/prof_li_001", FULL, None)
            .await
            .0,
        429
    );
    assert_eq!(
        call(&mock, "GET", "/api/profiles/prof_li_001", FULL, None)
            .await
            .0,
        200,
        "used up"
    );
    assert!(control.faults(DEMO).await.unwrap().is_empty());

    control
        .add_fault(DEMO, &FaultSpec::status(500).error("Boom"))
        .await
        .unwrap();
    assert_eq!(
        call(&mock, "DELETE", "/api/profiles/prof_li_001", FULL, None).await,
        (500, json!({"error": "Boom"}))
    );
    assert_eq!(
        call(&mock, "GET", "/api/profiles/prof_li_001", FULL, None)
            .await
            .0,
        200,
        "a faulted delete deleted nothing"
    );

    control
        .add_fault(DEMO, &FaultSpec::latency(StdDuration::from_millis(300)))
        .await
        .unwrap();
    let started = Instant::now();
    assert_eq!(
        call(&mock, "GET", "/api/profile_groups", FULL, None)
            .await
            .0,
        200
    );
    assert!(started.elapsed() >= StdDuration::from_millis(300));

    control
        .add_fault(DEMO, &FaultSpec::drop_connection())
        .await
        .unwrap();
    let dropped = async {
        reqwest::Client::new()
            .get(format!("{}/api/profile_groups", mock.base_url()))
            .bearer_auth(FULL)
            .send()
            .await?
            .bytes()
            .await
    }
    .await;
    assert!(dropped.is_err(), "{dropped:?}");
    assert_eq!(
        call(&mock, "GET", "/api/profile_groups", FULL, None)
            .await
            .0,
        200,
        "the server is still up"
    );

    let armed = control
        .add_fault(DEMO, &FaultSpec::status(503).times(100))
        .await
        .unwrap();
    assert_eq!(control.faults(DEMO).await.unwrap().len(), 1);
    control.remove_fault(DEMO, &armed.id).await.unwrap();
    assert_eq!(refused(control.remove_fault(DEMO, &armed.id).await).0, 404);
    control.add_fault(DEMO, &answer(503)).await.unwrap();
    control.clear_faults(DEMO).await.unwrap();
    assert_eq!(
        call(&mock, "GET", "/api/profile_groups", FULL, None)
            .await
            .0,
        200
    );

    // Unauthenticated requests belong to no account: never faulted.
    control.add_fault(DEMO, &answer(503)).await.unwrap();
    assert_eq!(
        call(&mock, "GET", "/api/profile_groups", "nope", None)
            .await
            .0,
        401
    );
    assert_eq!(
        call(&mock, "GET", "/api/profile_groups", FULL, None)
            .await
            .0,
        503
    );

    for bad in [
        r#"{}"#,
        r#"{"status": 200}"#,
        r#"{"status": 500, "drop_connection": true}"#,
        r#"{"latency_ms": 600000}"#,
        r#"{"status": 500, "times": 0}"#,
        // Not a status or a method at all: the same rule, the same 422 (the types are typed
        // in Rust, the wire stays as it was).
        r#"{"status": 42}"#,
        r#"{"status": 1000}"#,
        r#"{"status": 500, "method": ""}"#,
        r#"{"status": 500, "method": "G3T"}"#,
    ] {
        let (status, body) = control_http(
            &mock,
            "POST",
            "/__mock/accounts/acct_demo/faults",
            Some(bad),
        )
        .await;
        assert_eq!(status, 422, "{bad}: {body}");
        assert!(body["error"].is_string());
    }
    assert!(control.faults(DEMO).await.unwrap().is_empty());
}

#[tokio::test]
async fn the_journal_records_exactly_what_was_sent() {
    let mock = MockServer::start().await;
    let control = mock.control();
    control.record_bodies(DEMO, true).await.unwrap();
    call(
        &mock,
        "GET",
        "/api/profiles?profile_group_id=grp123abc",
        FULL,
        None,
    )
    .await;
    call(&mock, "DELETE", "/api/profiles/prof_li_001", FULL, None).await;
    call(
        &mock,
        "POST",
        "/api/profile_groups",
        "pp_demo_scoped_0123456789abcdef",
        Some(json!({"name": "x"})),
    )
    .await;
    call(&mock, "GET", "/api/profiles", "not-a-key", None).await;

    let all = control
        .journal(DEMO, &JournalFilter::default())
        .await
        .unwrap();
    let seen: Vec<(String, String, u16)> = all
        .entries
        .iter()
        .map(|e| (e.method.clone(), e.path.clone(), e.status))
        .collect();
    assert_eq!(
        seen,
        [
            ("GET".into(), "/api/profiles".into(), 200),
            ("DELETE".into(), "/api/profiles/prof_li_001".into(), 200),
            ("POST".into(), "/api/profile_groups".into(), 422),
        ],
        "the unauthenticated call belongs to no account"
    );
    assert_eq!(
        all.entries[0].query.as_deref(),
        Some("profile_group_id=grp123abc")
    );
    assert_eq!(all.entries[2].body.as_deref(), Some(r#"{"name":"x"}"#));
    assert_ne!(
        all.entries[1].key_id, all.entries[2].key_id,
        "full vs scoped key"
    );
    assert!(
        !serde_json::to_string(&all).unwrap().contains(FULL),
        "never the key itself"
    );
    assert_eq!(all.cap, 1000);

    let deletes = control
        .journal(
            DEMO,
            &JournalFilter {
                method: Some("DELETE".into()),
                path: Some("/api/profiles/prof_li_001".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(deletes.entries.len(), 1, "called DELETE exactly once");
    let (status, page) = control_http(
        &mock,
        "GET",
        "/__mock/accounts/acct_demo/journal?status=422",
        None,
    )
    .await;
    assert_eq!(
        (status, page["entries"].as_array().unwrap().len()),
        (200, 1)
    );
    let (status, _) = control_http(
        &mock,
        "GET",
        "/__mock/accounts/acct_demo/journal?status=abc",
        None,
    )
    .await;
    assert_eq!(status, 400);

    control.clear_journal(DEMO).await.unwrap();
    assert!(control
        .journal(DEMO, &JournalFilter::default())
        .await
        .unwrap()
        .entries
        .is_empty());
}

#[tokio::test]
async fn connect_flow_through_the_control_api() {
    let mock = MockServer::start().await;
    let control = mock.control();
    let init = |platform: &'static str| {
        let mock = &mock;
        async move {
            let (status, body) = call(mock, "POST", "/api/profile_groups/grp789ghi/initialize_connection", FULL,
                Some(json!({"platform": platform, "redirect_url": "https://app.example/cb?state=xyz"}))).await;
            assert_eq!(status, 200, "{body}");
            body["url"]
                .as_str()
                .unwrap()
                .rsplit('/')
                .next()
                .unwrap()
                .to_string()
        }
    };
    let token = init("linkedin").await;
    let pending = control.connections(DEMO).await.unwrap();
    assert_eq!(pending.len(), 1);
    assert_eq!(
        (pending[0].token.as_str(), pending[0].platform),
        (token.as_str(), Platform::Linkedin)
    );

    let outcome = control.authorize_connection(DEMO, &token).await.unwrap();
    let profile = outcome.profile.unwrap();
    assert_eq!(
        (profile.status, profile.profile_group_id.as_str()),
        (ProfileStatus::Active, "grp789ghi")
    );
    assert!(
        outcome
            .redirect_to
            .starts_with("https://app.example/cb?state=xyz&status=success&profile_id=prof_"),
        "{}",
        outcome.redirect_to
    );
    let (_, placements) = call(
        &mock,
        "GET",
        &format!("/api/profiles/{}/placements", profile.id),
        FULL,
        None,
    )
    .await;
    assert_eq!(
        placements["data"][0],
        json!({"id": null, "name": "Personal Profile"})
    );
    let (_, group) = call(&mock, "GET", "/api/profile_groups/grp789ghi", FULL, None).await;
    assert_eq!(group["profiles_count"], 3);
    // Single use.
    assert_eq!(
        refused(control.authorize_connection(DEMO, &token).await).0,
        404
    );
    // And now linkedin is connected in that group.
    let (status, body) = call(
        &mock,
        "POST",
        "/api/profile_groups/grp789ghi/initialize_connection",
        FULL,
        Some(json!({"platform": "linkedin", "redirect_url": "https://app.example/cb"})),
    )
    .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (422, Some("Platform already connected"))
    );

    let denied = init("youtube").await;
    let outcome = control.deny_connection(DEMO, &denied).await.unwrap();
    assert!(outcome.profile.is_none());
    assert!(
        outcome.redirect_to.contains("error=access_denied"),
        "{}",
        outcome.redirect_to
    );

    // A token expires after an hour of the account's clock.
    let late = init("tiktok").await;
    control.advance_clock(DEMO, &minutes(61)).await.unwrap();
    assert_eq!(
        refused(control.authorize_connection(DEMO, &late).await).0,
        410
    );
    let page = reqwest::get(format!("{}/connect/{late}", mock.base_url()))
        .await
        .unwrap();
    assert_eq!(page.status(), 410);
}

#[tokio::test]
async fn connect_flow_through_the_consent_page() {
    let mock = MockServer::start().await;
    let (_, body) = call(&mock, "POST", "/api/profile_groups/grp789ghi/initialize_connection", FULL,
        Some(json!({"platform": "facebook", "redirect_url": format!("{}/__mock/connect/callback", mock.base_url())}))).await;
    let url = body["url"].as_str().unwrap().to_string();
    let no_redirects = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let page = no_redirects.get(&url).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(
        html.contains("id=\"authorize\"")
            && html.contains("id=\"deny\"")
            && html.contains("Personal"),
        "{html}"
    );
    let answer = no_redirects
        .post(format!("{url}/authorize"))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 303);
    let location = answer.headers()["location"].to_str().unwrap().to_string();
    assert!(
        location.contains("status=success&profile_id=prof_"),
        "{location}"
    );
    let callback = reqwest::get(&location).await.unwrap().text().await.unwrap();
    assert!(
        callback.contains("<h1 id=\"outcome\">Connected</h1>"),
        "{callback}"
    );
    assert_eq!(
        no_redirects
            .post(format!("{url}/authorize"))
            .send()
            .await
            .unwrap()
            .status(),
        404
    );

    // A redirect_url that cannot be a Location header is shown as a link, escaped.
    let (_, body) = call(
        &mock,
        "POST",
        "/api/profile_groups/grp789ghi/initialize_connection",
        FULL,
        Some(json!({"platform": "youtube", "redirect_url": "javascript:alert(\"<x>\")"})),
    )
    .await;
    let url = body["url"].as_str().unwrap().to_string();
    let answer = no_redirects
        .post(format!("{url}/deny"))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 200);
    assert!(answer.headers().get("location").is_none());
    let html = answer.text().await.unwrap();
    assert!(
        html.contains("&lt;x&gt;") && !html.contains("<x>"),
        "{html}"
    );
}

#[tokio::test]
async fn control_api_bad_input_and_documents() {
    let mock = MockServer::start().await;
    let before = mock.control().export_fixture(DEMO).await.unwrap();
    let cases: [(&str, &str, Option<&str>, u16, &str); 8] = [
        (
            "POST",
            "/__mock/accounts",
            Some("{"),
            400,
            "Invalid request body",
        ),
        (
            "POST",
            "/__mock/accounts",
            Some(r#"{"profile_groups": 5}"#),
            400,
            "profile_groups",
        ),
        (
            "POST",
            "/__mock/accounts",
            Some(r#"{"api_keys": [{"key": "pp_demo_full_0123456789abcdef"}]}"#),
            409,
            "is already in use",
        ),
        (
            "POST",
            "/__mock/accounts",
            Some(r#"{"id": "acct_demo"}"#),
            409,
            "Account \"acct_demo\" already exists",
        ),
        (
            "POST",
            "/__mock/accounts",
            Some(r#"{"profile_groups": [{"id": "g", "name": " "}]}"#),
            422,
            "profile_groups[0].name",
        ),
        (
            "GET",
            "/__mock/accounts/acct_nope/clock",
            None,
            404,
            "No account \"acct_nope\"",
        ),
        (
            "PUT",
            "/__mock/accounts/acct_demo/fixture",
            Some(r#"{"id": "acct_other"}"#),
            422,
            "must be absent or \"acct_demo\"",
        ),
        (
            "POST",
            "/__mock/accounts/acct_demo/profile_groups/grp_nope/profiles",
            Some(r#"{"id": "p", "name": "P", "platform": "twitter", "status": "active"}"#),
            404,
            "no profile group \"grp_nope\"",
        ),
    ];
    for (method, path, body, expected, message) in cases {
        let (status, answer) = control_http(&mock, method, path, body).await;
        assert_eq!(status, expected, "{method} {path} {body:?}: {answer}");
        let error = answer["error"].as_str().unwrap_or_default();
        assert!(error.contains(message), "{method} {path}: {error:?}");
    }
    assert!(
        mock.control().export_fixture(DEMO).await.unwrap() == before,
        "nothing changed"
    );
    assert_eq!(mock.control().accounts().await.unwrap().len(), 1);

    let (status, doc) = control_http(&mock, "GET", "/__mock/openapi.json", None).await;
    assert_eq!(status, 200);
    assert_eq!(
        doc["servers"][0]["url"], "/",
        "requests from /docs go to the mock"
    );
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    let paths = doc["paths"].as_object().unwrap();
    for path in [
        "/__mock/accounts",
        "/__mock/accounts/{account}/faults",
        "/__mock/accounts/{account}/journal",
        "/__mock/accounts/{account}/clock/advance",
        "/__mock/accounts/{account}/connections/{token}/authorize",
    ] {
        assert!(paths.contains_key(path), "{path}");
    }
    let docs = reqwest::get(format!("{}/docs/", mock.base_url()))
        .await
        .unwrap();
    assert_eq!(docs.status(), 200);
    let html = docs.text().await.unwrap();
    assert!(html.contains("swagger"), "{html}");
    let config = reqwest::get(format!("{}/docs/swagger-initializer.js", mock.base_url()))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        config.contains("/openapi.json") && config.contains("/__mock/openapi.json"),
        "{config}"
    );
    // The spec picker names the specs rather than showing their URLs.
    assert!(
        config.contains("Postproxy API (served by this mock)")
            && config.contains("Mock control API (/__mock/)"),
        "{config}"
    );
}

#[tokio::test]
async fn a_typed_client_from_a_url_works_like_the_handle() {
    let mock = MockServer::start().await;
    let control = ControlClient::new(format!("{}/", mock.base_url()));
    let accounts = control.accounts().await.unwrap();
    assert_eq!(accounts[0].id, DEMO);
    assert_eq!(accounts[0].api_keys[0].key, FULL);
}

#[tokio::test]
async fn injection_refusals_name_the_problem_and_change_nothing() {
    let mock = MockServer::start().await;
    let control = mock.control();
    let before = control.export_fixture(DEMO).await.unwrap();
    let snapshot = |placement: &str| {
        format!(
            r#"{{"placement_id": {placement}, "stats": {{}}, "recorded_at": "2026-06-01T00:00:00Z"}}"#
        )
    };
    let long_error = format!(r#"{{"status": 500, "error": "{}"}}"#, "x".repeat(1025));
    let base = "/__mock/accounts/acct_demo";
    let cases: Vec<(&str, String, String, u16, &str)> = vec![
        ("POST", format!("{base}/profile_groups"), r#"{"name": " "}"#.into(), 422, "name must not be blank"),
        ("POST", format!("{base}/profile_groups"), r#"{"id": " ", "name": "G"}"#.into(), 422, "id must not be blank"),
        ("POST", format!("{base}/profile_groups"), r#"{"id": "grp123abc", "name": "G"}"#.into(), 409, "already exists"),
        ("PATCH", format!("{base}/profile_groups/grp_nope"), r#"{"name": "G"}"#.into(), 404, "no profile group"),
        ("POST", format!("{base}/profile_groups/grp123abc/profiles"),
            r#"{"id": "prof_yt_001", "name": "Y", "platform": "youtube", "status": "active"}"#.into(), 409, "already exists"),
        ("POST", format!("{base}/profile_groups/grp123abc/profiles"),
            r#"{"id": " ", "name": "Y", "platform": "youtube", "status": "active"}"#.into(), 422, "profile.id: must not be blank"),
        ("POST", format!("{base}/profile_groups/grp123abc/profiles"),
            r#"{"id": "p", "name": "Y", "platform": "youtube", "status": "active", "post_count": -1}"#.into(), 422, "post_count"),
        ("PATCH", format!("{base}/profiles/prof_yt_001"), r#"{"expires_at": "soon"}"#.into(), 422, "expires_at"),
        ("PATCH", format!("{base}/profiles/prof_yt_001"), r#"{"name": ""}"#.into(), 422, "name must not be blank"),
        ("PATCH", format!("{base}/profiles/prof_nope"), r#"{"name": "N"}"#.into(), 404, "no profile \"prof_nope\""),
        ("POST", format!("{base}/profiles/prof_fb_001/placements"), r#"{"id": null, "name": "P"}"#.into(), 422,
            "only the LinkedIn personal profile placement may have a null id"),
        ("POST", format!("{base}/profiles/prof_fb_001/placements"), r#"{"id": "200000000000001", "name": "P"}"#.into(), 409,
            "placement \"200000000000001\" already exists"),
        ("POST", format!("{base}/profiles/prof_li_001/placements"), r#"{"id": null, "name": "P"}"#.into(), 409,
            "the personal profile placement already exists"),
        ("POST", format!("{base}/profiles/prof_yt_001/placements"), r#"{"id": "1", "name": "P"}"#.into(), 422,
            "youtube profiles have no placements"),
        ("POST", format!("{base}/profiles/prof_fb_001/stats"), snapshot("null"), 422, "placement_id is required for facebook profiles"),
        ("POST", format!("{base}/profiles/prof_fb_001/stats"), snapshot(r#""9""#), 404, "no placement \"9\""),
        ("POST", format!("{base}/profiles/prof_yt_001/stats"), snapshot(r#""9""#), 422, "placement_id must be null"),
        ("POST", format!("{base}/profiles/prof_yt_001/stats"),
            r#"{"stats": {}, "recorded_at": "yesterday"}"#.into(), 422, "recorded_at"),
        ("POST", format!("{base}/faults"), r#"{"status": 500, "times": 100001}"#.into(), 422, "times must be 1"),
        ("POST", format!("{base}/faults"), long_error, 422, "error must be at most 1024 bytes"),
        ("POST", format!("{base}/faults"), r#"{"status": 200}"#.into(), 422, "status must be 400"),
        ("DELETE", "/__mock/accounts/acct_nope".into(), String::new(), 404, "No account"),
        ("POST", "/__mock/accounts/acct_nope/reset".into(), String::new(), 404, "No account"),
        ("PUT", "/__mock/accounts/acct_nope/fixture".into(), "{}".into(), 404, "No account"),
        ("POST", format!("{base}/connections/inv_nope/deny"), String::new(), 404, "No pending connection"),
    ];
    for (method, path, body, expected, message) in cases {
        let body = (!body.is_empty()).then_some(body.as_str());
        let (status, answer) = control_http(&mock, method, &path, body).await;
        assert_eq!(status, expected, "{method} {path} {body:?}: {answer}");
        let error = answer["error"].as_str().unwrap_or_default();
        assert!(
            error.contains(message),
            "{method} {path}: {error:?} lacks {message:?}"
        );
    }
    assert!(
        control.export_fixture(DEMO).await.unwrap() == before,
        "nothing changed"
    );
    assert!(control.faults(DEMO).await.unwrap().is_empty());

    // A key another account holds cannot be imported.
    let other = control.create_account(&Default::default()).await.unwrap();
    let mut taken = before.clone();
    taken.api_keys[0].key = Some(other.api_keys[0].key.clone());
    let (status, error) = refused(control.import_fixture(DEMO, &taken).await);
    assert_eq!(status, 409);
    assert!(error.contains("is already in use"), "{error}");
    assert!(control.export_fixture(DEMO).await.unwrap() == before);
}

#[tokio::test]
async fn connections_die_with_their_group_and_their_hour() {
    let mock = MockServer::start().await;
    let control = mock.control();
    let init = |group: &'static str| {
        let mock = &mock;
        async move {
            let path = format!("/api/profile_groups/{group}/initialize_connection");
            let body = json!({"platform": "tiktok", "redirect_url": "https://app.example/cb"});
            let (status, body) = call(mock, "POST", &path, FULL, Some(body)).await;
            assert_eq!(status, 200, "{body}");
            body["url"]
                .as_str()
                .unwrap()
                .rsplit('/')
                .next()
                .unwrap()
                .to_string()
        }
    };
    // Deleting the group drops its pending invitation.
    let gone = init("grp789ghi").await;
    assert_eq!(
        call(&mock, "DELETE", "/api/profile_groups/grp789ghi", FULL, None)
            .await
            .0,
        200
    );
    assert!(control.connections(DEMO).await.unwrap().is_empty());
    assert_eq!(
        refused(control.authorize_connection(DEMO, &gone).await).0,
        404
    );
    let page = reqwest::get(format!("{}/connect/{gone}", mock.base_url()))
        .await
        .unwrap();
    assert_eq!(page.status(), 404);

    // An expired link can be neither denied through the control API nor on the page.
    let late = init("grp456def").await;
    control.advance_clock(DEMO, &minutes(61)).await.unwrap();
    let (status, error) = refused(control.deny_connection(DEMO, &late).await);
    assert_eq!(
        (status, error.as_str()),
        (410, "This connection link has expired")
    );
    let denied = reqwest::Client::new()
        .post(format!("{}/connect/{late}/deny", mock.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(denied.status(), 410);
    assert!(
        denied.headers().get("location").is_none(),
        "no redirect for a dead link"
    );
}

#[tokio::test]
async fn a_journaled_body_over_the_limit_is_413_and_recorded() {
    let mock = MockServer::start().await;
    let control = mock.control();
    control.record_bodies(DEMO, true).await.unwrap();
    let huge = json!({"name": "x".repeat(postproxy_mock_server::BODY_LIMIT)});
    let (status, body) = call(&mock, "POST", "/api/profile_groups", FULL, Some(huge)).await;
    assert_eq!(status, 413, "{body}");
    assert_eq!(
        body["error"],
        "Request body is too large (limit 1048576 bytes)"
    );
    let journal = control
        .journal(DEMO, &JournalFilter::default())
        .await
        .unwrap();
    assert_eq!(journal.entries.len(), 1);
    assert_eq!(
        (
            journal.entries[0].status,
            journal.entries[0].body.as_deref()
        ),
        (413, None)
    );
    assert_eq!(control.account(DEMO).await.unwrap().profile_groups, 4);
}

#[tokio::test]
async fn an_unreachable_server_is_an_http_error_not_a_refusal() {
    // Port 1 (tcpmux) has no listener here, and no test server can be given it.
    let result = ControlClient::new("http://127.0.0.1:1").accounts().await;
    assert!(
        matches!(
            result,
            Err(postproxy_mock_server::control::ControlClientError::Http(_))
        ),
        "{result:?}"
    );
}

/// The 409 the spec documents: a request held by a latency fault has recorded its
/// Idempotency-Key as in flight before waiting, so a duplicate meanwhile is refused instead of
/// running first.
#[tokio::test]
async fn an_idempotency_key_in_flight_is_409() {
    let mock = MockServer::start().await;
    let control = mock.control();
    let account = control.create_account(&fresh_demo()).await.unwrap();
    let key = account.api_keys[0].key.clone();
    control
        .add_fault(
            &account.id,
            &FaultSpec::latency(StdDuration::from_millis(1500))
                .on(Method::POST, "/api/profile_groups"),
        )
        .await
        .unwrap();
    let post = |idempotency_key: &'static str, name: &'static str| {
        let request = reqwest::Client::new()
            .post(format!("{}/api/profile_groups", mock.base_url()))
            .bearer_auth(&key)
            .header("idempotency-key", idempotency_key)
            .json(&json!({"profile_group": {"name": name}}));
        async move {
            let response = request.send().await.unwrap();
            let status = response.status().as_u16();
            (status, response.json::<Value>().await.unwrap())
        }
    };
    let slow = tokio::spawn(post("k-slow", "Slow"));
    // Let the first request reach its fault's wait.
    tokio::time::sleep(StdDuration::from_millis(300)).await;
    let in_progress =
        json!({"error": "A request with this Idempotency-Key is already in progress"});
    assert_eq!(post("k-slow", "Slow").await, (409, in_progress.clone()));
    assert_eq!(
        post("k-slow", "Other").await,
        (409, in_progress),
        "whatever the body"
    );
    let (status, _) = post("k-other", "Fast").await;
    assert_eq!(status, 201, "other keys are not held up");
    let (status, first) = slow.await.unwrap();
    assert_eq!(status, 201);
    // Once it has finished, the same key replays it.
    assert_eq!(post("k-slow", "Slow").await, (201, first));
    let (_, groups) = call(&mock, "GET", "/api/profile_groups", &key, None).await;
    assert_eq!(
        groups["data"].as_array().unwrap().len(),
        6,
        "4 + Slow + Fast"
    );
    let journal = control
        .journal(&account.id, &JournalFilter::default())
        .await
        .unwrap();
    let statuses: Vec<u16> = journal.entries.iter().map(|e| e.status).collect();
    assert_eq!(
        statuses.iter().filter(|&&s| s == 409).count(),
        2,
        "{statuses:?}"
    );
}

/// The documented reconnect: an expired (or inactive) profile is not "already connected";
/// authorising reconnects it (same id, active, `expires_at` renewed). A second invitation for
/// the same platform cannot then create a second profile.
#[tokio::test]
async fn an_expired_profile_is_reconnected_and_a_second_authorisation_refused() {
    let mock = MockServer::start().await;
    let control = mock.control();
    let account = control.create_account(&fresh_demo()).await.unwrap();
    let key = account.api_keys[0].key.clone();
    let patch = ProfilePatch {
        status: Some(ProfileStatus::Expired),
        ..Default::default()
    };
    control
        .patch_profile(&account.id, "prof_th_001", &patch)
        .await
        .unwrap();
    let init = |platform: &'static str| {
        let (mock, key) = (&mock, key.clone());
        async move {
            call(
                mock,
                "POST",
                "/api/profile_groups/grp123abc/initialize_connection",
                &key,
                Some(json!({"platform": platform, "redirect_url": "https://app.example/cb"})),
            )
            .await
        }
    };
    // Two invitations for threads, while its profile is expired: both are accepted.
    let (s1, _) = init("threads").await;
    let (s2, _) = init("threads").await;
    assert_eq!((s1, s2), (200, 200));
    let pending = control.connections(&account.id).await.unwrap();
    assert_eq!(pending.len(), 2);
    let outcome = control
        .authorize_connection(&account.id, &pending[0].token)
        .await
        .unwrap();
    let profile = outcome.profile.unwrap();
    assert_eq!(profile.id, "prof_th_001", "the same profile");
    assert_eq!(profile.status, ProfileStatus::Active);
    let renewed = profile.expires_at.expect("threads tokens expire");
    let now = control.clock(&account.id).await.unwrap().now;
    assert!(renewed > now, "{renewed} after {now}");
    // The second invitation meets the same rule: threads is connected now.
    let (status, message) = refused(
        control
            .authorize_connection(&account.id, &pending[1].token)
            .await,
    );
    assert_eq!(status, 422);
    assert!(message.contains("Platform already connected"), "{message}");
    let page = reqwest::Client::new()
        .post(format!(
            "{}/connect/{}/authorize",
            mock.base_url(),
            pending[1].token
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status().as_u16(), 422);
    assert!(page
        .text()
        .await
        .unwrap()
        .contains("Platform already connected"));
    let (_, listed) = call(
        &mock,
        "GET",
        "/api/profiles?profile_group_id=grp123abc",
        &key,
        None,
    )
    .await;
    let threads = listed["data"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["platform"] == "threads")
        .count();
    assert_eq!(threads, 1, "one threads profile, reconnected");
    // Now active, it is already connected; an inactive one can be reconnected too.
    assert_eq!(
        init("threads").await,
        (422, json!({"error": "Platform already connected"}))
    );
    let inactive = ProfilePatch {
        status: Some(ProfileStatus::Inactive),
        ..Default::default()
    };
    control
        .patch_profile(&account.id, "prof_yt_001", &inactive)
        .await
        .unwrap();
    assert_eq!(init("youtube").await.0, 200);
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

/// Two invitations for one platform in one group, both authorised: the first connects the
/// platform, so the second meets the "already connected" rule and creates nothing.
#[tokio::test]
async fn two_invitations_for_one_platform_connect_it_once() {
    let mock = MockServer::start().await;
    let control = mock.control();
    let account = control.create_account(&fresh_demo()).await.unwrap();
    let key = account.api_keys[0].key.clone();
    for _ in 0..2 {
        let (status, _) = call(
            &mock,
            "POST",
            "/api/profile_groups/grp789ghi/initialize_connection",
            &key,
            Some(json!({"platform": "youtube", "redirect_url": "https://app.example/cb"})),
        )
        .await;
        assert_eq!(status, 200);
    }
    let pending = control.connections(&account.id).await.unwrap();
    let first = control
        .authorize_connection(&account.id, &pending[0].token)
        .await
        .unwrap();
    assert!(first.profile.is_some());
    let (status, message) = refused(
        control
            .authorize_connection(&account.id, &pending[1].token)
            .await,
    );
    assert_eq!(
        (status, message.contains("Platform already connected")),
        (422, true)
    );
    let (_, group) = call(&mock, "GET", "/api/profile_groups/grp789ghi", &key, None).await;
    assert_eq!(group["profiles_count"], 3, "2 + one youtube profile");
}

#[tokio::test]
async fn a_status_fault_and_a_catch_all_latency_compose_on_one_request() {
    let mock = MockServer::start().await;
    let control = mock.control();
    control
        .add_fault(
            DEMO,
            &FaultSpec::status(429).on(Method::GET, "/api/profiles/*"),
        )
        .await
        .unwrap();
    control
        .add_fault(DEMO, &FaultSpec::latency(StdDuration::from_millis(400)))
        .await
        .unwrap();

    // The first request matches both: it waits, then gets the 429.
    let started = Instant::now();
    let (status, body) = call(&mock, "GET", "/api/profiles/prof_li_001", FULL, None).await;
    assert_eq!(
        (status, body),
        (429, json!({"error": "Rate limit exceeded"}))
    );
    assert!(started.elapsed() >= StdDuration::from_millis(400));
    assert!(
        control.faults(DEMO).await.unwrap().is_empty(),
        "both used up"
    );

    // So the latency does not wait for the next request.
    let started = Instant::now();
    assert_eq!(
        call(&mock, "GET", "/api/profiles/prof_li_001", FULL, None)
            .await
            .0,
        200
    );
    assert!(started.elapsed() < StdDuration::from_millis(400));
}

#[tokio::test]
async fn an_account_created_without_a_body_is_empty_with_one_key() {
    let mock = MockServer::start().await;
    for body in [None, Some(""), Some("{}")] {
        let (status, account) = control_http(&mock, "POST", "/__mock/accounts", body).await;
        assert_eq!(status, 201, "{body:?}: {account}");
        assert_eq!(
            (
                account["profile_groups"].as_u64(),
                account["profiles"].as_u64()
            ),
            (Some(0), Some(0))
        );
        let keys = account["api_keys"].as_array().unwrap();
        assert_eq!(keys.len(), 1, "{account}");
        assert!(keys[0]["profile_group_id"].is_null(), "a full-access key");
        let key = keys[0]["key"].as_str().unwrap();
        let (status, groups) = call(&mock, "GET", "/api/profile_groups", key, None).await;
        assert_eq!((status, groups), (200, json!({"data": []})));
    }
    // A body that is there must still be JSON.
    let (status, body) = control_http(&mock, "POST", "/__mock/accounts", Some("nope")).await;
    assert_eq!(status, 400, "{body}");
}
