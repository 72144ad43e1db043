package dev.postproxy.mock;

import java.util.Map;

/** What a clock move did: stats snapshots recorded by polling, profiles that expired. */
public record TickReport(long snapshotsRecorded, long profilesExpired) {
    static TickReport from(Object json) {
        Map<String, Object> m = J.obj(json);
        return new TickReport(
                J.lng(m, "snapshots_recorded"),
                J.lng(m, "profiles_expired"));
    }
}
