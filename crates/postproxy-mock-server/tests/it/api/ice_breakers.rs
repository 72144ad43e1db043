//! Ice breakers (the official SDKs' `/api/profiles/{id}/ice_breakers`): stored per Instagram
//! profile, 1 to 4, other networks refused naming the network, delete empties them, and every
//! refusal changes nothing.

use crate::common;

use common::{refused, Mock, DEMO, FULL, SCOPED};
use postproxy_models::{IceBreaker, Platform};
use reqwest::Method;
use serde_json::{json, Value};

const IG: &str = "/api/profiles/prof_ig_001/ice_breakers";

fn items(n: usize) -> Value {
    let list: Vec<Value> = (0..n)
        .map(|i| json!({"question": format!("Question {i}?"), "payload": format!("q{i}")}))
        .collect();
    json!({ "ice_breakers": list })
}

async fn stored(mock: &Mock) -> Value {
    mock.get(IG, FULL).await.assert_ok()["ice_breakers"].clone()
}

#[tokio::test]
async fn set_get_and_delete() {
    let mock = Mock::start().await;
    // The demo's own, in the order they were set.
    assert_eq!(
        stored(&mock).await,
        json!([
            {"question": "Do you take commissions?", "payload": "commissions"},
            {"question": "Where can I buy prints?", "payload": "prints"}
        ])
    );
    for n in [1, 4] {
        let reply = mock.post(IG, FULL, items(n)).await;
        assert_eq!(reply.assert_ok(), &json!({"success": true}));
        assert_eq!(stored(&mock).await, items(n)["ice_breakers"]);
    }
    // Extra fields of an item are not kept; the text is kept as sent.
    let sent = json!({"ice_breakers": [{"question": " Hours? ", "payload": "h", "extra": 1}]});
    mock.post(IG, FULL, sent).await.assert_ok();
    assert_eq!(
        stored(&mock).await,
        json!([{"question": " Hours? ", "payload": "h"}])
    );
    for _ in 0..2 {
        let reply = mock.delete(IG, FULL).await;
        assert_eq!(reply.assert_ok(), &json!({"success": true}));
        assert_eq!(stored(&mock).await, json!([]));
    }
}

#[tokio::test]
async fn they_stay_with_the_profile_when_it_moves() {
    let mock = Mock::start().await;
    mock.patch(
        "/api/profiles/prof_ig_001/assign_to_group",
        FULL,
        json!({"target_profile_group_id": "grp123abc"}),
    )
    .await
    .assert_ok();
    let moved = mock
        .get(&format!("{IG}?profile_group_id=grp123abc"), FULL)
        .await;
    assert_eq!(
        moved.assert_ok()["ice_breakers"].as_array().unwrap().len(),
        2
    );
    let exported = mock.server.control().export_fixture(DEMO).await.unwrap();
    let ig = exported
        .profile_groups
        .iter()
        .flat_map(|g| &g.profiles)
        .find(|p| p.id == "prof_ig_001")
        .unwrap();
    assert_eq!(ig.ice_breakers.len(), 2);
}

