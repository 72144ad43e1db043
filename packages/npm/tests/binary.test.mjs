// binaryPath: the installed program, POSTPROXY_MOCK_BINARY, and the errors that say what is
// wrong and how to fix it.
import assert from "node:assert/strict";
import { mkdirSync, readFileSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { test } from "node:test";

import { BinaryError, binaryPath, PLATFORMS, startMock } from "postproxy-mock";

import { fakeProgram, tempDir, writeFile } from "./helpers.mjs";

const require = createRequire(import.meta.url);

/** Asserts that `fn` throws a BinaryError with `code` whose message matches every pattern. */
function throwsBinaryError(fn, code, ...patterns) {
  assert.throws(fn, (e) => {
    assert.ok(e instanceof BinaryError, String(e));
    assert.equal(e.name, "BinaryError");
    assert.equal(e.code, code, e.message);
    for (const pattern of patterns) assert.match(e.message, pattern);
    return true;
  });
}

test("the installed platform package's program, executable", () => {
  const path = binaryPath({ env: {} });
  assert.match(path, /node_modules\/@postproxy-mock\/linux-x64\/bin\/postproxy-mock$/);
  assert.equal(path, join(require.resolve("@postproxy-mock/linux-x64/package.json"), "..", "bin", "postproxy-mock"));
  assert.equal(statSync(path).mode & 0o777, 0o755);
  assert.equal(binaryPath(), path); // process.env has no POSTPROXY_MOCK_BINARY here
});

test("POSTPROXY_MOCK_BINARY names the program", (t) => {
  const program = fakeProgram(t, "exit 0");
  assert.equal(binaryPath({ env: { POSTPROXY_MOCK_BINARY: program } }), program);
});

test("POSTPROXY_MOCK_BINARY pointing at a missing file", (t) => {
  const missing = join(tempDir(t), "no-such-program");
  throwsBinaryError(
    () => binaryPath({ env: { POSTPROXY_MOCK_BINARY: missing } }),
    "BINARY_MISSING",
    new RegExp(`the postproxy-mock program is missing: ${missing} does not exist`),
    /Point POSTPROXY_MOCK_BINARY at the postproxy-mock program/,
  );
  const dir = tempDir(t);
  throwsBinaryError(() => binaryPath({ env: { POSTPROXY_MOCK_BINARY: dir } }), "BINARY_MISSING", /is not a file/);
});

test("POSTPROXY_MOCK_BINARY pointing at a file that is not executable", (t) => {
  const file = writeFile(tempDir(t), "postproxy-mock", "#!/bin/sh\nexit 0\n", 0o644);
  throwsBinaryError(
    () => binaryPath({ env: { POSTPROXY_MOCK_BINARY: file } }),
    "BINARY_NOT_EXECUTABLE",
    new RegExp(`the postproxy-mock program at ${file} is not executable \\(mode 644\\)`),
  );
});

test("startMock with a bad POSTPROXY_MOCK_BINARY rejects with the same errors", async (t) => {
  const missing = join(tempDir(t), "gone");
  await assert.rejects(
    startMock({ env: { POSTPROXY_MOCK_BINARY: missing } }),
    (e) => e instanceof BinaryError && e.code === "BINARY_MISSING" && e.path === missing && e.message.includes(missing),
  );
  const file = writeFile(tempDir(t), "postproxy-mock", "", 0o600);
  await assert.rejects(
    startMock({ env: { POSTPROXY_MOCK_BINARY: file } }),
    (e) => e instanceof BinaryError && e.code === "BINARY_NOT_EXECUTABLE",
  );
});

test("an unsupported platform names platform, arch and libc, and lists the supported ones", () => {
  const supported = /Supported: linux-x64 \(@postproxy-mock\/linux-x64, glibc\)/;
  throwsBinaryError(
    () => binaryPath({ platform: "freebsd", arch: "riscv64", env: {} }),
    "UNSUPPORTED_PLATFORM",
    /process\.platform freebsd, process\.arch riscv64\)/,
    supported,
    /set POSTPROXY_MOCK_BINARY/,
  );
  throwsBinaryError(
    () => binaryPath({ platform: "linux", arch: "x64", libc: "musl", env: {} }),
    "UNSUPPORTED_PLATFORM",
    /process\.platform linux, process\.arch x64, libc musl/,
    supported,
  );
  for (const [platform, arch] of [
    ["linux", "arm64"],
    ["darwin", "arm64"],
    ["darwin", "x64"],
    ["win32", "x64"],
  ]) {
    throwsBinaryError(
      () => binaryPath({ platform, arch, libc: platform === "linux" ? "glibc" : null, env: {} }),
      "UNSUPPORTED_PLATFORM",
      new RegExp(`process\\.platform ${platform}, process\\.arch ${arch}`),
    );
  }
  // POSTPROXY_MOCK_BINARY works anywhere.
  assert.equal(binaryPath({ platform: "freebsd", arch: "riscv64", env: { POSTPROXY_MOCK_BINARY: process.execPath } }), process.execPath);
});

