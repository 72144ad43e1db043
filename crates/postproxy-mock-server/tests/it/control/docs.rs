//! The control API's documents: its OpenAPI description and the docs page offering both specs.

use postproxy_mock_server::MockServer;

use crate::common;
use common::control_http;

#[tokio::test]
async fn the_control_api_s_openapi_document_lists_its_paths_on_this_server() {
    let mock = MockServer::start().await;
    let (status, doc) = control_http(&mock, "GET", "/__mock/openapi.json", None).await;
    assert_eq!(status, 200);
    assert_eq!(
        doc["servers"][0]["url"], "/",
        "requests from /docs go to the mock"
    );
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    let paths = doc["paths"].as_object().unwrap();
    for path in [
        "/__mock/accounts",
        "/__mock/accounts/{account}/faults",
        "/__mock/accounts/{account}/journal",
        "/__mock/accounts/{account}/clock/advance",
        "/__mock/accounts/{account}/connections/{token}/authorize",
    ] {
        assert!(paths.contains_key(path), "{path}");
    }
}

#[tokio::test]
async fn the_docs_page_offers_both_specs_by_name() {
    let mock = MockServer::start().await;
    let docs = reqwest::get(format!("{}/docs/", mock.base_url()))
        .await
        .unwrap();
    assert_eq!(docs.status(), 200);
    let html = docs.text().await.unwrap();
    assert!(html.contains("swagger"), "{html}");
    let config = reqwest::get(format!("{}/docs/swagger-initializer.js", mock.base_url()))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        config.contains("/openapi.json") && config.contains("/__mock/openapi.json"),
        "{config}"
    );
    // The spec picker names the specs rather than showing their URLs.
    assert!(
        config.contains("Postproxy API (served by this mock)")
            && config.contains("Mock control API (/__mock/)"),
        "{config}"
    );
}
