//! The results of a run, the targets they are read against, and the number formats;
//! `render.rs` writes them as `bench/RESULTS.md`.

use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;

use super::fixtures::Scale;
use super::wrk::{median_p90, script_value, WrkReport};

/// One wrk run.
#[derive(Debug, Clone)]
pub struct Run {
    pub server: String,
    pub scenario: String,
    pub path: String,
    pub conns: u32,
    pub report: WrkReport,
    /// The body size of the checking request (not for scripted runs).
    pub bytes: Option<usize>,
    /// The status every response must have; 0 for the churn script.
    pub expect: u16,
}

impl Run {
    /// What went wrong in the run, if anything: errors, unexpected statuses.
    pub fn problem(&self) -> Option<String> {
        let r = &self.report;
        let mut problems = Vec::new();
        if r.requests == 0 {
            problems.push("no request completed".to_string());
        }
        if r.socket_errors > 0 {
            problems.push(format!("{} socket errors", r.socket_errors));
        }
        match self.expect {
            0 => {
                let failures = script_value(r, "failures");
                let creates = script_value(r, "creates").unwrap_or(0);
                if failures != Some(0) || creates == 0 {
                    problems.push(format!(
                        "churn: {creates} creates, failures {failures:?} (expected 0)"
                    ));
                }
            }
            200 if r.non_2xx > 0 => problems.push(format!("{} non-2xx responses", r.non_2xx)),
            401 if r.non_2xx != r.requests => problems.push(format!(
                "{} of {} responses were errors, expected all to be 401",
                r.non_2xx, r.requests
            )),
            _ => {}
        }
        (!problems.is_empty()).then(|| problems.join("; "))
    }

