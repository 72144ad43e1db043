//! What the tests share: stub upstreams, and the ready line of a program the tests started.

pub mod drift;

use std::io::{BufRead, BufReader};
use std::process::Child;

/// The base URL in the `--ready-json` line `child` writes first on stdout, read off the
/// runtime's threads.
pub async fn ready_base_url(child: &mut Child) -> String {
    let stdout = child.stdout.take().expect("stdout piped");
    let line = tokio::task::spawn_blocking(move || {
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line).map(|_| line)
    })
    .await
    .expect("joined")
    .expect("the ready line");
    let ready: serde_json::Value = serde_json::from_str(&line).expect("one JSON line");
    ready["base_url"].as_str().expect("base_url").to_string()
}
