//! Every operation through the generated client against the stateful mock: each success path,
//! each error the mock produces by its own rules, both key kinds, and the state changes.
//!
//! Each scenario records a transcript (call, status, body) and compares it with a reviewed insta
//! snapshot in `snapshots/`. The demo data and the default seed make every id deterministic;
//! the only varying value, the mock's address inside connect URLs, is written as `http://mock`.
//! (429, 500 and 503 come only from fault injection, so they are not part of these scenarios.)
//!
//! Every (operation, status, body) a scenario sees is also written to
//! `<target>/tmp/response-bodies/`, where `.ci/validate_responses.py` validates each body
//! against the spec's schema for that operation and status with openapi-schema-validator
//! (OAS 3.0 semantics, `nullable` included).

use postproxy_client::{GeneratedClient, GeneratedError as Error, RequestDefaults, ResponseValue};
use postproxy_mock_server::MockServer;
use postproxy_models as m;
use reqwest::header::{HeaderMap, HeaderValue, AUTHORIZATION};
use serde::Serialize;
use serde_json::Value;

const FULL: &str = postproxy_mock_server::fixtures::DEMO_FULL_ACCESS_KEY;
const SCOPED: &str = postproxy_mock_server::fixtures::DEMO_SCOPED_KEY;

/// The generated client itself (not the hand-written wrapper), with `key` as its bearer token.
fn client(mock: &MockServer, key: Option<&str>) -> GeneratedClient {
    let mut headers = HeaderMap::new();
    if let Some(key) = key {
        headers.insert(
            AUTHORIZATION,
            HeaderValue::from_str(&format!("Bearer {key}")).unwrap(),
        );
    }
    let http = reqwest::Client::builder()
        .default_headers(headers)
        .build()
        .unwrap();
    // No defaults of the hand-written client: exactly the headers above.
    GeneratedClient::new_with_client(mock.base_url(), http, RequestDefaults::default())
}

#[derive(Serialize)]
struct Step {
    call: String,
    status: u16,
    body: Value,
}

/// The calls of one scenario and what they answered.
struct Transcript {
    base_url: String,
    steps: Vec<Step>,
}

/// Where the bodies this suite sees are written for `.ci/validate_responses.py`.
const RESPONSE_BODIES: &str = concat!(env!("CARGO_TARGET_TMPDIR"), "/response-bodies");

/// The operation a call label names: its first word that is an operationId.
fn operation_of(call: &str) -> &str {
    call.split(|c: char| !(c.is_ascii_lowercase() || c == '_'))
        .find(|word| {
            postproxy_mock_server::OPERATIONS
                .iter()
                .any(|op| op.operation_id == *word)
        })
        .unwrap_or_else(|| panic!("{call:?} names no operation"))
}

impl Drop for Transcript {
    /// Writes the scenario's responses, one file per test (named after its thread).
    fn drop(&mut self) {
        let test = std::thread::current()
            .name()
            .unwrap_or("unnamed")
            .replace("::", "-");
        let seen: Vec<Value> = self
            .steps
            .iter()
            .map(|s| {
                serde_json::json!({
                    "call": s.call,
                    "operation": operation_of(&s.call),
                    "status": s.status,
                    "body": s.body,
                })
            })
            .collect();
        std::fs::create_dir_all(RESPONSE_BODIES).unwrap();
        let file = format!("{RESPONSE_BODIES}/mock_e2e-{test}.json");
        std::fs::write(file, serde_json::to_string_pretty(&seen).unwrap()).unwrap();
    }
}

impl Transcript {
    fn new(mock: &MockServer) -> Self {
        Self {
            base_url: mock.base_url().to_string(),
            steps: Vec::new(),
        }
    }

    /// Records a call's outcome; returns the body of a success. Anything other than a
    /// documented response (a transport or decoding failure) fails the test.
    fn record<T: Serialize>(
        &mut self,
        call: &str,
        result: Result<ResponseValue<T>, Error>,
    ) -> Option<T> {
        let (status, body, value) = match result {
            Ok(response) => {
                let status = response.status().as_u16();
                let value = response.into_inner();
                (status, self.json(&value), Some(value))
            }
            Err(Error::ErrorResponse(response)) => {
                (response.status().as_u16(), self.json(&*response), None)
            }
            Err(other) => panic!("{call}: not a documented response: {other}"),
        };
        self.steps.push(Step {
            call: call.to_string(),
            status,
            body,
        });
        value
    }

