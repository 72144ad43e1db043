// A typed test as a Node user writes it (with @types/node), checked with tsc --noEmit against
// the installed declarations (never run): the declarations must agree with Node's own.
import assert from "node:assert/strict";
import { test } from "node:test";

import { startMock, type Mock } from "postproxy-mock";

test("typed", async () => {
  await using mock: Mock = await startMock({
    fixtures: new URL("./fixtures.json", import.meta.url),
    env: { ...process.env, RUST_BACKTRACE: "1" },
  });
  const response = await fetch(`${mock.baseUrl}/api/profile_groups`, {
    headers: { authorization: `Bearer ${mock.fullAccessKey ?? ""}` },
  });
  assert.equal(response.status, 200);
  const account = await mock.newAccount();
  const stop: () => Promise<void> = mock.stop;
  const dispose: () => PromiseLike<void> = mock[Symbol.asyncDispose];
  void [account, stop, dispose];
});
