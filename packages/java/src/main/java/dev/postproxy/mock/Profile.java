package dev.postproxy.mock;

import java.util.Map;

/** A profile as the API shows it; {@code expiresAt} and {@code avatarUrl} may be null. */
public record Profile(String id, String name, String platform, String status, String profileGroupId, String expiresAt, long postCount, String avatarUrl) {
    static Profile from(Object json) {
        Map<String, Object> m = J.obj(json);
        return new Profile(
                J.str(m, "id"),
                J.str(m, "name"),
                J.str(m, "platform"),
                J.str(m, "status"),
                J.str(m, "profile_group_id"),
                J.str(m, "expires_at"),
                J.lng(m, "post_count"),
                J.str(m, "avatar_url"));
    }
}
