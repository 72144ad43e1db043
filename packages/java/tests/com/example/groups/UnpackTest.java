package com.example.groups;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.postproxy.mock.PostproxyMock;
import dev.postproxy.mock.Program;
import dev.postproxy.mock.ProgramException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Isolated;

/** The program in the jar: unpacked once per version, checked, repaired. Isolated: it moves the cache folder. */
@Isolated
class UnpackTest {
    @TempDir
    Path cache;

    @AfterEach
    void restore() {
        System.clearProperty(Program.CACHE_DIR_PROPERTY);
    }

    @Test
    void unpackedOnceCheckedAndRepaired() throws Exception {
        if (System.getenv("POSTPROXY_MOCK_BIN") != null && !System.getenv("POSTPROXY_MOCK_BIN").isEmpty()) return;
        System.setProperty(Program.CACHE_DIR_PROPERTY, cache.toString());
        Path path = Program.path();
        assertEquals(cache, path.getParent().getParent());
        assertTrue(path.getParent().getFileName().toString().startsWith(Program.version() + "-"), path.toString());
        assertEquals("rwxr-xr-x", PosixFilePermissions.toString(Files.getPosixFilePermissions(path)));
        byte[] program = Files.readAllBytes(path);
        FileTime written = Files.getLastModifiedTime(path);
        assertEquals(path, Program.path());
        assertEquals(written, Files.getLastModifiedTime(path));

        // Not executable, or not the program built: written again.
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-r--r--"));
        assertEquals(path, Program.path());
        assertTrue(Files.isExecutable(path));
        Files.writeString(path, "#!/bin/sh\necho tampered\n");
        assertEquals(path, Program.path());
        assertArrayEquals(program, Files.readAllBytes(path));
        byte[] flipped = program.clone();
        flipped[flipped.length / 2] ^= (byte) 0xff; // the same size, another hash
        Files.write(path, flipped);
        Files.setLastModifiedTime(path, FileTime.from(Instant.now().plusSeconds(60)));
        assertEquals(path, Program.path());
        assertArrayEquals(program, Files.readAllBytes(path));

        // A cache folder that cannot be written says where and what to do.
        Path file = Files.writeString(cache.resolve("a-file"), "");
        System.setProperty(Program.CACHE_DIR_PROPERTY, file.toString());
        ProgramException e = assertThrows(ProgramException.class, Program::path);
        assertEquals(ProgramException.Code.UNPACK, e.code());
        assertTrue(e.getMessage().contains("set POSTPROXY_MOCK_CACHE_DIR to a writable folder"), e.getMessage());

        // A server runs the unpacked program.
        System.setProperty(Program.CACHE_DIR_PROPERTY, cache.toString());
        try (PostproxyMock mock = PostproxyMock.start()) {
            assertEquals(path.toString(), ProcessHandle.of(mock.pid()).orElseThrow().info().command().orElseThrow());
        }
    }
}
