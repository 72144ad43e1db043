//! Every operation of the mock over HTTP: auth, scoping, profile resolution, stats, groups,
//! connections, idempotency, compatibility and bad input.

use crate::common;

use common::{ids, spec_example, Mock, FULL, SCOPED};
use reqwest::Method;
use serde_json::{json, Value};

// ---------------------------------------------------------------- authentication

/// One request per operation, each valid apart from its credentials.
const EVERY_OPERATION: [(&str, &str, Option<&str>); 10] = [
    ("GET", "/api/profiles", None),
    ("GET", "/api/profiles/prof123abc", None),
    ("DELETE", "/api/profiles/prof123abc", None),
    ("GET", "/api/profiles/prof123abc/placements", None),
    ("GET", "/api/profiles/prof654jkl/stats", None),
    ("GET", "/api/profile_groups", None),
    ("POST", "/api/profile_groups", Some(r#"{"name": "New"}"#)),
    ("GET", "/api/profile_groups/grp123abc", None),
    ("DELETE", "/api/profile_groups/grp123abc", None),
    (
        "POST",
        "/api/profile_groups/grp123abc/initialize_connection",
        Some(r#"{"platform": "instagram", "redirect_url": "https://example.com/cb"}"#),
    ),
];

async fn every_operation_with(mock: &Mock, headers: &[(&str, &str)]) -> Vec<(String, u16, Value)> {
    let mut replies = Vec::new();
    for (method, path, body) in EVERY_OPERATION {
        let reply = mock
            .raw(
                method.parse::<Method>().unwrap(),
                path,
                None,
                body.map(|b| b.as_bytes().to_vec()),
                headers,
            )
            .await;
        replies.push((format!("{method} {path}"), reply.status, reply.body));
    }
    replies
}

fn all_invalid_api_key(replies: Vec<(String, u16, Value)>) {
    for (request, status, body) in replies {
        assert_eq!(
            (status, body),
            (401, json!({"error": "Invalid API key"})),
            "{request}"
        );
    }
}

#[tokio::test]
async fn every_operation_without_a_key_is_401() {
    let mock = Mock::start().await;
    all_invalid_api_key(every_operation_with(&mock, &[]).await);
    // Nothing changed.
    assert_eq!(mock.group_ids(FULL).await.len(), 4);
    assert_eq!(mock.profiles_count("grp123abc").await, 5);
}

#[tokio::test]
async fn every_operation_with_an_unknown_key_is_401() {
    let mock = Mock::start().await;
    all_invalid_api_key(
        every_operation_with(&mock, &[("authorization", "Bearer pp_not_a_key")]).await,
    );
}

#[tokio::test]
async fn malformed_authorization_headers_are_401() {
    let mock = Mock::start().await;
    for value in [
        format!("Basic {}", postproxy_mock_server::DEMO_FULL_ACCESS_KEY),
        "Bearer".to_string(),
        postproxy_mock_server::DEMO_FULL_ACCESS_KEY.to_string(),
    ] {
        let reply = mock
            .raw(
                Method::GET,
                "/api/profile_groups",
                None,
                None,
                &[("authorization", &value)],
            )
            .await;
        reply.assert_error(401, "Invalid API key");
    }
}

// ---------------------------------------------------------------- scoping

#[tokio::test]
async fn full_access_key_sees_every_group_and_profile() {
    let mock = Mock::start().await;
    assert_eq!(
        mock.group_ids(FULL).await,
        ["grp456xyz", "grp123abc", "grp456def", "grp789ghi"]
    );
    assert_eq!(mock.profile_ids(FULL).await.len(), 15);
}

#[tokio::test]
async fn scoped_key_sees_only_its_group() {
    let mock = Mock::start().await;
    assert_eq!(mock.group_ids(SCOPED).await, ["grp456def"]);
    assert_eq!(
        mock.profile_ids(SCOPED).await,
        ["prof_tg_001", "prof_fb_001", "prof_gb_001"]
    );
    let own = mock.get("/api/profile_groups/grp456def", SCOPED).await;
    assert_eq!(
        own.assert_ok(),
        &json!({"id": "grp456def", "name": "Client Project", "profiles_count": 3})
    );
}

#[tokio::test]
async fn scoped_key_gets_404_for_other_groups_and_their_profiles() {
    let mock = Mock::start().await;
    for path in [
        "/api/profile_groups/grp123abc",
        "/api/profiles?profile_group_id=grp123abc",
        "/api/profiles/prof123abc",
        "/api/profiles/prof123abc/placements",
        "/api/profiles/prof654jkl/stats",
    ] {
        mock.get(path, SCOPED).await.assert_error(404, "Not found");
    }
    mock.delete("/api/profiles/prof123abc", SCOPED)
        .await
        .assert_error(404, "Not found");
    mock.post(
        "/api/profile_groups/grp123abc/initialize_connection",
        SCOPED,
        json!({"platform": "instagram", "redirect_url": "https://example.com/cb"}),
    )
    .await
    .assert_error(404, "Not found");
    // The profile the scoped key tried to delete is still there.
    mock.get("/api/profiles/prof123abc", FULL).await.assert_ok();
}

#[tokio::test]
async fn scoped_key_cannot_create_or_delete_groups() {
    let mock = Mock::start().await;
    mock.post(
        "/api/profile_groups",
        SCOPED,
        json!({"profile_group": {"name": "Mine"}}),
    )
    .await
    .assert_error(422, "Your API key has no such permission");
    for group in ["grp456def", "grp123abc", "grp_does_not_exist"] {
        mock.delete(&format!("/api/profile_groups/{group}"), SCOPED)
            .await
            .assert_error(422, "Your API key has no such permission");
    }
    assert_eq!(mock.group_ids(FULL).await.len(), 4);
    assert_eq!(mock.profiles_count("grp456def").await, 3);
}

#[tokio::test]
async fn scoped_key_can_use_its_own_profiles() {
    let mock = Mock::start().await;
    mock.get("/api/profiles/prof_tg_001/placements", SCOPED)
        .await
        .assert_ok();
    mock.post(
        "/api/profile_groups/grp456def/initialize_connection",
        SCOPED,
        json!({"platform": "instagram", "redirect_url": "https://example.com/cb"}),
    )
    .await
    .assert_ok();
    mock.delete("/api/profiles/prof_fb_001", SCOPED)
        .await
        .assert_ok();
    assert_eq!(mock.profiles_count("grp456def").await, 2);
}

// ---------------------------------------------------------------- profile resolution

#[tokio::test]
async fn profile_group_id_restricts_resolution() {
    let mock = Mock::start().await;
    for suffix in ["", "/placements"] {
        let path = format!("/api/profiles/prof_li_001{suffix}");
        mock.get(&format!("{path}?profile_group_id=grp456xyz"), FULL)
            .await
            .assert_ok();
        mock.get(&format!("{path}?profile_group_id=grp123abc"), FULL)
            .await
            .assert_error(404, "Not found");
        // An empty value (what Python sends for an empty default) means "not given".
        mock.get(&format!("{path}?profile_group_id="), FULL)
            .await
            .assert_ok();
    }
    mock.get(
        "/api/profiles/prof_li_001/stats?placement_id=108520199&profile_group_id=grp789ghi",
        FULL,
    )
    .await
    .assert_error(404, "Not found");
    mock.delete("/api/profiles/prof_li_001?profile_group_id=grp123abc", FULL)
        .await
        .assert_error(404, "Not found");
    mock.get("/api/profiles/prof_li_001", FULL)
        .await
        .assert_ok();
}

#[tokio::test]
async fn list_profiles_filters_by_group() {
    let mock = Mock::start().await;
    let reply = mock
        .get("/api/profiles?profile_group_id=grp789ghi", FULL)
        .await;
    assert_eq!(ids(reply.assert_ok()), ["prof_ig_001", "prof_bs_002"]);
    mock.get("/api/profiles?profile_group_id=grp_nope", FULL)
        .await
        .assert_error(404, "Not found");
}

#[tokio::test]
async fn profile_group_id_on_profile_groups_is_ignored() {
    let mock = Mock::start().await;
    let reply = mock
        .get("/api/profile_groups?profile_group_id=grp789ghi", FULL)
        .await;
    assert_eq!(ids(reply.assert_ok()).len(), 4);
    mock.get(
        "/api/profile_groups/grp123abc?profile_group_id=grp789ghi",
        FULL,
    )
    .await
    .assert_ok();
}

#[tokio::test]
async fn unknown_profile_is_404() {
    let mock = Mock::start().await;
    mock.get("/api/profiles/prof_nope", FULL)
        .await
        .assert_error(404, "Not found");
}

// ---------------------------------------------------------------- reference examples

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

// ---------------------------------------------------------------- get profile

#[tokio::test]
async fn non_placement_network_has_one_latest_entry_and_no_summary() {
    let mock = Mock::start().await;
    let reply = mock.get("/api/profiles/prof654jkl", FULL).await;
    let body = reply.assert_ok();
    assert_eq!(
        body["latest_stats"],
        json!([{
            "placement_id": null,
            "stats": {"followers_count": 12900, "following_count": 412, "tweet_count": 3395,
                      "listed_count": 57, "like_count": 1893},
            "recorded_at": "2026-05-11T08:00:00Z"
        }])
    );
    assert_eq!(body["summary_stats"], Value::Null);
}

#[tokio::test]
async fn never_polled_profile_has_empty_latest_stats() {
    let mock = Mock::start().await;
    let reply = mock.get("/api/profiles/prof_gb_001", FULL).await;
    let body = reply.assert_ok();
    assert_eq!(body["latest_stats"], json!([]));
    assert_eq!(body["summary_stats"], Value::Null);
    assert_eq!(body["avatar_url"], Value::Null);
}

#[tokio::test]
async fn telegram_summary_sums_numbers_and_drops_text() {
    let mock = Mock::start().await;
    let reply = mock.get("/api/profiles/prof_tg_001", FULL).await;
    let body = reply.assert_ok();
    assert_eq!(body["latest_stats"].as_array().unwrap().len(), 2);
    assert_eq!(
        body["latest_stats"][0]["stats"]["channel_title"],
        "Acme News"
    );
    assert_eq!(
        body["summary_stats"],
        json!({
            "stats": {"followers_count": 5160 + 868},
            "recorded_at": "2026-05-11T08:00:02Z"
        })
    );
}

#[tokio::test]
async fn expired_and_inactive_profiles_are_served() {
    let mock = Mock::start().await;
    let expired = mock.get("/api/profiles/prof789def", FULL).await;
    assert_eq!(expired.assert_ok()["status"], "expired");
    assert_eq!(expired.body["expires_at"], "2024-03-15T00:00:00.000Z");
    let inactive = mock.get("/api/profiles/prof321ghi", FULL).await;
    assert_eq!(inactive.assert_ok()["status"], "inactive");
}

#[tokio::test]
async fn every_platform_is_covered_by_the_demo_data() {
    let mock = Mock::start().await;
    let reply = mock.get("/api/profiles", FULL).await;
    let mut platforms: Vec<String> = reply.assert_ok()["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["platform"].as_str().unwrap().to_string())
        .collect();
    platforms.sort();
    platforms.dedup();
    assert_eq!(platforms.len(), 11, "{platforms:?}");
}

// ---------------------------------------------------------------- placements

#[tokio::test]
async fn placements_of_a_network_without_them_is_422() {
    let mock = Mock::start().await;
    let reply = mock.get("/api/profiles/prof654jkl/placements", FULL).await;
    assert_eq!(reply.status, 422);
    assert!(
        reply
            .error()
            .starts_with("Placements are not available for twitter profiles"),
        "{}",
        reply.error()
    );
}

#[tokio::test]
async fn google_business_placements_are_location_paths() {
    let mock = Mock::start().await;
    let reply = mock.get("/api/profiles/prof_gb_001/placements", FULL).await;
    assert_eq!(
        ids(reply.assert_ok()),
        [
            "accounts/123456789/locations/987654321",
            "accounts/123456789/locations/987654322"
        ]
    );
}

// ---------------------------------------------------------------- stats

#[tokio::test]
async fn stats_require_placement_id_on_placement_networks() {
    let mock = Mock::start().await;
    for (profile, platform) in [
        ("prof_li_001", "linkedin"),
        ("prof_tg_001", "telegram"),
        ("prof123abc", "facebook"),
    ] {
        for query in ["", "?placement_id="] {
            mock.get(&format!("/api/profiles/{profile}/stats{query}"), FULL)
                .await
                .assert_error(
                    400,
                    &format!("placement_id is required for {platform} profiles"),
                );
        }
    }
}

#[tokio::test]
async fn stats_of_an_unknown_placement_is_404() {
    let mock = Mock::start().await;
    let reply = mock
        .get("/api/profiles/prof_li_001/stats?placement_id=999", FULL)
        .await;
    assert_eq!(reply.status, 404);
    reply.error();
}

#[tokio::test]
async fn stats_are_ascending_per_placement_and_echo_it() {
    let mock = Mock::start().await;
    let reply = mock
        .get(
            "/api/profiles/prof_li_001/stats?placement_id=110131347",
            FULL,
        )
        .await;
    let data = &reply.assert_ok()["data"];
    assert_eq!(data["placement_id"], "110131347");
    let times: Vec<&str> = data["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["recorded_at"].as_str().unwrap())
        .collect();
    assert_eq!(
        times,
        [
            "2026-05-09T08:00:01Z",
            "2026-05-10T08:00:01Z",
            "2026-05-11T08:00:01Z"
        ]
    );
    // Without a window the older snapshot of the other placement is included, first.
    let all = mock
        .get(
            "/api/profiles/prof_li_001/stats?placement_id=108520199",
            FULL,
        )
        .await;
    let records = all.assert_ok()["data"]["records"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(records.len(), 4);
    assert_eq!(records[0]["recorded_at"], "2026-03-20T08:00:00Z");
}

#[tokio::test]
async fn stats_of_other_networks_ignore_placement_id() {
    let mock = Mock::start().await;
    let reply = mock
        .get("/api/profiles/prof654jkl/stats?placement_id=123", FULL)
        .await;
    let data = &reply.assert_ok()["data"];
    assert_eq!(data["placement_id"], Value::Null);
    assert_eq!(data["platform"], "twitter");
    assert_eq!(data["records"].as_array().unwrap().len(), 3);
}

#[tokio::test]
async fn stats_window_bounds_are_inclusive_and_offset_aware() {
    let mock = Mock::start().await;
    let count = |query: &'static str| {
        let mock = &mock;
        async move {
            let reply = mock
                .get(&format!("/api/profiles/prof654jkl/stats?{query}"), FULL)
                .await;
            reply.assert_ok()["data"]["records"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r["recorded_at"].as_str().unwrap().to_string())
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(
        count("from=2026-05-10T08:00:00Z&to=2026-05-10T08:00:00Z").await,
        ["2026-05-10T08:00:00Z"]
    );
    assert_eq!(
        count("from=2026-05-10T10%3A00%3A00%2B02%3A00").await,
        ["2026-05-10T08:00:00Z", "2026-05-11T08:00:00Z"]
    );
    assert_eq!(
        count("to=2026-05-10T07:59:59Z").await,
        ["2026-05-09T08:00:00Z"]
    );
    assert!(count("from=2026-05-12T00:00:00Z").await.is_empty());
    assert!(count("from=2026-05-11T00:00:00Z&to=2026-05-10T00:00:00Z")
        .await
        .is_empty());
}

#[tokio::test]
async fn malformed_stats_timestamps_are_400_naming_the_parameter() {
    let mock = Mock::start().await;
    for (query, name) in [
        ("from=yesterday", "from"),
        ("to=2026-13-01T00:00:00Z", "to"),
        ("from=2026-05-10", "from"),
        // Empty is malformed too, not a missing bound (schemathesis found it accepted).
        ("to=&from=2000-01-07T02%3A23%3A24%2B00%3A00", "to"),
        ("from=", "from"),
    ] {
        mock.get(&format!("/api/profiles/prof654jkl/stats?{query}"), FULL)
            .await
            .assert_error(
                400,
                &format!("Invalid {name}: expected an ISO 8601 timestamp"),
            );
    }
}

// ---------------------------------------------------------------- delete profile

#[tokio::test]
async fn delete_profile_then_404_and_count_drops() {
    let mock = Mock::start().await;
    assert_eq!(mock.profiles_count("grp456xyz").await, 5);
    let reply = mock.delete("/api/profiles/prof123abc", FULL).await;
    assert_eq!((reply.status, reply.body), (200, json!({"success": true})));
    assert_eq!(mock.profiles_count("grp456xyz").await, 4);
    mock.get("/api/profiles/prof123abc", FULL)
        .await
        .assert_error(404, "Not found");
    mock.delete("/api/profiles/prof123abc", FULL)
        .await
        .assert_error(404, "Not found");
    assert!(!mock
        .profile_ids(FULL)
        .await
        .contains(&"prof123abc".to_string()));
}

// ---------------------------------------------------------------- groups

#[tokio::test]
async fn create_list_get_delete_group() {
    let mock = Mock::start().await;
    let created = mock
        .post(
            "/api/profile_groups",
            FULL,
            json!({"profile_group": {"name": "New Client Project"}}),
        )
        .await;
    assert_eq!(created.status, 201);
    let id = created.body["id"].as_str().unwrap().to_string();
    assert!(id.starts_with("grp_"), "{id}");
    assert_eq!(
        created.body,
        json!({"id": id, "name": "New Client Project", "profiles_count": 0})
    );
    assert_eq!(mock.group_ids(FULL).await.last(), Some(&id));
    let fetched = mock.get(&format!("/api/profile_groups/{id}"), FULL).await;
    assert_eq!(fetched.assert_ok(), &created.body);
    // A scoped key of the same account does not see it.
    mock.get(&format!("/api/profile_groups/{id}"), SCOPED)
        .await
        .assert_error(404, "Not found");

    let deleted = mock
        .delete(&format!("/api/profile_groups/{id}"), FULL)
        .await;
    assert_eq!(
        (deleted.status, deleted.body),
        (200, json!({"deleted": true}))
    );
    mock.get(&format!("/api/profile_groups/{id}"), FULL)
        .await
        .assert_error(404, "Not found");
    mock.delete(&format!("/api/profile_groups/{id}"), FULL)
        .await
        .assert_error(404, "Not found");
    assert_eq!(mock.group_ids(FULL).await.len(), 4);
}

#[tokio::test]
async fn create_group_accepts_the_flat_body_and_prefers_the_nested_name() {
    let mock = Mock::start().await;
    let flat = mock
        .post("/api/profile_groups", FULL, json!({"name": "Flat"}))
        .await;
    assert_eq!((flat.status, &flat.body["name"]), (201, &json!("Flat")));
    let both = mock
        .post(
            "/api/profile_groups",
            FULL,
            json!({"name": "Flat", "profile_group": {"name": "Nested"}, "extra": 1}),
        )
        .await;
    assert_eq!((both.status, &both.body["name"]), (201, &json!("Nested")));
    assert_ne!(flat.body["id"], both.body["id"]);
}

#[tokio::test]
async fn create_group_with_a_blank_or_missing_name_is_422() {
    let mock = Mock::start().await;
    for body in [
        json!({}),
        json!({"name": ""}),
        json!({"name": "   "}),
        json!({"profile_group": {}}),
        json!({"profile_group": {"name": ""}}),
        json!({"profile_group": {"name": "\t"}, "name": "fallback is not used"}),
    ] {
        mock.post("/api/profile_groups", FULL, body)
            .await
            .assert_error(422, "Name can't be blank");
    }
    assert_eq!(mock.group_ids(FULL).await.len(), 4);
}

#[tokio::test]
async fn delete_group_removes_its_profiles() {
    let mock = Mock::start().await;
    let before = mock.profile_ids(FULL).await.len();
    mock.delete("/api/profile_groups/grp456xyz", FULL)
        .await
        .assert_ok();
    for profile in ["prof123abc", "prof_li_001"] {
        mock.get(&format!("/api/profiles/{profile}"), FULL)
            .await
            .assert_error(404, "Not found");
    }
    assert_eq!(mock.profile_ids(FULL).await.len(), before - 5);
    mock.get("/api/profiles?profile_group_id=grp456xyz", FULL)
        .await
        .assert_error(404, "Not found");
}

#[tokio::test]
async fn new_ids_are_deterministic_per_seed() {
    async fn created_ids(seed: u64) -> Vec<String> {
        let server = postproxy_mock_server::MockServer::builder()
            .seed(seed)
            .start()
            .await
            .unwrap();
        let mock = Mock::with(server);
        let mut out = Vec::new();
        for name in ["a", "b", "c"] {
            let reply = mock
                .post("/api/profile_groups", FULL, json!({"name": name}))
                .await;
            out.push(reply.body["id"].as_str().unwrap().to_string());
        }
        let reply = mock
            .post(
                "/api/profile_groups/grp123abc/initialize_connection",
                FULL,
                json!({"platform": "instagram", "redirect_url": "https://example.com"}),
            )
            .await;
        let url = reply.body["url"].as_str().unwrap();
        out.push(url.rsplit('/').next().unwrap().to_string());
        out
    }
    let first = created_ids(7).await;
    assert_eq!(first, created_ids(7).await);
    assert_ne!(first, created_ids(8).await);
    let unique: std::collections::HashSet<_> = first.iter().collect();
    assert_eq!(unique.len(), first.len());
}

// ---------------------------------------------------------------- initialize_connection

const INIT: &str = "/api/profile_groups/grp123abc/initialize_connection";

#[tokio::test]
async fn initialize_connection_errors() {
    let mock = Mock::start().await;
    let cases = [
        (
            json!({"redirect_url": "https://x.test/cb"}),
            "Missing platform",
        ),
        (
            json!({"platform": "", "redirect_url": "https://x.test/cb"}),
            "Missing platform",
        ),
        (json!({"platform": "instagram"}), "Missing redirect_url"),
        (
            json!({"platform": "instagram", "redirect_url": ""}),
            "Missing redirect_url",
        ),
        // grp123abc already has a threads profile.
        (
            json!({"platform": "threads", "redirect_url": "https://x.test/cb"}),
            "Platform already connected",
        ),
    ];
    for (body, message) in cases {
        mock.post(INIT, FULL, body).await.assert_error(422, message);
    }
    // bluesky and telegram connect with credentials (tests/node_sdk_connections.rs): a
    // redirect_url does not stand in for them.
    for (platform, message) in [
        ("bluesky", "Missing identifier"),
        ("telegram", "Missing bot_token"),
    ] {
        mock.post(
            INIT,
            FULL,
            json!({"platform": platform, "redirect_url": "https://x.test/cb"}),
        )
        .await
        .assert_error(422, message);
    }
    for platform in ["pinterest", "google_business", "myspace"] {
        let reply = mock
            .post(
                INIT,
                FULL,
                json!({"platform": platform, "redirect_url": "https://x.test/cb"}),
            )
            .await;
        assert_eq!(reply.status, 422);
        assert!(
            reply
                .error()
                .starts_with(&format!("Unsupported platform: {platform}.")),
            "{}",
            reply.error()
        );
    }
    mock.post(
        "/api/profile_groups/grp_nope/initialize_connection",
        FULL,
        json!({"platform": "instagram", "redirect_url": "https://x.test/cb"}),
    )
    .await
    .assert_error(404, "Not found");
}

#[tokio::test]
async fn initialize_connection_returns_a_unique_url_on_this_mock() {
    let mock = Mock::start().await;
    let body = json!({
        "platform": "instagram",
        "redirect_url": "https://myapp.com/oauth/callback",
        "onboarding": "api",
        "force_no_redirect": false,
        "unknown_field": [1, 2]
    });
    let first = mock.post(INIT, FULL, body.clone()).await;
    let second = mock.post(INIT, FULL, body).await;
    let prefix = format!("{}/connect/", mock.server.base_url());
    let urls: Vec<&str> = [&first, &second]
        .iter()
        .map(|r| {
            assert_eq!(r.assert_ok()["success"], true);
            r.body["url"].as_str().unwrap()
        })
        .collect();
    assert!(urls.iter().all(|u| u.starts_with(&prefix)), "{urls:?}");
    assert_ne!(urls[0], urls[1]);
    // The URL is real: it is the consent page of the pending invitation.
    let page = mock.http.get(urls[0]).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("Connect your instagram account"), "{html}");
    assert!(html.contains("Main Brand"), "the group's name: {html}");
    assert!(html.contains("https://myapp.com/oauth/callback"), "{html}");
    let unknown = mock
        .http
        .get(format!("{}/connect/inv_unknown", mock.server.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status(), 404);
}

#[tokio::test]
async fn refresh_connection_reconnects_an_existing_platform() {
    let mock = Mock::start().await;
    let control = mock.server.control();
    let account = mock.server.demo_account_id();
    // The group's threads profile has expired; a refresh reconnects that very profile.
    let patch = postproxy_mock_server::control::ProfilePatch {
        status: Some(postproxy_models::ProfileStatus::Expired),
        ..Default::default()
    };
    control
        .patch_profile(account, "prof_th_001", &patch)
        .await
        .unwrap();
    let reply = mock
        .post(
            INIT,
            FULL,
            json!({"platform": "threads", "redirect_url": "https://x.test/cb", "refresh_connection": true}),
        )
        .await;
    let url = reply.assert_ok()["url"].as_str().unwrap().to_string();
    let token = url.rsplit('/').next().unwrap();
    let outcome = control.authorize_connection(account, token).await.unwrap();
    let profile = outcome.profile.unwrap();
    assert_eq!(
        profile.id, "prof_th_001",
        "the existing profile, not a new one"
    );
    assert!(outcome.redirect_to.contains("profile_id=prof_th_001"));
    let now = mock.get("/api/profiles/prof_th_001", FULL).await;
    assert_eq!(now.body["status"], "active");
    assert!(now.body["expires_at"].is_string(), "a fresh token lifetime");
    let group = mock.get("/api/profile_groups/grp123abc", FULL).await;
    assert_eq!(group.body["profiles_count"], 5, "no profile added");
}

// ---------------------------------------------------------------- idempotency

#[tokio::test]
async fn idempotent_create_group_replays_and_rejects_a_different_body() {
    let mock = Mock::start().await;
    let send = |name: &'static str, key: &'static str| {
        let mock = &mock;
        async move {
            let body = serde_json::to_vec(&json!({"name": name})).unwrap();
            mock.raw(
                Method::POST,
                "/api/profile_groups",
                FULL,
                Some(body),
                &[("idempotency-key", key)],
            )
            .await
        }
    };
    let first = send("Once", "key-1").await;
    let again = send("Once", "key-1").await;
    assert_eq!(first.status, 201);
    assert_eq!((again.status, &again.body), (201, &first.body));
    assert_eq!(mock.group_ids(FULL).await.len(), 5);
    send("Other", "key-1").await.assert_error(
        422,
        "Idempotency-Key has already been used with a different request",
    );
    let other_key = send("Once", "key-2").await;
    assert_eq!(other_key.status, 201);
    assert_ne!(other_key.body["id"], first.body["id"]);
    assert_eq!(mock.group_ids(FULL).await.len(), 6);
}

#[tokio::test]
async fn idempotent_delete_profile_replays_success() {
    let mock = Mock::start().await;
    let delete = |path: &'static str| {
        let mock = &mock;
        async move {
            mock.raw(
                Method::DELETE,
                path,
                FULL,
                None,
                &[("Idempotency-Key", "del-1")],
            )
            .await
        }
    };
    let first = delete("/api/profiles/prof123abc").await;
    let again = delete("/api/profiles/prof123abc").await;
    assert_eq!(
        (first.status, &first.body),
        (200, &json!({"success": true}))
    );
    assert_eq!(
        (again.status, &again.body),
        (200, &json!({"success": true}))
    );
    // Without the key the profile is gone.
    mock.delete("/api/profiles/prof123abc", FULL)
        .await
        .assert_error(404, "Not found");
    delete("/api/profiles/prof654jkl").await.assert_error(
        422,
        "Idempotency-Key has already been used with a different request",
    );
    mock.get("/api/profiles/prof654jkl", FULL).await.assert_ok();
}

#[tokio::test]
async fn failed_requests_are_not_replayed() {
    let mock = Mock::start().await;
    let send = |body: Value| {
        let mock = &mock;
        async move {
            mock.raw(
                Method::POST,
                "/api/profile_groups",
                FULL,
                Some(serde_json::to_vec(&body).unwrap()),
                &[("Idempotency-Key", "retry-me")],
            )
            .await
        }
    };
    send(json!({"name": ""}))
        .await
        .assert_error(422, "Name can't be blank");
    assert_eq!(send(json!({"name": "Fixed"})).await.status, 201);
}

#[tokio::test]
async fn too_long_idempotency_key_is_400() {
    let mock = Mock::start().await;
    let key = "k".repeat(256);
    let reply = mock
        .raw(
            Method::DELETE,
            "/api/profile_groups/grp789ghi",
            FULL,
            None,
            &[("Idempotency-Key", &key)],
        )
        .await;
    assert_eq!(reply.status, 400);
    assert!(!reply.error().contains(&key));
    assert_eq!(mock.group_ids(FULL).await.len(), 4);
}

// ---------------------------------------------------------------- compatibility

#[tokio::test]
async fn trailing_slashes_are_accepted() {
    let mock = Mock::start().await;
    assert_eq!(
        ids(mock.get("/api/profile_groups/", FULL).await.assert_ok()).len(),
        4
    );
    let reply = mock.get("/api/profiles/prof_li_001/", FULL).await;
    assert_eq!(reply.assert_ok()["id"], "prof_li_001");
    let reply = mock
        .get("/api/profiles/?profile_group_id=grp789ghi", FULL)
        .await;
    assert_eq!(ids(reply.assert_ok()).len(), 2);
    let created = mock
        .post("/api/profile_groups/", FULL, json!({"name": "Slash"}))
        .await;
    assert_eq!(created.status, 201);
}

#[tokio::test]
async fn content_type_on_get_and_delete_and_unknown_query_parameters_are_accepted() {
    let mock = Mock::start().await;
    let headers = [("content-type", "application/json")];
    mock.raw(
        Method::GET,
        "/api/profiles?foo=bar&page=2",
        FULL,
        None,
        &headers,
    )
    .await
    .assert_ok();
    mock.raw(
        Method::DELETE,
        "/api/profiles/prof654jkl",
        FULL,
        None,
        &headers,
    )
    .await
    .assert_ok();
}

// ---------------------------------------------------------------- bad input

#[tokio::test]
async fn malformed_json_is_400_and_changes_nothing() {
    let mock = Mock::start().await;
    for body in [
        &b"{\"name\": "[..],
        b"not json",
        b"{\"name\": 5}",
        b"[]",
        b"",
    ] {
        let reply = mock
            .raw(
                Method::POST,
                "/api/profile_groups",
                FULL,
                Some(body.to_vec()),
                &[],
            )
            .await;
        assert_eq!(reply.status, 400, "{body:?}");
        assert_eq!(
            reply.headers["content-type"], "application/json",
            "{body:?}"
        );
        reply.error();
    }
    let reply = mock
        .raw(
            Method::POST,
            INIT,
            FULL,
            Some(b"{\"platform\": true}".to_vec()),
            &[],
        )
        .await;
    assert_eq!(reply.status, 400);
    assert_eq!(mock.group_ids(FULL).await.len(), 4);
}

/// Found by schemathesis (negative data accepted): `"name": null` created a group and
/// `"force_no_redirect": null` an invitation, because serde reads a `null` into an `Option` as
/// an absent field. No request field of the spec is nullable, so a `null` is a wrong type.
#[tokio::test]
async fn null_for_a_documented_body_field_is_400_naming_it() {
    let mock = Mock::start().await;
    for (body, field) in [
        (
            json!({"profile_group": {"name": "A"}, "name": null}),
            "name",
        ),
        (json!({"name": "A", "profile_group": null}), "profile_group"),
        (
            json!({"profile_group": {"name": null}}),
            "profile_group.name",
        ),
    ] {
        let reply = mock.post("/api/profile_groups", FULL, body.clone()).await;
        assert_eq!(reply.status, 400, "{body}");
        let message = reply.error();
        assert!(
            message.contains(&format!("at {field}:")) && message.contains("null"),
            "{body}: {message}"
        );
    }
    assert_eq!(mock.group_ids(FULL).await.len(), 4);
    for field in [
        "platform",
        "redirect_url",
        "identifier",
        "app_password",
        "bot_token",
        "onboarding",
        "refresh_connection",
        "force_no_redirect",
    ] {
        let mut body = json!({"platform": "instagram", "redirect_url": "https://example.com/cb"});
        body[field] = Value::Null;
        let reply = mock.post(INIT, FULL, body).await;
        assert_eq!(reply.status, 400, "{field}");
        assert!(reply.error().contains(field), "{field}");
    }
    // A null in a field the spec does not know is ignored, like the field.
    let created = mock
        .post(
            "/api/profile_groups",
            FULL,
            json!({"profile_group": {"name": "A", "color": null}, "extra": null}),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.body);
    let body =
        json!({"platform": "instagram", "redirect_url": "https://example.com/cb", "chat_id": null});
    let connected = mock.post(INIT, FULL, body).await;
    assert_eq!(connected.status, 200, "{}", connected.body);
}

#[tokio::test]
async fn unknown_route_and_wrong_method() {
    let mock = Mock::start().await;
    mock.get("/api/nothing", FULL)
        .await
        .assert_error(404, "Not found");
    let reply = mock
        .raw(Method::PUT, "/api/profile_groups", FULL, None, &[])
        .await;
    reply.assert_error(405, "Method not allowed");
    let allow = reply.headers["allow"].to_str().unwrap();
    assert!(allow.contains("GET") && allow.contains("POST"), "{allow}");
}

#[tokio::test]
async fn body_over_one_mib_is_413() {
    let mock = Mock::start().await;
    let mut body = b"{\"name\": \"".to_vec();
    body.extend(std::iter::repeat_n(b'a', 1024 * 1024 + 1));
    body.extend(b"\"}");
    let reply = mock
        .raw(Method::POST, "/api/profile_groups", FULL, Some(body), &[])
        .await;
    assert_eq!(reply.status, 413);
    reply.error();
    assert_eq!(mock.group_ids(FULL).await.len(), 4);
}

/// A body must be a JSON object: serde would read a struct from an array by position, so
/// `["FromArray", {}]` once created a group named "FromArray".
#[tokio::test]
async fn a_body_that_is_not_an_object_is_400_naming_it() {
    let mock = Mock::start().await;
    let cases = [
        (r#"["FromArray", {}]"#, "an array"),
        (r#"[{"name": "x"}]"#, "an array"),
        (r#""FromString""#, "a string"),
        ("42", "a number"),
        ("true", "a boolean"),
        ("null", "null"),
    ];
    let paths = [
        "/api/profile_groups",
        "/api/profile_groups/grp123abc/initialize_connection",
        // The control API reads its bodies the same way.
        "/__mock/accounts",
        "/__mock/accounts/acct_demo/clock/advance",
    ];
    for path in paths {
        for (body, found) in cases {
            let reply = mock
                .raw(
                    Method::POST,
                    path,
                    FULL,
                    Some(body.as_bytes().to_vec()),
                    &[],
                )
                .await;
            reply.assert_error(
                400,
                &format!("Invalid request body: expected a JSON object, found {found}"),
            );
        }
    }
    assert_eq!(mock.group_ids(FULL).await.len(), 4, "nothing was created");
    assert_eq!(
        mock.get("/__mock/accounts", None)
            .await
            .body
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

/// The choices the spec writes down where the reference is silent, one assertion each.
#[tokio::test]
async fn the_spec_s_choices_where_the_reference_is_silent() {
    let mock = Mock::start().await;
    // Names are stored as sent, not trimmed.
    let padded = mock
        .post("/api/profile_groups", FULL, json!({"name": "  Q3  "}))
        .await;
    assert_eq!(padded.assert_ok()["name"], "  Q3  ");
    // `to` before `from` is an empty window; an unencoded `+` offset is a 400.
    let empty = mock
        .get(
            "/api/profiles/prof654jkl/stats?from=2026-05-12T00:00:00Z&to=2026-05-01T00:00:00Z",
            FULL,
        )
        .await;
    assert_eq!(empty.assert_ok()["data"]["records"], json!([]));
    let plus = "/api/profiles/prof654jkl/stats?from=2026-05-10T00:00:00+00:00";
    mock.get(plus, FULL)
        .await
        .assert_error(400, "Invalid from: expected an ISO 8601 timestamp");
    let encoded = "/api/profiles/prof654jkl/stats?from=2026-05-10T00:00:00%2B00:00";
    assert_eq!(
        mock.get(encoded, FULL).await.assert_ok()["data"]["records"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    // profiles_count counts every status: grp456xyz holds an expired and an inactive profile.
    let group = mock.get("/api/profile_groups/grp456xyz", FULL).await;
    assert_eq!(group.assert_ok()["profiles_count"], 5);
    // summary_stats: only facebook, linkedin and telegram; pinterest has placements but none.
    let pinterest = mock.get("/api/profiles/prof_pi_001", FULL).await;
    assert_eq!(pinterest.assert_ok()["summary_stats"], Value::Null);
    // Telegram channels whose latest values are all text sum to `{}`, not null.
    for channel in ["-1001234567890", "-1009876543210"] {
        let snapshot = json!({"placement_id": channel, "stats": {"channel_title": "T"},
                              "recorded_at": "2026-05-12T00:00:00Z"});
        mock.post(
            "/__mock/accounts/acct_demo/profiles/prof_tg_001/stats",
            None,
            snapshot,
        )
        .await
        .assert_ok();
    }
    let telegram = mock.get("/api/profiles/prof_tg_001", FULL).await;
    let body = telegram.assert_ok();
    assert_eq!(
        body["summary_stats"],
        json!({"stats": {}, "recorded_at": "2026-05-12T00:00:00Z"})
    );
    // latest_stats follows the placements' order.
    let placements = mock.get("/api/profiles/prof_tg_001/placements", FULL).await;
    let order: Vec<&Value> = placements.assert_ok()["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| &p["id"])
        .collect();
    let latest: Vec<&Value> = body["latest_stats"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| &l["placement_id"])
        .collect();
    assert_eq!(latest, order);
    // initialize_connection: the group before the body, platform before redirect_url, and
    // `redirect_url` is any non-blank string.
    let connect = |group: &str| format!("/api/profile_groups/{group}/initialize_connection");
    mock.post(&connect("grp_nope"), FULL, json!({}))
        .await
        .assert_error(404, "Not found");
    mock.post(&connect("grp123abc"), FULL, json!({}))
        .await
        .assert_error(422, "Missing platform");
    let youtube = json!({"platform": "youtube"});
    mock.post(&connect("grp123abc"), FULL, youtube)
        .await
        .assert_error(422, "Missing redirect_url");
    let odd = json!({"platform": "tiktok", "redirect_url": "not a url"});
    mock.post(&connect("grp789ghi"), FULL, odd)
        .await
        .assert_ok();
    // The Idempotency-Key header is ignored on initialize_connection: each call is new.
    let first = json!({"platform": "twitter", "redirect_url": "https://a.example/cb"});
    let mut urls = Vec::new();
    for _ in 0..2 {
        let reply = mock
            .raw(
                Method::POST,
                &connect("grp789ghi"),
                FULL,
                Some(serde_json::to_vec(&first).unwrap()),
                &[("idempotency-key", "same")],
            )
            .await;
        urls.push(reply.assert_ok()["url"].clone());
    }
    assert_ne!(urls[0], urls[1]);
    // A scoped key whose group was deleted still authenticates, and sees nothing.
    mock.delete("/api/profile_groups/grp456def", FULL)
        .await
        .assert_ok();
    assert_eq!(mock.group_ids(SCOPED).await, Vec::<String>::new());
    assert_eq!(mock.profile_ids(SCOPED).await, Vec::<String>::new());
    mock.get("/api/profile_groups/grp456def", SCOPED)
        .await
        .assert_error(404, "Not found");
    mock.post(&connect("grp456def"), SCOPED, first)
        .await
        .assert_error(404, "Not found");
    mock.post("/api/profile_groups", SCOPED, json!({"name": "x"}))
        .await
        .assert_error(422, "Your API key has no such permission");
}
