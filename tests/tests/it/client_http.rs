//! The client's HTTP settings against the mock: a `reqwest::Client` the user brings (through a
//! local forwarding proxy, so the test sees that the user's client was used), and a per-call
//! timeout that overrides the client's either way.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use postproxy_client::{Client, ErrorKind};
use postproxy_mock_server::control::FaultSpec;
use postproxy_mock_server::MockServer;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// A forwarding HTTP proxy on 127.0.0.1: it records the request line of each connection and
/// passes the bytes on to `upstream` (hyper accepts the absolute-form target a proxy client
/// sends). Returns its URL and the request lines seen.
async fn forwarding_proxy(upstream: std::net::SocketAddr) -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = Arc::clone(&seen);
    tokio::spawn(async move {
        while let Ok((mut client, _)) = listener.accept().await {
            let log = Arc::clone(&log);
            tokio::spawn(async move {
                let mut first = vec![0; 8192];
                let n = client.read(&mut first).await.unwrap_or(0);
                let head = String::from_utf8_lossy(&first[..n]);
                log.lock()
                    .unwrap()
                    .push(head.lines().next().unwrap_or_default().to_string());
                let mut server = TcpStream::connect(upstream).await.unwrap();
                server.write_all(&first[..n]).await.unwrap();
                let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
            });
        }
    });
    (url, seen)
}

#[tokio::test]
async fn a_reqwest_client_of_your_own_is_used_with_the_key_and_timeout_added() {
    let mock = MockServer::start().await;
    let (proxy, seen) = forwarding_proxy(mock.addr()).await;
    let http = reqwest::Client::builder()
        .proxy(reqwest::Proxy::http(&proxy).unwrap())
        .build()
        .unwrap();
    let client = Client::builder(mock.full_access_key())
        .base_url(mock.base_url())
        .http_client(http)
        .build()
        .unwrap();

    // The key is added per request: the mock accepts it, through the proxy.
    let groups = client.profile_groups().list().send().await.unwrap();
    assert_eq!(groups.len(), 4);
    let generated = client
        .generated()
        .list_profile_groups()
        .send()
        .await
        .unwrap();
    assert_eq!(
        generated.into_inner().data,
        groups,
        "the generated layer too"
    );
    let lines = seen.lock().unwrap().clone();
    assert!(
        !lines.is_empty(),
        "the user's client (and its proxy) carried the requests"
    );
    assert!(
        lines
            .iter()
            .all(|l| l.starts_with(&format!("GET {}/api/profile_groups", mock.base_url()))),
        "{lines:?}"
    );

    // Without a key of ours the user's client sends none: the mock refuses.
    let anonymous = Client::builder("")
        .base_url(mock.base_url())
        .http_client(reqwest::Client::new())
        .build()
        .unwrap();
    let e = anonymous.profile_groups().list().send().await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Authentication);

    // ClientBuilder::timeout applies to the user's client too.
    let slow = Client::builder(mock.full_access_key())
        .base_url(mock.base_url())
        .http_client(reqwest::Client::new())
        .timeout(Duration::from_millis(200))
        .build()
        .unwrap();
    arm_latency(&mock, 1_500).await;
    let started = Instant::now();
    let e = slow.profile_groups().list().send().await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Timeout, "{e}");
    assert!(started.elapsed() < Duration::from_millis(1_200));
}

async fn arm_latency(mock: &MockServer, ms: u64) {
    mock.control()
        .add_fault(
            mock.demo_account_id(),
            &FaultSpec::latency(Duration::from_millis(ms)),
        )
        .await
        .unwrap();
}

#[tokio::test]
async fn a_call_timeout_overrides_the_clients_both_ways() {
    let mock = MockServer::start().await;
    let patient = Client::builder(mock.full_access_key())
        .base_url(mock.base_url())
        .build()
        .unwrap();
    arm_latency(&mock, 1_500).await;
    let started = Instant::now();
    let e = patient
        .profiles()
        .get("prof_li_001")
        .timeout(Duration::from_millis(200))
        .send()
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Timeout, "{e}");
    assert!(e.is_timeout());
    assert!(started.elapsed() < Duration::from_millis(1_200));

    // A client with a short timeout, and one call that may take longer.
    mock.control()
        .clear_faults(mock.demo_account_id())
        .await
        .unwrap();
    let hasty = Client::builder(mock.full_access_key())
        .base_url(mock.base_url())
        .timeout(Duration::from_millis(200))
        .build()
        .unwrap();
    arm_latency(&mock, 500).await;
    let group = hasty
        .profile_groups()
        .get("grp123abc")
        .timeout(Duration::from_secs(5))
        .send()
        .await
        .unwrap();
    assert_eq!(group.name, "Main Brand");
    arm_latency(&mock, 500).await;
    let e = hasty
        .profile_groups()
        .get("grp123abc")
        .send()
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Timeout);
}
