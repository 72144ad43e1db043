//! Every cap of `postproxy_mock_server::limits`: filled in-process (fast), then exceeded over
//! HTTP, which must answer with a clear 4xx JSON error and change nothing; and a long run of
//! creates and deletes under idempotency keys whose bookkeeping stays bounded, and a long run
//! of invitations and denials whose connect tokens do not pile up.

use postproxy_mock_server::control::FaultSpec;
use postproxy_mock_server::control::{ClockUpdate, GroupInject};
use postproxy_mock_server::fixtures::{AccountFixture, GroupFixture, SnapshotFixture};
use postproxy_mock_server::limits::*;
use postproxy_mock_server::MockServer;
use postproxy_models::{
    CreateProfileGroupRequest, InitializeConnectionRequest, Placement, Platform,
};
use serde_json::json;

use crate::common;
use common::{call, hours, minutes, profile, refused, DEMO, FULL_KEY};

fn vm_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

#[tokio::test]
async fn groups_are_capped_per_account() {
    let mock = MockServer::start().await;
    let control = mock.control();
    {
        let mut store = mock.store();
        let mut account = store.account_mut(DEMO).unwrap();
        for i in account.counts().0..MAX_GROUPS {
            account
                .inject_group(Some(&format!("g{i}")), "filler")
                .unwrap();
        }
    }
    let before = control.export_fixture(DEMO).await.unwrap();
    let message = "This account holds 10000 profile groups, the most it can";
    assert_eq!(
        call(
            &mock,
            "POST",
            "/api/profile_groups",
            FULL_KEY,
            Some(json!({"name": "one more"}))
        )
        .await,
        (422, json!({ "error": message }))
    );
    let inject = GroupInject {
        id: None,
        name: "one more".into(),
    };
    assert_eq!(
        refused(control.add_group(DEMO, &inject).await),
        (422, message.into())
    );
    assert!(control.export_fixture(DEMO).await.unwrap() == before);
    // A fixture over the cap is refused with the field path, at creation and import.
    let fixture = AccountFixture {
        profile_groups: (0..=MAX_GROUPS)
            .map(|i| GroupFixture {
                id: format!("g{i}"),
                name: "g".into(),
                profiles: Vec::new(),
            })
            .collect(),
        ..Default::default()
    };
    let (status, error) = refused(control.create_account(&fixture).await);
    assert_eq!(status, 422);
    assert!(
        error.contains("profile_groups") && error.contains("10000"),
        "{error}"
    );
    // Deleting one makes room again.
    let (status, _) = call(&mock, "DELETE", "/api/profile_groups/g9999", FULL_KEY, None).await;
    assert_eq!(status, 200);
    let (status, _) = call(
        &mock,
        "POST",
        "/api/profile_groups",
        FULL_KEY,
        Some(json!({"name": "fits"})),
    )
    .await;
    assert_eq!(status, 201);
}

/// Fills the demo account with profiles up to the cap, in-process.
fn fill_profiles(mock: &MockServer) {
    let mut store = mock.store();
    let mut account = store.account_mut(DEMO).unwrap();
    for i in account.counts().1..MAX_PROFILES {
        account
            .inject_profile("grp789ghi", &profile(&format!("p{i}"), Platform::Bluesky))
            .unwrap();
    }
}

/// Fills `prof_tg_001` with placements up to the cap, in-process.
fn fill_placements(mock: &MockServer) {
    let mut store = mock.store();
    let mut account = store.account_mut(DEMO).unwrap();
    for i in 2..MAX_PLACEMENTS {
        let placement = Placement {
            id: Some(format!("-100{i}")),
            name: "channel".into(),
            avatar_url: None,
            metadata: Default::default(),
        };
        account.inject_placement("prof_tg_001", placement).unwrap();
    }
}

/// Fills `prof_yt_001` with snapshots up to the cap, in-process, one a second from
/// 2020-01-01T00:00:00Z on.
fn fill_snapshots(mock: &MockServer) {
    let mut store = mock.store();
    let mut account = store.account_mut(DEMO).unwrap();
    let have = account.snapshot_count("prof_yt_001").unwrap();
    for i in have..MAX_SNAPSHOTS {
        let snapshot = SnapshotFixture {
            placement_id: None,
            stats: serde_json::Map::new(),
            recorded_at: format!(
                "2020-01-01T{:02}:{:02}:{:02}Z",
                i / 3600,
                i / 60 % 60,
                i % 60
            ),
            raw_stats: Default::default(),
        };
        account.inject_snapshot("prof_yt_001", &snapshot).unwrap();
    }
}

