//! The client against the stateful mock, in-process: state changes are visible through the
//! client, and every error status the mock produces arrives as its [`ErrorKind`].

use crate::common;

use postproxy_client::models::{Platform, ProfileStatus};
use postproxy_client::{Client, Error, ErrorKind, StatsExt, StatsSeriesExt};
use postproxy_mock_server::MockServer;

fn client(mock: &MockServer, key: &str) -> Client {
    Client::builder(key)
        .base_url(mock.base_url())
        .build()
        .unwrap()
}

/// Kind, status and message of a failed call; panics on success.
fn failure<T: std::fmt::Debug>(result: Result<T, Error>) -> (ErrorKind, Option<u16>, String) {
    match result {
        Err(e) => (e.kind(), e.status().map(|s| s.as_u16()), e.to_string()),
        Ok(v) => panic!("expected an error, got {v:?}"),
    }
}

#[tokio::test]
async fn create_list_delete_then_404_through_the_client() {
    let mock = MockServer::start().await;
    let c = client(&mock, mock.full_access_key());
    let groups = c.profile_groups();
    let before = groups.list().send().await.unwrap().len();

    let group = groups.create("E2E").send().await.unwrap();
    assert_eq!((group.name.as_str(), group.profiles_count), ("E2E", 0));
    let listed = groups.list().send().await.unwrap();
    assert_eq!(listed.len(), before + 1);
    assert!(listed.contains(&group));

    assert!(groups.delete(&group.id).send().await.unwrap().deleted);
    assert_eq!(
        failure(groups.get(&group.id).send().await),
        (ErrorKind::NotFound, Some(404), "Not found".into())
    );
}

#[tokio::test]
async fn deleting_a_profile_drops_its_group_count() {
    let mock = MockServer::start().await;
    let c = client(&mock, mock.full_access_key());
    let group = c
        .profiles()
        .get("prof123abc")
        .send()
        .await
        .unwrap()
        .profile_group_id;
    let count = || async {
        let g = c.profile_groups().get(&group).send().await.unwrap();
        g.profiles_count
    };
    let before = count().await;
    assert!(
        c.profiles()
            .delete("prof123abc")
            .send()
            .await
            .unwrap()
            .success
    );
    assert_eq!(count().await, before - 1);
    let (kind, ..) = failure(c.profiles().get("prof123abc").send().await);
    assert_eq!(kind, ErrorKind::NotFound);
}

#[tokio::test]
async fn each_error_status_of_the_mock_has_its_kind_message_and_body() {
    let mock = MockServer::start().await;
    let c = client(&mock, mock.full_access_key());
    let cases: Vec<(Result<(), Error>, ErrorKind, u16, &str)> = vec![
        (
            c.profiles().stats("prof_li_001").send().await.map(drop),
            ErrorKind::BadRequest,
            400,
            "placement_id is required for linkedin profiles",
        ),
        (
            client(&mock, "pp_unknown_key")
                .profiles()
                .list()
                .send()
                .await
                .map(drop),
            ErrorKind::Authentication,
            401,
            "Invalid API key",
        ),
        (
            c.profiles().get("prof_missing").send().await.map(drop),
            ErrorKind::NotFound,
            404,
            "Not found",
        ),
        (
            c.profile_groups().create("   ").send().await.map(drop),
            ErrorKind::Validation,
            422,
            "Name can't be blank",
        ),
    ];
    for (result, kind, status, message) in cases {
        let e = result.unwrap_err();
        assert_eq!(e.kind(), kind, "{e:?}");
        assert_eq!(e.status().unwrap().as_u16(), status);
        assert_eq!(e.message(), message);
        assert_eq!(e.to_string(), message, "Display reads like the API");
        // The body as the mock sent it.
        let body: serde_json::Value = serde_json::from_str(e.body().unwrap()).unwrap();
        assert_eq!(body, serde_json::json!({ "error": message }));
        assert_eq!(e.retry_after(), None);
    }
}

#[tokio::test]
async fn keys_and_scopes_through_the_client() {
    let mock = MockServer::start().await;
    let scoped = client(&mock, mock.scoped_key());
    let groups = scoped.profile_groups().list().send().await.unwrap();
    assert_eq!(
        groups.iter().map(|g| g.id.as_str()).collect::<Vec<_>>(),
        ["grp456def"]
    );
    assert_eq!(
        failure(scoped.profile_groups().create("x").send().await),
        (
            ErrorKind::Validation,
            Some(422),
            "Your API key has no such permission".into()
        )
    );
    let (kind, ..) = failure(scoped.profiles().get("prof_li_001").send().await);
    assert_eq!(
        kind,
        ErrorKind::NotFound,
        "a scoped key must not see other groups' profiles"
    );
}

