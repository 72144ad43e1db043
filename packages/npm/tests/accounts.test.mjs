// newAccount: isolated accounts on one server; ControlError for refused control requests.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";

import { ControlError, startMock } from "postproxy-mock";
import { AuthenticationError, NotFoundError } from "postproxy-sdk";

import { sdk } from "./helpers.mjs";

let mock;
before(async () => {
  mock = await startMock();
});
after(() => mock.stop());

test("newAccount(): a copy of the first account as the server started, with keys of its own", async () => {
  const demo = sdk(mock, mock.fullAccessKey);
  await demo.profiles.delete("prof_li_001"); // a change to the demo account after the start
  try {
    const account = await mock.newAccount();
    assert.notEqual(account.id, "acct_demo");
    assert.match(account.fullAccessKey, /^pp_test_/);
    assert.deepEqual(Object.keys(account.scopedKeys), ["grp456def"]);
    const client = sdk(mock, account.fullAccessKey);
    assert.deepEqual(
      (await client.profileGroups.list()).data.map((g) => g.id),
      ["grp456xyz", "grp123abc", "grp456def", "grp789ghi"],
    );
    // Copied as the server started: the profile deleted from the demo account is there.
    assert.equal((await client.profiles.get("prof_li_001")).id, "prof_li_001");
    const scoped = sdk(mock, account.scopedKeys.grp456def);
    assert.deepEqual((await scoped.profileGroups.list()).data.map((g) => g.id), ["grp456def"]);
    // And what the copy does, the demo account does not see.
    await client.profiles.delete("prof123abc");
    assert.equal((await demo.profiles.get("prof123abc")).id, "prof123abc");
    await account.delete();
  } finally {
    await mock.control.resetAccount("acct_demo");
  }
});

test("newAccount({}): an empty account with one generated full-access key", async () => {
  const account = await mock.newAccount({});
  assert.match(account.id, /^acct_/);
  assert.equal(account.keys.length, 1);
  assert.match(account.fullAccessKey, /^pp_test_/);
  assert.deepEqual(account.keys[0], { key: account.fullAccessKey, key_id: account.keys[0].key_id, profile_group_id: null });
  assert.deepEqual(account.scopedKeys, {});
  assert.equal(account.control.accountId, account.id);
  const client = sdk(mock, account.fullAccessKey);
  assert.deepEqual((await client.profileGroups.list()).data, []);
  assert.deepEqual((await client.profiles.list()).data, []);
  await account.delete();
});

test("newAccount with a fixture: its keys, scoped keys by group", async () => {
  const account = await mock.newAccount({
    api_keys: [
      { key: "pp_acc_full" },
      { key: "pp_acc_a", profile_group_id: "grp_a" },
      { key: "pp_acc_a2", profile_group_id: "grp_a" },
      { key: "pp_acc_b", profile_group_id: "grp_b" },
    ],
    profile_groups: [
      { id: "grp_a", name: "A" },
      { id: "grp_b", name: "B" },
    ],
  });
  assert.equal(account.fullAccessKey, "pp_acc_full");
  assert.deepEqual(account.scopedKeys, { grp_a: "pp_acc_a", grp_b: "pp_acc_b" });
  assert.deepEqual((await sdk(mock, "pp_acc_b").profileGroups.list()).data.map((g) => g.id), ["grp_b"]);
  await account.delete();
});

