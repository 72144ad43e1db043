//! `--record`: what passed through the proxy, written at shutdown, is served by a mock with
//! the same answers (only the keys differ); writes that passed through are in it; what did not
//! pass through is not, and is said.

use postproxy_mock::proxy::{LogFormat, Proxy, ProxyHandle, Recording};
use postproxy_mock_server::{Fixtures, MockServer, DEMO_FULL_ACCESS_KEY, DEMO_SCOPED_KEY};
use reqwest::Method;
use serde_json::json;

use super::support::{Answer, Call};
use crate::record::support::{every_get, serve, Api, Dir};

async fn recording_proxy(upstream: &str, out: &std::path::Path) -> ProxyHandle {
    Proxy::new(upstream)
        .log(LogFormat::Off)
        .record(out)
        .start()
        .await
        .expect("start the proxy")
}

async fn stop(proxy: ProxyHandle) -> Recording {
    let summary = proxy.shutdown().await.expect("the recording is written");
    summary.recording.expect("a recording")
}

fn key(recording: &Recording, group: Option<&str>) -> String {
    let key = recording
        .keys
        .iter()
        .find(|k| k.profile_group_id.as_deref() == group);
    key.expect("a key of that scope").key.clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn what_passed_through_is_served_the_same() {
    let upstream = MockServer::start().await;
    let dir = Dir::new("proxy-demo");
    let out = dir.join("seen.json");
    let proxy = recording_proxy(upstream.base_url(), &out).await;
    let http = reqwest::Client::new();
    let paths = every_get(&Api::new(proxy.base_url(), DEMO_FULL_ACCESS_KEY), &[]).await;
    let scoped_paths = [
        "/api/profile_groups",
        "/api/profiles",
        "/api/profile_groups/grp456def",
        "/api/profiles/prof_tg_001",
        "/api/profile_groups/grp123abc",
    ];
    let mut seen: Vec<(String, Option<&str>, Answer)> = Vec::new();
    for path in &paths {
        let answer = Call::get(path, DEMO_FULL_ACCESS_KEY)
            .send(&http, proxy.base_url())
            .await;
        seen.push((path.clone(), None, answer));
    }
    for path in scoped_paths {
        let answer = Call::get(path, DEMO_SCOPED_KEY)
            .send(&http, proxy.base_url())
            .await;
        seen.push((path.to_string(), Some("grp456def"), answer));
    }
    let recording = stop(proxy).await;
    assert_eq!(
        (recording.groups, recording.profiles, recording.placements),
        (4, 15, 13)
    );
    assert!(recording.warnings.is_empty(), "{:?}", recording.warnings);
    assert_eq!(recording.keys.len(), 5);
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(!text.contains(DEMO_FULL_ACCESS_KEY) && !text.contains(DEMO_SCOPED_KEY));

    let served = serve(&out).await;
    for (path, scope, answer) in &seen {
        let call = Call::get(path, &key(&recording, *scope));
        let again = call.send(&http, served.base_url()).await;
        assert_eq!(again, *answer, "GET {path} ({scope:?})");
    }
    assert!(seen.len() > 150, "{} GETs compared", seen.len());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn writes_that_passed_through_are_recorded() {
    let upstream = MockServer::start().await;
    let dir = Dir::new("proxy-writes");
    let out = dir.join("seen.json");
    let proxy = recording_proxy(upstream.base_url(), &out).await;
    let http = reqwest::Client::new();
    let key = DEMO_FULL_ACCESS_KEY;
    let through = |call: Call| {
        let (http, base) = (http.clone(), proxy.base_url().to_string());
        async move { call.send(&http, &base).await }
    };
    through(Call::get("/api/profile_groups", key)).await;
    through(Call::get("/api/profiles", key)).await;
    let body = json!({"profile_group": {"name": "Made through the proxy"}});
    let created = through(Call::json(Method::POST, "/api/profile_groups", key, body)).await;
    assert_eq!(created.status, 201);
    let new_id = created.json()["id"].as_str().unwrap().to_string();
    let delete = |target: &str| Call {
        method: Method::DELETE,
        ..Call::get(target, key)
    };
    assert_eq!(
        through(delete("/api/profiles/prof654jkl")).await.status,
        200
    );
    assert_eq!(
        through(delete("/api/profile_groups/grp789ghi"))
            .await
            .status,
        200
    );
    let groups = through(Call::get("/api/profile_groups", key)).await;
    let recording = stop(proxy).await;
    assert_eq!((recording.groups, recording.profiles), (4, 12));

    let fixtures = Fixtures::load(&out).unwrap();
    let account = &fixtures.accounts[0];
    let ids: Vec<&str> = account
        .profile_groups
        .iter()
        .map(|g| g.id.as_str())
        .collect();
    assert_eq!(
        ids,
        ["grp456xyz", "grp123abc", "grp456def", new_id.as_str()]
    );
    let profiles: Vec<&str> = account
        .profile_groups
        .iter()
        .flat_map(|g| g.profiles.iter().map(|p| p.id.as_str()))
        .collect();
    assert!(!profiles.contains(&"prof654jkl") && !profiles.contains(&"prof_ig_001"));
    let served = serve(&out).await;
    let again = Call::get("/api/profile_groups", &recording.keys[0].key)
        .send(&http, served.base_url())
        .await;
    assert_eq!(again, groups);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_what_passed_through_and_what_was_not_is_said() {
    let upstream = MockServer::start().await;
    let dir = Dir::new("proxy-partial");
    let out = dir.join("seen.json");
    let proxy = recording_proxy(upstream.base_url(), &out).await;
    let http = reqwest::Client::new();
    let key = DEMO_FULL_ACCESS_KEY;
    for path in [
        // A profile whose group is never seen.
        "/api/profiles/prof_th_001",
        // A facebook profile whose group is seen, its placements not: its latest stats
        // cannot be tied to a placement.
        "/api/profile_groups/grp456xyz",
        "/api/profiles/prof123abc",
        // Stats of a profile never seen itself.
        "/api/profiles/prof_bs_002/stats",
        // An answer that is not a success is not recorded.
        "/api/profiles/prof_none",
    ] {
        Call::get(path, key).send(&http, proxy.base_url()).await;
    }
    let recording = stop(proxy).await;
    assert_eq!(
        (recording.groups, recording.profiles, recording.snapshots),
        (1, 1, 0)
    );
    let warnings = recording.warnings.join("\n");
    for said in [
        "profile prof123abc: 1 stats records of placements never listed",
        "1 profiles left out because their group was never seen through the proxy (list the \
         groups once to record them): prof_th_001",
        "stats or placements of 1 profiles never seen themselves were left out: prof_bs_002",
    ] {
        assert!(warnings.contains(said), "{said:?} in {warnings}");
    }
    let served = serve(&out).await;
    let group = Call::get("/api/profile_groups/grp456xyz", &recording.keys[0].key)
        .send(&http, served.base_url())
        .await;
    assert_eq!(group.json()["profiles_count"], 1, "the profiles seen");
}
