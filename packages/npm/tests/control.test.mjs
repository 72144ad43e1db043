// Every control operation at least once, each checked through the product API with the
// official SDK. One server for the file; each test makes its own account (resetAll, which
// touches the whole server, gets a server of its own).
import assert from "node:assert/strict";
import { after, before, test } from "node:test";

import { ControlError, startMock } from "postproxy-mock";
import { AuthenticationError, NotFoundError, PostProxyError } from "postproxy-sdk";

import { sdk, stats } from "./helpers.mjs";

let mock;
before(async () => {
  mock = await startMock();
});
after(() => mock.stop());

/** A fresh account with one group and its SDK client. */
async function fresh(fixture = { profile_groups: [{ id: "grp_1", name: "One" }] }) {
  const account = await mock.newAccount(fixture);
  return { account, control: account.control, client: sdk(mock, account.fullAccessKey) };
}

const youtube = (id, extra = {}) => ({ id, name: `@${id}`, platform: "youtube", status: "active", ...extra });

test("resetAll: the whole server as it started", async (t) => {
  const own = await startMock();
  t.after(() => own.stop());
  const demo = sdk(own, own.fullAccessKey);
  await demo.profiles.delete("prof123abc");
  const account = await own.newAccount();
  await own.control.resetAll();
  assert.deepEqual((await own.control.accounts()).map((a) => a.id), ["acct_demo"]);
  assert.equal((await demo.profiles.get("prof123abc")).id, "prof123abc");
  await assert.rejects(sdk(own, account.fullAccessKey).profileGroups.list(), AuthenticationError);
});

test("accounts, createAccount and account: ids, keys, sizes and clock", async () => {
  const info = await mock.control.createAccount({
    profile_groups: [{ id: "grp_1", name: "One", profiles: [youtube("prof_1"), youtube("prof_2")] }],
  });
  assert.match(info.id, /^acct_/);
  assert.equal(info.api_keys.length, 1);
  assert.equal(info.api_keys[0].profile_group_id, null);
  assert.equal(info.profile_groups, 1);
  assert.equal(info.profiles, 2);
  assert.equal(info.clock.frozen, false);
  assert.ok(!Number.isNaN(Date.parse(info.clock.now)));
  assert.deepEqual(await mock.control.account(info.id), info);
  const ids = (await mock.control.accounts()).map((a) => a.id);
  assert.ok(ids.includes("acct_demo") && ids.includes(info.id));
  const client = sdk(mock, info.api_keys[0].key);
  assert.deepEqual((await client.profiles.list()).data.map((p) => p.id), ["prof_1", "prof_2"]);
  await mock.control.deleteAccount(info.id);
});

test("deleteAccount: its keys stop working at once", async () => {
  const { account, client } = await fresh();
  await client.profileGroups.list();
  await mock.control.deleteAccount(account.id);
  await assert.rejects(client.profileGroups.list(), AuthenticationError);
  await assert.rejects(mock.control.account(account.id), (e) => e instanceof ControlError && e.status === 404);
});

test("resetAccount: the account as it was created", async () => {
  const { account, control, client } = await fresh();
  await client.profileGroups.create("Made by the test");
  assert.equal((await client.profileGroups.list()).data.length, 2);
  const info = await control.resetAccount();
  assert.equal(info.profile_groups, 1);
  assert.deepEqual((await client.profileGroups.list()).data.map((g) => g.id), ["grp_1"]);
  assert.equal(info.id, account.id);
});

test("exportFixture and importFixture: round trip, and a refused import changes nothing", async () => {
  const { control, client } = await fresh({
    api_keys: [{ key: "pp_export_full" }, { key: "pp_export_scoped", profile_group_id: "grp_1" }],
    profile_groups: [{ id: "grp_1", name: "One", profiles: [youtube("prof_1", { post_count: 4 })] }],
  });
  const exported = await control.exportFixture();
  assert.deepEqual(exported.api_keys, [
    { key: "pp_export_full" },
    { key: "pp_export_scoped", profile_group_id: "grp_1" },
  ]);
  assert.deepEqual(exported.profile_groups[0].profiles[0], {
    ...youtube("prof_1", { post_count: 4 }),
    expires_at: null,
    avatar_url: null,
    placements: [],
    stats: [],
  });
  exported.profile_groups[0].name = "Imported";
  exported.profile_groups.push({ id: "grp_2", name: "Two", profiles: [] });
  const info = await control.importFixture(exported);
  assert.equal(info.profile_groups, 2);
  assert.deepEqual((await client.profileGroups.list()).data.map((g) => g.name), ["Imported", "Two"]);

  const broken = structuredClone(exported);
  broken.profile_groups[1].profiles.push({ ...youtube("prof_1") }); // a duplicate profile id
  await assert.rejects(control.importFixture(broken), (e) => {
    assert.ok(e instanceof ControlError);
    assert.equal(e.status, 422);
    assert.match(e.serverMessage, /profile_groups\[1\]\.profiles\[0\]\.id/);
    return true;
  });
  assert.deepEqual((await client.profileGroups.list()).data.map((g) => g.name), ["Imported", "Two"]);
});

