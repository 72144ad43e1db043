//! The official Node SDK's connection calls, as its current source (1.10) puts them on the
//! wire, against the mock: `connectBluesky`, `connectTelegram`, `initializeConnection` without
//! a `redirectUrl` and `connectOAuth`. The npm registry here serves only 1.6.1, which has none
//! of them, so the requests are replicated byte for byte from the SDK's source instead of
//! being sent by the SDK:
//!
//! - `src/client.ts`, `request()`: `new URL('/api' + path, baseUrl)`, the client's default
//!   `profile_group_id` as a query parameter, the headers `Authorization: Bearer <key>`,
//!   `User-Agent: postproxy-node/<VERSION> (node/<process.version>)` and, with a JSON body,
//!   `Content-Type: application/json`, the body `JSON.stringify(json)`; Node's `fetch`
//!   (undici) adds `accept`, `accept-language`, `sec-fetch-mode` and `accept-encoding`, and
//!   keeps the connection alive. A 2xx answer is the parsed JSON; otherwise the message is the
//!   body's `error`, else its `message`, and 401, 404, 422 and 400 have their own error class.
//! - `src/resources/profile-groups.ts`: `connectBluesky(id, {identifier, appPassword})` posts
//!   `{platform: "bluesky", identifier, app_password}`, `connectTelegram(id, {botToken})`
//!   posts `{platform: "telegram", bot_token}`, `initializeConnection(id, platform,
//!   redirectUrl?, extra)` posts `{platform, ...extra}` plus `redirect_url` only when given.
//! - `src/types.ts`: the answers it parses, `BlueskyConnectionResponse` `{success, profile:
//!   SyncProfile}`, `TelegramConnectionResponse` the same plus `next_step?: string`,
//!   `SyncProfile` `{id, network, name, external_username: string | null}`, and
//!   `OAuthConnectionResponse` `{url, success}`.

use crate::common::FULL_KEY;
use postproxy_mock_server::MockServer;
use postproxy_models::Placement;
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// `VERSION` in the SDK's `src/constants.ts` at 1.10.
const SDK_VERSION: &str = "1.10.0";
/// A Node version the SDK supports (`engines: node >= 18`).
const NODE_VERSION: &str = "v22.12.0";

/// What the SDK's `request()` returns or throws.
#[derive(Debug, PartialEq)]
enum Answer {
    /// A 2xx: the parsed body.
    Ok(Value),
    /// Anything else: the SDK's error class, the message it reads, and the status.
    Err(&'static str, String, u16),
}

impl Answer {
    #[track_caller]
    fn ok(self) -> Value {
        match self {
            Answer::Ok(body) => body,
            other => panic!("the SDK would throw: {other:?}"),
        }
    }
}

/// The Node SDK's client, as far as its connection calls go: `new PostProxy(key, {baseUrl,
/// profileGroupId})`.
struct NodeSdk<'a> {
    mock: &'a MockServer,
    key: &'a str,
    profile_group_id: Option<&'a str>,
}

impl<'a> NodeSdk<'a> {
    fn new(mock: &'a MockServer) -> Self {
        Self {
            mock,
            key: FULL_KEY,
            profile_group_id: None,
        }
    }

    /// `client.request(method, path, {json})`, on the wire: `body` is `JSON.stringify`'s
    /// output, written here as the literal text it is.
    async fn request(&self, method: &str, path: &str, body: Option<&str>) -> Answer {
        let addr = self.mock.addr();
        let mut target = format!("/api{path}");
        if let Some(group) = self.profile_group_id {
            target.push_str(&format!("?profile_group_id={group}"));
        }
        let mut head = format!(
            "{method} {target} HTTP/1.1\r\n\
             host: {addr}\r\n\
             connection: keep-alive\r\n\
             authorization: Bearer {key}\r\n\
             user-agent: postproxy-node/{SDK_VERSION} (node/{NODE_VERSION})\r\n",
            key = self.key
        );
        if body.is_some() {
            head.push_str("content-type: application/json\r\n");
        }
        head.push_str(
            "accept: */*\r\n\
             accept-language: *\r\n\
             sec-fetch-mode: cors\r\n\
             accept-encoding: gzip, deflate\r\n",
        );
        let body = body.unwrap_or_default();
        if !body.is_empty() {
            head.push_str(&format!("content-length: {}\r\n", body.len()));
        }
        head.push_str("\r\n");

        let mut stream = TcpStream::connect(addr).await.expect("the mock accepts");
        stream
            .write_all(format!("{head}{body}").as_bytes())
            .await
            .unwrap();
        let (status, bytes) = read_response(&mut stream).await;
        let parsed: Option<Value> = serde_json::from_slice(&bytes).ok();
        if (200..300).contains(&status) {
            return Answer::Ok(parsed.unwrap_or(Value::Null));
        }
        let text = |key: &str| {
            parsed
                .as_ref()
                .and_then(|b| b.get(key))
                .and_then(Value::as_str)
                .map(str::to_owned)
        };
        let message = text("error")
            .or_else(|| text("message"))
            .unwrap_or_default();
        let class = match status {
            401 => "AuthenticationError",
            404 => "NotFoundError",
            422 => "ValidationError",
            400 => "BadRequestError",
            _ => "PostProxyError",
        };
        Answer::Err(class, message, status)
    }

