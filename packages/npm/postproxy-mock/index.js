// postproxy-mock for Node: starts the postproxy-mock program (a stateful mock of the Postproxy
// Profiles and Profile Groups API) for a test, and drives its control API. Types and
// documentation: index.d.ts.
import { spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

import { binaryPath, BinaryError, checkExecutable, PLATFORMS } from "./binary.js";

export { binaryPath, BinaryError, PLATFORMS };

/** Lines of the program's stderr kept for error messages. */
const STDERR_LINES = 50;
/** How long stop() waits after SIGTERM before SIGKILL. */
const STOP_GRACE_MS = 5_000;
/** How long to wait, after the program exited, for its stdout and stderr to close. */
const CLOSE_WAIT_MS = 250;
/** How long a failed control request waits to learn whether the program has exited. */
const EXIT_WAIT_MS = 1_000;

const asyncDispose = Symbol.asyncDispose ?? Symbol.for("nodejs.asyncDispose");

/** The control API refused a request (a 4xx or 5xx answer). */
export class ControlError extends Error {
  constructor({ method, path, status, serverMessage, body }) {
    super(`control API answered ${status} to ${method} ${path}: ${serverMessage}`);
    this.name = "ControlError";
    this.method = method;
    this.path = path;
    this.status = status;
    this.serverMessage = serverMessage;
    this.body = body;
  }
}

/** The program exited: before it was ready, or before it answered a control request. */
export class MockExitedError extends Error {
  constructor(message, { exitCode, signal, stderr, stopped }) {
    super(message);
    this.name = "MockExitedError";
    this.exitCode = exitCode;
    this.signal = signal;
    this.stderr = stderr;
    this.stopped = stopped;
  }
}

/** The program did not say it was ready within `startTimeoutMs`; it was killed. */
export class StartTimeoutError extends Error {
  constructor(message, { timeoutMs, stderr }) {
    super(message);
    this.name = "StartTimeoutError";
    this.timeoutMs = timeoutMs;
    this.stderr = stderr;
  }
}

function stderrText(lines) {
  return lines.length === 0
    ? "(it wrote nothing to stderr)"
    : `Last lines of its stderr:\n${lines.map((l) => `  ${l}`).join("\n")}`;
}

/** A running (or exited) postproxy-mock process: its exit, its stderr, and how to stop it. */
class Process {
  /** @param {import("node:child_process").ChildProcess} child */
  constructor(child, cleanup) {
    this.child = child;
    this.cleanup = cleanup;
    this.lines = [];
    this.partial = "";
    /** `{ code, signal }` once the process has exited. */
    this.exit = null;
    this.spawnError = null;
    this.stopped = false;
    this.stopping = null;
    this.baseUrl = null;
    // Resolves once the process has exited and its stdio is closed (stderr fully read), or
    // when it could not be started at all.
    this.closed = new Promise((resolve) => {
      let done = false;
      let timer;
      const finish = () => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        this.flushPartial();
        resolve(this.exit);
      };
      child.once("exit", (code, signal) => {
        this.exit = { code, signal };
        // Its stdio closes with it, unless a process it started holds on to the pipes: then
        // what it wrote is read by now, and the pipes are let go.
        timer = setTimeout(() => {
          if (done) return;
          child.stdout.destroy();
          child.stderr.destroy();
          finish();
        }, CLOSE_WAIT_MS);
      });
      child.once("close", (code, signal) => {
        this.exit ??= { code, signal };
        finish();
      });
      child.on("error", (error) => {
        // Spawning failed (ENOENT, EACCES...); there will be no exit. (A failed kill is
        // reported here too; the exit, or stop()'s SIGKILL, follows.)
        if (child.pid === undefined && !done) {
          done = true;
          this.spawnError = error;
          this.exit = { code: null, signal: null };
          resolve(this.exit);
        }
      });
    }).then(async (exit) => {
      await this.cleanup();
      return exit;
    });
    child.stderr.setEncoding("utf8");
    // Always drained, so the pipe never fills and blocks the server.
    child.stderr.on("data", (chunk) => this.addStderr(chunk));
    // A pipe of a process that died must not throw in the user's process.
    for (const stream of [child.stdin, child.stdout, child.stderr]) stream.on("error", () => {});
  }

  addStderr(chunk) {
    const parts = (this.partial + chunk).split(/\r?\n/);
    this.partial = parts.pop();
    for (const line of parts) this.pushLine(line);
  }

  flushPartial() {
    if (this.partial) this.pushLine(this.partial);
    this.partial = "";
  }

  pushLine(line) {
    this.lines.push(line);
    if (this.lines.length > STDERR_LINES) this.lines.splice(0, this.lines.length - STDERR_LINES);
  }

  /** The last lines of stderr, including an unfinished one. */
  stderr() {
    return this.partial ? [...this.lines, this.partial].slice(-STDERR_LINES) : [...this.lines];
  }

  describeExit() {
    if (this.spawnError) return `could not be started (${this.spawnError.message})`;
    const { code, signal } = this.exit;
    return signal ? `was killed by ${signal}` : `exited with code ${code}`;
  }

  /** The MockExitedError for a process that has exited; `what` says what it did not do. */
  exitedError(what) {
    const pid = this.child.pid === undefined ? "" : ` (pid ${this.child.pid})`;
    const how = this.stopped ? "was stopped (stop() was called)" : this.describeExit();
    const message = `postproxy-mock${pid} ${how} ${what}.\n${stderrText(this.stderr())}`;
    return new MockExitedError(message, {
      exitCode: this.exit?.code ?? null,
      signal: this.exit?.signal ?? null,
      stderr: this.stderr(),
      stopped: this.stopped,
    });
  }

  /** Whether the process exits within `ms` (resolves early when it does). */
  async exitsWithin(ms) {
    if (this.exit) {
      await this.closed;
      return true;
    }
    let timer;
    const timeout = new Promise((resolve) => {
      timer = setTimeout(() => resolve(false), ms);
    });
    const result = await Promise.race([this.closed.then(() => true), timeout]);
    clearTimeout(timer);
    return result;
  }

  /** Keeps (true) or stops keeping (false) Node's event loop alive for this process. */
  keepAlive(on) {
    const method = on ? "ref" : "unref";
    this.child[method]();
    for (const stream of [this.child.stdin, this.child.stdout, this.child.stderr]) {
      stream?.[method]?.();
    }
  }

  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the process is gone. */
  stop(graceMs = STOP_GRACE_MS) {
    if (!this.stopping) {
      this.stopping = (async () => {
        if (!this.exit) this.stopped = true;
        this.keepAlive(true);
        if (!this.exit) this.child.kill("SIGTERM");
        let timer;
        const killer = new Promise((resolve) => {
          timer = setTimeout(() => {
            if (!this.exit) this.child.kill("SIGKILL");
            resolve();
          }, graceMs);
        });
        await Promise.race([this.closed, killer]);
        clearTimeout(timer);
        this.child.stdin.destroy();
        await this.closed;
      })();
    }
    return this.stopping;
  }
}