test("two accounts never see each other's groups or profiles, even with the same ids", async () => {
  const fixture = (name) => ({
    profile_groups: [
      { id: "grp_same", name, profiles: [{ id: "prof_same", name: `@${name}`, platform: "twitter", status: "active" }] },
    ],
  });
  const one = await mock.newAccount(fixture("One"));
  const two = await mock.newAccount(fixture("Two"));
  const c1 = sdk(mock, one.fullAccessKey);
  const c2 = sdk(mock, two.fullAccessKey);
  assert.deepEqual((await c1.profileGroups.list()).data, [{ id: "grp_same", name: "One", profiles_count: 1 }]);
  assert.deepEqual((await c2.profileGroups.list()).data, [{ id: "grp_same", name: "Two", profiles_count: 1 }]);

  const created = await c1.profileGroups.create("Only in one");
  await assert.rejects(c2.profileGroups.get(created.id), NotFoundError);
  await c2.profiles.delete("prof_same");
  assert.equal((await c1.profiles.get("prof_same")).name, "@One");
  // Neither sees the demo account's data.
  await assert.rejects(c1.profileGroups.get("grp123abc"), NotFoundError);
  // Control changes stay in their account too.
  await one.control.addFault({ status: 500 });
  assert.equal((await c2.profileGroups.list()).data.length, 1);
  assert.deepEqual(await two.control.faults(), []);

  await one.delete();
  await assert.rejects(c1.profileGroups.list(), AuthenticationError);
  assert.equal((await c2.profileGroups.list()).data.length, 1);
  await two.delete();
  await assert.rejects(two.delete(), (e) => e instanceof ControlError && e.status === 404);
});

test("ControlError: 404 for an unknown account, with the server's message", async () => {
  const error = await mock.control.account("acct_nope").then(
    () => assert.fail("answered"),
    (e) => e,
  );
  assert.ok(error instanceof ControlError);
  assert.ok(error instanceof Error);
  assert.equal(error.name, "ControlError");
  assert.equal(error.status, 404);
  assert.equal(error.method, "GET");
  assert.equal(error.path, "/__mock/accounts/acct_nope");
  assert.equal(error.serverMessage, 'No account "acct_nope"');
  assert.deepEqual(error.body, { error: 'No account "acct_nope"' });
  assert.equal(error.message, 'control API answered 404 to GET /__mock/accounts/acct_nope: No account "acct_nope"');
});

test("ControlError: an invalid fixture names the field path (400 a wrong type, 422 a broken rule)", async () => {
  const invalid = {
    profile_groups: [
      { id: "grp_1", name: "One", profiles: [{ id: "p", name: "n", platform: "twitter", status: "sleeping" }] },
    ],
  };
  await assert.rejects(mock.newAccount(invalid), (e) => {
    assert.ok(e instanceof ControlError);
    assert.equal(e.status, 400);
    assert.equal(e.method, "POST");
    assert.equal(e.path, "/__mock/accounts");
    assert.match(e.serverMessage, /at profile_groups\[0\]\.profiles\[0\]\.status: unknown variant `sleeping`/);
    assert.match(e.message, /profile_groups\[0\]\.profiles\[0\]\.status/);
    return true;
  });
  await assert.rejects(
    mock.control.createAccount({ profile_groups: [{ id: "grp_1", name: " " }] }),
    (e) => e.status === 422 && /at profile_groups\[0\]\.name: must not be blank/.test(e.serverMessage),
  );
  await assert.rejects(
    mock.control.createAccount({ api_keys: [{ profile_group_id: "grp_missing" }] }),
    (e) => e.status === 422 && /api_keys\[0\]\.profile_group_id/.test(e.message),
  );
});

test("ControlError: 409 for a taken id or key, 422 for a bad fault", async () => {
  const account = await mock.newAccount({ api_keys: [{ key: "pp_taken_key" }] });
  await assert.rejects(mock.newAccount({ id: account.id }), (e) => e instanceof ControlError && e.status === 409);
  await assert.rejects(mock.newAccount({ api_keys: [{ key: "pp_taken_key" }] }), (e) => e.status === 409);
  await assert.rejects(account.control.addFault({ status: 200 }), (e) => {
    assert.equal(e.status, 422);
    assert.equal(e.serverMessage, "status must be 400–599, not 200");
    return true;
  });
  await assert.rejects(account.control.addGroup({ name: "x", colour: "red" }), (e) => e.status === 422 || e.status === 400);
  await account.delete();
});

test("ids with characters that need escaping reach the server intact", async () => {
  const account = await mock.newAccount({ profile_groups: [{ id: "grp/with space", name: "Odd" }] });
  const renamed = await account.control.renameGroup("grp/with space", "Still odd");
  assert.deepEqual(renamed, { id: "grp/with space", name: "Still odd", profiles_count: 0 });
  await account.delete();
});
