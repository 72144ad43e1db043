//! The reference's examples, served verbatim by the demo data: profiles, placements, stats and
//! groups.

use crate::common;

use common::{spec_example, Mock, FULL};
use serde_json::json;

#[tokio::test]
async fn list_profiles_contains_the_reference_example_verbatim() {
    let mock = Mock::start().await;
    let example = spec_example("/api/profiles", "get", "200");
    let reply = mock
        .get("/api/profiles?profile_group_id=grp456xyz", FULL)
        .await;
    let served = reply.assert_ok()["data"].as_array().unwrap().clone();
    for profile in example["data"].as_array().unwrap() {
        assert!(served.contains(profile), "not served verbatim: {profile}");
    }
}

#[tokio::test]
async fn get_profile_reproduces_the_reference_example_with_summary_stats() {
    let mock = Mock::start().await;
    let example = spec_example("/api/profiles/{id}", "get", "200");
    assert_eq!(example["id"], "prof_li_001");
    let reply = mock.get("/api/profiles/prof_li_001", FULL).await;
    assert_eq!(reply.assert_ok(), &example);
    assert_eq!(
        reply.body["summary_stats"],
        json!({
            "stats": {
                "followerCount": 5767, "shareCount": 14, "likeCount": 121,
                "allPageViews": 15828, "overviewPageViews": 6348, "aboutPageViews": 1533,
                "careersPageViews": 1378, "peoplePageViews": 3370, "insightsPageViews": 99
            },
            "recorded_at": "2026-05-11T08:00:01Z"
        })
    );
}

#[tokio::test]
async fn placements_reproduce_the_reference_example() {
    let mock = Mock::start().await;
    let example = spec_example("/api/profiles/{id}/placements", "get", "200");
    let reply = mock.get("/api/profiles/prof_li_001/placements", FULL).await;
    assert_eq!(reply.assert_ok(), &example);
}

#[tokio::test]
async fn stats_reproduce_the_reference_example_query() {
    let mock = Mock::start().await;
    let example = spec_example("/api/profiles/{id}/stats", "get", "200");
    let reply = mock
        .get(
            "/api/profiles/prof_li_001/stats?placement_id=108520199&from=2026-04-01T00%3A00%3A00Z",
            FULL,
        )
        .await;
    let body = reply.assert_ok();
    assert_eq!(body["data"]["profile_id"], "prof_li_001");
    assert_eq!(body["data"]["platform"], "linkedin");
    assert_eq!(body["data"]["placement_id"], "108520199");
    let served = body["data"]["records"].as_array().unwrap();
    let expected = example["data"]["records"].as_array().unwrap();
    assert_eq!(served.len(), expected.len());
    for (served, expected) in served.iter().zip(expected) {
        assert_eq!(served["recorded_at"], expected["recorded_at"]);
        // Every key of the example record is served with its value. The last record also has
        // the five page-view keys the get-profile example shows for the same snapshot.
        for (key, value) in expected["stats"].as_object().unwrap() {
            assert_eq!(&served["stats"][key], value, "{key}");
        }
    }
    assert_eq!(served[0], expected[0]);
    assert_eq!(served[1], expected[1]);
}

#[tokio::test]
async fn groups_reproduce_the_reference_examples() {
    let mock = Mock::start().await;
    let example = spec_example("/api/profile_groups", "get", "200");
    let served = mock.get("/api/profile_groups", FULL).await;
    let served = served.assert_ok()["data"].as_array().unwrap().clone();
    for group in example["data"].as_array().unwrap() {
        assert!(served.contains(group), "not served verbatim: {group}");
    }
    let example = spec_example("/api/profile_groups/{id}", "get", "200");
    let reply = mock.get("/api/profile_groups/grp123abc", FULL).await;
    assert_eq!(reply.assert_ok(), &example);
}
