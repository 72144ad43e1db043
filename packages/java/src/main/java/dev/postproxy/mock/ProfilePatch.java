package dev.postproxy.mock;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Changes to a profile (Control.patchProfile); what is not set stays as it is. {@code expiresAt(null)}
 * and {@code avatarUrl(null)} clear them. E.g. {@code ProfilePatch.create().status("expired").postCount(9)}.
 */
public final class ProfilePatch implements Json.JsonValue {
    private final Map<String, Object> fields = new LinkedHashMap<>();

    private ProfilePatch() {}

    public static ProfilePatch create() {
        return new ProfilePatch();
    }

    public ProfilePatch name(String name) {
        fields.put("name", name);
        return this;
    }

    /** {@code active}, {@code expired} or {@code inactive}. */
    public ProfilePatch status(String status) {
        fields.put("status", status);
        return this;
    }

    /** RFC 3339, or null to clear. */
    public ProfilePatch expiresAt(String expiresAt) {
        fields.put("expires_at", expiresAt);
        return this;
    }

    public ProfilePatch postCount(long postCount) {
        fields.put("post_count", postCount);
        return this;
    }

    /** A URL, or null to clear. */
    public ProfilePatch avatarUrl(String avatarUrl) {
        fields.put("avatar_url", avatarUrl);
        return this;
    }

    @Override
    public Object toJson() {
        return new LinkedHashMap<>(fields);
    }
}