/** The environment for the program: `base` with `extra` laid over it (undefined removes). */
function mergeEnv(base, extra) {
  const env = { ...base };
  for (const [name, value] of Object.entries(extra ?? {})) {
    if (value === undefined || value === null) delete env[name];
    else env[name] = String(value);
  }
  return env;
}

function checkSeed(seed) {
  const ok =
    (typeof seed === "number" && Number.isSafeInteger(seed) && seed >= 0) ||
    (typeof seed === "bigint" && seed >= 0n && seed < 2n ** 64n);
  if (!ok) throw new TypeError(`seed must be an integer from 0 to 2^64-1, not ${String(seed)}`);
}

/** Resolves with the first line the program prints on stdout (its ready line). */
function readyLine(proc, timeoutMs) {
  const stdout = proc.child.stdout;
  stdout.setEncoding("utf8");
  return new Promise((resolve, reject) => {
    let buffer = "";
    let settled = false;
    const settle = (fn, value) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      stdout.off("data", onData);
      // Nothing else should come, but whatever does is read and dropped.
      stdout.resume();
      fn(value);
    };
    const onData = (chunk) => {
      buffer += chunk;
      const end = buffer.indexOf("\n");
      if (end >= 0) settle(resolve, buffer.slice(0, end));
    };
    stdout.on("data", onData);
    const timer = setTimeout(() => {
      const error = new StartTimeoutError(
        `postproxy-mock (pid ${proc.child.pid}) did not say it was ready within ${timeoutMs} ms, so it was killed.\n${stderrText(proc.stderr())}`,
        { timeoutMs, stderr: proc.stderr() },
      );
      settle(reject, error);
    }, timeoutMs);
    proc.closed.then(() => settle(reject, proc.exitedError("before it was ready")));
  });
}