    fn json(&self, value: &impl Serialize) -> Value {
        let text = serde_json::to_string(value).unwrap();
        serde_json::from_str(&text.replace(&self.base_url, "http://mock")).unwrap()
    }

    fn statuses(&self) -> Vec<u16> {
        self.steps.iter().map(|s| s.status).collect()
    }
}

fn named(name: Option<&str>) -> m::CreateProfileGroupRequest {
    m::CreateProfileGroupRequest {
        profile_group: Some(m::ProfileGroupParams {
            name: name.map(Into::into),
        }),
        name: None,
    }
}

fn connect(platform: Option<&str>, redirect_url: Option<&str>) -> m::InitializeConnectionRequest {
    m::InitializeConnectionRequest {
        platform: platform.map(Into::into),
        redirect_url: redirect_url.map(Into::into),
        refresh_connection: None,
        onboarding: None,
        force_no_redirect: None,
        identifier: None,
        app_password: None,
        bot_token: None,
    }
}

/// The URL of an OAuth platform's answer.
#[track_caller]
fn oauth_url(answer: &m::InitializeConnectionResponse) -> &str {
    match answer {
        m::InitializeConnectionResponse::OAuthConnection(c) => &c.url,
        other => panic!("expected an OAuth answer, got {other:?}"),
    }
}

#[tokio::test]
async fn profiles_with_the_full_access_key() {
    let mock = MockServer::start().await;
    let c = client(&mock, Some(FULL));
    let mut t = Transcript::new(&mock);

    t.record(
        "list_profiles?profile_group_id=grp123abc",
        c.list_profiles().profile_group_id("grp123abc").send().await,
    );
    t.record(
        "list_profiles?profile_group_id=grp_unknown",
        c.list_profiles()
            .profile_group_id("grp_unknown")
            .send()
            .await,
    );
    let all = t
        .record("list_profiles", c.list_profiles().send().await)
        .unwrap();
    assert_eq!(all.data.len(), 15, "every profile of every group");

    t.record(
        "get_profile prof_li_001 (placements: rollup)",
        c.get_profile().id("prof_li_001").send().await,
    );
    t.record(
        "get_profile prof_yt_001 (no placements: no rollup)",
        c.get_profile().id("prof_yt_001").send().await,
    );
    t.record(
        "get_profile prof_gb_001 (never polled)",
        c.get_profile().id("prof_gb_001").send().await,
    );
    t.record(
        "get_profile prof_li_001?profile_group_id=grp456xyz (its group)",
        c.get_profile()
            .id("prof_li_001")
            .profile_group_id("grp456xyz")
            .send()
            .await,
    );
    t.record(
        "get_profile prof_li_001?profile_group_id=grp123abc (another group)",
        c.get_profile()
            .id("prof_li_001")
            .profile_group_id("grp123abc")
            .send()
            .await,
    );
    t.record(
        "get_profile prof_unknown",
        c.get_profile().id("prof_unknown").send().await,
    );

    for id in [
        "prof_li_001",
        "prof_fb_001",
        "prof_pi_001",
        "prof_tg_001",
        "prof_gb_001",
        "prof654jkl",
    ] {
        t.record(
            &format!("list_profile_placements {id}"),
            c.list_profile_placements().id(id).send().await,
        );
    }

    t.record(
        "get_profile_stats prof_li_001 (no placement_id)",
        c.get_profile_stats().id("prof_li_001").send().await,
    );
    t.record(
        "get_profile_stats prof_li_001?placement_id=108520199",
        c.get_profile_stats()
            .id("prof_li_001")
            .placement_id("108520199")
            .send()
            .await,
    );
    t.record(
        "get_profile_stats prof_li_001?placement_id=999 (unknown placement)",
        c.get_profile_stats()
            .id("prof_li_001")
            .placement_id("999")
            .send()
            .await,
    );
    t.record(
        "get_profile_stats prof_tg_001 (no placement_id)",
        c.get_profile_stats().id("prof_tg_001").send().await,
    );
    t.record(
        "get_profile_stats prof_yt_001 (no placements: placement_id null)",
        c.get_profile_stats().id("prof_yt_001").send().await,
    );
    let window = t
        .record(
            "get_profile_stats prof_fb_001 placement 200000000000001, from/to inclusive",
            c.get_profile_stats()
                .id("prof_fb_001")
                .placement_id("200000000000001")
                .from("2026-05-10T08:00:00Z")
                .to("2026-05-11T08:00:00Z")
                .send()
                .await,
        )
        .unwrap();
    let times: Vec<_> = window.data.records.iter().map(|r| &r.recorded_at).collect();
    assert_eq!(
        times,
        ["2026-05-10T08:00:00Z", "2026-05-11T08:00:00Z"],
        "both bounds inclusive, ascending, one placement only"
    );
    t.record(
        "get_profile_stats prof_yt_001?from=yesterday (malformed)",
        c.get_profile_stats()
            .id("prof_yt_001")
            .from("yesterday")
            .send()
            .await,
    );
    t.record(
        "get_profile_stats prof_yt_001?to=2026-13-01 (malformed)",
        c.get_profile_stats()
            .id("prof_yt_001")
            .to("2026-13-01")
            .send()
            .await,
    );
    t.record(
        "get_profile_stats prof_gb_001?placement_id=accounts/123456789/locations/987654321",
        c.get_profile_stats()
            .id("prof_gb_001")
            .placement_id("accounts/123456789/locations/987654321")
            .send()
            .await,
    );

    insta::assert_yaml_snapshot!("profiles_full_access", t.steps);
}

