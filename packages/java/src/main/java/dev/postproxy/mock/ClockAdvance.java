package dev.postproxy.mock;

import java.util.LinkedHashMap;
import java.util.Map;

/** How far to move an account's clock forward (Control.advanceClock), e.g. {@code ClockAdvance.days(1).plusHours(1)}. */
public record ClockAdvance(long days, long hours, long minutes, long seconds) implements Json.JsonValue {
    public static ClockAdvance days(long days) { return new ClockAdvance(days, 0, 0, 0); }

    public static ClockAdvance hours(long hours) { return new ClockAdvance(0, hours, 0, 0); }

    public static ClockAdvance minutes(long minutes) { return new ClockAdvance(0, 0, minutes, 0); }

    public static ClockAdvance seconds(long seconds) { return new ClockAdvance(0, 0, 0, seconds); }

    public ClockAdvance plusHours(long more) { return new ClockAdvance(days, hours + more, minutes, seconds); }

    public ClockAdvance plusMinutes(long more) { return new ClockAdvance(days, hours, minutes + more, seconds); }

    public ClockAdvance plusSeconds(long more) { return new ClockAdvance(days, hours, minutes, seconds + more); }

    @Override
    public Object toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("days", days);
        m.put("hours", hours);
        m.put("minutes", minutes);
        m.put("seconds", seconds);
        return m;
    }
}
