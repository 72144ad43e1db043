// Shared by the tests (not a test file): SDK clients, temporary files and fake programs.
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { PostProxy } from "postproxy-sdk";

/** The official Node SDK against the mock, with `key`. */
export function sdk(mock, key) {
  return new PostProxy(key, { baseUrl: mock.baseUrl });
}

/** GET /api/profiles/{id}/stats through the SDK's public request (1.6.1 has no stats method). */
export function stats(client, profileId, params) {
  return client.request("GET", `/profiles/${profileId}/stats`, { params });
}

/** A temporary directory, removed when the test ends. */
export function tempDir(t) {
  const dir = mkdtempSync(join(tmpdir(), "postproxy-mock-test-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Writes a file (mode 0o755 for a script) into `dir` and returns its path. */
export function writeFile(dir, name, text, mode = 0o644) {
  const path = join(dir, name);
  writeFileSync(path, text);
  chmodSync(path, mode);
  return path;
}

/** A fake postproxy-mock: a shell script with `body`, executable. */
export function fakeProgram(t, body) {
  return writeFile(tempDir(t), "postproxy-mock", `#!/bin/sh\n${body}\n`, 0o755);
}

/** Whether a process with this pid exists. */
export function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Waits until `check()` is true, up to `ms`. */
export async function eventually(check, ms = 5_000) {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) return false;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return true;
}

/** A minimal valid fixtures document with one account, one group and its two keys. */
export function smallFixtures(suffix = "") {
  return {
    accounts: [
      {
        id: `acct_small${suffix}`,
        api_keys: [
          { key: `pp_small_full${suffix}` },
          { key: `pp_small_scoped${suffix}`, profile_group_id: "grp_small" },
        ],
        profile_groups: [
          {
            id: "grp_small",
            name: "Small",
            profiles: [{ id: "prof_small", name: "@small", platform: "bluesky", status: "active" }],
          },
          { id: "grp_other", name: "Other" },
        ],
      },
    ],
  };
}