test("addGroup and renameGroup", async () => {
  const { control, client } = await fresh({});
  const group = await control.addGroup({ name: "Injected" });
  assert.deepEqual(group, { id: group.id, name: "Injected", profiles_count: 0 });
  const withId = await control.addGroup({ id: "grp_given", name: "Given" });
  assert.equal(withId.id, "grp_given");
  const renamed = await control.renameGroup("grp_given", "Renamed");
  assert.equal(renamed.name, "Renamed");
  assert.deepEqual(await client.profileGroups.get("grp_given"), { id: "grp_given", name: "Renamed", profiles_count: 0 });
});

test("addProfile and patchProfile", async () => {
  const { control, client } = await fresh();
  const profile = await control.addProfile("grp_1", youtube("prof_yt", { expires_at: "2030-01-01T00:00:00Z" }));
  assert.deepEqual(profile, {
    id: "prof_yt",
    name: "@prof_yt",
    platform: "youtube",
    status: "active",
    profile_group_id: "grp_1",
    expires_at: "2030-01-01T00:00:00Z",
    post_count: 0,
    avatar_url: null,
  });
  const patched = await control.patchProfile("prof_yt", { status: "expired", post_count: 9, expires_at: null });
  assert.equal(patched.status, "expired");
  const seen = await client.profiles.get("prof_yt");
  assert.equal(seen.status, "expired");
  assert.equal(seen.post_count, 9);
  assert.equal(seen.expires_at, null);
});

test("addPlacement: a new Telegram channel", async () => {
  const { control, client } = await fresh();
  await control.addProfile("grp_1", { id: "prof_tg", name: "Bot", platform: "telegram", status: "active" });
  const all = await control.addPlacement("prof_tg", { id: "-100555", name: "New channel" });
  assert.deepEqual(all, [{ id: "-100555", name: "New channel" }]);
  assert.deepEqual((await client.profiles.placements("prof_tg")).data, all);
});

test("addSnapshot: served by the stats endpoint", async () => {
  const { control, client } = await fresh();
  await control.addProfile("grp_1", youtube("prof_yt"));
  await control.addSnapshot("prof_yt", { stats: { subscriberCount: 15400 }, recorded_at: "2026-05-12T08:00:00Z" });
  const series = await stats(client, "prof_yt");
  assert.deepEqual(series.data.records, [{ stats: { subscriberCount: 15400 }, recorded_at: "2026-05-12T08:00:00Z" }]);
});

test("clock, setClock and advanceClock: polling and expiry follow", async () => {
  const { control, client } = await fresh();
  assert.equal((await control.clock()).frozen, false);
  const set = await control.setClock({ now: "2026-06-30T12:00:00Z", frozen: true });
  assert.deepEqual(set.clock, { now: "2026-06-30T12:00:00Z", frozen: true });
  await control.addProfile("grp_1", youtube("prof_short", { expires_at: "2026-07-01T00:00:00Z" }));
  await control.addProfile("grp_1", youtube("prof_long"));
  assert.deepEqual(await control.clock(), { now: "2026-06-30T12:00:00Z", frozen: true });

  const moved = await control.advanceClock({ days: 1, hours: 1 });
  assert.deepEqual(moved.clock, { now: "2026-07-01T13:00:00Z", frozen: true });
  assert.equal(moved.effects.profiles_expired, 1);
  assert.ok(moved.effects.snapshots_recorded >= 1, JSON.stringify(moved.effects));
  assert.equal((await client.profiles.get("prof_short")).status, "expired");
  assert.equal((await client.profiles.get("prof_long")).status, "active");
  const polled = (await stats(client, "prof_long")).data.records.length;
  const polledShort = (await stats(client, "prof_short")).data.records.length;
  assert.equal(polled + polledShort, moved.effects.snapshots_recorded);
  assert.ok(polled >= 1);

  await assert.rejects(control.advanceClock({ days: -1 }), (e) => e instanceof ControlError && e.status === 422);
  await assert.rejects(control.setClock({ now: "tomorrow" }), /now: expected an RFC 3339 timestamp/);
});

test("faults, addFault and removeFault: the SDK sees the status until removed", async () => {
  const { control, client } = await fresh();
  const fault = await control.addFault({ method: "GET", path: "/api/profile_groups", status: 503, times: 5, error: "Down for a test" });
  assert.deepEqual(fault, {
    id: fault.id,
    method: "GET",
    path: "/api/profile_groups",
    times: 5,
    status: 503,
    error: "Down for a test",
    retry_after: null,
    latency_ms: null,
    drop_connection: false,
    remaining: 5,
  });
  await assert.rejects(client.profileGroups.list(), (e) => {
    assert.ok(e instanceof PostProxyError);
    assert.equal(e.statusCode, 503);
    assert.equal(e.message, "Down for a test");
    return true;
  });
  assert.equal((await control.faults())[0].remaining, 4);
  // Other paths are not faulted.
  await client.profiles.list();
  await control.removeFault(fault.id);
  assert.deepEqual(await control.faults(), []);
  assert.equal((await client.profileGroups.list()).data.length, 1);
  await assert.rejects(control.removeFault(fault.id), (e) => e instanceof ControlError && e.status === 404);
});

