//! The proxy's control API under `/__mock/`: the violations list (newest last, `since`,
//! bounded with the dropped counted) and its clearing, the counts, and errors for anything
//! else; none of it is forwarded.

use postproxy_mock::proxy::{LogFormat, Proxy};
use postproxy_mock_server::DEMO_FULL_ACCESS_KEY as KEY;
use reqwest::Method;
use serde_json::Value;

use super::support::Call;
use crate::support::drift::DriftStub;

async fn control(method: Method, url: String) -> (u16, Value) {
    let response = reqwest::Client::new()
        .request(method, url)
        .send()
        .await
        .expect("the control API answers");
    let status = response.status().as_u16();
    (status, response.json().await.expect("JSON"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn violations_are_listed_bounded_and_cleared() {
    let stub = DriftStub::start(Vec::new()).await;
    let proxy = Proxy::new(stub.base_url())
        .log(LogFormat::Off)
        .max_violations(3)
        .start()
        .await
        .unwrap();
    let base = proxy.base_url().to_string();
    let http = reqwest::Client::new();
    for i in 0..5 {
        Call::get(&format!("/unknown/{i}"), KEY)
            .send(&http, &base)
            .await;
    }
    let list = format!("{base}/__mock/proxy/violations");
    let (status, body) = control(Method::GET, list.clone()).await;
    assert_eq!(status, 200);
    assert_eq!(
        (body["total"].as_u64(), body["dropped"].as_u64()),
        (Some(5), Some(2))
    );
    let violations = body["violations"].as_array().unwrap();
    let paths: Vec<&str> = violations
        .iter()
        .map(|v| v["path"].as_str().unwrap())
        .collect();
    assert_eq!(
        paths,
        ["/unknown/2", "/unknown/3", "/unknown/4"],
        "newest last"
    );
    let first = &violations[0];
    assert_eq!(first["seq"], 3);
    assert_eq!(first["side"], "request");
    assert_eq!(first["kind"], "unknown_path");
    assert_eq!(first["method"], "GET");
    assert_eq!(first["operation"], Value::Null);
    assert!(first["at"].as_str().unwrap().ends_with('Z'));

    let (_, after) = control(Method::GET, format!("{list}?since=4")).await;
    assert_eq!(after["violations"].as_array().unwrap().len(), 1);
    let (status, bad) = control(Method::GET, format!("{list}?since=x")).await;
    assert_eq!(status, 400);
    assert!(bad["error"].as_str().unwrap().contains("since"), "{bad}");

    let (status, counts) = control(Method::GET, format!("{base}/__mock/proxy")).await;
    assert_eq!(status, 200);
    assert_eq!(counts["upstream"], stub.base_url());
    assert_eq!(
        (counts["requests"].as_u64(), counts["answered"].as_u64()),
        (Some(5), Some(5))
    );
    assert_eq!(
        (counts["violations"].as_u64(), counts["kept"].as_u64()),
        (Some(5), Some(3))
    );
    assert_eq!(counts["record"], Value::Null);

    let (status, cleared) = control(Method::DELETE, list.clone()).await;
    assert_eq!((status, cleared["cleared"].as_u64()), (200, Some(3)));
    let (_, empty) = control(Method::GET, list.clone()).await;
    assert_eq!(empty["violations"], serde_json::json!([]));
    assert_eq!(empty["total"], 5, "the numbering goes on");
    Call::get("/unknown/again", KEY).send(&http, &base).await;
    assert_eq!(proxy.violations()[0].seq, 6);
    assert_eq!(stub.seen_in_all(), 6, "control requests are not forwarded");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_rest_of_mock_is_not_forwarded() {
    let stub = DriftStub::start(Vec::new()).await;
    let proxy = super::support::start(stub.base_url()).await;
    let base = proxy.base_url();
    let (status, body) = control(Method::GET, format!("{base}/__mock/accounts")).await;
    assert_eq!(status, 404);
    let error = body["error"].as_str().unwrap();
    assert!(error.contains("never forwarded"), "{error}");
    let (status, _) = control(Method::POST, format!("{base}/__mock/proxy/violations")).await;
    assert_eq!(status, 405);
    let (status, _) = control(Method::DELETE, format!("{base}/__mock/proxy")).await;
    assert_eq!(status, 405);
    let (status, _) = control(Method::GET, format!("{base}/__mock")).await;
    assert_eq!(status, 404);
    assert_eq!(stub.seen_in_all(), 0);
    assert!(proxy.violations().is_empty());
}
