//! The reference floor of `cargo xtask bench`: a minimal axum server that answers
//! `GET /api/profiles` with fixed bytes (the mock's list body, read from a file), on the same
//! runtime configuration as `postproxy-mock`. What it does per request is the least any axum
//! server does, so the mock's throughput is read as a fraction of it. It keeps glibc's malloc
//! where the mock runs on mimalloc: it hardly allocates, and measured no faster with mimalloc.
//!
//! `floor BODY_FILE [PORT]`: listens on 127.0.0.1:PORT (default 0, a free port) and prints
//! `floor listening on http://ADDR`.

use std::process::ExitCode;

use axum::body::Bytes;
use axum::http::header;
use axum::routing::get;
use axum::Router;

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let (Some(file), port) = (args.next(), args.next()) else {
        eprintln!("usage: floor BODY_FILE [PORT]");
        return ExitCode::from(2);
    };
    let body = match std::fs::read(&file) {
        Ok(body) => Bytes::from(body),
        Err(e) => {
            eprintln!("floor: cannot read {file}: {e}");
            return ExitCode::FAILURE;
        }
    };
    let port: u16 = match port.as_deref().unwrap_or("0").parse() {
        Ok(port) => port,
        Err(e) => {
            eprintln!("floor: bad port: {e}");
            return ExitCode::from(2);
        }
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("start the runtime");
    runtime.block_on(async move {
        let app = Router::new().route(
            "/api/profiles",
            get(move || {
                let body = body.clone();
                async move { ([(header::CONTENT_TYPE, "application/json")], body) }
            }),
        );
        let listener = match tokio::net::TcpListener::bind(("127.0.0.1", port)).await {
            Ok(listener) => listener,
            Err(e) => {
                eprintln!("floor: cannot listen: {e}");
                return ExitCode::FAILURE;
            }
        };
        match listener.local_addr() {
            Ok(addr) => println!("floor listening on http://{addr}"),
            Err(e) => {
                eprintln!("floor: {e}");
                return ExitCode::FAILURE;
            }
        }
        match axum::serve(listener, app).await {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("floor: {e}");
                ExitCode::FAILURE
            }
        }
    })
}
