//! `postproxy-mock`: the stateful Postproxy mock server as a standalone program.
//!
//! The server itself is the `postproxy-mock-server` library; this crate adds what only a
//! program needs: flags, a log formatter, the allocator, the startup report (human text or
//! one JSON line for wrappers, [`ready`]) and the ways it stops (signals, or its standard
//! input closing).

mod log_writer;
mod proxy_cmd;
mod ready;
mod verify_cmd;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Parser, Subcommand};
use postproxy_mock_server::{Fixtures, MockServer};

// Set here, not in the library: in-process users keep their own allocator.
#[cfg(feature = "mimalloc")]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// A stateful mock of the Postproxy Profiles and Profile Groups API.
///
/// Besides the API (/api/...) it serves the spec (/openapi.yaml, /openapi.json), a control API
/// for tests under /__mock/ (accounts, state injection, clock, faults, request journal,
/// connections; documented at /__mock/openapi.json), the OAuth consent pages behind
/// initialize_connection's URLs (/connect/...), and Swagger UI over both specs at /docs.
///
/// Every flag can also be set with the environment variable shown.
#[derive(Debug, Parser)]
#[command(name = "postproxy-mock", version, about)]
struct Cli {
    /// The address to listen on.
    #[arg(long, env = "POSTPROXY_MOCK_HOST", default_value = "127.0.0.1")]
    host: std::net::IpAddr,

    /// The port to listen on; 0 picks a free port (the bound address is printed).
    #[arg(long, env = "POSTPROXY_MOCK_PORT", default_value_t = 8080)]
    port: u16,

    /// A fixture file (JSON, or YAML if it ends in .yaml/.yml) replacing the demo data.
    #[arg(long, env = "POSTPROXY_MOCK_FIXTURES")]
    fixtures: Option<PathBuf>,

    /// The seed new ids (groups, profiles, keys, connection tokens) and polled stats are
    /// generated from.
    #[arg(long, env = "POSTPROXY_MOCK_SEED", default_value_t = postproxy_mock_server::DEFAULT_SEED)]
    seed: u64,

    /// The log filter: a level (off, error, warn, info, debug, trace) or tracing directives
    /// such as `warn,postproxy_mock_server=debug`. A bare word that is not a level is refused
    /// (tracing would read it as a target name and log nothing else).
    #[arg(long, env = "POSTPROXY_MOCK_LOG_LEVEL", default_value = "info")]
    log_level: String,

    /// The base URL clients reach this server at, used in initialize_connection's URLs
    /// (default: http://HOST:PORT as bound).
    #[arg(long, env = "POSTPROXY_MOCK_PUBLIC_URL")]
    public_url: Option<String>,

    /// For programs that start the server: once it accepts connections, print exactly one
    /// line of JSON on stdout and nothing else there: {"base_url", "control_url",
    /// "listen_url", "pid", "accounts": [{"id", "keys": [{"key", "key_id",
    /// "profile_group_id"}]}]} (profile_group_id is null for a full-access key; listen_url is
    /// the bound address, which --public-url does not change). The human summary goes to
    /// stderr.
    #[arg(long, env = "POSTPROXY_MOCK_READY_JSON")]
    ready_json: bool,

    /// Shut down when standard input reaches its end (the starting program exited or closed
    /// the pipe), so a killed test runner never leaves a server behind. Input is read and
    /// discarded.
    #[arg(long, env = "POSTPROXY_MOCK_EXIT_ON_STDIN_CLOSE")]
    exit_on_stdin_close: bool,

