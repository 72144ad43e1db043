//! HTTPS upstreams (the `tls` feature: rustls, the platform's verifier). `verify` and
//! `proxy`, as programs, reach a mock served over TLS with a certificate signed by an
//! authority made for the test and trusted through `SSL_CERT_FILE`. With another authority in
//! that file the handshake is refused: the certificate is checked, not waved through.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::Arc;

use postproxy_mock_server::{MockServer, DEMO_FULL_ACCESS_KEY as KEY};
use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, IsCa, KeyPair, KeyUsagePurpose};
use serde_json::Value;
use tokio::net::{TcpListener, TcpStream};
use tokio_rustls::rustls::{self, pki_types::PrivateKeyDer};
use tokio_rustls::TlsAcceptor;

use crate::record::support::Dir;

const BIN: &str = env!("CARGO_BIN_EXE_postproxy-mock");

/// A new certificate authority: its issuer, and the PEM file a client trusts it through.
fn authority(dir: &Dir, name: &str) -> (CertifiedIssuer<'static, KeyPair>, PathBuf) {
    let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    let issuer = CertifiedIssuer::self_signed(params, KeyPair::generate().unwrap()).unwrap();
    let pem = dir.join(name);
    std::fs::write(&pem, issuer.pem()).unwrap();
    (issuer, pem)
}

/// `mock` served over HTTPS on `127.0.0.1` with a certificate `issuer` signed: its base URL.
async fn https_front(mock: &MockServer, issuer: &CertifiedIssuer<'static, KeyPair>) -> String {
    let key = KeyPair::generate().unwrap();
    let names = vec!["127.0.0.1".to_string(), "localhost".to_string()];
    let leaf = CertificateParams::new(names)
        .unwrap()
        .signed_by(&key, issuer)
        .unwrap();
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(
            vec![leaf.der().clone()],
            PrivateKeyDer::Pkcs8(key.serialize_der().into()),
        )
        .unwrap();
    let acceptor = TlsAcceptor::from(Arc::new(config));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let backend = mock.addr();
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                let Ok(mut tls) = acceptor.accept(tcp).await else {
                    return;
                };
                let Ok(mut plain) = TcpStream::connect(backend).await else {
                    return;
                };
                let _ = tokio::io::copy_bidirectional(&mut tls, &mut plain).await;
            });
        }
    });
    format!("https://127.0.0.1:{port}")
}

/// The program with `args`, trusting the authorities in `roots` only.
fn program(args: &[&str], roots: &Path) -> Command {
    let mut command = Command::new(BIN);
    command
        .args(args)
        .env("SSL_CERT_FILE", roots)
        .env_remove("SSL_CERT_DIR")
        .env_remove("POSTPROXY_API_KEY")
        .env_remove("POSTPROXY_BASE_URL");
    command
}

/// `postproxy-mock verify` against `upstream`, off the runtime's threads.
async fn verify(upstream: &str, roots: &Path) -> Output {
    let mut command = program(
        &["verify", "--upstream", upstream, "--key", KEY, "--json"],
        roots,
    );
    tokio::task::spawn_blocking(move || command.output().expect("the program runs"))
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn verify_checks_an_https_upstream_and_refuses_an_unknown_authority() {
    let dir = Dir::new("tls-verify");
    let (trusted, trusted_pem) = authority(&dir, "trusted.pem");
    let (_, other_pem) = authority(&dir, "other.pem");
    let mock = MockServer::start().await;
    let upstream = https_front(&mock, &trusted).await;

    let output = verify(&upstream, &trusted_pem).await;
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let report: Value = serde_json::from_slice(&output.stdout).expect("one JSON document");
    assert_eq!(report["passed"], true, "{report}");

    // Signed by an authority the client does not trust: no check could be made (exit 2),
    // and the message says why.
    let output = verify(&upstream, &other_pem).await;
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(said.to_lowercase().contains("certificate"), "{said}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn proxy_forwards_to_an_https_upstream() {
    let dir = Dir::new("tls-proxy");
    let (trusted, trusted_pem) = authority(&dir, "trusted.pem");
    let mock = MockServer::start().await;
    let upstream = https_front(&mock, &trusted).await;
    let args = [
        "proxy",
        "--upstream",
        &upstream,
        "--port",
        "0",
        "--ready-json",
    ];
    let mut child = program(&args, &trusted_pem)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start postproxy-mock proxy");
    let base = crate::support::ready_base_url(&mut child).await;

    let get = |url: String| reqwest::Client::new().get(url).bearer_auth(KEY).send();
    let through = get(format!("{base}/api/profiles")).await.unwrap();
    let status = through.status().as_u16();
    let through = through.text().await.unwrap();
    let direct = get(format!("{}/api/profiles", mock.base_url()))
        .await
        .unwrap();
    let _ = child.kill();
    let _ = child.wait();
    assert_eq!(status, 200, "{through}");
    assert_eq!(through, direct.text().await.unwrap());
}