#[tokio::test]
async fn deleting_a_profile() {
    let mock = MockServer::start().await;
    let c = client(&mock, Some(FULL));
    let mut t = Transcript::new(&mock);

    t.record(
        "get_profile_group grp456xyz",
        c.get_profile_group().id("grp456xyz").send().await,
    );
    t.record(
        "delete_profile prof123abc?profile_group_id=grp123abc (another group)",
        c.delete_profile()
            .id("prof123abc")
            .profile_group_id("grp123abc")
            .send()
            .await,
    );
    t.record(
        "delete_profile prof123abc",
        c.delete_profile().id("prof123abc").send().await,
    );
    t.record(
        "get_profile_group grp456xyz (one fewer)",
        c.get_profile_group().id("grp456xyz").send().await,
    );
    t.record(
        "get_profile prof123abc",
        c.get_profile().id("prof123abc").send().await,
    );
    t.record(
        "list_profile_placements prof123abc",
        c.list_profile_placements().id("prof123abc").send().await,
    );
    t.record(
        "get_profile_stats prof123abc",
        c.get_profile_stats().id("prof123abc").send().await,
    );
    t.record(
        "delete_profile prof123abc (again)",
        c.delete_profile().id("prof123abc").send().await,
    );
    let ids: Vec<_> = t
        .record(
            "list_profiles?profile_group_id=grp456xyz",
            c.list_profiles().profile_group_id("grp456xyz").send().await,
        )
        .unwrap()
        .data
        .into_iter()
        .map(|p| p.id)
        .collect();
    assert!(!ids.contains(&"prof123abc".to_string()));
    assert_eq!(t.statuses(), [200, 404, 200, 200, 404, 404, 404, 404, 200]);

    insta::assert_yaml_snapshot!("delete_profile", t.steps);
}

