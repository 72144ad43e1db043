// Finds the postproxy-mock program: the one named by POSTPROXY_MOCK_BINARY, or the one in this
// platform's package (an optional dependency, installed by npm only where it fits).
import { accessSync, constants, readFileSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

/**
 * The platforms a program package is published for, and the only place that lists them.
 * Key: `${process.platform}-${process.arch}`, plus `-musl` on musl Linux; the package is
 * `@postproxy-mock/<key>` (a folder of the same name under packages/npm/platforms/, and a line
 * in optionalDependencies). Adding one, e.g. linux-arm64, linux-x64-musl, darwin-x64,
 * darwin-arm64 or win32-x64 (`exe: "postproxy-mock.exe"`), is one entry here and those two.
 */
export const PLATFORMS = Object.freeze({
  "linux-x64": Object.freeze({ os: "linux", cpu: "x64", libc: "glibc", exe: "postproxy-mock" }),
});

const PACKAGE_SCOPE = "@postproxy-mock";

/** The program cannot be found or run: `code` says why, `path` names the file when there is one. */
export class BinaryError extends Error {
  /**
   * @param {string} code
   * @param {string} message
   * @param {string | undefined} path
   */
  constructor(code, message, path) {
    super(message);
    this.name = "BinaryError";
    this.code = code;
    this.path = path;
  }
}

let libcOfThisLinux;

/** The C library of this Linux: "glibc" or "musl"; null elsewhere. Looked up once. */
export function detectLibc(platform = process.platform) {
  if (platform !== "linux") return null;
  libcOfThisLinux ??= lookUpLibc();
  return libcOfThisLinux;
}

function lookUpLibc() {
  // ldd is a script of the C library's (as detect-libc reads it): quick, and says which.
  try {
    const ldd = readFileSync("/usr/bin/ldd", "latin1");
    if (ldd.includes("musl")) return "musl";
    if (ldd.includes("GNU C Library") || ldd.includes("GLIBC")) return "glibc";
  } catch {
    // No ldd: ask Node.
  }
  try {
    // Node's report names the glibc it runs on; on musl it has no such field (slower: ~20 ms).
    const report = process.report?.getReport();
    const header = typeof report === "string" ? JSON.parse(report).header : report?.header;
    if (header) return header.glibcVersionRuntime ? "glibc" : "musl";
  } catch {
    // Fall through.
  }
  return "glibc";
}

/** The key of {@link PLATFORMS} for a platform, arch and libc. */
export function platformKey(platform, arch, libc) {
  return `${platform}-${arch}${platform === "linux" && libc === "musl" ? "-musl" : ""}`;
}

function describeSupported() {
  return Object.entries(PLATFORMS)
    .map(([key, p]) => `${key} (${PACKAGE_SCOPE}/${key}${p.libc ? `, ${p.libc}` : ""})`)
    .join(", ");
}

/** Throws a BinaryError unless `path` is an executable file; `fix` says what to do. */
export function checkExecutable(path, platform, fix) {
  let stats;
  try {
    stats = statSync(path);
  } catch {
    throw new BinaryError("BINARY_MISSING", `the postproxy-mock program is missing: ${path} does not exist. ${fix}`, path);
  }
  if (!stats.isFile()) {
    throw new BinaryError("BINARY_MISSING", `the postproxy-mock program is missing: ${path} is not a file. ${fix}`, path);
  }
  if (platform === "win32") return;
  let executable = (stats.mode & 0o111) !== 0;
  if (executable) {
    try {
      accessSync(path, constants.X_OK);
    } catch {
      executable = false;
    }
  }
  if (!executable) {
    throw new BinaryError(
      "BINARY_NOT_EXECUTABLE",
      `the postproxy-mock program at ${path} is not executable (mode ${(stats.mode & 0o777).toString(8)}). ${fix}`,
      path,
    );
  }
}

/**
 * The path of the postproxy-mock program. See index.d.ts.
 * @param {import("./index.js").BinaryPathOptions} [options]
 */
export function binaryPath(options = {}) {
  const env = options.env ?? process.env;
  const platform = options.platform ?? process.platform;
  const override = env.POSTPROXY_MOCK_BINARY;
  if (override) {
    checkExecutable(
      override,
      platform,
      "Point POSTPROXY_MOCK_BINARY at the postproxy-mock program (e.g. target/debug/postproxy-mock), or unset it to use the installed one.",
    );
    return override;
  }

  const arch = options.arch ?? process.arch;
  const libc = options.libc !== undefined ? options.libc : detectLibc(platform);
  const key = platformKey(platform, arch, libc);
  const entry = PLATFORMS[key];
  if (!entry) {
    const libcText = platform === "linux" ? `, libc ${libc ?? "unknown"}` : "";
    throw new BinaryError(
      "UNSUPPORTED_PLATFORM",
      `postproxy-mock has no program for this platform (process.platform ${platform}, process.arch ${arch}${libcText}). ` +
        `Supported: ${describeSupported()}. Elsewhere, build it (cargo build -p postproxy-mock) and set POSTPROXY_MOCK_BINARY to its path.`,
    );
  }

  const name = `${PACKAGE_SCOPE}/${key}`;
  const fix =
    `Reinstall without --no-optional / --omit=optional (e.g. rm -rf node_modules && npm install), ` +
    `so that npm installs the optional dependency ${name}, or set POSTPROXY_MOCK_BINARY to a postproxy-mock program.`;
  const require = createRequire(options.resolveFrom ?? import.meta.url);
  let path;
  try {
    path = require.resolve(`${name}/bin/${entry.exe}`);
  } catch {
    // Missing: the package, or the program in it?
    let manifest;
    try {
      manifest = require.resolve(`${name}/package.json`);
    } catch {
      throw new BinaryError(
        "PACKAGE_NOT_INSTALLED",
        `the package ${name}, which holds the postproxy-mock program for ${key}, is not installed. ${fix}`,
      );
    }
    path = join(dirname(manifest), "bin", entry.exe);
  }
  checkExecutable(path, platform, fix);
  return path;
}
