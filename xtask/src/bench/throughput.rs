//! The throughput section: list profiles on the mock, the floor and Prism in rounds, the
//! mock's other reads beside them, and group churn.

use std::process::{Command, Stdio};
use std::time::Duration;

use super::fixtures::{self, SERIES_KEY, SERIES_PROFILE};
use super::load::{run_wrk, warm_up, Load};
use super::report::Results;
use super::servers::{
    mock_command, mock_command_at, spawn_printing_addr, start_mock, start_mock_at, wait_ok, Server,
};
use super::{http, Ctx, FULL_KEY, ROLLUP_PROFILE, SERIES_LEN, SERIES_WINDOW, UNKNOWN_KEY};

pub(super) fn throughput(ctx: &mut Ctx, results: &mut Results) -> Result<(), String> {
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
    // The same mock at the default log level, which logs every request (to a file here).
    ctx.record(mock_command_at(ctx, Some(&fixture), DEFAULT_LOG_LEVEL).1);
    let logging = start_mock_at(
        ctx,
        Some(&fixture),
        DEFAULT_LOG_LEVEL,
        "mock-logging",
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
    warm_up(&logging.addr, "/api/profiles", FULL_KEY);
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
            round_runs.push(run_wrk(ctx, LOGGING, &logging.addr, &list_load, c)?);
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
        for server in ["mock", LOGGING, "floor", "Prism"] {
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
    drop(logging);

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

/// The program's default `--log-level`, at which it logs every request.
const DEFAULT_LOG_LEVEL: &str = "info";

/// The server name of the mock at [`DEFAULT_LOG_LEVEL`] in the results.
pub(super) const LOGGING: &str = "mock (info)";

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
