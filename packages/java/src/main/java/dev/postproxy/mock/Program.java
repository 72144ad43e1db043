package dev.postproxy.mock;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * The postproxy-mock program: {@code $POSTPROXY_MOCK_BIN} when set, otherwise the one this jar
 * carries for the platform (under {@code dev/postproxy/mock/native/<platform>/}), unpacked once
 * per version into the system property {@code postproxy.mock.cacheDir}, or
 * {@code $POSTPROXY_MOCK_CACHE_DIR}, or {@code java.io.tmpdir/postproxy-mock-<user>}, checked
 * against its size and SHA-256, and made executable.
 */
public final class Program {
    private Program() {}

    /** The environment variable naming a program to run instead of the jar's. */
    public static final String PROGRAM_ENV = "POSTPROXY_MOCK_BIN";

    /** The environment variable naming the folder the jar's program is unpacked into. */
    public static final String CACHE_DIR_ENV = "POSTPROXY_MOCK_CACHE_DIR";

    /** The system property naming the folder the jar's program is unpacked into (before {@link #CACHE_DIR_ENV}). */
    public static final String CACHE_DIR_PROPERTY = "postproxy.mock.cacheDir";

    private static final String NATIVE = "/dev/postproxy/mock/native/";

    /**
     * The platforms a program may be carried for: key {@code <os>-<arch>} (the resource folder) to
     * file name. Adding one is an entry here and its program in packages/java/pack.sh.
     */
    public static final Map<String, String> PLATFORMS = platforms();

