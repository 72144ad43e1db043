//! `cargo xtask <task>`: see `cargo xtask help`.

use std::process::ExitCode;

const USAGE: &str = "\
usage: cargo xtask <task>

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
                   (`cargo xtask bench --help` for the options)
  dist [--out DIR] build the Python wheel and the npm packages of the mock from one
                   stripped release build (`cargo xtask dist --help`)
  help             this text";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let result = match args.as_slice() {
        ["regen"] => regen(false, false),
        ["regen", rest @ ..] if rest.iter().all(|a| matches!(*a, "--check" | "--diff")) => {
            if rest.contains(&"--diff") && !rest.contains(&"--check") {
                Err("--diff goes with --check".into())
            } else {
                regen(rest.contains(&"--check"), rest.contains(&"--diff"))
            }
        }
        ["lint"] => lint(),
        ["bench", rest @ ..] if rest.iter().any(|a| matches!(*a, "--help" | "-h")) => {
            println!("{}", xtask::bench::USAGE);
            return ExitCode::SUCCESS;
        }
        ["bench", rest @ ..] => xtask::bench::run(rest),
        ["dist", rest @ ..] if rest.iter().any(|a| matches!(*a, "--help" | "-h")) => {
            println!("{}", xtask::dist::USAGE);
            return ExitCode::SUCCESS;
        }
        ["dist", rest @ ..] => xtask::dist::run(rest),
        ["help" | "--help" | "-h"] | [] => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
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
