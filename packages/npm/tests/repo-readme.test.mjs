import assert from "node:assert/strict";
import { after, before, test } from "node:test";

import { startMock } from "postproxy-mock";
import { PostProxy } from "postproxy-sdk";

let mock;
before(async () => (mock = await startMock()));
after(() => mock.stop());

test("lists the groups of a fresh copy of the demo account", async () => {
  const account = await mock.newAccount();
  const client = new PostProxy(account.fullAccessKey, { baseUrl: mock.baseUrl });
  const groups = await client.profileGroups.list();
  assert.deepEqual(groups.data.map((g) => g.id), ["grp456xyz", "grp123abc", "grp456def", "grp789ghi"]);
});
