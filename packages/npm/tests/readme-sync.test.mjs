// The installed README's example is readme.test.mjs, which node --test runs: what the README
// shows works as written.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { test } from "node:test";

const root = dirname(createRequire(import.meta.url).resolve("postproxy-mock/package.json"));

test("the README's example is readme.test.mjs, verbatim", () => {
  const readme = readFileSync(join(root, "README.md"), "utf8");
  const marker = "<!-- example: readme.test.mjs";
  const start = readme.indexOf(marker);
  assert.ok(start >= 0, "the README has no example marker");
  const block = /```js\n([^]*?)```/.exec(readme.slice(start));
  assert.ok(block, "no js block after the marker");
  const example = readFileSync(new URL("./readme.test.mjs", import.meta.url), "utf8");
  assert.equal(block[1], example);
});

test("the README names every control method", () => {
  const readme = readFileSync(join(root, "README.md"), "utf8");
  const declarations = readFileSync(join(root, "index.d.ts"), "utf8");
  const control = /export interface Control \{([^]*?)\n\}/.exec(declarations)[1];
  const methods = [...control.matchAll(/^ {2}(\w+)\(/gm)].map((m) => m[1]);
  assert.equal(methods.length, 27);
  for (const method of methods) assert.ok(readme.includes(`| \`${method}(`), `${method} missing from the README`);
});

test("the repository README's Node example is repo-readme.test.mjs, verbatim", (t) => {
  // test-installed.sh names the repository README; the example itself runs as a test here.
  if (!process.env.REPO_README) return t.skip("REPO_README is not set (test-installed.sh sets it)");
  const readme = readFileSync(process.env.REPO_README, "utf8");
  const marker = "<!-- example: packages/npm/tests/repo-readme.test.mjs";
  const start = readme.indexOf(marker);
  assert.ok(start >= 0, "the repository README has no Node example marker");
  const block = /```js\n([^]*?)```/.exec(readme.slice(start));
  const example = readFileSync(new URL("./repo-readme.test.mjs", import.meta.url), "utf8");
  assert.equal(block[1], example);
});
