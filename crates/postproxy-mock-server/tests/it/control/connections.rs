//! Connections: invitations authorised or denied through the control API or the consent page,
//! single use, expiring with the hour and with their group, and reconnecting a profile.

use postproxy_mock_server::control::{AccountInfo, Connection, ProfilePatch};
use postproxy_mock_server::MockServer;
use postproxy_models::{Platform, ProfileStatus};
use serde_json::{json, Value};

use crate::common;
use common::{call, fresh_demo, minutes, refused, DEMO, FULL_KEY as FULL};

/// initialize_connection for `platform` in `grp789ghi`, redirecting to a URL with a query: the
/// invitation's token.
async fn invite(mock: &MockServer, platform: &str) -> String {
    let (status, body) = call(
        mock,
        "POST",
        "/api/profile_groups/grp789ghi/initialize_connection",
        FULL,
        Some(json!({"platform": platform, "redirect_url": "https://app.example/cb?state=xyz"})),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    token_of(&body)
}

/// The connect token at the end of an initialize_connection answer's `url`.
fn token_of(answer: &Value) -> String {
    answer["url"]
        .as_str()
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap()
        .to_string()
}

#[tokio::test]
async fn an_invitation_is_pending_until_authorised_through_the_control_api() {
    let mock = MockServer::start().await;
    let control = mock.control();
    let token = invite(&mock, "linkedin").await;
    let pending = control.connections(DEMO).await.unwrap();
    assert_eq!(pending.len(), 1);
    assert_eq!(
        (pending[0].token.as_str(), pending[0].platform),
        (token.as_str(), Platform::Linkedin)
    );

    let outcome = control.authorize_connection(DEMO, &token).await.unwrap();
    let profile = outcome.profile.unwrap();
    assert_eq!(
        (profile.status, profile.profile_group_id.as_str()),
        (ProfileStatus::Active, "grp789ghi")
    );
    assert!(
        outcome
            .redirect_to
            .starts_with("https://app.example/cb?state=xyz&status=success&profile_id=prof_"),
        "{}",
        outcome.redirect_to
    );
    let (_, placements) = call(
        &mock,
        "GET",
        &format!("/api/profiles/{}/placements", profile.id),
        FULL,
        None,
    )
    .await;
    assert_eq!(
        placements["data"][0],
        json!({"id": null, "name": "Personal Profile"})
    );
    let (_, group) = call(&mock, "GET", "/api/profile_groups/grp789ghi", FULL, None).await;
    assert_eq!(group["profiles_count"], 3);
}

#[tokio::test]
async fn an_authorised_invitation_is_single_use_and_its_platform_is_then_connected() {
    let mock = MockServer::start().await;
    let control = mock.control();
    let token = invite(&mock, "linkedin").await;
    control.authorize_connection(DEMO, &token).await.unwrap();
    // Single use.
    assert_eq!(
        refused(control.authorize_connection(DEMO, &token).await).0,
        404
    );
    // And now linkedin is connected in that group.
    let (status, body) = call(
        &mock,
        "POST",
        "/api/profile_groups/grp789ghi/initialize_connection",
        FULL,
        Some(json!({"platform": "linkedin", "redirect_url": "https://app.example/cb"})),
    )
    .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (422, Some("Platform already connected"))
    );
}

#[tokio::test]
async fn a_denied_invitation_redirects_with_access_denied_and_no_profile() {
    let mock = MockServer::start().await;
    let denied = invite(&mock, "youtube").await;
    let outcome = mock.control().deny_connection(DEMO, &denied).await.unwrap();
    assert!(outcome.profile.is_none());
    assert!(
        outcome.redirect_to.contains("error=access_denied"),
        "{}",
        outcome.redirect_to
    );
}

#[tokio::test]
async fn an_invitation_expires_after_an_hour_of_the_account_s_clock() {
    let mock = MockServer::start().await;
    let control = mock.control();
    let late = invite(&mock, "tiktok").await;
    control.advance_clock(DEMO, &minutes(61)).await.unwrap();
    assert_eq!(
        refused(control.authorize_connection(DEMO, &late).await).0,
        410
    );
    let page = reqwest::get(format!("{}/connect/{late}", mock.base_url()))
        .await
        .unwrap();
    assert_eq!(page.status(), 410);
}

