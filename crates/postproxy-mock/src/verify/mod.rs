//! A contract check of a Postproxy service (the real one, or any mock) against the spec:
//! `postproxy-mock verify --upstream URL --key KEY` as a Rust API.
//!
//! [`Verify::run`] first lists the key's profile groups. No answer is
//! [`VerifyError::Unreachable`], 401 (or 403) is [`VerifyError::Unauthorized`], and an answer
//! that is not this API (a 404 or 405, a redirect, or a 2xx that is not JSON) is
//! [`VerifyError::NotThisApi`]; nothing more is sent then. Otherwise it checks every
//! read-only operation on the account's own objects (at most [`Verify::max_objects`] groups
//! and as many profiles): get each group, list the profiles (all, and per group), get each
//! profile, its placements (on a placement network) and its stats (with a `placement_id`
//! where one is needed). Then the documented error cases that change nothing: an unknown key
//! (401), an unknown profile and group id (404), stats without `placement_id` on a placement
//! network (400), initialize_connection without `platform` (422). [`Verify::write`] adds a
//! throw-away group: create, get, initialize_connection, delete (deleted whatever fails
//! between).
//!
//! Each answer must have the status the check expects, one the spec documents for the
//! operation, a JSON `Content-Type`, and a body the documented schema accepts
//! ([`crate::contract`]); the [`Report`] names each failure with its operation, status and
//! JSON pointer. A 429 is waited out as `Retry-After` says (up to
//! [`Verify::max_retry_wait`], then retried, three attempts in all); a dropped connection or a
//! timeout is a failure of its check, and the run goes on.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use postproxy_mock::verify::Verify;
//! use postproxy_mock_server::MockServer;
//!
//! let mock = MockServer::start().await;
//! let report = Verify::new(mock.base_url(), mock.full_access_key())
//!     .write(true)
//!     .run()
//!     .await?;
//! assert!(report.passed(), "{report}");
//! assert!(report.checks.iter().any(|c| c.operation == "initialize_connection"));
//! println!("{}", report.table()); // or report.to_json()
//! # Ok(())
//! # }
//! ```

mod http;
mod report;
mod walk;
mod write;

use std::time::{Duration, Instant};

use reqwest::Url;
use serde_json::Value;

use crate::contract::{is_json_media_type, Contract, ContractError};
use http::{Answer, Call, Exchange, Upstream};
pub use report::{kind_name, Check, CheckResult, Failure, FailureKind, Report};

/// The default of [`Verify::max_objects`].
pub const DEFAULT_MAX_OBJECTS: usize = 25;
/// The default of [`Verify::timeout`].
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);
/// The default of [`Verify::max_retry_wait`].
pub const DEFAULT_MAX_RETRY_WAIT: Duration = Duration::from_secs(10);

/// A verify run to make: the upstream, the key and the options.
#[derive(Debug, Clone)]
pub struct Verify {
    upstream: String,
    key: String,
    write: bool,
    max_objects: usize,
    timeout: Duration,
    max_retry_wait: Duration,
}

/// Why a run could not be made at all (a [`Report`] holds the failures of a run that was).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VerifyError {
    /// The upstream URL is not an absolute http(s) URL.
    InvalidUpstream(String),
    /// The first request got no answer.
    Unreachable(String),
    /// The upstream refused the key (401 or 403) on the first request; nothing else was sent.
    Unauthorized {
        /// The status answered.
        status: u16,
        /// The body answered, cut short.
        body: String,
    },
    /// The first request's answer is not this API's (a 404 or 405 for
    /// `/api/profile_groups`, a redirect, or a 2xx that is not JSON).
    NotThisApi(String),
    /// The embedded spec could not be read (a build fault).
    Spec(ContractError),
    /// The HTTP client could not be made.
    Client(String),
}

impl std::fmt::Display for VerifyError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            VerifyError::InvalidUpstream(e) => write!(f, "invalid upstream URL: {e}"),
            VerifyError::Unreachable(e) => write!(f, "cannot reach the upstream: {e}"),
            VerifyError::Unauthorized { status, body } => {
                write!(f, "the upstream answered {status} to the key: {body}")
            }
            VerifyError::NotThisApi(e) => {
                write!(f, "the upstream does not look like the Postproxy API: {e}")
            }
            VerifyError::Spec(e) => e.fmt(f),
            VerifyError::Client(e) => write!(f, "cannot make an HTTP client: {e}"),
        }
    }
}

impl std::error::Error for VerifyError {}