#[tokio::test]
async fn groups_with_the_full_access_key() {
    let mock = MockServer::start().await;
    let c = client(&mock, Some(FULL));
    let mut t = Transcript::new(&mock);

    t.record("list_profile_groups", c.list_profile_groups().send().await);
    t.record(
        "get_profile_group grp123abc",
        c.get_profile_group().id("grp123abc").send().await,
    );
    t.record(
        "get_profile_group grp_unknown",
        c.get_profile_group().id("grp_unknown").send().await,
    );
    let nested = t
        .record(
            "create_profile_group {profile_group: {name: New Client Project}}",
            c.create_profile_group()
                .body(named(Some("New Client Project")))
                .send()
                .await,
        )
        .unwrap();
    let flat = t
        .record(
            "create_profile_group {name: Flat Body} (Go and Ruby SDKs)",
            c.create_profile_group()
                .body(m::CreateProfileGroupRequest {
                    profile_group: None,
                    name: Some("Flat Body".into()),
                })
                .send()
                .await,
        )
        .unwrap();
    t.record(
        "create_profile_group {profile_group: {name: '  '}}",
        c.create_profile_group()
            .body(named(Some("  ")))
            .send()
            .await,
    );
    t.record(
        "create_profile_group {profile_group: {}}",
        c.create_profile_group().body(named(None)).send().await,
    );
    t.record(
        "create_profile_group with a 2 MiB name",
        c.create_profile_group()
            .body(named(Some(&"x".repeat(2 << 20))))
            .send()
            .await,
    );
    t.record(
        "list_profile_groups (two more)",
        c.list_profile_groups().send().await,
    );
    t.record(
        "delete_profile_group (nested)",
        c.delete_profile_group().id(&nested.id).send().await,
    );
    t.record(
        "get_profile_group (deleted)",
        c.get_profile_group().id(&nested.id).send().await,
    );
    t.record(
        "delete_profile_group (deleted)",
        c.delete_profile_group().id(&nested.id).send().await,
    );
    t.record(
        "delete_profile_group (flat)",
        c.delete_profile_group().id(&flat.id).send().await,
    );

    // Deleting a group removes its profiles.
    t.record(
        "delete_profile_group grp123abc (5 profiles)",
        c.delete_profile_group().id("grp123abc").send().await,
    );
    t.record(
        "get_profile prof_yt_001 (was in grp123abc)",
        c.get_profile().id("prof_yt_001").send().await,
    );
    t.record(
        "list_profiles?profile_group_id=grp123abc",
        c.list_profiles().profile_group_id("grp123abc").send().await,
    );
    let left = t
        .record("list_profiles", c.list_profiles().send().await)
        .unwrap();
    assert_eq!(left.data.len(), 10);
    t.record(
        "list_profile_groups (as at the start, without grp123abc)",
        c.list_profile_groups().send().await,
    );

    insta::assert_yaml_snapshot!("groups_full_access", t.steps);
}

#[tokio::test]
async fn the_scoped_key_sees_only_its_group() {
    let mock = MockServer::start().await;
    let c = client(&mock, Some(SCOPED));
    let mut t = Transcript::new(&mock);

    t.record("list_profile_groups", c.list_profile_groups().send().await);
    t.record("list_profiles", c.list_profiles().send().await);
    t.record(
        "list_profiles?profile_group_id=grp123abc (another group)",
        c.list_profiles().profile_group_id("grp123abc").send().await,
    );
    t.record(
        "get_profile_group grp456def",
        c.get_profile_group().id("grp456def").send().await,
    );
    t.record(
        "get_profile_group grp123abc (another group)",
        c.get_profile_group().id("grp123abc").send().await,
    );
    t.record(
        "get_profile prof_li_001 (another group)",
        c.get_profile().id("prof_li_001").send().await,
    );
    t.record(
        "list_profile_placements prof_li_001 (another group)",
        c.list_profile_placements().id("prof_li_001").send().await,
    );
    t.record(
        "get_profile_stats prof_li_001 (another group)",
        c.get_profile_stats()
            .id("prof_li_001")
            .placement_id("108520199")
            .send()
            .await,
    );
    t.record(
        "delete_profile prof_li_001 (another group)",
        c.delete_profile().id("prof_li_001").send().await,
    );
    t.record(
        "get_profile prof_tg_001 (own group)",
        c.get_profile().id("prof_tg_001").send().await,
    );
    t.record(
        "get_profile_stats prof_tg_001?placement_id=-1001234567890",
        c.get_profile_stats()
            .id("prof_tg_001")
            .placement_id("-1001234567890")
            .send()
            .await,
    );
    t.record(
        "create_profile_group",
        c.create_profile_group()
            .body(named(Some("Not allowed")))
            .send()
            .await,
    );
    t.record(
        "delete_profile_group grp456def (own group)",
        c.delete_profile_group().id("grp456def").send().await,
    );
    t.record(
        "initialize_connection grp123abc (another group)",
        c.initialize_connection()
            .id("grp123abc")
            .body(connect(Some("instagram"), Some("https://app.example/cb")))
            .send()
            .await,
    );
    t.record(
        "initialize_connection grp456def instagram",
        c.initialize_connection()
            .id("grp456def")
            .body(connect(Some("instagram"), Some("https://app.example/cb")))
            .send()
            .await,
    );
    t.record(
        "delete_profile prof_gb_001 (own group)",
        c.delete_profile().id("prof_gb_001").send().await,
    );
    t.record(
        "get_profile_group grp456def (one fewer)",
        c.get_profile_group().id("grp456def").send().await,
    );

    // Nothing the scoped key was refused changed anything for the full key.
    let full = client(&mock, Some(FULL));
    let groups = full
        .list_profile_groups()
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(groups.data.len(), 4);
    let li = full.get_profile().id("prof_li_001").send().await.unwrap();
    assert_eq!(li.profile_group_id, "grp456xyz");
    // Only the invitation to its own group was made.
    let pending = mock
        .control()
        .connections(mock.demo_account_id())
        .await
        .unwrap();
    assert_eq!(
        pending
            .iter()
            .map(|c| c.profile_group_id.as_str())
            .collect::<Vec<_>>(),
        ["grp456def"]
    );

    insta::assert_yaml_snapshot!("scoped_key", t.steps);
}

