package dev.postproxy.mock;

import java.util.Map;

/** A clock after a change, and what polling and expiry did. */
public record ClockReport(ClockInfo clock, TickReport effects) {
    static ClockReport from(Object json) {
        Map<String, Object> m = J.obj(json);
        return new ClockReport(
                ClockInfo.from(m.get("clock")),
                TickReport.from(m.get("effects")));
    }
}