    /// Seconds a request head may take to arrive, from its first byte; a connection still
    /// sending its head after that is closed (so half-sent requests cannot pile up).
    #[arg(long, value_name = "SECS", env = "POSTPROXY_MOCK_HEADER_READ_TIMEOUT",
          default_value_t = postproxy_mock_server::DEFAULT_HEADER_READ_TIMEOUT.as_secs(),
          value_parser = clap::value_parser!(u64).range(1..))]
    header_read_timeout: u64,

    /// Seconds a connection may sit with no request being handled and no bytes moving (an idle
    /// keep-alive connection, one that sends nothing, a client not reading its answer or
    /// stopping in the middle of a request body) before it is closed.
    #[arg(long, value_name = "SECS", env = "POSTPROXY_MOCK_IDLE_TIMEOUT",
          default_value_t = postproxy_mock_server::DEFAULT_IDLE_TIMEOUT.as_secs(),
          value_parser = clap::value_parser!(u64).range(1..))]
    idle_timeout: u64,

    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Print the JSON Schema of the fixture format and exit.
    FixtureSchema,
    /// Print the embedded demo fixtures (JSON) and exit.
    DemoFixtures,
    // Its help is VerifyArgs' doc comment.
    Verify(verify_cmd::VerifyArgs),
    // Its help is RecordArgs' own.
    Record(postproxy_mock::record::RecordArgs),
    // Its help is ProxyArgs' doc comment.
    Proxy(proxy_cmd::ProxyArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Some(Command::FixtureSchema) => {
            return match serde_json::to_string_pretty(&Fixtures::json_schema()) {
                Ok(text) => ready::out(&text),
                Err(e) => ready::fail(&e.to_string()),
            };
        }
        Some(Command::DemoFixtures) => return ready::out(Fixtures::demo_json().trim_end()),
        Some(Command::Verify(args)) => return verify_cmd::run(args),
        Some(Command::Record(args)) => return postproxy_mock::record::cli_main(args),
        Some(Command::Proxy(args)) => return proxy_cmd::run(args),
        None => {}
    }

    if let Err(e) = check_log_level(&cli.log_level) {
        return ready::usage(&format!("invalid --log-level {:?}: {e}", cli.log_level));
    }
    let filter = match tracing_subscriber::EnvFilter::try_new(&cli.log_level) {
        Ok(filter) => filter,
        Err(e) => {
            return ready::usage(&format!("invalid --log-level {:?}: {e}", cli.log_level));
        }
    };
    // Lines are written off the request path, in batches (see `log_writer`); dropping
    // `_flush` at the end of main writes what is left.
    let (writer, _flush) = log_writer::start(std::io::stderr());
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(writer)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        // A closed stderr must not stop the server: the formatter would report its own
        // write errors with eprintln!, which panics on a broken pipe.
        .log_internal_errors(false)
        .init();

    raise_open_file_limit();

    let fixtures = match &cli.fixtures {
        Some(path) => match Fixtures::load(path) {
            Ok(fixtures) => fixtures,
            Err(e) => return ready::fail(&e.to_string()),
        },
        None => Fixtures::demo(),
    };

    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => return ready::fail(&format!("cannot start the runtime: {e}")),
    };
    let code = runtime.block_on(run(cli, fixtures));
    // The stdin reader may still be blocked in read(2); it must not hold the process.
    runtime.shutdown_background();
    code
}

/// Refuses a log filter whose directives include a bare word that is not a level: tracing reads
/// `verbose` as "everything from the target `verbose`", which turns every line of this server
/// off without a word. `target=level` and span directives are left to tracing to check.
fn check_log_level(filter: &str) -> Result<(), String> {
    const LEVELS: [&str; 6] = ["off", "error", "warn", "info", "debug", "trace"];
    for directive in filter.split(',').map(str::trim).filter(|d| !d.is_empty()) {
        let is_level = LEVELS.iter().any(|l| l.eq_ignore_ascii_case(directive));
        if !is_level && !directive.contains(['=', '[']) {
            return Err(format!(
                "{directive:?} is not a level (off, error, warn, info, debug, trace) nor a \
                 target=level directive such as postproxy_mock_server=debug"
            ));
        }
    }
    Ok(())
}

async fn run(cli: Cli, fixtures: Fixtures) -> ExitCode {
    let addr = SocketAddr::new(cli.host, cli.port);
    let mut builder = MockServer::builder()
        .fixtures(fixtures)
        .seed(cli.seed)
        .addr(addr)
        .header_read_timeout(Duration::from_secs(cli.header_read_timeout))
        .idle_timeout(Duration::from_secs(cli.idle_timeout));
    if let Some(url) = cli.public_url {
        builder = builder.base_url(url);
    }
    let server = match builder.start().await {
        Ok(server) => server,
        Err(e) => return ready::fail(&format!("cannot listen on {addr}: {e}")),
    };

    // Registered before the server says it is ready, so that a signal sent right after the
    // ready line is never lost.
    let stop = stop_signal(cli.exit_on_stdin_close);
    release_freed_memory();
    ready::report(&server, cli.ready_json);
    tracing::info!(addr = %server.addr(), seed = cli.seed, "postproxy-mock started");

    let why = stop.await;
    tracing::info!("shutting down ({why})");
    server.shutdown().await;
    ExitCode::SUCCESS
}