#[tokio::test]
async fn every_operation_refuses_a_missing_or_unknown_key() {
    let mock = MockServer::start().await;
    let mut t = Transcript::new(&mock);
    for (label, key) in [("no key", None), ("unknown key", Some("pp_not_issued"))] {
        let c = client(&mock, key);
        let p = "prof_li_001";
        let g = "grp123abc";
        t.record(
            &format!("{label}: list_profiles"),
            c.list_profiles().send().await,
        );
        t.record(
            &format!("{label}: get_profile"),
            c.get_profile().id(p).send().await,
        );
        t.record(
            &format!("{label}: delete_profile"),
            c.delete_profile().id(p).send().await,
        );
        t.record(
            &format!("{label}: list_profile_placements"),
            c.list_profile_placements().id(p).send().await,
        );
        t.record(
            &format!("{label}: get_profile_stats"),
            c.get_profile_stats().id(p).send().await,
        );
        t.record(
            &format!("{label}: list_profile_groups"),
            c.list_profile_groups().send().await,
        );
        t.record(
            &format!("{label}: get_profile_group"),
            c.get_profile_group().id(g).send().await,
        );
        t.record(
            &format!("{label}: create_profile_group"),
            c.create_profile_group().body(named(Some("x"))).send().await,
        );
        t.record(
            &format!("{label}: delete_profile_group"),
            c.delete_profile_group().id(g).send().await,
        );
        t.record(
            &format!("{label}: initialize_connection"),
            c.initialize_connection()
                .id(g)
                .body(connect(Some("instagram"), Some("https://app.example/cb")))
                .send()
                .await,
        );
    }
    assert!(t.statuses().iter().all(|s| *s == 401));
    assert_eq!(t.steps.len(), 20);
    // Nothing changed: the account is exactly as the demo data made it, with no invitation.
    let control = mock.control();
    let fixture = control
        .export_fixture(mock.demo_account_id())
        .await
        .unwrap();
    let (groups, profiles) = (
        fixture.profile_groups.len(),
        fixture
            .profile_groups
            .iter()
            .map(|g| g.profiles.len())
            .sum::<usize>(),
    );
    assert_eq!((groups, profiles), (4, 15));
    assert!(fixture
        .profile_groups
        .iter()
        .flat_map(|g| &g.profiles)
        .any(|p| p.id == "prof_li_001"));
    assert!(control
        .connections(mock.demo_account_id())
        .await
        .unwrap()
        .is_empty());

    insta::assert_yaml_snapshot!("unauthenticated", t.steps);
}