/**
 * Starts a postproxy-mock server and resolves once it accepts connections.
 * @param {import("./index.js").StartOptions} [options]
 * @returns {Promise<import("./index.js").Mock>}
 */
export async function startMock(options = {}) {
  const { fixtures, seed, env, startTimeoutMs = 10_000 } = options;
  if (!(typeof startTimeoutMs === "number" && startTimeoutMs > 0)) {
    throw new TypeError(`startTimeoutMs must be a positive number, not ${String(startTimeoutMs)}`);
  }
  if (seed !== undefined) checkSeed(seed);
  const childEnv = mergeEnv(process.env, env);
  let binary;
  if (options.binary !== undefined) {
    binary = options.binary;
    checkExecutable(binary, process.platform, "Pass the path of the postproxy-mock program as binary, or leave it out to use the installed one.");
  } else {
    binary = binaryPath({ env: childEnv });
  }

  const args = ["--port", "0", "--ready-json", "--exit-on-stdin-close"];
  let tempDir = null;
  if (typeof fixtures === "string" && fixtures !== "") {
    args.push("--fixtures", fixtures);
  } else if (fixtures instanceof URL || (typeof fixtures?.href === "string" && !("accounts" in fixtures))) {
    args.push("--fixtures", fileURLToPath(fixtures.href));
  } else if (fixtures !== undefined && fixtures !== null && typeof fixtures === "object") {
    tempDir = await mkdtemp(join(tmpdir(), "postproxy-mock-"));
    const file = join(tempDir, "fixtures.json");
    try {
      await writeFile(file, JSON.stringify(fixtures));
    } catch (error) {
      await rm(tempDir, { recursive: true, force: true });
      throw error;
    }
    args.push("--fixtures", file);
  } else if (fixtures !== undefined) {
    throw new TypeError("fixtures must be a path (string or file URL) or a fixtures object");
  }
  if (seed !== undefined) args.push("--seed", String(seed));
  args.push("--log-level", "warn");

  let cleaned = false;
  const cleanup = async () => {
    if (cleaned || tempDir === null) return;
    cleaned = true;
    await rm(tempDir, { recursive: true, force: true }).catch(() => {});
  };

  let child;
  try {
    child = spawn(binary, args, {
      env: childEnv,
      // stdin stays an open pipe: the program exits when it closes, i.e. when this process
      // ends, however it ends.
      stdio: ["pipe", "pipe", "pipe"],
      windowsHide: true,
    });
  } catch (error) {
    await cleanup();
    throw error;
  }
  const proc = new Process(child, cleanup);

  let line;
  try {
    line = await readyLine(proc, startTimeoutMs);
  } catch (error) {
    await proc.stop(0);
    throw error;
  }
  let ready;
  try {
    ready = JSON.parse(line);
    if (typeof ready.base_url !== "string" || !Array.isArray(ready.accounts)) throw new Error("fields missing");
  } catch {
    await proc.stop(0);
    throw new Error(`postproxy-mock (${binary}) printed ${JSON.stringify(line)} instead of its ready line; is it the postproxy-mock program?`);
  }
  proc.baseUrl = ready.base_url.replace(/\/+$/, "");
  // Control calls go to the bound address: a --public-url (POSTPROXY_MOCK_PUBLIC_URL) need
  // not be reachable from here.
  proc.listenUrl = (ready.listen_url ?? ready.base_url).replace(/\/+$/, "");
  // The server must not keep this process alive: when it ends, the server's stdin closes and
  // the server exits with it.
  proc.keepAlive(false);
  const mock = new Mock(proc, ready);
  try {
    await mock[captureTemplate]();
  } catch (error) {
    await proc.stop(0);
    throw error;
  }
  return mock;
}

const captureTemplate = Symbol("captureTemplate");

class Mock {
  #proc;
  #template = null;

