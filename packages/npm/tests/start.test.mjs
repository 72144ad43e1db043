// startMock: the demo data, fixtures (object, path, file URL), seed, env, startup failures,
// stop() and what happens when the program dies.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { test } from "node:test";
import { promisify } from "node:util";

import { BinaryError, MockExitedError, StartTimeoutError, startMock } from "postproxy-mock";

import { alive, eventually, fakeProgram, sdk, smallFixtures, tempDir, writeFile } from "./helpers.mjs";

const run = promisify(execFile);

/** The --fixtures argument the running program was given (Linux). */
function fixturesArgument(pid) {
  const args = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
  return args[args.indexOf("--fixtures") + 1];
}

test("the demo data: URLs, keys, accounts, and the SDK with both keys", async (t) => {
  const mock = await startMock();
  t.after(() => mock.stop());
  assert.match(mock.baseUrl, /^http:\/\/127\.0\.0\.1:\d+$/);
  assert.equal(mock.controlUrl, `${mock.baseUrl}/__mock`);
  assert.ok(Number.isInteger(mock.pid) && alive(mock.pid));
  assert.equal(mock.fullAccessKey, "pp_demo_full_0123456789abcdef");
  assert.equal(mock.scopedKey, "pp_demo_scoped_0123456789abcdef");
  assert.equal(mock.accounts.length, 1);
  const [demo] = mock.accounts;
  assert.equal(demo.id, "acct_demo");
  assert.deepEqual(
    demo.keys.map((k) => [k.key, k.profile_group_id]),
    [
      ["pp_demo_full_0123456789abcdef", null],
      ["pp_demo_scoped_0123456789abcdef", "grp456def"],
    ],
  );
  assert.ok(demo.keys.every((k) => /^key_/.test(k.key_id)));
  assert.equal(demo.fullAccessKey, mock.fullAccessKey);
  assert.deepEqual(demo.scopedKeys, { grp456def: "pp_demo_scoped_0123456789abcdef" });
  assert.equal(demo.control.accountId, "acct_demo");

  const full = sdk(mock, mock.fullAccessKey);
  const groups = (await full.profileGroups.list()).data;
  assert.deepEqual(
    groups.find((g) => g.id === "grp123abc"),
    { id: "grp123abc", name: "Main Brand", profiles_count: 5 },
  );
  const profiles = (await full.profiles.list()).data;
  assert.equal(profiles.length, 15);

  const scoped = sdk(mock, mock.scopedKey);
  assert.deepEqual((await scoped.profileGroups.list()).data.map((g) => g.id), ["grp456def"]);
  const scopedProfiles = (await scoped.profiles.list()).data;
  assert.equal(scopedProfiles.length, 3);
  assert.ok(scopedProfiles.every((p) => p.profile_group_id === "grp456def"));
  assert.deepEqual(mock.stderr.filter((l) => / WARN | ERROR /.test(l)), []);
});

test("fixtures as an object: written to a temporary file that stop() removes", async () => {
  const mock = await startMock({ fixtures: smallFixtures() });
  const file = fixturesArgument(mock.pid);
  assert.ok(existsSync(file), file);
  assert.deepEqual(JSON.parse(readFileSync(file, "utf8")), smallFixtures());
  assert.equal(mock.fullAccessKey, "pp_small_full");
  assert.equal(mock.scopedKey, "pp_small_scoped");
  const groups = await sdk(mock, mock.scopedKey).profileGroups.list();
  assert.deepEqual(groups.data, [{ id: "grp_small", name: "Small", profiles_count: 1 }]);
  await mock.stop();
  assert.equal(existsSync(file), false);
});

test("fixtures as a path and as a file URL", async (t) => {
  const dir = tempDir(t);
  const path = writeFile(dir, "fixtures.json", JSON.stringify(smallFixtures("_p")));
  for (const fixtures of [path, pathToFileURL(path)]) {
    const mock = await startMock({ fixtures });
    try {
      assert.equal(fixturesArgument(mock.pid), path);
      const list = await sdk(mock, mock.fullAccessKey).profileGroups.list();
      assert.deepEqual(list.data.map((g) => g.id), ["grp_small", "grp_other"]);
    } finally {
      await mock.stop();
    }
    // A file of the user's is never removed.
    assert.ok(existsSync(path));
  }
});

