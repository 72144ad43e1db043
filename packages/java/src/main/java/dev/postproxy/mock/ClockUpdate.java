package dev.postproxy.mock;

import java.util.LinkedHashMap;
import java.util.Map;

/** Sets (an RFC 3339 time), freezes or resumes an account's clock (Control.setClock); null fields stay as they are. */
public record ClockUpdate(String now, Boolean frozen) implements Json.JsonValue {
    /** Sets the clock to this time, still running or frozen as it was. */
    public static ClockUpdate at(String now) {
        return new ClockUpdate(now, null);
    }

    /** Freezes (true) or resumes (false) the clock. */
    public static ClockUpdate frozen(boolean frozen) {
        return new ClockUpdate(null, frozen);
    }

    @Override
    public Object toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        if (now != null) m.put("now", now);
        if (frozen != null) m.put("frozen", frozen);
        return m;
    }
}
