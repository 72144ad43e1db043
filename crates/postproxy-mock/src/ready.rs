//! What the program prints, and how it prints it: the startup report (human text, or one JSON
//! line for the programs that start the server) and its errors.
//!
//! Nothing here may stop the server: a reader that has gone away (`postproxy-mock | head -1`,
//! a wrapper that reads the ready line and closes the pipe) makes writes fail with a broken
//! pipe, and `println!` would panic on that. Every write goes through [`write_line`], which
//! ignores the failure: the server keeps serving whoever is still talking to it.

use std::io::Write;
use std::process::ExitCode;

use postproxy_mock_server::MockServer;
use serde::Serialize;

/// The `--ready-json` line.
#[derive(Debug, Serialize)]
struct Ready<'a> {
    /// What clients use (`--public-url`, or the bound address).
    base_url: &'a str,
    control_url: String,
    /// The bound address as a URL, for the program that started the server to reach it
    /// whatever `--public-url` says.
    listen_url: String,
    pid: u32,
    accounts: Vec<ReadyAccount<'a>>,
}

#[derive(Debug, Serialize)]
struct ReadyAccount<'a> {
    id: &'a str,
    keys: Vec<ReadyKey<'a>>,
}

#[derive(Debug, Serialize)]
struct ReadyKey<'a> {
    key: &'a str,
    key_id: String,
    /// `None` (JSON null) for a full-access key.
    profile_group_id: Option<&'a str>,
}

/// Says the server is ready: one JSON line on stdout (`json`), or the human summary there.
/// With `json` the human summary goes to stderr, so stdout carries nothing but the line.
pub fn report(server: &MockServer, json: bool) {
    let keys = server.api_keys();
    let mut accounts: Vec<ReadyAccount<'_>> = Vec::new();
    for key in &keys {
        let entry = ReadyKey {
            key: &key.key,
            key_id: key.key_id.clone(),
            profile_group_id: key.profile_group_id.as_deref(),
        };
        let id = key.account_id.as_str();
        match accounts.iter_mut().find(|a| a.id == id) {
            Some(account) => account.keys.push(entry),
            None => accounts.push(ReadyAccount {
                id,
                keys: vec![entry],
            }),
        }
    }
    let base_url = server.base_url();
    let human = summary(server, &accounts);
    if json {
        let mut listen = server.addr();
        if listen.ip().is_unspecified() {
            listen.set_ip(match listen {
                std::net::SocketAddr::V4(_) => std::net::Ipv4Addr::LOCALHOST.into(),
                std::net::SocketAddr::V6(_) => std::net::Ipv6Addr::LOCALHOST.into(),
            });
        }
        let ready = Ready {
            base_url,
            control_url: format!("{base_url}/__mock"),
            listen_url: format!("http://{listen}"),
            pid: std::process::id(),
            accounts,
        };
        // Serialising plain strings and numbers cannot fail.
        let line = serde_json::to_string(&ready).unwrap_or_default();
        // The summary first: whoever reads the ready line may act on it at once (a test that
        // kills the server expects its summary among the last stderr lines).
        write_line(&mut std::io::stderr().lock(), &human);
        write_line(&mut std::io::stdout().lock(), &line);
    } else {
        write_line(&mut std::io::stdout().lock(), &human);
    }
}

/// The human summary: where the server is, its keys, and a first request to try.
fn summary(server: &MockServer, accounts: &[ReadyAccount<'_>]) -> String {
    let base_url = server.base_url();
    let mut text = format!(
        "postproxy-mock listening on http://{}\nbase URL: {base_url}\n\
         control API: {base_url}/__mock/  docs: {base_url}/docs/\nAPI keys:",
        server.addr()
    );
    for account in accounts {
        for key in &account.keys {
            let scope = match key.profile_group_id {
                None => "full access".to_string(),
                Some(group) => format!("scoped to profile group {group}"),
            };
            text.push_str(&format!(
                "\n  {}  (account {}, {scope})",
                key.key, account.id
            ));
        }
    }
    let first = accounts
        .first()
        .and_then(|a| a.keys.first())
        .map_or("<key>", |k| k.key);
    text.push_str(&format!(
        "\ntry: curl -H 'Authorization: Bearer {first}' {base_url}/api/profile_groups"
    ));
    text
}

/// Writes `line` and a newline and flushes, ignoring a reader that has gone away.
pub fn write_line(out: &mut impl Write, line: &str) {
    let _ = writeln!(out, "{line}").and_then(|()| out.flush());
}

/// Prints a subcommand's output; success even if nobody reads it.
pub fn out(text: &str) -> ExitCode {
    write_line(&mut std::io::stdout().lock(), text);
    ExitCode::SUCCESS
}

/// Reports a failure on stderr and exits with 1.
pub fn fail(message: &str) -> ExitCode {
    write_line(
        &mut std::io::stderr().lock(),
        &format!("postproxy-mock: {message}"),
    );
    ExitCode::FAILURE
}

/// Reports a usage error on stderr and exits with 2, as clap does for its own.
pub fn usage(message: &str) -> ExitCode {
    write_line(
        &mut std::io::stderr().lock(),
        &format!("postproxy-mock: {message}"),
    );
    ExitCode::from(2)
}