test("keys: null where the first account has no full-access or no scoped key", async () => {
  const onlyScoped = {
    accounts: [
      {
        id: "acct_scoped_only",
        api_keys: [{ key: "pp_only_scoped", profile_group_id: "grp_1" }],
        profile_groups: [{ id: "grp_1", name: "One" }],
      },
    ],
  };
  const mock = await startMock({ fixtures: onlyScoped });
  try {
    assert.equal(mock.fullAccessKey, null);
    assert.equal(mock.scopedKey, "pp_only_scoped");
    assert.deepEqual(mock.accounts[0].scopedKeys, { grp_1: "pp_only_scoped" });
  } finally {
    await mock.stop();
  }
  const onlyFull = { accounts: [{ id: "acct_full_only", api_keys: [{ key: "pp_only_full" }] }] };
  const other = await startMock({ fixtures: onlyFull });
  try {
    assert.equal(other.fullAccessKey, "pp_only_full");
    assert.equal(other.scopedKey, null);
    assert.deepEqual(other.accounts[0].scopedKeys, {});
  } finally {
    await other.stop();
  }
});

test("seed: the same seed generates the same keys and ids, another seed others", async () => {
  const generated = async (seed) => {
    const mock = await startMock({ seed });
    try {
      const account = await mock.newAccount();
      const group = await account.control.addGroup({ name: "Generated" });
      return [account.id, account.fullAccessKey, group.id];
    } finally {
      await mock.stop();
    }
  };
  const first = await generated(7);
  assert.deepEqual(await generated(7), first);
  assert.deepEqual(await generated(7n), first);
  const other = await generated(8);
  for (let i = 0; i < first.length; i++) assert.notEqual(other[i], first[i]);
  await assert.rejects(startMock({ seed: -1 }), TypeError);
  await assert.rejects(startMock({ seed: 1.5 }), TypeError);
});

test("env reaches the program, over process.env (undefined removes a variable)", async (t) => {
  const binary = fakeProgram(t, 'echo "GIVEN=$GIVEN HOME=${HOME-unset} PATH=${PATH:+set}" >&2; exit 4');
  await assert.rejects(startMock({ binary, env: { GIVEN: "yes", HOME: undefined } }), (e) => {
    assert.ok(e instanceof MockExitedError);
    assert.equal(e.exitCode, 4);
    assert.deepEqual(e.stderr, ["GIVEN=yes HOME=unset PATH=set"]);
    return true;
  });
});

test("the program's own variables apply: POSTPROXY_MOCK_PUBLIC_URL is the base URL", async (t) => {
  const mock = await startMock({ env: { POSTPROXY_MOCK_PUBLIC_URL: "http://mock.example:1234" } });
  t.after(() => mock.stop());
  assert.equal(mock.baseUrl, "http://mock.example:1234");
  assert.equal(mock.controlUrl, "http://mock.example:1234/__mock");
  // The package itself reaches the server at its bound address.
  assert.deepEqual((await mock.control.accounts()).map((a) => a.id), ["acct_demo"]);
});

test("an invalid fixtures object rejects with the program's message naming the field", async () => {
  const fixtures = {
    accounts: [
      {
        profile_groups: [
          { id: "grp_1", name: "One", profiles: [{ id: "p", name: "n", platform: "twitter", status: "sleeping" }] },
        ],
      },
    ],
  };
  const error = await startMock({ fixtures }).then(
    () => assert.fail("started"),
    (e) => e,
  );
  assert.ok(error instanceof MockExitedError, String(error));
  assert.equal(error.exitCode, 1);
  assert.equal(error.signal, null);
  assert.equal(error.stopped, false);
  assert.match(error.message, /exited with code 1 before it was ready/);
  assert.match(error.message, /postproxy-mock: invalid fixtures file .*: at accounts\[0\]\.profile_groups\[0\]\.profiles\[0\]\.status: unknown variant `sleeping`/);
  assert.ok(error.stderr.some((l) => l.includes("accounts[0].profile_groups[0].profiles[0].status")));
  // The temporary file is gone with the program.
  const file = /invalid fixtures file (\S+):/.exec(error.message)[1];
  assert.equal(existsSync(file), false);
});

