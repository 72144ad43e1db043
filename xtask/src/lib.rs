//! `cargo xtask regen [--check] [--diff]`: generates the models, client and mock-server crates
//! from `openapi/postproxy.yaml`, and copies the spec (as it is, and as JSON) into the
//! mock-server crate, which serves it (a crate can only embed files inside its own directory
//! and still be packaged).
//!
//! Every generated file is a pure function of the spec and of the pinned generator versions:
//! formatted with prettyplease, LF line endings, and a header naming the spec and its hash.
//! `--check` (and the `regen_is_fresh` test) compares that output with what is on disk.
//!
//! How the files fit together (the spec flows left to right):
//!
//! ```text
//! spec.rs ─┬─> lint.rs    the rules the generators rely on
//!          ├─> progen.rs  the models (typify) and the client (progenitor)
//!          └─> mock/      the mock server's axum layer: collect.rs reads the spec, one emitter
//!                         per artefact in params.rs, responses.rs, service.rs
//! ```
//!
//! - [`spec`]: reading the spec (loading it, its paths in file order, walking operations and
//!   parameters, following `$ref`s, the view typify gets). The lint and the generators share
//!   it; no generator imports from the lint.
//! - [`lint`]: checks the spec; [`generate`] runs it before any generator, `cargo xtask lint`
//!   alone.
//! - `progen`, `mock`: the generators, each returning a token stream.
//! - this file: [`generate`] (lint, then each generator, each file rendered by prettyplease
//!   under the "do not edit" header), [`check`] and [`write()`]; `main.rs` is the command line
//!   over them.
//! - [`dist`], [`mod@bench`]: the other tasks; they share only [`cargo`] and [`cargo_metadata`]
//!   with the rest.

pub mod bench;
pub mod dist;
pub mod lint;
mod mock;
mod progen;
pub mod spec;

pub use spec::{load_spec, typify_nullable_refs, SPEC_PATH};

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use sha2::{Digest, Sha256};

/// The mock server's verbatim copy of the spec, relative to the workspace root.
pub const SPEC_COPY_PATH: &str = "crates/postproxy-mock-server/openapi/postproxy.yaml";

/// The mock server's copy of the spec as JSON (keys in the spec's order), so that serving
/// `/openapi.json` needs no YAML parser in the library.
pub const SPEC_JSON_COPY_PATH: &str = "crates/postproxy-mock-server/openapi/postproxy.json";

/// A file the generator writes, with the content it must have.
pub struct GeneratedFile {
    /// Relative to the workspace root, with `/` separators.
    pub path: &'static str,
    pub content: String,
}

/// The workspace root (the parent of this crate).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in the workspace")
        .to_path_buf()
}

/// Lints and generates every file from the spec's text.
pub fn generate(spec_text: &str, spec: &serde_json::Value) -> Result<Vec<GeneratedFile>, String> {
    let violations = lint::lint(spec);
    if !violations.is_empty() {
        let mut msg = format!("{SPEC_PATH} breaks {} generator rule(s):", violations.len());
        for v in &violations {
            let _ = write!(msg, "\n  - {v}");
        }
        return Err(msg);
    }
    let openapi: openapiv3::OpenAPI = serde_json::from_value(typify_nullable_refs(spec))
        .map_err(|e| format!("{SPEC_PATH} is not a valid OpenAPI 3.0 document: {e}"))?;

    // Hash the text with normalised line endings so a CRLF checkout is not "stale".
    let normalised = spec_text.replace("\r\n", "\n");
    let hash = Sha256::digest(normalised.as_bytes());
    let hash: String = hash.iter().map(|b| format!("{b:02x}")).collect();

    let (models, model_types) = progen::models(&openapi)?;
    let client = progen::client(&openapi, &model_types)?;
    // serde_json sorts object keys; the YAML mapping keeps the spec's order.
    let ordered: serde_norway::Value =
        serde_norway::from_str(spec_text).map_err(|e| format!("{SPEC_PATH}: {e}"))?;
    let mock = mock::generate(spec, &spec::path_order(&ordered))?;
    let json_copy = serde_json::to_string_pretty(&ordered)
        .map_err(|e| format!("{SPEC_PATH} cannot be written as JSON: {e}"))?
        + "\n";

    Ok(vec![
        GeneratedFile {
            path: "crates/postproxy-models/src/generated.rs",
            content: render(models, &hash, "the shared model types (typify)")?,
        },
        GeneratedFile {
            path: "crates/postproxy-client/src/generated.rs",
            content: render(client, &hash, "the API client (progenitor)")?,
        },
        GeneratedFile {
            path: "crates/postproxy-mock-server/src/generated.rs",
            content: render(
                mock,
                &hash,
                "the mock server's trait, router and operation table",
            )?,
        },
        GeneratedFile {
            // Verbatim, without a header: the mock serves these bytes as `/openapi.yaml`.
            path: SPEC_COPY_PATH,
            content: normalised,
        },
        GeneratedFile {
            // Without a header, likewise: served as `/openapi.json`.
            path: SPEC_JSON_COPY_PATH,
            content: json_copy,
        },
    ])
}

