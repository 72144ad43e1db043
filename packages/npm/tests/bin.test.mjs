// The postproxy-mock command the package installs (node_modules/.bin/postproxy-mock): the
// platform's program with the same arguments, stdio, signals and exit code.
import assert from "node:assert/strict";
import { execFile, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { test } from "node:test";
import { promisify } from "node:util";

import { alive, eventually, tempDir } from "./helpers.mjs";

const run = promisify(execFile);
const project = dirname(fileURLToPath(import.meta.url));
const shim = join(project, "node_modules", ".bin", "postproxy-mock");
const version = JSON.parse(readFileSync(createRequire(import.meta.url).resolve("postproxy-mock/package.json"), "utf8")).version;

/** Runs a command in the project; resolves with its code, stdout and stderr. */
async function outcome(command, args, options = {}) {
  try {
    const { stdout, stderr } = await run(command, args, { cwd: project, timeout: 30_000, ...options });
    return { code: 0, stdout, stderr };
  } catch (error) {
    if (typeof error.code !== "number") throw error;
    return { code: error.code, stdout: error.stdout, stderr: error.stderr };
  }
}

/** Starts the shim with the server's ready line on; resolves with the child and the ready line. */
async function startShim(t, extra = []) {
  const child = spawn(shim, ["--port", "0", "--ready-json", "--log-level", "warn", ...extra], {
    cwd: project,
    stdio: ["pipe", "pipe", "pipe"],
  });
  const exited = new Promise((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
  t.after(() => child.kill("SIGKILL"));
  child.stderr.resume();
  const line = await new Promise((resolve, reject) => {
    let buffer = "";
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (chunk) => {
      buffer += chunk;
      if (buffer.includes("\n")) resolve(buffer.slice(0, buffer.indexOf("\n")));
    });
    child.once("exit", () => reject(new Error("the shim exited before the ready line")));
  });
  return { child, exited, ready: JSON.parse(line) };
}

test("npx postproxy-mock --help prints the flags", async () => {
  const { code, stdout } = await outcome("npx", ["postproxy-mock", "--help"]);
  assert.equal(code, 0);
  for (const flag of ["--port", "--fixtures", "--seed", "--log-level", "--ready-json", "--exit-on-stdin-close", "fixture-schema"]) {
    assert.ok(stdout.includes(flag), `${flag} missing from:\n${stdout}`);
  }
});

test("npx postproxy-mock --version is the package's version", async () => {
  const { code, stdout } = await outcome("npx", ["postproxy-mock", "--version"]);
  assert.equal(code, 0);
  assert.equal(stdout.trim(), `postproxy-mock ${version}`);
});

test("the program's exit code and stderr pass through", async () => {
  const missing = await outcome(shim, ["--fixtures", "/nonexistent.json", "--port", "0"]);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /postproxy-mock: cannot read fixtures file \/nonexistent\.json: No such file or directory/);
  const usage = await outcome(shim, ["--no-such-flag"]);
  assert.equal(usage.code, 2);
  assert.match(usage.stderr, /--no-such-flag/);
  const schema = await outcome(shim, ["fixture-schema"]);
  assert.equal(schema.code, 0);
  assert.equal(JSON.parse(schema.stdout).title, "Fixtures");
});

test("SIGTERM to the command stops the server, which exits cleanly", async (t) => {
  const { child, exited, ready } = await startShim(t);
  assert.notEqual(ready.pid, child.pid); // the program, not the shim
  assert.ok(alive(ready.pid));
  const response = await fetch(`${ready.base_url}/api/profile_groups`, {
    headers: { authorization: `Bearer ${ready.accounts[0].keys[0].key}` },
  });
  assert.equal(response.status, 200);
  child.kill("SIGTERM");
  assert.deepEqual(await exited, { code: 0, signal: null });
  assert.ok(await eventually(() => !alive(ready.pid)));
});

test("a program killed by a signal: the command dies of the same signal", async (t) => {
  const { exited, ready } = await startShim(t);
  process.kill(ready.pid, "SIGKILL");
  assert.deepEqual(await exited, { code: null, signal: "SIGKILL" });
});

test("stdin is the program's: closing it stops a server run with --exit-on-stdin-close", async (t) => {
  const { child, exited, ready } = await startShim(t, ["--exit-on-stdin-close"]);
  child.stdin.end();
  assert.deepEqual(await exited, { code: 0, signal: null });
  assert.equal(alive(ready.pid), false);
});

test("a bad POSTPROXY_MOCK_BINARY: the command says what is wrong and exits 1", async (t) => {
  const missing = join(tempDir(t), "nothing-here");
  const { code, stderr } = await outcome(shim, ["--help"], { env: { ...process.env, POSTPROXY_MOCK_BINARY: missing } });
  assert.equal(code, 1);
  assert.match(stderr, new RegExp(`postproxy-mock: the postproxy-mock program is missing: ${missing} does not exist`));
});
