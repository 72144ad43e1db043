//! Starts connecting a new social profile to a group: prints the OAuth URL to send the user to.
//! On the in-process mock it then plays the user: the mock's control API authorizes the
//! connection, and the new profile is read back through the client.
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
            if let Some(mock) = &setup.mock {
                // What the user's click on Authorize does, without a browser.
                let token = connection.url.rsplit('/').next().unwrap_or_default();
                let outcome = mock
                    .control()
                    .authorize_connection(mock.demo_account_id(), token)
                    .await?;
                eprintln!(
                    "(mock) the user authorized; back to {}",
                    outcome.redirect_to
                );
                if let Some(profile) = outcome.profile {
                    let profile = setup.client.profiles().get(&profile.id).send().await?;
                    eprintln!(
                        "(mock) new profile {} \"{}\" ({}) in {}",
                        profile.id, profile.name, profile.status, profile.profile_group_id
                    );
                }
            }
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
