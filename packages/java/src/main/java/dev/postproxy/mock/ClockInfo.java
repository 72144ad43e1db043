package dev.postproxy.mock;

import java.util.Map;

/** An account's clock: its time (RFC 3339) and whether it stands still. */
public record ClockInfo(String now, boolean frozen) {
    static ClockInfo from(Object json) {
        Map<String, Object> m = J.obj(json);
        return new ClockInfo(
                J.str(m, "now"),
                J.bool(m, "frozen"));
    }
}
