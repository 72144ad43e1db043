package dev.postproxy.mock;

import java.util.List;

/**
 * The server did not start: it exited first (the cause is a {@link MockExitedException}, whose
 * message names an invalid fixture's field), printed something else than its ready line, or was
 * not ready in time.
 */
public final class MockStartException extends PostproxyMockException {
    private static final long serialVersionUID = 1L;
    private final List<String> stderr;

    MockStartException(String message, List<String> stderr, Throwable cause) {
        super(message, cause);
        this.stderr = List.copyOf(stderr);
    }

    /** The program's last stderr lines. */
    public List<String> stderr() { return stderr; }
}
