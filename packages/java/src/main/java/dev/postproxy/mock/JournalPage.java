package dev.postproxy.mock;

import java.util.List;
import java.util.Map;

/** An account's journal: the entries, how many were dropped over the cap, and whether bodies are recorded. */
public record JournalPage(List<JournalEntry> entries, long dropped, int cap, boolean recordBodies) {
    static JournalPage from(Object json) {
        Map<String, Object> m = J.obj(json);
        return new JournalPage(
                J.list(m.get("entries"), JournalEntry::from),
                J.lng(m, "dropped"),
                (int) J.lng(m, "cap"),
                J.bool(m, "record_bodies"));
    }
}
