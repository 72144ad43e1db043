//! initialize_connection: its refusals, the consent-page URL it returns, and
//! `refresh_connection`.

use crate::common;

use common::{Mock, FULL};
use serde_json::json;

use super::INIT;

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