    pub(super) fn checks(&self) -> String {
        if let Some(problem) = self.problem() {
            return format!("**{problem}**");
        }
        let r = &self.report;
        match self.expect {
            0 => format!(
                "{} creates (201), {} deletes (200)",
                fmt_int(script_value(r, "creates").unwrap_or(0) as f64),
                fmt_int(script_value(r, "deletes").unwrap_or(0) as f64)
            ),
            401 => format!("all {} answered 401", fmt_int(r.requests as f64)),
            _ => format!(
                "all {} answered 200{}",
                fmt_int(r.requests as f64),
                self.bytes
                    .map(|b| format!(", {} bytes each", fmt_int(b as f64)))
                    .unwrap_or_default()
            ),
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct StartupResults {
    pub binary_ms: Vec<f64>,
    pub inproc_start_us: Vec<f64>,
    pub inproc_first_us: Vec<f64>,
}

#[derive(Debug, Clone)]
pub struct ScaleResults {
    pub scale: Scale,
    pub fixture_bytes: usize,
    pub load_ms: f64,
    pub tiny_rss_kib: u64,
    pub big_rss_kib: u64,
    pub big_hwm_kib: u64,
    pub whole_list_bytes: usize,
    pub whole_list_count: usize,
    pub runs: Vec<Run>,
}

impl Default for ScaleResults {
    fn default() -> Self {
        Self {
            scale: Scale::FULL,
            fixture_bytes: 0,
            load_ms: 0.0,
            tiny_rss_kib: 0,
            big_rss_kib: 0,
            big_hwm_kib: 0,
            whole_list_bytes: 0,
            whole_list_count: 0,
            runs: Vec::new(),
        }
    }
}

impl ScaleResults {
    pub(super) fn run(&self, scenario: &str) -> Option<&Run> {
        self.runs.iter().find(|r| r.scenario == scenario)
    }

    /// The target that scenario `a`'s p50 is at most 1.5 × scenario `b`'s.
    fn p50_ratio(&self, a: &str, b: &str, what: String, target: &str) -> Option<Target> {
        let (a, b) = (self.run(a)?, self.run(b)?);
        let ratio = a.report.p50_us / b.report.p50_us;
        Some(Target {
            what,
            target: target.into(),
            figure: format!(
                "{ratio:.2} × ({} vs {})",
                us(a.report.p50_us),
                us(b.report.p50_us)
            ),
            met: ratio <= 1.5,
        })
    }

    /// Resident bytes per profile: (VmRSS with the scale fixture - with the tiny one) / profiles.
    pub fn bytes_per_profile(&self) -> f64 {
        self.big_rss_kib.saturating_sub(self.tiny_rss_kib) as f64 * 1024.0
            / self.scale.profiles as f64
    }
}

#[derive(Debug, Clone, Default)]
pub struct Results {
    pub machine: Vec<(String, String)>,
    pub invocation: String,
    pub note: Option<String>,
    pub duration_s: u64,
    pub threads: u32,
    pub rounds: usize,
    pub list_bytes: usize,
    pub runs: Vec<Run>,
    pub prism_skipped: Option<String>,
    pub startup: Option<StartupResults>,
    pub scale: Option<ScaleResults>,
    pub load_after: String,
    pub elapsed_s: u64,
    pub commands: Vec<String>,
    pub warnings: Vec<String>,
}

impl Results {
    pub(super) fn run(&self, server: &str, scenario: &str, conns: u32) -> Option<&Run> {
        self.runs
            .iter()
            .find(|r| r.server == server && r.scenario == scenario && r.conns == conns)
    }

    pub(super) fn levels(&self) -> Vec<u32> {
        let mut levels: Vec<u32> = self.runs.iter().map(|r| r.conns).collect();
        levels.sort_unstable();
        levels.dedup();
        levels
    }
}

/// A target (of issues 6 and 12) and the figure measured for it.
pub struct Target {
    pub what: String,
    pub target: String,
    pub figure: String,
    pub met: bool,
}

/// Issue 22's throughput targets: each scenario's req/s against the floor's list req/s in the
/// same run (both built with the dist profile), at 10 connections and more.
const FLOOR_TARGETS: [(&str, f64); 3] = [
    ("list profiles", 0.9),
    ("auth failure (401)", 0.9),
    ("get profile (rollup)", 0.9),
];

pub fn targets(r: &Results) -> Vec<Target> {
    let mut t = Vec::new();
    for (scenario, min) in FLOOR_TARGETS {
        for c in r.levels().into_iter().filter(|&c| c >= 10) {
            let (Some(mock), Some(floor)) = (
                r.run("mock", scenario, c),
                r.run("floor", "list profiles", c),
            ) else {
                continue;
            };
            t.push(ratio_target(
                format!("{scenario} vs floor, {c} conn"),
                format!("≥ {min} × floor req/s"),
                (mock, floor),
                min,
            ));
        }
    }
    // Issue 22: the default log level (every request logged) costs at most 10 %.
    for c in r.levels().into_iter().filter(|&c| c >= 10) {
        let (Some(logging), Some(quiet)) = (
            r.run(super::throughput::LOGGING, "list profiles", c),
            r.run("mock", "list profiles", c),
        ) else {
            continue;
        };
        t.push(ratio_target(
            format!("list profiles at --log-level info vs warn, {c} conn"),
            "≥ 0.9 × the mock at warn".into(),
            (logging, quiet),
            0.9,
        ));
    }
    for c in r.levels() {
        let (Some(mock), Some(prism)) = (
            r.run("mock", "list profiles", c),
            r.run("Prism", "list profiles", c),
        ) else {
            continue;
        };
        t.push(ratio_target(
            format!("list profiles vs Prism, {c} conn"),
            "≥ 15 × Prism req/s".into(),
            (mock, prism),
            15.0,
        ));
    }
    t.extend(p99_targets(r));
    if let Some(s) = &r.startup {
        if let Some((median, p90)) = median_p90(&s.binary_ms) {
            t.push(Target {
                what: "standalone start to first response".into(),
                target: "< 50 ms".into(),
                figure: format!("median {median:.1} ms, p90 {p90:.1} ms"),
                met: median < 50.0,
            });
        }
        if let Some((median, p90)) = median_p90(&s.inproc_start_us) {
            t.push(Target {
                what: "in-process `MockServer::start()`".into(),
                target: "< 2 ms".into(),
                figure: format!("median {}, p90 {}", us(median), us(p90)),
                met: median < 2000.0,
            });
        }
    }
    if let Some(s) = &r.scale {
        t.extend(s.p50_ratio(
            "scale: get profile by id (last)",
            "demo: get profile by id",
            format!(
                "get by id p50 at {} profiles",
                fmt_int(s.scale.profiles as f64)
            ),
            "≤ 1.5 × demo p50",
        ));
        t.extend(s.p50_ratio(
            "scale: stats, 10 of 10 000",
            "scale: stats, 10 of 100",
            "stats window: cost follows records returned, not series length".into(),
            "10 of 10 000 ≤ 1.5 × 10 of 100 (p50)",
        ));
        let per = s.bytes_per_profile();
        t.push(Target {
            what: "resident memory per profile".into(),
            target: "< 2 KB (2 048 bytes)".into(),
            figure: format!("{} bytes", fmt_int(per)),
            met: per < 2048.0,
        });
    }
    t
}

/// A target that run `a` does at least `min` times the req/s of run `b`.
fn ratio_target(what: String, target: String, (a, b): (&Run, &Run), min: f64) -> Target {
    let ratio = a.report.rps / b.report.rps;
    Target {
        what,
        target,
        figure: format!(
            "{ratio:.2} × ({} vs {} req/s)",
            fmt_int(a.report.rps),
            fmt_int(b.report.rps)
        ),
        met: ratio >= min,
    }
}

/// Issue 12's latency target: at the top concurrency level, every scenario's p99 within 1.25 ×
/// the floor's p99 in the same run.
fn p99_targets(r: &Results) -> Vec<Target> {
    let Some(&top) = r.levels().last() else {
        return Vec::new();
    };
    let Some(floor) = r.run("floor", "list profiles", top) else {
        return Vec::new();
    };
    let limit = floor.report.p99_us * 1.25;
    r.runs
        .iter()
        .filter(|x| x.server == "mock" && x.conns == top)
        .map(|run| Target {
            what: format!("p99, {}, {top} conn", run.scenario),
            target: "≤ 1.25 × the floor's p99".into(),
            figure: format!(
                "{} (floor: {}, limit {})",
                us(run.report.p99_us),
                us(floor.report.p99_us),
                us(limit)
            ),
            met: run.report.p99_us <= limit,
        })
        .collect()
}

/// The targets as a Markdown table.
pub fn targets_table(r: &Results) -> String {
    let mut out = String::from("| target | goal | measured | met |\n| --- | --- | --- | --- |\n");
    for t in targets(r) {
        let met = if t.met { "yes" } else { "**no**" };
        let _ = writeln!(out, "| {} | {} | {} | {met} |", t.what, t.target, t.figure);
    }
    out
}

/// A latency in µs, as `812 µs`, `1.21 ms` or `2.5 s`.
pub fn us(value: f64) -> String {
    if value < 1_000.0 {
        format!("{value:.0} µs")
    } else if value < 1_000_000.0 {
        format!("{:.2} ms", value / 1e3)
    } else {
        format!("{:.2} s", value / 1e6)
    }
}

/// A number rounded to an integer, with thin thousands separators (`14 066`).
pub fn fmt_int(value: f64) -> String {
    let n = value.round() as i64;
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(' ');
        }
        out.push(ch);
    }
    if n < 0 {
        format!("-{out}")
    } else {
        out
    }
}

/// Shell-quotes an argument when it needs it.
pub fn quote(arg: &str) -> String {
    if !arg.is_empty()
        && arg
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_-./:=,@%+$".contains(c))
    {
        arg.to_string()
    } else {
        format!("'{}'", arg.replace('\'', r"'\''"))
    }
}

/// `/proc/loadavg`'s three averages.
pub fn loadavg() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "unknown".into())
}

