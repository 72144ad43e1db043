package dev.postproxy.mock;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Every operation of a server's control API ({@code /__mock/}, documented at
 * {@code /__mock/openapi.json}), named as the Rust {@code ControlClient}'s. Operations on one
 * account take its id first; {@link Account#control()} is the same bound to that account.
 * Fixtures, profiles and snapshots are the fixture format as maps ({@code postproxy-mock
 * fixture-schema}). A refusal throws {@link ControlException}; a server that has exited,
 * {@link MockExitedException} with its last stderr lines.
 */
public final class Control {
    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            // Never through a proxy from the system properties: the server is on this machine.
            .proxy(HttpClient.Builder.NO_PROXY)
            .connectTimeout(Duration.ofSeconds(10))
            .build();

    private final String url;
    private final MockProcess process;

    /** A client of a postproxy-mock server running elsewhere, at its base URL (e.g. {@code http://127.0.0.1:8080}). */
    public Control(String baseUrl) {
        this(baseUrl, null);
    }

    Control(String baseUrl, MockProcess process) {
        this.url = baseUrl.replaceAll("/+$", "") + "/__mock";
        this.process = process;
    }

    /**
     * One control API call: {@code path} below {@code /__mock}, {@code body} written as JSON (null:
     * none); the answer as {@link Json} values (null when empty).
     */
    public Object request(String method, String path, Object body) {
        String where = method + " /__mock" + path;
        if (process != null && process.hasExited(0)) throw process.exitedError("before " + where);
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url + path)).timeout(Duration.ofSeconds(30));
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(body instanceof RawJson raw ? raw.text : Json.write(body)));
        }
        HttpResponse<String> response;
        try {
            response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            if (process != null && process.hasExited(1000)) throw process.exitedError("before it answered " + where);
            throw new PostproxyMockException("control API request " + where + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PostproxyMockException("control API request " + where + " was interrupted", e);
        }
        String text = response.body();
        Object json = null;
        if (!text.isEmpty()) {
            try {
                json = Json.parse(text);
            } catch (IllegalArgumentException notJson) {
                json = null;
            }
        }
        if (response.statusCode() >= 300) {
            String message = json instanceof Map<?, ?> m && m.get("error") instanceof String s ? s : text.isEmpty() ? "(no message)" : text;
            throw new ControlException(method, "/__mock" + path, response.statusCode(), message, text);
        }
        return json;
    }

    /** A JSON text sent as it is. */
    record RawJson(String text) {}

    private static String seg(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String acct(String id, String... rest) {
        return "/accounts/" + seg(id) + String.join("", rest);
    }

    private static final Map<String, Object> EMPTY = Map.of();

    /** Puts the whole server back as it started; accounts created since are removed. */
    public void resetAll() {
        request("POST", "/reset", EMPTY);
    }

    /** Every account. */
    public List<AccountInfo> accounts() {
        return J.list(request("GET", "/accounts", null), AccountInfo::from);
    }

    /**
     * Creates an isolated account from the fixture format (a map; a missing id or key is
     * generated). An empty map (or null) makes an empty account with one full-access key.
     */
    public AccountInfo createAccount(Object fixture) {
        return AccountInfo.from(request("POST", "/accounts", fixture == null ? EMPTY : fixture));
    }

    /** One account. */
    public AccountInfo account(String account) {
        return AccountInfo.from(request("GET", acct(account), null));
    }

    /** Removes an account; its keys stop working at once. */
    public void deleteAccount(String account) {
        request("DELETE", acct(account), null);
    }

    /** Puts an account back as it was created. */
    public AccountInfo resetAccount(String account) {
        return AccountInfo.from(request("POST", acct(account, "/reset"), EMPTY));
    }

    /** The account's state as a fixture. */
    public Map<String, Object> exportFixture(String account) {
        return J.obj(request("GET", acct(account, "/fixture"), null));
    }

    /** Replaces the account's data with a fixture, all or nothing. */
    public AccountInfo importFixture(String account, Object fixture) {
        return AccountInfo.from(request("PUT", acct(account, "/fixture"), fixture));
    }

    /** Adds a profile group. */
    public Group addGroup(String account, GroupInject group) {
        return Group.from(request("POST", acct(account, "/profile_groups"), group));
    }

    /** Renames a profile group. */
    public Group renameGroup(String account, String group, String name) {
        return Group.from(request("PATCH", acct(account, "/profile_groups/", seg(group)), Map.of("name", name)));
    }

    /**
     * Adds a profile (the fixture format: {@code id}, {@code name}, {@code platform}, {@code status},
     * {@code expires_at}, {@code post_count}, {@code avatar_url}, {@code placements}, {@code stats}) to a group.
     */
    public Profile addProfile(String account, String group, Map<String, ?> profile) {
        return Profile.from(request("POST", acct(account, "/profile_groups/", seg(group), "/profiles"), profile));
    }

    /** Changes a profile. */
    public Profile patchProfile(String account, String profile, ProfilePatch patch) {
        return Profile.from(request("PATCH", acct(account, "/profiles/", seg(profile)), patch));
    }

    /** Adds a placement to a profile; all of its placements. */
    public List<Placement> addPlacement(String account, String profile, Placement placement) {
        return J.list(request("POST", acct(account, "/profiles/", seg(profile), "/placements"), placement), Placement::from);
    }

    /** Adds a stats snapshot ({@code stats}, {@code recorded_at}, and {@code placement_id} on facebook, linkedin and telegram). */
    public void addSnapshot(String account, String profile, Map<String, ?> snapshot) {
        request("POST", acct(account, "/profiles/", seg(profile), "/stats"), snapshot);
    }

    /** The account's clock. */
    public ClockInfo clock(String account) {
        return ClockInfo.from(request("GET", acct(account, "/clock"), null));
    }

    /** Sets, freezes or resumes the account's clock. */
    public ClockReport setClock(String account, ClockUpdate update) {
        return ClockReport.from(request("PUT", acct(account, "/clock"), update));
    }

    /** Moves the account's clock forward: every 23 hours stats are polled, and profiles whose expires_at passes expire. */
    public ClockReport advanceClock(String account, ClockAdvance by) {
        return ClockReport.from(request("POST", acct(account, "/clock/advance"), by));
    }

    /** The account's armed faults. */
    public List<Fault> faults(String account) {
        return J.list(request("GET", acct(account, "/faults"), null), Fault::from);
    }

    /** Arms a fault. */
    public Fault addFault(String account, FaultSpec fault) {
        return Fault.from(request("POST", acct(account, "/faults"), fault));
    }

    /** Disarms one fault. */
    public void removeFault(String account, String fault) {
        request("DELETE", acct(account, "/faults/", seg(fault)), null);
    }

    /** Disarms every fault of the account. */
    public void clearFaults(String account) {
        request("DELETE", acct(account, "/faults"), null);
    }

    /** The account's product-API requests, filtered. */
    public JournalPage journal(String account, JournalFilter filter) {
        return JournalPage.from(request("GET", acct(account, "/journal") + filter.query(), null));
    }

    /** Empties the account's journal. */
    public void clearJournal(String account) {
        request("DELETE", acct(account, "/journal"), null);
    }

    /** Whether the journal keeps request bodies. */
    public void recordBodies(String account, boolean record) {
        request("PUT", acct(account, "/journal/settings"), Map.of("record_bodies", record));
    }

    /** The account's pending connections. */
    public List<Connection> connections(String account) {
        return J.list(request("GET", acct(account, "/connections"), null), Connection::from);
    }

    /** Completes a pending connection as if the user clicked Authorize. */
    public ConnectionOutcome authorizeConnection(String account, String token) {
        return ConnectionOutcome.from(request("POST", acct(account, "/connections/", seg(token), "/authorize"), EMPTY));
    }

    /** Ends a pending connection as if the user clicked Deny. */
    public ConnectionOutcome denyConnection(String account, String token) {
        return ConnectionOutcome.from(request("POST", acct(account, "/connections/", seg(token), "/deny"), EMPTY));
    }
}
