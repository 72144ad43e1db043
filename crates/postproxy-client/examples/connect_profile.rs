//! Starts connecting a new social profile to a group: prints the OAuth URL to send the user to.
//!
//! ```sh
//! cargo run -p postproxy-client --example connect_profile
//! cargo run -p postproxy-client --example connect_profile -- grp789ghi tiktok https://myapp.com/oauth/callback
//! ```

mod common;

use postproxy_client::models::Platform;
use postproxy_client::ErrorKind;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let group_id = args.next().unwrap_or_else(|| "grp789ghi".into());
    let platform_name = args.next().unwrap_or_else(|| "linkedin".into());
    let Ok(platform) = platform_name.parse::<Platform>() else {
        eprintln!("unknown platform {platform_name:?}: use the API's name, e.g. linkedin");
        std::process::exit(2);
    };
    let redirect_url = args
        .next()
        .unwrap_or_else(|| "https://example.com/oauth/callback".into());

    let setup = common::setup().await?;
    let result = setup
        .client
        .profile_groups()
        .initialize_connection(&group_id, platform, &redirect_url)
        .send()
        .await;
    match result {
        Ok(connection) => {
            println!("{}", connection.url);
            eprintln!(
                "Send the user to the URL above to connect {platform} to {group_id}; \
                 they come back to {redirect_url}."
            );
            Ok(())
        }
        // 422: the platform is not an OAuth platform, or the group already has one.
        Err(e) if e.kind() == ErrorKind::Validation => {
            eprintln!("cannot connect {platform} to {group_id}: {e}");
            std::process::exit(2);
        }
        Err(e) => Err(e.into()),
    }
}
