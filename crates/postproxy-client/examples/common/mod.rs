//! Setup shared by the examples: a client for a real server when `POSTPROXY_API_KEY` is set,
//! otherwise for an in-process mock server with demo data.

use std::error::Error;

use postproxy_client::Client;
use postproxy_mock_server::MockServer;

/// The client, and the mock server it talks to if no real server was configured (kept alive
/// for as long as the example runs).
pub struct Setup {
    pub client: Client,
    /// The in-process mock, when no real server was configured.
    #[allow(dead_code)] // not every example looks behind the mock
    pub mock: Option<MockServer>,
}

/// `POSTPROXY_API_KEY` (and `POSTPROXY_BASE_URL`, default `https://api.postproxy.dev`) select
/// a real server; without a key the examples start the mock and use its full-access key.
pub async fn setup() -> Result<Setup, Box<dyn Error>> {
    if let Ok(api_key) = std::env::var("POSTPROXY_API_KEY") {
        let mut builder = Client::builder(api_key);
        if let Ok(base_url) = std::env::var("POSTPROXY_BASE_URL") {
            builder = builder.base_url(base_url);
        }
        return Ok(Setup {
            client: builder.build()?,
            mock: None,
        });
    }
    let mock = MockServer::start().await;
    eprintln!(
        "POSTPROXY_API_KEY is not set: using an in-process mock server at {}",
        mock.base_url()
    );
    let client = Client::builder(mock.full_access_key())
        .base_url(mock.base_url())
        .build()?;
    Ok(Setup {
        client,
        mock: Some(mock),
    })
}