#[tokio::test]
async fn profiles_are_capped_per_account() {
    let mock = MockServer::start().await;
    fill_profiles(&mock);
    let (status, error) = refused(
        mock.control()
            .add_profile(DEMO, "grp789ghi", &profile("one_more", Platform::Bluesky))
            .await,
    );
    assert_eq!(
        (status, error.as_str()),
        (422, "This account holds 100000 profiles, the most it can")
    );
}

#[tokio::test]
async fn placements_are_capped_per_profile() {
    let mock = MockServer::start().await;
    fill_placements(&mock);
    let (status, error) = refused(
        mock.control()
            .add_placement(
                DEMO,
                "prof_tg_001",
                &Placement {
                    id: Some("-1".into()),
                    name: "c".into(),
                    avatar_url: None,
                    metadata: Default::default(),
                },
            )
            .await,
    );
    assert_eq!(
        (status, error.as_str()),
        (422, "This profile has 1000 placements, the most it can")
    );
}

#[tokio::test]
async fn snapshots_are_capped_per_profile() {
    let mock = MockServer::start().await;
    fill_snapshots(&mock);
    let snapshot = SnapshotFixture {
        placement_id: None,
        stats: serde_json::Map::new(),
        recorded_at: "2026-01-01T00:00:00Z".into(),
        raw_stats: Default::default(),
    };
    let (status, error) = refused(
        mock.control()
            .add_snapshot(DEMO, "prof_yt_001", &snapshot)
            .await,
    );
    assert_eq!(
        (status, error.as_str()),
        (
            422,
            "This profile holds 10000 stats snapshots, the most it can"
        )
    );
}

