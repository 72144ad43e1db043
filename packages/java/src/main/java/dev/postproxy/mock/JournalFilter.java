package dev.postproxy.mock;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** What Control.journal returns: {@code JournalFilter.all()}, narrowed by method, path pattern, status and sequence number. */
public final class JournalFilter {
    private String method;
    private String path;
    private Integer status;
    private Long after;

    private JournalFilter() {}

    /** Every entry. */
    public static JournalFilter all() {
        return new JournalFilter();
    }

    /** Only this method (case-insensitive). */
    public JournalFilter method(String method) {
        this.method = method;
        return this;
    }

    /** Only paths matching this pattern (as a fault's). */
    public JournalFilter path(String path) {
        this.path = path;
        return this;
    }

    /** Only answers with this status. */
    public JournalFilter status(int status) {
        this.status = status;
        return this;
    }

    /** Only entries after this sequence number. */
    public JournalFilter after(long seq) {
        this.after = seq;
        return this;
    }

    String query() {
        List<String> parts = new ArrayList<>();
        add(parts, "method", method);
        add(parts, "path", path);
        add(parts, "status", status);
        add(parts, "after", after);
        return parts.isEmpty() ? "" : "?" + String.join("&", parts);
    }

    private static void add(List<String> parts, String name, Object value) {
        if (value != null) parts.add(name + "=" + URLEncoder.encode(value.toString(), StandardCharsets.UTF_8));
    }
}
