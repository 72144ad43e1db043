package dev.postproxy.mock;

import java.util.List;
import java.util.Map;

/** An account as the control API shows it: id, keys, sizes, clock. */
public record AccountInfo(String id, List<ApiKey> apiKeys, int profileGroups, int profiles, ClockInfo clock) {
    static AccountInfo from(Object json) {
        Map<String, Object> m = J.obj(json);
        return new AccountInfo(
                J.str(m, "id"),
                J.list(m.get("api_keys"), ApiKey::from),
                (int) J.lng(m, "profile_groups"),
                (int) J.lng(m, "profiles"),
                ClockInfo.from(m.get("clock")));
    }
}
