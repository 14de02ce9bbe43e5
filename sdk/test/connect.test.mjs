// Unit tests of connecting: why connect fails, the Local Network Access
// permission, the ports tried, admin clients, option checks.
//   node --test sdk/test/
import { test } from "node:test";
import assert from "node:assert/strict";
import * as esm from "../dist/labelbridge.js";
import { FakeAgent } from "./fakeagent.mjs";

// The tests run against the built files (sdk/dist), what the agent serves.
const { connect, LabelbridgeError, DEFAULT_PORTS } = esm;

test("connect explains why it cannot connect", async (t) => {
  const cases = [
    { name: "agent not running", setup: (a) => { a.up = false; }, reason: "agent_not_running", msg: /not running.*19810.*install it from https:\/\/it\.example\/lb/s, ws: 0 },
    { name: "site pending approval", setup: (a) => { a.originStatus = "pending"; }, reason: "origin_not_allowed", msg: /not allowed .*yet.*Approve it.*127\.0\.0\.1:19810/s, ws: 1 },
    { name: "site denied", setup: (a) => { a.originStatus = "denied"; }, reason: "origin_denied", msg: /was denied/, ws: 0 },
    { name: "opaque origin", setup: (a) => { a.originStatus = "invalid"; }, reason: "origin_invalid", msg: /file:\/\//, ws: 0 },
  ];
  for (const c of cases) {
    await t.test(c.name, async () => {
      const agent = new FakeAgent();
      c.setup(agent);
      await assert.rejects(connect(agent.options({ installUrl: "https://it.example/lb" })), (e) => {
        assert.ok(e instanceof LabelbridgeError);
        assert.equal(e.reason, c.reason);
        assert.match(e.message, c.msg);
        assert.ok(e.hint.length > 10);
        return true;
      });
      assert.equal(agent.wsAttempts, c.ws, "a pending site makes one handshake so it is listed for approval");
    });
  }
});

test("connect reports a denied Local Network Access permission", async () => {
  const agent = new FakeAgent();
  agent.up = false;
  await withNavigator("denied", () =>
    assert.rejects(connect(agent.options()), (e) => e.reason === "permission_denied" && /LocalNetworkAccessAllowedForUrls/.test(e.message)));
});

// withNavigator runs fn with a fake navigator.permissions answering state
// for the loopback-network permission.
async function withNavigator(state, fn) {
  const had = Object.getOwnPropertyDescriptor(globalThis, "navigator");
  Object.defineProperty(globalThis, "navigator", {
    configurable: true,
    value: { userAgent: "test", permissions: { query: async ({ name }) => { if (name !== "loopback-network") throw new TypeError("unknown"); return { state }; } } },
  });
  try {
    return await fn();
  } finally {
    if (had) Object.defineProperty(globalThis, "navigator", had);
    else delete globalThis.navigator;
  }
}

test("while the Local Network Access prompt is open, the probe waits for the user", async () => {
  const agent = new FakeAgent();
  // The fetch answers after the normal probe timeout, as when the user takes a moment to click Allow.
  const slowFetch = (url, init) => new Promise((resolve, reject) => {
    const t = setTimeout(() => resolve(agent.fetch(url)), 80);
    init.signal.addEventListener("abort", () => { clearTimeout(t); reject(new DOMException("aborted", "AbortError")); });
  });
  const opts = agent.options({ fetch: slowFetch, probeTimeout: 20 });
  await withNavigator("granted", () => assert.rejects(connect(opts), (e) => e.reason === "agent_not_running"));
  const lb = await withNavigator("prompt", () => connect(opts));
  assert.equal(lb.state, "connected");
  lb.close();
});

test("connect tries the known ports (an undefined option keeps its default) and takes the first allowed agent", async () => {
  const agent = new FakeAgent();
  const tried = [];
  const fetch = async (url) => {
    tried.push(new URL(url).port);
    if (new URL(url).port !== "19812") throw new TypeError("Failed to fetch");
    return agent.fetch(url);
  };
  const lb = await connect({ WebSocket: agent.WebSocket, fetch, ports: undefined });
  try {
    assert.deepEqual(tried.sort(), DEFAULT_PORTS.map(String));
    assert.equal(lb.port, 19812);
  } finally {
    lb.close();
  }
});

test("an admin client offers its WebSocket subprotocols on every connect, subscribes to its topics and hears sites events", async () => {
  const agent = new FakeAgent();
  const protocols = ["labelbridge.admin", "labelbridge.session.s3cret"];
  const lb = await connect(agent.options({ protocols, topics: ["jobs", "printers", "sites"] }));
  const sites = [];
  lb.on("sites", (v) => sites.push(v));
  try {
    await agent.until(() => agent.received.some((m) => m.method === "subscribe"), "subscribe");
    assert.deepEqual(agent.received.find((m) => m.method === "subscribe").params, { topics: ["jobs", "printers", "sites"] });
    const update = { sites: [{ origin: "https://wms.example", state: "pending" }], locked: false, pending: 1 };
    for (const ws of agent.sockets) ws.deliver({ jsonrpc: "2.0", method: "sites", params: update });
    await agent.until(() => sites.length === 1, "a sites event");
    assert.deepEqual(sites[0], update);
    agent.kill();
    await agent.until(() => lb.state === "reconnecting", "reconnecting");
    agent.up = true;
    await agent.until(() => lb.state === "connected", "connected again");
    assert.equal(agent.protocolsOffered.length, 2);
    for (const p of agent.protocolsOffered) assert.deepEqual(p, protocols);
  } finally {
    lb.close();
  }
  const plain = await connect(agent.options());
  plain.close();
  assert.equal(agent.protocolsOffered.at(-1), undefined, "a page offers no subprotocol by default");
  await assert.rejects(connect(agent.options({ topics: ["weather"] })), /topics: "weather" is not a topic/);
  await assert.rejects(connect(agent.options({ protocols: "labelbridge.admin" })), /protocols must be a list of strings/);
});

test("unknown connect options are refused", async () => {
  await assert.rejects(connect({ port: 19810 }), /unknown option "port"/);
});
