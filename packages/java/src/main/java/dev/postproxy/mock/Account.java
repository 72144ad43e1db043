package dev.postproxy.mock;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An account of the mock: what its keys see is isolated from every other account.
 * {@link #fullAccessKey()} reaches every group of the account; {@link #scopedKeys()} maps a group
 * id to a key scoped to that group ({@link #scopedKey()} is the first, or null).
 */
public final class Account {
    private final String id;
    private final List<ApiKey> keys;
    private final String fullAccessKey;
    private final Map<String, String> scopedKeys;
    private final AccountControl control;

    Account(Control control, String id, List<ApiKey> keys) {
        this.id = id;
        this.keys = List.copyOf(keys);
        String full = null;
        Map<String, String> scoped = new LinkedHashMap<>();
        for (ApiKey k : keys) {
            if (k.profileGroupId() == null) {
                if (full == null) full = k.key();
            } else {
                scoped.putIfAbsent(k.profileGroupId(), k.key());
            }
        }
        this.fullAccessKey = full;
        this.scopedKeys = java.util.Collections.unmodifiableMap(scoped);
        this.control = new AccountControl(control, id);
    }

    public String id() { return id; }

    /** The full-access key, or null if the account has none. */
    public String fullAccessKey() { return fullAccessKey; }

    /** The first group-scoped key, or null. */
    public String scopedKey() { return scopedKeys.isEmpty() ? null : scopedKeys.values().iterator().next(); }

    /** A scoped key per group id. */
    public Map<String, String> scopedKeys() { return scopedKeys; }

    /** Every key, with its id and scope. */
    public List<ApiKey> keys() { return keys; }

    /** The control API bound to this account. */
    public AccountControl control() { return control; }

    /** Removes the account; its keys stop working. */
    public void delete() { control.deleteAccount(); }

    @Override
    public String toString() {
        return "Account(" + id + ", " + keys.size() + " keys)";
    }
}
