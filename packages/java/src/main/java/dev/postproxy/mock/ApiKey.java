package dev.postproxy.mock;

import java.util.Map;

/** An API key of a running account: full access when {@code profileGroupId} is null, else scoped to that group. */
public record ApiKey(String key, String keyId, String profileGroupId) {
    static ApiKey from(Object json) {
        Map<String, Object> m = J.obj(json);
        return new ApiKey(
                J.str(m, "key"),
                J.str(m, "key_id"),
                J.str(m, "profile_group_id"));
    }
}
