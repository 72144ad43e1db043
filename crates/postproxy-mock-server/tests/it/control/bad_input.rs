//! The control API's bad input: each refusal names the problem and changes nothing.

use postproxy_mock_server::MockServer;

use crate::common;
use common::{control_http, refused, DEMO};

/// Control requests with bad input: method, path, body, the status and a part of the error.
const BAD_REQUESTS: [(&str, &str, Option<&str>, u16, &str); 8] = [
    (
        "POST",
        "/__mock/accounts",
        Some("{"),
        400,
        "Invalid request body",
    ),
    (
        "POST",
        "/__mock/accounts",
        Some(r#"{"profile_groups": 5}"#),
        400,
        "profile_groups",
    ),
    (
        "POST",
        "/__mock/accounts",
        Some(r#"{"api_keys": [{"key": "pp_demo_full_0123456789abcdef"}]}"#),
        409,
        "is already in use",
    ),
    (
        "POST",
        "/__mock/accounts",
        Some(r#"{"id": "acct_demo"}"#),
        409,
        "Account \"acct_demo\" already exists",
    ),
    (
        "POST",
        "/__mock/accounts",
        Some(r#"{"profile_groups": [{"id": "g", "name": " "}]}"#),
        422,
        "profile_groups[0].name",
    ),
    (
        "GET",
        "/__mock/accounts/acct_nope/clock",
        None,
        404,
        "No account \"acct_nope\"",
    ),
    (
        "PUT",
        "/__mock/accounts/acct_demo/fixture",
        Some(r#"{"id": "acct_other"}"#),
        422,
        "must be absent or \"acct_demo\"",
    ),
    (
        "POST",
        "/__mock/accounts/acct_demo/profile_groups/grp_nope/profiles",
        Some(r#"{"id": "p", "name": "P", "platform": "twitter", "status": "active"}"#),
        404,
        "no profile group \"grp_nope\"",
    ),
];

#[tokio::test]
async fn bad_control_requests_are_refused_with_their_reason_and_change_nothing() {
    let mock = MockServer::start().await;
    let before = mock.control().export_fixture(DEMO).await.unwrap();
    for (method, path, body, expected, message) in BAD_REQUESTS {
        let (status, answer) = control_http(&mock, method, path, body).await;
        assert_eq!(status, expected, "{method} {path} {body:?}: {answer}");
        let error = answer["error"].as_str().unwrap_or_default();
        assert!(error.contains(message), "{method} {path}: {error:?}");
    }
    assert!(
        mock.control().export_fixture(DEMO).await.unwrap() == before,
        "nothing changed"
    );
    assert_eq!(mock.control().accounts().await.unwrap().len(), 1);
}

#[tokio::test]
async fn injection_refusals_name_the_problem_and_change_nothing() {
    let mock = MockServer::start().await;
    let control = mock.control();
    let before = control.export_fixture(DEMO).await.unwrap();
    let snapshot = |placement: &str| {
        format!(
            r#"{{"placement_id": {placement}, "stats": {{}}, "recorded_at": "2026-06-01T00:00:00Z"}}"#
        )
    };
    let long_error = format!(r#"{{"status": 500, "error": "{}"}}"#, "x".repeat(1025));
    let base = "/__mock/accounts/acct_demo";
    let cases: Vec<(&str, String, String, u16, &str)> = vec![
        ("POST", format!("{base}/profile_groups"), r#"{"name": " "}"#.into(), 422, "name must not be blank"),
        ("POST", format!("{base}/profile_groups"), r#"{"id": " ", "name": "G"}"#.into(), 422, "id must not be blank"),
        ("POST", format!("{base}/profile_groups"), r#"{"id": "grp123abc", "name": "G"}"#.into(), 409, "already exists"),
        ("PATCH", format!("{base}/profile_groups/grp_nope"), r#"{"name": "G"}"#.into(), 404, "no profile group"),
        ("POST", format!("{base}/profile_groups/grp123abc/profiles"),
            r#"{"id": "prof_yt_001", "name": "Y", "platform": "youtube", "status": "active"}"#.into(), 409, "already exists"),
        ("POST", format!("{base}/profile_groups/grp123abc/profiles"),
            r#"{"id": " ", "name": "Y", "platform": "youtube", "status": "active"}"#.into(), 422, "profile.id: must not be blank"),
        ("POST", format!("{base}/profile_groups/grp123abc/profiles"),
            r#"{"id": "p", "name": "Y", "platform": "youtube", "status": "active", "post_count": -1}"#.into(), 422, "post_count"),
        ("PATCH", format!("{base}/profiles/prof_yt_001"), r#"{"expires_at": "soon"}"#.into(), 422, "expires_at"),
        ("PATCH", format!("{base}/profiles/prof_yt_001"), r#"{"name": ""}"#.into(), 422, "name must not be blank"),
        ("PATCH", format!("{base}/profiles/prof_nope"), r#"{"name": "N"}"#.into(), 404, "no profile \"prof_nope\""),
        ("POST", format!("{base}/profiles/prof_fb_001/placements"), r#"{"id": null, "name": "P"}"#.into(), 422,
            "only the LinkedIn personal profile placement may have a null id"),
        ("POST", format!("{base}/profiles/prof_fb_001/placements"), r#"{"id": "200000000000001", "name": "P"}"#.into(), 409,
            "placement \"200000000000001\" already exists"),
        ("POST", format!("{base}/profiles/prof_li_001/placements"), r#"{"id": null, "name": "P"}"#.into(), 409,
            "the personal profile placement already exists"),
        ("POST", format!("{base}/profiles/prof_yt_001/placements"), r#"{"id": "1", "name": "P"}"#.into(), 422,
            "youtube profiles have no placements"),
        ("POST", format!("{base}/profiles/prof_fb_001/stats"), snapshot("null"), 422, "placement_id is required for facebook profiles"),
        ("POST", format!("{base}/profiles/prof_fb_001/stats"), snapshot(r#""9""#), 404, "no placement \"9\""),
        ("POST", format!("{base}/profiles/prof_yt_001/stats"), snapshot(r#""9""#), 422, "placement_id must be null"),
        ("POST", format!("{base}/profiles/prof_yt_001/stats"),
            r#"{"stats": {}, "recorded_at": "yesterday"}"#.into(), 422, "recorded_at"),
        ("POST", format!("{base}/faults"), r#"{"status": 500, "times": 100001}"#.into(), 422, "times must be 1"),
        ("POST", format!("{base}/faults"), long_error, 422, "error must be at most 1024 bytes"),
        ("POST", format!("{base}/faults"), r#"{"status": 200}"#.into(), 422, "status must be 400"),
        ("DELETE", "/__mock/accounts/acct_nope".into(), String::new(), 404, "No account"),
        ("POST", "/__mock/accounts/acct_nope/reset".into(), String::new(), 404, "No account"),
        ("PUT", "/__mock/accounts/acct_nope/fixture".into(), "{}".into(), 404, "No account"),
        ("POST", format!("{base}/connections/inv_nope/deny"), String::new(), 404, "No pending connection"),
    ];
    for (method, path, body, expected, message) in cases {
        let body = (!body.is_empty()).then_some(body.as_str());
        let (status, answer) = control_http(&mock, method, &path, body).await;
        assert_eq!(status, expected, "{method} {path} {body:?}: {answer}");
        let error = answer["error"].as_str().unwrap_or_default();
        assert!(
            error.contains(message),
            "{method} {path}: {error:?} lacks {message:?}"
        );
    }
    assert!(
        control.export_fixture(DEMO).await.unwrap() == before,
        "nothing changed"
    );
    assert!(control.faults(DEMO).await.unwrap().is_empty());

    // A key another account holds cannot be imported.
    let other = control.create_account(&Default::default()).await.unwrap();
    let mut taken = before.clone();
    taken.api_keys[0].key = Some(other.api_keys[0].key.clone());
    let (status, error) = refused(control.import_fixture(DEMO, &taken).await);
    assert_eq!(status, 409);
    assert!(error.contains("is already in use"), "{error}");
    assert!(control.export_fixture(DEMO).await.unwrap() == before);
}
