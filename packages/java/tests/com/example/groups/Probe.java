package com.example.groups;

import dev.postproxy.mock.PostproxyMock;
import dev.postproxy.mock.ProgramException;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Starts a server in a JVM of its own (with its own environment and system properties) and prints why it could not. */
public final class Probe {
    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("hold")) {
            // Starts a server, says its pid, and waits to be killed.
            PostproxyMock mock = PostproxyMock.start();
            System.out.println(mock.pid());
            System.out.flush();
            Thread.sleep(60_000);
            return;
        }
        try (PostproxyMock mock = PostproxyMock.start()) {
            System.out.println("STARTED " + mock.baseUrl());
        } catch (ProgramException e) {
            System.out.println(e.code() + " " + e.getMessage());
        }
    }

    /** Starts main in a new JVM with these arguments; the process. */
    static Process start(String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java");
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), Probe.class.getName()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    }

    /** Runs main in a new JVM with env and JVM options; its stdout. */
    static String run(Map<String, String> env, String... jvmOptions) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java");
        command.addAll(List.of(jvmOptions));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), Probe.class.getName()));
        ProcessBuilder b = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT);
        b.environment().putAll(env);
        Process p = b.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return out;
    }

    private Probe() {}
}
