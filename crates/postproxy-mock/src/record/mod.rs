//! `postproxy-mock record`: an account read through the product API into a fixture the mock
//! serves as it is.
//!
//! [`record`] reads, with GET requests only, what the key sees of an account: its profile
//! groups, each group's profiles, the placements of every profile on a placement network
//! (facebook, linkedin, pinterest, telegram, google_business), and each profile's whole stats
//! series (one per placement on facebook, linkedin and telegram, which keep a series per
//! placement). It writes them as a fixture file (`postproxy-mock --fixtures FILE`), streamed:
//! a profile is written as soon as it is read and the file appears at `out` only when
//! complete. A mock serving it answers every GET as the upstream did (ids, stats,
//! placements, `latest_stats` and `summary_stats`, which the mock derives from the series);
//! only the keys differ: the upstream's key is never written, and the fixture gets new ones,
//! one with full access and one scoped to each group ([`Report::keys`]).
//!
//! ```
//! # #[tokio::main(flavor = "multi_thread", worker_threads = 2)]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use postproxy_mock::record::{record, RecordOptions, Rate};
//! use postproxy_mock_server::{Fixtures, MockServer};
//!
//! let upstream = MockServer::start().await; // the demo account stands in for the real API
//! let out = std::env::temp_dir().join(format!("recorded-{}.json", std::process::id()));
//! let report = record(
//!     &RecordOptions::new(upstream.base_url(), upstream.full_access_key(), &out)
//!         .rate(Rate::Unlimited)
//!         .force(true),
//! )
//! .await?;
//! assert_eq!((report.groups, report.profiles), (4, 15));
//! assert!(report.failures.is_empty());
//!
//! // Served as it is, with the new keys.
//! let served = MockServer::builder().fixtures(Fixtures::load(&out)?).start().await?;
//! let url = format!("{}/api/profiles/prof_li_001/stats?placement_id=108520199", served.base_url());
//! let stats = reqwest::Client::new().get(url).bearer_auth(&report.keys[0].key).send().await?;
//! assert_eq!(stats.status(), 200);
//! # std::fs::remove_file(&out)?;
//! # Ok(())
//! # }
//! ```
//!
//! **Time.** The fixture's account (id [`ACCOUNT_ID`]) carries a clock frozen at
//! [`Report::recorded_at`] (the upstream's `Date`), so a mock serving it answers exactly as the
//! upstream did then: no stats polling (a new snapshot per series every 23 hours), no expiry
//! (an `active` profile whose `expires_at` passes becomes `expired`). Let it run with
//! [`Report::run_clock_body`] (`PUT /__mock/accounts/{account}/clock`).
//!
//! **Pacing and failures.** Requests are paced at [`RecordOptions::rate`] across up to
//! [`RecordOptions::concurrency`] profiles in flight; a 429 pauses every request for its
//! `Retry-After` (seconds or an HTTP date; 1, 2, 4 ... s without one), up to 8 attempts and
//! 5 minutes a wait. The first request tells a wrong key (401 or 403), an unreachable upstream
//! and an upstream that is not this API ([`RecordError`]) before any file is made. Later, an
//! object that cannot be read (or that the mock could not serve) is a [`Failure`] naming it:
//! it is left out and the rest is written, unless [`RecordOptions::strict`], where the first
//! failure stops the recording and nothing is written.
//!
//! The modules: `upstream` reads the API (paced by `pace`), `walk` turns the account into an
//! ordered stream of groups and profiles, `run` takes that stream into the file `write`
//! streams, `progress` shows it on stderr, and `cli` is the subcommand.

mod cli;
mod pace;
mod progress;
pub(crate) mod run;
mod upstream;
pub(crate) mod walk;
pub(crate) mod write;

use std::path::{Path, PathBuf};
use std::time::Duration;

pub use cli::{main as cli_main, RecordArgs};
pub use pace::Rate;
pub use progress::ProgressMode;
pub use run::record;

/// The id of the recorded account in the fixture (for the control API of the mock serving it).
pub const ACCOUNT_ID: &str = "acct_recorded";

/// The default of [`RecordOptions::concurrency`]: profiles read at the same time.
pub const DEFAULT_CONCURRENCY: usize = 8;

/// What to record and how.
#[derive(Debug, Clone)]
pub struct RecordOptions {
    upstream: String,
    key: String,
    out: PathBuf,
    force: bool,
    rate: Rate,
    concurrency: usize,
    strict: bool,
    progress: ProgressMode,
}

impl RecordOptions {
    /// Record the account `key` sees at `upstream` (the API's base URL, e.g.
    /// `https://api.postproxy.dev`) into the fixture file `out`.
    pub fn new(upstream: impl Into<String>, key: impl Into<String>, out: impl AsRef<Path>) -> Self {
        Self {
            upstream: upstream.into(),
            key: key.into(),
            out: out.as_ref().to_path_buf(),
            force: false,
            rate: Rate::DEFAULT,
            concurrency: DEFAULT_CONCURRENCY,
            strict: false,
            progress: ProgressMode::Off,
        }
    }

    /// Replace `out` if it exists (default: refuse, [`RecordError::OutExists`]).
    pub fn force(mut self, force: bool) -> Self {
        self.force = force;
        self
    }

    /// Requests a second at most (default [`Rate::DEFAULT`], 10/s).
    pub fn rate(mut self, rate: Rate) -> Self {
        self.rate = rate;
        self
    }

    /// Profiles read at the same time (default [`DEFAULT_CONCURRENCY`]; at least 1).
    pub fn concurrency(mut self, concurrency: usize) -> Self {
        self.concurrency = concurrency.max(1);
        self
    }

