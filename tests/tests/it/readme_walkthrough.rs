//! The guide's shell walkthrough, run as a reader would: every `sh` block of `docs/mock-server.md`,
//! `docs/control-api.md` and `docs/faults-and-journal.md` (the README's "The mock server" and
//! "The mock's control API" sections until they moved there), top to bottom, against one fresh
//! mock with the demo data and the default seed (what `cargo run -p postproxy-mock` serves).
//!
//! Each `curl` line is sent as curl would send it (`-X`, `-H`, `-d`, `-d @file`, `> file`,
//! `$VAR` and `"$VAR"`), with `http://127.0.0.1:8080` replaced by the mock's address. A command
//! must succeed (2xx) unless the `# → STATUS ...` line after it says otherwise; every
//! `"key": value` that line (and its `#` continuation lines) shows must be in the JSON answer
//! (`…` stands for any text inside a string, `...` for members left out). So a documented
//! output that is not what following the pages gives fails here, with the actual answer.

use std::collections::HashMap;

use postproxy_mock_server::MockServer;
use serde_json::Value;

/// The pages of the walkthrough, in the order it runs them: the order of the README they came
/// from, which the ids generated from the seed follow. `doc_links.rs` checks that every page
/// with a documented output (`# →`) in an `sh` block is one of them.
pub(crate) const PAGES: [(&str, &str); 3] = [
    (
        "docs/mock-server.md",
        include_str!("../../../docs/mock-server.md"),
    ),
    (
        "docs/control-api.md",
        include_str!("../../../docs/control-api.md"),
    ),
    (
        "docs/faults-and-journal.md",
        include_str!("../../../docs/faults-and-journal.md"),
    ),
];
const DOCUMENTED_BASE: &str = "http://127.0.0.1:8080";

/// The `sh` blocks of a page, in order.
fn sh_blocks(page: &'static str) -> Vec<&'static str> {
    page.split("```sh\n")
        .skip(1)
        .map(|rest| &rest[..rest.find("```").expect("a closed block")])
        .collect()
}

/// One command with what the page says it answers.
#[derive(Debug)]
struct Step {
    line: String,
    expected: Option<String>,
}

fn steps(block: &str) -> Vec<Step> {
    let mut steps: Vec<Step> = Vec::new();
    let mut pending = String::new();
    let mut in_expectation = false;
    for raw in block.lines() {
        let line = raw.trim_end();
        if let Some(rest) = line.strip_prefix("# →") {
            let step = steps.last_mut().expect("an output follows a command");
            step.expected = Some(rest.trim().to_string());
            in_expectation = true;
            continue;
        }
        if line.starts_with('#') {
            if in_expectation && line.starts_with("#  ") {
                let expected = steps.last_mut().unwrap().expected.as_mut().unwrap();
                expected.push(' ');
                expected.push_str(line.trim_start_matches('#').trim());
            } else {
                in_expectation = false;
            }
            continue;
        }
        in_expectation = false;
        if let Some(head) = line.strip_suffix('\\') {
            pending.push_str(head);
            continue;
        }
        pending.push_str(line);
        let command = std::mem::take(&mut pending);
        if !command.trim().is_empty() {
            steps.push(Step {
                line: command.trim().to_string(),
                expected: None,
            });
        }
    }
    steps
}

/// Shell words: quotes, `$VAR` expansion outside single quotes, an unquoted `#` ends the line.
fn words(line: &str, vars: &HashMap<String, String>) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut chars = line.chars().peekable();
    let mut quote: Option<char> = None;
    while let Some(c) = chars.next() {
        match (quote, c) {
            (None, '#') if !in_word => break,
            (None, ' ' | '\t') => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            (None, '\'' | '"') => {
                quote = Some(c);
                in_word = true;
            }
            (Some(q), c) if c == q => quote = None,
            (None | Some('"'), '$') => {
                let mut name = String::new();
                while let Some(&n) = chars.peek() {
                    if n.is_ascii_alphanumeric() || n == '_' {
                        name.push(n);
                        chars.next();
                    } else {
                        break;
                    }
                }
                word.push_str(
                    vars.get(&name)
                        .unwrap_or_else(|| panic!("${name} is not set")),
                );
                in_word = true;
            }
            (_, c) => {
                word.push(c);
                in_word = true;
            }
        }
    }
    if in_word {
        words.push(word);
    }
    words
}

struct Answer {
    status: u16,
    text: String,
}

async fn curl(args: &[String], base: &str, files: &mut HashMap<String, String>) -> Answer {
    let mut method = None;
    let mut headers = Vec::new();
    let mut body = None;
    let mut url = None;
    let mut output = None;
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "-X" => method = args.next().cloned(),
            "-H" => headers.push(args.next().expect("a header").clone()),
            "-d" => {
                let data = args.next().expect("data");
                body = Some(match data.strip_prefix('@') {
                    Some(file) => files.get(file).expect("a file written above").clone(),
                    None => data.clone(),
                });
            }
            "-s" | "-sS" => {}
            ">" => output = args.next().cloned(),
            other if other.starts_with('-') => panic!("curl option {other} is not supported"),
            other => url = Some(other.replace(DOCUMENTED_BASE, base)),
        }
    }
    let method = method.unwrap_or_else(|| if body.is_some() { "POST" } else { "GET" }.into());
    let mut request = reqwest::Client::new().request(
        reqwest::Method::from_bytes(method.as_bytes()).unwrap(),
        url.expect("a URL"),
    );
    for header in headers {
        let (name, value) = header.split_once(':').expect("Name: value");
        request = request.header(name.trim(), value.trim());
    }
    if let Some(body) = body {
        // curl -d sends a form content type; the mock reads the JSON regardless.
        request = request
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body);
    }
    let response = request.send().await.expect("the mock answers");
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    if let Some(file) = output {
        files.insert(file, text.clone());
    }
    Answer { status, text }
}

