//! Lists the profile groups of `POSTPROXY_API_KEY` at `POSTPROXY_BASE_URL` (default: the real
//! service), using nothing but `postproxy-client` and Tokio.
//!
//! ```sh
//! POSTPROXY_API_KEY=pp_demo_full_0123456789abcdef POSTPROXY_BASE_URL=http://127.0.0.1:8080 \
//!     cargo run -p postproxy-client-only-example
//! ```

use std::time::Duration;

use postproxy_client::prelude::*;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let api_key = std::env::var("POSTPROXY_API_KEY").map_err(|_| "set POSTPROXY_API_KEY")?;
    let mut builder = Client::builder(api_key).retry(RetryPolicy::default());
    if let Ok(base_url) = std::env::var("POSTPROXY_BASE_URL") {
        builder = builder.base_url(base_url);
    }
    let client = builder.build()?;

    match client
        .profile_groups()
        .list()
        .timeout(Duration::from_secs(10))
        .send()
        .await
    {
        Ok(groups) => {
            for group in groups {
                println!(
                    "{}\t{}\t{} profile(s)",
                    group.id, group.name, group.profiles_count
                );
            }
            Ok(())
        }
        Err(e) if e.kind() == ErrorKind::Authentication => {
            Err(format!("the key was refused: {e}").into())
        }
        Err(e) => Err(e.into()),
    }
}
