package com.example.groups;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.postproxy.mock.Account;
import dev.postproxy.mock.MockExitedException;
import dev.postproxy.mock.MockStartException;
import dev.postproxy.mock.Options;
import dev.postproxy.mock.PostproxyMock;
import dev.postproxy.mock.ProgramException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** PostproxyMock.start and close, and every way starting or running can go wrong. */
class ServerTest {
    @TempDir
    Path dir;

    Path script(String body) throws Exception {
        Path p = dir.resolve("postproxy-mock");
        Files.writeString(p, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        return p;
    }

    @Test
    void fixturesAsAMapAndAPublicUrlFromEnv() {
        try (PostproxyMock mock = PostproxyMock.start(Options.defaults().fixtures(Api.smallFixtures("")))) {
            assertEquals("pp_small_full", mock.fullAccessKey());
            assertEquals("pp_small_scoped", mock.scopedKey());
            assertEquals(List.of("grp_small"), Api.groupIds(mock, mock.scopedKey()));
            Account empty = mock.newAccount(Map.of());
            assertEquals(1, empty.keys().size());
            assertNull(empty.scopedKey());
        }
        try (PostproxyMock mock = PostproxyMock.start(Options.defaults().env("POSTPROXY_MOCK_PUBLIC_URL", "http://mock.example:1234"))) {
            assertEquals("http://mock.example:1234", mock.baseUrl());
            assertEquals("http://mock.example:1234/__mock", mock.controlUrl());
            assertEquals("acct_demo", mock.control().accounts().get(0).id());
        }
    }

    @Test
    void anInvalidFixtureNamesTheFieldPath() {
        Map<String, Object> broken = Map.of("accounts", List.of(Map.of("profile_groups", List.of(Map.of("id", "g", "name", "G",
                "profiles", List.of(Map.of("id", "p", "name", "P", "platform", "myspace", "status", "active")))))));
        MockStartException e = assertThrows(MockStartException.class, () -> PostproxyMock.start(Options.defaults().fixtures(broken)));
        assertTrue(e.getMessage().contains("exited with code 1 before it was ready"), e.getMessage());
        assertTrue(e.getMessage().contains("at accounts[0].profile_groups[0].profiles[0].platform: unknown variant `myspace`"), e.getMessage());
        MockExitedException cause = assertInstanceOf(MockExitedException.class, e.getCause());
        assertEquals(1, cause.exitCode());
        assertNull(cause.signal());
        assertTrue(String.join("\n", cause.stderr()).contains("accounts[0].profile_groups[0].profiles[0].platform"));

        MockStartException missing = assertThrows(MockStartException.class,
                () -> PostproxyMock.start(Options.defaults().fixtures(Path.of("/nonexistent/fixtures.json"))));
        assertTrue(missing.getMessage().contains("cannot read fixtures file /nonexistent/fixtures.json: No such file or directory"), missing.getMessage());
    }

    @Test
    void theProgramMissingOrNotExecutable() throws Exception {
        Path missing = dir.resolve("no-such-program");
        ProgramException e = assertThrows(ProgramException.class, () -> PostproxyMock.start(Options.defaults().program(missing)));
        assertEquals(ProgramException.Code.MISSING, e.code());
        assertEquals(missing, e.path());
        assertTrue(e.getMessage().startsWith("the postproxy-mock program is missing: " + missing + " does not exist."), e.getMessage());
        Path plain = dir.resolve("plain");
        Files.writeString(plain, "#!/bin/sh\nexit 0\n");
        e = assertThrows(ProgramException.class, () -> PostproxyMock.start(Options.defaults().program(plain)));
        assertEquals(ProgramException.Code.NOT_EXECUTABLE, e.code());
        assertTrue(e.getMessage().contains(plain + " is not executable"), e.getMessage());

        // $POSTPROXY_MOCK_BIN, and an unsupported platform, in a JVM of their own.
        String out = Probe.run(Map.of("POSTPROXY_MOCK_BIN", missing.toString()));
        assertEquals("MISSING the postproxy-mock program is missing: " + missing + " does not exist. "
                + "Point POSTPROXY_MOCK_BIN at the postproxy-mock program (e.g. target/debug/postproxy-mock), or unset it to use the jar's.\n", out);
        out = Probe.run(Map.of("POSTPROXY_MOCK_BIN", plain.toString()));
        assertTrue(out.startsWith("NOT_EXECUTABLE the postproxy-mock program at " + plain + " is not executable."), out);
    }

    @Test
    void anUnsupportedPlatformIsNamed() throws Exception {
        String out = Probe.run(Map.of("POSTPROXY_MOCK_BIN", ""), "-Dos.arch=riscv64", "-Dos.name=FreeBSD");
        assertEquals("UNSUPPORTED_PLATFORM postproxy-mock has no program for this platform (freebsd-riscv64: os.name FreeBSD, os.arch riscv64). "
                + "This jar carries: linux-x86_64. Elsewhere, build it (cargo build -p postproxy-mock) and set POSTPROXY_MOCK_BIN to its path.\n", out);
        out = Probe.run(Map.of("POSTPROXY_MOCK_BIN", ""), "-Dos.arch=aarch64");
        assertTrue(out.startsWith("UNSUPPORTED_PLATFORM postproxy-mock has no program for this platform (linux-aarch64: os.name Linux, os.arch aarch64)."), out);
    }

    @Test
    void theServerKilledUnderATest() {
        try (PostproxyMock mock = PostproxyMock.start()) {
            Account account = mock.newAccount();
            assertNull(mock.exited());
            assertTrue(ProcessHandle.of(mock.pid()).orElseThrow().destroyForcibly());
            MockExitedException e = assertThrows(MockExitedException.class, () -> account.control().faults());
            assertEquals(9, e.signal());
            assertEquals(137, e.exitCode());
            assertEquals(mock.pid(), e.pid());
            assertTrue(e.getMessage().contains("was killed by signal 9 (SIGKILL)"), e.getMessage());
            // Its last stderr lines (its start-up summary) come with it.
            assertTrue(e.getMessage().contains("Last lines of its stderr:\n"), e.getMessage());
            assertTrue(e.getMessage().contains("base URL: " + mock.baseUrl()), e.getMessage());
            assertTrue(String.join("\n", e.stderr()).contains("postproxy-mock listening on"));
            assertTrue(mock.exited() != null);
            MockExitedException again = assertThrows(MockExitedException.class, () -> mock.control().accounts());
            assertTrue(again.getMessage().contains("was killed by signal 9 (SIGKILL) before GET /__mock/accounts"), again.getMessage());
            assertThrows(MockExitedException.class, mock::newAccount);
        }
    }

    /** A JVM killed with SIGKILL leaves no server behind: the server's stdin closes with it. */
    @Test
    void aKilledJvmLeavesNoServer() throws Exception {
        Process jvm = Probe.start("hold");
        String line = new java.io.BufferedReader(new java.io.InputStreamReader(jvm.getInputStream())).readLine();
        assertTrue(line != null && line.matches("\\d+"), "the JVM said " + line);
        long server = Long.parseLong(line);
        assertTrue(ProcessHandle.of(server).map(ProcessHandle::isAlive).orElse(false));
        jvm.destroyForcibly().waitFor();
        long end = System.nanoTime() + 5_000_000_000L;
        while (ProcessHandle.of(server).map(ProcessHandle::isAlive).orElse(false) && System.nanoTime() < end) Thread.sleep(20);
        boolean gone = !ProcessHandle.of(server).map(ProcessHandle::isAlive).orElse(false);
        if (!gone) ProcessHandle.of(server).ifPresent(ProcessHandle::destroyForcibly);
        assertTrue(gone, "the server (pid " + server + ") outlived the killed JVM");
    }

    @Test
    void closeTwiceAndACallAfterClose() {
        PostproxyMock mock = PostproxyMock.start();
        long pid = mock.pid();
        mock.close();
        assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
        long began = System.nanoTime();
        mock.close();
        assertTrue(System.nanoTime() - began < 1_000_000_000L);
        MockExitedException e = assertThrows(MockExitedException.class, () -> mock.control().accounts());
        assertTrue(e.stopped());
        assertTrue(e.getMessage().contains("was stopped (close() was called) before GET /__mock/accounts"), e.getMessage());
    }

    @Test
    void aProgramThatExitsOrNeverGetsReady() throws Exception {
        Path lines = script("i=1; while [ $i -le 120 ]; do echo \"line $i\" >&2; i=$((i+1)); done; exit 3");
        MockStartException e = assertThrows(MockStartException.class, () -> PostproxyMock.start(Options.defaults().program(lines)));
        MockExitedException exited = assertInstanceOf(MockExitedException.class, e.getCause());
        assertEquals(3, exited.exitCode());
        assertEquals(50, exited.stderr().size());
        assertEquals("line 71", exited.stderr().get(0));
        assertTrue(e.getMessage().contains("exited with code 3 before it was ready.\nLast lines of its stderr:\n  line 71\n"), e.getMessage());

        Path hello = script("echo hello; exec sleep 30");
        e = assertThrows(MockStartException.class, () -> PostproxyMock.start(Options.defaults().program(hello)));
        assertTrue(e.getMessage().contains("printed \"hello\" instead of its ready line"), e.getMessage());

        Path silent = script("echo \"pid $$\" >&2; exec sleep 30");
        long began = System.nanoTime();
        e = assertThrows(MockStartException.class, () -> PostproxyMock.start(Options.defaults().program(silent).startTimeout(Duration.ofMillis(300))));
        assertTrue(System.nanoTime() - began < 3_000_000_000L);
        assertTrue(e.getMessage().contains("did not say it was ready within 300 ms, so it was killed"), e.getMessage());
        long pid = Long.parseLong(e.stderr().get(0).substring(4));
        assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
    }
}
