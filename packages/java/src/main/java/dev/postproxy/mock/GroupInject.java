package dev.postproxy.mock;

import java.util.LinkedHashMap;
import java.util.Map;

/** A profile group to add (Control.addGroup); a null id is generated. */
public record GroupInject(String id, String name) implements Json.JsonValue {
    /** A group with a generated id. */
    public static GroupInject named(String name) {
        return new GroupInject(null, name);
    }

    @Override
    public Object toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        if (id != null) m.put("id", id);
        m.put("name", name);
        return m;
    }
}
