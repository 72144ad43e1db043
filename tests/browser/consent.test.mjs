// The OAuth consent page in a real browser: headless Chromium (Debian's /usr/bin/chromium)
// driven by Playwright. Starts the mock binary on a free port, asks for a connect URL through
// the product API, clicks Authorize (and, for a second URL, Deny) and checks where the browser
// lands and what the API shows afterwards.
//
// Usage: node consent.test.mjs [path/to/postproxy-mock]   (default: ../../target/debug/postproxy-mock)

import { once } from "node:events";
import assert from "node:assert/strict";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { startMock, launchChromium } from "./mock.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const binary = process.argv[2] ?? path.join(here, "../../target/debug/postproxy-mock");
const KEY = "pp_demo_full_0123456789abcdef";

async function api(base, method, urlPath, body) {
  const response = await fetch(base + urlPath, {
    method,
    headers: { Authorization: `Bearer ${KEY}`, "Content-Type": "application/json" },
    body: body && JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

async function connectUrl(base, platform) {
  const { status, body } = await api(base, "POST", "/api/profile_groups/grp789ghi/initialize_connection", {
    platform,
    redirect_url: `${base}/__mock/connect/callback?state=abc`,
  });
  assert.equal(status, 200, JSON.stringify(body));
  return body.url;
}

const { child, base } = await startMock(binary);
let browser;
let failed = false;
try {
  browser = await launchChromium(chromium);
  const page = await browser.newPage();

  // Authorize: the profile is created and the browser lands on redirect_url with the outcome.
  await page.goto(await connectUrl(base, "facebook"));
  assert.equal(await page.textContent("h1"), "Connect your facebook account");
  assert.equal(await page.textContent("#group"), "Personal");
  await Promise.all([page.waitForURL(/\/__mock\/connect\/callback\?/), page.click("#authorize")]);
  const landed = new URL(page.url());
  assert.equal(landed.searchParams.get("state"), "abc");
  assert.equal(landed.searchParams.get("status"), "success");
  assert.equal(landed.searchParams.get("platform"), "facebook");
  const profileId = landed.searchParams.get("profile_id");
  assert.match(profileId, /^prof_/);
  assert.equal(await page.textContent("#outcome"), "Connected");
  const profile = await api(base, "GET", `/api/profiles/${profileId}`);
  assert.equal(profile.status, 200);
  assert.equal(profile.body.status, "active");
  assert.equal(profile.body.profile_group_id, "grp789ghi");
  const placements = await api(base, "GET", `/api/profiles/${profileId}/placements`);
  assert.equal(placements.body.data.length, 1, "a facebook page comes with the connection");

  // The link is single-use.
  const reused = await page.goBack().then(() => page.reload());
  assert.equal(reused.status(), 404);

  // Deny: no profile, and the browser lands with error=access_denied.
  await page.goto(await connectUrl(base, "youtube"));
  await Promise.all([page.waitForURL(/\/__mock\/connect\/callback\?/), page.click("#deny")]);
  const denied = new URL(page.url());
  assert.equal(denied.searchParams.get("error"), "access_denied");
  assert.equal(await page.textContent("#outcome"), "Not connected");
  const group = await api(base, "GET", "/api/profile_groups/grp789ghi");
  assert.equal(group.body.profiles_count, 3, "2 demo profiles + the authorized one");

  console.log("consent page: authorize and deny flows pass in headless Chromium");
} catch (error) {
  failed = true;
  console.error(error);
} finally {
  // The mock is stopped even when Chromium did not start.
  await browser?.close();
  child.kill("SIGTERM");
  await once(child, "exit");
}
process.exit(failed ? 1 : 0);
