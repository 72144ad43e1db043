//! Helpers shared by the integration tests: a started mock and a tiny HTTP client.

use postproxy_mock_server::control::ClockAdvance;
use postproxy_mock_server::control::ControlClientError;
use postproxy_mock_server::fixtures::{AccountFixture, Fixtures, ProfileFixture};
use postproxy_mock_server::{MockServer, DEMO_FULL_ACCESS_KEY, DEMO_SCOPED_KEY};
use postproxy_models::{Platform, ProfileStatus};
use reqwest::Method;
use serde_json::Value;

pub const FULL: Option<&str> = Some(DEMO_FULL_ACCESS_KEY);
pub const SCOPED: Option<&str> = Some(DEMO_SCOPED_KEY);
/// The demo full-access key, for helpers that take a key as such.
pub const FULL_KEY: &str = DEMO_FULL_ACCESS_KEY;
/// The demo data's account, for the control API.
pub const DEMO: &str = postproxy_mock_server::fixtures::DEMO_ACCOUNT_ID;

/// The demo account without its id and keys: the server generates fresh ones, so copies
/// never collide.
pub fn fresh_demo() -> AccountFixture {
    let mut account = Fixtures::demo().accounts.remove(0);
    account.id = None;
    for key in &mut account.api_keys {
        key.key = None;
    }
    account
}

/// An active profile with nothing else set.
pub fn profile(id: &str, platform: Platform) -> ProfileFixture {
    ProfileFixture::new(id, &format!("@{id}"), platform, ProfileStatus::Active)
}

/// A clock move of `n` minutes, hours or days.
pub fn minutes(n: i64) -> ClockAdvance {
    ClockAdvance {
        minutes: n,
        ..Default::default()
    }
}

pub fn hours(n: i64) -> ClockAdvance {
    ClockAdvance {
        hours: n,
        ..Default::default()
    }
}

pub fn days(n: i64) -> ClockAdvance {
    ClockAdvance {
        days: n,
        ..Default::default()
    }
}

/// The status and message of a control call that must be refused.
#[track_caller]
pub fn refused<T: std::fmt::Debug>(result: Result<T, ControlClientError>) -> (u16, String) {
    match result {
        Err(ControlClientError::Refused { status, error }) => (status, error),
        other => panic!("expected a refusal, got {other:?}"),
    }
}

