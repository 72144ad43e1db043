//! The auth matrix: every operation × every kind of credential, as one table a reader can
//! review. Each case runs in a fresh, isolated copy of the demo account (created through the
//! control API), so destructive cases cannot affect each other; a refused case must leave the
//! account exactly as it was.

use postproxy_mock_server::MockServer;
use serde_json::Value;

use crate::common;
use common::fresh_demo;

/// The credential a case sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cred {
    /// No `Authorization` header.
    NoKey,
    /// A well-formed bearer key no account has.
    Unknown,
    /// The account's full-access key.
    Full,
    /// The key scoped to `grp456def`, on objects of `grp456def`.
    ScopedOwn,
    /// The key scoped to `grp456def`, on objects of `grp123abc`.
    ScopedOther,
}

use Cred::*;

const INVALID_KEY: &str = r#"{"error": "Invalid API key"}"#;
const NOT_FOUND: &str = r#"{"error": "Not found"}"#;
const NO_PERMISSION: &str = r#"{"error": "Your API key has no such permission"}"#;
const NOT_INSTAGRAM: &str =
    r#"{"error": "Ice breakers are available for instagram profiles only, not facebook profiles"}"#;

/// One operation: its request on a `grp456def` object (own) and on a `grp123abc` object
/// (other), and the expected status and body per credential. A body starting with `{` is the
/// exact JSON; otherwise it names a field the success body must carry.
struct Op {
    name: &'static str,
    method: &'static str,
    own: &'static str,
    other: &'static str,
    body: Option<&'static str>,
    expect: [(Cred, u16, &'static str); 5],
}

const CONNECT: &str = r#"{"platform": "instagram", "redirect_url": "https://example.com/cb"}"#;

#[rustfmt::skip]
const MATRIX: [Op; 17] = [
    Op { name: "list_profiles", method: "GET",
         own: "/api/profiles?profile_group_id=grp456def",
         other: "/api/profiles?profile_group_id=grp123abc", body: None,
         expect: [(NoKey, 401, INVALID_KEY), (Unknown, 401, INVALID_KEY), (Full, 200, "data"),
                  (ScopedOwn, 200, "data"), (ScopedOther, 404, NOT_FOUND)] },
    Op { name: "get_profile", method: "GET",
         own: "/api/profiles/prof_tg_001", other: "/api/profiles/prof_yt_001", body: None,
         expect: [(NoKey, 401, INVALID_KEY), (Unknown, 401, INVALID_KEY), (Full, 200, "latest_stats"),
                  (ScopedOwn, 200, "latest_stats"), (ScopedOther, 404, NOT_FOUND)] },
    Op { name: "delete_profile", method: "DELETE",
         own: "/api/profiles/prof_fb_001", other: "/api/profiles/prof_yt_001", body: None,
         expect: [(NoKey, 401, INVALID_KEY), (Unknown, 401, INVALID_KEY), (Full, 200, r#"{"success": true}"#),
                  (ScopedOwn, 200, r#"{"success": true}"#), (ScopedOther, 404, NOT_FOUND)] },
    Op { name: "list_profile_placements", method: "GET",
         own: "/api/profiles/prof_tg_001/placements", other: "/api/profiles/prof_pi_001/placements", body: None,
         expect: [(NoKey, 401, INVALID_KEY), (Unknown, 401, INVALID_KEY), (Full, 200, "data"),
                  (ScopedOwn, 200, "data"), (ScopedOther, 404, NOT_FOUND)] },
    Op { name: "get_profile_stats", method: "GET",
         own: "/api/profiles/prof_tg_001/stats?placement_id=-1001234567890",
         other: "/api/profiles/prof_yt_001/stats", body: None,
         expect: [(NoKey, 401, INVALID_KEY), (Unknown, 401, INVALID_KEY), (Full, 200, "data"),
                  (ScopedOwn, 200, "data"), (ScopedOther, 404, NOT_FOUND)] },
    // A list has no "other" object: the scoped key just sees its own group.
    Op { name: "list_profile_groups", method: "GET",
         own: "/api/profile_groups", other: "/api/profile_groups", body: None,
         expect: [(NoKey, 401, INVALID_KEY), (Unknown, 401, INVALID_KEY), (Full, 200, "data"),
                  (ScopedOwn, 200, "data"), (ScopedOther, 200, "data")] },
    Op { name: "create_profile_group", method: "POST",
         own: "/api/profile_groups", other: "/api/profile_groups",
         body: Some(r#"{"profile_group": {"name": "New"}}"#),
         expect: [(NoKey, 401, INVALID_KEY), (Unknown, 401, INVALID_KEY), (Full, 201, "profiles_count"),
                  (ScopedOwn, 422, NO_PERMISSION), (ScopedOther, 422, NO_PERMISSION)] },
    Op { name: "get_profile_group", method: "GET",
         own: "/api/profile_groups/grp456def", other: "/api/profile_groups/grp123abc", body: None,
         expect: [(NoKey, 401, INVALID_KEY), (Unknown, 401, INVALID_KEY), (Full, 200, "profiles_count"),
                  (ScopedOwn, 200, "profiles_count"), (ScopedOther, 404, NOT_FOUND)] },
    // Permission is checked before the group is looked up: a scoped key gets 422 either way.
    Op { name: "delete_profile_group", method: "DELETE",
         own: "/api/profile_groups/grp456def", other: "/api/profile_groups/grp123abc", body: None,
         expect: [(NoKey, 401, INVALID_KEY), (Unknown, 401, INVALID_KEY), (Full, 200, r#"{"deleted": true}"#),
                  (ScopedOwn, 422, NO_PERMISSION), (ScopedOther, 422, NO_PERMISSION)] },
    Op { name: "initialize_connection", method: "POST",
         own: "/api/profile_groups/grp456def/initialize_connection",
         other: "/api/profile_groups/grp123abc/initialize_connection", body: Some(CONNECT),
         expect: [(NoKey, 401, INVALID_KEY), (Unknown, 401, INVALID_KEY), (Full, 200, "url"),
                  (ScopedOwn, 200, "url"), (ScopedOther, 404, NOT_FOUND)] },
    Op { name: "assign_to_group", method: "PATCH",
         own: "/api/profiles/prof_fb_001/assign_to_group",
         other: "/api/profiles/prof_yt_001/assign_to_group",
         body: Some(r#"{"target_profile_group_id": "grp456def"}"#),
         expect: [(NoKey, 401, INVALID_KEY), (Unknown, 401, INVALID_KEY), (Full, 200, "profile_group_id"),
                  (ScopedOwn, 200, "profile_group_id"), (ScopedOther, 404, NOT_FOUND)] },
    Op { name: "assign_placement_to_group", method: "PATCH",
         own: "/api/profiles/prof_fb_001/assign_placement_to_group",
         other: "/api/profiles/prof_pi_001/assign_placement_to_group",
         body: Some(r#"{"placement_id": "200000000000002", "target_profile_group_id": "grp456def"}"#),
         expect: [(NoKey, 401, INVALID_KEY), (Unknown, 401, INVALID_KEY), (Full, 200, "profile_id"),
                  (ScopedOwn, 200, "profile_id"), (ScopedOther, 404, NOT_FOUND)] },
    // grp456def has no Instagram profile: the key's own is refused as another network.
    Op { name: "get_ice_breakers", method: "GET",
         own: "/api/profiles/prof_fb_001/ice_breakers", other: "/api/profiles/prof_ig_001/ice_breakers",
         body: None,
         expect: [(NoKey, 401, INVALID_KEY), (Unknown, 401, INVALID_KEY), (Full, 422, NOT_INSTAGRAM),
                  (ScopedOwn, 422, NOT_INSTAGRAM), (ScopedOther, 404, NOT_FOUND)] },
    Op { name: "set_ice_breakers", method: "POST",
         own: "/api/profiles/prof_fb_001/ice_breakers", other: "/api/profiles/prof_ig_001/ice_breakers",
         body: Some(r#"{"ice_breakers": [{"question": "Hours?", "payload": "hours"}]}"#),
         expect: [(NoKey, 401, INVALID_KEY), (Unknown, 401, INVALID_KEY), (Full, 422, NOT_INSTAGRAM),
                  (ScopedOwn, 422, NOT_INSTAGRAM), (ScopedOther, 404, NOT_FOUND)] },
    Op { name: "delete_ice_breakers", method: "DELETE",
         own: "/api/profiles/prof_fb_001/ice_breakers", other: "/api/profiles/prof_ig_001/ice_breakers",
         body: None,
         expect: [(NoKey, 401, INVALID_KEY), (Unknown, 401, INVALID_KEY), (Full, 422, NOT_INSTAGRAM),
                  (ScopedOwn, 422, NOT_INSTAGRAM), (ScopedOther, 404, NOT_FOUND)] },
    Op { name: "get_daily_stats", method: "GET",
         own: "/api/profiles/prof_tg_001/daily_stats?placement_id=-1001234567890",
         other: "/api/profiles/prof_yt_001/daily_stats", body: None,
         expect: [(NoKey, 401, INVALID_KEY), (Unknown, 401, INVALID_KEY), (Full, 200, "data"),
                  (ScopedOwn, 200, "data"), (ScopedOther, 404, NOT_FOUND)] },
    Op { name: "get_follower_history", method: "GET",
         own: "/api/profiles/prof_tg_001/follower_history?placement_id=-1001234567890",
         other: "/api/profiles/prof_yt_001/follower_history", body: None,
         expect: [(NoKey, 401, INVALID_KEY), (Unknown, 401, INVALID_KEY), (Full, 200, "data"),
                  (ScopedOwn, 200, "data"), (ScopedOther, 404, NOT_FOUND)] },
];

#[tokio::test]
async fn every_operation_with_every_credential() {
    let mock = MockServer::start().await;
    let control = mock.control();
    let http = reqwest::Client::new();
    let mut failures = Vec::new();
    let mut cases = 0;
    for op in &MATRIX {
        for &(cred, status, expected) in &op.expect {
            cases += 1;
            // A fresh account per case: its keys are generated, its data is the demo's.
            let account = control.create_account(&fresh_demo()).await.unwrap();
            let full = &account.api_keys[0];
            let scoped = &account.api_keys[1];
            assert_eq!(scoped.profile_group_id.as_deref(), Some("grp456def"));
            let (key, path) = match cred {
                NoKey => (None, op.own),
                Unknown => (Some("pp_test_no_such_key_0000000000"), op.own),
                Full => (Some(full.key.as_str()), op.own),
                ScopedOwn => (Some(scoped.key.as_str()), op.own),
                ScopedOther => (Some(scoped.key.as_str()), op.other),
            };
            let before = control.export_fixture(&account.id).await.unwrap();
            let mut request = http.request(
                op.method.parse().unwrap(),
                format!("{}{path}", mock.base_url()),
            );
            if let Some(key) = key {
                request = request.bearer_auth(key);
            }
            if let Some(body) = op.body {
                request = request
                    .header("content-type", "application/json")
                    .body(body);
            }
            let response = request.send().await.unwrap();
            let got_status = response.status().as_u16();
            let body: Value = response.json().await.unwrap_or(Value::Null);
            let label = format!("{} {:?} ({} {path})", op.name, cred, op.method);
            let body_ok = if expected.starts_with('{') {
                body == serde_json::from_str::<Value>(expected).unwrap()
            } else {
                body.get(expected).is_some()
            };
            if got_status != status || !body_ok {
                failures.push(format!(
                    "{label}: expected {status} {expected}, got {got_status} {body}"
                ));
            }
            if status >= 400 {
                let after = control.export_fixture(&account.id).await.unwrap();
                if after != before {
                    failures.push(format!("{label}: a refused request changed the account"));
                }
                let pending = control.connections(&account.id).await.unwrap();
                if !pending.is_empty() {
                    failures.push(format!("{label}: a refused request left a connection"));
                }
            }
            control.delete_account(&account.id).await.unwrap();
        }
    }
    assert_eq!(cases, 85);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // The demo account itself was never touched.
    assert_eq!(control.account("acct_demo").await.unwrap().profiles, 15);
}

/// A replay case: the full-access key makes a request with an `Idempotency-Key`; a key that may
/// not make it sends the same request with the same key. It must get exactly what it gets
/// without the header, and change nothing: a replay never shows a key what it could not get.
struct Replay {
    name: &'static str,
    method: &'static str,
    path: &'static str,
    body: Option<&'static str>,
    /// The full key's answer: status, and a field (or exact JSON) of its body.
    first: (u16, &'static str),
    /// The scoped key's answer, with the header and without it.
    refused: (u16, &'static str),
}

#[rustfmt::skip]
const REPLAYS: [Replay; 9] = [
    Replay { name: "create_profile_group", method: "POST", path: "/api/profile_groups",
             body: Some(r#"{"profile_group": {"name": "Secret client"}}"#),
             first: (201, "profiles_count"), refused: (422, NO_PERMISSION) },
    Replay { name: "delete_profile", method: "DELETE", path: "/api/profiles/prof_li_001",
             body: None, first: (200, r#"{"success": true}"#), refused: (404, NOT_FOUND) },
    Replay { name: "delete_profile", method: "DELETE",
             path: "/api/profiles/prof_yt_001?profile_group_id=grp123abc",
             body: None, first: (200, r#"{"success": true}"#), refused: (404, NOT_FOUND) },
    Replay { name: "delete_profile_group", method: "DELETE", path: "/api/profile_groups/grp789ghi",
             body: None, first: (200, r#"{"deleted": true}"#), refused: (422, NO_PERMISSION) },
    // Even its own group: a scoped key may not delete groups.
    Replay { name: "delete_profile_group", method: "DELETE", path: "/api/profile_groups/grp456def",
             body: None, first: (200, r#"{"deleted": true}"#), refused: (422, NO_PERMISSION) },
    // Moved out of the scoped key's sight: its replay must not show the profile.
    Replay { name: "assign_to_group", method: "PATCH", path: "/api/profiles/prof_li_001/assign_to_group",
             body: Some(r#"{"target_profile_group_id": "grp123abc"}"#),
             first: (200, "profile_group_id"), refused: (404, NOT_FOUND) },
    Replay { name: "assign_placement_to_group", method: "PATCH",
             path: "/api/profiles/prof_li_001/assign_placement_to_group",
             body: Some(r#"{"placement_id": "108520199", "target_profile_group_id": "grp123abc"}"#),
             first: (200, "profile_id"), refused: (404, NOT_FOUND) },
    Replay { name: "set_ice_breakers", method: "POST", path: "/api/profiles/prof_ig_001/ice_breakers",
             body: Some(r#"{"ice_breakers": [{"question": "Hours?", "payload": "hours"}]}"#),
             first: (200, r#"{"success": true}"#), refused: (404, NOT_FOUND) },
    Replay { name: "delete_ice_breakers", method: "DELETE", path: "/api/profiles/prof_ig_001/ice_breakers",
             body: None, first: (200, r#"{"success": true}"#), refused: (404, NOT_FOUND) },
];

fn matches(body: &Value, expected: &str) -> bool {
    if expected.starts_with('{') {
        *body == serde_json::from_str::<Value>(expected).unwrap()
    } else {
        body.get(expected).is_some()
    }
}

/// Sends `replay` with `key` and, if given, an `Idempotency-Key`: status and JSON body.
async fn send_replay(
    mock: &MockServer,
    http: &reqwest::Client,
    key: &str,
    replay: &Replay,
    idempotency_key: Option<&str>,
) -> (u16, Value) {
    let mut request = http
        .request(
            replay.method.parse().unwrap(),
            format!("{}{}", mock.base_url(), replay.path),
        )
        .bearer_auth(key);
    if let Some(body) = replay.body {
        request = request
            .header("content-type", "application/json")
            .body(body);
    }
    if let Some(k) = idempotency_key {
        request = request.header("idempotency-key", k);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    (
        status,
        response.json::<Value>().await.unwrap_or(Value::Null),
    )
}

/// Runs one replay case in fresh copies of the demo account: what went wrong, if anything.
async fn replay_failures(
    mock: &MockServer,
    http: &reqwest::Client,
    replay: &Replay,
) -> Vec<String> {
    let control = mock.control();
    let mut failures = Vec::new();
    let account = control.create_account(&fresh_demo()).await.unwrap();
    let (full, scoped) = (&account.api_keys[0].key, &account.api_keys[1].key);
    let label = format!("{} {} {}", replay.name, replay.method, replay.path);
    // Without the header, the scoped key is refused (in a copy of the account, so the
    // full key's request below still finds what it acts on).
    let copy = control.create_account(&fresh_demo()).await.unwrap();
    let (status, body) = send_replay(mock, http, &copy.api_keys[1].key, replay, None).await;
    if (status, matches(&body, replay.refused.1)) != (replay.refused.0, true) {
        failures.push(format!("{label}: without the header got {status} {body}"));
    }
    control.delete_account(&copy.id).await.unwrap();

    let (status, body) = send_replay(mock, http, full, replay, Some("shared-3")).await;
    if (status, matches(&body, replay.first.1)) != (replay.first.0, true) {
        failures.push(format!("{label}: the full key got {status} {body}"));
    }
    let before = control.export_fixture(&account.id).await.unwrap();
    let (status, body) = send_replay(mock, http, scoped, replay, Some("shared-3")).await;
    if (status, matches(&body, replay.refused.1)) != (replay.refused.0, true) {
        failures.push(format!(
            "{label}: the scoped key's replay got {status} {body}"
        ));
    }
    if control.export_fixture(&account.id).await.unwrap() != before {
        failures.push(format!(
            "{label}: the scoped key's replay changed the account"
        ));
    }
    // The full key itself still replays its own answer.
    let (status, _) = send_replay(mock, http, full, replay, Some("shared-3")).await;
    if status != replay.first.0 {
        failures.push(format!("{label}: the full key's own replay got {status}"));
    }
    control.delete_account(&account.id).await.unwrap();
    failures
}

#[tokio::test]
async fn a_replay_is_authorised_like_the_request_itself() {
    let mock = MockServer::start().await;
    let http = reqwest::Client::new();
    let mut failures = Vec::new();
    for replay in &REPLAYS {
        failures.extend(replay_failures(&mock, &http, replay).await);
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[tokio::test]
async fn every_operation_that_honours_idempotency_key_has_a_replay_case() {
    let spec = common::spec();
    let mut honouring: Vec<String> = Vec::new();
    for item in spec["paths"].as_object().unwrap().values() {
        for op in item.as_object().unwrap().values() {
            let takes_key = op["parameters"].as_array().is_some_and(|ps| {
                ps.iter().any(|p| {
                    p["$ref"] == "#/components/parameters/IdempotencyKey"
                        || p["name"] == "Idempotency-Key"
                })
            });
            if takes_key {
                honouring.push(op["operationId"].as_str().unwrap().to_string());
            }
        }
    }
    honouring.sort();
    let mut covered: Vec<String> = REPLAYS.iter().map(|r| r.name.to_string()).collect();
    covered.sort();
    covered.dedup();
    assert_eq!(covered, honouring);
}
