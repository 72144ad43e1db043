package dev.postproxy.mock;

import java.util.Map;

/** One product-API request of an account; {@code body} only when the journal records bodies. */
public record JournalEntry(long seq, String method, String path, String query, int status, String at, String keyId, String body) {
    static JournalEntry from(Object json) {
        Map<String, Object> m = J.obj(json);
        return new JournalEntry(
                J.lng(m, "seq"),
                J.str(m, "method"),
                J.str(m, "path"),
                J.str(m, "query"),
                (int) J.lng(m, "status"),
                J.str(m, "at"),
                J.str(m, "key_id"),
                J.str(m, "body"));
    }
}
