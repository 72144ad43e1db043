//! `postproxy-mock verify`: the command line of [`postproxy_mock::verify`].

use std::process::ExitCode;
use std::time::Duration;

use postproxy_mock::verify::{Verify, VerifyError, DEFAULT_MAX_OBJECTS};

use crate::ready;

/// Check a service (the real one, or any mock) against the spec
///
/// Lists the key's profile groups, then checks every read-only operation on the account's
/// own objects (each group, the profiles, all and per group, each profile, its placements
/// and stats; at most --max-objects groups and as many profiles) and the documented errors
/// that change nothing (an unknown key 401, unknown ids 404, stats without placement_id on a
/// placement network 400, initialize_connection without platform 422). Each answer must have
/// the expected status, one the spec documents for the operation, a JSON Content-Type and a
/// body the spec's schema accepts.
///
/// Prints a table of the checks and, for each failure, the operation, the status and the JSON
/// path where the body breaks the schema (--json: one JSON document). Exit status: 0 when
/// every check passed, 1 when one failed, 2 when no check could be made (a usage error, an
/// unreachable upstream, a key the upstream refuses, an upstream that is not this API).
///
/// Examples:
///   postproxy-mock verify --upstream http://127.0.0.1:8080 --key pp_demo_full_0123456789abcdef
///   POSTPROXY_API_KEY=... postproxy-mock verify --upstream https://api.postproxy.dev --write
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct VerifyArgs {
    /// The base URL of the service, such as https://api.postproxy.dev or
    /// http://127.0.0.1:8080.
    #[arg(long, value_name = "URL", env = "POSTPROXY_BASE_URL")]
    upstream: String,

    /// The API key to check with; a full-access key reaches every group. The environment
    /// variable keeps it out of the process list and the shell history.
    #[arg(
        long,
        value_name = "KEY",
        env = "POSTPROXY_API_KEY",
        hide_env_values = true
    )]
    key: String,

    /// Also create a throw-away group ("postproxy-mock verify <time>"), get it, call
    /// initialize_connection on it (linkedin) and delete it, even if a step between fails.
    #[arg(long)]
    write: bool,

    /// Print one JSON document on stdout instead of the table.
    #[arg(long)]
    json: bool,

    /// The most profile groups, and the most profiles, to walk.
    #[arg(long, value_name = "N", default_value_t = DEFAULT_MAX_OBJECTS)]
    max_objects: usize,

    /// Seconds one request may take, connecting included.
    #[arg(long, value_name = "SECS", default_value_t = 10,
          value_parser = clap::value_parser!(u64).range(1..))]
    timeout: u64,

    /// The longest Retry-After of a 429 to wait out (then retry); a longer one fails the check.
    #[arg(long, value_name = "SECS", default_value_t = 10)]
    max_retry_wait: u64,
}

/// Runs `postproxy-mock verify` and prints what it found.
pub fn run(args: VerifyArgs) -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => return ready::fail(&format!("cannot start the runtime: {e}")),
    };
    let verify = Verify::new(&args.upstream, &args.key)
        .write(args.write)
        .max_objects(args.max_objects)
        .timeout(Duration::from_secs(args.timeout))
        .max_retry_wait(Duration::from_secs(args.max_retry_wait));
    match runtime.block_on(verify.run()) {
        Ok(report) => {
            let text = if args.json {
                report.to_json().to_string()
            } else {
                report.table().trim_end().to_string()
            };
            ready::out(&text);
            if report.passed() {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            }
        }
        Err(e) => {
            if args.json {
                let document = serde_json::json!({
                    "upstream": args.upstream,
                    "passed": false,
                    "error": { "kind": error_kind(&e), "message": e.to_string() },
                });
                ready::out(&document.to_string());
            }
            ready::usage(&format!("verify: {e}"))
        }
    }
}

fn error_kind(error: &VerifyError) -> &'static str {
    match error {
        VerifyError::InvalidUpstream(_) => "invalid_upstream",
        VerifyError::Unreachable(_) => "unreachable",
        VerifyError::Unauthorized { .. } => "unauthorized",
        VerifyError::NotThisApi(_) => "not_this_api",
        VerifyError::Spec(_) => "spec",
        VerifyError::Client(_) => "client",
    }
}