#[tokio::test]
async fn connect_flow_through_the_consent_page() {
    let mock = MockServer::start().await;
    let (_, body) = call(&mock, "POST", "/api/profile_groups/grp789ghi/initialize_connection", FULL,
        Some(json!({"platform": "facebook", "redirect_url": format!("{}/__mock/connect/callback", mock.base_url())}))).await;
    let url = body["url"].as_str().unwrap().to_string();
    let no_redirects = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let page = no_redirects.get(&url).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(
        html.contains("id=\"authorize\"")
            && html.contains("id=\"deny\"")
            && html.contains("Personal"),
        "{html}"
    );
    let answer = no_redirects
        .post(format!("{url}/authorize"))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 303);
    let location = answer.headers()["location"].to_str().unwrap().to_string();
    assert!(
        location.contains("status=success&profile_id=prof_"),
        "{location}"
    );
    let callback = reqwest::get(&location).await.unwrap().text().await.unwrap();
    assert!(
        callback.contains("<h1 id=\"outcome\">Connected</h1>"),
        "{callback}"
    );
    assert_eq!(
        no_redirects
            .post(format!("{url}/authorize"))
            .send()
            .await
            .unwrap()
            .status(),
        404
    );

    // A redirect_url that cannot be a Location header is shown as a link, escaped.
    let (_, body) = call(
        &mock,
        "POST",
        "/api/profile_groups/grp789ghi/initialize_connection",
        FULL,
        Some(json!({"platform": "youtube", "redirect_url": "javascript:alert(\"<x>\")"})),
    )
    .await;
    let url = body["url"].as_str().unwrap().to_string();
    let answer = no_redirects
        .post(format!("{url}/deny"))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 200);
    assert!(answer.headers().get("location").is_none());
    let html = answer.text().await.unwrap();
    assert!(
        html.contains("&lt;x&gt;") && !html.contains("<x>"),
        "{html}"
    );
}

