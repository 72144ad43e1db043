//! `cargo xtask bench`: measures the mock server with wrk on 127.0.0.1 against a bare axum
//! floor and Prism, times its start, and measures it at scale; writes `bench/RESULTS.md`.
//!
//! Everything runs in one go and is bounded: each load run lasts `--duration`, every server it
//! starts is its own child process, killed when its section ends. The figures are measured,
//! not asserted: targets are printed beside them.

pub mod fixtures;
pub mod http;
mod report;
pub mod wrk;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use crate::{cargo, cargo_metadata};
use fixtures::{Scale, SCALE_KEY, SERIES_KEY, SERIES_PROFILE};
use report::{Results, Run, ScaleResults, StartupResults};

pub const USAGE: &str = "\
usage: cargo xtask bench [options]

Builds the mock (and the floor server) in release, runs wrk against them on 127.0.0.1 and
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
  --no-build         use the release binaries already built
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
    fn bin(&self, name: &str) -> PathBuf {
        self.target.join("release").join(name)
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
        throughput(&mut ctx, &mut results)?;
    }
    if ctx.opts.sections.startup {
        println!("\n== startup");
        results.startup = Some(startup(&mut ctx)?);
    }
    if ctx.opts.sections.scale {
        println!("\n== scale");
        results.scale = Some(scale(&mut ctx)?);
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
    let text = report::render(&results);
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

/// The command line as shown in the results: a note's text is shown on its own.
fn invocation(args: &[String]) -> String {
    let mut shown = vec!["cargo xtask bench".to_string()];
    let mut args = args.iter();
    while let Some(arg) = args.next() {
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

fn build(ctx: &mut Ctx) -> Result<(), String> {
    println!("== building the mock and the bench helpers in release");
    let args = [
        "build",
        "--release",
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
        Err(format!("cargo build --release failed ({status})"))
    }
}

/// A server this run started; killed when dropped.
struct Server {
    child: Child,
    addr: String,
}

impl Server {
    fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Spawns `command`, whose stdout prints `{prefix}ADDR`; stderr goes to `logs/{log}.stderr`.
fn spawn_printing_addr(
    ctx: &mut Ctx,
    mut command: Command,
    shown: String,
    prefix: &'static str,
    log: &str,
) -> Result<Server, String> {
    let log_path = ctx.work.join("logs").join(format!("{log}.stderr"));
    let stderr =
        std::fs::File::create(&log_path).map_err(|e| format!("{}: {e}", log_path.display()))?;
    let mut child = command
        .current_dir(&ctx.root)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(stderr)
        .spawn()
        .map_err(|e| format!("{shown}: {e}"))?;
    let stdout = child.stdout.take().expect("piped stdout");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut reader = BufReader::new(stdout);
        let mut line = String::new();
        let mut tx = Some(tx);
        // Read to the end, so the child never blocks on a full pipe.
        while reader.read_line(&mut line).is_ok_and(|n| n > 0) {
            if let Some(addr) = line.trim().strip_prefix(prefix) {
                if let Some(tx) = tx.take() {
                    let _ = tx.send(addr.to_string());
                }
            }
            line.clear();
        }
    });
    let mut server = Server {
        child,
        addr: String::new(),
    };
    match rx.recv_timeout(Duration::from_secs(300)) {
        Ok(addr) => {
            server.addr = addr;
            Ok(server)
        }
        Err(_) => Err(format!(
            "{shown} printed no address (see {})",
            log_path.display()
        )),
    }
}

/// The mock's command line, as run and as shown in the results.
fn mock_command(ctx: &Ctx, fixtures: Option<&Path>) -> (Command, String) {
    let bin = ctx.bin("postproxy-mock");
    let mut command = Command::new(&bin);
    command.args(["--port", "0", "--log-level", "warn"]);
    let mut shown = format!("{} --port 0 --log-level warn", ctx.show(&bin));
    if let Some(file) = fixtures {
        command.arg("--fixtures").arg(file);
        shown.push_str(&format!(" --fixtures {}", ctx.show(file)));
    }
    (command, shown)
}

/// Spawns the mock and waits until `GET path` with `key` answers 200.
fn start_mock(
    ctx: &mut Ctx,
    fixtures: Option<&Path>,
    log: &str,
    (path, key): (&str, &str),
    timeout: Duration,
) -> Result<Server, String> {
    let (command, shown) = mock_command(ctx, fixtures);
    let server = spawn_printing_addr(
        ctx,
        command,
        shown,
        "postproxy-mock listening on http://",
        log,
    )?;
    wait_ok(&server.addr, path, key, timeout)?;
    Ok(server)
}

/// Polls `GET path` until it answers 200.
fn wait_ok(addr: &str, path: &str, key: &str, timeout: Duration) -> Result<(), String> {
    let t0 = Instant::now();
    loop {
        match http::get(addr, path, key) {
            Ok(r) if r.status == 200 => return Ok(()),
            Ok(r) if t0.elapsed() > timeout => {
                return Err(format!("GET {path} on {addr} answered {}", r.status))
            }
            Err(e) if t0.elapsed() > timeout => return Err(e),
            _ => std::thread::sleep(Duration::from_millis(1)),
        }
    }
}

/// One load: a request (or a wrk script) and the status it must be answered with.
struct Load<'a> {
    name: &'a str,
    path: String,
    key: &'a str,
    script: Option<&'a str>,
    expect: u16,
}

/// Checks the load's request once, then runs wrk; `-t` is at most the connections.
fn run_wrk(
    ctx: &mut Ctx,
    server: &str,
    addr: &str,
    load: &Load,
    conns: u32,
) -> Result<Run, String> {
    let threads = ctx.opts.threads.min(conns);
    let mut check_bytes = None;
    if load.script.is_none() {
        let r = http::get(addr, &load.path, load.key)?;
        if r.status != load.expect {
            return Err(format!(
                "{server}: GET {} answered {}, expected {}: {}",
                load.path,
                r.status,
                load.expect,
                String::from_utf8_lossy(&r.body[..r.body.len().min(300)])
            ));
        }
        check_bytes = Some(r.body.len());
    }
    let mut args: Vec<String> = vec![
        format!("-t{threads}"),
        format!("-c{conns}"),
        format!("-d{}s", ctx.opts.duration_s),
        "--timeout".into(),
        "10s".into(),
        "--latency".into(),
        "-H".into(),
        format!("Authorization: Bearer {}", load.key),
    ];
    let mut shown_args = args.clone();
    if let Some(script) = load.script {
        let path = ctx.root.join(script);
        args.push("-s".into());
        args.push(path.display().to_string());
        shown_args.push("-s".into());
        shown_args.push(script.into());
    }
    let url = format!("http://{addr}{}", load.path);
    args.push(url.clone());
    shown_args.push(url);
    let command = ctx.record(format!(
        "wrk {}",
        shown_args
            .iter()
            .map(|a| report::quote(a))
            .collect::<Vec<_>>()
            .join(" ")
    ));
    let output = Command::new("wrk")
        .args(&args)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("wrk: {e}"))?;
    let stdout = String::from_utf8_lossy(&output.stdout).to_string();
    let log = ctx.work.join("logs").join(format!(
        "{:02}-{}-{}-c{conns}.txt",
        ctx.commands.len(),
        server.replace(' ', "_"),
        load.name.replace([' ', '/'], "_")
    ));
    let _ = std::fs::write(
        &log,
        format!(
            "{command}\n\n{stdout}\n{}",
            String::from_utf8_lossy(&output.stderr)
        ),
    );
    if !output.status.success() {
        return Err(format!(
            "wrk failed ({}): {}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    let report = wrk::parse(&stdout).map_err(|e| format!("{e}; see {}", log.display()))?;
    let run = Run {
        server: server.to_string(),
        scenario: load.name.to_string(),
        path: load.path.clone(),
        conns,
        report,
        bytes: check_bytes,
        expect: load.expect,
    };
    if let Some(problem) = run.problem() {
        ctx.warn(format!("{server} {} c={conns}: {problem}", load.name));
    }
    println!(
        "  -> {:.0} req/s, p50 {}, p99 {}",
        run.report.rps,
        report::us(run.report.p50_us),
        report::us(run.report.p99_us)
    );
    Ok(run)
}

/// A short unrecorded run, so the first measurement does not pay for warm-up.
fn warm_up(addr: &str, path: &str, key: &str) {
    let _ = Command::new("wrk")
        .args(["-t1", "-c10", "-d1s", "-H"])
        .arg(format!("Authorization: Bearer {key}"))
        .arg(format!("http://{addr}{path}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
}

fn throughput(ctx: &mut Ctx, results: &mut Results) -> Result<(), String> {
    let fixture = ctx.work.join("demo-with-series.json");
    let demo = std::fs::read_to_string(
        ctx.root
            .join("crates/postproxy-mock-server/fixtures/demo.json"),
    )
    .map_err(|e| format!("the demo fixtures: {e}"))?;
    std::fs::write(&fixture, fixtures::demo_with_series(&demo, SERIES_LEN)?)
        .map_err(|e| format!("{}: {e}", fixture.display()))?;

    ctx.record(mock_command(ctx, Some(&fixture)).1);
    let mock = start_mock(
        ctx,
        Some(&fixture),
        "mock-throughput",
        ("/api/profiles", FULL_KEY),
        Duration::from_secs(30),
    )?;
    let list = http::get(&mock.addr, "/api/profiles", FULL_KEY)?;
    let body_file = ctx.work.join("list-body.json");
    std::fs::write(&body_file, &list.body).map_err(|e| e.to_string())?;
    results.list_bytes = list.body.len();

    let floor_bin = ctx.bin("floor");
    let mut command = Command::new(&floor_bin);
    command.arg(&body_file);
    let shown = format!("{} {}", ctx.show(&floor_bin), ctx.show(&body_file));
    let floor = spawn_printing_addr(
        ctx,
        command,
        shown.clone(),
        "floor listening on http://",
        "floor",
    )?;
    ctx.record(shown);
    let floor_body = http::get(&floor.addr, "/api/profiles", FULL_KEY)?;
    if floor_body.body != list.body {
        return Err("the floor does not serve the mock's list body".into());
    }

    let prism = if ctx.opts.prism {
        match start_prism(ctx, results) {
            Ok(server) => Some(server),
            Err(e) => {
                let message = format!("Prism skipped: {e}");
                ctx.warn(message.clone());
                results.prism_skipped = Some(message);
                None
            }
        }
    } else {
        results.prism_skipped = Some("Prism skipped (--no-prism)".into());
        None
    };

    let list_load = Load {
        name: "list profiles",
        path: "/api/profiles".into(),
        key: FULL_KEY,
        script: None,
        expect: 200,
    };
    warm_up(&mock.addr, "/api/profiles", FULL_KEY);
    warm_up(&floor.addr, "/api/profiles", FULL_KEY);
    if let Some(prism) = &prism {
        warm_up(&prism.addr, "/api/profiles", FULL_KEY);
    }
    let levels = ctx.opts.connections.clone();
    let rounds = ctx.opts.rounds;
    let (first, len) = SERIES_WINDOW;
    // Compared with the floor, so measured as it is: in every round, beside it.
    let mock_reads = [
        Load {
            name: "get profile (rollup)",
            path: format!("/api/profiles/{ROLLUP_PROFILE}"),
            key: FULL_KEY,
            script: None,
            expect: 200,
        },
        Load {
            name: "stats window",
            path: format!(
                "/api/profiles/{SERIES_PROFILE}/stats?{}",
                fixtures::window_query(first, len)
            ),
            key: SERIES_KEY,
            script: None,
            expect: 200,
        },
        Load {
            name: "auth failure (401)",
            path: "/api/profiles".into(),
            key: UNKNOWN_KEY,
            script: None,
            expect: 401,
        },
    ];
    let mut round_runs = Vec::new();
    for round in 1..=rounds {
        if rounds > 1 {
            println!("  round {round} of {rounds}");
        }
        for &c in &levels {
            round_runs.push(run_wrk(ctx, "mock", &mock.addr, &list_load, c)?);
            round_runs.push(run_wrk(ctx, "floor", &floor.addr, &list_load, c)?);
            if let Some(prism) = &prism {
                round_runs.push(run_wrk(ctx, "Prism", &prism.addr, &list_load, c)?);
                // Prism keeps working off its backlog after wrk stops (its p99 reaches
                // hundreds of ms at 50 connections): the next run waits for it to finish.
                std::thread::sleep(PRISM_SETTLE);
            }
            for load in &mock_reads {
                round_runs.push(run_wrk(ctx, "mock", &mock.addr, load, c)?);
            }
        }
    }
    // The best round of each server and scenario at each level: other work on the machine
    // only ever slows a run down.
    let scenarios = std::iter::once(&list_load).chain(&mock_reads);
    for load in scenarios {
        for server in ["mock", "floor", "Prism"] {
            for &c in &levels {
                let best = round_runs
                    .iter()
                    .filter(|r| r.server == server && r.scenario == load.name && r.conns == c)
                    .max_by(|a, b| a.report.rps.total_cmp(&b.report.rps));
                if let Some(best) = best {
                    results.runs.push(best.clone());
                }
            }
        }
    }
    drop(prism);
    drop(floor);

    // Last, once: it changes the state (and leaves at most one group per connection behind).
    let churn = Load {
        name: "group churn",
        path: "/".into(),
        key: FULL_KEY,
        script: Some("bench/wrk/churn.lua"),
        expect: 0,
    };
    for &c in &levels {
        let run = run_wrk(ctx, "mock", &mock.addr, &churn, c)?;
        results.runs.push(run);
    }
    Ok(())
}

/// How long the next run waits after a Prism run (see where it is used).
const PRISM_SETTLE: std::time::Duration = std::time::Duration::from_secs(3);

fn start_prism(ctx: &mut Ctx, results: &mut Results) -> Result<Server, String> {
    let bench = ctx.root.join("bench");
    let prism = bench.join("node_modules/.bin/prism");
    if !prism.is_file() {
        if Command::new("npm").arg("--version").output().is_err() {
            return Err("npm is not installed (apt-get install -y npm), or pass --no-prism".into());
        }
        println!("  installing Prism into bench/node_modules (npm ci)");
        ctx.record("npm ci --no-audit --no-fund   # in bench/".into());
        let status = Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund"])
            .current_dir(&bench)
            .status()
            .map_err(|e| format!("npm ci: {e}"))?;
        if !status.success() || !prism.is_file() {
            return Err(format!("npm ci in bench/ failed ({status})"));
        }
    }
    if let Ok(out) = Command::new(&prism).arg("--version").output() {
        let version = String::from_utf8_lossy(&out.stdout).trim().to_string();
        results
            .machine
            .push(("Prism".into(), format!("@stoplight/prism-cli {version}")));
    }
    if let Ok(out) = Command::new("node").arg("--version").output() {
        results.machine.push((
            "Node.js".into(),
            String::from_utf8_lossy(&out.stdout).trim().to_string(),
        ));
    }
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map_err(|e| e.to_string())?
        .port();
    let log_path = ctx.work.join("logs/prism.log");
    let log = std::fs::File::create(&log_path).map_err(|e| e.to_string())?;
    let log2 = log.try_clone().map_err(|e| e.to_string())?;
    let port_text = port.to_string();
    let args = [
        "mock",
        "-p",
        &port_text,
        "-h",
        "127.0.0.1",
        "-v",
        "warn",
        "openapi/postproxy.yaml",
    ];
    ctx.record(format!("bench/node_modules/.bin/prism {}", args.join(" ")));
    let child = Command::new(&prism)
        .args(args)
        .current_dir(&ctx.root)
        .stdin(Stdio::null())
        .stdout(log)
        .stderr(log2)
        .spawn()
        .map_err(|e| format!("prism: {e}"))?;
    let server = Server {
        child,
        addr: format!("127.0.0.1:{port}"),
    };
    wait_ok(
        &server.addr,
        "/api/profiles",
        FULL_KEY,
        Duration::from_secs(60),
    )
    .map_err(|e| format!("Prism did not answer: {e} (see {})", log_path.display()))?;
    Ok(server)
}

fn startup(ctx: &mut Ctx) -> Result<StartupResults, String> {
    let runs = ctx.opts.startup_runs;
    let mut binary_ms = Vec::with_capacity(runs);
    ctx.record(format!(
        "{}   # x{runs}: spawn to the first 200 of GET /api/profiles",
        mock_command(ctx, None).1
    ));
    for _ in 0..runs {
        let t0 = Instant::now();
        let server = start_mock(
            ctx,
            None,
            "mock-startup",
            ("/api/profiles", FULL_KEY),
            Duration::from_secs(30),
        )?;
        binary_ms.push(t0.elapsed().as_secs_f64() * 1e3);
        drop(server);
    }
    let bin = ctx.bin("inproc-start");
    ctx.record(format!("{} {runs}", ctx.show(&bin)));
    let output = Command::new(&bin)
        .arg(runs.to_string())
        .output()
        .map_err(|e| format!("inproc-start: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "inproc-start failed: {}",
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    let json: serde_json::Value = serde_json::from_slice(&output.stdout)
        .map_err(|e| format!("inproc-start printed no JSON: {e}"))?;
    let samples = |name: &str| -> Vec<f64> {
        json[name]
            .as_array()
            .map(|a| a.iter().filter_map(serde_json::Value::as_f64).collect())
            .unwrap_or_default()
    };
    let s = StartupResults {
        binary_ms,
        inproc_start_us: samples("start_us"),
        inproc_first_us: samples("first_response_us"),
    };
    let (m, p) = wrk::median_p90(&s.binary_ms).unwrap_or_default();
    println!("  -> binary: median {m:.1} ms, p90 {p:.1} ms");
    let (m, p) = wrk::median_p90(&s.inproc_start_us).unwrap_or_default();
    println!("  -> in-process start(): median {m:.0} us, p90 {p:.0} us");
    Ok(s)
}

/// VmRSS and VmHWM of a process, in KiB.
fn memory_kib(pid: u32) -> Result<(u64, u64), String> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))
        .map_err(|e| format!("/proc/{pid}/status: {e}"))?;
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
            .ok_or_else(|| format!("/proc/{pid}/status has no {name}"))
    };
    Ok((field("VmRSS:")?, field("VmHWM:")?))
}

fn scale(ctx: &mut Ctx) -> Result<ScaleResults, String> {
    let scale = Scale::FULL;
    let mut s = ScaleResults {
        scale,
        ..ScaleResults::default()
    };
    let tiny = ctx.work.join("tiny.json");
    std::fs::write(&tiny, fixtures::tiny_fixture()).map_err(|e| e.to_string())?;
    let big = ctx.work.join("scale.json");
    println!(
        "  generating {} ({} profiles, {} groups)",
        ctx.show(&big),
        scale.profiles,
        scale.groups
    );
    let text = fixtures::scale_fixture(scale);
    s.fixture_bytes = text.len();
    std::fs::write(&big, text).map_err(|e| e.to_string())?;

    // Memory baseline.
    {
        ctx.record(format!(
            "{}   # then VmRSS from /proc/PID/status",
            mock_command(ctx, Some(&tiny)).1
        ));
        let server = start_mock(
            ctx,
            Some(&tiny),
            "mock-tiny",
            ("/api/profile_groups", SCALE_KEY),
            Duration::from_secs(30),
        )?;
        (s.tiny_rss_kib, _) = memory_kib(server.pid())?;
    }

    // The demo lookup figure, measured the same way as the one at scale.
    {
        let server = start_mock(
            ctx,
            None,
            "mock-demo",
            ("/api/profiles", FULL_KEY),
            Duration::from_secs(30),
        )?;
        warm_up(&server.addr, "/api/profiles", FULL_KEY);
        let load = Load {
            name: "demo: get profile by id",
            path: format!("/api/profiles/{DEMO_LOOKUP_PROFILE}"),
            key: FULL_KEY,
            script: None,
            expect: 200,
        };
        let run = run_wrk(ctx, "mock", &server.addr, &load, 1)?;
        s.runs.push(run);
    }

    ctx.record(format!(
        "{}   # then VmRSS from /proc/PID/status",
        mock_command(ctx, Some(&big)).1
    ));
    let t0 = Instant::now();
    let server = start_mock(
        ctx,
        Some(&big),
        "mock-scale",
        ("/api/profile_groups", SCALE_KEY),
        Duration::from_secs(300),
    )?;
    s.load_ms = t0.elapsed().as_secs_f64() * 1e3;
    (s.big_rss_kib, s.big_hwm_kib) = memory_kib(server.pid())?;
    println!(
        "  -> {} profiles loaded in {:.0} ms; VmRSS {} KiB (tiny fixture: {} KiB)",
        scale.profiles, s.load_ms, s.big_rss_kib, s.tiny_rss_kib
    );
    let whole = http::get(&server.addr, "/api/profiles", SCALE_KEY)?;
    s.whole_list_bytes = whole.body.len();
    s.whole_list_count = serde_json::from_slice::<serde_json::Value>(&whole.body)
        .ok()
        .and_then(|v| v["data"].as_array().map(Vec::len))
        .unwrap_or(0);
    warm_up(
        &server.addr,
        &format!("/api/profiles/{}", Scale::profile_id(2)),
        SCALE_KEY,
    );

    let long = scale.long_series_profile();
    let short = scale.short_series_profile();
    let mid_group = Scale::group_id(scale.groups / 2);
    let loads = [
        (
            "scale: get profile by id (last)",
            format!("/api/profiles/{}", scale.last_profile()),
        ),
        (
            "scale: get profile by id (first)",
            format!("/api/profiles/{}", Scale::profile_id(2)),
        ),
        (
            "scale: stats, 10 of 10 000",
            format!(
                "/api/profiles/{long}/stats?{}",
                fixtures::window_query(5_000, 10)
            ),
        ),
        (
            "scale: stats, 1 000 of 10 000",
            format!(
                "/api/profiles/{long}/stats?{}",
                fixtures::window_query(4_000, 1_000)
            ),
        ),
        (
            "scale: stats, 10 of 100",
            format!(
                "/api/profiles/{short}/stats?{}",
                fixtures::window_query(50, 10)
            ),
        ),
        (
            "scale: list, group of 100",
            format!("/api/profiles?profile_group_id={mid_group}"),
        ),
        ("scale: list, whole account", "/api/profiles".to_string()),
        (
            "scale: list groups (1 000)",
            "/api/profile_groups".to_string(),
        ),
    ];
    for (name, path) in loads {
        let load = Load {
            name,
            path,
            key: SCALE_KEY,
            script: None,
            expect: 200,
        };
        let run = run_wrk(ctx, "mock", &server.addr, &load, 1)?;
        s.runs.push(run);
    }
    Ok(s)
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
    fn the_shown_invocation_leaves_the_note_out() {
        let args: Vec<String> = ["--quick", "--note", "a `noisy` run", "--no-prism"]
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            invocation(&args),
            "cargo xtask bench --quick --note … --no-prism"
        );
    }
}
