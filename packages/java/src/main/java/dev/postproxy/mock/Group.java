package dev.postproxy.mock;

import java.util.Map;

/** A profile group as the API shows it. */
public record Group(String id, String name, long profilesCount) {
    static Group from(Object json) {
        Map<String, Object> m = J.obj(json);
        return new Group(
                J.str(m, "id"),
                J.str(m, "name"),
                J.lng(m, "profiles_count"));
    }
}
