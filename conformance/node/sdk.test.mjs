// The official Node SDK (postproxy-sdk 1.6.1, npm) against the mock server.
//
// Run by conformance/run.sh, which starts the mock and sets POSTPROXY_BASE_URL; or by hand:
//   POSTPROXY_BASE_URL=http://127.0.0.1:8080 node --test conformance/node/sdk.test.mjs
// Every one of the ten operations (1.6.1 has no stats method, so stats goes through the SDK's
// public `request`, as its README suggests for other endpoints), the documented errors as the
// SDK's own error classes, and both demo keys. The tests run in file order (node:test runs
// top-level tests one after another) on freshly reset demo data.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";

import {
  AuthenticationError,
  BadRequestError,
  NotFoundError,
  PostProxy,
  PostProxyError,
  ValidationError,
} from "postproxy-sdk";

const BASE_URL = process.env.POSTPROXY_BASE_URL ?? "http://127.0.0.1:8080";
const FULL = "pp_demo_full_0123456789abcdef";
const SCOPED = "pp_demo_scoped_0123456789abcdef";

const client = (key, options = {}) => new PostProxy(key, { baseUrl: BASE_URL, ...options });
const full = client(FULL);
const scoped = client(SCOPED);

async function rejects(promise, ErrorClass, message) {
  await assert.rejects(promise, (error) => {
    assert.ok(error instanceof ErrorClass, `expected ${ErrorClass.name}, got ${error}`);
    assert.ok(error instanceof PostProxyError);
    if (message !== undefined) assert.equal(error.message, message);
    return true;
  });
}

const stats = (c, id, params) => c.request("GET", `/profiles/${id}/stats`, { params });

test("the SDK is the pinned version", () => {
  const pkg = JSON.parse(
    readFileSync(new URL("./node_modules/postproxy-sdk/package.json", import.meta.url)),
  );
  assert.equal(pkg.version, "1.6.1");
});

test("list profiles across groups and by group", async () => {
  const every = await full.profiles.list();
  assert.equal(every.data.length, 15);
  assert.deepEqual(
    every.data.find((p) => p.id === "prof123abc"),
    {
      id: "prof123abc",
      name: "My Company Page",
      platform: "facebook",
      status: "active",
      profile_group_id: "grp456xyz",
      expires_at: null,
      post_count: 42,
      avatar_url: "https://cdn.postproxy.dev/uploads/avatar_prof123abc.jpg",
    },
  );
  const acme = await full.profiles.list({ profileGroupId: "grp456xyz" });
  assert.equal(acme.data.length, 5);
  assert.ok(acme.data.every((p) => p.profile_group_id === "grp456xyz"));
});

test("get a profile with its latest stats (passed through by the SDK)", async () => {
  const profile = await full.profiles.get("prof_li_001");
  assert.equal(profile.platform, "linkedin");
  assert.equal(profile.latest_stats.length, 2);
  assert.equal(profile.summary_stats.stats.followerCount, 5767);
});

test("placements, including the LinkedIn personal profile's null id", async () => {
  const li = await full.profiles.placements("prof_li_001");
  assert.deepEqual(li.data[0], { id: null, name: "Personal Profile" });
  const fb = await full.profiles.placements("prof_fb_001");
  assert.deepEqual(fb.data.map((p) => p.id), ["200000000000001", "200000000000002"]);
  await rejects(
    full.profiles.placements("prof654jkl"),
    ValidationError,
    "Placements are not available for twitter profiles; they are available for facebook, linkedin, pinterest, telegram and google_business profiles",
  );
});

test("stats through the SDK's request: window, placement and errors", async () => {
  const window = await stats(full, "prof_li_001", {
    placement_id: "108520199",
    from: "2026-05-09T08:00:00Z",
    to: "2026-05-10T08:00:00Z",
  });
  assert.equal(window.data.placement_id, "108520199");
  assert.deepEqual(window.data.records.map((r) => r.recorded_at), [
    "2026-05-09T08:00:00Z",
    "2026-05-10T08:00:00Z",
  ]);
  const twitter = await stats(full, "prof654jkl");
  assert.equal(twitter.data.placement_id, null);
  await rejects(stats(full, "prof_li_001"), BadRequestError, "placement_id is required for linkedin profiles");
  await rejects(stats(full, "prof654jkl", { from: "yesterday" }), BadRequestError);
  await rejects(stats(full, "prof_li_001", { placement_id: "999" }), NotFoundError, "Placement not found");
});

