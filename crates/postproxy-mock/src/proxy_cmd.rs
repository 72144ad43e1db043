//! `postproxy-mock proxy`: the command line of [`postproxy_mock::proxy`], served as the main
//! program serves (the ready line, the ways it stops).

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use postproxy_mock::proxy::{LogFormat, Proxy, ProxyError, ProxyHandle, Recording, Summary};
use postproxy_mock::record::NewKey;
use serde_json::json;

use crate::ready;

/// Serve a validating proxy in front of a Postproxy service
///
/// Forwards every request to --upstream unchanged and returns its answers unchanged, and
/// reports each request or answer that breaks the spec (an undocumented path, method or
/// status, a bad parameter, a body that is not JSON or breaks its schema, a 429): a line on
/// stderr each, with the operation, the status and the JSON pointer (--json-log: one JSON
/// object a line), and a list at GET /__mock/proxy/violations on the proxy (DELETE clears it;
/// GET /__mock/proxy has the counts). Requests under /__mock/ are the proxy's own and never
/// forwarded. An upstream that cannot be reached or drops the connection is answered 502 (504
/// after --timeout) with the spec's error body, {"error": "..."}, and reported.
///
/// With --record FILE, what the answers show of the account (groups, profiles, placements,
/// stats series) is written to FILE as a fixture when the proxy stops (Ctrl-C, SIGTERM, or
/// standard input closing with --exit-on-stdin-close), with new API keys: serve it with
/// `postproxy-mock --fixtures FILE`. It holds only what passed through.
///
/// Exit status: 0 after a clean stop; 1 when it cannot listen or the recording cannot be
/// written; 2 for a usage error (an upstream that is not an http(s) URL).
///
/// Examples:
///   postproxy-mock proxy --upstream https://api.postproxy.dev --port 8081
///   postproxy-mock proxy --upstream http://127.0.0.1:8080 --record seen.json --json-log
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct ProxyArgs {
    /// The service's base URL, such as https://api.postproxy.dev or http://127.0.0.1:8080.
    #[arg(long, value_name = "URL")]
    upstream: String,

    /// The address to listen on.
    #[arg(long, default_value = "127.0.0.1")]
    host: IpAddr,

    /// The port to listen on; 0 picks a free port (the bound address is printed).
    #[arg(long, default_value_t = 8081)]
    port: u16,

    /// Write what the answers show of the account to FILE as a fixture when the proxy stops
    /// (replacing it).
    #[arg(long, value_name = "FILE")]
    record: Option<PathBuf>,

    /// Write the violations (and notes, and the summary at the end) to stderr as one JSON
    /// object a line: {"event": "violation", "seq", "at", "side", "kind", "method", "path",
    /// "operation", "status", "pointer", "message"}.
    #[arg(long)]
    json_log: bool,

    /// Seconds the upstream has to give a whole answer, connecting included; then 504.
    #[arg(long, value_name = "SECS", default_value_t = 60,
          value_parser = clap::value_parser!(u64).range(1..))]
    timeout: u64,

    /// The most violations the control API keeps (the oldest are dropped, and counted).
    #[arg(long, value_name = "N", default_value_t = postproxy_mock::proxy::DEFAULT_MAX_VIOLATIONS)]
    max_violations: usize,

    /// Once it accepts connections, print exactly one line of JSON on stdout and nothing else
    /// there: {"base_url", "control_url", "listen_url", "upstream", "pid"}. The human summary
    /// goes to stderr.
    #[arg(long)]
    ready_json: bool,

    /// Stop (and write --record) when standard input reaches its end.
    #[arg(long)]
    exit_on_stdin_close: bool,
}

/// Runs `postproxy-mock proxy` until it is stopped.
pub fn run(args: ProxyArgs) -> ExitCode {
    crate::raise_open_file_limit();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => return ready::fail(&format!("cannot start the runtime: {e}")),
    };
    let code = runtime.block_on(serve(args));
    // The stdin reader may still be blocked in read(2); it must not hold the process.
    runtime.shutdown_background();
    code
}