#[tokio::test]
async fn the_default_group_scopes_profile_calls_and_a_call_can_override_it() {
    let mock = MockServer::start().await;
    let c = Client::builder(mock.full_access_key())
        .base_url(mock.base_url())
        .profile_group_id("grp789ghi")
        .build()
        .unwrap();
    let personal = c.profiles().list().send().await.unwrap();
    assert_eq!(
        personal.iter().map(|p| p.id.as_str()).collect::<Vec<_>>(),
        ["prof_ig_001", "prof_bs_002"]
    );
    // prof_li_001 is in grp456xyz: not found in the default group, found with an override.
    let (kind, ..) = failure(c.profiles().get("prof_li_001").send().await);
    assert_eq!(kind, ErrorKind::NotFound);
    let profile = c
        .profiles()
        .get("prof_li_001")
        .profile_group_id("grp456xyz")
        .send()
        .await
        .unwrap();
    assert_eq!(profile.platform, Platform::Linkedin);
    // Group operations ignore the default group.
    assert_eq!(c.profile_groups().list().send().await.unwrap().len(), 4);
}

#[tokio::test]
async fn reference_get_profile_example_is_reproduced() {
    let mock = MockServer::start().await;
    let c = client(&mock, mock.full_access_key());
    let got = c.profiles().get("prof_li_001").send().await.unwrap();
    assert_eq!(
        serde_json::to_value(&got).unwrap(),
        common::response_example("get_profile", 200)
    );
    let summary = got.summary_stats.unwrap().stats;
    assert_eq!(summary.i64("followerCount"), Some(5767));
    assert_eq!(summary.f64("followerCount"), Some(5767.0));
}

#[tokio::test]
async fn placements_and_stats_read_as_plot_ready_numbers() {
    let mock = MockServer::start().await;
    let c = client(&mock, mock.full_access_key());
    let placements = c.profiles().placements("prof_li_001").send().await.unwrap();
    assert_eq!(placements[0].id, None, "the LinkedIn personal profile");

    let stats = c
        .profiles()
        .stats("prof_li_001")
        .placement_id("108520199")
        .from("2026-05-10T00:00:00Z")
        .to("2026-05-11T23:59:59Z")
        .send()
        .await
        .unwrap();
    assert_eq!(stats.placement_id.as_deref(), Some("108520199"));
    assert_eq!(
        stats.series_raw("followerCount"),
        [
            ("2026-05-10T08:00:00Z", 4520.0),
            ("2026-05-11T08:00:00Z", 4567.0)
        ]
    );
    // The same series with parsed times, and a typed window gives the same records.
    let at = |text| postproxy_client::timestamp::parse(text).unwrap();
    assert_eq!(
        stats.series("followerCount"),
        [
            (at("2026-05-10T08:00:00Z"), 4520.0),
            (at("2026-05-11T08:00:00Z"), 4567.0)
        ]
    );
    let typed = c
        .profiles()
        .stats("prof_li_001")
        .placement_id("108520199")
        .from(at("2026-05-10T02:00:00-06:00")) // 08:00Z, sent in UTC
        .to(std::time::SystemTime::from(at("2026-05-11T23:59:59Z")))
        .send()
        .await
        .unwrap();
    assert_eq!(typed, stats);
    assert!(stats.metric_keys().contains("likeCount"));

    // A network without placements ignores placement_id and answers with one series.
    let twitter = c.profiles().stats("prof654jkl").send().await.unwrap();
    assert_eq!(twitter.placement_id, None);
    assert!(!twitter.series("followers_count").is_empty());
}

#[tokio::test]
async fn enums_parse_and_print_as_the_api_spells_them() {
    let mock = MockServer::start().await;
    let c = client(&mock, mock.full_access_key());
    for p in c.profiles().list().send().await.unwrap() {
        assert_eq!(
            p.platform.to_string().parse::<Platform>().unwrap(),
            p.platform
        );
        assert_eq!(
            p.status.to_string().parse::<ProfileStatus>().unwrap(),
            p.status
        );
    }
    assert_eq!(Platform::GoogleBusiness.to_string(), "google_business");
    assert!("myspace".parse::<Platform>().is_err());
}