  constructor(proc, ready) {
    this.#proc = proc;
    this.baseUrl = proc.baseUrl;
    this.controlUrl = ready.control_url ?? `${proc.baseUrl}/__mock`;
    this.pid = ready.pid ?? proc.child.pid;
    this.control = new Control(proc);
    this.accounts = ready.accounts.map((a) => new Account(this.control, a.id, a.keys));
    const first = this.accounts[0];
    this.fullAccessKey = first?.fullAccessKey ?? null;
    this.scopedKey = first?.keys.find((k) => k.profile_group_id !== null)?.key ?? null;
  }

  /** The last lines the program wrote to stderr. */
  get stderr() {
    return this.#proc.stderr();
  }

  /** Whether the program has exited. */
  get exited() {
    return this.#proc.exit !== null;
  }

  /**
   * What newAccount() copies: the first account as the server started it, before any test
   * changes it, with its keys' scopes but not the keys (they are unique server-wide).
   */
  async [captureTemplate]() {
    const first = this.accounts[0];
    if (first === undefined) return;
    const fixture = await this.control.exportFixture(first.id);
    delete fixture.id;
    fixture.api_keys = first.keys.map((k) => (k.profile_group_id === null ? {} : { profile_group_id: k.profile_group_id }));
    this.#template = JSON.stringify(fixture);
  }

  async newAccount(fixture) {
    if (fixture === undefined || fixture === null) {
      if (this.#template === null) {
        throw new TypeError("the server started with no accounts: pass newAccount a fixture");
      }
      fixture = JSON.parse(this.#template);
    }
    const info = await this.control.createAccount(fixture);
    return new Account(this.control, info.id, info.api_keys);
  }

  stop() {
    return this.#proc.stop();
  }

  [asyncDispose]() {
    return this.stop();
  }
}

class Account {
  constructor(control, id, keys) {
    this.id = id;
    this.keys = keys.map((k) => ({ key: k.key, key_id: k.key_id, profile_group_id: k.profile_group_id ?? null }));
    this.fullAccessKey = this.keys.find((k) => k.profile_group_id === null)?.key ?? null;
    this.scopedKeys = {};
    for (const k of this.keys) {
      if (k.profile_group_id !== null && !(k.profile_group_id in this.scopedKeys)) {
        this.scopedKeys[k.profile_group_id] = k.key;
      }
    }
    this.control = new AccountControl(control, id);
  }

  delete() {
    return this.control.deleteAccount();
  }
}

const seg = encodeURIComponent;

/** Every operation of the control API (/__mock/), named as the Rust ControlClient's. */
class Control {
  #proc;

  constructor(proc) {
    this.#proc = proc;
  }