async fn serve(args: ProxyArgs) -> ExitCode {
    let mut proxy = Proxy::new(&args.upstream)
        .bind(SocketAddr::new(args.host, args.port))
        .log(if args.json_log {
            LogFormat::Json
        } else {
            LogFormat::Text
        })
        .max_violations(args.max_violations)
        .timeout(Duration::from_secs(args.timeout));
    if let Some(path) = &args.record {
        proxy = proxy.record(path);
    }
    let handle = match proxy.start().await {
        Ok(handle) => handle,
        Err(e @ ProxyError::InvalidUpstream(_)) => return ready::usage(&format!("proxy: {e}")),
        Err(e) => return ready::fail(&format!("proxy: {e}")),
    };
    // Registered before the ready line, so that a signal sent right after it is never lost.
    let stop = crate::stop_signal(args.exit_on_stdin_close);
    report_ready(&handle, &args);
    let why = stop.await;
    log(&args, &format!("shutting down ({why})"));
    match handle.shutdown().await {
        Ok(summary) => {
            log_summary(&args, &summary);
            ExitCode::SUCCESS
        }
        Err(e) => ready::fail(&format!("proxy: {e}")),
    }
}

/// The ready line (`--ready-json`) or the human summary.
fn report_ready(handle: &ProxyHandle, args: &ProxyArgs) {
    let base = handle.base_url();
    let mut human = format!(
        "postproxy-mock proxy listening on {base}, forwarding to {}\nviolations: \
         {base}/__mock/proxy/violations",
        handle.upstream()
    );
    if let Some(path) = &args.record {
        human.push_str(&format!(
            "\nrecording what passes through into {} when it stops",
            path.display()
        ));
    }
    if args.ready_json {
        let line = json!({
            "base_url": base,
            "control_url": format!("{base}/__mock"),
            "listen_url": base,
            "upstream": handle.upstream(),
            "pid": std::process::id(),
        });
        ready::write_line(&mut std::io::stdout().lock(), &line.to_string());
        ready::write_line(&mut std::io::stderr().lock(), &human);
    } else {
        ready::write_line(&mut std::io::stdout().lock(), &human);
    }
}

/// A line on stderr, in the log's format.
fn log(args: &ProxyArgs, message: &str) {
    let line = if args.json_log {
        json!({"event": "note", "message": message}).to_string()
    } else {
        format!("postproxy-mock proxy: {message}")
    };
    ready::write_line(&mut std::io::stderr().lock(), &line);
}

/// What the proxy did, on stderr: text, or one JSON object with `--json-log`.
fn log_summary(args: &ProxyArgs, summary: &Summary) {
    let text = if args.json_log {
        summary_json(summary).to_string()
    } else {
        let mut text = format!(
            "postproxy-mock proxy: {} requests forwarded, {} answered by the upstream; {} \
             violations; {} bodies unchecked (over the caps)",
            summary.requests, summary.answered, summary.violations, summary.unchecked
        );
        if let Some(recording) = &summary.recording {
            text.push('\n');
            text.push_str(&recording_text(recording));
        }
        text
    };
    ready::write_line(&mut std::io::stderr().lock(), &text);
}

fn summary_json(summary: &Summary) -> serde_json::Value {
    let recording = summary.recording.as_ref().map(|r| {
        json!({
            "out": r.out.display().to_string(),
            "account_id": postproxy_mock::record::ACCOUNT_ID,
            "recorded_at": r.recorded_at,
            "groups": r.groups,
            "profiles": r.profiles,
            "placements": r.placements,
            "snapshots": r.snapshots,
            "keys": r.keys,
            "warnings": r.warnings,
        })
    });
    json!({
        "event": "summary",
        "requests": summary.requests,
        "answered": summary.answered,
        "violations": summary.violations,
        "unchecked": summary.unchecked,
        "recording": recording,
    })
}

/// What was recorded, the new keys, and how to serve it.
fn recording_text(r: &Recording) -> String {
    let out = r.out.display();
    let mut text = format!(
        "Recorded {} profile groups and {} profiles ({} placements, {} stats snapshots) seen \
         through the proxy into {out}.\n",
        r.groups, r.profiles, r.placements, r.snapshots
    );
    for warning in &r.warnings {
        text.push_str(&format!("Note: {warning}\n"));
    }
    text.push_str(&NewKey::listing(&r.keys));
    text.push_str(&format!(
        "Serve it: postproxy-mock --fixtures {out}\nIts clock stands at {}, so it answers as the \
         upstream did; to let it run: curl -X PUT \
         http://127.0.0.1:8080/__mock/accounts/{}/clock -d '{}'",
        r.recorded_at,
        postproxy_mock::record::ACCOUNT_ID,
        r.run_clock_body()
    ));
    text
}