    private static Map<String, String> platforms() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("linux-x86_64", "postproxy-mock");
        m.put("linux-aarch64", "postproxy-mock");
        m.put("darwin-x86_64", "postproxy-mock");
        m.put("darwin-aarch64", "postproxy-mock");
        m.put("windows-x86_64", "postproxy-mock.exe");
        return Map.copyOf(m);
    }

    /** This package's version (the jar's). */
    public static String version() {
        Properties p = new Properties();
        try (InputStream in = Program.class.getResourceAsStream("/dev/postproxy/mock/version.properties")) {
            if (in != null) p.load(in);
        } catch (IOException ignored) {
            // Unknown.
        }
        return p.getProperty("version", "0.0.0");
    }

    /** The platform key of {@code os.name} and {@code os.arch}, e.g. {@code linux-x86_64}. */
    static String platformKey(String osName, String osArch) {
        String os = osName.toLowerCase(Locale.ROOT);
        os = os.startsWith("linux") ? "linux" : os.startsWith("mac") || os.startsWith("darwin") ? "darwin" : os.startsWith("windows") ? "windows" : os.replaceAll("\\W", "");
        String arch = osArch.toLowerCase(Locale.ROOT);
        arch = switch (arch) {
            case "amd64", "x86_64", "x64" -> "x86_64";
            case "aarch64", "arm64" -> "aarch64";
            default -> arch.replaceAll("\\W", "");
        };
        return os + "-" + arch;
    }

    /** The platforms this jar carries a program for. */
    public static List<String> carried() {
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, String> e : PLATFORMS.entrySet()) {
            if (Program.class.getResource(NATIVE + e.getKey() + "/" + e.getValue()) != null) out.add(e.getKey());
        }
        out.sort(null);
        return out;
    }

    /** The path of the program to run (see the class comment); throws {@link ProgramException}. */
    public static Path path() {
        String explicit = System.getenv(PROGRAM_ENV);
        if (explicit != null && !explicit.isEmpty()) {
            Path p = Path.of(explicit);
            check(p, "Point " + PROGRAM_ENV + " at the postproxy-mock program (e.g. target/debug/postproxy-mock), or unset it to use the jar's.");
            return p;
        }
        return unpack(System.getProperty("os.name"), System.getProperty("os.arch"));
    }

    static void check(Path p, String fix) {
        if (!Files.exists(p)) {
            throw new ProgramException(ProgramException.Code.MISSING, p, "the postproxy-mock program is missing: " + p + " does not exist. " + fix);
        }
        if (!Files.isRegularFile(p)) {
            throw new ProgramException(ProgramException.Code.MISSING, p, "the postproxy-mock program is missing: " + p + " is not a file. " + fix);
        }
        if (!Files.isExecutable(p)) {
            throw new ProgramException(ProgramException.Code.NOT_EXECUTABLE, p, "the postproxy-mock program at " + p + " is not executable. " + fix);
        }
    }

    private static final Map<Path, Object> VERIFIED = new HashMap<>();

    static synchronized Path unpack(String osName, String osArch) {
        String key = platformKey(osName, osArch);
        String exe = PLATFORMS.get(key);
        String resource = exe == null ? null : NATIVE + key + "/" + exe;
        if (resource == null || Program.class.getResource(resource) == null) {
            throw new ProgramException(ProgramException.Code.UNSUPPORTED_PLATFORM, null,
                    "postproxy-mock has no program for this platform (" + key + ": os.name " + osName + ", os.arch " + osArch
                            + "). This jar carries: " + String.join(", ", carried()) + ". Elsewhere, build it (cargo build -p postproxy-mock) and set "
                            + PROGRAM_ENV + " to its path.");
        }
        String sha256;
        long size;
        try (InputStream in = Program.class.getResourceAsStream(resource + ".sha256")) {
            String[] sum = new String(in.readAllBytes(), StandardCharsets.US_ASCII).trim().split("\\s+");
            sha256 = sum[0];
            size = Long.parseLong(sum[1]);
        } catch (IOException | RuntimeException e) {
            throw new ProgramException(ProgramException.Code.UNPACK, null, "the jar has no valid " + resource + ".sha256 beside its program", e);
        }
        String version = version();
        String configured = System.getProperty(CACHE_DIR_PROPERTY);
        if (configured == null || configured.isEmpty()) configured = System.getenv(CACHE_DIR_ENV);
        Path base = configured != null && !configured.isEmpty()
                ? Path.of(configured)
                : Path.of(System.getProperty("java.io.tmpdir"), "postproxy-mock-" + System.getProperty("user.name", "user").replaceAll("\\W", "_"));
        Path dir = base.resolve(version + "-" + sha256.substring(0, 16));
        Path path = dir.resolve(exe);
        try {
            if (Files.isRegularFile(path) && Files.size(path) == size && Files.isExecutable(path)) {
                Object stamp = stamp(path);
                if (stamp.equals(VERIFIED.get(path))) return path;
                if (sha256(path).equals(sha256)) {
                    VERIFIED.put(path, stamp);
                    return path;
                }
            }
        } catch (IOException e) {
            // Written again below.
        }
        // Missing, not executable or not the program built: written (again) atomically, so
        // that parallel test JVMs never run a half-written file.
        try {
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, exe, ".tmp");
            try {
                try (InputStream in = Program.class.getResourceAsStream(resource)) {
                    Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
                }
                String written = sha256(tmp);
                if (!written.equals(sha256) || Files.size(tmp) != size) {
                    throw new IOException("the unpacked program's SHA-256 is " + written + ", not " + sha256);
                }
                try {
                    Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
                } catch (UnsupportedOperationException notPosix) {
                    tmp.toFile().setExecutable(true);
                }
                try {
                    Files.move(tmp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                Files.deleteIfExists(tmp);
            }
            VERIFIED.put(path, stamp(path));
            return path;
        } catch (IOException e) {
            throw new ProgramException(ProgramException.Code.UNPACK, path, "cannot unpack the postproxy-mock program to " + path + ": " + e
                    + " (set " + CACHE_DIR_ENV + " to a writable folder, or " + PROGRAM_ENV + " to a program)", e);
        }
    }

    private static Object stamp(Path p) throws IOException {
        BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
        return List.of(String.valueOf(a.fileKey()), a.size(), a.lastModifiedTime().toString());
    }

    private static String sha256(Path p) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        try (InputStream in = Files.newInputStream(p)) {
            byte[] buffer = new byte[1 << 16];
            int n;
            while ((n = in.read(buffer)) > 0) digest.update(buffer, 0, n);
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
