package dev.postproxy.mock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The package's JSON reader and writer (run when the jar is built). */
class JsonTest {
    @Test
    void readsEveryKindOfValue() {
        Object v = Json.parse(" {\"a\": [1, -2, 3.5, 1e3, -0.25E-2, 12345678901234567890], \"b\": {\"c\": true, \"d\": false, \"e\": null}, \"s\": \"x\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\\ud83d\\ude00\"} ");
        Map<?, ?> m = (Map<?, ?>) v;
        assertEquals(List.of(1L, -2L, 3.5, 1000.0, -0.0025, 1.2345678901234567E19), m.get("a"));
        Map<?, ?> b = (Map<?, ?>) m.get("b");
        assertEquals(true, b.get("c"));
        assertEquals(false, b.get("d"));
        assertTrue(b.containsKey("e"));
        assertNull(b.get("e"));
        assertEquals("x\"\\/\b\f\n\r\té😀", m.get("s"));
        assertEquals(List.of(), Json.parse("[]"));
        assertEquals(Map.of(), Json.parse("{}"));
        assertEquals("ü", Json.parse("\"ü\""));
    }

    @Test
    void keepsTheOrderOfKeys() {
        assertEquals(List.of("z", "a", "m"), List.copyOf(((Map<?, ?>) Json.parse("{\"z\":1,\"a\":2,\"m\":3}")).keySet()));
    }

    @Test
    void refusesWhatIsNotJson() {
        for (String bad : List.of("", "{", "[1,]", "{\"a\" 1}", "{a:1}", "01", "1.", "-", "1e", "tru", "\"\\x\"", "\"a", "[1] 2", "\"\u0001\"", "\"\\u12\"", "NaN", "{\"a\":1,}", "١")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Json.parse(bad), bad);
            assertTrue(e.getMessage().startsWith("invalid JSON at offset "), e.getMessage());
        }
        StringBuilder deep = new StringBuilder();
        for (int i = 0; i < 1000; i++) deep.append('[');
        assertThrows(IllegalArgumentException.class, () -> Json.parse(deep.toString()));
    }

    @Test
    void writesValuesAndReadsThemBack() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("s", "quote \" backslash \\ newline \n tab \t control \u0001 é");
        m.put("n", 42);
        m.put("l", 1L << 40);
        m.put("d", 2.5);
        m.put("whole", 3.0);
        m.put("t", true);
        m.put("null", null);
        m.put("list", Arrays.asList(1, "two", null, List.of()));
        m.put("array", new Object[] {"a", null});
        m.put("fault", FaultSpec.status(429).retryAfter(2).on("GET", "/api/**"));
        String text = Json.write(m);
        assertEquals("{\"s\":\"quote \\\" backslash \\\\ newline \\n tab \\t control \\u0001 é\",\"n\":42,\"l\":1099511627776,\"d\":2.5,\"whole\":3,"
                + "\"t\":true,\"null\":null,\"list\":[1,\"two\",null,[]],\"array\":[\"a\",null],"
                + "\"fault\":{\"method\":\"GET\",\"path\":\"/api/**\",\"status\":429,\"retry_after\":2}}", text);
        Map<?, ?> back = (Map<?, ?>) Json.parse(text);
        assertEquals(m.get("s"), back.get("s"));
        assertEquals(1099511627776L, back.get("l"));
        assertThrows(IllegalArgumentException.class, () -> Json.write(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> Json.write(new Object()));
        assertThrows(IllegalArgumentException.class, () -> Json.write(Map.of(1, 2)));
    }

    @Test
    void platformKeys() {
        assertEquals("linux-x86_64", Program.platformKey("Linux", "amd64"));
        assertEquals("linux-aarch64", Program.platformKey("Linux", "aarch64"));
        assertEquals("darwin-aarch64", Program.platformKey("Mac OS X", "aarch64"));
        assertEquals("darwin-x86_64", Program.platformKey("Mac OS X", "x86_64"));
        assertEquals("windows-x86_64", Program.platformKey("Windows 11", "amd64"));
        assertEquals("freebsd-riscv64", Program.platformKey("FreeBSD", "riscv64"));
    }
}
