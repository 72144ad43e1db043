//! The generated client against the stateful mock, in-process: state changes are visible
//! through the client, and documented errors arrive as typed error responses.

mod common;

use common::{error_response, ok};
use postproxy_client::Client;
use postproxy_mock_server::MockServer;
use postproxy_models as m;

fn client(mock: &MockServer, key: &str) -> Client {
    Client::builder(key)
        .base_url(mock.base_url())
        .build()
        .unwrap()
}

fn named(name: &str) -> m::CreateProfileGroupRequest {
    m::CreateProfileGroupRequest {
        profile_group: Some(m::ProfileGroupParams {
            name: Some(name.into()),
        }),
        name: None,
    }
}

#[tokio::test]
async fn create_list_delete_then_404_through_the_client() {
    let mock = MockServer::start().await;
    let c = client(&mock, mock.full_access_key());
    let before = ok(c.list_profile_groups().send().await).data.len();

    let created = c
        .create_profile_group()
        .body(named("E2E"))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status().as_u16(), 201);
    let group = created.into_inner();
    assert_eq!((group.name.as_str(), group.profiles_count), ("E2E", 0));

    let groups = ok(c.list_profile_groups().send().await).data;
    assert_eq!(groups.len(), before + 1);
    assert!(groups.contains(&group));

    assert!(ok(c.delete_profile_group().id(&group.id).send().await).deleted);
    let got = error_response(c.get_profile_group().id(&group.id).send().await);
    assert_eq!(got, (404, "Not found".to_string()));
}

#[tokio::test]
async fn deleting_a_profile_drops_its_group_count() {
    let mock = MockServer::start().await;
    let c = client(&mock, mock.full_access_key());
    let group = ok(c.get_profile().id("prof123abc").send().await).profile_group_id;
    let count = || async { ok(c.get_profile_group().id(&group).send().await).profiles_count };
    let before = count().await;
    assert!(ok(c.delete_profile().id("prof123abc").send().await).success);
    assert_eq!(count().await, before - 1);
    let (status, _) = error_response(c.get_profile().id("prof123abc").send().await);
    assert_eq!(status, 404);
}

#[tokio::test]
async fn keys_and_scopes_through_the_client() {
    let mock = MockServer::start().await;
    let got = error_response(client(&mock, "nope").list_profiles().send().await);
    assert_eq!(got, (401, "Invalid API key".to_string()));

    let scoped = client(&mock, mock.scoped_key());
    let groups = ok(scoped.list_profile_groups().send().await).data;
    assert_eq!(
        groups.iter().map(|g| g.id.as_str()).collect::<Vec<_>>(),
        ["grp456def"]
    );
    let got = error_response(scoped.create_profile_group().body(named("x")).send().await);
    assert_eq!(
        got,
        (422, "Your API key has no such permission".to_string())
    );
    let (status, _) = error_response(scoped.get_profile().id("prof_li_001").send().await);
    assert_eq!(
        status, 404,
        "a scoped key must not see other groups' profiles"
    );
}

#[tokio::test]
async fn reference_get_profile_example_is_reproduced() {
    let mock = MockServer::start().await;
    let c = client(&mock, mock.full_access_key());
    let got = ok(c.get_profile().id("prof_li_001").send().await);
    assert_eq!(
        serde_json::to_value(&got).unwrap(),
        common::response_example("get_profile", 200)
    );
    let got = error_response(c.get_profile_stats().id("prof_li_001").send().await);
    assert_eq!(
        got,
        (
            400,
            "placement_id is required for linkedin profiles".to_string()
        )
    );
}