test("the platform package not installed: says so and how to fix it", (t) => {
  const project = tempDir(t);
  throwsBinaryError(
    () => binaryPath({ env: {}, libc: "glibc", platform: "linux", arch: "x64", resolveFrom: join(project, "index.js") }),
    "PACKAGE_NOT_INSTALLED",
    /the package @postproxy-mock\/linux-x64, which holds the postproxy-mock program for linux-x64, is not installed/,
    /Reinstall without --no-optional \/ --omit=optional/,
  );
});

test("the platform package installed without its program, or with one not executable", (t) => {
  const project = tempDir(t);
  const pkg = join(project, "node_modules", "@postproxy-mock", "linux-x64");
  mkdirSync(join(pkg, "bin"), { recursive: true });
  writeFile(pkg, "package.json", JSON.stringify({ name: "@postproxy-mock/linux-x64", version: "0.1.0" }));
  const options = { env: {}, platform: "linux", arch: "x64", libc: "glibc", resolveFrom: join(project, "index.js") };
  const program = join(pkg, "bin", "postproxy-mock");
  throwsBinaryError(
    () => binaryPath(options),
    "BINARY_MISSING",
    new RegExp(`${program} does not exist`),
    /Reinstall without --no-optional \/ --omit=optional/,
  );
  writeFile(join(pkg, "bin"), "postproxy-mock", "#!/bin/sh\n", 0o644);
  throwsBinaryError(() => binaryPath(options), "BINARY_NOT_EXECUTABLE", new RegExp(`${program} is not executable`), /--omit=optional/);
});

test("PLATFORMS agrees with optionalDependencies and the installed platform package", () => {
  const main = JSON.parse(readFileSync(require.resolve("postproxy-mock/package.json"), "utf8"));
  assert.deepEqual(
    Object.keys(main.optionalDependencies).sort(),
    Object.keys(PLATFORMS).map((key) => `@postproxy-mock/${key}`).sort(),
  );
  for (const version of Object.values(main.optionalDependencies)) assert.equal(version, main.version);
  const platform = JSON.parse(readFileSync(require.resolve("@postproxy-mock/linux-x64/package.json"), "utf8"));
  assert.equal(platform.version, main.version);
  assert.deepEqual(platform.os, [PLATFORMS["linux-x64"].os]);
  assert.deepEqual(platform.cpu, [PLATFORMS["linux-x64"].cpu]);
  assert.deepEqual(platform.libc, [PLATFORMS["linux-x64"].libc]);
  assert.deepEqual(platform.files, ["bin/postproxy-mock"]);
  assert.equal(platform.scripts, undefined);
  assert.equal(main.scripts, undefined);
  assert.equal(main.type, "module");
  assert.deepEqual(main.engines, { node: ">=18" });
  assert.equal(main.license, "MIT OR Apache-2.0");
});
