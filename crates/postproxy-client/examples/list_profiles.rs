//! Lists the profiles of every profile group the API key can access, group by group.
//!
//! ```sh
//! cargo run -p postproxy-client --example list_profiles
//! POSTPROXY_API_KEY=... cargo run -p postproxy-client --example list_profiles
//! ```

mod common;

use std::collections::BTreeMap;

use postproxy_client::models::{Profile, ProfileStatus};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let setup = common::setup().await?;
    let client = &setup.client;

    // One call for every profile (no profile_group_id: every accessible group), one for the
    // groups' names.
    let profiles = client.profiles().list().send().await?;
    let groups = client.profile_groups().list().send().await?;

    let mut by_group: BTreeMap<&str, Vec<&Profile>> = BTreeMap::new();
    for profile in &profiles {
        by_group
            .entry(profile.profile_group_id.as_str())
            .or_default()
            .push(profile);
    }
    for group in &groups {
        let members = by_group.remove(group.id.as_str()).unwrap_or_default();
        println!(
            "{} ({}): {} profile(s)",
            group.name,
            group.id,
            members.len()
        );
        for p in members {
            let note = match p.status {
                ProfileStatus::Active => String::new(),
                ProfileStatus::Expired => "  <- expired: reconnect it".to_string(),
                other => format!("  <- {other}"),
            };
            println!(
                "  {:<16} {:<16} {:<24} {:>5} posts{note}",
                p.id,
                p.platform.to_string(),
                p.name,
                p.post_count
            );
        }
    }
    Ok(())
}
