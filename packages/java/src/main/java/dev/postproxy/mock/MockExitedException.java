package dev.postproxy.mock;

import java.util.List;

/**
 * The program has exited (killed, crashed, or stopped with close()), so it cannot answer: how it
 * ended and the last lines (at most 50) it wrote to stderr.
 */
public final class MockExitedException extends PostproxyMockException {
    private static final long serialVersionUID = 1L;
    private final long pid;
    private final int exitCode;
    private final Integer signal;
    private final boolean stopped;
    private final List<String> stderr;

    MockExitedException(String message, long pid, int exitCode, Integer signal, boolean stopped, List<String> stderr) {
        super(message);
        this.pid = pid;
        this.exitCode = exitCode;
        this.signal = signal;
        this.stopped = stopped;
        this.stderr = List.copyOf(stderr);
    }

    /** The program's process id. */
    public long pid() { return pid; }

    /** Its exit value (128 + the signal when a signal ended it, as Java reports it). */
    public int exitCode() { return exitCode; }

    /** The signal that ended it (9 for SIGKILL), or null when it exited on its own. */
    public Integer signal() { return signal; }

    /** Whether close() stopped it. */
    public boolean stopped() { return stopped; }

    /** Its last stderr lines. */
    public List<String> stderr() { return stderr; }
}
