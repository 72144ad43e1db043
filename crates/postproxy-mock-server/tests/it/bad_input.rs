//! A corpus of hostile requests over raw TCP (bytes reqwest would refuse to send), against the
//! product API and the control API. Every one must be answered with a 4xx and the JSON error
//! body `{"error": ...}` and nothing else, must not echo the request into a response header,
//! must leave the server up and the state unchanged. Requests that HTTP itself rejects (hyper
//! answers before the app sees them) are a separate table: a clean 400/431, never a hang.

use std::time::Duration;

use postproxy_mock_server::MockServer;
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Put into every hostile request, so an echo into a response header would show.
const CANARY: &str = "zzcanaryzz";

struct Answer {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

/// Sends raw bytes on a fresh connection and reads the answer until the server closes it.
/// The body is written concurrently, so a server answering early (413) does not deadlock.
async fn send(addr: std::net::SocketAddr, bytes: Vec<u8>) -> Answer {
    let stream = TcpStream::connect(addr).await.unwrap();
    let (mut read, mut write) = stream.into_split();
    let writer = tokio::spawn(async move {
        // The server may stop reading (and close) once it has answered.
        let _ = write.write_all(&bytes).await;
        write
    });
    let mut raw = Vec::new();
    let read_all = async {
        let mut buf = [0u8; 65536];
        loop {
            match read.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => raw.extend_from_slice(&buf[..n]),
            }
        }
    };
    tokio::time::timeout(Duration::from_secs(10), read_all)
        .await
        .expect("the server answers and closes within 10 s");
    drop(writer.await);
    parse(&raw)
}

fn parse(raw: &[u8]) -> Answer {
    let end = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or_else(|| panic!("no complete answer: {:?}", String::from_utf8_lossy(raw)));
    let head = String::from_utf8_lossy(&raw[..end]).to_string();
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let mut body = raw[end + 4..].to_vec();
    if headers
        .iter()
        .any(|(k, v)| k == "transfer-encoding" && v == "chunked")
    {
        body = dechunk(&body);
    }
    Answer {
        status,
        headers,
        body,
    }
}

fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let Some(eol) = data.windows(2).position(|w| w == b"\r\n") else {
            return out;
        };
        let size = usize::from_str_radix(std::str::from_utf8(&data[..eol]).unwrap().trim(), 16)
            .unwrap_or(0);
        if size == 0 {
            return out;
        }
        out.extend_from_slice(&data[eol + 2..eol + 2 + size]);
        data = &data[eol + 4 + size..];
    }
}

/// A request with `Host`, `Connection: close` and (with a body) `Content-Length`.
fn request(method: &str, target: &str, headers: &[(&str, &[u8])], body: &[u8]) -> Vec<u8> {
    let mut out = format!("{method} {target} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n")
        .into_bytes();
    for (name, value) in headers {
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(b": ");
        out.extend_from_slice(value);
        out.extend_from_slice(b"\r\n");
    }
    if !body.is_empty() || matches!(method, "POST" | "PUT" | "PATCH") {
        out.extend_from_slice(format!("Content-Length: {}\r\n", body.len()).as_bytes());
    }
    out.extend_from_slice(b"\r\n");
    out.extend_from_slice(body);
    out
}

const AUTH: (&str, &[u8]) = ("Authorization", b"Bearer pp_demo_full_0123456789abcdef");
const JSON: (&str, &[u8]) = ("Content-Type", b"application/json");

/// One hostile request and the status it must get.
struct Case {
    name: &'static str,
    bytes: Vec<u8>,
    status: u16,
}

fn case(name: &'static str, status: u16, bytes: Vec<u8>) -> Case {
    Case {
        name,
        bytes,
        status,
    }
}

fn nested(open: &str, depth: usize) -> Vec<u8> {
    open.repeat(depth).into_bytes()
}

/// 60 KB of `x`: long, but under hyper's URI limit (64 KiB) and the header cap (64 KiB).
fn big() -> String {
    "x".repeat(60 * 1024)
}

