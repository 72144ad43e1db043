package dev.postproxy.mock;

/**
 * The control API refused a call (a 4xx or 5xx answer): {@link #status()} and the server's own
 * words in {@link #serverMessage()}, e.g. 422 {@code Invalid account at profile_groups[0].name: must not be blank}.
 */
public final class ControlException extends PostproxyMockException {
    private static final long serialVersionUID = 1L;
    private final String method;
    private final String path;
    private final int status;
    private final String serverMessage;
    private final String body;

    public ControlException(String method, String path, int status, String serverMessage, String body) {
        super("control API answered " + status + " to " + method + " " + path + ": " + serverMessage);
        this.method = method;
        this.path = path;
        this.status = status;
        this.serverMessage = serverMessage;
        this.body = body;
    }

    /** The request's method, e.g. {@code POST}. */
    public String method() { return method; }

    /** The request's path, e.g. {@code /__mock/accounts}. */
    public String path() { return path; }

    /** The HTTP status. */
    public int status() { return status; }

    /** The {@code error} of the server's JSON body. */
    public String serverMessage() { return serverMessage; }

    /** The whole body. */
    public String body() { return body; }
}
