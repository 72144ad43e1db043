//! record → serve: the mock serving a recording answers every GET as the upstream did.

use postproxy_mock::record::{record, Rate, ACCOUNT_ID};
use postproxy_mock_server::control::ClockUpdate;
use postproxy_mock_server::control::JournalFilter;
use postproxy_mock_server::{Fixtures, MockServer, DEMO_FULL_ACCESS_KEY, DEMO_SCOPED_KEY};

use super::support::{assert_same_answers, key_of, options, serve, Api, Dir};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_account_is_served_as_recorded() {
    let upstream = MockServer::start().await;
    let dir = Dir::new("demo");
    let out = dir.join("demo.json");
    let report = record(&options(upstream.base_url(), DEMO_FULL_ACCESS_KEY, &out))
        .await
        .expect("record the demo account");
    assert!(report.failures.is_empty(), "{:?}", report.failures);
    assert_eq!(
        (report.groups, report.profiles, report.placements),
        (4, 15, 13)
    );
    assert_eq!(dir.files(), ["demo.json"], "no temporary file is left");

    // GET only, and nothing else was asked of the upstream.
    let journal = upstream
        .control()
        .journal(upstream.demo_account_id(), &JournalFilter::default())
        .await
        .unwrap();
    assert_eq!(journal.entries.len() as u64, report.requests);
    assert!(journal.entries.iter().all(|e| e.method == "GET"));

    // New keys: one full, one per group; the upstream's are not in the file.
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(!text.contains(DEMO_FULL_ACCESS_KEY) && !text.contains(DEMO_SCOPED_KEY));
    assert_eq!(report.keys.len(), 5);
    assert!(report.keys.iter().all(|k| k.key.starts_with("pp_rec_")));

    let served = serve(&out).await;
    let compared = assert_same_answers(
        &Api::new(upstream.base_url(), DEMO_FULL_ACCESS_KEY),
        &Api::new(served.base_url(), key_of(&report, None)),
        &[],
    )
    .await;
    assert!(compared > 150, "{compared} GETs compared");

    // The scoped key sees what the upstream's key scoped to the same group sees.
    let other_group = vec![
        "/api/profile_groups/grp123abc".to_string(),
        "/api/profiles?profile_group_id=grp123abc".into(),
        "/api/profiles/prof_li_001".into(),
    ];
    assert_same_answers(
        &Api::new(upstream.base_url(), DEMO_SCOPED_KEY),
        &Api::new(served.base_url(), key_of(&report, Some("grp456def"))),
        &other_group,
    )
    .await;
}

