//! `cargo xtask bench`: measures the mock server with wrk on 127.0.0.1 against a bare axum
//! floor and Prism, times its start, and measures it at scale; writes `bench/RESULTS.md`.
//!
//! Everything runs in one go and is bounded: each load run lasts `--duration`, every server it
//! starts is its own child process, killed when its section ends. The figures are measured,
//! not asserted: targets are printed beside them.
//!
//! This file reads the options, builds, and runs the sections in order; each section is a
//! module: `throughput.rs` (the mock, the floor and Prism in rounds, the mock's other reads,
//! group churn), `startup.rs` and `scale.rs`. They start their servers with `servers.rs` and
//! measure with `load.rs` (one wrk run, its output read by [`wrk`]); [`fixtures`] writes the
//! data they load, `report.rs` holds the results and their targets, and `render.rs` writes
//! `RESULTS.md`. [`http`] is the small client that checks
//! a server answers before it is measured.

pub mod fixtures;
pub mod http;
mod load;
mod render;
mod report;
mod scale;
mod servers;
mod startup;
mod throughput;
pub mod wrk;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use crate::{cargo, cargo_metadata};
use report::Results;

pub const USAGE: &str = "\
usage: cargo xtask bench [options]

Builds the mock and the floor server with the dist profile (as packaged), runs wrk against them on 127.0.0.1 and
writes the results to bench/RESULTS.md. Needs wrk (apt-get install -y wrk); Prism is
installed into bench/node_modules with npm when npm is there.

options:
  --duration D       length of each load run: 10s (default), 1m, 5 (seconds)
  --quick            --duration 2s --startup-runs 5 --rounds 1: a smoke run of every section
  --connections L    comma-separated concurrency levels (default 1,10,50)
  --threads N        wrk threads (default 2; never more than the connections)
  --startup-runs N   starts timed for the startup figures (default 20)
  --rounds N         rounds of the mock/floor/Prism list comparison and of the mock's other
                     reads, best of them reported (default 2)
  --no-prism         skip the Prism comparison
  --only S[,S]       run only these sections: throughput, startup, scale
                     (results then go to target/bench/RESULTS.partial.md unless --out)
  --no-build         use the dist binaries already built
  --out FILE         where to write the results (default bench/RESULTS.md)
  --note TEXT        a note printed at the top of the results (e.g. \"shared machine\")";

/// The demo data's full-access key.
const FULL_KEY: &str = "pp_demo_full_0123456789abcdef";
/// A key no fixture has.
const UNKNOWN_KEY: &str = "pp_unknown_0123456789abcdef";
/// Demo profile on a placement network, with latest_stats and summary_stats.
const ROLLUP_PROFILE: &str = "prof_li_001";
/// Demo profile compared with a lookup at scale (twitter, no placements, 3 snapshots).
const DEMO_LOOKUP_PROFILE: &str = "prof654jkl";
/// Length of the series beside the demo data, and the window read from it.
pub(crate) const SERIES_LEN: usize = 10_000;
const SERIES_WINDOW: (usize, usize) = (5_000, 24);

/// The sections of a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sections {
    pub throughput: bool,
    pub startup: bool,
    pub scale: bool,
}

/// The command line of `cargo xtask bench`.
#[derive(Debug, Clone, PartialEq)]
pub struct Options {
    pub duration_s: u64,
    pub connections: Vec<u32>,
    pub threads: u32,
    pub startup_runs: usize,
    pub rounds: usize,
    pub prism: bool,
    pub build: bool,
    pub sections: Sections,
    pub out: Option<PathBuf>,
    pub note: Option<String>,
    pub args: Vec<String>,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            duration_s: 10,
            connections: vec![1, 10, 50],
            threads: 2,
            startup_runs: 20,
            rounds: 2,
            prism: true,
            build: true,
            sections: Sections {
                throughput: true,
                startup: true,
                scale: true,
            },
            out: None,
            note: None,
            args: Vec::new(),
        }
    }
}