#[tokio::test]
async fn idempotency_keys_replay_and_refuse() {
    let mock = MockServer::start().await;
    let c = client(&mock, Some(FULL));
    let mut t = Transcript::new(&mock);

    let first = t
        .record(
            "create_profile_group Idempotency-Key: create-1",
            c.create_profile_group()
                .idempotency_key("create-1")
                .body(named(Some("Once")))
                .send()
                .await,
        )
        .unwrap();
    let again = t
        .record(
            "create_profile_group Idempotency-Key: create-1 (same body: replayed)",
            c.create_profile_group()
                .idempotency_key("create-1")
                .body(named(Some("Once")))
                .send()
                .await,
        )
        .unwrap();
    assert_eq!(first, again);
    t.record(
        "create_profile_group Idempotency-Key: create-1 (another body)",
        c.create_profile_group()
            .idempotency_key("create-1")
            .body(named(Some("Twice")))
            .send()
            .await,
    );
    let groups = c.list_profile_groups().send().await.unwrap().into_inner();
    assert_eq!(
        groups.data.iter().filter(|g| g.name == "Once").count(),
        1,
        "the replay created nothing"
    );
    assert!(!groups.data.iter().any(|g| g.name == "Twice"));
    // The generated client enforces the spec's maxLength before sending...
    let refused = c
        .create_profile_group()
        .idempotency_key("k".repeat(256))
        .body(named(Some("Too long")))
        .send()
        .await;
    assert!(matches!(refused, Err(Error::InvalidRequest(_))));
    // ...so the mock's own check is reached with a plain request.
    let raw = reqwest::Client::new()
        .post(format!("{}/api/profile_groups", mock.base_url()))
        .bearer_auth(FULL)
        .header("Idempotency-Key", "k".repeat(256))
        .json(&named(Some("Too long")))
        .send()
        .await
        .unwrap();
    t.steps.push(Step {
        call: "create_profile_group with a 256-character Idempotency-Key (plain HTTP)".into(),
        status: raw.status().as_u16(),
        body: raw.json().await.unwrap(),
    });

    t.record(
        "delete_profile prof_bs_002 Idempotency-Key: del-1",
        c.delete_profile()
            .id("prof_bs_002")
            .idempotency_key("del-1")
            .send()
            .await,
    );
    t.record(
        "delete_profile prof_bs_002 Idempotency-Key: del-1 (replayed, not 404)",
        c.delete_profile()
            .id("prof_bs_002")
            .idempotency_key("del-1")
            .send()
            .await,
    );
    t.record(
        "delete_profile prof_bs_002 (no key: 404)",
        c.delete_profile().id("prof_bs_002").send().await,
    );
    t.record(
        "delete_profile_group Idempotency-Key: del-g",
        c.delete_profile_group()
            .id(&first.id)
            .idempotency_key("del-g")
            .send()
            .await,
    );
    t.record(
        "delete_profile_group Idempotency-Key: del-g (replayed)",
        c.delete_profile_group()
            .id(&first.id)
            .idempotency_key("del-g")
            .send()
            .await,
    );
    t.record(
        "delete_profile_group grp789ghi Idempotency-Key: del-g (another request)",
        c.delete_profile_group()
            .id("grp789ghi")
            .idempotency_key("del-g")
            .send()
            .await,
    );
    assert!(c.get_profile_group().id("grp789ghi").send().await.is_ok());
    // A replay is never shown to a key that could not make the request: the scoped key
    // sending the full key's `create-1` request gets what it gets without the header.
    let scoped = client(&mock, Some(SCOPED));
    t.record(
        "scoped key: create_profile_group Idempotency-Key: create-1 (not allowed: no replay)",
        scoped
            .create_profile_group()
            .idempotency_key("create-1")
            .body(named(Some("Once")))
            .send()
            .await,
    );
    // Keys are remembered per API key: the full key's `create-1` is nothing to the scoped
    // key, whose own `create-1` runs (and then replays for it alone).
    for call in [
        "scoped key: delete_profile prof_gb_001 Idempotency-Key: create-1 (its own key: runs)",
        "scoped key: delete_profile prof_gb_001 Idempotency-Key: create-1 (replayed)",
    ] {
        t.record(
            call,
            scoped
                .delete_profile()
                .id("prof_gb_001")
                .idempotency_key("create-1")
                .send()
                .await,
        );
    }

    insta::assert_yaml_snapshot!("idempotency", t.steps);
}