test("unknown profile is NotFoundError for every profile operation", async () => {
  for (const call of [
    () => full.profiles.get("prof_nope"),
    () => full.profiles.placements("prof_nope"),
    () => stats(full, "prof_nope"),
    () => full.profiles.delete("prof_nope"),
    () => full.profiles.get("prof_li_001", { profileGroupId: "grp123abc" }),
  ]) {
    await rejects(call(), NotFoundError, "Not found");
  }
});

test("delete a profile: success, then gone, and the count drops", async () => {
  const before = (await full.profileGroups.get("grp789ghi")).profiles_count;
  assert.deepEqual(await full.profiles.delete("prof_ig_001"), { success: true });
  assert.equal((await full.profileGroups.get("grp789ghi")).profiles_count, before - 1);
  await rejects(full.profiles.get("prof_ig_001"), NotFoundError);
});

test("list and get groups", async () => {
  const groups = await full.profileGroups.list();
  const main = groups.data.find((g) => g.id === "grp123abc");
  assert.deepEqual(main, { id: "grp123abc", name: "Main Brand", profiles_count: 5 });
  assert.deepEqual(await full.profileGroups.get("grp456def"), {
    id: "grp456def",
    name: "Client Project",
    profiles_count: 3,
  });
  await rejects(full.profileGroups.get("grp_nope"), NotFoundError, "Not found");
});

test("create, connect and delete a group", async () => {
  const created = await full.profileGroups.create("Node SDK group");
  assert.equal(created.name, "Node SDK group");
  assert.equal(created.profiles_count, 0);
  assert.deepEqual(await full.profileGroups.get(created.id), created);
  const connection = await full.profileGroups.initializeConnection(
    created.id,
    "tiktok",
    "https://app.example/cb",
  );
  assert.equal(connection.success, true);
  assert.ok(connection.url.startsWith(`${BASE_URL}/connect/`), connection.url);
  assert.deepEqual(await full.profileGroups.delete(created.id), { deleted: true });
  await rejects(full.profileGroups.get(created.id), NotFoundError);
  await rejects(full.profileGroups.delete(created.id), NotFoundError);
});

test("group validation errors", async () => {
  await rejects(full.profileGroups.create(""), ValidationError, "Name can't be blank");
  // The SDK drops an undefined redirectUrl from the body.
  await rejects(full.profileGroups.initializeConnection("grp123abc", "instagram"), ValidationError, "Missing redirect_url");
  await rejects(
    full.profileGroups.initializeConnection("grp123abc", "threads", "https://app.example/cb"),
    ValidationError,
    "Platform already connected",
  );
  // telegram connects with a bot token (the SDK's source from 1.8 on: connectTelegram), which
  // 1.6.1's initializeConnection cannot send: a redirect_url does not stand in for it.
  await rejects(
    full.profileGroups.initializeConnection("grp123abc", "telegram", "https://app.example/cb"),
    ValidationError,
    "Missing bot_token",
  );
  await rejects(
    full.profileGroups.initializeConnection("grp123abc", "pinterest", "https://app.example/cb"),
    ValidationError,
    "Unsupported platform: pinterest. Supported platforms: facebook, instagram, tiktok, linkedin, youtube, twitter, threads, bluesky, telegram",
  );
  await rejects(
    full.profileGroups.initializeConnection("grp_nope", "instagram", "https://app.example/cb"),
    NotFoundError,
  );
});

test("an unknown key is AuthenticationError for all ten operations", async () => {
  const wrong = client("pp_wrong_key");
  for (const call of [
    () => wrong.profiles.list(),
    () => wrong.profiles.get("prof123abc"),
    () => wrong.profiles.placements("prof123abc"),
    () => stats(wrong, "prof654jkl"),
    () => wrong.profiles.delete("prof123abc"),
    () => wrong.profileGroups.list(),
    () => wrong.profileGroups.get("grp123abc"),
    () => wrong.profileGroups.create("X"),
    () => wrong.profileGroups.delete("grp123abc"),
    () => wrong.profileGroups.initializeConnection("grp123abc", "instagram", "https://app.example/cb"),
  ]) {
    await rejects(call(), AuthenticationError, "Invalid API key");
  }
});

