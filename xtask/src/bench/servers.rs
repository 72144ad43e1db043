//! The servers a run starts (the mock, the floor, Prism), each a child process killed when
//! its [`Server`] is dropped, and waiting until one answers.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use super::{http, Ctx};

/// A server this run started; killed when dropped.
pub(super) struct Server {
    pub(super) child: Child,
    pub(super) addr: String,
}

impl Server {
    pub(super) fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Spawns `command`, whose stdout prints `{prefix}ADDR`; stderr goes to `logs/{log}.stderr`.
pub(super) fn spawn_printing_addr(
    ctx: &mut Ctx,
    mut command: Command,
    shown: String,
    prefix: &'static str,
    log: &str,
) -> Result<Server, String> {
    let log_path = ctx.work.join("logs").join(format!("{log}.stderr"));
    let stderr =
        std::fs::File::create(&log_path).map_err(|e| format!("{}: {e}", log_path.display()))?;
    let mut child = command
        .current_dir(&ctx.root)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(stderr)
        .spawn()
        .map_err(|e| format!("{shown}: {e}"))?;
    let stdout = child.stdout.take().expect("piped stdout");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut reader = BufReader::new(stdout);
        let mut line = String::new();
        let mut tx = Some(tx);
        // Read to the end, so the child never blocks on a full pipe.
        while reader.read_line(&mut line).is_ok_and(|n| n > 0) {
            if let Some(addr) = line.trim().strip_prefix(prefix) {
                if let Some(tx) = tx.take() {
                    let _ = tx.send(addr.to_string());
                }
            }
            line.clear();
        }
    });
    let mut server = Server {
        child,
        addr: String::new(),
    };
    match rx.recv_timeout(Duration::from_secs(300)) {
        Ok(addr) => {
            server.addr = addr;
            Ok(server)
        }
        Err(_) => Err(format!(
            "{shown} printed no address (see {})",
            log_path.display()
        )),
    }
}

/// The mock's command line, as run and as shown in the results: at `--log-level warn`, which
/// logs nothing per request.
pub(super) fn mock_command(ctx: &Ctx, fixtures: Option<&Path>) -> (Command, String) {
    mock_command_at(ctx, fixtures, "warn")
}

/// The mock's command line at `level`.
pub(super) fn mock_command_at(
    ctx: &Ctx,
    fixtures: Option<&Path>,
    level: &str,
) -> (Command, String) {
    let bin = ctx.bin("postproxy-mock");
    let mut command = Command::new(&bin);
    command.args(["--port", "0", "--log-level", level]);
    let mut shown = format!("{} --port 0 --log-level {level}", ctx.show(&bin));
    if let Some(file) = fixtures {
        command.arg("--fixtures").arg(file);
        shown.push_str(&format!(" --fixtures {}", ctx.show(file)));
    }
    (command, shown)
}

/// Spawns the mock and waits until `GET path` with `key` answers 200.
pub(super) fn start_mock(
    ctx: &mut Ctx,
    fixtures: Option<&Path>,
    log: &str,
    (path, key): (&str, &str),
    timeout: Duration,
) -> Result<Server, String> {
    start_mock_at(ctx, fixtures, "warn", log, (path, key), timeout)
}

/// [`start_mock`] at `--log-level level` (its log goes to `logs/{log}.stderr`).
pub(super) fn start_mock_at(
    ctx: &mut Ctx,
    fixtures: Option<&Path>,
    level: &str,
    log: &str,
    (path, key): (&str, &str),
    timeout: Duration,
) -> Result<Server, String> {
    let (command, shown) = mock_command_at(ctx, fixtures, level);
    let server = spawn_printing_addr(
        ctx,
        command,
        shown,
        "postproxy-mock listening on http://",
        log,
    )?;
    wait_ok(&server.addr, path, key, timeout)?;
    Ok(server)
}

/// Polls `GET path` until it answers 200.
pub(super) fn wait_ok(addr: &str, path: &str, key: &str, timeout: Duration) -> Result<(), String> {
    let t0 = Instant::now();
    loop {
        match http::get(addr, path, key) {
            Ok(r) if r.status == 200 => return Ok(()),
            Ok(r) if t0.elapsed() > timeout => {
                return Err(format!("GET {path} on {addr} answered {}", r.status))
            }
            Err(e) if t0.elapsed() > timeout => return Err(e),
            _ => std::thread::sleep(Duration::from_millis(1)),
        }
    }
}