    /// Stop at the first object that cannot be read, writing nothing (default: leave it out,
    /// write the rest and list it in [`Report::failures`]).
    pub fn strict(mut self, strict: bool) -> Self {
        self.strict = strict;
        self
    }

    /// Progress on stderr (default for the library: [`ProgressMode::Off`]).
    pub fn progress(mut self, progress: ProgressMode) -> Self {
        self.progress = progress;
        self
    }
}

/// An object that could not be recorded, and why: `profile prof_abc stats: 500 Internal
/// Server Error: ...`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// What it was, e.g. `profile prof_abc stats (placement 123)` or `group grp1 profiles`.
    pub object: String,
    /// What went wrong.
    pub message: String,
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.object, self.message)
    }
}

/// A key of the recorded account (new, random). Serialised as the programs' `--json` reports
/// show it: `{"key", "profile_group_id", "group_name"}`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct NewKey {
    /// The secret, `pp_rec_full_...` or `pp_rec_scoped_...`.
    pub key: String,
    /// The group it is scoped to; `None` for the full-access key (always the first).
    pub profile_group_id: Option<String>,
    /// That group's name.
    pub group_name: Option<String>,
}

impl NewKey {
    /// `keys` as `postproxy-mock record` and `proxy --record` print them for a person: a
    /// heading, then a line per key, aligned, with what it may access.
    pub fn listing(keys: &[NewKey]) -> String {
        let mut text =
            "API keys of the recorded account (new; the upstream's key is not in the file):\n"
                .to_string();
        let width = keys.iter().map(|k| k.key.len()).max().unwrap_or(0);
        for k in keys {
            let access = match (&k.profile_group_id, &k.group_name) {
                (Some(id), Some(name)) => format!("scoped to {id} ({name})"),
                (Some(id), None) => format!("scoped to {id}"),
                _ => "full access".into(),
            };
            text.push_str(&format!("  {:width$}  {access}\n", k.key));
        }
        text
    }
}

/// What was recorded.
#[derive(Debug, Clone)]
pub struct Report {
    /// The fixture file written.
    pub out: PathBuf,
    /// The upstream's base URL.
    pub upstream: String,
    /// When the account was read (RFC 3339, seconds): the upstream's `Date` at the first
    /// answer, or this machine's clock if it sent none.
    pub recorded_at: String,
    /// Groups, profiles, placements and stats snapshots written.
    pub groups: usize,
    /// See [`Report::groups`].
    pub profiles: usize,
    /// See [`Report::groups`].
    pub placements: usize,
    /// See [`Report::groups`].
    pub snapshots: usize,
    /// Requests sent, retries included.
    pub requests: u64,
    /// Requests sent again after a 429.
    pub retries: u64,
    /// The recorded account's keys: full access first, then one per recorded group.
    pub keys: Vec<NewKey>,
    /// Objects left out.
    pub failures: Vec<Failure>,
    /// What was recorded, but not exactly (e.g. `raw_stats`, which it does not carry).
    pub warnings: Vec<String>,
    /// How long it took.
    pub elapsed: Duration,
}

impl Report {
    /// The body of `PUT /__mock/accounts/acct_recorded/clock` that lets the recorded
    /// account's clock run on from the recording's moment (the fixture has it frozen there).
    pub fn run_clock_body(&self) -> String {
        serde_json::json!({"frozen": false}).to_string()
    }
}

/// Why nothing was recorded.
#[derive(Debug)]
pub enum RecordError {
    /// `out` exists and [`RecordOptions::force`] is off.
    OutExists(PathBuf),
    /// The upstream URL is not an http(s) URL.
    BadUpstream(String),
    /// No connection to the upstream.
    Unreachable { url: String, message: String },
    /// The upstream refused the key (401 or 403 on the first request).
    Unauthorized { status: u16, message: String },
    /// The upstream answered, but not as this API does.
    NotThisApi { url: String, message: String },
    /// The first request (the group list) failed otherwise.
    Upstream(Failure),
    /// [`RecordOptions::strict`]: this object could not be recorded.
    Strict(Failure),
    /// The file could not be written.
    Io {
        path: PathBuf,
        error: std::io::Error,
    },
}

impl RecordError {
    /// The program's exit code: 1 for a `--strict` stop and a write error, 2 when the
    /// recording could not start (the input is wrong).
    pub fn exit_code(&self) -> u8 {
        match self {
            RecordError::Strict(_) | RecordError::Io { .. } => 1,
            _ => 2,
        }
    }
}

impl std::fmt::Display for RecordError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RecordError::OutExists(path) => {
                write!(f, "{} exists; pass --force to replace it", path.display())
            }
            RecordError::BadUpstream(message) => write!(f, "invalid --upstream {message}"),
            RecordError::Unreachable { url, message } => {
                write!(f, "cannot reach the upstream at {url}: {message}")
            }
            RecordError::Unauthorized { status, message } => write!(
                f,
                "the upstream refused the key ({status} {message}); check --key \
                 (nothing was written)"
            ),
            RecordError::NotThisApi { url, message } => write!(
                f,
                "{url} does not answer as the Postproxy API does ({message}); --upstream is \
                 the API's base URL, e.g. https://api.postproxy.dev"
            ),
            RecordError::Upstream(failure) => write!(f, "{failure} (nothing was written)"),
            RecordError::Strict(failure) => {
                write!(f, "{failure} (--strict: nothing was written)")
            }
            RecordError::Io { path, error } => {
                write!(f, "cannot write {}: {error}", path.display())
            }
        }
    }
}

impl std::error::Error for RecordError {}
