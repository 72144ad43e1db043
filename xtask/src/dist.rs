//! `cargo xtask dist`: the packages non-Rust users install, built from one release binary.
//!
//! 1. `cargo build --profile dist -p postproxy-mock`: release, stripped (the `dist` profile of
//!    the workspace's Cargo.toml).
//! 2. The Python wheel: maturin (pinned in `packages/python/requirements-build.txt`, installed
//!    into a venv under the target directory unless `$MATURIN` names one) builds
//!    `packages/python` with the same profile, so Cargo finds the binary fresh and reuses it.
//! 3. The npm tarballs: `packages/npm/pack.sh` stages the main package and the platform
//!    package (`@postproxy-mock/linux-x64`, the binary copied in) and runs `npm pack`.
//! 4. The Go modules: `packages/go/pack.sh` writes `go/postproxymock` and
//!    `go/platforms/linux-amd64` (the binary embedded) and their module zips.
//! 5. The jar: `packages/java/pack.sh` runs Maven on a staged copy of `packages/java` with the
//!    binary as a resource, and copies the jar and its pom.
//!
//! Everything lands in one folder (`<target>/packages` unless `--out`). The packages' versions
//! must equal the workspace's; a mismatch stops the build before anything is compiled.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::{cargo, cargo_metadata};

pub const USAGE: &str = "\
usage: cargo xtask dist [--out DIR]

Builds what users of other languages install, for this machine's platform:
  postproxy_mock-VERSION-py3-none-PLATFORM.whl   (pip install it; maturin, bindings = \"bin\")
  postproxy-mock-VERSION.tgz                     (npm install it, with the platform package)
  postproxy-mock-linux-x64-VERSION.tgz           (@postproxy-mock/linux-x64: the binary)
  go/postproxymock, go/platforms/linux-amd64     (the Go modules; require them with replace)
  go-postproxymock[-linux-amd64]-vVERSION.zip    (the same as Go module zips)
  postproxy-mock-VERSION.jar, .pom               (dev.postproxy:postproxy-mock, the binary inside)
from one release build of the postproxy-mock program (the `dist` profile: stripped).
Needs python3 (maturin is installed into <target>/dist-tools unless $MATURIN is set), npm and
Maven (with Java 17).

options:
  --out DIR   where the packages go (default: <target>/packages); earlier packages there
              are removed first";

/// The npm packages whose versions follow the workspace's: `(package.json, what must equal
/// the version)`, as JSON pointers.
pub const NPM_VERSIONS: &[(&str, &[&str])] = &[
    (
        "packages/npm/postproxy-mock/package.json",
        &[
            "/version",
            "/optionalDependencies/@postproxy-mock~1linux-x64",
        ],
    ),
    (
        "packages/npm/platforms/linux-x64/package.json",
        &["/version"],
    ),
];

/// The other places that carry the version, as text: `(file, what precedes it, what follows
/// it)` on one line. In pom.xml, the project's own `<version>` is the one at two spaces' indent.
pub const TEXT_VERSIONS: &[(&str, &str, &str)] = &[
    (
        "packages/go/postproxymock/program.go",
        "const Version = \"",
        "\"",
    ),
    (
        "packages/go/platforms/linux-amd64/program.go",
        "const Version = \"",
        "\"",
    ),
    (
        "packages/go/postproxymock/go.mod",
        "require github.com/postproxy/postproxy-rs/packages/go/platforms/linux-amd64 v",
        "",
    ),
    ("packages/java/pom.xml", "  <version>", "</version>"),
];

/// Entry point of `cargo xtask dist`.
pub fn run(args: &[&str]) -> Result<(), String> {
    let mut out = None;
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        match *arg {
            "--out" => {
                let dir = rest.next().ok_or("--out needs a folder")?;
                out = Some(PathBuf::from(dir));
            }
            other => return Err(format!("unknown option {other:?}\n\n{USAGE}")),
        }
    }
    let root = crate::workspace_root();
    let meta = cargo_metadata(&root)?;
    let target = PathBuf::from(
        meta["target_directory"]
            .as_str()
            .ok_or("cargo metadata has no target_directory")?,
    );
    let version = meta["packages"]
        .as_array()
        .and_then(|p| p.iter().find(|p| p["name"] == "postproxy-mock"))
        .and_then(|p| p["version"].as_str())
        .ok_or("cargo metadata lists no postproxy-mock package")?
        .to_string();
    let mismatches = version_mismatches(&root, &version)?;
    if !mismatches.is_empty() {
        return Err(format!(
            "the packages' versions differ from the workspace's ({version}):\n  {}",
            mismatches.join("\n  ")
        ));
    }
    let out = out.unwrap_or_else(|| target.join("packages"));
    std::fs::create_dir_all(&out).map_err(|e| format!("{}: {e}", out.display()))?;
    clear_packages(&out)?;

    println!("== the postproxy-mock program {version} (cargo build --profile dist)");
    run_command(
        Command::new(cargo())
            .args([
                "build",
                "--profile",
                "dist",
                "--locked",
                "-p",
                "postproxy-mock",
            ])
            .current_dir(&root),
    )?;
    let binary = target.join("dist").join("postproxy-mock");

    println!("== the Python wheel (maturin)");
    let maturin = maturin(&root, &target)?;
    run_command(
        Command::new(&maturin)
            .args(["build", "--locked", "--out"])
            .arg(&out)
            .current_dir(root.join("packages/python")),
    )?;

    println!("== the npm packages (npm pack)");
    run_command(
        Command::new("bash")
            .arg(root.join("packages/npm/pack.sh"))
            .arg(&binary)
            .arg(&out)
            .current_dir(&root),
    )?;

    println!("== the Go modules (packages/go/pack.sh)");
    run_command(
        Command::new("bash")
            .arg(root.join("packages/go/pack.sh"))
            .arg(&binary)
            .arg(&out)
            .current_dir(&root),
    )?;

    println!("== the jar (packages/java/pack.sh: Maven)");
    run_command(
        Command::new("bash")
            .arg(root.join("packages/java/pack.sh"))
            .arg(&binary)
            .arg(&out)
            .current_dir(&root),
    )?;

    println!("== {}", out.display());
    for (name, size) in packages(&out)? {
        let mb = size as f64 / 1_048_576.0;
        let over = if mb >= 8.0 {
            "  (over the 8 MB target)"
        } else {
            ""
        };
        println!("{name:<50} {mb:>6.2} MB{over}");
    }
    Ok(())
}