/// A product API POST with the full key and a JSON body.
fn post(target: &str, body: &[u8]) -> Vec<u8> {
    request("POST", target, &[AUTH, JSON], body)
}

/// A product API GET with the full key.
fn get(target: &str) -> Vec<u8> {
    request("GET", target, &[AUTH], b"")
}

/// A control API request with a JSON body (the control API takes no key).
fn control(target: &str, method: &str, body: &[u8]) -> Vec<u8> {
    request(method, target, &[JSON], body)
}

/// Every hostile request, by part.
fn corpus() -> Vec<Case> {
    [
        product_bodies(),
        product_paths(),
        product_queries(),
        product_headers(),
        control_api(),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// The product API: bodies that cannot be read, or read to something refused.
#[rustfmt::skip]
fn product_bodies() -> Vec<Case> {
    let groups = "/api/profile_groups";
    let big = big();
    let over_limit = {
        let mut b = b"{\"name\": \"".to_vec();
        b.extend(std::iter::repeat_n(b'a', postproxy_mock_server::BODY_LIMIT));
        b.extend_from_slice(b"\"}");
        b
    };
    vec![
        case("truncated JSON", 400, post(groups, b"{\"profile_group\": {\"name\": \"zzcanaryzz\"")),
        case("malformed JSON", 400, post(groups, b"{name: zzcanaryzz}")),
        case("trailing garbage", 400, post(groups, b"{\"name\": \"zzcanaryzz\"} zzcanaryzz")),
        case("name of the wrong type", 400, post(groups, b"{\"profile_group\": {\"name\": [\"zzcanaryzz\"]}}")),
        case("profile_group of the wrong type", 400, post(groups, b"{\"profile_group\": \"zzcanaryzz\"}")),
        case("a number body", 400, post(groups, b"1e999999")),
        case("100 000 [", 400, post(groups, &nested("[", 100_000))),
        case("100 000 {\"a\":", 400, post(groups, &nested("{\"a\":", 100_000))),
        case("non-UTF-8 value", 400, post(groups, b"{\"name\": \"\xff\xfezzcanaryzz\"}")),
        case("raw control character in a string", 400, post(groups, b"{\"name\": \"a\x01zzcanaryzz\"}")),
        case("lone surrogate escape", 400, post(groups, b"{\"name\": \"\\ud800zzcanaryzz\"}")),
        case("non-ASCII key only (no name)", 422, post(groups, "{\"nämé\": \"zzcanaryzz\"}".as_bytes())),
        case("blank unicode name", 422, post(groups, "{\"name\": \"\u{2003}\u{3000}\"}".as_bytes())),
        case("body over 1 MiB", 413, post(groups, &over_limit)),
        case("empty body", 400, post(groups, b"")),
        case("form body with a form Content-Type", 400, request("POST", groups, &[AUTH, ("Content-Type", b"application/x-www-form-urlencoded")], b"name=zzcanaryzz")),
        case("text body with a JSON Content-Type", 400, post(groups, b"zzcanaryzz")),
        case("initialize_connection with a wrong type", 400, post("/api/profile_groups/grp123abc/initialize_connection", b"{\"platform\": 1, \"redirect_url\": \"zzcanaryzz\"}")),
        case("initialize_connection with a 60 KB platform", 422, post("/api/profile_groups/grp123abc/initialize_connection", format!("{{\"platform\": \"{big}\", \"redirect_url\": \"https://e.x/zzcanaryzz\"}}").as_bytes())),
    ]
}

/// The product API: paths that escape, smuggle or name nothing.
#[rustfmt::skip]
fn product_paths() -> Vec<Case> {
    let big = big();
    vec![
        case("encoded slashes in a profile id", 404, get("/api/profiles/..%2F..%2Fprofile_groups%2Fzzcanaryzz")),
        case("encoded dots as a profile id", 404, get("/api/profiles/%2e%2e")),
        case("raw dot segments", 404, get("/api/profiles/../profile_groups/zzcanaryzz")),
        case("NUL in an id", 404, get("/api/profiles/prof123abc%00zzcanaryzz")),
        case("invalid UTF-8 in an id", 400, get("/api/profiles/%FF%FEzzcanaryzz")),
        case("delete a group through an encoded slash", 404, request("DELETE", "/api/profile_groups/grp123abc%2F..%2Fzzcanaryzz", &[AUTH], b"")),
        case("delete a profile through dot segments", 404, request("DELETE", "/api/profiles/prof123abc/..", &[AUTH], b"")),
        case("a 60 KB id", 404, get(&format!("/api/profiles/{big}zzcanaryzz"))),
        case("unknown method", 405, request("BREW", "/api/profiles", &[AUTH], b"")),
        case("unknown path", 404, get("/api/zzcanaryzz")),
    ]
}

/// The product API: query parameters out of range, repeated or malformed.
#[rustfmt::skip]
fn product_queries() -> Vec<Case> {
    let big = big();
    vec![
        case("huge number as a timestamp", 400, get("/api/profiles/prof_yt_001/stats?from=99999999999999999999999zzcanaryzz")),
        case("60 KB timestamp", 400, get(&format!("/api/profiles/prof_yt_001/stats?to={big}"))),
        case("30 February", 400, get("/api/profiles/prof_yt_001/stats?from=2026-02-30T00:00:00Z")),
        case("year 99999", 400, get("/api/profiles/prof_yt_001/stats?from=99999-01-01T00:00:00Z")),
        case("duplicate from", 400, get("/api/profiles/prof_yt_001/stats?from=2026-01-01T00:00:00Z&from=zzcanaryzz")),
        case("duplicate profile_group_id", 400, get("/api/profiles?profile_group_id=grp123abc&profile_group_id=zzcanaryzz")),
        case("60 KB profile_group_id", 404, get(&format!("/api/profiles?profile_group_id={big}"))),
        case("NUL profile_group_id", 404, get("/api/profiles/prof123abc?profile_group_id=%00zzcanaryzz")),
        case("invalid UTF-8 in a query", 404, get("/api/profiles?profile_group_id=%FF%FEzzcanaryzz")),
        case("60 KB placement_id", 404, get(&format!("/api/profiles/prof_fb_001/stats?placement_id={big}"))),
    ]
}

/// The product API: headers repeated, malformed or too large.
#[rustfmt::skip]
fn product_headers() -> Vec<Case> {
    let groups = "/api/profile_groups";
    let big = big();
    let huge = "x".repeat(100 * 1024);
    let kb = vec![b'h'; 1024];
    let names: Vec<String> = (0..90).map(|i| format!("X-Pad-{i}")).collect();
    let mut many_headers: Vec<(&str, &[u8])> =
        names.iter().map(|n| (n.as_str(), kb.as_slice())).collect();
    many_headers.push(AUTH);
    vec![
        case("two Authorization headers", 401, request("GET", groups, &[AUTH, ("Authorization", b"Bearer zzcanaryzz")], b"")),
        case("two identical Authorization headers", 401, request("GET", groups, &[AUTH, AUTH], b"")),
        case("Basic instead of Bearer", 401, request("GET", groups, &[("Authorization", b"Basic enpjYW5hcnl6eg==")], b"")),
        case("non-ASCII Authorization", 401, request("GET", groups, &[("Authorization", b"Bearer \xe2\x9c\x93zzcanaryzz")], b"")),
        case("a key with a suffix", 401, request("GET", groups, &[("Authorization", b"Bearer pp_demo_full_0123456789abcdef zzcanaryzz")], b"")),
        case("two Idempotency-Key headers", 400, request("POST", groups, &[AUTH, JSON, ("Idempotency-Key", b"a-zzcanaryzz"), ("Idempotency-Key", b"b")], b"{\"name\": \"x\"}")),
        case("non-ASCII Idempotency-Key", 400, request("DELETE", "/api/profiles/prof123abc", &[AUTH, ("Idempotency-Key", "ключ-zzcanaryzz".as_bytes())], b"")),
        case("60 KB Idempotency-Key", 400, request("DELETE", "/api/profile_groups/grp123abc", &[AUTH, ("Idempotency-Key", big.as_bytes())], b"")),
        case("100 KB header (over the 64 KiB cap)", 431, request("DELETE", "/api/profile_groups/grp123abc", &[AUTH, ("Idempotency-Key", huge.as_bytes())], b"")),
        case("90 headers of 1 KB", 431, request("GET", groups, &many_headers, b"")),
    ]
}

/// The control API: bodies, paths, clock times, faults and journal queries it must refuse.
#[rustfmt::skip]
fn control_api() -> Vec<Case> {
    let control_over_limit = vec![b' '; postproxy_mock_server::limits::CONTROL_BODY_LIMIT + 1];
    let fixture = "/__mock/accounts/acct_demo/fixture";
    vec![
        case("control: truncated account", 400, control("/__mock/accounts", "POST", b"{\"profile_groups\": [{\"id\": \"zzcanaryzz\"")),
        case("control: wrong type", 400, control("/__mock/accounts", "POST", b"{\"profile_groups\": \"zzcanaryzz\"}")),
        case("control: 100 000 [", 400, control("/__mock/accounts", "POST", &nested("[", 100_000))),
        case("control: non-UTF-8 key", 400, control("/__mock/accounts", "POST", b"{\"api_keys\": [{\"key\": \"\xffzzcanaryzz\"}]}")),
        case("control: key with a control character", 422, control("/__mock/accounts", "POST", b"{\"api_keys\": [{\"key\": \"a\\u0001zzcanaryzz\"}]}")),
        case("control: taken account id", 409, control("/__mock/accounts", "POST", b"{\"id\": \"acct_demo\"}")),
        case("control: body over the control limit", 413, control("/__mock/accounts", "POST", &control_over_limit)),
        case("control: invalid fixture import", 422, control(fixture, "PUT", b"{\"profile_groups\": [{\"id\": \"g\", \"name\": \" \"}], \"description\": \"zzcanaryzz\"}")),
        case("control: nested fixture import", 400, control(fixture, "PUT", &nested("{\"a\":", 100_000))),
        case("control: encoded slash in an account id", 404, control("/__mock/accounts/..%2Facct_demo/fixture", "GET", b"")),
        case("control: NUL in an account id", 404, control("/__mock/accounts/acct_demo%00zzcanaryzz", "GET", b"")),
        case("control: dot segments", 404, control("/__mock/accounts/acct_demo/../zzcanaryzz/fixture", "GET", b"")),
        case("control: invalid clock time", 422, control("/__mock/accounts/acct_demo/clock", "PUT", b"{\"now\": \"zzcanaryzz\"}")),
        case("control: clock time in year 99999", 422, control("/__mock/accounts/acct_demo/clock", "PUT", b"{\"now\": \"99999-01-01T00:00:00Z\"}")),
        case("control: advance overflow", 422, control("/__mock/accounts/acct_demo/clock/advance", "POST", b"{\"days\": 9223372036854775807, \"hours\": 1}")),
        case("control: advance by a float", 400, control("/__mock/accounts/acct_demo/clock/advance", "POST", b"{\"days\": 1e300}")),
        case("control: negative advance", 422, control("/__mock/accounts/acct_demo/clock/advance", "POST", b"{\"seconds\": -1}")),
        case("control: fault status overflow", 400, control("/__mock/accounts/acct_demo/faults", "POST", b"{\"status\": 70000}")),
        case("control: fault with unknown field", 400, control("/__mock/accounts/acct_demo/faults", "POST", b"{\"status\": 500, \"zzcanaryzz\": 1}")),
        case("control: fault times -1", 400, control("/__mock/accounts/acct_demo/faults", "POST", b"{\"status\": 500, \"times\": -1}")),
        case("control: fault method with a NUL", 422, control("/__mock/accounts/acct_demo/faults", "POST", b"{\"status\": 500, \"method\": \"GE\\u0000T\"}")),
        case("control: journal status overflow", 400, control("/__mock/accounts/acct_demo/journal?status=70000", "GET", b"")),
        case("control: journal after -1", 400, control("/__mock/accounts/acct_demo/journal?after=-1", "GET", b"")),
        case("control: duplicate journal method", 400, control("/__mock/accounts/acct_demo/journal?method=GET&method=zzcanaryzz", "GET", b"")),
        case("control: snapshot with a bad time", 422, control("/__mock/accounts/acct_demo/profiles/prof_yt_001/stats", "POST", b"{\"stats\": {}, \"recorded_at\": \"zzcanaryzz\"}")),
        case("control: snapshot on an encoded-slash id", 404, control("/__mock/accounts/acct_demo/profiles/prof_yt_001%2F..%2Fzzcanaryzz/stats", "POST", b"{\"stats\": {}, \"recorded_at\": \"2026-01-01T00:00:00Z\"}")),
        case("control: profile with a negative post_count", 422, control("/__mock/accounts/acct_demo/profile_groups/grp123abc/profiles", "POST", b"{\"id\": \"zzcanaryzz\", \"name\": \"n\", \"platform\": \"bluesky\", \"status\": \"active\", \"post_count\": -1}")),
        case("control: unknown platform", 400, control("/__mock/accounts/acct_demo/profile_groups/grp123abc/profiles", "POST", b"{\"id\": \"p\", \"name\": \"n\", \"platform\": \"zzcanaryzz\", \"status\": \"active\"}")),
        case("control: wrong method", 405, control("/__mock/accounts", "PATCH", b"{}")),
        case("control: wrong method on a fixture", 405, control(fixture, "DELETE", b"")),
        case("control: unknown route", 404, control("/__mock/zzcanaryzz", "GET", b"")),
        case("control: authorize an unknown token", 404, control("/__mock/accounts/acct_demo/connections/zzcanaryzz/authorize", "POST", b"")),
    ]
}

/// Response headers the mock may send; anything else would be suspicious.
const ALLOWED_HEADERS: [&str; 5] = [
    "content-type",
    "content-length",
    "date",
    "allow",
    "connection",
];

/// What the server holds, to compare before and after: the demo account's fixture, every
/// account's id and sizes, the demo's faults and pending connections.
async fn snapshot(mock: &MockServer) -> Value {
    let control = mock.control();
    let accounts: Vec<Value> = control
        .accounts()
        .await
        .unwrap()
        .into_iter()
        .map(|a| serde_json::json!([a.id, a.api_keys, a.profile_groups, a.profiles]))
        .collect();
    serde_json::json!({
        "fixture": control.export_fixture("acct_demo").await.unwrap(),
        "accounts": accounts,
        "faults": control.faults("acct_demo").await.unwrap(),
        "connections": control.connections("acct_demo").await.unwrap(),
    })
}

#[tokio::test]
async fn hostile_requests_get_json_4xx_and_change_nothing() {
    let mock = MockServer::start().await;
    let before = snapshot(&mock).await;
    let cases = corpus();
    let mut failures = Vec::new();
    for case in &cases {
        let answer = send(mock.addr(), case.bytes.clone()).await;
        let body: Option<Value> = serde_json::from_slice(&answer.body).ok();
        let is_error_body = body.as_ref().is_some_and(|b| {
            b.as_object()
                .is_some_and(|o| o.len() == 1 && o["error"].as_str().is_some_and(|e| !e.is_empty()))
        });
        if answer.status != case.status || !is_error_body {
            failures.push(format!(
                "{}: expected {} with {{\"error\"}}, got {} {}",
                case.name,
                case.status,
                answer.status,
                String::from_utf8_lossy(&answer.body[..answer.body.len().min(300)])
            ));
        }
        for (name, value) in &answer.headers {
            if !ALLOWED_HEADERS.contains(&name.as_str()) || value.contains(CANARY) {
                failures.push(format!("{}: response header {name}: {value}", case.name));
            }
        }
        let content_type = answer.headers.iter().find(|(k, _)| k == "content-type");
        if content_type.map(|(_, v)| v.as_str()) != Some("application/json") {
            failures.push(format!("{}: content-type {content_type:?}", case.name));
        }
        // The server is still up and answering.
        let alive = send(
            mock.addr(),
            request("GET", "/api/profile_groups", &[AUTH], b""),
        )
        .await;
        assert_eq!(alive.status, 200, "after {}", case.name);
    }
    let after = snapshot(&mock).await;
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
    assert!(before == after, "the corpus changed the state");
}

/// What hyper rejects before the app sees the request: a bare 400 or 431, then the connection
/// closes; the server keeps serving.
#[tokio::test]
async fn malformed_http_is_refused_cleanly_and_the_server_stays_up() {
    let mock = MockServer::start().await;
    let before = snapshot(&mock).await;
    let thousand_headers: Vec<(String, Vec<u8>)> = (0..1000)
        .map(|i| (format!("X-H{i}"), b"v".to_vec()))
        .collect();
    let thousand: Vec<(&str, &[u8])> = thousand_headers
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_slice()))
        .collect();
    let half_mib = vec![b'a'; 512 * 1024];
    let cases: Vec<(&str, Vec<u16>, Vec<u8>)> = vec![
        ("NUL in a header value", vec![400], request("GET", "/api/profile_groups", &[AUTH, ("X-Evil", b"a\0zzcanaryzz")], b"")),
        ("two Content-Length headers that differ", vec![400], b"POST /api/profile_groups HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: 5\r\n\r\n{}".to_vec()),
        ("chunked and Content-Length", vec![400], b"POST /api/profile_groups HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: 2\r\n\r\n0\r\n\r\n".to_vec()),
        ("a space in the header name", vec![400], b"GET /api/profile_groups HTTP/1.1\r\nHost: x\r\nBad Header: zzcanaryzz\r\n\r\n".to_vec()),
        ("not HTTP at all", vec![400], b"\x16\x03\x01\x02\x00zzcanaryzz\r\n\r\n".to_vec()),
        ("1000 headers", vec![431], request("GET", "/api/profile_groups", &thousand, b"")),
        ("a 512 KiB header", vec![431], request("GET", "/api/profile_groups", &[AUTH, ("X-Big", &half_mib)], b"")),
        ("a 100 KB path (hyper's URI limit is 64 KiB)", vec![414], request("GET", &format!("/api/profiles/{}", "a".repeat(100 * 1024)), &[AUTH], b"")),
        ("a 100 KB query", vec![414], request("GET", &format!("/api/profiles?profile_group_id={}", "a".repeat(100 * 1024)), &[AUTH], b"")),
        ("a 512 KiB request target (over hyper's read buffer)", vec![431], request("GET", &format!("/api/profiles?x={}", "a".repeat(512 * 1024)), &[AUTH], b"")),
    ];
    for (name, statuses, bytes) in cases {
        let answer = send(mock.addr(), bytes).await;
        assert!(
            statuses.contains(&answer.status),
            "{name}: {}",
            answer.status
        );
        assert!(
            answer.headers.iter().all(|(_, v)| !v.contains(CANARY)),
            "{name}: echoed"
        );
        let alive = send(
            mock.addr(),
            request("GET", "/api/profile_groups", &[AUTH], b""),
        )
        .await;
        assert_eq!(alive.status, 200, "after {name}");
    }
    assert!(before == snapshot(&mock).await);
}
