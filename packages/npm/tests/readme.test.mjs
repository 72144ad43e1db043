import assert from "node:assert/strict";
import { after, before, test } from "node:test";

import { startMock } from "postproxy-mock";
import { PostProxy } from "postproxy-sdk";

let mock;
before(async () => {
  mock = await startMock(); // the built-in demo data; or startMock({ fixtures, seed })
});
after(() => mock.stop());

test("the demo account, with its full-access and its scoped key", async () => {
  const full = new PostProxy(mock.fullAccessKey, { baseUrl: mock.baseUrl });
  const scoped = new PostProxy(mock.scopedKey, { baseUrl: mock.baseUrl });
  const groups = await full.profileGroups.list();
  assert.ok(groups.data.some((g) => g.name === "Main Brand"));
  const mine = await scoped.profileGroups.list();
  assert.deepEqual(mine.data.map((g) => g.name), ["Client Project"]);
});

test("a fresh account per test: its own data, faults and journal", async () => {
  const account = await mock.newAccount({
    profile_groups: [{ id: "grp_a", name: "Suite A" }],
  });
  const client = new PostProxy(account.fullAccessKey, { baseUrl: mock.baseUrl });
  const groups = await client.profileGroups.list();
  assert.deepEqual(groups.data, [{ id: "grp_a", name: "Suite A", profiles_count: 0 }]);

  await account.control.addFault({ path: "/api/profile_groups", status: 503 });
  await assert.rejects(client.profileGroups.list(), { statusCode: 503 });

  const journal = await account.control.journal({ path: "/api/profile_groups" });
  assert.deepEqual(journal.entries.map((e) => e.status), [200, 503]);
  await account.delete();
});