fn command_line(program: &str, args: &[&str]) -> String {
    Command::new(program)
        .args(args)
        .output()
        .ok()
        .map(|o| {
            let text = if o.stdout.is_empty() {
                o.stderr
            } else {
                o.stdout
            };
            String::from_utf8_lossy(&text)
                .lines()
                .next()
                .unwrap_or("")
                .trim()
                .to_string()
        })
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "unknown".into())
}

/// What the figures were measured on.
pub fn machine(root: &Path) -> Vec<(String, String)> {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|c| {
            c.lines()
                .find_map(|l| l.strip_prefix("model name"))
                .map(|v| v.trim_start_matches([' ', '\t', ':']).trim().to_string())
        })
        .unwrap_or_else(|| "unknown".into());
    let cores = std::thread::available_parallelism().map_or(0, std::num::NonZero::get);
    let memory = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|m| {
            m.lines()
                .find_map(|l| l.strip_prefix("MemTotal:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        })
        .map_or("unknown".into(), |kib| {
            format!("{:.1} GiB", kib / 1024.0 / 1024.0)
        });
    let kernel = std::fs::read_to_string("/proc/sys/kernel/osrelease")
        .map(|s| s.trim().to_string())
        .unwrap_or_else(|_| "unknown".into());
    let commit = Command::new("git")
        .args(["rev-parse", "--short", "HEAD"])
        .current_dir(root)
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default();
    let dirty = Command::new("git")
        .args(["status", "--porcelain", "--untracked-files=no"])
        .current_dir(root)
        .output()
        .is_ok_and(|o| !o.stdout.is_empty());
    vec![
        (
            "date (UTC)".into(),
            command_line("date", &["-u", "+%Y-%m-%d %H:%M:%S"]),
        ),
        ("CPU".into(), cpu),
        ("cores".into(), cores.to_string()),
        ("memory".into(), memory),
        ("kernel".into(), kernel),
        ("rustc".into(), command_line("rustc", &["--version"])),
        ("wrk".into(), command_line("wrk", &["-v"])),
        (
            "commit".into(),
            format!(
                "{commit}{}",
                if dirty { " (with local changes)" } else { "" }
            ),
        ),
        ("load average before the run".into(), loadavg()),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_numbers_latencies_and_arguments() {
        assert_eq!(fmt_int(14065.57), "14 066");
        assert_eq!(fmt_int(999.0), "999");
        assert_eq!(fmt_int(1_000_000.0), "1 000 000");
        assert_eq!(us(554.0), "554 µs");
        assert_eq!(us(1210.0), "1.21 ms");
        assert_eq!(us(2.5e6), "2.50 s");
        assert_eq!(quote("-c10"), "-c10");
        assert_eq!(
            quote("Authorization: Bearer k"),
            "'Authorization: Bearer k'"
        );
        assert_eq!(quote("it's"), r"'it'\''s'");
    }

    fn run(scenario: &str, expect: u16, report: WrkReport) -> Run {
        Run {
            server: "mock".into(),
            scenario: scenario.into(),
            path: "/api/profiles".into(),
            conns: 1,
            report,
            bytes: Some(12),
            expect,
        }
    }

    fn served(requests: u64, non_2xx: u64) -> WrkReport {
        WrkReport {
            requests,
            non_2xx,
            ..WrkReport::default()
        }
    }

    #[test]
    fn a_run_names_each_problem() {
        let clean = run("list", 200, served(100, 0));
        assert_eq!(clean.problem(), None);
        assert_eq!(clean.checks(), "all 100 answered 200, 12 bytes each");
        assert_eq!(
            run("list", 200, served(100, 3)).problem().as_deref(),
            Some("3 non-2xx responses")
        );
        let broken = WrkReport {
            socket_errors: 2,
            ..served(0, 0)
        };
        assert_eq!(
            run("list", 200, broken).problem().as_deref(),
            Some("no request completed; 2 socket errors")
        );

        assert_eq!(run("401", 401, served(50, 50)).problem(), None);
        let some_200 = run("401", 401, served(50, 49));
        assert_eq!(
            some_200.problem().as_deref(),
            Some("49 of 50 responses were errors, expected all to be 401")
        );
        assert_eq!(
            some_200.checks(),
            "**49 of 50 responses were errors, expected all to be 401**"
        );

        let churn = |line: &str| {
            let report = WrkReport {
                script_lines: vec![line.to_string()],
                ..served(40, 0)
            };
            run("churn", 0, report)
        };
        let ok = churn("script churn: creates 20 deletes 20 failures 0");
        assert_eq!(ok.problem(), None);
        assert_eq!(ok.checks(), "20 creates (201), 20 deletes (200)");
        assert_eq!(
            churn("script churn: creates 20 deletes 18 failures 2")
                .problem()
                .as_deref(),
            Some("churn: 20 creates, failures Some(2) (expected 0)")
        );
        // A script that printed nothing has not shown that it worked.
        assert!(churn("").problem().is_some());
        assert!(churn("script churn: creates 0 deletes 0 failures 0")
            .problem()
            .is_some());
    }

    #[test]
    fn scale_ratio_targets_are_met_up_to_one_and_a_half() {
        let p50 = |scenario: &str, p50_us: f64| {
            let report = WrkReport {
                p50_us,
                ..served(10, 0)
            };
            run(scenario, 200, report)
        };
        let mut r = Results {
            scale: Some(ScaleResults {
                runs: vec![
                    p50("demo: get profile by id", 100.0),
                    p50("scale: get profile by id (last)", 150.0),
                    p50("scale: stats, 10 of 100", 100.0),
                    p50("scale: stats, 10 of 10 000", 151.0),
                ],
                ..ScaleResults::default()
            }),
            ..Results::default()
        };
        let met = |r: &Results| -> Vec<(String, bool)> {
            targets(r)
                .into_iter()
                .filter(|t| t.target.contains("1.5"))
                .map(|t| (t.figure, t.met))
                .collect()
        };
        assert_eq!(
            met(&r),
            [
                ("1.50 × (150 µs vs 100 µs)".to_string(), true),
                ("1.51 × (151 µs vs 100 µs)".to_string(), false),
            ]
        );
        // A missing run leaves its target out rather than reporting a figure.
        r.scale.as_mut().unwrap().runs.remove(0);
        assert_eq!(met(&r).len(), 1);
    }
}