/// Parses the arguments after `bench`.
pub fn parse_args(args: &[&str]) -> Result<Options, String> {
    let mut o = Options {
        args: args.iter().map(ToString::to_string).collect(),
        ..Options::default()
    };
    let mut duration = None;
    let mut startup_runs = None;
    let mut rounds = None;
    let mut quick = false;
    let mut it = args.iter();
    while let Some(&arg) = it.next() {
        let mut value = |name: &str| {
            it.next()
                .map(|v| v.to_string())
                .ok_or_else(|| format!("{name} needs a value"))
        };
        match arg {
            "--duration" => {
                let v = value(arg)?;
                let s = wrk::parse_duration_arg(&v)
                    .ok_or_else(|| format!("--duration {v:?}: expected e.g. 10s, 1m or 5"))?;
                // wrk takes whole seconds.
                duration = Some((s.ceil() as u64).max(1));
            }
            "--quick" => quick = true,
            "--connections" => {
                let v = value(arg)?;
                o.connections = v
                    .split(',')
                    .map(|c| c.trim().parse::<u32>().ok().filter(|&c| c > 0))
                    .collect::<Option<Vec<_>>>()
                    .filter(|l| !l.is_empty())
                    .ok_or_else(|| format!("--connections {v:?}: expected e.g. 1,10,50"))?;
            }
            "--threads" => {
                let v = value(arg)?;
                o.threads = v
                    .parse()
                    .ok()
                    .filter(|&t| t > 0)
                    .ok_or_else(|| format!("--threads {v:?}: expected a positive number"))?;
            }
            "--startup-runs" => {
                let v = value(arg)?;
                startup_runs =
                    Some(v.parse().ok().filter(|&n| n > 0).ok_or_else(|| {
                        format!("--startup-runs {v:?}: expected a positive number")
                    })?);
            }
            "--rounds" => {
                let v = value(arg)?;
                rounds = Some(
                    v.parse()
                        .ok()
                        .filter(|&n| n > 0)
                        .ok_or_else(|| format!("--rounds {v:?}: expected a positive number"))?,
                );
            }
            "--no-prism" => o.prism = false,
            "--no-build" => o.build = false,
            "--only" => {
                let v = value(arg)?;
                let mut s = Sections {
                    throughput: false,
                    startup: false,
                    scale: false,
                };
                for name in v.split(',') {
                    match name.trim() {
                        "throughput" => s.throughput = true,
                        "startup" => s.startup = true,
                        "scale" => s.scale = true,
                        other => return Err(format!("--only: unknown section {other:?}")),
                    }
                }
                o.sections = s;
            }
            "--out" => o.out = Some(PathBuf::from(value(arg)?)),
            "--note" => o.note = Some(value(arg)?),
            other => return Err(format!("unknown argument {other:?}\n\n{USAGE}")),
        }
    }
    // An explicit value wins over --quick, in either order.
    o.duration_s = duration.unwrap_or(if quick { 2 } else { o.duration_s });
    o.startup_runs = startup_runs.unwrap_or(if quick { 5 } else { o.startup_runs });
    o.rounds = rounds.unwrap_or(if quick { 1 } else { o.rounds });
    Ok(o)
}

/// Paths and binaries of a run, and every command it ran.
struct Ctx {
    root: PathBuf,
    target: PathBuf,
    work: PathBuf,
    opts: Options,
    commands: Vec<String>,
    warnings: Vec<String>,
}

impl Ctx {
    /// A binary as `build` made it: with the `dist` profile, the one `cargo xtask dist`
    /// packages (fat LTO, one codegen unit), the mock and the floor alike.
    fn bin(&self, name: &str) -> PathBuf {
        self.target.join(PROFILE).join(name)
    }

    /// How a path is shown in the results: relative to the workspace or the target dir.
    fn show(&self, path: &Path) -> String {
        if let Ok(rel) = path.strip_prefix(&self.target) {
            format!("$TARGET/{}", rel.display())
        } else if let Ok(rel) = path.strip_prefix(&self.root) {
            rel.display().to_string()
        } else {
            path.display().to_string()
        }
    }

