package dev.postproxy.mock;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * How to start a server: {@code Options.defaults().fixtures(Path.of("data.json")).seed(7)}.
 * Immutable: each method returns a new Options.
 */
public final class Options {
    final Path fixturesFile;
    final String fixturesJson;
    final Long seed;
    final Path program;
    final Map<String, String> env;
    final String logLevel;
    final Duration startTimeout;

    private Options(Path fixturesFile, String fixturesJson, Long seed, Path program, Map<String, String> env, String logLevel, Duration startTimeout) {
        this.fixturesFile = fixturesFile;
        this.fixturesJson = fixturesJson;
        this.seed = seed;
        this.program = program;
        this.env = Map.copyOf(env);
        this.logLevel = logLevel;
        this.startTimeout = startTimeout;
    }

    /** The demo data, no seed, the jar's program (or $POSTPROXY_MOCK_BIN), log level warn, 10 s to start. */
    public static Options defaults() {
        return new Options(null, null, null, null, Map.of(), "warn", Duration.ofSeconds(10));
    }

    /** Starts with the accounts of a fixture file (JSON, or YAML ending in .yaml) instead of the demo data. */
    public Options fixtures(Path file) {
        return new Options(file.toAbsolutePath(), null, seed, program, env, logLevel, startTimeout);
    }

    /**
     * Starts with fixtures given as a value: a map ({@code {"accounts": [...]}}) or any
     * {@link Json.JsonValue}, written to a temporary file for the program.
     */
    public Options fixtures(Map<String, ?> fixtures) {
        return new Options(null, Json.write(fixtures), seed, program, env, logLevel, startTimeout);
    }

    /** The seed of the ids, keys and stats the server generates (0 to 2^63-1 here). */
    public Options seed(long seed) {
        if (seed < 0) throw new IllegalArgumentException("seed must not be negative, not " + seed);
        return new Options(fixturesFile, fixturesJson, seed, program, env, logLevel, startTimeout);
    }

    /** Runs this program instead of $POSTPROXY_MOCK_BIN or the jar's. */
    public Options program(Path program) {
        return new Options(fixturesFile, fixturesJson, seed, program, env, logLevel, startTimeout);
    }

    /** Sets an environment variable of the program, e.g. one of its POSTPROXY_MOCK_* settings. */
    public Options env(String name, String value) {
        Map<String, String> more = new TreeMap<>(env);
        more.put(name, value);
        return new Options(fixturesFile, fixturesJson, seed, program, more, logLevel, startTimeout);
    }

    /** The program's log level (default warn); its stderr comes with errors. */
    public Options logLevel(String level) {
        return new Options(fixturesFile, fixturesJson, seed, program, env, level, startTimeout);
    }

    /** How long to wait for the program to be ready (default 10 s). */
    public Options startTimeout(Duration timeout) {
        if (timeout.isNegative() || timeout.isZero()) throw new IllegalArgumentException("startTimeout must be positive, not " + timeout);
        return new Options(fixturesFile, fixturesJson, seed, program, env, logLevel, timeout);
    }

    /** What tells servers of different options apart (the extension shares one per key). */
    String key() {
        return Json.write(new Object[] {
            Objects.toString(fixturesFile, null), fixturesJson, seed, Objects.toString(program, null), new TreeMap<>(env), logLevel,
            System.getenv(Program.PROGRAM_ENV)
        });
    }
}