impl Verify {
    /// A run against `upstream` (a base URL such as `https://api.postproxy.dev`) with `key`,
    /// read-only, with the default options.
    pub fn new(upstream: impl Into<String>, key: impl Into<String>) -> Verify {
        Verify {
            upstream: upstream.into(),
            key: key.into(),
            write: false,
            max_objects: DEFAULT_MAX_OBJECTS,
            timeout: DEFAULT_TIMEOUT,
            max_retry_wait: DEFAULT_MAX_RETRY_WAIT,
        }
    }

    /// Also create, get, connect and delete a throw-away group (default: off).
    pub fn write(mut self, write: bool) -> Verify {
        self.write = write;
        self
    }

    /// The most groups, and the most profiles, the walk visits (default
    /// [`DEFAULT_MAX_OBJECTS`]), so a large account stays quick to check.
    pub fn max_objects(mut self, max: usize) -> Verify {
        self.max_objects = max;
        self
    }

    /// How long one request may take, connecting included (default [`DEFAULT_TIMEOUT`]).
    pub fn timeout(mut self, timeout: Duration) -> Verify {
        self.timeout = timeout;
        self
    }

    /// The longest `Retry-After` a 429 is waited out for (default
    /// [`DEFAULT_MAX_RETRY_WAIT`]); a longer one fails the check at once.
    pub fn max_retry_wait(mut self, wait: Duration) -> Verify {
        self.max_retry_wait = wait;
        self
    }

    /// Makes the run (module docs).
    pub async fn run(&self) -> Result<Report, VerifyError> {
        let started = Instant::now();
        let base = parse_upstream(&self.upstream)?;
        let contract = Contract::embedded().map_err(VerifyError::Spec)?;
        let upstream = Upstream::new(
            base.clone(),
            self.key.clone(),
            self.timeout,
            self.max_retry_wait,
        )
        .map_err(VerifyError::Client)?;
        let mut runner = Runner {
            upstream,
            contract,
            checks: Vec::new(),
        };
        let groups = runner.first_check().await?;
        let found = runner.read_only(groups, self.max_objects).await;
        runner.error_cases(&found).await;
        if self.write {
            runner.write().await;
        }
        Ok(Report {
            upstream: base.as_str().trim_end_matches('/').to_string(),
            write: self.write,
            checks: runner.checks,
            elapsed: started.elapsed(),
        })
    }
}

fn parse_upstream(upstream: &str) -> Result<Url, VerifyError> {
    let url = Url::parse(upstream.trim())
        .map_err(|e| VerifyError::InvalidUpstream(format!("{upstream:?}: {e}")))?;
    if !matches!(url.scheme(), "http" | "https") || url.cannot_be_a_base() {
        return Err(VerifyError::InvalidUpstream(format!(
            "{upstream:?}: not an http:// or https:// URL"
        )));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(VerifyError::InvalidUpstream(format!(
            "{upstream:?}: a base URL has no query or fragment"
        )));
    }
    Ok(url)
}

/// One check to make: what it is called, the operation, the request and the status expected.
pub(crate) struct Probe {
    name: String,
    operation: &'static str,
    call: Call,
    expect: u16,
}

impl Probe {
    pub(crate) fn new(name: String, operation: &'static str, call: Call, expect: u16) -> Probe {
        Probe {
            name,
            operation,
            call,
            expect,
        }
    }
}

/// A run in progress: where requests go, the spec, and the checks made so far.
pub(crate) struct Runner {
    upstream: Upstream,
    contract: &'static Contract,
    checks: Vec<Check>,
}

impl Runner {
    /// Lists the groups: the one check whose failure to reach this API stops the run.
    async fn first_check(&mut self) -> Result<Option<Value>, VerifyError> {
        let call = walk::get(["api", "profile_groups"], &[]);
        let probe = Probe::new("list groups".into(), "list_profile_groups", call, 200);
        let exchange = self.exchange(&probe).await;
        let answer = match &exchange.result {
            Err(transport) => {
                let url = self.upstream.url(&probe.call);
                return Err(VerifyError::Unreachable(format!(
                    "{url}: {}",
                    transport.message
                )));
            }
            Ok(answer) => answer,
        };
        let said = || {
            let body = String::from_utf8_lossy(&answer.body);
            crate::contract::cut(
                body.split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ")
                    .as_str(),
            )
        };
        match answer.status {
            401 | 403 => {
                return Err(VerifyError::Unauthorized {
                    status: answer.status,
                    body: said(),
                });
            }
            404 | 405 => {
                return Err(VerifyError::NotThisApi(format!(
                    "GET {} answered {}: {}",
                    exchange.target,
                    answer.status,
                    said()
                )));
            }
            300..=399 => {
                let to = answer.location.as_deref().unwrap_or("nowhere");
                return Err(VerifyError::NotThisApi(format!(
                    "GET {} answered {}, a redirect to {to} (not followed: give the URL it \
                     redirects to)",
                    exchange.target, answer.status
                )));
            }
            _ => {}
        }
        if (200..300).contains(&answer.status) && !is_json(answer) {
            let content_type = answer.content_type.as_deref().unwrap_or("no Content-Type");
            return Err(VerifyError::NotThisApi(format!(
                "GET {} answered {} with {content_type}, not JSON: {}",
                exchange.target,
                answer.status,
                said()
            )));
        }
        Ok(self.record(probe, exchange))
    }

