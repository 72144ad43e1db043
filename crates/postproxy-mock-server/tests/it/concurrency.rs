//! Many clients at once against one server: groups created and deleted, profiles injected
//! through the control API and deleted through the product API, reads in between. Afterwards
//! the state must add up (counts match listings, nothing deleted is readable, nothing kept is
//! lost) and no request may have got a 5xx. Then two accounts side by side: no cross-talk, and
//! each journal counts exactly its own requests.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use postproxy_mock_server::control::JournalFilter;
use postproxy_mock_server::MockServer;
use postproxy_models::Platform;
use serde_json::{json, Value};

use crate::common;
use common::{fresh_demo, profile};

/// Tasks on one account, and rounds per task (each round is about seven requests: five
/// product-API, two control-API), so about 200 requests per task.
const TASKS: usize = 16;
const ROUNDS: usize = 30;

#[derive(Clone)]
struct Client {
    http: reqwest::Client,
    base: String,
    key: String,
}

impl Client {
    async fn call(&self, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
        let mut request = self
            .http
            .request(method.parse().unwrap(), format!("{}{path}", self.base))
            .bearer_auth(&self.key);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.expect("the mock answers");
        let status = response.status().as_u16();
        assert!(status < 500, "{method} {path}: {status}");
        (status, response.json().await.unwrap_or(Value::Null))
    }
}

/// What one task did: groups kept and deleted, profiles kept (with their group) and deleted.
#[derive(Default)]
struct Outcome {
    kept_groups: BTreeSet<String>,
    deleted_groups: BTreeSet<String>,
    kept_profiles: BTreeMap<String, String>,
    deleted_profiles: BTreeSet<String>,
    requests: usize,
}

async fn worker(
    task: usize,
    client: Client,
    mock: Arc<MockServer>,
    account: String,
    demo_profile: Option<String>,
    rounds: usize,
) -> Outcome {
    let control = mock.control();
    let mut out = Outcome::default();
    for round in 0..rounds {
        let (status, group) = client
            .call(
                "POST",
                "/api/profile_groups",
                Some(json!({"profile_group": {"name": format!("{account}/t{task}-{round}")}})),
            )
            .await;
        out.requests += 1;
        assert_eq!(status, 201, "{group}");
        let group_id = group["id"].as_str().unwrap().to_string();
        // Two profiles injected behind the API's back; one of them deleted through it.
        let (a, b) = (format!("p{task}_{round}_a"), format!("p{task}_{round}_b"));
        for id in [&a, &b] {
            control
                .add_profile(&account, &group_id, &profile(id, Platform::Bluesky))
                .await
                .unwrap();
        }
        let (status, _) = client
            .call("DELETE", &format!("/api/profiles/{a}"), None)
            .await;
        out.requests += 1;
        assert_eq!(status, 200);
        out.deleted_profiles.insert(a);
        let (status, listed) = client
            .call(
                "GET",
                &format!("/api/profiles?profile_group_id={group_id}"),
                None,
            )
            .await;
        out.requests += 1;
        assert_eq!((status, listed["data"].as_array().unwrap().len()), (200, 1));
        let (status, _) = client.call("GET", "/api/profile_groups", None).await;
        out.requests += 1;
        assert_eq!(status, 200);
        if round % 3 == 0 {
            let (status, body) = client
                .call("DELETE", &format!("/api/profile_groups/{group_id}"), None)
                .await;
            out.requests += 1;
            assert_eq!((status, body), (200, json!({"deleted": true})));
            out.deleted_groups.insert(group_id);
            out.deleted_profiles.insert(b);
        } else {
            let (status, seen) = client
                .call("GET", &format!("/api/profile_groups/{group_id}"), None)
                .await;
            out.requests += 1;
            assert_eq!((status, seen["profiles_count"].as_i64()), (200, Some(1)));
            out.kept_groups.insert(group_id.clone());
            out.kept_profiles.insert(b, group_id);
        }
        if round == rounds / 2 {
            if let Some(p) = &demo_profile {
                let (status, _) = client
                    .call("DELETE", &format!("/api/profiles/{p}"), None)
                    .await;
                out.requests += 1;
                assert_eq!(status, 200, "{p}");
                out.deleted_profiles.insert(p.clone());
            }
        }
    }
    out
}