/// Groups and profiles of every kind: each placement network (a LinkedIn personal profile
/// with its null id, a Telegram bot in no channel yet, a Pinterest board list with one series,
/// locations without stats), snapshots at equal times, keys that come and go, floats, nested
/// and text values, an inactive profile, an empty group.
fn rich_fixture() -> Fixtures {
    // prof_fb expires after the upstream's clock (set in the test) but before today: it was
    // active when recorded.
    let fb = r#"{"id": "prof_fb", "name": "Page", "platform": "facebook", "status": "active",
        "expires_at": "2026-05-20T00:00:00Z", "post_count": 7, "avatar_url": "https://cdn.example/fb.jpg",
        "placements": [{"id": "p1", "name": "Page One"}, {"id": "p2", "name": "Page Two"}, {"id": "p3", "name": "Quiet"}],
        "stats": [
          {"placement_id": "p1", "recorded_at": "2026-05-01T08:00:00Z", "stats": {"fan_count": 10, "followers_count": 12}},
          {"placement_id": "p1", "recorded_at": "2026-05-02T08:00:00Z", "stats": {"fan_count": 11}},
          {"placement_id": "p1", "recorded_at": "2026-05-02T08:00:00Z", "stats": {"fan_count": 12, "followers_count": 13}},
          {"placement_id": "p2", "recorded_at": "2026-05-01T08:00:00.500Z",
           "stats": {"fan_count": 1.5, "channel_title": "Two", "nested": {"a": [1, 2]}}},
          {"placement_id": "p2", "recorded_at": "2026-05-03T09:30:00+02:00", "stats": {"fan_count": -3, "big": 12345678901234}}]}"#;
    let li = r#"{"id": "prof_li", "name": "Org", "platform": "linkedin", "status": "active",
        "placements": [{"id": null, "name": "Personal Profile"}, {"id": "org1", "name": "Org"}],
        "stats": [
          {"placement_id": "org1", "recorded_at": "2026-05-01T08:00:00Z", "stats": {"followerCount": 100, "engagement": 0.041}},
          {"placement_id": "org1", "recorded_at": "2026-05-02T08:00:00Z", "stats": {"followerCount": 101}}]}"#;
    let tw = r#"{"id": "prof_tw", "name": "@tw", "platform": "twitter", "status": "active", "post_count": 3,
        "stats": [
          {"recorded_at": "2026-05-01T00:00:00Z", "stats": {"followers_count": 5, "tweet_count": 1}},
          {"recorded_at": "2026-05-02T00:00:00Z", "stats": {"tweet_count": 2}},
          {"recorded_at": "2026-05-03T00:00:00Z", "stats": {"followers_count": 7, "tweet_count": 2}},
          {"recorded_at": "2026-05-04T00:00:00Z", "stats": {"followers_count": 8}}]}"#;
    let tg = r#"{"id": "prof_tg", "name": "Bot", "platform": "telegram", "status": "active"}"#;
    let pi = r#"{"id": "prof_pi", "name": "Pins", "platform": "pinterest", "status": "active",
        "placements": [{"id": "b1", "name": "Board 1"}, {"id": "b2", "name": "Board 2"}],
        "stats": [
          {"recorded_at": "2026-05-01T00:00:00Z", "stats": {"pin_count": 3}},
          {"recorded_at": "2026-05-05T00:00:00Z", "stats": {"pin_count": 4}}]}"#;
    let gb = r#"{"id": "prof_gb", "name": "Shop", "platform": "google_business", "status": "active",
        "placements": [{"id": "accounts/1/locations/2", "name": "Shop"}]}"#;
    let ig = r#"{"id": "prof.ig-1", "name": "@ig", "platform": "instagram", "status": "inactive",
        "stats": [{"recorded_at": "2026-05-01T00:00:00Z", "stats": {"followers_count": 300}}]}"#;
    let fixture = format!(
        r#"{{"accounts": [{{"id": "acct_rich",
            "api_keys": [{{"key": "pp_rich_full_0123456789"}},
                         {{"key": "pp_rich_scoped_0123456789", "profile_group_id": "grp_b"}}],
            "profile_groups": [
              {{"id": "grp_a", "name": "Brand A", "profiles": [{fb}, {li}, {tw}]}},
              {{"id": "grp_b", "name": "Brand B — ünïcode \"quoted\"", "profiles": [{tg}, {pi}, {gb}, {ig}]}},
              {{"id": "grp_c", "name": "Empty", "profiles": []}}]}}]}}"#
    );
    Fixtures::from_json(&fixture).expect("a valid fixture")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_kind_of_object_is_served_as_recorded_once_the_clock_is_frozen() {
    let upstream = MockServer::builder()
        .fixtures(rich_fixture())
        .start()
        .await
        .unwrap();
    let at = ClockUpdate {
        now: Some("2026-05-12T00:00:00Z".into()),
        frozen: Some(true),
    };
    upstream
        .control()
        .set_clock("acct_rich", &at)
        .await
        .unwrap();
    let dir = Dir::new("rich");
    let out = dir.join("rich.json");
    let report =
        record(&options(upstream.base_url(), "pp_rich_full_0123456789", &out).concurrency(3))
            .await
            .expect("record");
    assert!(report.failures.is_empty(), "{:?}", report.failures);
    assert_eq!(
        (
            report.groups,
            report.profiles,
            report.placements,
            report.snapshots
        ),
        (3, 7, 8, 14)
    );
    let served = serve(&out).await;

    // The file's clock stands frozen at the recording's moment (the upstream's `Date`). This
    // upstream's own clock stands months before it, and prof_fb's token expired in between.
    let clock = served.control().clock(ACCOUNT_ID).await.unwrap();
    assert_eq!(
        (clock.now.as_str(), clock.frozen),
        (report.recorded_at.as_str(), true)
    );
    let up = Api::new(upstream.base_url(), "pp_rich_full_0123456789");
    let now = Api::new(served.base_url(), key_of(&report, None));
    assert_ne!(
        now.get("/api/profiles/prof_fb").await,
        up.get("/api/profiles/prof_fb").await
    );

    // Frozen at the upstream's time, it answers as the upstream did.
    served.control().set_clock(ACCOUNT_ID, &at).await.unwrap();
    assert_same_answers(&up, &now, &[]).await;
    assert_same_answers(
        &Api::new(upstream.base_url(), "pp_rich_scoped_0123456789"),
        &Api::new(served.base_url(), key_of(&report, Some("grp_b"))),
        &[
            "/api/profiles/prof_fb".to_string(),
            "/api/profile_groups/grp_a".into(),
        ],
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_are_paced_at_the_rate() {
    let upstream = MockServer::start().await;
    let dir = Dir::new("rate");
    let out = dir.join("demo.json");
    let started = std::time::Instant::now();
    let report = record(
        &options(upstream.base_url(), DEMO_FULL_ACCESS_KEY, &out).rate(Rate::PerSecond(40.0)),
    )
    .await
    .unwrap();
    let least = (report.requests - 1) as f64 / 40.0;
    assert!(
        started.elapsed().as_secs_f64() >= least,
        "{} requests in {:?}",
        report.requests,
        started.elapsed()
    );
}
