//! The `record` subcommand: flags, the runtime, and the report (human text, or one JSON
//! object with `--json`) on stdout; progress, failures and errors on stderr.

use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use super::{record, NewKey, ProgressMode, Rate, RecordOptions, Report, ACCOUNT_ID};

/// Record an account of the Postproxy API into a fixture file the mock serves as it is.
///
/// Reads, with GET requests only, what --key sees: the profile groups, their profiles, the
/// placements of profiles on placement networks, and every profile's whole stats series (each
/// placement's on facebook, linkedin and telegram). Writes them to --out, streamed, with new
/// API keys (one full-access, one scoped per group) printed at the end: the upstream's key is
/// never written. Serve the result with `postproxy-mock --fixtures FILE`.
///
/// Exit codes: 0 recorded; 1 recorded without the objects listed on stderr (or, with
/// --strict, stopped at the first and wrote nothing; or the file could not be written);
/// 2 nothing recorded: --out exists, the upstream is unreachable, refused the key, or is not
/// this API.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  \
    postproxy-mock record --upstream https://api.postproxy.dev --key \"$POSTPROXY_API_KEY\" --out acct.json\n  \
    postproxy-mock record --upstream http://127.0.0.1:8080 --key pp_demo_full_0123456789abcdef \\\n      \
    --out demo.json --rate unlimited --force\n  \
    postproxy-mock --fixtures acct.json")]
pub struct RecordArgs {
    /// The API's base URL: https://api.postproxy.dev, or another mock (http://127.0.0.1:8080).
    #[allow(rustdoc::bare_urls)] // the text is also --help's, where <...> would show
    #[arg(long, value_name = "URL")]
    upstream: String,

    /// The upstream's API key (read from the environment rather than the command line to keep
    /// it out of the process list). It is never written to the file.
    #[arg(
        long,
        value_name = "KEY",
        env = "POSTPROXY_API_KEY",
        hide_env_values = true
    )]
    key: String,

    /// The fixture file to write (JSON). Refused if it exists, unless --force.
    #[arg(long, value_name = "FILE")]
    out: PathBuf,

    /// Replace --out if it exists.
    #[arg(long)]
    force: bool,

    /// Requests a second at most, across all of them; `unlimited` (or 0) for none. 429 answers
    /// are waited out per Retry-After whatever the rate.
    #[arg(long, value_name = "N|unlimited", default_value = "10")]
    rate: Rate,

    /// Profiles read at the same time.
    #[arg(long, value_name = "N", default_value_t = super::DEFAULT_CONCURRENCY as u16,
          value_parser = clap::value_parser!(u16).range(1..=256))]
    concurrency: u16,

    /// Stop at the first object that cannot be read and write nothing (default: leave it out,
    /// write the rest, list it and exit 1).
    #[arg(long)]
    strict: bool,

    /// Print the report as one JSON object on stdout: {"out", "upstream", "account_id",
    /// "recorded_at", "groups", "profiles", "placements", "snapshots", "requests", "retries",
    /// "elapsed_s", "keys": [{"key", "profile_group_id", "group_name"}], "failures",
    /// "warnings"}.
    #[arg(long)]
    json: bool,

    /// Progress on stderr: a bar on a terminal and plain lines otherwise (auto), or as chosen.
    #[arg(long, value_enum, default_value_t = ProgressMode::Auto)]
    progress: ProgressMode,
}

/// Runs `postproxy-mock record` and returns its exit code.
pub fn main(args: RecordArgs) -> ExitCode {
    let options = RecordOptions::new(&args.upstream, &args.key, &args.out)
        .force(args.force)
        .rate(args.rate)
        .concurrency(usize::from(args.concurrency))
        .strict(args.strict)
        .progress(args.progress);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => return fail(&format!("cannot start the runtime: {e}"), 1),
    };
    let outcome = runtime.block_on(record(&options));
    runtime.shutdown_background();
    match outcome {
        Ok(report) => {
            let text = if args.json {
                report_json(&report)
            } else {
                report_text(&report)
            };
            let _ = writeln!(std::io::stdout(), "{text}");
            if report.failures.is_empty() {
                ExitCode::SUCCESS
            } else {
                let mut lines = format!(
                    "postproxy-mock record: {} object(s) could not be recorded and are not in {}:",
                    report.failures.len(),
                    report.out.display()
                );
                for failure in &report.failures {
                    lines.push_str(&format!("\n  {failure}"));
                }
                let _ = writeln!(std::io::stderr(), "{lines}");
                ExitCode::from(1)
            }
        }
        Err(e) => fail(&e.to_string(), e.exit_code()),
    }
}

fn fail(message: &str, code: u8) -> ExitCode {
    let _ = writeln!(std::io::stderr(), "postproxy-mock record: {message}");
    ExitCode::from(code)
}

/// The report for a person: what was written, the keys, how to serve it.
fn report_text(r: &Report) -> String {
    let out = r.out.display();
    let mut text = format!(
        "Recorded {} profile groups and {} profiles ({} placements, {} stats snapshots) from \
         {} into {out} in {:.1} s ({} requests{}).\n",
        r.groups,
        r.profiles,
        r.placements,
        r.snapshots,
        r.upstream,
        r.elapsed.as_secs_f64(),
        r.requests,
        match r.retries {
            0 => String::new(),
            n => format!(", {n} after a 429"),
        }
    );
    for warning in &r.warnings {
        text.push_str(&format!("Note: {warning}\n"));
    }
    text.push('\n');
    text.push_str(&NewKey::listing(&r.keys));
    text.push_str(&format!(
        "\nServe it:\n  postproxy-mock --fixtures {out}\nIts clock stands at {} (no stats \
         polling, statuses as then), so it answers as the upstream did; to let it run:\n  curl \
         -X PUT http://127.0.0.1:8080/__mock/accounts/{ACCOUNT_ID}/clock -d '{}'",
        r.recorded_at,
        r.run_clock_body()
    ));
    text
}

fn report_json(r: &Report) -> String {
    serde_json::json!({
        "out": r.out.display().to_string(),
        "upstream": r.upstream,
        "account_id": ACCOUNT_ID,
        "recorded_at": r.recorded_at,
        "groups": r.groups,
        "profiles": r.profiles,
        "placements": r.placements,
        "snapshots": r.snapshots,
        "requests": r.requests,
        "retries": r.retries,
        "elapsed_s": (r.elapsed.as_secs_f64() * 1000.0).round() / 1000.0,
        "keys": r.keys,
        "failures": r.failures.iter().map(ToString::to_string).collect::<Vec<_>>(),
        "warnings": r.warnings,
    })
    .to_string()
}