    /// Makes a check and records it; returns the answer's JSON body if it came with the
    /// expected status.
    async fn check(&mut self, probe: Probe) -> Option<Value> {
        let exchange = self.exchange(&probe).await;
        self.record(probe, exchange)
    }

    async fn exchange(&self, probe: &Probe) -> Exchange {
        self.upstream.send(&probe.call).await
    }

    /// Records the check of `exchange` against the contract and the expected status.
    fn record(&mut self, probe: Probe, exchange: Exchange) -> Option<Value> {
        let mut failures = Vec::new();
        let mut status = None;
        let mut body = None;
        match exchange.result {
            Err(transport) => failures.push(Failure {
                kind: if transport.timed_out {
                    FailureKind::Timeout
                } else {
                    FailureKind::Connection
                },
                pointer: None,
                message: transport.message,
            }),
            Ok(answer) => {
                status = Some(answer.status);
                failures = self.judge(&probe, &answer, exchange.wait_refused);
                if answer.status == probe.expect {
                    body = serde_json::from_slice(&answer.body).ok();
                }
            }
        }
        let result = if failures.is_empty() {
            CheckResult::Passed
        } else {
            CheckResult::Failed
        };
        self.checks.push(Check {
            name: probe.name,
            operation: probe.operation.to_string(),
            method: probe.call.method.to_string(),
            path: exchange.target,
            expected: probe.expect,
            status,
            result,
            failures,
            notes: exchange.notes,
        });
        body
    }

    /// The failures of an answer: its status against the check's expectation, then the
    /// contract's (undocumented status, not JSON, schema).
    fn judge(&self, probe: &Probe, answer: &Answer, wait_refused: Option<u64>) -> Vec<Failure> {
        let violations = self.contract.check(
            probe.operation,
            answer.status,
            answer.content_type.as_deref(),
            &answer.body,
        );
        let undocumented = violations
            .iter()
            .any(|v| v.kind == crate::contract::ViolationKind::UndocumentedStatus);
        let mut failures = Vec::new();
        if !undocumented && answer.status != probe.expect {
            failures.push(status_failure(probe.expect, answer, wait_refused));
        }
        failures.extend(violations.into_iter().map(Failure::from));
        failures
    }

    /// Records a check that could not be made, with the reason; its path is the operation's
    /// template.
    fn skip(&mut self, probe: Probe, reason: String) {
        let (method, path) = self
            .contract
            .route(probe.operation)
            .map_or((probe.call.method.to_string(), String::new()), |(m, p)| {
                (m.to_string(), p.to_string())
            });
        self.checks.push(Check {
            name: probe.name,
            operation: probe.operation.to_string(),
            method,
            path,
            expected: probe.expect,
            status: None,
            result: CheckResult::Skipped,
            failures: Vec::new(),
            notes: vec![reason],
        });
    }
}

fn status_failure(expect: u16, answer: &Answer, wait_refused: Option<u64>) -> Failure {
    let said = serde_json::from_slice::<Value>(&answer.body)
        .ok()
        .and_then(|b| b.get("error").and_then(Value::as_str).map(str::to_string))
        .map_or_else(String::new, |e| format!(": {e:?}"));
    if answer.status == 429 {
        let message = match wait_refused {
            Some(secs) => {
                format!("429 asking to wait {secs} s (Retry-After), longer than verify waits{said}")
            }
            None => format!(
                "still 429 after {} attempts{said}",
                http::RATE_LIMIT_ATTEMPTS
            ),
        };
        return Failure {
            kind: FailureKind::RateLimited,
            pointer: None,
            message,
        };
    }
    Failure {
        kind: FailureKind::UnexpectedStatus,
        pointer: None,
        message: format!("expected {expect}, got {}{said}", answer.status),
    }
}

fn is_json(answer: &Answer) -> bool {
    answer
        .content_type
        .as_deref()
        .is_some_and(is_json_media_type)
        && serde_json::from_slice::<Value>(&answer.body).is_ok()
}