#[tokio::test]
async fn idempotency_keys_make_repeated_writes_safe() {
    let mock = MockServer::start().await;
    let c = client(&mock, mock.full_access_key());
    let groups = c.profile_groups();
    let before = groups.list().send().await.unwrap().len();
    let first = groups
        .create("Once")
        .idempotency_key("k-create")
        .send()
        .await
        .unwrap();
    let second = groups
        .create("Once")
        .idempotency_key("k-create")
        .send()
        .await
        .unwrap();
    assert_eq!(first, second);
    assert_eq!(groups.list().send().await.unwrap().len(), before + 1);

    // The same key with another body is refused.
    assert_eq!(
        failure(
            groups
                .create("Twice")
                .idempotency_key("k-create")
                .send()
                .await
        )
        .0,
        ErrorKind::Validation
    );

    for _ in 0..2 {
        let deleted = groups
            .delete(&first.id)
            .idempotency_key("k-delete")
            .send()
            .await;
        assert!(
            deleted.unwrap().deleted,
            "the second delete is replayed, not a 404"
        );
    }
}

#[tokio::test]
async fn an_idempotency_key_over_255_characters_is_refused_before_sending() {
    let mock = MockServer::start().await;
    let c = client(&mock, mock.full_access_key());
    let before = c.profile_groups().list().send().await.unwrap().len();
    let (kind, status, _) = failure(
        c.profile_groups()
            .create("Too long")
            .idempotency_key("k".repeat(256))
            .send()
            .await,
    );
    assert_eq!((kind, status), (ErrorKind::InvalidRequest, None));
    assert_eq!(
        c.profile_groups().list().send().await.unwrap().len(),
        before
    );
}

#[tokio::test]
async fn initialize_connection_hands_out_a_url_and_refuses_what_the_service_refuses() {
    let mock = MockServer::start().await;
    let c = client(&mock, mock.full_access_key());
    let groups = c.profile_groups();
    let connection = groups
        .initialize_connection("grp789ghi", Platform::Tiktok, "https://myapp.com/cb")
        .send()
        .await
        .unwrap();
    assert!(connection.success);
    assert!(
        connection.url.starts_with(mock.base_url()),
        "{}",
        connection.url
    );

    // grp123abc has an active youtube profile; bluesky connects with credentials, not with a
    // redirect_url (422 Missing identifier).
    for platform in [Platform::Youtube, Platform::Bluesky] {
        let result = groups
            .initialize_connection("grp123abc", platform, "https://myapp.com/cb")
            .send()
            .await;
        assert_eq!(failure(result).0, ErrorKind::Validation, "{platform}");
    }
    // grp789ghi's instagram profile has expired (2026-07-01): reconnecting it is allowed.
    let reconnect = groups
        .initialize_connection("grp789ghi", Platform::Instagram, "https://myapp.com/cb")
        .send()
        .await;
    assert!(reconnect.unwrap().success);
    let result = groups
        .initialize_connection("grp_missing", Platform::Tiktok, "https://myapp.com/cb")
        .send()
        .await;
    assert_eq!(failure(result).0, ErrorKind::NotFound);
}

#[tokio::test]
async fn bluesky_and_telegram_connect_with_credentials() {
    let mock = MockServer::start().await;
    let c = client(&mock, mock.full_access_key());
    let groups = c.profile_groups();
    // grp789ghi's bluesky profile is inactive: the credentials reconnect it at once.
    let bsky = groups
        .connect_bluesky("grp789ghi", "jane@example.com", "xxxx-xxxx-xxxx-xxxx")
        .send()
        .await
        .unwrap();
    assert_eq!(
        (
            bsky.profile.id.as_str(),
            bsky.profile.network,
            bsky.next_step
        ),
        ("prof_bs_002", Platform::Bluesky, None)
    );
    assert_eq!(bsky.profile.name, "jane.bsky.social");
    let again = groups
        .connect_bluesky("grp789ghi", "jane@example.com", "xxxx-xxxx-xxxx-xxxx")
        .send()
        .await;
    assert_eq!(
        failure(again),
        (
            ErrorKind::Validation,
            Some(422),
            "Platform already connected".into()
        )
    );
    let refreshed = groups
        .connect_bluesky("grp789ghi", "brand.example.com", "xxxx-xxxx-xxxx-xxxx")
        .refresh_connection(true)
        .send()
        .await
        .unwrap();
    assert_eq!(refreshed.profile.id, "prof_bs_002");

    let tg = groups
        .connect_telegram("grp789ghi", "42:secret")
        .send()
        .await
        .unwrap();
    assert_eq!(tg.profile.network, Platform::Telegram);
    assert!(tg.next_step.unwrap().contains("admin"));
    assert!(c
        .profiles()
        .placements(&tg.profile.id)
        .send()
        .await
        .unwrap()
        .is_empty());
    let malformed = groups.connect_telegram("grp456xyz", "42").send().await;
    assert_eq!(
        failure(malformed).2,
        "Invalid bot_token: expected <bot id>:<secret>, as @BotFather gives it"
    );
}

