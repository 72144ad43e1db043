package dev.postproxy.mock;

import java.util.Map;

/** An armed fault: its spec and how many uses remain. */
public record Fault(String id, String method, String path, Integer times, Integer status, String error, Long retryAfter, Long latencyMs, boolean dropConnection, int remaining) {
    static Fault from(Object json) {
        Map<String, Object> m = J.obj(json);
        return new Fault(
                J.str(m, "id"),
                J.str(m, "method"),
                J.str(m, "path"),
                J.optInt(m, "times"),
                J.optInt(m, "status"),
                J.str(m, "error"),
                J.optLng(m, "retry_after"),
                J.optLng(m, "latency_ms"),
                J.bool(m, "drop_connection"),
                (int) J.lng(m, "remaining"));
    }
}
