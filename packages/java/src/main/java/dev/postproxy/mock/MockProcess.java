package dev.postproxy.mock;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A running (or exited) postproxy-mock: started with {@code --port 0 --ready-json
 * --exit-on-stdin-close}, its stdin kept open (the program exits when it closes, so a JVM that
 * dies leaves no server behind), its stderr drained into the last 50 lines.
 */
final class MockProcess {
    static final int STDERR_LINES = 50;

    private final Process process;
    private final OutputStream stdin;
    private final Deque<String> lines = new ArrayDeque<>();
    private final Thread stderrReader;
    private volatile boolean stopped;
    final Map<String, Object> ready;

    MockProcess(Path program, List<String> args, Map<String, String> env, Duration timeout) {
        List<String> command = new ArrayList<>();
        command.add(program.toString());
        command.addAll(List.of("--port", "0", "--ready-json", "--exit-on-stdin-close"));
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().putAll(env);
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new ProgramException(ProgramException.Code.NOT_EXECUTABLE, program, "cannot run the postproxy-mock program " + program + ": " + e.getMessage(), e);
        }
        stdin = process.getOutputStream();
        stderrReader = daemon("postproxy-mock stderr " + process.pid(), () -> drain(process.getErrorStream()));
        CompletableFuture<String> first = new CompletableFuture<>();
        daemon("postproxy-mock stdout " + process.pid(), () -> {
            try (InputStream out = process.getInputStream()) {
                BufferedReader reader = new BufferedReader(new InputStreamReader(out, StandardCharsets.UTF_8));
                first.complete(reader.readLine());
                // Nothing else should come; whatever does is read and dropped.
                char[] buffer = new char[8192];
                while (reader.read(buffer) >= 0) {
                    // dropped
                }
            } catch (IOException e) {
                first.complete(null);
            }
        });
        String line;
        try {
            line = first.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            kill();
            throw new MockStartException("postproxy-mock (pid " + process.pid() + ") did not say it was ready within "
                    + timeout.toMillis() + " ms, so it was killed.\n" + stderrText(stderr()), stderr(), null);
        } catch (InterruptedException e) {
            kill();
            Thread.currentThread().interrupt();
            throw new MockStartException("interrupted while postproxy-mock started", stderr(), e);
        } catch (ExecutionException e) {
            kill();
            throw new MockStartException("cannot read postproxy-mock's ready line: " + e.getCause(), stderr(), e.getCause());
        }
        if (line == null) {
            // Its stdout closed: it is exiting. (Not destroy(): that would also close the stderr
            // still being read.)
            boolean exited = false;
            try {
                exited = process.waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (!exited) kill();
            closeStdin();
            MockExitedException exitedError = exitedError("before it was ready");
            throw new MockStartException("the server did not start: " + exitedError.getMessage(), exitedError.stderr(), exitedError);
        }
        Object parsed;
        try {
            parsed = Json.parse(line);
        } catch (IllegalArgumentException e) {
            parsed = null;
        }
        if (!(parsed instanceof Map<?, ?> map) || !(map.get("base_url") instanceof String)) {
            kill();
            throw new MockStartException(program + " printed \"" + line + "\" instead of its ready line; is it the postproxy-mock program?", stderr(), null);
        }
        ready = J.obj(parsed);
    }

    private static Thread daemon(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    private void drain(InputStream err) {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(err, StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                synchronized (lines) {
                    lines.addLast(line);
                    if (lines.size() > STDERR_LINES) lines.removeFirst();
                }
            }
        } catch (IOException ignored) {
            // The pipe closed with the process.
        }
    }

    long pid() {
        return process.pid();
    }

    List<String> stderr() {
        synchronized (lines) {
            return new ArrayList<>(lines);
        }
    }

    /** Whether the process has exited, waiting up to {@code waitMillis} for a dying one. */
    boolean hasExited(long waitMillis) {
        if (waitMillis <= 0) return !process.isAlive();
        try {
            return process.waitFor(waitMillis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !process.isAlive();
        }
    }

    /** The exception for a process that has exited; {@code what} says what it did not do. */
    MockExitedException exitedError(String what) {
        int code;
        try {
            code = process.waitFor();
            stderrReader.join(2000); // the rest of its stderr: its end comes with the exit
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            code = process.isAlive() ? -1 : process.exitValue();
        }
        // On Unix, Java reports a process ended by signal N as exit value 128 + N.
        Integer signal = code > 128 && code < 128 + 65 ? code - 128 : null;
        String how;
        if (stopped) how = "was stopped (close() was called)";
        else if (signal != null) how = "was killed by signal " + signal + signalName(signal);
        else how = "exited with code " + code;
        String message = "postproxy-mock (pid " + process.pid() + ") " + how + (what.isEmpty() ? "" : " " + what) + ".\n" + stderrText(stderr());
        return new MockExitedException(message, process.pid(), code, signal, stopped, stderr());
    }

    private static String signalName(int signal) {
        return switch (signal) {
            case 9 -> " (SIGKILL)";
            case 15 -> " (SIGTERM)";
            case 6 -> " (SIGABRT)";
            case 11 -> " (SIGSEGV)";
            case 2 -> " (SIGINT)";
            default -> "";
        };
    }

    static String stderrText(List<String> lines) {
        if (lines.isEmpty()) return "(it wrote nothing to stderr)";
        StringBuilder out = new StringBuilder("Last lines of its stderr:");
        for (String line : lines) out.append("\n  ").append(line);
        return out.toString();
    }

    void kill() {
        process.destroyForcibly();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closeStdin();
    }

    private void closeStdin() {
        try {
            stdin.close();
        } catch (IOException ignored) {
            // Already gone.
        }
    }

    /**
     * Closes stdin (the program exits); if it is still running a second later, SIGTERM, and
     * SIGKILL 5 s after that. (Process.destroy closes the pipes too, so it comes last: what the
     * program writes to stderr as it stops is still read.)
     */
    void stop() {
        if (process.isAlive()) stopped = true;
        closeStdin();
        try {
            if (process.waitFor(1, TimeUnit.SECONDS)) return;
            process.destroy();
            if (!process.waitFor(5, TimeUnit.SECONDS)) kill();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            kill();
        }
    }
}