#[tokio::test]
async fn initialize_connection_rules() {
    let mock = MockServer::start().await;
    let c = client(&mock, Some(FULL));
    let mut t = Transcript::new(&mock);
    let cb = Some("https://app.example/oauth/callback");

    let first = t
        .record(
            "initialize_connection grp123abc instagram",
            c.initialize_connection()
                .id("grp123abc")
                .body(connect(Some("instagram"), cb))
                .send()
                .await,
        )
        .unwrap();
    let second = t
        .record(
            "initialize_connection grp123abc instagram (again: a new url)",
            c.initialize_connection()
                .id("grp123abc")
                .body(connect(Some("instagram"), cb))
                .send()
                .await,
        )
        .unwrap();
    assert_ne!(oauth_url(&first), oauth_url(&second));
    // The url is real: it is served by this mock.
    let page = reqwest::get(oauth_url(&first)).await.unwrap();
    assert_eq!(page.status(), 200);

    t.record(
        "initialize_connection grp123abc youtube (already connected)",
        c.initialize_connection()
            .id("grp123abc")
            .body(connect(Some("youtube"), cb))
            .send()
            .await,
    );
    t.record(
        "initialize_connection grp123abc youtube refresh_connection: true",
        c.initialize_connection()
            .id("grp123abc")
            .body(m::InitializeConnectionRequest {
                refresh_connection: Some(true),
                ..connect(Some("youtube"), cb)
            })
            .send()
            .await,
    );
    let huge = "x".repeat(2 << 20);
    let refused = [
        (
            "initialize_connection without platform",
            "grp123abc",
            None,
            cb,
        ),
        (
            "initialize_connection without redirect_url",
            "grp123abc",
            Some("instagram"),
            None,
        ),
        (
            "initialize_connection platform: myspace",
            "grp123abc",
            Some("myspace"),
            cb,
        ),
        (
            "initialize_connection platform: pinterest (neither OAuth nor credentials)",
            "grp123abc",
            Some("pinterest"),
            cb,
        ),
        (
            "initialize_connection grp_unknown",
            "grp_unknown",
            Some("instagram"),
            cb,
        ),
        (
            "initialize_connection with a 2 MiB redirect_url",
            "grp123abc",
            Some("instagram"),
            Some(huge.as_str()),
        ),
    ];
    for (call, group, platform, redirect_url) in refused {
        t.record(
            call,
            c.initialize_connection()
                .id(group)
                .body(connect(platform, redirect_url))
                .send()
                .await,
        );
    }

    // bluesky and telegram connect at once with credentials, as the Node SDK 1.10 sends them.
    let bluesky =
        |identifier: Option<&str>, app_password: Option<&str>| m::InitializeConnectionRequest {
            identifier: identifier.map(Into::into),
            app_password: app_password.map(Into::into),
            ..connect(Some("bluesky"), None)
        };
    let telegram = |bot_token: Option<&str>| m::InitializeConnectionRequest {
        bot_token: bot_token.map(Into::into),
        ..connect(Some("telegram"), None)
    };
    let credentials = [
        (
            "initialize_connection grp456xyz bluesky identifier + app_password (new profile)",
            "grp456xyz",
            bluesky(Some("jane.bsky.social"), Some("xxxx-xxxx-xxxx-xxxx")),
        ),
        (
            "initialize_connection grp789ghi bluesky by email (reconnects prof_bs_002)",
            "grp789ghi",
            bluesky(Some("jane@example.com"), Some("xxxx-xxxx-xxxx-xxxx")),
        ),
        (
            "initialize_connection grp123abc bluesky (already connected)",
            "grp123abc",
            bluesky(Some("brand.bsky.social"), Some("xxxx-xxxx-xxxx-xxxx")),
        ),
        (
            "initialize_connection grp456xyz telegram bot_token (no placements yet)",
            "grp456xyz",
            telegram(Some("123456789:ABCdef-GhIJklMnOpQrStUvWxYz")),
        ),
        (
            "initialize_connection telegram without bot_token",
            "grp789ghi",
            telegram(None),
        ),
        (
            "initialize_connection telegram with a malformed bot_token",
            "grp789ghi",
            telegram(Some("not-a-token")),
        ),
        (
            "initialize_connection bluesky with redirect_url instead of credentials",
            "grp789ghi",
            m::InitializeConnectionRequest {
                redirect_url: cb.map(Into::into),
                ..bluesky(None, Some("xxxx-xxxx-xxxx-xxxx"))
            },
        ),
    ];
    for (call, group, body) in credentials {
        t.record(
            call,
            c.initialize_connection().id(group).body(body).send().await,
        );
    }
    let telegram_profile = t.steps[t.steps.len() - 4].body["profile"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    t.record(
        "list_profile_placements of the new telegram profile (none until its channels are added)",
        c.list_profile_placements()
            .id(telegram_profile)
            .send()
            .await,
    );

    insta::assert_yaml_snapshot!("initialize_connection", t.steps);
}
