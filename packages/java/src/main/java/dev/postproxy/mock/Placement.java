package dev.postproxy.mock;

import java.util.LinkedHashMap;
import java.util.Map;

/** A page, organisation, board or channel of a profile; {@code id} is null only for the LinkedIn personal profile. */
public record Placement(String id, String name) implements Json.JsonValue {
    static Placement from(Object json) {
        Map<String, Object> m = J.obj(json);
        return new Placement(J.str(m, "id"), J.str(m, "name"));
    }

    @Override
    public Object toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id);
        m.put("name", name);
        return m;
    }
}