#[tokio::test]
async fn other_networks_are_refused_naming_the_network() {
    let mock = Mock::start().await;
    for (id, platform) in [("prof654jkl", "twitter"), ("prof_fb_001", "facebook")] {
        let path = format!("/api/profiles/{id}/ice_breakers");
        let error = format!(
            "Ice breakers are available for instagram profiles only, not {platform} profiles"
        );
        mock.get(&path, FULL).await.assert_error(422, &error);
        mock.post(&path, FULL, items(1))
            .await
            .assert_error(422, &error);
        mock.delete(&path, FULL).await.assert_error(422, &error);
    }
    for path in ["/api/profiles/prof_nope/ice_breakers", IG] {
        mock.get(path, SCOPED).await.assert_error(404, "Not found");
        mock.post(path, SCOPED, items(1))
            .await
            .assert_error(404, "Not found");
        mock.delete(path, SCOPED)
            .await
            .assert_error(404, "Not found");
    }
    mock.get(&format!("{IG}?profile_group_id=grp123abc"), FULL)
        .await
        .assert_error(404, "Not found");
    assert_eq!(stored(&mock).await.as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn items_that_break_a_rule_are_422_naming_the_field_and_change_nothing() {
    let mock = Mock::start().await;
    let before = stored(&mock).await;
    let long = "x".repeat(81);
    let cases = [
        (items(0), "ice_breakers: 1 to 4 items, not 0"),
        (items(5), "ice_breakers: 1 to 4 items, not 5"),
        (
            json!({"ice_breakers": [{"question": "a", "payload": "b"}, {"question": "  ", "payload": "c"}]}),
            "ice_breakers[1].question: must not be blank",
        ),
        (
            json!({"ice_breakers": [{"question": "a", "payload": ""}]}),
            "ice_breakers[0].payload: must not be blank",
        ),
        (
            json!({"ice_breakers": [{"question": long, "payload": "b"}]}),
            "ice_breakers[0].question: at most 80 characters",
        ),
        (
            json!({"ice_breakers": [{"question": "a", "payload": "p".repeat(1001)}]}),
            "ice_breakers[0].payload: at most 1000 characters",
        ),
    ];
    for (body, error) in cases {
        mock.post(IG, FULL, body).await.assert_error(422, error);
    }
    assert_eq!(stored(&mock).await, before);
    // 80 characters, not bytes.
    let eighty = "é".repeat(80);
    let body = json!({"ice_breakers": [{"question": eighty, "payload": "b"}]});
    mock.post(IG, FULL, body).await.assert_ok();
}

#[tokio::test]
async fn bad_bodies_are_400_naming_the_field_and_change_nothing() {
    let mock = Mock::start().await;
    let before = stored(&mock).await;
    let cases: [(&str, &str); 7] = [
        ("[]", "expected a JSON object, found an array"),
        ("{}", "ice_breakers"),
        ("{\"ice_breakers\": \"hours\"}", "ice_breakers"),
        ("{\"ice_breakers\": [\"hours\"]}", "ice_breakers[0]"),
        ("{\"ice_breakers\": [{\"question\": \"a\"}]}", "payload"),
        (
            "{\"ice_breakers\": [{\"question\": 1, \"payload\": \"b\"}]}",
            "ice_breakers[0].question",
        ),
        ("{\"ice_breakers\": null}", "ice_breakers"),
    ];
    mock.assert_400_naming(Method::POST, IG, &cases).await;
    assert_eq!(stored(&mock).await, before);
}

#[tokio::test]
async fn an_idempotency_key_replays_the_set() {
    let mock = Mock::start().await;
    let send = |n: usize| {
        let mock = &mock;
        async move {
            let body = serde_json::to_vec(&items(n)).unwrap();
            mock.raw(
                Method::POST,
                IG,
                FULL,
                Some(body),
                &[("idempotency-key", "ib-1")],
            )
            .await
        }
    };
    assert_eq!(send(1).await.status, 200);
    mock.delete(IG, FULL).await.assert_ok();
    // Replayed: the first answer, and nothing stored again.
    assert_eq!(send(1).await.status, 200);
    assert_eq!(stored(&mock).await, json!([]));
    send(2).await.assert_error(
        422,
        "Idempotency-Key has already been used with a different request",
    );
}

#[tokio::test]
async fn fixtures_hold_them_for_instagram_only() {
    let mock = Mock::start().await;
    let question = IceBreaker {
        question: "Hi?".into(),
        payload: "hi".into(),
    };
    let mut profile = common::profile("prof_x", Platform::Twitter);
    profile.ice_breakers = vec![question.clone()];
    let (status, error) = refused(mock.add_profile("grp789ghi", &profile).await);
    assert_eq!(
        (status, error.as_str()),
        (
            422,
            "profile.ice_breakers: twitter profiles have no ice breakers"
        )
    );
    profile.platform = Platform::Instagram;
    profile.ice_breakers = vec![question.clone(); 5];
    let (status, error) = refused(mock.add_profile("grp789ghi", &profile).await);
    assert_eq!(
        (status, error.as_str()),
        (422, "profile.ice_breakers: 1 to 4 items, not 5")
    );
    profile.ice_breakers = vec![question];
    mock.add_profile("grp789ghi", &profile).await.unwrap();
    let got = mock.get("/api/profiles/prof_x/ice_breakers", FULL).await;
    assert_eq!(
        got.assert_ok()["ice_breakers"],
        json!([{"question": "Hi?", "payload": "hi"}])
    );
}