#[tokio::test]
async fn debug_output_never_shows_the_api_key() {
    let mock = MockServer::start().await;
    let builder = Client::builder(mock.full_access_key()).base_url(mock.base_url());
    let c = builder.clone().build().unwrap();
    for shown in [format!("{builder:?}"), format!("{c:?}")] {
        assert!(!shown.contains(mock.full_access_key()), "{shown}");
    }
}

#[tokio::test]
async fn calls_can_run_on_spawned_tasks() {
    let mock = MockServer::start().await;
    let c = client(&mock, mock.full_access_key());
    // The call futures are Send, so they can be spawned (the client is cheap to clone).
    let task = tokio::spawn({
        let c = c.clone();
        async move { c.profile_groups().list().send().await }
    });
    assert_eq!(task.await.unwrap().unwrap().len(), 4);
}

/// Polled snapshots leave a key out now and then (the platform returned no value for it that
/// cycle): `series()` skips those records rather than inventing a value, and `summary_stats`
/// sums what the latest snapshot of each placement holds.
#[tokio::test]
async fn series_and_summary_follow_keys_that_come_and_go() {
    use postproxy_mock_server::control::{ClockAdvance, ClockUpdate};
    let mock = MockServer::start().await;
    let control = mock.control();
    let account = mock.demo_account_id();
    let frozen = ClockUpdate {
        now: Some("2026-05-12T00:00:00Z".into()),
        frozen: Some(true),
    };
    control.set_clock(account, &frozen).await.unwrap();
    let sixty_days = ClockAdvance {
        days: 60,
        ..Default::default()
    };
    control.advance_clock(account, &sixty_days).await.unwrap();
    let c = client(&mock, mock.full_access_key());
    let stats = c
        .profiles()
        .stats("prof_fb_001")
        .placement_id("200000000000001")
        .from("2026-05-12T00:00:00Z")
        .send()
        .await
        .unwrap();
    assert_eq!(stats.records.len(), 62, "60 days of 23-hour rounds");
    let mut gaps = 0;
    for key in stats.metric_keys() {
        let having: Vec<&str> = stats
            .records
            .iter()
            .filter(|r| r.stats.get(key).is_some())
            .map(|r| r.recorded_at.as_str())
            .collect();
        let series = stats.series_raw(key);
        let times: Vec<&str> = series.iter().map(|(t, _)| *t).collect();
        assert_eq!(times, having, "{key}: one point per record that has it");
        assert_eq!(
            stats.series(key).len(),
            series.len(),
            "{key}: every time parses"
        );
        gaps += stats.records.len() - series.len();
    }
    assert!(gaps > 0, "some polled snapshot left a key out");

    let profile = c.profiles().get("prof_fb_001").send().await.unwrap();
    let summary = profile.summary_stats.expect("facebook has a rollup");
    let mut keys: Vec<&str> = profile
        .latest_stats
        .iter()
        .flat_map(|l| l.stats.numeric_keys())
        .collect();
    keys.sort();
    keys.dedup();
    for key in keys {
        let sum: i64 = profile
            .latest_stats
            .iter()
            .filter_map(|l| l.stats.i64(key))
            .sum();
        assert_eq!(summary.stats.i64(key), Some(sum), "{key}");
    }
    assert_eq!(summary.stats.numeric_keys().count(), {
        let mut all: Vec<&str> = profile
            .latest_stats
            .iter()
            .flat_map(|l| l.stats.numeric_keys())
            .collect();
        all.sort();
        all.dedup();
        all.len()
    });
}
