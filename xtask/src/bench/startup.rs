//! The startup section: the program's start to its first answer, and `MockServer::start()`
//! in-process.

use std::process::Command;
use std::time::{Duration, Instant};

use super::report::StartupResults;
use super::servers::{mock_command, start_mock};
use super::{wrk, Ctx, FULL_KEY};

pub(super) fn startup(ctx: &mut Ctx) -> Result<StartupResults, String> {
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