#[tokio::test]
async fn connections_die_with_their_group_and_their_hour() {
    let mock = MockServer::start().await;
    let control = mock.control();
    let init = |group: &'static str| {
        let mock = &mock;
        async move {
            let path = format!("/api/profile_groups/{group}/initialize_connection");
            let body = json!({"platform": "tiktok", "redirect_url": "https://app.example/cb"});
            let (status, body) = call(mock, "POST", &path, FULL, Some(body)).await;
            assert_eq!(status, 200, "{body}");
            token_of(&body)
        }
    };
    // Deleting the group drops its pending invitation.
    let gone = init("grp789ghi").await;
    assert_eq!(
        call(&mock, "DELETE", "/api/profile_groups/grp789ghi", FULL, None)
            .await
            .0,
        200
    );
    assert!(control.connections(DEMO).await.unwrap().is_empty());
    assert_eq!(
        refused(control.authorize_connection(DEMO, &gone).await).0,
        404
    );
    let page = reqwest::get(format!("{}/connect/{gone}", mock.base_url()))
        .await
        .unwrap();
    assert_eq!(page.status(), 404);

    // An expired link can be neither denied through the control API nor on the page.
    let late = init("grp456def").await;
    control.advance_clock(DEMO, &minutes(61)).await.unwrap();
    let (status, error) = refused(control.deny_connection(DEMO, &late).await);
    assert_eq!(
        (status, error.as_str()),
        (410, "This connection link has expired")
    );
    let denied = reqwest::Client::new()
        .post(format!("{}/connect/{late}/deny", mock.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(denied.status(), 410);
    assert!(
        denied.headers().get("location").is_none(),
        "no redirect for a dead link"
    );
}

/// initialize_connection for `platform` in `grp123abc`, with `key`: status and body.
async fn invite_to_main_brand(mock: &MockServer, key: &str, platform: &str) -> (u16, Value) {
    call(
        mock,
        "POST",
        "/api/profile_groups/grp123abc/initialize_connection",
        key,
        Some(json!({"platform": platform, "redirect_url": "https://app.example/cb"})),
    )
    .await
}

/// A fresh copy of the demo whose threads profile (`prof_th_001`) has expired, and two
/// invitations for threads made meanwhile: the account, its full key and the two pending.
async fn an_expired_profile_and_two_invitations(
    mock: &MockServer,
) -> (AccountInfo, String, Vec<Connection>) {
    let control = mock.control();
    let account = control.create_account(&fresh_demo()).await.unwrap();
    let key = account.api_keys[0].key.clone();
    let patch = ProfilePatch {
        status: Some(ProfileStatus::Expired),
        ..Default::default()
    };
    control
        .patch_profile(&account.id, "prof_th_001", &patch)
        .await
        .unwrap();
    // Two invitations for threads, while its profile is expired: both are accepted.
    let (s1, _) = invite_to_main_brand(mock, &key, "threads").await;
    let (s2, _) = invite_to_main_brand(mock, &key, "threads").await;
    assert_eq!((s1, s2), (200, 200));
    let pending = control.connections(&account.id).await.unwrap();
    assert_eq!(pending.len(), 2);
    (account, key, pending)
}

/// [`an_expired_profile_and_two_invitations`], the first invitation authorised (the expired
/// threads profile reconnected); the second is still pending.
async fn reconnected_with_one_invitation_left(
    mock: &MockServer,
) -> (AccountInfo, String, Vec<Connection>) {
    let (account, key, pending) = an_expired_profile_and_two_invitations(mock).await;
    mock.control()
        .authorize_connection(&account.id, &pending[0].token)
        .await
        .unwrap();
    (account, key, pending)
}

/// The documented reconnect: an expired (or inactive) profile is not "already connected";
/// authorising reconnects it (same id, active, `expires_at` renewed).
#[tokio::test]
async fn an_expired_profile_is_reconnected_with_a_renewed_expiry() {
    let mock = MockServer::start().await;
    let control = mock.control();
    let (account, _, pending) = an_expired_profile_and_two_invitations(&mock).await;
    let outcome = control
        .authorize_connection(&account.id, &pending[0].token)
        .await
        .unwrap();
    let profile = outcome.profile.unwrap();
    assert_eq!(profile.id, "prof_th_001", "the same profile");
    assert_eq!(profile.status, ProfileStatus::Active);
    let renewed = profile.expires_at.expect("threads tokens expire");
    let now = control.clock(&account.id).await.unwrap().now;
    assert!(renewed > now, "{renewed} after {now}");
}

/// A second invitation for the same platform cannot then create a second profile, through the
/// control API or the consent page.
#[tokio::test]
async fn a_second_authorisation_after_a_reconnect_is_refused() {
    let mock = MockServer::start().await;
    let control = mock.control();
    let (account, key, pending) = reconnected_with_one_invitation_left(&mock).await;
    // The second invitation meets the same rule: threads is connected now.
    let (status, message) = refused(
        control
            .authorize_connection(&account.id, &pending[1].token)
            .await,
    );
    assert_eq!(status, 422);
    assert!(message.contains("Platform already connected"), "{message}");
    let page = reqwest::Client::new()
        .post(format!(
            "{}/connect/{}/authorize",
            mock.base_url(),
            pending[1].token
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status().as_u16(), 422);
    assert!(page
        .text()
        .await
        .unwrap()
        .contains("Platform already connected"));
    let (_, listed) = call(
        &mock,
        "GET",
        "/api/profiles?profile_group_id=grp123abc",
        &key,
        None,
    )
    .await;
    let threads = listed["data"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["platform"] == "threads")
        .count();
    assert_eq!(threads, 1, "one threads profile, reconnected");
}

#[tokio::test]
async fn a_reconnected_profile_is_already_connected_and_an_inactive_one_can_be_reconnected() {
    let mock = MockServer::start().await;
    let control = mock.control();
    let (account, key, _) = reconnected_with_one_invitation_left(&mock).await;
    // Now active, it is already connected; an inactive one can be reconnected too.
    assert_eq!(
        invite_to_main_brand(&mock, &key, "threads").await,
        (422, json!({"error": "Platform already connected"}))
    );
    let inactive = ProfilePatch {
        status: Some(ProfileStatus::Inactive),
        ..Default::default()
    };
    control
        .patch_profile(&account.id, "prof_yt_001", &inactive)
        .await
        .unwrap();
    assert_eq!(invite_to_main_brand(&mock, &key, "youtube").await.0, 200);
}

/// Two invitations for one platform in one group, both authorised: the first connects the
/// platform, so the second meets the "already connected" rule and creates nothing.
#[tokio::test]
async fn two_invitations_for_one_platform_connect_it_once() {
    let mock = MockServer::start().await;
    let control = mock.control();
    let account = control.create_account(&fresh_demo()).await.unwrap();
    let key = account.api_keys[0].key.clone();
    for _ in 0..2 {
        let (status, _) = call(
            &mock,
            "POST",
            "/api/profile_groups/grp789ghi/initialize_connection",
            &key,
            Some(json!({"platform": "youtube", "redirect_url": "https://app.example/cb"})),
        )
        .await;
        assert_eq!(status, 200);
    }
    let pending = control.connections(&account.id).await.unwrap();
    let first = control
        .authorize_connection(&account.id, &pending[0].token)
        .await
        .unwrap();
    assert!(first.profile.is_some());
    let (status, message) = refused(
        control
            .authorize_connection(&account.id, &pending[1].token)
            .await,
    );
    assert_eq!(
        (status, message.contains("Platform already connected")),
        (422, true)
    );
    let (_, group) = call(&mock, "GET", "/api/profile_groups/grp789ghi", &key, None).await;
    assert_eq!(group["profiles_count"], 3, "2 + one youtube profile");
}