    /// `profileGroups.connectBluesky(id, {identifier, appPassword})`.
    async fn connect_bluesky(&self, id: &str, identifier: &str, app_password: &str) -> Answer {
        let body = format!(
            r#"{{"platform":"bluesky","identifier":{},"app_password":{}}}"#,
            js(identifier),
            js(app_password)
        );
        self.request(
            "POST",
            &format!("/profile_groups/{id}/initialize_connection"),
            Some(&body),
        )
        .await
    }

    /// `profileGroups.connectTelegram(id, {botToken})`; `None` is `botToken: undefined`,
    /// which `JSON.stringify` drops.
    async fn connect_telegram(&self, id: &str, bot_token: Option<&str>) -> Answer {
        let body = match bot_token {
            Some(token) => format!(r#"{{"platform":"telegram","bot_token":{}}}"#, js(token)),
            None => r#"{"platform":"telegram"}"#.to_string(),
        };
        self.request(
            "POST",
            &format!("/profile_groups/{id}/initialize_connection"),
            Some(&body),
        )
        .await
    }

    /// `profileGroups.initializeConnection(id, platform, redirectUrl?, extra)`: `extra` is the
    /// text of its entries after `platform` (as the spread puts them), `redirect_url` last and
    /// only when given (and not empty: the SDK tests `if (redirectUrl)`).
    async fn initialize_connection(
        &self,
        id: &str,
        platform: &str,
        redirect_url: Option<&str>,
        extra: &str,
    ) -> Answer {
        let mut body = format!(r#"{{"platform":{}"#, js(platform));
        if !extra.is_empty() {
            body.push(',');
            body.push_str(extra);
        }
        if let Some(url) = redirect_url.filter(|u| !u.is_empty()) {
            body.push_str(&format!(r#","redirect_url":{}"#, js(url)));
        }
        body.push('}');
        self.request(
            "POST",
            &format!("/profile_groups/{id}/initialize_connection"),
            Some(&body),
        )
        .await
    }

    /// `profiles.placements(id)`.
    async fn placements(&self, id: &str) -> Answer {
        self.request("GET", &format!("/profiles/{id}/placements"), None)
            .await
    }

    /// `profiles.get(id)`.
    async fn profile(&self, id: &str) -> Answer {
        self.request("GET", &format!("/profiles/{id}"), None).await
    }
}

/// A JavaScript string as `JSON.stringify` writes it.
fn js(text: &str) -> String {
    serde_json::to_string(text).unwrap()
}

/// Reads one HTTP/1.1 response off a kept-alive connection: its status and body (by
/// `content-length`).
async fn read_response(stream: &mut TcpStream) -> (u16, Vec<u8>) {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 8192];
    let head_end = loop {
        if let Some(at) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break at + 4;
        }
        let n = stream.read(&mut chunk).await.expect("read the answer");
        assert!(n > 0, "the mock closed the connection mid-answer");
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let status: u16 = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .expect("a status line");
    let length: usize = head
        .lines()
        .find_map(|l| {
            let (name, value) = l.split_once(':')?;
            name.eq_ignore_ascii_case("content-length")
                .then(|| value.trim().parse().ok())?
        })
        .expect("a content-length");
    while buf.len() < head_end + length {
        let n = stream.read(&mut chunk).await.expect("read the body");
        assert!(n > 0, "the mock closed the connection mid-body");
        buf.extend_from_slice(&chunk[..n]);
    }
    (status, buf[head_end..head_end + length].to_vec())
}

/// What the SDK's `SyncProfile` type reads: `id`, `network` and `name` strings and
/// `external_username` a string or null; nothing else is in the profile.
#[track_caller]
fn assert_sync_profile(profile: &Value, network: &str) {
    let keys: Vec<&str> = profile
        .as_object()
        .expect("profile is an object")
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(keys, ["external_username", "id", "name", "network"]);
    assert!(profile["id"].is_string() && profile["name"].is_string());
    assert_eq!(profile["network"], network);
    assert!(profile["external_username"].is_string() || profile["external_username"].is_null());
}

#[tokio::test]
async fn connect_bluesky_creates_the_profile_at_once() {
    let mock = MockServer::start().await;
    let sdk = NodeSdk::new(&mock);
    // grp456xyz has no bluesky profile.
    let result = sdk
        .connect_bluesky("grp456xyz", "jane.bsky.social", "xxxx-xxxx-xxxx-xxxx")
        .await
        .ok();
    // BlueskyConnectionResponse: success and profile, nothing else.
    assert_eq!(result["success"], true);
    assert_sync_profile(&result["profile"], "bluesky");
    assert_eq!(result.as_object().unwrap().len(), 2, "{result}");
    let profile = &result["profile"];
    assert_eq!(profile["name"], "jane.bsky.social");
    assert_eq!(profile["external_username"], "jane.bsky.social");

    // The profile is there at once, as the rest of the SDK reads it.
    let id = profile["id"].as_str().unwrap();
    let got = sdk.profile(id).await.ok();
    assert_eq!(
        (&got["platform"], &got["status"], &got["profile_group_id"]),
        (&json!("bluesky"), &json!("active"), &json!("grp456xyz"))
    );
    assert_eq!(got["name"], profile["name"]);
    // No invitation is left pending.
    let pending = mock.control().connections(mock.demo_account_id()).await;
    assert!(pending.unwrap().is_empty());

    // Connected: the same call again is refused, as the reference's OAuth flow is.
    assert_eq!(
        sdk.connect_bluesky("grp456xyz", "jane.bsky.social", "xxxx-xxxx-xxxx-xxxx")
            .await,
        Answer::Err("ValidationError", "Platform already connected".into(), 422)
    );
}

#[tokio::test]
async fn connect_telegram_answers_a_next_step_and_its_channels_come_later() {
    let mock = MockServer::start().await;
    // A client with a default group adds it to every request's query.
    let sdk = NodeSdk {
        profile_group_id: Some("grp789ghi"),
        ..NodeSdk::new(&mock)
    };
    let result = sdk
        .connect_telegram("grp789ghi", Some("123456789:ABCdef-GhIJklMnOpQrStUvWxYz"))
        .await
        .ok();
    // TelegramConnectionResponse: success, profile and next_step (the SDK's test: contains
    // "admin").
    assert_eq!(result["success"], true);
    assert_sync_profile(&result["profile"], "telegram");
    assert!(
        result["next_step"].as_str().unwrap().contains("admin"),
        "{result}"
    );
    assert_eq!(
        result["profile"],
        json!({
            "id": result["profile"]["id"],
            "network": "telegram",
            "name": "Mock Telegram bot 123456789",
            "external_username": "mock_123456789_bot",
        })
    );

    // The SDK's README: poll placements until the user has made the bot an administrator of
    // a channel. None at first; on the mock, a channel arrives through the control API.
    let id = result["profile"]["id"].as_str().unwrap();
    assert_eq!(sdk.placements(id).await.ok(), json!({ "data": [] }));
    let channel = Placement {
        id: Some("-1001234567890".into()),
        name: "My Channel".into(),
        avatar_url: None,
        metadata: Default::default(),
    };
    mock.control()
        .add_placement(mock.demo_account_id(), id, &channel)
        .await
        .unwrap();
    assert_eq!(
        sdk.placements(id).await.ok(),
        json!({ "data": [{ "id": "-1001234567890", "name": "My Channel" }] })
    );
}

#[tokio::test]
async fn the_sdks_own_test_values_connect() {
    // The canned values of the SDK's tests/connect.test.ts, sent to the mock.
    let mock = MockServer::start().await;
    let sdk = NodeSdk::new(&mock);
    // grp789ghi's bluesky profile is inactive: connecting reconnects it.
    let bsky = sdk
        .connect_bluesky("grp789ghi", "jane.bsky.social", "xxxx-xxxx-xxxx-xxxx")
        .await
        .ok();
    assert_eq!(bsky["profile"]["id"], "prof_bs_002");
    let tg = sdk
        .connect_telegram("grp456xyz", Some("123:ABC"))
        .await
        .ok();
    assert_eq!(tg["profile"]["external_username"], "mock_123_bot");
    // "initializeConnection still works without redirectUrl": the generic call with the
    // credentials in `extra` sends what connectTelegram sends.
    let again = sdk
        .initialize_connection("grp456xyz", "telegram", None, r#""bot_token":"123:ABC""#)
        .await;
    assert_eq!(
        again,
        Answer::Err("ValidationError", "Platform already connected".into(), 422)
    );
    let refreshed = sdk
        .initialize_connection(
            "grp456xyz",
            "telegram",
            None,
            r#""bot_token":"123:ABC","refresh_connection":true"#,
        )
        .await
        .ok();
    assert_eq!(refreshed["profile"]["id"], tg["profile"]["id"]);
}

#[tokio::test]
async fn missing_or_malformed_credentials_are_validation_errors() {
    let mock = MockServer::start().await;
    let sdk = NodeSdk::new(&mock);
    let refused = |message: &str| Answer::Err("ValidationError", message.into(), 422);
    assert_eq!(
        sdk.connect_telegram("grp456xyz", None).await,
        refused("Missing bot_token")
    );
    assert_eq!(
        sdk.connect_telegram("grp456xyz", Some("https://t.me/my_bot"))
            .await,
        refused("Invalid bot_token: expected <bot id>:<secret>, as @BotFather gives it")
    );
    assert_eq!(
        sdk.connect_bluesky("grp456xyz", "jane.bsky.social", "")
            .await,
        refused("Missing app_password")
    );
    assert_eq!(
        sdk.connect_bluesky("grp456xyz", "jane", "xxxx-xxxx-xxxx-xxxx")
            .await,
        refused(
            "Invalid identifier: expected a Bluesky handle (name.bsky.social) or the account's email"
        )
    );
    // Platforms connected neither way, with or without a redirect.
    assert_eq!(
        sdk.initialize_connection("grp456xyz", "pinterest", Some("https://app.example/cb"), "")
            .await,
        refused(
            "Unsupported platform: pinterest. Supported platforms: facebook, instagram, tiktok, \
             linkedin, youtube, twitter, threads, bluesky, telegram"
        )
    );
    assert_eq!(
        sdk.initialize_connection("grp456xyz", "google_business", None, "")
            .await,
        refused(
            "Unsupported platform: google_business. Supported platforms: facebook, instagram, \
             tiktok, linkedin, youtube, twitter, threads, bluesky, telegram"
        )
    );
    // Another key's group is not found, whatever the body.
    let wrong = NodeSdk {
        key: "pp_not_issued",
        ..NodeSdk::new(&mock)
    };
    assert_eq!(
        wrong.connect_telegram("grp456xyz", Some("1:a")).await,
        Answer::Err("AuthenticationError", "Invalid API key".into(), 401)
    );
    assert_eq!(
        sdk.connect_telegram("grp_nope", Some("1:a")).await,
        Answer::Err("NotFoundError", "Not found".into(), 404)
    );
}

#[tokio::test]
async fn oauth_platforms_still_need_a_redirect_url() {
    let mock = MockServer::start().await;
    let sdk = NodeSdk::new(&mock);
    // initializeConnection(id, "instagram") with no redirectUrl: the SDK leaves it out.
    assert_eq!(
        sdk.initialize_connection("grp456xyz", "tiktok", None, "")
            .await,
        Answer::Err("ValidationError", "Missing redirect_url".into(), 422)
    );
    // An empty one is left out too (`if (redirectUrl)`), and credentials do not replace it.
    assert_eq!(
        sdk.initialize_connection("grp456xyz", "tiktok", Some(""), r#""bot_token":"1:a""#)
            .await,
        Answer::Err("ValidationError", "Missing redirect_url".into(), 422)
    );
    // connectOAuth(id, platform, redirectUrl): the reference's answer.
    let connection = sdk
        .initialize_connection("grp456xyz", "tiktok", Some("https://app.example/cb"), "")
        .await
        .ok();
    assert_eq!(connection["success"], true);
    let url = connection["url"].as_str().unwrap();
    assert!(
        url.starts_with(&format!("{}/connect/", mock.base_url())),
        "{url}"
    );
    assert_eq!(connection.as_object().unwrap().len(), 2, "{connection}");
}