test("scoped key sees only its group", async () => {
  assert.deepEqual((await scoped.profileGroups.list()).data.map((g) => g.id), ["grp456def"]);
  const profiles = await scoped.profiles.list();
  assert.equal(profiles.data.length, 3);
  assert.ok(profiles.data.every((p) => p.profile_group_id === "grp456def"));
  const fb = await stats(scoped, "prof_fb_001", { placement_id: "200000000000001" });
  assert.ok(fb.data.records.length > 0);
  assert.equal((await scoped.profiles.get("prof_tg_001")).platform, "telegram");
});

test("scoped key: NotFoundError outside its group, ValidationError for group changes", async () => {
  await rejects(scoped.profileGroups.get("grp123abc"), NotFoundError, "Not found");
  await rejects(scoped.profiles.get("prof123abc"), NotFoundError, "Not found");
  await rejects(scoped.profiles.list({ profileGroupId: "grp123abc" }), NotFoundError);
  await rejects(scoped.profileGroups.create("Nope"), ValidationError, "Your API key has no such permission");
  await rejects(scoped.profileGroups.delete("grp456def"), ValidationError, "Your API key has no such permission");
});

test("scoped key connects and deletes in its own group", async () => {
  const connection = await scoped.profileGroups.initializeConnection(
    "grp456def",
    "instagram",
    "https://app.example/cb",
  );
  assert.equal(connection.success, true);
  assert.deepEqual(await scoped.profiles.delete("prof_tg_001"), { success: true });
});

test("a client default profileGroupId is sent everywhere and ignored on groups", async () => {
  const defaulted = client(FULL, { profileGroupId: "grp456def" });
  assert.equal((await defaulted.profileGroups.list()).data.length, 4);
  assert.equal((await defaulted.profileGroups.get("grp123abc")).id, "grp123abc");
  const profiles = await defaulted.profiles.list();
  assert.ok(profiles.data.every((p) => p.profile_group_id === "grp456def"));
});

// The SDK's source (1.10) connects bluesky and telegram with credentials: connectBluesky posts
// {platform, identifier, app_password}, connectTelegram {platform, bot_token}, and both parse
// {success, profile: {id, network, name, external_username}} (telegram: plus next_step). 1.6.1
// has neither method; its public request() sends the same bodies through the SDK's own HTTP
// code (crates/postproxy-mock-server/tests/node_sdk_connections.rs replicates 1.10 byte for
// byte, User-Agent included).
test("credential connections: the bodies of connectBluesky and connectTelegram", async () => {
  const group = await full.profileGroups.create("Node SDK credentials");
  const connect = (json) =>
    full.request("POST", `/profile_groups/${group.id}/initialize_connection`, { json });
  const bsky = await connect({
    platform: "bluesky",
    identifier: "jane.bsky.social",
    app_password: "xxxx-xxxx-xxxx-xxxx",
  });
  assert.equal(bsky.success, true);
  assert.deepEqual(Object.keys(bsky.profile).sort(), ["external_username", "id", "name", "network"]);
  assert.equal(bsky.profile.network, "bluesky");
  assert.equal(bsky.profile.external_username, "jane.bsky.social");
  assert.equal((await full.profiles.get(bsky.profile.id)).profile_group_id, group.id);

  const tg = await connect({ platform: "telegram", bot_token: "123:ABC" });
  assert.equal(tg.success, true);
  assert.equal(tg.profile.network, "telegram");
  assert.ok(tg.next_step.includes("admin"), tg.next_step);
  // No channels until the bot is made an administrator of one (on the mock: injected).
  assert.deepEqual(await full.profiles.placements(tg.profile.id), { data: [] });

  await rejects(connect({ platform: "telegram", bot_token: "123:ABC" }), ValidationError, "Platform already connected");
  await rejects(connect({ platform: "bluesky", identifier: "jane.bsky.social" }), ValidationError, "Missing app_password");
  assert.deepEqual(await full.profileGroups.delete(group.id), { deleted: true });
});