test("a fixture file that cannot be read, and one that breaks a rule", async (t) => {
  await assert.rejects(startMock({ fixtures: "/nonexistent/fixtures.json" }), (e) => {
    assert.ok(e instanceof MockExitedError);
    assert.match(e.message, /cannot read fixtures file \/nonexistent\/fixtures\.json: No such file or directory/);
    return true;
  });
  const dir = tempDir(t);
  const duplicate = writeFile(
    dir,
    "dup.json",
    JSON.stringify({ accounts: [{ profile_groups: [{ id: "g", name: "A" }, { id: "g", name: "B" }] }] }),
  );
  await assert.rejects(startMock({ fixtures: duplicate }), /at accounts\[0\]\.profile_groups\[1\]\.id/);
});

test("a program that exits before it is ready: its code and last stderr lines (at most 50)", async (t) => {
  const binary = fakeProgram(t, 'i=1; while [ $i -le 120 ]; do echo "line $i" >&2; i=$((i+1)); done; printf "no newline" >&2; exit 3');
  const error = await startMock({ binary }).then(
    () => assert.fail("started"),
    (e) => e,
  );
  assert.ok(error instanceof MockExitedError);
  assert.equal(error.exitCode, 3);
  assert.equal(error.stderr.length, 50);
  assert.equal(error.stderr.at(0), "line 72");
  assert.equal(error.stderr.at(-2), "line 120");
  assert.equal(error.stderr.at(-1), "no newline");
  assert.match(error.message, /exited with code 3 before it was ready\.\nLast lines of its stderr:\n {2}line 72\n/);
  assert.doesNotMatch(error.message, /line 71\n/);
});

test("stderr (and stdout after the ready line) is drained, however much the program writes", async (t) => {
  const dir = tempDir(t);
  const done = join(dir, "done");
  const ready = JSON.stringify({ base_url: "http://127.0.0.1:9", control_url: "http://127.0.0.1:9/__mock", pid: 1, accounts: [] });
  // 8 MB on each pipe, far beyond what a pipe holds: the writes only finish if they are read.
  const binary = fakeProgram(
    t,
    `echo '${ready}'; yes "noise on stderr" | head -c 8000000 >&2; yes "noise on stdout" | head -c 8000000; echo last line >&2; touch ${done}; exec sleep 30`,
  );
  const mock = await startMock({ binary });
  t.after(() => mock.stop());
  assert.ok(await eventually(() => existsSync(done), 20_000), "the program was blocked writing");
  assert.ok(await eventually(() => mock.stderr.at(-1) === "last line"));
  assert.equal(mock.stderr.length, 50);
  assert.equal(mock.stderr[0], "noise on stderr");
  assert.deepEqual(mock.accounts, []);
  assert.equal(mock.fullAccessKey, null);
});

test("a program that prints something else than the ready line", async (t) => {
  const binary = fakeProgram(t, 'echo "hello"; exec sleep 30');
  await assert.rejects(startMock({ binary }), /printed "hello" instead of its ready line/);
});

test("a program that never gets ready: killed after startTimeoutMs", async (t) => {
  const binary = fakeProgram(t, 'echo "pid $$" >&2; exec sleep 30');
  const started = Date.now();
  const error = await startMock({ binary, startTimeoutMs: 500 }).then(
    () => assert.fail("started"),
    (e) => e,
  );
  assert.ok(error instanceof StartTimeoutError, String(error));
  assert.equal(error.timeoutMs, 500);
  assert.ok(Date.now() - started < 5_000);
  assert.match(error.message, /did not say it was ready within 500 ms, so it was killed/);
  const pid = Number(/pid (\d+)/.exec(error.message)[1]);
  assert.equal(alive(pid), false);
  await assert.rejects(startMock({ startTimeoutMs: 0 }), TypeError);
});

test("stop() twice, and a control call after stop() says it was stopped", async () => {
  const mock = await startMock();
  const { pid } = mock;
  await mock.stop();
  assert.equal(mock.exited, true);
  assert.equal(alive(pid), false);
  const started = Date.now();
  await mock.stop();
  assert.ok(Date.now() - started < 1_000); // at once: nothing to wait for
  await assert.rejects(mock.control.accounts(), (e) => {
    assert.ok(e instanceof MockExitedError);
    assert.equal(e.stopped, true);
    assert.match(e.message, /was stopped \(stop\(\) was called\) before GET \/__mock\/accounts/);
    return true;
  });
});