/// Each place in the npm packages' `package.json`, then in [`TEXT_VERSIONS`], whose version is
/// not `version`.
pub fn version_mismatches(root: &Path, version: &str) -> Result<Vec<String>, String> {
    let mut found = Vec::new();
    for (file, pointers) in NPM_VERSIONS {
        let path = root.join(file);
        let text = std::fs::read_to_string(&path).map_err(|e| format!("{file}: {e}"))?;
        let json: serde_json::Value =
            serde_json::from_str(&text).map_err(|e| format!("{file}: {e}"))?;
        for pointer in *pointers {
            let value = json.pointer(pointer).and_then(|v| v.as_str());
            if value != Some(version) {
                found.push(format!("{file} {pointer}: {value:?}"));
            }
        }
    }
    for (file, before, after) in TEXT_VERSIONS {
        let text = std::fs::read_to_string(root.join(file)).map_err(|e| format!("{file}: {e}"))?;
        let value = text.lines().find_map(|line| {
            line.strip_prefix(before)
                .and_then(|rest| rest.strip_suffix(after))
        });
        if value != Some(version) {
            found.push(format!("{file} `{before}…{after}`: {value:?}"));
        }
    }
    Ok(found)
}

/// The pinned maturin: `$MATURIN`, or one installed into `<target>/dist-tools`.
fn maturin(root: &Path, target: &Path) -> Result<PathBuf, String> {
    if let Some(path) = std::env::var_os("MATURIN") {
        return Ok(PathBuf::from(path));
    }
    let venv = target.join("dist-tools");
    let bin = venv.join("bin").join("maturin");
    let pins = root.join("packages/python/requirements-build.txt");
    if !bin.exists() {
        println!("installing maturin into {}", venv.display());
        run_command(Command::new("python3").args(["-m", "venv"]).arg(&venv))?;
    }
    // Quick when it is already there; brings a changed pin in.
    run_command(
        Command::new(venv.join("bin").join("pip"))
            .args(["install", "--quiet", "--disable-pip-version-check", "-r"])
            .arg(&pins),
    )?;
    Ok(bin)
}

/// Removes the packages of an earlier run, so the folder holds this build only.
fn clear_packages(out: &Path) -> Result<(), String> {
    for (name, _) in packages(out)? {
        std::fs::remove_file(out.join(&name)).map_err(|e| format!("{name}: {e}"))?;
    }
    let go = out.join("go");
    if go.exists() {
        std::fs::remove_dir_all(&go).map_err(|e| format!("{}: {e}", go.display()))?;
    }
    Ok(())
}

/// The packages in `dir` (wheels, tarballs, module zips, jars and poms), with their sizes, by
/// name.
fn packages(dir: &Path) -> Result<Vec<(String, u64)>, String> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))? {
        let entry = entry.map_err(|e| e.to_string())?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if [".whl", ".tgz", ".zip", ".jar", ".pom"]
            .iter()
            .any(|ext| name.ends_with(ext))
        {
            let size = entry.metadata().map_err(|e| e.to_string())?.len();
            found.push((name, size));
        }
    }
    found.sort();
    Ok(found)
}

fn run_command(command: &mut Command) -> Result<(), String> {
    let shown = format!("{command:?}");
    let status = command
        .status()
        .map_err(|e| format!("cannot run {shown}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{shown} failed ({status})"))
    }
}
