package dev.postproxy.mock;

import java.util.Map;

/** A pending connection, created by initialize_connection and waiting for the user. */
public record Connection(String token, String accountId, String profileGroupId, String platform, String redirectUrl, boolean refreshConnection, String expiresAt) {
    static Connection from(Object json) {
        Map<String, Object> m = J.obj(json);
        return new Connection(
                J.str(m, "token"),
                J.str(m, "account_id"),
                J.str(m, "profile_group_id"),
                J.str(m, "platform"),
                J.str(m, "redirect_url"),
                J.bool(m, "refresh_connection"),
                J.str(m, "expires_at"));
    }
}
