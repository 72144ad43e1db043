package dev.postproxy.mock;

import java.nio.file.Path;

/** The postproxy-mock program is not there to run: {@link #code()} says why, {@link #path()} names the file. */
public final class ProgramException extends PostproxyMockException {
    private static final long serialVersionUID = 1L;

    /** Why the program cannot be run. */
    public enum Code {
        /** The file named by POSTPROXY_MOCK_BIN or Options.program does not exist. */
        MISSING,
        /** The file is not executable. */
        NOT_EXECUTABLE,
        /** The jar carries no program for this os.name / os.arch. */
        UNSUPPORTED_PLATFORM,
        /** The program in the jar could not be unpacked, or is not the one built. */
        UNPACK
    }

    private final Code code;
    private final transient Path path;

    ProgramException(Code code, Path path, String message) {
        super(message);
        this.code = code;
        this.path = path;
    }

    ProgramException(Code code, Path path, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
        this.path = path;
    }

    public Code code() { return code; }

    /** The file, when there is one; otherwise null. */
    public Path path() { return path; }
}