fn render(tokens: proc_macro2::TokenStream, hash: &str, what: &str) -> Result<String, String> {
    let file: syn::File = syn::parse2(tokens)
        .map_err(|e| format!("generated code for {what} does not parse: {e}"))?;
    let body = prettyplease::unparse(&file);
    let mut out = String::new();
    let _ = writeln!(out, "// @generated by `cargo xtask regen`: {what}.");
    let _ = writeln!(out, "// Source: {SPEC_PATH} (sha256 {hash}).");
    let _ = writeln!(
        out,
        "// DO NOT EDIT. Change the spec or the generator in xtask/, then run `cargo xtask regen`."
    );
    out.push('\n');
    out.push_str(&body.replace("\r\n", "\n"));
    Ok(out)
}

/// A generated file whose content on disk differs from what the spec gives.
pub struct Stale {
    pub path: &'static str,
    /// Unified diff from the file on disk to the expected content.
    pub diff: String,
}

/// Compares the generated files with the tree under `root`.
pub fn check(root: &Path, files: &[GeneratedFile]) -> Vec<Stale> {
    files
        .iter()
        .filter_map(|f| {
            let on_disk = std::fs::read_to_string(root.join(f.path)).unwrap_or_default();
            (on_disk != f.content).then(|| Stale {
                path: f.path,
                diff: similar::TextDiff::from_lines(&on_disk, &f.content)
                    .unified_diff()
                    .context_radius(3)
                    .header(&format!("a/{}", f.path), &format!("b/{}", f.path))
                    .to_string(),
            })
        })
        .collect()
}

/// Writes the files that differ; returns their paths.
pub fn write(root: &Path, files: &[GeneratedFile]) -> Result<Vec<&'static str>, String> {
    let mut written = Vec::new();
    for f in files {
        let path = root.join(f.path);
        if std::fs::read_to_string(&path).is_ok_and(|on_disk| on_disk == f.content) {
            continue;
        }
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        }
        std::fs::write(&path, &f.content).map_err(|e| format!("{}: {e}", path.display()))?;
        written.push(f.path);
    }
    Ok(written)
}

/// The cargo that runs xtask (`$CARGO`), or `cargo` from `PATH`.
pub fn cargo() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".into())
}

/// `cargo metadata --no-deps` of the workspace at `root`, as JSON.
pub fn cargo_metadata(root: &Path) -> Result<serde_json::Value, String> {
    let output = Command::new(cargo())
        .args(["metadata", "--format-version", "1", "--no-deps"])
        .current_dir(root)
        .output()
        .map_err(|e| format!("cargo metadata: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "cargo metadata failed: {}",
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    serde_json::from_slice(&output.stdout).map_err(|e| format!("cargo metadata: {e}"))
}
