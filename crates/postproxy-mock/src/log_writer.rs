//! Where the program's log lines go: off the request path, in batches. A request only formats
//! its line (tracing's formatter, as before) and queues it ([`LogLines`]); one thread writes
//! what has gathered to stderr in one `write(2)`, [`BATCH_WAIT`] after the first line of a
//! batch arrived, so a line is held about that long at most. At the default level every
//! request is logged: a write per line cost a quarter of the throughput on cached reads.
//!
//! Bounded: at most [`LINES_HELD`] lines wait; past that a line is dropped rather than held
//! (a reader that stopped reading stderr never grows the server). A closed stderr drops lines
//! too, silently: the server goes on.

use std::io::Write;
use std::sync::mpsc::{self, Receiver, SyncSender, TryRecvError, TrySendError};
use std::time::{Duration, Instant};

/// How long the writer lets lines gather after the first of a batch.
pub const BATCH_WAIT: Duration = Duration::from_millis(2);

/// The most lines that wait for the writer.
pub const LINES_HELD: usize = 64 * 1024;

/// The most bytes written in one go.
const BATCH_BYTES: usize = 64 * 1024;

/// Queues log lines for the writer thread: a `MakeWriter` for tracing-subscriber.
#[derive(Clone)]
pub struct LogLines {
    lines: SyncSender<Vec<u8>>,
}

/// Stops the writer thread once it has written every line queued before: drop it at the end of
/// `main`, so nothing logged is lost at exit. It waits at most [`FLUSH_WAIT`]: a stderr nobody
/// reads (a full pipe) must not keep the program from exiting.
pub struct Flush {
    lines: SyncSender<Vec<u8>>,
    done: Receiver<()>,
}

/// The longest [`Flush`] waits for the writer at exit.
pub const FLUSH_WAIT: Duration = Duration::from_secs(2);

/// The writer thread, writing to `out`, and the [`Flush`] that ends it.
pub fn start(out: impl Write + Send + 'static) -> (LogLines, Flush) {
    let (lines, queued) = mpsc::sync_channel(LINES_HELD);
    let (finished, done) = mpsc::channel();
    // Without a thread (none could be made), lines are dropped: the server still runs.
    let _ = std::thread::Builder::new()
        .name("postproxy-mock-log".into())
        .spawn(move || {
            write_batches(queued, out);
            drop(finished);
        });
    (
        LogLines {
            lines: lines.clone(),
        },
        Flush { lines, done },
    )
}

/// The writer thread's loop. It waits on the queue only while there is nothing to write; once
/// a line arrives it sleeps [`BATCH_WAIT`] and then takes what has gathered, up to
/// [`BATCH_BYTES`] a write. Sleeping rather than waiting on the queue matters: a sender wakes a
/// waiting receiver with a syscall, which per line would cost what a write per line did. An
/// empty line is [`Flush`]'s word to stop.
fn write_batches(queued: Receiver<Vec<u8>>, mut out: impl Write) {
    let mut batch = Vec::with_capacity(BATCH_BYTES);
    while let Ok(first) = queued.recv() {
        let mut stop = first.is_empty();
        batch.extend_from_slice(&first);
        if !stop {
            std::thread::sleep(BATCH_WAIT);
        }
        loop {
            while !stop && batch.len() < BATCH_BYTES {
                match queued.try_recv() {
                    Ok(line) if line.is_empty() => stop = true,
                    Ok(line) => batch.extend_from_slice(&line),
                    Err(TryRecvError::Empty) => break,
                    Err(TryRecvError::Disconnected) => stop = true,
                }
            }
            // A closed stderr: the lines are lost, the server is not.
            let _ = out.write_all(&batch).and_then(|()| out.flush());
            let full = batch.len() >= BATCH_BYTES;
            batch.clear();
            if stop || !full {
                break;
            }
        }
        if stop {
            return;
        }
    }
}

impl Drop for Flush {
    fn drop(&mut self) {
        let deadline = Instant::now() + FLUSH_WAIT;
        // The stop word, queued behind every line; a full queue is being drained.
        loop {
            match self.lines.try_send(Vec::new()) {
                Err(TrySendError::Full(_)) if Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(1));
                }
                _ => break,
            }
        }
        // Ends (disconnected) when the writer thread returns.
        let _ = self
            .done
            .recv_timeout(deadline.saturating_duration_since(Instant::now()));
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for LogLines {
    type Writer = Line<'a>;

    fn make_writer(&'a self) -> Line<'a> {
        Line {
            text: Vec::new(),
            lines: &self.lines,
        }
    }
}

/// One log line being formatted; queued when the formatter is done with it (dropped).
pub struct Line<'a> {
    text: Vec<u8>,
    lines: &'a SyncSender<Vec<u8>>,
}

impl Write for Line<'_> {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.text.extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Drop for Line<'_> {
    fn drop(&mut self) {
        if !self.text.is_empty() {
            // Full (the writer is behind by `LINES_HELD` lines) or stopped: dropped.
            let _ = self.lines.try_send(std::mem::take(&mut self.text));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};

    /// What the writer thread wrote, and in how many writes.
    #[derive(Clone, Default)]
    struct Sink(Arc<Mutex<(Vec<u8>, usize)>>);

    impl Write for Sink {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            let mut sink = self.0.lock().unwrap();
            sink.0.extend_from_slice(bytes);
            sink.1 += 1;
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    fn log(lines: &LogLines, text: &str) {
        let mut line = tracing_subscriber::fmt::MakeWriter::make_writer(lines);
        line.write_all(text.as_bytes()).unwrap();
    }

    #[test]
    fn lines_arrive_in_order_in_few_writes_and_all_of_them_by_the_flush() {
        let sink = Sink::default();
        let (lines, flush) = start(sink.clone());
        for n in 0..1000 {
            log(&lines, &format!("line {n}\n"));
        }
        drop(flush);
        let (text, writes) = sink.0.lock().unwrap().clone();
        let expected: String = (0..1000).map(|n| format!("line {n}\n")).collect();
        assert_eq!(String::from_utf8(text).unwrap(), expected);
        assert!(writes < 100, "{writes} writes for 1000 lines");
    }

    #[test]
    fn a_line_is_written_soon_without_more_lines_behind_it() {
        let sink = Sink::default();
        let (lines, _flush) = start(sink.clone());
        log(&lines, "alone\n");
        let started = Instant::now();
        while sink.0.lock().unwrap().0.is_empty() {
            assert!(started.elapsed() < Duration::from_secs(5), "never written");
            std::thread::sleep(Duration::from_millis(1));
        }
        assert_eq!(sink.0.lock().unwrap().0, b"alone\n");
    }

    #[test]
    fn a_writer_that_fails_loses_lines_not_the_server() {
        struct Closed;
        impl Write for Closed {
            fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
                Err(std::io::ErrorKind::BrokenPipe.into())
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        let (lines, flush) = start(Closed);
        for _ in 0..10 {
            log(&lines, "lost\n");
        }
        drop(flush);
    }

    #[test]
    fn a_writer_that_blocks_holds_at_most_the_queue_and_the_exit_waits_boundedly() {
        struct Stuck;
        impl Write for Stuck {
            fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
                std::thread::sleep(Duration::from_secs(3600));
                Ok(0)
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        let (lines, flush) = start(Stuck);
        // Far more than the queue holds: the rest are dropped, nobody waits.
        for _ in 0..LINES_HELD + 1000 {
            log(&lines, "x\n");
        }
        let started = Instant::now();
        drop(flush);
        assert!(started.elapsed() < FLUSH_WAIT + Duration::from_secs(1));
    }
}
