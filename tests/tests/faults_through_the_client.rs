//! The mock's control plane seen through the generated client: injected faults arrive as the
//! documented error responses (429 with `Retry-After`, 500, 503), a dropped connection as a
//! transport error, and the journal records exactly the requests the client sent.

use postproxy_client::{Client, Error};
use postproxy_mock_server::faults::FaultSpec;
use postproxy_mock_server::journal::JournalFilter;
use postproxy_mock_server::MockServer;

fn client(mock: &MockServer) -> Client {
    Client::builder(mock.full_access_key())
        .base_url(mock.base_url())
        .build()
        .unwrap()
}

#[tokio::test]
async fn a_429_fault_is_a_rate_limit_response_in_the_client() {
    let mock = MockServer::start().await;
    let control = mock.control();
    let account = mock.demo_account_id();
    control
        .add_fault(
            account,
            &FaultSpec {
                method: Some("GET".into()),
                path: Some("/api/profiles/*".into()),
                status: Some(429),
                retry_after: Some(30),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let c = client(&mock);
    match c.get_profile().id("prof_li_001").send().await {
        Err(Error::ErrorResponse(response)) => {
            assert_eq!(response.status().as_u16(), 429);
            assert_eq!(response.headers()["retry-after"], "30");
            assert_eq!(response.error, "Rate limit exceeded");
        }
        other => panic!("expected a 429 error response, got {other:?}"),
    }
    // The fault was for one request: the next one goes through.
    let profile = c.get_profile().id("prof_li_001").send().await.unwrap();
    assert_eq!(profile.id, "prof_li_001");
}

#[tokio::test]
async fn server_errors_and_dropped_connections_reach_the_client() {
    let mock = MockServer::start().await;
    let control = mock.control();
    let account = mock.demo_account_id();
    let c = client(&mock);
    for status in [500, 503] {
        control
            .add_fault(
                account,
                &FaultSpec {
                    status: Some(status),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        match c.list_profile_groups().send().await {
            Err(Error::ErrorResponse(response)) => {
                assert_eq!(response.status().as_u16(), status);
            }
            other => panic!("expected {status}, got {other:?}"),
        }
    }
    control
        .add_fault(
            account,
            &FaultSpec {
                drop_connection: true,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let dropped = c.list_profile_groups().send().await;
    assert!(
        matches!(
            dropped,
            Err(Error::CommunicationError(_) | Error::ResponseBodyError(_))
        ),
        "{dropped:?}"
    );
}

#[tokio::test]
async fn the_journal_shows_what_the_client_sent() {
    let mock = MockServer::start().await;
    let control = mock.control();
    let account = mock.demo_account_id();
    let c = Client::builder(mock.full_access_key())
        .base_url(mock.base_url())
        .profile_group_id("grp456xyz")
        .build()
        .unwrap();
    c.delete_profile().id("prof123abc").send().await.unwrap();
    c.list_profile_groups().send().await.unwrap();
    let journal = control
        .journal(account, &JournalFilter::default())
        .await
        .unwrap();
    let seen: Vec<_> = journal
        .entries
        .iter()
        .map(|e| {
            (
                e.method.as_str(),
                e.path.as_str(),
                e.query.as_deref(),
                e.status,
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            (
                "DELETE",
                "/api/profiles/prof123abc",
                Some("profile_group_id=grp456xyz"),
                200
            ),
            ("GET", "/api/profile_groups", None, 200),
        ]
    );
}
