//! What the proxy tests share: a quiet proxy in front of an upstream, whole answers (status,
//! headers, body bytes) to compare, and the violations as the tests name them.

use postproxy_mock::proxy::{Kind, LogFormat, Proxy, ProxyHandle, Side, Violation};
use reqwest::Method;

/// A proxy in front of `upstream` that writes nothing to stderr.
pub async fn start(upstream: &str) -> ProxyHandle {
    Proxy::new(upstream)
        .log(LogFormat::Off)
        .start()
        .await
        .expect("start the proxy")
}

/// A whole answer: status, headers but `date` (in order), body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Answer {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).expect("a JSON body")
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// A request to send, to the upstream directly or through the proxy.
#[derive(Debug, Clone)]
pub struct Call {
    pub method: Method,
    /// Path and query.
    pub target: String,
    pub key: Option<String>,
    pub headers: Vec<(&'static str, String)>,
    /// A JSON body (sent with `Content-Type: application/json`).
    pub body: Option<String>,
}

impl Call {
    pub fn get(target: &str, key: &str) -> Call {
        Call {
            method: Method::GET,
            target: target.to_string(),
            key: Some(key.to_string()),
            headers: Vec::new(),
            body: None,
        }
    }

    pub fn json(method: Method, target: &str, key: &str, body: serde_json::Value) -> Call {
        Call {
            method,
            body: Some(body.to_string()),
            ..Call::get(target, key)
        }
    }

    pub fn header(mut self, name: &'static str, value: &str) -> Call {
        self.headers.push((name, value.to_string()));
        self
    }

    /// Sends it to `base` and reads the whole answer.
    pub async fn send(&self, http: &reqwest::Client, base: &str) -> Answer {
        let mut request = http.request(self.method.clone(), format!("{base}{}", self.target));
        if let Some(key) = &self.key {
            request = request.bearer_auth(key);
        }
        for (name, value) in &self.headers {
            request = request.header(*name, value);
        }
        if let Some(body) = &self.body {
            request = request
                .header("content-type", "application/json")
                .body(body.clone());
        }
        let response = request
            .send()
            .await
            .unwrap_or_else(|e| panic!("{} {}: {e}", self.method, self.target));
        let status = response.status().as_u16();
        let headers = response
            .headers()
            .iter()
            .filter(|(name, _)| *name != "date")
            .map(|(n, v)| (n.to_string(), v.to_str().unwrap_or("?").to_string()))
            .collect();
        let body = response.bytes().await.expect("a whole body").to_vec();
        Answer {
            status,
            headers,
            body,
        }
    }
}

/// A violation as the tests name it: operation, side, status, kind, pointer.
pub type Named = (Option<String>, Side, Option<u16>, Kind, Option<String>);

/// A violation as a test expects it.
pub type Expected<'a> = (Option<&'a str>, Side, Option<u16>, Kind, Option<&'a str>);

pub fn named(violations: &[Violation]) -> Vec<Named> {
    let mut named: Vec<Named> = violations
        .iter()
        .map(|v| {
            (
                v.operation.clone(),
                v.side,
                v.status,
                v.kind,
                v.pointer.clone(),
            )
        })
        .collect();
    named.sort_by_key(|n| format!("{n:?}"));
    named
}

pub fn expect(list: &[Expected<'_>]) -> Vec<Named> {
    let mut named: Vec<Named> = list
        .iter()
        .map(|(op, side, status, kind, at)| {
            (
                op.map(str::to_string),
                *side,
                *status,
                *kind,
                at.map(str::to_string),
            )
        })
        .collect();
    named.sort_by_key(|n| format!("{n:?}"));
    named
}
