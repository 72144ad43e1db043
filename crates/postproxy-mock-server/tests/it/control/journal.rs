//! The journal: what each account's requests were, filtered and cleared.

use postproxy_mock_server::control::{JournalFilter, JournalPage};
use postproxy_mock_server::MockServer;
use serde_json::json;

use crate::common;
use common::{call, control_http, DEMO, FULL_KEY as FULL};

/// Records bodies, then sends four requests: a GET with a query and a DELETE with the full key,
/// a refused POST with the scoped key, and a GET with no valid key.
async fn four_requests(mock: &MockServer) {
    mock.control().record_bodies(DEMO, true).await.unwrap();
    call(
        mock,
        "GET",
        "/api/profiles?profile_group_id=grp123abc",
        FULL,
        None,
    )
    .await;
    call(mock, "DELETE", "/api/profiles/prof_li_001", FULL, None).await;
    call(
        mock,
        "POST",
        "/api/profile_groups",
        "pp_demo_scoped_0123456789abcdef",
        Some(json!({"name": "x"})),
    )
    .await;
    call(mock, "GET", "/api/profiles", "not-a-key", None).await;
}

/// [`four_requests`], then the whole journal.
async fn four_requests_journaled(mock: &MockServer) -> JournalPage {
    four_requests(mock).await;
    mock.control()
        .journal(DEMO, &JournalFilter::default())
        .await
        .unwrap()
}

#[tokio::test]
async fn the_journal_records_each_of_the_account_s_requests_in_order() {
    let mock = MockServer::start().await;
    let all = four_requests_journaled(&mock).await;
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
    assert_eq!(all.cap, 1000);
}

#[tokio::test]
async fn a_journal_entry_keeps_the_query_the_body_and_the_key_id_but_never_the_key() {
    let mock = MockServer::start().await;
    let all = four_requests_journaled(&mock).await;
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
}

#[tokio::test]
async fn the_journal_is_filtered_by_method_path_and_status() {
    let mock = MockServer::start().await;
    four_requests(&mock).await;
    let deletes = mock
        .control()
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
}

#[tokio::test]
async fn a_cleared_journal_is_empty() {
    let mock = MockServer::start().await;
    let control = mock.control();
    four_requests(&mock).await;
    control.clear_journal(DEMO).await.unwrap();
    assert!(control
        .journal(DEMO, &JournalFilter::default())
        .await
        .unwrap()
        .entries
        .is_empty());
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