    fn record(&mut self, command: String) -> String {
        println!("  $ {command}");
        self.commands.push(command.clone());
        command
    }

    fn warn(&mut self, message: String) {
        eprintln!("warning: {message}");
        self.warnings.push(message);
    }
}

/// `cargo xtask bench ARGS`.
pub fn run(args: &[&str]) -> Result<(), String> {
    let opts = parse_args(args)?;
    let root = crate::workspace_root();
    check_wrk()?;
    let started = Instant::now();
    let target = target_dir(&root)?;
    let work = target.join("bench");
    // Only this run's raw output in logs/.
    let _ = std::fs::remove_dir_all(work.join("logs"));
    std::fs::create_dir_all(work.join("logs")).map_err(|e| format!("{}: {e}", work.display()))?;
    let mut ctx = Ctx {
        root,
        target,
        work,
        opts,
        commands: Vec::new(),
        warnings: Vec::new(),
    };
    let runs = estimate_runs(&ctx.opts);
    println!(
        "cargo xtask bench: about {runs} load runs of {}s each (~{} min with startup and scale)",
        ctx.opts.duration_s,
        (runs as u64 * (ctx.opts.duration_s + 1) + 60).div_ceil(60)
    );
    if ctx.opts.build {
        build(&mut ctx)?;
    }
    for bin in ["postproxy-mock", "floor", "inproc-start"] {
        if !ctx.bin(bin).is_file() {
            return Err(format!(
                "{} is missing: run without --no-build",
                ctx.bin(bin).display()
            ));
        }
    }
    let mut results = Results {
        machine: report::machine(&ctx.root),
        invocation: invocation(&ctx.opts.args),
        note: ctx.opts.note.clone(),
        duration_s: ctx.opts.duration_s,
        threads: ctx.opts.threads,
        rounds: ctx.opts.rounds,
        ..Results::default()
    };
    if ctx.opts.sections.throughput {
        println!("\n== throughput and latency");
        throughput::throughput(&mut ctx, &mut results)?;
    }
    if ctx.opts.sections.startup {
        println!("\n== startup");
        results.startup = Some(startup::startup(&mut ctx)?);
    }
    if ctx.opts.sections.scale {
        println!("\n== scale");
        results.scale = Some(scale::scale(&mut ctx)?);
    }
    results.load_after = report::loadavg();
    results.elapsed_s = started.elapsed().as_secs();
    results.commands = std::mem::take(&mut ctx.commands);
    results.warnings = std::mem::take(&mut ctx.warnings);
    let sections = ctx.opts.sections;
    let all = sections.throughput && sections.startup && sections.scale;
    let out = match &ctx.opts.out {
        Some(out) => out.clone(),
        None if all => ctx.root.join("bench/RESULTS.md"),
        None => ctx.work.join("RESULTS.partial.md"),
    };
    let text = render::render(&results);
    std::fs::write(&out, &text).map_err(|e| format!("{}: {e}", out.display()))?;
    println!("\n{}", report::targets_table(&results));
    println!(
        "wrote {} ({} s; raw wrk output in {})",
        out.display(),
        results.elapsed_s,
        ctx.show(&ctx.work.join("logs"))
    );
    Ok(())
}

/// The command line as shown in the results: a note's text is shown on its own, and
/// `--out FILE` is left out.
fn invocation(args: &[String]) -> String {
    let mut shown = vec!["cargo xtask bench".to_string()];
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        // Where the results went is not how they were measured: rerunning the shown
        // command writes them to bench/RESULTS.md.
        if arg == "--out" {
            args.next();
            continue;
        }
        shown.push(report::quote(arg));
        if arg == "--note" && args.next().is_some() {
            shown.push("…".into());
        }
    }
    shown.join(" ")
}

