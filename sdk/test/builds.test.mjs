// Unit tests of the classic (global Labelbridge) and CommonJS builds: the
// same API as the ES module.
//   node --test sdk/test/
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import vm from "node:vm";
import * as esm from "../dist/labelbridge.js";
import { FakeAgent, ZPL } from "./fakeagent.mjs";

// The tests run against the built files (sdk/dist), what the agent serves.

test("the classic build defines the frozen global Labelbridge with exactly the module's exports", () => {
  const src = readFileSync(new URL("../dist/labelbridge.global.js", import.meta.url), "utf8");
  const ctx = vm.createContext({});
  vm.runInContext(src, ctx);
  assert.deepEqual(Object.keys(ctx.Labelbridge).sort(), Object.keys(esm).sort());
  assert.deepEqual(Object.keys(ctx.Labelbridge).sort(), ["Client", "DEFAULT_PORTS", "DEFAULT_TLS_PORTS", "LabelbridgeError", "PROTOCOL", "VERSION", "connect", "documentFrom"]);
  assert.ok(Object.isFrozen(ctx.Labelbridge));
  assert.equal(typeof ctx.Labelbridge.connect, "function");
  assert.equal(ctx.Labelbridge.VERSION, esm.VERSION);
});

test("the CommonJS build exports the same API and prints once across a reconnect", async () => {
  const cjs = createRequire(import.meta.url)("../dist/labelbridge.cjs");
  assert.deepEqual(Object.keys(cjs).sort(), Object.keys(esm).sort());
  const agent = new FakeAgent();
  const lb = await cjs.connect(agent.options());
  try {
    agent.holdReplies = true;
    const printed = lb.print(ZPL(1), { idempotencyKey: "cjs-1" });
    await agent.until(() => agent.printsReceived().length === 1, "the print at the agent");
    agent.kill();
    await agent.until(() => lb.state === "reconnecting", "reconnecting");
    agent.holdReplies = false;
    agent.up = true;
    assert.equal((await printed).idempotencyKey, "cjs-1");
    assert.equal(agent.jobs.size, 1);
    await assert.rejects(lb.print(42), (e) => e instanceof cjs.LabelbridgeError && e.reason === "invalid_params");
  } finally {
    lb.close();
  }
});