test("clearFaults: every fault disarmed", async () => {
  const { control, client } = await fresh();
  await control.addFault({ path: "/api/**", status: 429, retry_after: 2 });
  await control.addFault({ latency_ms: 10, times: 3 });
  assert.equal((await control.faults()).length, 2);
  await control.clearFaults();
  assert.deepEqual(await control.faults(), []);
  await client.profileGroups.list();
});

test("journal and clearJournal: what the SDK asked, filtered", async () => {
  const { control, client, account } = await fresh();
  await client.profileGroups.list();
  await client.profileGroups.get("grp_1");
  await assert.rejects(client.profileGroups.get("grp_nope"), NotFoundError);
  const page = await control.journal();
  assert.deepEqual(
    page.entries.map((e) => [e.method, e.path, e.status]),
    [
      ["GET", "/api/profile_groups", 200],
      ["GET", "/api/profile_groups/grp_1", 200],
      ["GET", "/api/profile_groups/grp_nope", 404],
    ],
  );
  assert.equal(page.cap, 1000);
  assert.equal(page.dropped, 0);
  assert.equal(page.record_bodies, false);
  assert.deepEqual(page.entries.map((e) => e.seq), [1, 2, 3]);
  assert.ok(page.entries.every((e) => e.key_id === account.keys[0].key_id && e.body === null));
  assert.equal((await control.journal({ status: 404 })).entries.length, 1);
  assert.equal((await control.journal({ path: "/api/profile_groups/*" })).entries.length, 2);
  assert.deepEqual((await control.journal({ after: 2 })).entries.map((e) => e.seq), [3]);
  assert.equal((await mock.control.journal(account.id, { method: "delete" })).entries.length, 0);
  await control.clearJournal();
  assert.deepEqual((await control.journal()).entries, []);
});

test("recordBodies: the journal keeps request bodies", async () => {
  const { control, client } = await fresh();
  await control.recordBodies(true);
  await client.profileGroups.create("With a body");
  const [entry] = (await control.journal({ method: "POST" })).entries;
  assert.equal(entry.status, 201);
  assert.deepEqual(JSON.parse(entry.body), { profile_group: { name: "With a body" } });
  assert.equal((await control.journal()).record_bodies, true);
  await control.recordBodies(false);
  await client.profileGroups.create("Without");
  assert.equal((await control.journal({ method: "POST" })).entries[1].body, null);
});

test("connections, authorizeConnection and denyConnection: the OAuth flow without a browser", async () => {
  const { control, client } = await fresh();
  const started = await client.profileGroups.initializeConnection("grp_1", "instagram", "https://app.example/cb");
  assert.equal(started.success, true);
  const [pending] = await control.connections();
  assert.equal(pending.profile_group_id, "grp_1");
  assert.equal(pending.platform, "instagram");
  assert.equal(pending.redirect_url, "https://app.example/cb");
  assert.ok(started.url.includes(pending.token));
  const outcome = await control.authorizeConnection(pending.token);
  assert.match(outcome.redirect_to, /^https:\/\/app\.example\/cb\?status=success&profile_id=/);
  assert.equal(outcome.profile.platform, "instagram");
  assert.deepEqual((await client.profiles.list({ profileGroupId: "grp_1" })).data, [outcome.profile]);
  assert.deepEqual(await control.connections(), []);

  await client.profileGroups.initializeConnection("grp_1", "tiktok", "https://app.example/cb");
  const [second] = await control.connections();
  const denied = await control.denyConnection(second.token);
  assert.match(denied.redirect_to, /error=access_denied/);
  assert.equal(denied.profile, null);
  assert.equal((await client.profiles.list()).data.length, 1);
  await assert.rejects(control.authorizeConnection(second.token), (e) => e instanceof ControlError && e.status >= 400);
});

test("the bound control is the unbound one with the account id filled in", async () => {
  const { account } = await fresh();
  const unbound = Object.getOwnPropertyNames(Object.getPrototypeOf(mock.control)).filter((n) => n !== "constructor");
  assert.deepEqual(unbound.sort(), [
    "account",
    "accounts",
    "addFault",
    "addGroup",
    "addPlacement",
    "addProfile",
    "addSnapshot",
    "advanceClock",
    "authorizeConnection",
    "clearFaults",
    "clearJournal",
    "clock",
    "connections",
    "createAccount",
    "deleteAccount",
    "denyConnection",
    "exportFixture",
    "faults",
    "importFixture",
    "journal",
    "patchProfile",
    "recordBodies",
    "removeFault",
    "renameGroup",
    "resetAccount",
    "resetAll",
    "setClock",
  ]);
  const serverWide = ["accounts", "createAccount", "resetAll"];
  for (const name of unbound) {
    assert.equal(typeof account.control[name], serverWide.includes(name) ? "undefined" : "function", name);
  }
  assert.deepEqual(await account.control.account(), await mock.control.account(account.id));
  assert.deepEqual(await account.control.exportFixture(), await mock.control.exportFixture(account.id));
});
