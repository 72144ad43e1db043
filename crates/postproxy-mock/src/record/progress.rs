//! Progress on stderr: a bar when stderr is a terminal, plain lines (at most one every two
//! seconds, and every note) otherwise, or nothing.

use std::io::Write as _;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// How `record` shows its progress on stderr.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum ProgressMode {
    /// A bar when stderr is a terminal, plain lines otherwise.
    #[default]
    Auto,
    /// A progress bar (drawn only when stderr is a terminal).
    Bar,
    /// Plain lines: a count every two seconds, waits and failures as they happen.
    Lines,
    /// Nothing but the final report.
    Off,
}

/// The least time between two plain progress lines.
const LINE_EVERY: Duration = Duration::from_secs(2);

/// The shared progress display; cheap to clone.
#[derive(Clone)]
pub(crate) struct Progress(Arc<Inner>);

struct Inner {
    view: View,
    started: Instant,
    done: AtomicU64,
    total: AtomicI64,
    last_line: Mutex<Instant>,
}

enum View {
    Bar(ProgressBar),
    Lines,
    Off,
}

impl Progress {
    pub(crate) fn new(mode: ProgressMode) -> Self {
        let terminal = std::io::IsTerminal::is_terminal(&std::io::stderr());
        let view = match mode {
            ProgressMode::Auto if terminal => View::Bar(bar()),
            ProgressMode::Bar => View::Bar(bar()),
            ProgressMode::Auto | ProgressMode::Lines => View::Lines,
            ProgressMode::Off => View::Off,
        };
        Self(Arc::new(Inner {
            view,
            started: Instant::now(),
            done: AtomicU64::new(0),
            total: AtomicI64::new(0),
            last_line: Mutex::new(Instant::now()),
        }))
    }

    /// Shows nothing.
    #[cfg(test)]
    pub(crate) fn off() -> Self {
        Self::new(ProgressMode::Off)
    }

    /// A message of its own line (a wait, a failure, a warning).
    pub(crate) fn note(&self, message: &str) {
        match &self.0.view {
            View::Bar(bar) => bar.println(format!("record: {message}")),
            View::Lines => line(&format!("record: {message}")),
            View::Off => {}
        }
    }

    /// Adds to the number of profiles expected (the groups' `profiles_count`, corrected as
    /// their lists arrive).
    pub(crate) fn expect(&self, delta: i64) {
        let total = self.0.total.fetch_add(delta, Ordering::Relaxed) + delta;
        if let View::Bar(bar) = &self.0.view {
            bar.set_length(total.max(0).unsigned_abs());
        }
    }

    /// One more profile recorded (or failed).
    pub(crate) fn profile_done(&self, requests: u64) {
        let done = self.0.done.fetch_add(1, Ordering::Relaxed) + 1;
        match &self.0.view {
            View::Bar(bar) => {
                bar.set_position(done);
                bar.set_message(format!("{requests} requests"));
            }
            View::Lines => {
                let mut last = self.0.last_line.lock().unwrap_or_else(|e| e.into_inner());
                if last.elapsed() >= LINE_EVERY {
                    *last = Instant::now();
                    drop(last);
                    self.count_line(done, requests);
                }
            }
            View::Off => {}
        }
    }

    /// The last count; the bar is cleared.
    pub(crate) fn finish(&self, requests: u64) {
        let done = self.0.done.load(Ordering::Relaxed);
        match &self.0.view {
            View::Bar(bar) => bar.finish_and_clear(),
            View::Lines => self.count_line(done, requests),
            View::Off => {}
        }
    }

    fn count_line(&self, done: u64, requests: u64) {
        let total = self
            .0
            .total
            .load(Ordering::Relaxed)
            .max(0)
            .unsigned_abs()
            .max(done);
        line(&format!(
            "record: {done}/{total} profiles, {requests} requests, {:.1} s",
            self.0.started.elapsed().as_secs_f64()
        ));
    }
}

/// One line on stderr; a closed stderr is not an error worth stopping for.
fn line(text: &str) {
    let _ = writeln!(std::io::stderr(), "{text}");
}

fn bar() -> ProgressBar {
    let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr());
    let style = ProgressStyle::with_template(
        "record {bar:30} {pos}/{len} profiles, {msg}, {elapsed} (eta {eta})",
    )
    .unwrap_or_else(|_| ProgressStyle::default_bar());
    bar.set_style(style);
    bar.set_message("0 requests");
    bar.enable_steady_tick(Duration::from_millis(250));
    bar
}
