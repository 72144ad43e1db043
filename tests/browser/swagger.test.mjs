// Swagger UI at /docs in a real browser: headless Chromium (Debian's /usr/bin/chromium) driven
// by Playwright. "Try it out" on the product spec and on the control API's spec must reach the
// mock that served the page, never https://api.postproxy.dev: every request the page makes is
// watched, and any that leaves the mock's origin fails the test.
//
// Usage: node swagger.test.mjs [path/to/postproxy-mock]   (default: ../../target/debug/postproxy-mock)

import assert from "node:assert/strict";
import { once } from "node:events";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { startMock, launchChromium } from "./mock.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const binary = process.argv[2] ?? path.join(here, "../../target/debug/postproxy-mock");
const KEY = "pp_demo_full_0123456789abcdef";

const { child, base } = await startMock(binary);
const origin = new URL(base).origin;
let browser;
let failed = false;
try {
  browser = await launchChromium(chromium);
  const context = await browser.newContext();
  // Nothing may leave the mock: requests elsewhere are recorded and refused.
  const elsewhere = [];
  await context.route("**/*", (route) => {
    const url = route.request().url();
    if (new URL(url).origin !== origin) {
      elsewhere.push(url);
      return route.abort();
    }
    return route.continue();
  });
  const page = await context.newPage();
  const apiCalls = [];
  page.on("response", (response) => {
    const url = new URL(response.url());
    if (url.pathname.startsWith("/api/") || url.pathname.startsWith("/__mock/accounts")) {
      apiCalls.push({ url: response.url(), status: response.status() });
    }
  });

  await page.goto(`${base}/docs/`);
  // The picker names the specs; the product API is the first.
  const picker = page.locator(".topbar select");
  await picker.waitFor();
  const names = await picker.locator("option").allTextContents();
  assert.deepEqual(names, ["Postproxy API (served by this mock)", "Mock control API (/__mock/)"]);
  await page.locator(".servers select").waitFor();
  const servers = await page.locator(".servers select option").allTextContents();
  assert.ok(servers.length === 1 && servers[0].startsWith("/"), `servers offered: ${servers}`);

  // Authorize with the demo key, then Try it out on GET /api/profile_groups.
  await page.click("button.authorize");
  await page.fill(".auth-container input", KEY);
  await page.click(".auth-btn-wrapper button.authorize");
  await page.click("button.btn-done");
  const operation = page.locator(".opblock-get:has(.opblock-summary-path[data-path='/api/profile_groups'])").first();
  await operation.locator(".opblock-summary").click();
  await operation.locator("button.try-out__btn").click();
  await operation.locator("button.execute").click();
  const status = operation.locator(".live-responses-table tr.response .response-col_status").first();
  await status.waitFor();
  assert.equal((await status.textContent()).trim(), "200");
  const listed = apiCalls.find((c) => new URL(c.url).pathname === "/api/profile_groups");
  assert.ok(listed, `no request reached the mock: ${JSON.stringify(apiCalls)}`);
  assert.equal(new URL(listed.url).origin, origin);
  assert.equal(listed.status, 200);

  // The control API's spec, picked by name: GET /__mock/accounts reaches the mock too.
  await picker.selectOption({ label: "Mock control API (/__mock/)" });
  const accounts = page.locator(".opblock-get:has(.opblock-summary-path[data-path='/__mock/accounts'])").first();
  await accounts.waitFor();
  await accounts.locator(".opblock-summary").click();
  await accounts.locator("button.try-out__btn").click();
  await accounts.locator("button.execute").click();
  const controlStatus = accounts.locator(".live-responses-table tr.response .response-col_status").first();
  await controlStatus.waitFor();
  assert.equal((await controlStatus.textContent()).trim(), "200");
  assert.ok(
    apiCalls.some((c) => c.url === `${origin}/__mock/accounts` && c.status === 200),
    JSON.stringify(apiCalls),
  );

  assert.deepEqual(elsewhere, [], "requests that left the mock");
  console.log("swagger ui: Try it out reaches the mock for the product and the control API");
} catch (error) {
  failed = true;
  console.error(error);
} finally {
  await browser?.close();
  child.kill("SIGTERM");
  await once(child, "exit");
}
process.exit(failed ? 1 : 0);
