//! The auth matrix: every operation × every kind of credential, as one table a reader can
//! review. Each case runs in a fresh, isolated copy of the demo account (created through the
//! control API), so destructive cases cannot affect each other; a refused case must leave the
//! account exactly as it was.

use postproxy_mock_server::MockServer;
use serde_json::Value;

mod common;
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
const MATRIX: [Op; 10] = [
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
    assert_eq!(cases, 50);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // The demo account itself was never touched.
    assert_eq!(control.account("acct_demo").await.unwrap().profiles, 15);
}
