package dev.postproxy.mock;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A fault to arm (Control.addFault): the next {@code times} (default 1) requests of the account
 * that match {@code method} and {@code path} ({@code *} within one segment, a {@code **} segment
 * any number of them) are answered with {@code status} (and {@code error}, {@code retryAfter}),
 * delayed by {@code latencyMs}, or cut off. Start with {@link #status}, {@link #latency} or
 * {@link #dropConnection()}, e.g. {@code FaultSpec.status(429).retryAfter(2).on("GET", "/api/profiles/*")}.
 */
public final class FaultSpec implements Json.JsonValue {
    private String method;
    private String path;
    private Integer times;
    private Integer status;
    private String error;
    private Long retryAfter;
    private Long latencyMs;
    private boolean dropConnection;

    private FaultSpec() {}

    /** Answer with this status (400–599) and the spec's error body. */
    public static FaultSpec status(int status) {
        FaultSpec f = new FaultSpec();
        f.status = status;
        return f;
    }

    /** Delay the answer by this many milliseconds. */
    public static FaultSpec latency(long latencyMs) {
        FaultSpec f = new FaultSpec();
        f.latencyMs = latencyMs;
        return f;
    }

    /** Close the connection without an answer. */
    public static FaultSpec dropConnection() {
        FaultSpec f = new FaultSpec();
        f.dropConnection = true;
        return f;
    }

    /** Only requests with this method and a path matching this pattern. */
    public FaultSpec on(String method, String path) {
        return method(method).path(path);
    }

    /** Only requests with this method (case-insensitive). */
    public FaultSpec method(String method) {
        this.method = method;
        return this;
    }

    /** Only requests whose path matches this pattern. */
    public FaultSpec path(String path) {
        this.path = path;
        return this;
    }

    /** How many matching requests it applies to (default 1). */
    public FaultSpec times(int times) {
        this.times = times;
        return this;
    }

    /** The {@code error} message of the body. */
    public FaultSpec error(String error) {
        this.error = error;
        return this;
    }

    /** {@code Retry-After} seconds (429 and 503). */
    public FaultSpec retryAfter(long seconds) {
        this.retryAfter = seconds;
        return this;
    }

    /** Also delay the answer by this many milliseconds. */
    public FaultSpec latencyMs(long latencyMs) {
        this.latencyMs = latencyMs;
        return this;
    }

    @Override
    public Object toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        if (method != null) m.put("method", method);
        if (path != null) m.put("path", path);
        if (times != null) m.put("times", times);
        if (status != null) m.put("status", status);
        if (error != null) m.put("error", error);
        if (retryAfter != null) m.put("retry_after", retryAfter);
        if (latencyMs != null) m.put("latency_ms", latencyMs);
        if (dropConnection) m.put("drop_connection", true);
        return m;
    }

    @Override
    public String toString() {
        return "FaultSpec" + Json.write(this);
    }
}
