//! Accounts: isolated from each other on one server, created with or without a body, and
//! reached through the typed client.

use postproxy_mock_server::control::FaultSpec;
use postproxy_mock_server::control::JournalFilter;
use postproxy_mock_server::control::{AccountInfo, ControlClient};
use postproxy_mock_server::MockServer;
use serde_json::json;

use crate::common;
use common::{call, control_http, days, fresh_demo, refused, DEMO, FULL_KEY as FULL};

/// Two fresh copies of the demo account on one server.
async fn two_accounts(control: &ControlClient) -> (AccountInfo, AccountInfo) {
    let a = control.create_account(&fresh_demo()).await.unwrap();
    let b = control.create_account(&fresh_demo()).await.unwrap();
    (a, b)
}

/// Both suites work on "the same" ids at once.
async fn work_on_the_same_ids_at_once(mock: &MockServer, ka: &str, kb: &str) {
    tokio::join!(one_suite(mock, ka, "a"), one_suite(mock, kb, "b"));
}

/// 20 groups created (every other one deleted again) and the profile `prof_li_001` deleted.
async fn one_suite(mock: &MockServer, key: &str, name: &str) {
    for i in 0..20 {
        let (s, g) = call(
            mock,
            "POST",
            "/api/profile_groups",
            key,
            Some(json!({"name": format!("{name}{i}")})),
        )
        .await;
        assert_eq!(s, 201);
        if i % 2 == 0 {
            let path = format!("/api/profile_groups/{}", g["id"].as_str().unwrap());
            assert_eq!(call(mock, "DELETE", &path, key, None).await.0, 200);
        }
    }
    assert_eq!(
        call(mock, "DELETE", "/api/profiles/prof_li_001", key, None)
            .await
            .0,
        200
    );
}

#[tokio::test]
async fn two_copies_of_the_demo_get_their_own_ids_and_the_demo_s_data() {
    let mock = MockServer::start().await;
    let (a, b) = two_accounts(&mock.control()).await;
    assert_ne!(a.id, b.id);
    assert_eq!((a.profile_groups, a.profiles), (4, 15));
    assert_eq!(a.api_keys[1].profile_group_id.as_deref(), Some("grp456def"));
}

#[tokio::test]
async fn two_accounts_working_on_the_same_ids_at_once_never_see_each_other() {
    let mock = MockServer::start().await;
    let (a, b) = two_accounts(&mock.control()).await;
    let (ka, kb) = (&a.api_keys[0].key, &b.api_keys[0].key);
    work_on_the_same_ids_at_once(&mock, ka, kb).await;

    for (key, mine, theirs) in [(ka, "a", "b"), (kb, "b", "a")] {
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
}

#[tokio::test]
async fn each_account_journals_only_its_own_requests() {
    let mock = MockServer::start().await;
    let control = mock.control();
    let (a, b) = two_accounts(&control).await;
    work_on_the_same_ids_at_once(&mock, &a.api_keys[0].key, &b.api_keys[0].key).await;
    // And the list that shows what the account holds.
    call(
        &mock,
        "GET",
        "/api/profile_groups",
        &a.api_keys[0].key,
        None,
    )
    .await;

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
}

#[tokio::test]
async fn faults_and_clocks_are_per_account() {
    let mock = MockServer::start().await;
    let control = mock.control();
    let (a, b) = two_accounts(&control).await;
    let (ka, kb) = (&a.api_keys[0].key, &b.api_keys[0].key);
    control
        .add_fault(&a.id, &FaultSpec::status(503).times(5))
        .await
        .unwrap();
    control.advance_clock(&a.id, &days(3)).await.unwrap();
    assert_eq!(
        call(&mock, "GET", "/api/profile_groups", ka, None).await.0,
        503
    );
    assert_eq!(
        call(&mock, "GET", "/api/profile_groups", kb, None).await.0,
        200
    );
    let (ca, cb) = (
        control.clock(&a.id).await.unwrap(),
        control.clock(&b.id).await.unwrap(),
    );
    assert!(ca.now > cb.now, "{ca:?} {cb:?}");
}

#[tokio::test]
async fn deleting_one_account_ends_its_keys_only() {
    let mock = MockServer::start().await;
    let control = mock.control();
    let (a, b) = two_accounts(&control).await;
    let (ka, kb) = (&a.api_keys[0].key, &b.api_keys[0].key);
    control.delete_account(&a.id).await.unwrap();
    assert_eq!(
        call(&mock, "GET", "/api/profile_groups", ka, None).await.0,
        401
    );
    assert_eq!(
        call(&mock, "GET", "/api/profile_groups", kb, None).await.0,
        200
    );
    assert_eq!(refused(control.account(&a.id).await).0, 404);
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
