//! What verify found: the [`Report`] of every [`Check`], as a table for people
//! ([`Report::table`], also its `Display`) or one JSON document for programs
//! ([`Report::to_json`]).

use std::fmt::Write as _;
use std::time::Duration;

use serde::Serialize;

use crate::contract::{Violation, ViolationKind};

/// Every check verify made against one upstream.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// The upstream's base URL.
    pub upstream: String,
    /// Whether the write checks (`--write`) ran.
    pub write: bool,
    /// The checks, in the order they were made.
    pub checks: Vec<Check>,
    /// How long the whole run took.
    #[serde(rename = "elapsed_ms", serialize_with = "millis")]
    pub elapsed: Duration,
}

/// One request and what its answer showed.
#[derive(Debug, Clone, Serialize)]
pub struct Check {
    /// What is checked, in words (`get profile prof_li_001`, `an unknown key`).
    pub name: String,
    /// The spec's operation id.
    pub operation: String,
    /// The request method.
    pub method: String,
    /// The path and query sent (never the key).
    pub path: String,
    /// The status this check expects.
    pub expected: u16,
    /// The status answered; `None` when no answer came (or the check was skipped).
    pub status: Option<u16>,
    /// Passed, failed or skipped.
    pub result: CheckResult,
    /// Why it failed; empty when it passed.
    pub failures: Vec<Failure>,
    /// What happened on the way (a 429 waited out) or why it was skipped.
    pub notes: Vec<String>,
}

/// The outcome of a [`Check`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckResult {
    /// The answer keeps the contract and has the expected status.
    Passed,
    /// At least one [`Failure`].
    Failed,
    /// Not made: nothing to make it on (say, no profile on a placement network).
    Skipped,
}

/// One way a check failed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Failure {
    /// What kind of failure.
    pub kind: FailureKind,
    /// For a schema failure, the JSON pointer of the place in the body where it breaks.
    pub pointer: Option<String>,
    /// What is wrong, in words.
    pub message: String,
}

/// The kinds of [`Failure`]: the contract's (the spec's status, content type and schema) and
/// the exchange's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FailureKind {
    /// The operation does not document the status answered.
    UndocumentedStatus,
    /// A documented status, but not the one this check expects (a 404 for an object just
    /// listed, a 200 for an unknown key).
    UnexpectedStatus,
    /// The body is not JSON by its `Content-Type` (an HTML error page, say).
    NotJson,
    /// The body claims JSON but does not parse.
    InvalidJson,
    /// The body breaks the documented schema at [`Failure::pointer`].
    Schema,
    /// Still 429 after the retries, or a `Retry-After` longer than verify waits.
    RateLimited,
    /// The connection was refused, reset or closed before a whole answer arrived.
    Connection,
    /// No whole answer within the timeout.
    Timeout,
}

impl From<Violation> for Failure {
    fn from(violation: Violation) -> Failure {
        let kind = match violation.kind {
            ViolationKind::UndocumentedStatus | ViolationKind::UnknownOperation => {
                FailureKind::UndocumentedStatus
            }
            ViolationKind::NotJson => FailureKind::NotJson,
            ViolationKind::InvalidJson => FailureKind::InvalidJson,
            // Parameter is of requests only, which verify makes itself and does not check.
            ViolationKind::Schema | ViolationKind::Parameter => FailureKind::Schema,
        };
        Failure {
            kind,
            pointer: violation.pointer,
            message: violation.message,
        }
    }
}

impl Report {
    /// True when no check failed.
    pub fn passed(&self) -> bool {
        self.checks.iter().all(|c| c.result != CheckResult::Failed)
    }

    /// Every failure with the check it belongs to, in order.
    pub fn failures(&self) -> impl Iterator<Item = (&Check, &Failure)> {
        self.checks
            .iter()
            .flat_map(|check| check.failures.iter().map(move |f| (check, f)))
    }

    /// How many checks had each result: (passed, failed, skipped).
    pub fn counts(&self) -> (usize, usize, usize) {
        let count = |r| self.checks.iter().filter(|c| c.result == r).count();
        (
            count(CheckResult::Passed),
            count(CheckResult::Failed),
            count(CheckResult::Skipped),
        )
    }

