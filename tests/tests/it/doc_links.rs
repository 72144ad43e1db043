//! The README and the `docs/` guide hold together: every relative link in them (and in the
//! packages' READMEs) names a file or folder of the repository, and every `#anchor` a heading
//! of the page it points to, as GitHub makes anchors; so a moved page or a renamed heading fails
//! here. Every page with a Rust block is a doctest item of `tests/src/lib.rs`, and every page
//! with a documented `sh` output is run by the walkthrough (`readme_walkthrough.rs`).

use std::collections::HashSet;
use std::fs;
use std::path::{Component, Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the workspace")
        .to_path_buf()
}

/// The README, the guide's pages and the packages' READMEs, as paths under the root.
fn pages() -> Vec<PathBuf> {
    let root = root();
    let mut pages = vec![PathBuf::from("README.md")];
    let mut docs: Vec<PathBuf> = fs::read_dir(root.join("docs"))
        .expect("docs/")
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "md"))
        .map(|path| path.strip_prefix(&root).unwrap().to_path_buf())
        .collect();
    docs.sort();
    pages.extend(docs);
    let mut readmes = Vec::new();
    package_readmes(&root, Path::new("packages"), &mut readmes);
    readmes.sort();
    pages.extend(readmes);
    pages
}

fn package_readmes(root: &Path, dir: &Path, found: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(root.join(dir)).expect("a folder") {
        let entry = entry.unwrap();
        let name = entry.file_name().to_string_lossy().into_owned();
        let path = dir.join(&name);
        if entry.file_type().unwrap().is_dir() {
            if !name.starts_with('.') && name != "node_modules" && name != "target" {
                package_readmes(root, &path, found);
            }
        } else if name == "README.md" {
            found.push(path);
        }
    }
}

/// The lines of `text` outside fenced code blocks, with their line numbers.
fn prose_lines(text: &str) -> Vec<(usize, &str)> {
    let mut in_fence = false;
    let mut lines = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim_start().starts_with("```") {
            in_fence = !in_fence;
        } else if !in_fence {
            lines.push((i + 1, line));
        }
    }
    lines
}

/// The targets of the inline links `[text](target)` of `text`, with their line numbers, leaving
/// out inline code spans.
fn links(text: &str) -> Vec<(usize, String)> {
    let mut found = Vec::new();
    for (number, line) in prose_lines(text) {
        let prose: String = line
            .split('`')
            .enumerate()
            .map(|(i, part)| if i % 2 == 0 { part } else { "" })
            .collect();
        let mut rest = prose.as_str();
        while let Some(start) = rest.find("](") {
            let after = &rest[start + 2..];
            let Some(end) = after.find(')') else { break };
            found.push((number, after[..end].trim().to_string()));
            rest = &after[end..];
        }
    }
    found
}

/// The anchors GitHub gives the headings of a Markdown page: lower case, punctuation dropped,
/// spaces as `-`, and `-1`, `-2`, ... after a repeated one.
fn anchors(text: &str) -> HashSet<String> {
    let mut anchors = HashSet::new();
    for (_, line) in prose_lines(text) {
        let Some(heading) = line.strip_prefix('#') else {
            continue;
        };
        let heading = heading.trim_start_matches('#');
        if !heading.starts_with(' ') {
            continue;
        }
        let slug: String = heading
            .trim()
            .to_lowercase()
            .chars()
            .filter(|c| c.is_alphanumeric() || *c == ' ' || *c == '-' || *c == '_')
            .map(|c| if c == ' ' { '-' } else { c })
            .collect();
        let mut anchor = slug.clone();
        let mut n = 0;
        while !anchors.insert(anchor.clone()) {
            n += 1;
            anchor = format!("{slug}-{n}");
        }
    }
    anchors
}

/// `base/relative` with `.` and `..` resolved, or None if it climbs out of the repository.
fn resolve(base: &Path, relative: &str) -> Option<PathBuf> {
    let mut path = PathBuf::new();
    for component in base.join(relative).components() {
        match component {
            Component::ParentDir => {
                if !path.pop() {
                    return None;
                }
            }
            Component::CurDir => {}
            other => path.push(other),
        }
    }
    Some(path)
}

#[test]
fn every_relative_link_of_the_readme_and_the_guide_resolves() {
    let root = root();
    let mut broken = Vec::new();
    let mut checked = 0;
    for page in pages() {
        let text = fs::read_to_string(root.join(&page)).unwrap();
        for (line, target) in links(&text) {
            if target.contains("://") || target.starts_with("mailto:") {
                continue;
            }
            checked += 1;
            let at = format!("{}:{line}: {target}", page.display());
            let (path, anchor) = match target.split_once('#') {
                Some((path, anchor)) => (path, Some(anchor)),
                None => (target.as_str(), None),
            };
            let file = if path.is_empty() {
                page.clone()
            } else {
                match resolve(page.parent().unwrap(), path) {
                    Some(file) if root.join(&file).exists() => file,
                    _ => {
                        broken.push(format!("{at}: no such file"));
                        continue;
                    }
                }
            };
            if let Some(anchor) = anchor {
                let is_page = file.extension().is_some_and(|ext| ext == "md");
                let target_text = fs::read_to_string(root.join(&file)).unwrap_or_default();
                if !is_page || !anchors(&target_text).contains(anchor) {
                    broken.push(format!("{at}: no heading #{anchor} in {}", file.display()));
                }
            }
        }
    }
    assert!(checked >= 50, "only {checked} links found");
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
}

#[test]
fn every_page_with_rust_blocks_is_a_doctest() {
    let root = root();
    let lib = fs::read_to_string(root.join("tests/src/lib.rs")).unwrap();
    let missing: Vec<String> = pages()
        .into_iter()
        .filter(|page| !page.starts_with("packages"))
        .filter(|page| {
            let text = fs::read_to_string(root.join(page)).unwrap();
            text.contains("```rust")
        })
        .map(|page| page.display().to_string())
        .filter(|page| !lib.contains(&format!("#[doc = include_str!(\"../../{page}\")]")))
        .collect();
    assert!(
        missing.is_empty(),
        "pages with Rust blocks that tests/src/lib.rs does not include: {missing:?}"
    );
}

#[test]
fn every_page_with_documented_outputs_is_walked() {
    let root = root();
    let walked: Vec<&str> = crate::readme_walkthrough::PAGES
        .iter()
        .map(|(name, _)| *name)
        .collect();
    let missing: Vec<String> = pages()
        .into_iter()
        .map(|page| page.display().to_string())
        .filter(|page| {
            let text = fs::read_to_string(root.join(page)).unwrap();
            text.split("```sh\n")
                .skip(1)
                .any(|block| block[..block.find("```").unwrap_or(block.len())].contains("# →"))
        })
        .filter(|page| !walked.contains(&page.as_str()))
        .collect();
    assert!(
        missing.is_empty(),
        "pages with documented `sh` outputs that readme_walkthrough.rs does not run: {missing:?}"
    );
}

#[test]
fn anchors_are_made_as_github_makes_them() {
    let page = "# The mock's control API\n## Credential connections (bluesky, telegram)\n\
                ```sh\n# not a heading\n```\n## `--record FILE`\n## Python\n## Python\n";
    let anchors = anchors(page);
    for anchor in [
        "the-mocks-control-api",
        "credential-connections-bluesky-telegram",
        "--record-file",
        "python",
        "python-1",
    ] {
        assert!(anchors.contains(anchor), "{anchor} in {anchors:?}");
    }
    assert!(!anchors.contains("not-a-heading"));
}