/// Raises the soft limit of open files to the hard limit: every connection holds a descriptor,
/// and a soft limit of 256 or 1024 (macOS, many Linux shells) is soon reached by test suites
/// that leak connections. Failing to raise it is logged and otherwise ignored.
#[cfg(unix)]
fn raise_open_file_limit() {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit writes the limit into the struct passed by pointer.
    if unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) } != 0 {
        tracing::warn!(error = %std::io::Error::last_os_error(), "cannot read the open-file limit");
        return;
    }
    if limit.rlim_cur >= limit.rlim_max {
        return;
    }
    let soft = limit.rlim_cur;
    let mut raised = libc::rlimit {
        rlim_cur: limit.rlim_max,
        rlim_max: limit.rlim_max,
    };
    // SAFETY: setrlimit reads the limit from the struct passed by pointer.
    if unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &raised) } != 0 {
        // macOS refuses more than OPEN_MAX (10240) as the soft limit, even below an unlimited
        // hard limit.
        raised.rlim_cur = raised.rlim_cur.min(10240);
        // SAFETY: as above.
        if raised.rlim_cur <= soft || unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &raised) } != 0
        {
            tracing::warn!(
                error = %std::io::Error::last_os_error(),
                soft,
                "cannot raise the open-file limit"
            );
            return;
        }
    }
    tracing::debug!(
        from = soft,
        to = raised.rlim_cur,
        "raised the open-file limit"
    );
}

#[cfg(not(unix))]
fn raise_open_file_limit() {}

/// Hands the memory freed since startup back to the OS. Parsing a fixture file takes more
/// memory than the state built from it, and the allocator keeps freed pages resident: with
/// 100 000 profiles that was half of the server's resident memory (glibc), or more (mimalloc).
#[cfg(feature = "mimalloc")]
fn release_freed_memory() {
    // SAFETY: mi_collect has no preconditions; `force` returns freed pages to the OS now,
    // not after mimalloc's purge delay.
    unsafe {
        libmimalloc_sys::mi_collect(true);
    }
}

#[cfg(all(not(feature = "mimalloc"), target_os = "linux", target_env = "gnu"))]
fn release_freed_memory() {
    // SAFETY: malloc_trim has no preconditions; it only returns free heap pages to the OS.
    unsafe {
        libc::malloc_trim(0);
    }
}

#[cfg(all(
    not(feature = "mimalloc"),
    not(all(target_os = "linux", target_env = "gnu"))
))]
fn release_freed_memory() {}

/// Resolves, naming the reason, when SIGINT or SIGTERM arrives or (with `stdin`) when
/// standard input ends. Registers for the signals at once.
fn stop_signal(stdin: bool) -> impl std::future::Future<Output = &'static str> {
    let signal = shutdown_signal();
    async move {
        tokio::select! {
            () = signal => "signal",
            () = stdin_closed(), if stdin => "standard input closed",
        }
    }
}

/// Resolves when standard input reaches its end or cannot be read.
async fn stdin_closed() {
    use tokio::io::AsyncReadExt;
    let mut stdin = tokio::io::stdin();
    let mut buf = [0u8; 1024];
    while let Ok(n) = stdin.read(&mut buf).await {
        if n == 0 {
            break;
        }
    }
}

/// Registers for SIGINT and SIGTERM at once, and resolves when one arrives (an unregistered
/// SIGTERM would kill the process without a clean shutdown).
fn shutdown_signal() -> impl std::future::Future<Output = ()> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, Signal, SignalKind};
        async fn arrival(signal: Option<Signal>) {
            match signal {
                Some(mut signal) => {
                    signal.recv().await;
                }
                None => std::future::pending::<()>().await,
            }
        }
        let interrupt = signal(SignalKind::interrupt()).ok();
        let terminate = signal(SignalKind::terminate()).ok();
        async move {
            tokio::select! {
                () = arrival(interrupt) => {}
                () = arrival(terminate) => {}
            }
        }
    }
    #[cfg(not(unix))]
    async {
        let _ = tokio::signal::ctrl_c().await;
    }
}