  async #request(method, path, { body, query } = {}) {
    const proc = this.#proc;
    if (proc.exit) {
      await proc.closed;
      throw proc.exitedError(`before ${method} /__mock${path}`);
    }
    let url = `${proc.listenUrl}/__mock${path}`;
    if (query) {
      const params = new URLSearchParams();
      for (const [name, value] of Object.entries(query)) {
        if (value !== undefined && value !== null) params.set(name, String(value));
      }
      const text = params.toString();
      if (text) url += `?${text}`;
    }
    let response;
    let text;
    try {
      response = await fetch(url, {
        method,
        headers: body === undefined ? undefined : { "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      text = await response.text();
    } catch (error) {
      if (await proc.exitsWithin(EXIT_WAIT_MS)) {
        throw proc.exitedError(`before it answered ${method} /__mock${path}`);
      }
      const reason = error?.cause?.message ?? error?.message ?? String(error);
      throw new Error(`control API request ${method} /__mock${path} failed: ${reason}`, { cause: error });
    }
    let json;
    try {
      json = text === "" ? undefined : JSON.parse(text);
    } catch {
      json = undefined;
    }
    if (!response.ok) {
      const serverMessage =
        typeof json?.error === "string" ? json.error : text || response.statusText || "(no message)";
      throw new ControlError({ method, path: `/__mock${path}`, status: response.status, serverMessage, body: json ?? text });
    }
    return json;
  }

  #account(id, rest = "") {
    return `/accounts/${seg(id)}${rest}`;
  }

  async resetAll() {
    await this.#request("POST", "/reset", { body: {} });
  }

  accounts() {
    return this.#request("GET", "/accounts");
  }

  createAccount(fixture = {}) {
    return this.#request("POST", "/accounts", { body: fixture });
  }

  account(accountId) {
    return this.#request("GET", this.#account(accountId));
  }

  async deleteAccount(accountId) {
    await this.#request("DELETE", this.#account(accountId));
  }

  resetAccount(accountId) {
    return this.#request("POST", this.#account(accountId, "/reset"), { body: {} });
  }

  exportFixture(accountId) {
    return this.#request("GET", this.#account(accountId, "/fixture"));
  }

  importFixture(accountId, fixture) {
    return this.#request("PUT", this.#account(accountId, "/fixture"), { body: fixture });
  }

  addGroup(accountId, group) {
    return this.#request("POST", this.#account(accountId, "/profile_groups"), { body: group });
  }

  renameGroup(accountId, groupId, name) {
    return this.#request("PATCH", this.#account(accountId, `/profile_groups/${seg(groupId)}`), { body: { name } });
  }

  addProfile(accountId, groupId, profile) {
    return this.#request("POST", this.#account(accountId, `/profile_groups/${seg(groupId)}/profiles`), { body: profile });
  }

  patchProfile(accountId, profileId, patch) {
    return this.#request("PATCH", this.#account(accountId, `/profiles/${seg(profileId)}`), { body: patch });
  }

  addPlacement(accountId, profileId, placement) {
    return this.#request("POST", this.#account(accountId, `/profiles/${seg(profileId)}/placements`), { body: placement });
  }

  async addSnapshot(accountId, profileId, snapshot) {
    await this.#request("POST", this.#account(accountId, `/profiles/${seg(profileId)}/stats`), { body: snapshot });
  }

  clock(accountId) {
    return this.#request("GET", this.#account(accountId, "/clock"));
  }

  setClock(accountId, update) {
    return this.#request("PUT", this.#account(accountId, "/clock"), { body: update });
  }

  advanceClock(accountId, by) {
    return this.#request("POST", this.#account(accountId, "/clock/advance"), { body: by });
  }

  faults(accountId) {
    return this.#request("GET", this.#account(accountId, "/faults"));
  }

  addFault(accountId, fault) {
    return this.#request("POST", this.#account(accountId, "/faults"), { body: fault });
  }

  async removeFault(accountId, faultId) {
    await this.#request("DELETE", this.#account(accountId, `/faults/${seg(faultId)}`));
  }

  async clearFaults(accountId) {
    await this.#request("DELETE", this.#account(accountId, "/faults"));
  }

  journal(accountId, filter = {}) {
    return this.#request("GET", this.#account(accountId, "/journal"), { query: filter });
  }

  async clearJournal(accountId) {
    await this.#request("DELETE", this.#account(accountId, "/journal"));
  }

  async recordBodies(accountId, record) {
    await this.#request("PUT", this.#account(accountId, "/journal/settings"), { body: { record_bodies: record } });
  }

  connections(accountId) {
    return this.#request("GET", this.#account(accountId, "/connections"));
  }

  authorizeConnection(accountId, token) {
    return this.#request("POST", this.#account(accountId, `/connections/${seg(token)}/authorize`), { body: {} });
  }

  denyConnection(accountId, token) {
    return this.#request("POST", this.#account(accountId, `/connections/${seg(token)}/deny`), { body: {} });
  }
}

/** The control operations of one account: Control's, with the account id filled in. */
const ACCOUNT_OPERATIONS = [
  "account",
  "deleteAccount",
  "resetAccount",
  "exportFixture",
  "importFixture",
  "addGroup",
  "renameGroup",
  "addProfile",
  "patchProfile",
  "addPlacement",
  "addSnapshot",
  "clock",
  "setClock",
  "advanceClock",
  "faults",
  "addFault",
  "removeFault",
  "clearFaults",
  "journal",
  "clearJournal",
  "recordBodies",
  "connections",
  "authorizeConnection",
  "denyConnection",
];

class AccountControl {
  constructor(control, accountId) {
    this.accountId = accountId;
    for (const name of ACCOUNT_OPERATIONS) {
      Object.defineProperty(this, name, {
        value: (...args) => control[name](accountId, ...args),
        enumerable: false,
      });
    }
  }
}
