package dev.postproxy.mock;

import java.util.Map;

/** Where the browser would be sent, and the profile connected (null when denied). */
public record ConnectionOutcome(String redirectTo, Profile profile) {
    static ConnectionOutcome from(Object json) {
        Map<String, Object> m = J.obj(json);
        return new ConnectionOutcome(
                J.str(m, "redirect_to"),
                m.get("profile") == null ? null : Profile.from(m.get("profile")));
    }
}