/// Whether `value` (anywhere in `json`) is a member `key` equal to `expected`.
fn has_member(json: &Value, key: &str, expected: &Value) -> bool {
    let matches = |actual: &Value| match (expected.as_str(), actual.as_str()) {
        (Some(pattern), Some(actual)) if pattern.contains('…') => {
            let (head, tail) = pattern.split_once('…').unwrap();
            actual.starts_with(head) && actual.ends_with(tail.trim_start_matches('…'))
        }
        _ => actual == expected,
    };
    match json {
        Value::Object(members) => members
            .iter()
            .any(|(k, v)| (k == key && matches(v)) || has_member(v, key, expected)),
        Value::Array(items) => items.iter().any(|v| has_member(v, key, expected)),
        _ => false,
    }
}

/// Checks `answer` against the page's `# → ...` text; returns what did not match.
fn mismatches(expected: &str, answer: &Answer, base: &str) -> Vec<String> {
    let expected = expected.replace(DOCUMENTED_BASE, base);
    let mut problems = Vec::new();
    let mut checked = 0;
    let first = expected.split_whitespace().next().unwrap_or_default();
    if let Ok(status) = first.parse::<u16>() {
        checked += 1;
        if status != answer.status {
            problems.push(format!("status {status}, got {}", answer.status));
        }
    } else if !(200..300).contains(&answer.status) {
        problems.push(format!("a success, got {}", answer.status));
    }
    let json: Value = serde_json::from_str(&answer.text).unwrap_or(Value::Null);
    let member = regex_lite_members(&expected);
    for (key, value) in member {
        checked += 1;
        if !has_member(&json, &key, &value) {
            problems.push(format!("\"{key}\": {value}"));
        }
    }
    assert!(checked > 0, "the output {expected:?} checks nothing");
    problems
}

/// The `"key": scalar` members written in an expected output (numbers, booleans, null and
/// strings; nested objects are walked by their own members).
fn regex_lite_members(text: &str) -> Vec<(String, Value)> {
    let mut members = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find('"') {
        let after = &rest[start + 1..];
        let Some(end) = after.find('"') else { break };
        let key = &after[..end];
        let tail = after[end + 1..].trim_start();
        let Some(value_text) = tail.strip_prefix(':') else {
            rest = &after[end + 1..];
            continue;
        };
        let value_text = value_text.trim_start();
        let (value, consumed) = if let Some(string) = value_text.strip_prefix('"') {
            let close = string.find('"').expect("a closed string");
            (Value::String(string[..close].to_string()), close + 2)
        } else {
            let len = value_text
                .find(|c: char| c == ',' || c == '}' || c == ']' || c.is_whitespace())
                .unwrap_or(value_text.len());
            match serde_json::from_str::<Value>(&value_text[..len]) {
                Ok(v) => (v, len),
                // `{`, `[`: a nested value, whose members come next.
                Err(_) => (Value::Null, usize::MAX),
            }
        };
        if consumed != usize::MAX {
            members.push((key.to_string(), value));
            rest = &value_text[consumed.min(value_text.len())..];
        } else {
            rest = value_text;
        }
    }
    members
}

#[tokio::test]
async fn the_guides_walkthrough_gives_the_documented_outputs() {
    let mock = MockServer::start().await;
    let base = mock.base_url().to_string();
    let mut vars = HashMap::new();
    let mut files = HashMap::new();
    let mut failures = Vec::new();
    let mut ran = 0;
    let blocks = PAGES
        .iter()
        .flat_map(|&(name, page)| sh_blocks(page).into_iter().map(move |block| (name, block)));
    for (page, block) in blocks {
        for step in steps(block) {
            let words = words(&step.line, &vars);
            match words.first().map(String::as_str) {
                Some("curl") => {}
                Some(assignment) if assignment.contains('=') && words.len() == 1 => {
                    let (name, value) = assignment.split_once('=').unwrap();
                    vars.insert(name.to_string(), value.to_string());
                    continue;
                }
                other => panic!("the walkthrough cannot run {other:?} ({})", step.line),
            }
            ran += 1;
            let answer = curl(&words[1..], &base, &mut files).await;
            let problems = match &step.expected {
                Some(expected) => mismatches(expected, &answer, &base),
                None if (200..300).contains(&answer.status) => Vec::new(),
                None => vec![format!("a success, got {}", answer.status)],
            };
            if !problems.is_empty() {
                failures.push(format!(
                    "{page}: {}\n  expected {}\n  answered {} {}",
                    step.line,
                    problems.join(", "),
                    answer.status,
                    answer.text.chars().take(600).collect::<String>()
                ));
            }
        }
    }
    assert!(
        ran >= 32,
        "only {ran} commands found: has the guide's layout changed?"
    );
    assert!(
        failures.is_empty(),
        "the guide's outputs are not what following it gives:\n\n{}",
        failures.join("\n\n")
    );
}