/// A connection cannot add a profile to a full account: the invitation is made, the
/// authorisation refused.
#[tokio::test]
async fn a_connection_cannot_add_a_profile_to_a_full_account() {
    let mock = MockServer::start().await;
    let control = mock.control();
    fill_profiles(&mock);
    let (status, body) = call(
        &mock,
        "POST",
        "/api/profile_groups/grp789ghi/initialize_connection",
        FULL_KEY,
        Some(json!({"platform": "youtube", "redirect_url": "https://e.x/cb"})),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let token = control.connections(DEMO).await.unwrap()[0].token.clone();
    let (status, error) = refused(control.authorize_connection(DEMO, &token).await);
    assert_eq!(
        (status, error.as_str()),
        (422, "This account holds 100000 profiles, the most it can")
    );
    assert_eq!(control.account(DEMO).await.unwrap().profiles, MAX_PROFILES);
}

/// Polling never fails, even with every cap reached: at the cap it drops the oldest snapshot
/// for each new one.
#[tokio::test]
async fn polling_at_the_snapshot_cap_drops_the_oldest_for_each_new_one() {
    let mock = MockServer::start().await;
    let control = mock.control();
    fill_profiles(&mock);
    fill_placements(&mock);
    fill_snapshots(&mock);
    let update = ClockUpdate {
        now: Some("2026-06-01T00:00:00Z".into()),
        frozen: Some(true),
    };
    control.set_clock(DEMO, &update).await.unwrap();
    let report = control.advance_clock(DEMO, &hours(23)).await.unwrap();
    assert!(report.effects.snapshots_recorded > 0);
    let stats = |query: String| {
        let mock = &mock;
        async move {
            let path = format!("/api/profiles/prof_yt_001/stats?{query}");
            let (status, body) = call(mock, "GET", &path, FULL_KEY, None).await;
            assert_eq!(status, 200, "{body}");
            body["data"]["records"].as_array().unwrap().len()
        }
    };
    // The new snapshot is kept and the oldest (injected first, at 00:00:03) is gone.
    assert_eq!(stats("from=2026-06-01T00:00:00Z".into()).await, 1);
    assert_eq!(stats("to=2020-01-01T00:00:03Z".into()).await, 0);
    assert_eq!(stats("to=2020-01-01T00:00:04Z".into()).await, 1);
    let store = mock.store();
    assert_eq!(
        store.account(DEMO).unwrap().snapshot_count("prof_yt_001"),
        Some(MAX_SNAPSHOTS)
    );
}

#[tokio::test]
async fn faults_and_pending_connections_are_capped() {
    let mock = MockServer::start().await;
    let control = mock.control();
    let spec = FaultSpec::status(500).path("/api/nothing");
    {
        let mut state = mock.store();
        let harness = state.harness(DEMO).unwrap();
        for _ in 0..MAX_FAULTS {
            harness.faults.add(spec.clone()).unwrap();
        }
    }
    let (status, error) = refused(control.add_fault(DEMO, &spec).await);
    assert_eq!(
        (status, error.as_str()),
        (422, "This account holds 1000 armed faults, the most it can")
    );
    assert_eq!(control.faults(DEMO).await.unwrap().len(), MAX_FAULTS);
    control.clear_faults(DEMO).await.unwrap();

    control
        .set_clock(
            DEMO,
            &ClockUpdate {
                now: None,
                frozen: Some(true),
            },
        )
        .await
        .unwrap();
    let connect = json!({"platform": "youtube", "redirect_url": "https://e.x/cb"});
    for _ in 0..MAX_PENDING_CONNECTIONS {
        let (status, _) = call(
            &mock,
            "POST",
            "/api/profile_groups/grp789ghi/initialize_connection",
            FULL_KEY,
            Some(connect.clone()),
        )
        .await;
        assert_eq!(status, 200);
    }
    let (status, body) = call(
        &mock,
        "POST",
        "/api/profile_groups/grp789ghi/initialize_connection",
        FULL_KEY,
        Some(connect.clone()),
    )
    .await;
    assert_eq!(
        (status, body),
        (
            422,
            json!({"error": "This account holds 1000 pending connections, the most it can"})
        )
    );
    // Invitations expire after an hour; expired ones make room.
    control.advance_clock(DEMO, &minutes(61)).await.unwrap();
    let (status, _) = call(
        &mock,
        "POST",
        "/api/profile_groups/grp789ghi/initialize_connection",
        FULL_KEY,
        Some(connect),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(mock.store().account(DEMO).unwrap().pending_connections(), 1);
}

#[tokio::test]
async fn the_journal_and_the_accounts_are_capped() {
    let mock = MockServer::start().await;
    let control = mock.control();
    for _ in 0..JOURNAL_CAP + 20 {
        let (status, _) = call(&mock, "GET", "/api/profiles/nothing", FULL_KEY, None).await;
        assert_eq!(status, 404);
    }
    let page = control.journal(DEMO, &Default::default()).await.unwrap();
    assert_eq!(
        (page.entries.len(), page.dropped, page.cap),
        (JOURNAL_CAP, 20, JOURNAL_CAP)
    );
    assert_eq!(page.entries[0].seq, 21);

    {
        let mut store = mock.store();
        let fixture = AccountFixture::default();
        while store.accounts().len() < MAX_ACCOUNTS {
            store
                .create_account(
                    fixture.clone(),
                    postproxy_mock_server::test_support::Clock::real(),
                )
                .unwrap();
        }
    }
    let (status, error) = refused(control.create_account(&AccountFixture::default()).await);
    assert_eq!(
        (status, error.as_str()),
        (422, "This server holds 10000 accounts, the most it can")
    );
    assert_eq!(control.accounts().await.unwrap().len(), MAX_ACCOUNTS);
}

/// 50 000 create + delete cycles, each under its own idempotency key, within one day of the
/// account's clock: the remembered keys stop at the cap, the newest still replay, an evicted
/// one runs again, and the run takes linear time (the old full scan per request made it
/// quadratic).
#[tokio::test]
async fn a_long_run_of_idempotent_creates_and_deletes_stays_bounded() {
    let mock = MockServer::start().await;
    let rss_before = vm_rss_kib();
    let started = std::time::Instant::now();
    let cycles = 50_000;
    {
        // As the request path does: the operation, then its answer kept under its key.
        let mut store = mock.store();
        let who = store.authenticate(Some(FULL_KEY)).unwrap();
        store.account_mut(DEMO).unwrap().clock.freeze();
        let body = CreateProfileGroupRequest {
            name: Some("cycle".into()),
            profile_group: None,
        };
        for i in 0..cycles {
            let now = {
                let mut account = store.account_mut(DEMO).unwrap();
                let group = account.create_group(&who, &body).unwrap();
                account.delete_group(&who, &group.id).unwrap();
                account.clock.advance(time::Duration::milliseconds(1));
                account.clock.now()
            };
            let keys = &mut store.harness(DEMO).unwrap().idempotency;
            for (key, fingerprint) in [("create", "POST"), ("delete", "DELETE")] {
                let slot = (who.key_id.clone(), format!("{key}-{i}"));
                let answer = (200, Default::default());
                keys.keep(slot, format!("{fingerprint} {i}"), "", answer, now);
            }
            assert!(keys.len() <= MAX_IDEMPOTENCY_KEYS);
        }
        assert_eq!(
            store.harness(DEMO).unwrap().idempotency.len(),
            MAX_IDEMPOTENCY_KEYS
        );
        assert_eq!(store.account(DEMO).unwrap().counts().0, 4);
    }
    let elapsed = started.elapsed();
    let rss_after = vm_rss_kib();
    eprintln!(
        "{cycles} idempotent create+delete cycles in {elapsed:?}; VmRSS {rss_before:?} → {rss_after:?} KiB"
    );
    // Over HTTP: the newest key replays (no new group), an evicted one runs again.
    let replay = |key: &str| {
        reqwest::Client::new()
            .post(format!("{}/api/profile_groups", mock.base_url()))
            .bearer_auth(FULL_KEY)
            .header("idempotency-key", key)
            .json(&json!({"name": "cycle"}))
    };
    // The stored fingerprint of the in-process run differs from the HTTP one: a replay of
    // `create-49999` is a different request (422); `create-0` was forgotten and runs.
    let recent = replay(&format!("create-{}", cycles - 1))
        .send()
        .await
        .unwrap();
    assert_eq!(recent.status().as_u16(), 422);
    let evicted = replay("create-0").send().await.unwrap();
    assert_eq!(evicted.status().as_u16(), 201);
    let again = replay("create-0").send().await.unwrap();
    assert_eq!(again.status().as_u16(), 201);
    let (_, groups) = call(&mock, "GET", "/api/profile_groups", FULL_KEY, None).await;
    assert_eq!(
        groups["data"].as_array().unwrap().len(),
        5,
        "create-0 replayed once"
    );
}

/// 100 000 initialize_connection + deny cycles on one account: the server's index of connect
/// tokens holds only pending invitations (it used to keep every token ever issued), and a
/// denied link still answers as a used one.
#[tokio::test]
async fn a_long_run_of_invitations_and_denials_leaves_no_tokens() {
    let mock = MockServer::start().await;
    let started = std::time::Instant::now();
    let cycles = 100_000;
    let last = {
        let mut store = mock.store();
        let who = store.authenticate(Some(FULL_KEY)).unwrap();
        let body = InitializeConnectionRequest {
            platform: Some("youtube".into()),
            redirect_url: Some("https://app.example/cb".into()),
            ..Default::default()
        };
        let mut last = String::new();
        for _ in 0..cycles {
            let connection = store
                .initialize_connection(&who, "grp789ghi", &body)
                .unwrap()
                .invitation()
                .expect("an OAuth platform makes an invitation");
            assert_eq!(store.token_count(), 1);
            store
                .account_mut(DEMO)
                .unwrap()
                .deny(&connection.token)
                .unwrap();
            assert_eq!(store.token_count(), 0);
            last = connection.token;
        }
        assert_eq!(store.account(DEMO).unwrap().pending_connections(), 0);
        last
    };
    let elapsed = started.elapsed();
    eprintln!("{cycles} initialize+deny cycles in {elapsed:?}; 0 tokens left");
    let page = reqwest::get(format!("{}/connect/{last}", mock.base_url()))
        .await
        .unwrap();
    assert_eq!(page.status(), 404);
    assert!(page
        .text()
        .await
        .unwrap()
        .contains("Unknown connection link"));
}
