// The SDK's choice between ws:// and wss:// (the agent's local
// certificate), against a fake agent that answers http and https /healthz
// separately. The real agent, certificate and Chromium: e2e/tls.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as esm from "../dist/labelbridge.js";

const { connect, DEFAULT_TLS_PORTS } = esm;

// fakeAgent: http answers when httpUp (else the browser blocked it, or the
// agent is not running); https answers when trusted.
function fakeAgent({ httpUp = true, trusted = true, tlsPort = 19830 } = {}) {
  const seen = { fetched: [], sockets: [] };
  const health = (secure) => ({ name: "labelbridge", version: "test", protocol: 1, tlsPort, origin: "https://wms.test", originStatus: "allowed", secure });
  const fetch = async (url) => {
    seen.fetched.push(String(url));
    const u = new URL(String(url));
    if (u.protocol === "http:" && !httpUp) throw new TypeError("Failed to fetch (mixed content)");
    if (u.protocol === "https:" && (!trusted || (Number(u.port) !== tlsPort && httpUp))) throw new TypeError("Failed to fetch (net::ERR_CERT_AUTHORITY_INVALID)");
    if (u.protocol === "https:" && Number(u.port) !== tlsPort) throw new TypeError("Failed to fetch");
    if (u.protocol === "http:" && Number(u.port) !== 19810) throw new TypeError("Failed to fetch");
    return { json: async () => health(u.protocol === "https:") };
  };
  class WebSocket {
    constructor(url) {
      seen.sockets.push(url);
      this.readyState = 0;
      setTimeout(() => {
        this.readyState = 1;
        this.onopen && this.onopen();
      }, 0);
    }
    send(text) {
      const msg = JSON.parse(text);
      const result = msg.method === "hello" ? { name: "labelbridge", version: "test", protocol: 1, origin: "https://wms.test", methods: [] } : { topics: [] };
      setTimeout(() => this.onmessage && this.onmessage({ data: JSON.stringify({ jsonrpc: "2.0", id: msg.id, result }) }), 0);
    }
    close() { this.readyState = 3; }
  }
  return { seen, options: (extra) => Object.assign({ fetch, WebSocket, probeTimeout: 50, reconnect: false, topics: [] }, extra) };
}

async function onPage(protocol, fn) {
  const had = Object.getOwnPropertyDescriptor(globalThis, "location");
  Object.defineProperty(globalThis, "location", { value: { protocol, origin: protocol + "//wms.test" }, configurable: true });
  try {
    return await fn();
  } finally {
    if (had) Object.defineProperty(globalThis, "location", had);
    else delete globalThis.location;
  }
}

test("wss: the transport each page gets", async (t) => {
  for (const tc of [
    { name: "https page that reaches ws:// uses it", page: "https:", agent: {}, opts: {}, url: "ws://127.0.0.1:19810/ws" },
    { name: "https page that cannot reach ws:// uses wss:// on a default TLS port", page: "https:", agent: { httpUp: false, tlsPort: DEFAULT_TLS_PORTS[0] }, opts: {}, url: `wss://127.0.0.1:${DEFAULT_TLS_PORTS[0]}/ws` },
    { name: "transport wss uses the TLS port /healthz names", page: "https:", agent: { tlsPort: 19830 }, opts: { transport: "wss" }, url: "wss://127.0.0.1:19830/ws" },
    { name: "an http page stays on ws://", page: "http:", agent: {}, opts: {}, url: "ws://127.0.0.1:19810/ws" },
  ]) {
    await t.test(tc.name, async () => {
      const a = fakeAgent(tc.agent);
      const c = await onPage(tc.page, () => connect(a.options(tc.opts)));
      c.close();
      assert.deepEqual(a.seen.sockets, [tc.url]);
    });
  }
});

test("wss: an untrusted certificate is named, with what to run", async () => {
  const a = fakeAgent({ trusted: false });
  await onPage("https:", () => assert.rejects(connect(a.options({ transport: "wss" })), (e) => {
    assert.equal(e.reason, "certificate_not_trusted");
    assert.match(e.message, /does not trust its local certificate \(https:\/\/127\.0\.0\.1:19830\)/);
    assert.match(e.hint, /labelbridge trust install/);
    assert.match(e.hint, /Trust the certificate/);
    return true;
  }));
  assert.deepEqual(a.seen.sockets, [], "no WebSocket is opened");
});

test("wss: nothing answers an https page: the hint names the certificate too", async () => {
  const a = fakeAgent({ httpUp: false, trusted: false });
  await onPage("https:", () => assert.rejects(connect(a.options({})), (e) => {
    assert.equal(e.reason, "agent_not_running");
    assert.match(e.hint, /labelbridge trust install/);
    return true;
  }));
  assert.ok(a.seen.fetched.some((u) => u.startsWith("https://127.0.0.1:19820/")), "the default TLS ports were tried");
});
