package dev.postproxy.mock;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** Reading the control API's JSON answers into the records of this package. */
final class J {
    private J() {}

    @SuppressWarnings("unchecked")
    static Map<String, Object> obj(Object json) {
        if (json instanceof Map<?, ?> m) return (Map<String, Object>) m;
        throw new PostproxyMockException("expected a JSON object, got " + Json.write(json));
    }

    static String str(Map<String, Object> m, String key) {
        Object v = m.get(key);
        return v == null ? null : v.toString();
    }

    static long lng(Map<String, Object> m, String key) {
        Object v = m.get(key);
        return v instanceof Number n ? n.longValue() : 0L;
    }

    static Long optLng(Map<String, Object> m, String key) {
        Object v = m.get(key);
        return v instanceof Number n ? n.longValue() : null;
    }

    static Integer optInt(Map<String, Object> m, String key) {
        Object v = m.get(key);
        return v instanceof Number n ? n.intValue() : null;
    }

    static boolean bool(Map<String, Object> m, String key) {
        return Boolean.TRUE.equals(m.get(key));
    }

    static <T> List<T> list(Object json, Function<Object, T> item) {
        List<T> out = new ArrayList<>();
        if (json instanceof List<?> l) {
            for (Object o : l) out.add(item.apply(o));
        }
        return List.copyOf(out);
    }
}