test("stop() kills a program that ignores SIGTERM after 5 s", async (t) => {
  const ready = JSON.stringify({ base_url: "http://127.0.0.1:9", control_url: "http://127.0.0.1:9/__mock", pid: 1, accounts: [] });
  // An ignored signal stays ignored across exec: sleep ignores SIGTERM.
  const binary = fakeProgram(t, `trap "" TERM; echo '${ready}'; echo "pid $$" >&2; exec sleep 60`);
  const mock = await startMock({ binary });
  assert.ok(await eventually(() => mock.stderr.length > 0));
  const pid = Number(/pid (\d+)/.exec(mock.stderr[0])[1]);
  const started = Date.now();
  await mock.stop();
  const took = Date.now() - started;
  assert.ok(took >= 4_900 && took < 8_000, `stop() took ${took} ms`);
  assert.equal(alive(pid), false);
  await assert.rejects(mock.control.accounts(), (e) => e.signal === "SIGKILL" && e.stopped);
});

test("two stop() calls at once, and Symbol.asyncDispose", async () => {
  const mock = await startMock();
  await Promise.all([mock.stop(), mock.stop()]);
  assert.equal(alive(mock.pid), false);
  const other = await startMock();
  assert.equal(typeof other[Symbol.asyncDispose], "function");
  await other[Symbol.asyncDispose]();
  assert.equal(other.exited, true);
  assert.equal(alive(other.pid), false);
});

test("the server killed mid-test: the next control call says it exited, with its stderr", async () => {
  const mock = await startMock();
  const account = await mock.newAccount();
  process.kill(mock.pid, "SIGKILL");
  for (const call of [() => account.control.faults(), () => mock.control.accounts()]) {
    await assert.rejects(call(), (e) => {
      assert.ok(e instanceof MockExitedError, String(e));
      assert.equal(e.signal, "SIGKILL");
      assert.equal(e.exitCode, null);
      assert.equal(e.stopped, false);
      assert.match(e.message, new RegExp(`postproxy-mock \\(pid ${mock.pid}\\) was killed by SIGKILL before`));
      // The program's startup summary is on its stderr.
      assert.match(e.message, /Last lines of its stderr:\n[^]*postproxy-mock listening on http:\/\/127\.0\.0\.1/);
      return true;
    });
  }
  assert.equal(mock.exited, true);
  await mock.stop(); // Resolves: nothing left to stop.
});

test("the server ends with the Node process, which it does not keep alive", async () => {
  // A script that starts a mock and never stops it: Node must still exit, and the server with it.
  const script = `
    import { startMock } from "postproxy-mock";
    const mock = await startMock();
    console.log(mock.pid);
  `;
  const started = Date.now();
  // Run in this project, where "postproxy-mock" resolves to the installed package.
  const cwd = fileURLToPath(new URL(".", import.meta.url));
  const { stdout } = await run(process.execPath, ["--input-type=module", "-e", script], { cwd, timeout: 20_000 });
  assert.ok(Date.now() - started < 20_000);
  const pid = Number(stdout.trim());
  assert.ok(pid > 0);
  assert.ok(await eventually(() => !alive(pid)), `server ${pid} still running`);
});

test("the program named by POSTPROXY_MOCK_BINARY in env, or by binary", async (t) => {
  const binary = fakeProgram(t, 'echo "fake program" >&2; exit 9');
  await assert.rejects(startMock({ env: { POSTPROXY_MOCK_BINARY: binary } }), (e) => e.exitCode === 9 && /fake program/.test(e.message));
  await assert.rejects(startMock({ binary }), (e) => e.exitCode === 9);
  const missing = join(tempDir(t), "missing");
  await assert.rejects(startMock({ binary: missing }), (e) => {
    assert.ok(e instanceof BinaryError);
    assert.equal(e.code, "BINARY_MISSING");
    assert.match(e.message, new RegExp(`${missing} does not exist\\. Pass the path of the postproxy-mock program as binary`));
    return true;
  });
  const notExecutable = writeFile(tempDir(t), "postproxy-mock", "", 0o644);
  await assert.rejects(startMock({ binary: notExecutable }), (e) => e instanceof BinaryError && e.code === "BINARY_NOT_EXECUTABLE");
  // Executable, but the system cannot run it (its interpreter is missing).
  const unrunnable = writeFile(tempDir(t), "postproxy-mock", "#!/nonexistent/interpreter\n", 0o755);
  await assert.rejects(startMock({ binary: unrunnable }), (e) => {
    assert.ok(e instanceof MockExitedError);
    assert.equal(e.exitCode, null);
    assert.match(e.message, /^postproxy-mock could not be started \(spawn .* ENOENT\) before it was ready\./);
    return true;
  });
});
