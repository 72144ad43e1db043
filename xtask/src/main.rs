//! `cargo xtask <task>`: the command line, see `cargo xtask help`. It parses the arguments and
//! prints; the work is in the library: `regen` and `lint` call `xtask::generate` and
//! `xtask::lint` (lib.rs, over spec.rs, lint.rs, progen.rs and mock/), `bench` and `dist`
//! their own modules.

use std::process::ExitCode;

const USAGE: &str = "\
usage: cargo xtask <task> [options]

tasks:
  regen            lint openapi/postproxy.yaml, regenerate the models, client and
                   mock-server code (crates/*/src/generated.rs) and copy the spec into
                   the mock-server crate (crates/postproxy-mock-server/openapi/)
  regen --check    exit 1 and name the generated files that are stale, writing nothing
  regen --check --diff
                   the same, with a unified diff of each stale file
  lint             only check the spec against the generator rules
  bench [options]  benchmark the mock with wrk (release build) against a bare axum floor
                   and Prism, startup and scale; writes bench/RESULTS.md
  dist [--out DIR] build the Python wheel, the npm packages, the Go modules and the jar
                   of the mock from one stripped release build
  help [task]      this text, or a task's own

`cargo xtask <task> --help` describes one task.";

const REGEN_USAGE: &str = "\
usage: cargo xtask regen [--check [--diff]]

Lints openapi/postproxy.yaml against the generator rules, then writes the files generated
from it, where they differ:
  crates/postproxy-models/src/generated.rs        the shared model types (typify)
  crates/postproxy-client/src/generated.rs        the API client (progenitor)
  crates/postproxy-mock-server/src/generated.rs   the mock's trait, router, operation table
  crates/postproxy-mock-server/openapi/postproxy.yaml   the spec, verbatim
  crates/postproxy-mock-server/openapi/postproxy.json   the spec as JSON

options:
  --check   write nothing; exit 1 naming each stale file (CI runs this)
  --diff    with --check: print a unified diff of each stale file
  -h, --help  this text";

const LINT_USAGE: &str = "\
usage: cargo xtask lint

Checks openapi/postproxy.yaml against the rules progenitor and typify rely on (one success
response, one error body type, explicit statuses, component schemas, ...), naming the
operation and the rule of each violation. Writes nothing; exit 1 on a violation.

options:
  -h, --help  this text";

/// The help of `task`, if it is one.
fn task_help(task: &str) -> Option<&'static str> {
    match task {
        "regen" => Some(REGEN_USAGE),
        "lint" => Some(LINT_USAGE),
        "bench" => Some(xtask::bench::USAGE),
        "dist" => Some(xtask::dist::USAGE),
        "help" => Some(USAGE),
        _ => None,
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    // `cargo xtask <task> ... --help` and `cargo xtask help <task>`: the task's own help.
    let asked = match args.as_slice() {
        ["help" | "--help" | "-h"] | [] => Some(USAGE),
        [task, rest @ ..] if rest.iter().any(|a| matches!(*a, "--help" | "-h")) => task_help(task),
        ["help", task] => task_help(task),
        _ => None,
    };
    if let Some(text) = asked {
        println!("{text}");
        return ExitCode::SUCCESS;
    }
    let result = match args.as_slice() {
        ["regen"] => regen(false, false),
        ["regen", rest @ ..] if rest.iter().all(|a| matches!(*a, "--check" | "--diff")) => {
            if rest.contains(&"--diff") && !rest.contains(&"--check") {
                Err(format!("--diff goes with --check\n\n{REGEN_USAGE}"))
            } else {
                regen(rest.contains(&"--check"), rest.contains(&"--diff"))
            }
        }
        ["regen", ..] => Err(format!("unknown arguments {args:?}\n\n{REGEN_USAGE}")),
        ["lint"] => lint(),
        ["lint", ..] => Err(format!("unknown arguments {args:?}\n\n{LINT_USAGE}")),
        ["bench", rest @ ..] => xtask::bench::run(rest),
        ["dist", rest @ ..] => xtask::dist::run(rest),
        _ => Err(format!("unknown arguments {args:?}\n\n{USAGE}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(msg) => {
            eprintln!("error: {msg}");
            ExitCode::FAILURE
        }
    }
}

fn lint() -> Result<(), String> {
    let root = xtask::workspace_root();
    let (_, spec) = xtask::load_spec(&root)?;
    let violations = xtask::lint::lint(&spec);
    if violations.is_empty() {
        println!("{}: no generator rule broken", xtask::SPEC_PATH);
        return Ok(());
    }
    for v in &violations {
        eprintln!("  - {v}");
    }
    Err(format!("{} generator rule(s) broken", violations.len()))
}

fn regen(check: bool, diff: bool) -> Result<(), String> {
    let root = xtask::workspace_root();
    let (text, spec) = xtask::load_spec(&root)?;
    let files = xtask::generate(&text, &spec)?;
    if check {
        let stale = xtask::check(&root, &files);
        if stale.is_empty() {
            println!("generated code is up to date ({} files)", files.len());
            return Ok(());
        }
        for s in &stale {
            eprintln!("stale: {}", s.path);
            if diff {
                eprintln!("{}", s.diff);
            }
        }
        return Err(format!(
            "{} generated file(s) differ from {}; run `cargo xtask regen`{}",
            stale.len(),
            xtask::SPEC_PATH,
            if diff {
                ""
            } else {
                " (or add --diff to see how)"
            }
        ));
    }
    let written = xtask::write(&root, &files)?;
    if written.is_empty() {
        println!("generated code is up to date ({} files)", files.len());
    } else {
        for p in written {
            println!("wrote {p}");
        }
    }
    Ok(())
}