/// An HTTP call with an optional JSON body and bearer key: status and JSON body (`Null` if
/// the body is not JSON).
pub async fn call(
    mock: &MockServer,
    method: &str,
    path: &str,
    key: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let mut request = reqwest::Client::new()
        .request(
            Method::from_bytes(method.as_bytes()).expect("a method"),
            format!("{}{path}", mock.base_url()),
        )
        .bearer_auth(key);
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.expect("the mock answers");
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// A control-API call over plain HTTP, with a raw body: status and JSON body.
pub async fn control_http(
    mock: &MockServer,
    method: &str,
    path: &str,
    body: Option<&str>,
) -> (u16, Value) {
    let mut request = reqwest::Client::new().request(
        Method::from_bytes(method.as_bytes()).expect("a method"),
        format!("{}{path}", mock.base_url()),
    );
    if let Some(body) = body {
        request = request
            .header("content-type", "application/json")
            .body(body.to_string());
    }
    let response = request.send().await.expect("the mock answers");
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// A response: status, headers and the body parsed as JSON (`Value::Null` if it is not JSON).
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub body: Value,
}

impl Reply {
    /// The `error` message of an error body.
    pub fn error(&self) -> &str {
        self.body["error"]
            .as_str()
            .unwrap_or_else(|| panic!("expected an error body, got {} {}", self.status, self.body))
    }

    /// Asserts the status and the exact error message.
    #[track_caller]
    pub fn assert_error(&self, status: u16, message: &str) {
        assert_eq!(
            (self.status, self.body.clone()),
            (status, serde_json::json!({ "error": message })),
        );
    }

    #[track_caller]
    pub fn assert_ok(&self) -> &Value {
        assert!(
            (200..300).contains(&self.status),
            "expected success, got {} {}",
            self.status,
            self.body
        );
        &self.body
    }
}

pub struct Mock {
    pub server: MockServer,
    pub http: reqwest::Client,
}

impl Mock {
    pub async fn start() -> Self {
        Self::with(MockServer::start().await)
    }

    pub fn with(server: MockServer) -> Self {
        Self {
            server,
            http: reqwest::Client::new(),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.server.base_url())
    }

    /// Sends `method path` with an optional bearer key and an optional raw body.
    pub async fn raw(
        &self,
        method: Method,
        path: &str,
        key: Option<&str>,
        body: Option<Vec<u8>>,
        headers: &[(&str, &str)],
    ) -> Reply {
        let mut request = self.http.request(method, self.url(path));
        if let Some(key) = key {
            request = request.bearer_auth(key);
        }
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        if let Some(body) = body {
            request = request
                .header("content-type", "application/json")
                .body(body);
        }
        let response = request.send().await.expect("request reaches the mock");
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let bytes = response.bytes().await.expect("read body");
        let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        Reply {
            status,
            headers,
            body,
        }
    }

    pub async fn get(&self, path: &str, key: Option<&str>) -> Reply {
        self.raw(Method::GET, path, key, None, &[]).await
    }

    pub async fn delete(&self, path: &str, key: Option<&str>) -> Reply {
        self.raw(Method::DELETE, path, key, None, &[]).await
    }

    pub async fn post(&self, path: &str, key: Option<&str>, body: Value) -> Reply {
        self.send_json(Method::POST, path, key, body).await
    }

    pub async fn patch(&self, path: &str, key: Option<&str>, body: Value) -> Reply {
        self.send_json(Method::PATCH, path, key, body).await
    }

    async fn send_json(&self, method: Method, path: &str, key: Option<&str>, body: Value) -> Reply {
        let body = serde_json::to_vec(&body).expect("json");
        self.raw(method, path, key, Some(body), &[]).await
    }

    /// Sends each `(body, names)` of `cases` as the raw body of `method path` with the full
    /// key: each must be a 400 whose message contains `names` (the field it names).
    pub async fn assert_400_naming(&self, method: Method, path: &str, cases: &[(&str, &str)]) {
        for (body, names) in cases {
            let body = Some(body.as_bytes().to_vec());
            let reply = self.raw(method.clone(), path, FULL, body, &[]).await;
            assert_eq!(reply.status, 400, "{path}: {:?}", reply.body);
            assert!(reply.error().contains(names), "{path}: {}", reply.error());
        }
    }

    /// Adds `profile` to `group` of the demo account through the control API.
    pub async fn add_profile(
        &self,
        group: &str,
        profile: &ProfileFixture,
    ) -> Result<postproxy_models::Profile, ControlClientError> {
        self.server
            .control()
            .add_profile(DEMO, group, profile)
            .await
    }

    /// The ids of the groups `key` lists.
    pub async fn group_ids(&self, key: Option<&str>) -> Vec<String> {
        ids(self.get("/api/profile_groups", key).await.assert_ok())
    }

    /// The ids of the profiles `key` lists.
    pub async fn profile_ids(&self, key: Option<&str>) -> Vec<String> {
        ids(self.get("/api/profiles", key).await.assert_ok())
    }

    /// `profiles_count` of a group, as get_profile_group reports it.
    pub async fn profiles_count(&self, group: &str) -> i64 {
        self.get(&format!("/api/profile_groups/{group}"), FULL)
            .await
            .assert_ok()["profiles_count"]
            .as_i64()
            .expect("profiles_count")
    }
}

pub fn ids(list: &Value) -> Vec<String> {
    list["data"]
        .as_array()
        .expect("a data array")
        .iter()
        .map(|item| item["id"].as_str().expect("an id").to_string())
        .collect()
}

/// The spec parsed as JSON.
pub fn spec() -> Value {
    postproxy_mock_server::openapi_json().clone()
}

/// The example of `status` of `method path` in the spec.
pub fn spec_example(path: &str, method: &str, status: &str) -> Value {
    spec()["paths"][path][method]["responses"][status]["content"]["application/json"]["example"]
        .clone()
}