async fn run_account(
    mock: &Arc<MockServer>,
    http: &reqwest::Client,
    tasks: usize,
    rounds: usize,
    delete_demo_profiles: bool,
) -> (String, String, Vec<Outcome>) {
    let account = mock.control().create_account(&fresh_demo()).await.unwrap();
    let key = account.api_keys[0].key.clone();
    let client = Client {
        http: http.clone(),
        base: mock.base_url().to_string(),
        key: key.clone(),
    };
    let demo: Vec<String> = {
        let (_, list) = client.call("GET", "/api/profiles", None).await;
        list["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["id"].as_str().unwrap().to_string())
            .collect()
    };
    let handles: Vec<_> = (0..tasks)
        .map(|task| {
            let demo_profile = delete_demo_profiles
                .then(|| demo.get(task).cloned())
                .flatten();
            tokio::spawn(worker(
                task,
                client.clone(),
                mock.clone(),
                account.id.clone(),
                demo_profile,
                rounds,
            ))
        })
        .collect();
    let mut outcomes = Vec::new();
    for handle in handles {
        outcomes.push(handle.await.expect("a worker panicked"));
    }
    (account.id, key, outcomes)
}

/// Checks every invariant of one account after the run; returns the groups it lists.
async fn check_invariants(mock: &MockServer, key: &str, outcomes: &[Outcome]) -> BTreeSet<String> {
    let client = Client {
        http: reqwest::Client::new(),
        base: mock.base_url().to_string(),
        key: key.to_string(),
    };
    let (_, groups) = client.call("GET", "/api/profile_groups", None).await;
    let groups = groups["data"].as_array().unwrap().clone();
    let (_, profiles) = client.call("GET", "/api/profiles", None).await;
    let profiles = profiles["data"].as_array().unwrap().clone();
    let mut per_group: BTreeMap<String, i64> = BTreeMap::new();
    for p in &profiles {
        *per_group
            .entry(p["profile_group_id"].as_str().unwrap().to_string())
            .or_default() += 1;
    }
    let group_ids: BTreeSet<String> = groups
        .iter()
        .map(|g| g["id"].as_str().unwrap().to_string())
        .collect();
    for g in &groups {
        let id = g["id"].as_str().unwrap();
        let (_, listed) = client
            .call("GET", &format!("/api/profiles?profile_group_id={id}"), None)
            .await;
        let listed = listed["data"].as_array().unwrap().len() as i64;
        assert_eq!(g["profiles_count"].as_i64(), Some(listed), "group {id}");
        assert_eq!(
            per_group.get(id).copied().unwrap_or(0),
            listed,
            "group {id}"
        );
    }
    // Every profile belongs to a group that exists.
    assert!(per_group.keys().all(|g| group_ids.contains(g)));
    let profile_ids: BTreeSet<String> = profiles
        .iter()
        .map(|p| p["id"].as_str().unwrap().to_string())
        .collect();
    for out in outcomes {
        for g in &out.kept_groups {
            assert!(group_ids.contains(g), "kept group {g} lost");
        }
        for g in &out.deleted_groups {
            assert!(!group_ids.contains(g), "deleted group {g} listed");
            let (status, _) = client
                .call("GET", &format!("/api/profile_groups/{g}"), None)
                .await;
            assert_eq!(status, 404, "deleted group {g} readable");
        }
        for (p, g) in &out.kept_profiles {
            let (status, body) = client
                .call("GET", &format!("/api/profiles/{p}"), None)
                .await;
            assert_eq!(
                (status, body["profile_group_id"].as_str()),
                (200, Some(g.as_str()))
            );
        }
        for p in &out.deleted_profiles {
            assert!(!profile_ids.contains(p), "deleted profile {p} listed");
            let (status, _) = client
                .call("GET", &format!("/api/profiles/{p}"), None)
                .await;
            assert_eq!(status, 404, "deleted profile {p} readable");
        }
    }
    group_ids
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn many_clients_on_one_account_keep_the_state_consistent() {
    let started = std::time::Instant::now();
    let mock = Arc::new(MockServer::start().await);
    let http = reqwest::Client::new();
    let (account, key, outcomes) = run_account(&mock, &http, TASKS, ROUNDS, true).await;
    let requests: usize = outcomes.iter().map(|o| o.requests).sum();
    let groups = check_invariants(&mock, &key, &outcomes).await;
    assert_journal_counts(&mock, &account, &key, &outcomes, &groups).await;
    let kept: usize = outcomes.iter().map(|o| o.kept_groups.len()).sum();
    // The demo's four groups and every kept one; the 15 demo profiles were all deleted.
    assert_eq!(groups.len(), 4 + kept);
    let info = mock.control().account(&account).await.unwrap();
    let kept_profiles: usize = outcomes.iter().map(|o| o.kept_profiles.len()).sum();
    assert_eq!(info.profiles, kept_profiles);
    // Nothing leaked into the demo account.
    assert_eq!(
        mock.control()
            .account("acct_demo")
            .await
            .unwrap()
            .profile_groups,
        4
    );
    eprintln!(
        "{requests} product requests from {TASKS} tasks in {:?}",
        started.elapsed()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn parallel_accounts_never_cross_talk_and_journal_only_their_own() {
    let mock = Arc::new(MockServer::start().await);
    let http = reqwest::Client::new();
    let runs = tokio::join!(
        run_account(&mock, &http, 6, 20, false),
        run_account(&mock, &http, 6, 20, true),
    );
    for (account, key, outcomes) in [&runs.0, &runs.1] {
        let groups = check_invariants(&mock, key, outcomes).await;
        assert_journal_counts(&mock, account, key, outcomes, &groups).await;
    }
    // Group ids are drawn per account, so the same id may exist in both; names carry the
    // account: every group an account lists is the demo's or one its own tasks created.
    let demo_names = ["Acme", "Main Brand", "Client Project", "Personal"];
    for (account, key, outcomes) in [&runs.0, &runs.1] {
        let client = Client {
            http: http.clone(),
            base: mock.base_url().to_string(),
            key: key.clone(),
        };
        let (_, groups) = client.call("GET", "/api/profile_groups", None).await;
        let names: Vec<String> = groups["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|g| g["name"].as_str().unwrap().to_string())
            .collect();
        for name in &names {
            assert!(
                demo_names.contains(&name.as_str()) || name.starts_with(&format!("{account}/")),
                "{account} sees {name:?}"
            );
        }
        let kept: usize = outcomes.iter().map(|o| o.kept_groups.len()).sum();
        assert_eq!(names.len(), 4 + kept);
    }
    assert_ne!(runs.0 .0, runs.1 .0);
}

/// The account's journal recorded exactly the requests its key sent (kept or dropped beyond
/// the cap), all under that key's id.
async fn assert_journal_counts(
    mock: &MockServer,
    account: &str,
    key: &str,
    outcomes: &[Outcome],
    groups: &BTreeSet<String>,
) {
    // The list request check_invariants made, the demo listing, and the workers' requests.
    let sent: usize = outcomes.iter().map(|o| o.requests).sum::<usize>() + 1;
    let journal = mock
        .control()
        .journal(account, &JournalFilter::default())
        .await
        .unwrap();
    let recorded = journal.entries.len() as u64 + journal.dropped;
    let key_id = postproxy_mock_server::control::key_id(key);
    assert!(journal.entries.iter().all(|e| e.key_id == key_id));
    // check_invariants' own requests: two lists, one listing per group, one read per deleted
    // group, kept profile and deleted profile.
    let invariants_requests = 2
        + groups.len()
        + outcomes
            .iter()
            .map(|o| o.deleted_groups.len() + o.kept_profiles.len() + o.deleted_profiles.len())
            .sum::<usize>();
    assert_eq!(recorded, (sent + invariants_requests) as u64, "{account}");
}