    /// The report as one JSON document: `upstream`, `passed`, `summary` (`checks`,
    /// `passed`, `failed`, `skipped`), `elapsed_ms`, `write` and `checks`, each check with its
    /// `failures` (`kind`, `pointer`, `message`).
    pub fn to_json(&self) -> serde_json::Value {
        let (passed, failed, skipped) = self.counts();
        let mut value = serde_json::to_value(self).unwrap_or_default();
        if let Some(object) = value.as_object_mut() {
            object.insert("passed".into(), self.passed().into());
            object.insert(
                "summary".into(),
                serde_json::json!({
                    "checks": self.checks.len(),
                    "passed": passed,
                    "failed": failed,
                    "skipped": skipped,
                }),
            );
        }
        value
    }

    /// The report for people: a table of the checks (check, operation, status, result), each
    /// failure with its operation, status and JSON pointer, and a summary line.
    pub fn table(&self) -> String {
        let rows: Vec<[String; 4]> = self.checks.iter().map(row).collect();
        let header = [
            "CHECK".to_string(),
            "OPERATION".into(),
            "STATUS".into(),
            "RESULT".into(),
        ];
        let mut widths = header.clone().map(|h| h.chars().count());
        for row in &rows {
            for (width, cell) in widths.iter_mut().zip(row) {
                *width = (*width).max(cell.chars().count());
            }
        }
        let mut out = String::new();
        for row in std::iter::once(&header).chain(&rows) {
            let line = format!(
                "{:w0$}  {:w1$}  {:w2$}  {}",
                row[0],
                row[1],
                row[2],
                row[3],
                w0 = widths[0],
                w1 = widths[1],
                w2 = widths[2],
            );
            out.push_str(line.trim_end());
            out.push('\n');
        }
        self.write_failures(&mut out);
        let (passed, failed, skipped) = self.counts();
        let _ = writeln!(
            out,
            "\n{} checks: {passed} passed, {failed} failed, {skipped} skipped, in {:.2} s against {}",
            self.checks.len(),
            self.elapsed.as_secs_f64(),
            self.upstream,
        );
        out
    }

    fn write_failures(&self, out: &mut String) {
        if self.passed() {
            return;
        }
        out.push_str("\nFailures:\n");
        for (check, failure) in self.failures() {
            let status = check
                .status
                .map_or_else(|| "no answer".to_string(), |s| s.to_string());
            let at = failure.pointer.as_deref().map_or_else(String::new, |p| {
                format!(" at {}", if p.is_empty() { "/" } else { p })
            });
            let _ = writeln!(
                out,
                "  {} {} ({} {}): {}{at}: {}",
                check.operation,
                status,
                check.method,
                check.path,
                kind_name(failure.kind),
                failure.message,
            );
        }
    }
}

impl std::fmt::Display for Report {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.table())
    }
}

fn row(check: &Check) -> [String; 4] {
    let status = check
        .status
        .map_or_else(|| "-".to_string(), |s| s.to_string());
    let mut result = match check.result {
        CheckResult::Passed => "ok".to_string(),
        CheckResult::Failed => {
            let kinds: Vec<&str> = check.failures.iter().map(|f| kind_name(f.kind)).collect();
            format!("FAIL ({})", dedup(kinds).join(", "))
        }
        CheckResult::Skipped => "skipped".to_string(),
    };
    if !check.notes.is_empty() {
        let _ = write!(result, "; {}", check.notes.join("; "));
    }
    [check.name.clone(), check.operation.clone(), status, result]
}

fn dedup(mut kinds: Vec<&str>) -> Vec<&str> {
    let mut seen = Vec::new();
    kinds.retain(|k| {
        let new = !seen.contains(k);
        seen.push(*k);
        new
    });
    kinds
}

/// A failure kind as the table names it (its JSON name).
pub fn kind_name(kind: FailureKind) -> &'static str {
    match kind {
        FailureKind::UndocumentedStatus => "undocumented_status",
        FailureKind::UnexpectedStatus => "unexpected_status",
        FailureKind::NotJson => "not_json",
        FailureKind::InvalidJson => "invalid_json",
        FailureKind::Schema => "schema",
        FailureKind::RateLimited => "rate_limited",
        FailureKind::Connection => "connection",
        FailureKind::Timeout => "timeout",
    }
}

fn millis<S: serde::Serializer>(elapsed: &Duration, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_u64(u64::try_from(elapsed.as_millis()).unwrap_or(u64::MAX))
}
