package dev.postproxy.mock;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A running postproxy-mock server. Point the official SDK (or any HTTP client) at
 * {@link #baseUrl()}; give each test its own {@link #newAccount()} so tests can run in parallel
 * on one server. Start one with {@link #start()} and {@link #close()} it (try-with-resources),
 * or let {@link PostproxyMockExtension} inject a shared one. The program also exits when the
 * JVM does, however it ends (it is started with {@code --exit-on-stdin-close}).
 */
public final class PostproxyMock implements AutoCloseable {
    private final MockProcess process;
    private final String baseUrl;
    private final String controlUrl;
    private final Control control;
    private final List<Account> accounts = new ArrayList<>();
    private final String template;
    private boolean closed;

    /** Starts a server with the demo data. */
    public static PostproxyMock start() {
        return start(Options.defaults());
    }

    /**
     * Starts a server and returns once it accepts connections. Throws {@link ProgramException}
     * (no program), {@link MockStartException} (it did not start: e.g. an invalid fixture, with
     * the field path in the message).
     */
    public static PostproxyMock start(Options options) {
        return new PostproxyMock(options);
    }

    private PostproxyMock(Options options) {
        Path program = options.program;
        if (program != null) {
            Program.check(program, "Pass Options.program the path of the postproxy-mock program, or leave it out to use the jar's.");
        } else {
            program = Program.path();
        }
        List<String> args = new ArrayList<>(List.of("--log-level", options.logLevel));
        Path temp = null;
        try {
            Path fixtures = options.fixturesFile;
            if (options.fixturesJson != null) {
                try {
                    temp = Files.createTempFile("postproxy-mock-fixtures-", ".json");
                    Files.writeString(temp, options.fixturesJson);
                } catch (IOException e) {
                    throw new PostproxyMockException("cannot write the fixtures to a temporary file: " + e, e);
                }
                fixtures = temp;
            }
            if (fixtures != null) args.addAll(List.of("--fixtures", fixtures.toString()));
            if (options.seed != null) args.addAll(List.of("--seed", options.seed.toString()));
            process = new MockProcess(program, args, options.env, options.startTimeout);
        } finally {
            // The server reads it at start only (a reset goes back to what it read).
            if (temp != null) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException ignored) {
                    // Left in the temporary folder.
                }
            }
        }
        Map<String, Object> ready = process.ready;
        baseUrl = J.str(ready, "base_url").replaceAll("/+$", "");
        controlUrl = J.str(ready, "control_url");
        // Control calls go to the bound address: a public URL (POSTPROXY_MOCK_PUBLIC_URL) need
        // not be reachable from here.
        String listen = J.str(ready, "listen_url");
        control = new Control(listen != null ? listen : baseUrl, process);
        for (Object a : J.list(ready.get("accounts"), x -> x)) {
            Map<String, Object> m = J.obj(a);
            accounts.add(new Account(control, J.str(m, "id"), J.list(m.get("keys"), ApiKey::from)));
        }
        String copy = null;
        if (!accounts.isEmpty()) {
            // What newAccount() copies: the first account as the server started, with its keys'
            // scopes but new keys (keys are unique server-wide).
            Account first = accounts.get(0);
            try {
                Map<String, Object> fixture = new LinkedHashMap<>(control.exportFixture(first.id()));
                fixture.remove("id");
                List<Map<String, Object>> keys = new ArrayList<>();
                for (ApiKey k : first.keys()) {
                    Map<String, Object> key = new LinkedHashMap<>();
                    if (k.profileGroupId() != null) key.put("profile_group_id", k.profileGroupId());
                    keys.add(key);
                }
                fixture.put("api_keys", keys);
                copy = Json.write(fixture);
            } catch (RuntimeException e) {
                process.stop();
                throw e;
            }
        }
        template = copy;
    }

    /** What clients use, e.g. {@code http://127.0.0.1:41234} (the SDKs' base URL). */
    public String baseUrl() { return baseUrl; }

    /** The control API's base URL ({@code baseUrl() + "/__mock"}). */
    public String controlUrl() { return controlUrl; }

    /** The program's process id. */
    public long pid() { return process.pid(); }

    /** The accounts the server started with. */
    public List<Account> accounts() { return List.copyOf(accounts); }

    /** The first account the server started with ({@code acct_demo} on the demo data). */
    public Account account() {
        if (accounts.isEmpty()) throw new PostproxyMockException("the server started with no accounts");
        return accounts.get(0);
    }

    /** The first account's full-access key ({@code pp_demo_full_0123456789abcdef} on the demo data), or null. */
    public String fullAccessKey() { return accounts.isEmpty() ? null : accounts.get(0).fullAccessKey(); }

    /** The first account's first scoped key ({@code pp_demo_scoped_0123456789abcdef}, group {@code grp456def}, on the demo data), or null. */
    public String scopedKey() { return accounts.isEmpty() ? null : accounts.get(0).scopedKey(); }

    /** The control API: every operation of {@code /__mock/}. */
    public Control control() { return control; }

    /**
     * A fresh, isolated account: a copy of the server's first account as it started (the demo
     * data by default: four groups, fifteen profiles) with keys of its own.
     */
    public Account newAccount() {
        if (template == null) throw new PostproxyMockException("the server started with no accounts: pass newAccount a fixture");
        return created(control.createAccount(new Control.RawJson(template)));
    }

    /** A fresh account from a fixture (the account fixture format as a map; an empty map: an empty account with one full-access key). */
    public Account newAccount(Map<String, ?> fixture) {
        return created(control.createAccount(fixture));
    }

    private Account created(AccountInfo info) {
        return new Account(control, info.id(), info.apiKeys());
    }

    /** The last lines (at most 50) the program wrote to stderr. */
    public List<String> stderr() { return process.stderr(); }

    /** Null while the program runs; once it has exited, the exception saying how. */
    public MockExitedException exited() {
        return process.hasExited(0) ? process.exitedError("") : null;
    }

    /** Stops the server: closes its stdin, SIGTERM, SIGKILL after 5 s. Safe to call twice. */
    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            process.stop();
        }
    }

    @Override
    public String toString() {
        return "PostproxyMock(" + baseUrl + ")";
    }
}
