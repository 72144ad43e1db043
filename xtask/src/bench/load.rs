//! One wrk load run against a server, recorded in the results with its command line.

use std::process::{Command, Stdio};

use super::report::{self, Run};
use super::{http, wrk, Ctx};

/// One load: a request (or a wrk script) and the status it must be answered with.
pub(super) struct Load<'a> {
    pub(super) name: &'a str,
    pub(super) path: String,
    pub(super) key: &'a str,
    pub(super) script: Option<&'a str>,
    pub(super) expect: u16,
}

/// Checks the load's request once, then runs wrk; `-t` is at most the connections.
pub(super) fn run_wrk(
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
pub(super) fn warm_up(addr: &str, path: &str, key: &str) {
    let _ = Command::new("wrk")
        .args(["-t1", "-c10", "-d1s", "-H"])
        .arg(format!("Authorization: Bearer {key}"))
        .arg(format!("http://{addr}{path}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
}
