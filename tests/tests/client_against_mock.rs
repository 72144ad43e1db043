//! The generated client against the stateful mock, in-process: state changes are visible
//! through the client, and documented errors arrive as typed error responses.

use postproxy_client::{Client, Error};
use postproxy_mock_server::MockServer;
use postproxy_models as m;

fn client(mock: &MockServer, key: &str) -> Client {
    Client::builder(key)
        .base_url(mock.base_url())
        .build()
        .unwrap()
}

fn status_and_message<T: std::fmt::Debug>(r: Result<T, Error<m::Error>>) -> (u16, String) {
    match r {
        Err(Error::ErrorResponse(e)) => (e.status().as_u16(), e.into_inner().error),
        other => panic!("expected an error response, got {other:?}"),
    }
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
    let before = c
        .list_profile_groups()
        .send()
        .await
        .unwrap()
        .into_inner()
        .data
        .len();

    let created = c
        .create_profile_group()
        .body(named("E2E"))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status().as_u16(), 201);
    let group = created.into_inner();
    assert_eq!((group.name.as_str(), group.profiles_count), ("E2E", 0));

    let groups = c
        .list_profile_groups()
        .send()
        .await
        .unwrap()
        .into_inner()
        .data;
    assert_eq!(groups.len(), before + 1);
    assert!(groups.contains(&group));

    assert!(
        c.delete_profile_group()
            .id(&group.id)
            .send()
            .await
            .unwrap()
            .into_inner()
            .deleted
    );
    let (status, msg) = status_and_message(c.get_profile_group().id(&group.id).send().await);
    assert_eq!((status, msg.as_str()), (404, "Not found"));
}

#[tokio::test]
async fn deleting_a_profile_drops_its_group_count() {
    let mock = MockServer::start().await;
    let c = client(&mock, mock.full_access_key());
    let profile = c
        .get_profile()
        .id("prof123abc")
        .send()
        .await
        .unwrap()
        .into_inner();
    let count = |c: Client, g: String| async move {
        c.get_profile_group()
            .id(g)
            .send()
            .await
            .unwrap()
            .into_inner()
            .profiles_count
    };
    let before = count(c.clone(), profile.profile_group_id.clone()).await;
    assert!(
        c.delete_profile()
            .id("prof123abc")
            .send()
            .await
            .unwrap()
            .into_inner()
            .success
    );
    assert_eq!(
        count(c.clone(), profile.profile_group_id.clone()).await,
        before - 1
    );
    let (status, _) = status_and_message(c.get_profile().id("prof123abc").send().await);
    assert_eq!(status, 404);
}

#[tokio::test]
async fn keys_and_scopes_through_the_client() {
    let mock = MockServer::start().await;
    let (status, msg) = status_and_message(client(&mock, "nope").list_profiles().send().await);
    assert_eq!((status, msg.as_str()), (401, "Invalid API key"));

    let scoped = client(&mock, mock.scoped_key());
    let groups = scoped
        .list_profile_groups()
        .send()
        .await
        .unwrap()
        .into_inner()
        .data;
    assert_eq!(
        groups.iter().map(|g| g.id.as_str()).collect::<Vec<_>>(),
        ["grp456def"]
    );
    let (status, msg) =
        status_and_message(scoped.create_profile_group().body(named("x")).send().await);
    assert_eq!(
        (status, msg.as_str()),
        (422, "Your API key has no such permission")
    );
    let (status, _) = status_and_message(scoped.get_profile().id("prof_li_001").send().await);
    assert_eq!(
        status, 404,
        "a scoped key must not see other groups' profiles"
    );
}

#[tokio::test]
async fn reference_get_profile_example_is_reproduced() {
    let mock = MockServer::start().await;
    let c = client(&mock, mock.full_access_key());
    let got = c
        .get_profile()
        .id("prof_li_001")
        .send()
        .await
        .unwrap()
        .into_inner();
    let spec: serde_json::Value =
        serde_yaml::from_str(include_str!("../../openapi/postproxy.yaml")).unwrap();
    let example = &spec["paths"]["/api/profiles/{id}"]["get"]["responses"]["200"]["content"]
        ["application/json"]["example"];
    assert_eq!(serde_json::to_value(&got).unwrap(), *example);
    let (status, msg) = status_and_message(c.get_profile_stats().id("prof_li_001").send().await);
    assert_eq!(
        (status, msg.as_str()),
        (400, "placement_id is required for linkedin profiles")
    );
}
