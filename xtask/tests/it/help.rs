//! Every task of `cargo xtask` has help: `<task> --help`, `<task> -h` and `help <task>` print
//! the task's own usage and exit 0, without doing the task.

use std::process::Command;

const XTASK: &str = env!("CARGO_BIN_EXE_xtask");

fn run(args: &[&str]) -> (bool, String, String) {
    let output = Command::new(XTASK).args(args).output().unwrap();
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn every_task_has_help() {
    for (task, usage) in [
        ("regen", "usage: cargo xtask regen"),
        ("lint", "usage: cargo xtask lint"),
        ("bench", "usage: cargo xtask bench"),
        ("dist", "usage: cargo xtask dist"),
        ("help", "usage: cargo xtask <task>"),
    ] {
        for args in [vec![task, "--help"], vec![task, "-h"], vec!["help", task]] {
            let (ok, stdout, stderr) = run(&args);
            assert!(ok, "{args:?}: {stderr}");
            assert!(stdout.starts_with(usage), "{args:?}: {stdout}");
        }
    }
    // `regen --check --help` is help too, not a check.
    let (ok, stdout, _) = run(&["regen", "--check", "--help"]);
    assert!(
        ok && stdout.starts_with("usage: cargo xtask regen"),
        "{stdout}"
    );
    let (ok, stdout, _) = run(&[]);
    assert!(
        ok && stdout.contains("--help` describes one task"),
        "{stdout}"
    );
}

#[test]
fn unknown_arguments_show_the_tasks_usage() {
    let (ok, _, stderr) = run(&["regen", "--frobnicate"]);
    assert!(!ok);
    assert!(stderr.contains("unknown arguments"), "{stderr}");
    assert!(stderr.contains("usage: cargo xtask regen"), "{stderr}");
    let (ok, _, stderr) = run(&["nonsense"]);
    assert!(
        !ok && stderr.contains("usage: cargo xtask <task>"),
        "{stderr}"
    );
}