fn estimate_runs(o: &Options) -> usize {
    let levels = o.connections.len();
    let mut runs = 0;
    if o.sections.throughput {
        // Per level: group churn once, and in each round list profiles on the mock, the
        // floor and (if run) Prism, and the mock's three other reads.
        runs += levels * (1 + o.rounds * (2 + usize::from(o.prism) + 3));
    }
    if o.sections.scale {
        // The demo lookup and the eight scale loads.
        runs += 9;
    }
    runs
}

fn check_wrk() -> Result<(), String> {
    match Command::new("wrk").arg("-v").output() {
        Ok(_) => Ok(()),
        Err(_) => Err(
            "wrk is not installed; it is the load generator of the benchmark.\n\
             Install it with: apt-get install -y wrk   (Debian/Ubuntu; brew install wrk on macOS)"
                .into(),
        ),
    }
}

fn target_dir(root: &Path) -> Result<PathBuf, String> {
    cargo_metadata(root)?["target_directory"]
        .as_str()
        .map(PathBuf::from)
        .ok_or_else(|| "cargo metadata has no target_directory".into())
}

/// The profile every benchmarked binary is built with: the mock as users get it (`cargo xtask
/// dist` packages this build) and the floor built the same way, so their ratio compares
/// request handling and nothing else.
const PROFILE: &str = "dist";

fn build(ctx: &mut Ctx) -> Result<(), String> {
    println!("== building the mock and the bench helpers with the {PROFILE} profile");
    let args = [
        "build",
        "--profile",
        PROFILE,
        "--locked",
        "-p",
        "postproxy-mock",
        "-p",
        "postproxy-bench",
        // `--bin NAME` would select that name in every package and skip the bench's binaries.
        "--bins",
    ];
    ctx.record(format!("cargo {}", args.join(" ")));
    let status = Command::new(cargo())
        .args(args)
        .current_dir(&ctx.root)
        .status()
        .map_err(|e| format!("cargo build: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("cargo build --profile {PROFILE} failed ({status})"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_command_line() {
        let o = parse_args(&[]).unwrap();
        assert_eq!((o.duration_s, o.startup_runs, o.prism), (10, 20, true));
        assert_eq!(o.connections, [1, 10, 50]);
        assert_eq!(o.rounds, 2);
        let o = parse_args(&["--quick", "--no-prism", "--connections", "4,8"]).unwrap();
        assert_eq!((o.duration_s, o.startup_runs, o.prism), (2, 5, false));
        assert_eq!(o.rounds, 1);
        assert_eq!(o.connections, [4, 8]);
        let o = parse_args(&["--quick", "--duration", "1500ms", "--only", "scale"]).unwrap();
        assert_eq!(o.duration_s, 2);
        assert!(o.sections.scale && !o.sections.throughput && !o.sections.startup);
        assert!(parse_args(&["--duration"]).is_err());
        assert!(parse_args(&["--connections", "1,x"]).is_err());
        assert!(parse_args(&["--only", "everything"]).is_err());
        assert!(parse_args(&["--fast"]).is_err());
        assert!(parse_args(&["--rounds", "0"]).is_err());
        assert!(parse_args(&["--threads", "0"]).is_err());
        assert!(parse_args(&["--startup-runs", "x"]).is_err());
        assert!(parse_args(&["--duration", "0s"]).is_err());
        // An explicit value wins over --quick, in either order.
        let o = parse_args(&["--rounds", "3", "--quick"]).unwrap();
        assert_eq!((o.rounds, o.startup_runs), (3, 5));
    }

    #[test]
    fn the_shown_invocation_leaves_the_note_and_the_output_file_out() {
        let args: Vec<String> = [
            "--quick",
            "--note",
            "a `noisy` run",
            "--out",
            "/tmp/r.md",
            "--no-prism",
        ]
        .iter()
        .map(ToString::to_string)
        .collect();
        assert_eq!(
            invocation(&args),
            "cargo xtask bench --quick --note … --no-prism"
        );
    }
}
