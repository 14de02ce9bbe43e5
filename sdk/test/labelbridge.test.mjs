// Unit tests of the SDK against an in-memory agent (fake fetch + WebSocket
// speaking the agent's JSON-RPC). The real agent and a real browser are
// exercised by the Go end-to-end tests in e2e/sdk.
//   node --test sdk/test/
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import vm from "node:vm";
import * as esm from "../../assets/sdk/labelbridge.js";

// The tests run against the built files (assets/sdk), what the agent serves.
const { connect, LabelbridgeError, DEFAULT_PORTS } = esm;

const later = (fn) => setTimeout(fn, 0);

// FakeAgent answers /healthz and /ws like the real agent: print is
// idempotent per key, replies can be held back (stored, not acknowledged),
// and the whole agent can be "killed" (every socket drops with 1006).
class FakeAgent {
  constructor() {
    this.up = true;
    this.originStatus = "allowed";
    this.jobs = new Map(); // id → job
    this.byKey = new Map(); // idempotencyKey → job id
    this.sockets = new Set();
    this.received = [];
    this.wsAttempts = 0;
    this.holdReplies = false;
    this.maxMessageBytes = 16 << 20;
    this.failPrint = null; // {code, message, reason}
    this.waiters = [];
    this.protocolsOffered = []; // the second argument of each new WebSocket
    const agent = this;
    this.fetch = async (url) => {
      assert.match(String(url), /^http:\/\/127\.0\.0\.1:\d+\/healthz$/);
      if (!agent.up) throw new TypeError("Failed to fetch");
      return { json: async () => ({ name: "labelbridge", version: "test", protocol: 1, origin: "http://page.test", originAllowed: agent.originStatus === "allowed", originStatus: agent.originStatus }) };
    };
    this.WebSocket = class {
      constructor(url, protocols) {
        assert.match(url, /^ws:\/\/127\.0\.0\.1:\d+\/ws$/);
        agent.wsAttempts++;
        agent.protocolsOffered.push(protocols);
        this.readyState = 0;
        later(() => {
          if (!agent.up || agent.originStatus !== "allowed") {
            this.readyState = 3;
            this.onclose && this.onclose({ code: 1006, reason: "" });
            return;
          }
          this.readyState = 1;
          agent.sockets.add(this);
          this.onopen && this.onopen();
          agent.changed();
        });
      }
      send(text) {
        assert.equal(this.readyState, 1, "send on a socket that is not open");
        agent.handle(this, JSON.parse(text));
      }
      close(code = 1000, reason = "") {
        if (this.readyState === 3) return;
        this.readyState = 3;
        agent.sockets.delete(this);
        later(() => this.onclose && this.onclose({ code, reason }));
      }
      deliver(msg) {
        if (this.readyState === 1) later(() => this.readyState === 1 && this.onmessage && this.onmessage({ data: JSON.stringify(msg) }));
      }
    };
  }

  handle(ws, msg) {
    this.received.push(msg);
    const reply = (result) => ws.deliver({ jsonrpc: "2.0", id: msg.id, result });
    switch (msg.method) {
      case "hello":
        reply({ name: "labelbridge", version: "test", protocol: 1, origin: "http://page.test", defaultPrinter: "virtual", maxMessageBytes: this.maxMessageBytes, methods: [] });
        break;
      case "subscribe":
        reply({ topics: msg.params.topics });
        break;
      case "printers.list":
        reply({ printers: [{ id: "virtual", name: "Virtual printer", status: { state: "ready", reasons: [] }, isDefault: true }] });
        break;
      case "jobs.get": {
        const j = this.jobs.get(msg.params.job);
        if (j) reply({ job: j });
        else ws.deliver({ jsonrpc: "2.0", id: msg.id, error: { code: -32000, message: `job "${msg.params.job}" not found`, data: { reason: "job_not_found" } } });
        break;
      }
      case "print": {
        if (this.failPrint) {
          const f = this.failPrint;
          ws.deliver({ jsonrpc: "2.0", id: msg.id, error: { code: f.code, message: f.message, data: { reason: f.reason } } });
          break;
        }
        const key = msg.params.idempotencyKey;
        let duplicate = true;
        if (!this.byKey.has(key)) {
          duplicate = false;
          const now = new Date().toISOString();
          const job = { id: "j" + (this.jobs.size + 1), state: "queued", printer: msg.params.printer || "virtual", origin: "http://page.test", copies: msg.params.copies || 1, idempotencyKey: key, createdAt: now, updatedAt: now };
          this.jobs.set(job.id, job);
          this.byKey.set(key, job.id);
        }
        if (!this.holdReplies) reply({ job: this.jobs.get(this.byKey.get(key)), duplicate });
        break;
      }
      default:
        ws.deliver({ jsonrpc: "2.0", id: msg.id, error: { code: -32601, message: "no such method", data: { reason: "method_not_found" } } });
    }
    this.changed();
  }

  finish(id, state = "done") {
    const j = Object.assign({}, this.jobs.get(id), { state, updatedAt: new Date(Date.now() + 1).toISOString() });
    this.jobs.set(id, j);
    for (const ws of this.sockets) ws.deliver({ jsonrpc: "2.0", method: "job", params: j });
  }

  kill() {
    this.up = false;
    for (const ws of Array.from(this.sockets)) {
      ws.readyState = 3;
      this.sockets.delete(ws);
      later(() => ws.onclose && ws.onclose({ code: 1006, reason: "" }));
    }
  }

  printsReceived() {
    return this.received.filter((m) => m.method === "print");
  }

  changed() {
    for (const w of this.waiters.slice()) {
      if (w.cond()) {
        this.waiters.splice(this.waiters.indexOf(w), 1);
        clearTimeout(w.timer);
        w.resolve();
      }
    }
  }

  // until resolves once cond() holds (checked on every agent change and
  // every few ms, for page-side state), or fails after ms.
  until(cond, what, ms = 5000) {
    if (cond()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const deadline = Date.now() + ms;
      const w = { cond };
      const tick = setInterval(() => this.changed(), 2);
      w.resolve = () => { clearInterval(tick); resolve(); };
      w.timer = setTimeout(() => {
        clearInterval(tick);
        this.waiters.splice(this.waiters.indexOf(w), 1);
        reject(new Error(`timed out waiting for ${what} (${ms} ms)`));
      }, Math.max(0, deadline - Date.now()));
      this.waiters.push(w);
    });
  }

  options(extra) {
    return Object.assign({ WebSocket: this.WebSocket, fetch: this.fetch, ports: [19810], backoffMin: 5, backoffMax: 20 }, extra);
  }
}

const ZPL = (n) => `^XA^FO20,20^A0N,30,30^FDjob ${n}^FS^XZ`;

test("print resolves with the stored job and carries a generated idempotency key", async () => {
  const agent = new FakeAgent();
  const lb = await connect(agent.options());
  try {
    assert.equal(lb.state, "connected");
    const printers = await lb.printers();
    assert.equal(printers[0].id, "virtual");
    const job = await lb.print(ZPL(1), { copies: 2, printer: "virtual" });
    assert.equal(job.id, "j1");
    const sent = agent.printsReceived()[0].params;
    assert.deepEqual(sent.raw, { data: ZPL(1) });
    assert.equal(sent.copies, 2);
    assert.match(sent.idempotencyKey, /^[0-9a-f-]{32,36}$/);
    const done = lb.waitJob(job.id);
    agent.finish(job.id);
    assert.equal((await done).state, "done");
    assert.equal(agent.received[0].method, "hello", "hello goes first");
    assert.equal(agent.received[1].method, "subscribe");
  } finally {
    lb.close();
  }
});

test("print shapes: label, raw string, bytes, {language, data}, {base64}", async () => {
  const agent = new FakeAgent();
  const lb = await connect(agent.options());
  try {
    const label = { width: 50, height: 30, elements: [{ type: "text", x: 1, y: 1, text: "상품 A", size: 3 }] };
    await lb.print(label, { idempotencyKey: "k-label" });
    await lb.print(new Uint8Array([0x1b, 0x40, 0xff]), { language: "ESCPOS" });
    await lb.print({ language: "tspl", data: "PRINT 1\r\n" });
    await lb.print({ base64: "AAE=" });
    const p = agent.printsReceived().map((m) => m.params);
    assert.deepEqual(p[0].label, label);
    assert.equal(p[0].idempotencyKey, "k-label");
    assert.deepEqual(p[1].raw, { language: "escpos", base64: "G0D/" });
    assert.deepEqual(p[2].raw, { language: "tspl", data: "PRINT 1\r\n" });
    assert.deepEqual(p[3].raw, { base64: "AAE=" });
  } finally {
    lb.close();
  }
});

test("bad print arguments fail with invalid_params naming the problem", async () => {
  const agent = new FakeAgent();
  const lb = await connect(agent.options());
  try {
    const cases = [
      [[42], /pass a label/],
      [[{ width: 10 }], /pass a label/],
      [["^XA^XZ", { copy: 2 }], /unknown option "copy"/],
      [["^XA^XZ", { copies: 0 }], /copies must be a whole number/],
      [["^XA^XZ", { printer: 7 }], /printer must be a printer id/],
      [["^XA^XZ", { idempotencyKey: "" }], /idempotencyKey must be a non-empty string/],
    ];
    for (const [args, want] of cases) {
      await assert.rejects(lb.print(...args), (e) => e instanceof LabelbridgeError && e.reason === "invalid_params" && want.test(e.message), JSON.stringify(args));
    }
    assert.equal(agent.printsReceived().length, 0, "nothing bad is sent");
    assert.throws(() => lb.on("jobs", () => {}), /unknown event "jobs"/);
  } finally {
    lb.close();
  }
});

test("the agent's errors keep their reason and code", async () => {
  const agent = new FakeAgent();
  agent.failPrint = { code: -32000, message: 'printer "zebra" not found', reason: "printer_not_found" };
  const lb = await connect(agent.options());
  try {
    await assert.rejects(lb.print(ZPL(1), { printer: "zebra" }), (e) => e.reason === "printer_not_found" && e.code === -32000 && /zebra/.test(e.message));
    await assert.rejects(lb.call("nope"), (e) => e.reason === "method_not_found");
  } finally {
    lb.close();
  }
});

test("a reconnect re-sends unacknowledged prints with the same keys: each prints once", async () => {
  const agent = new FakeAgent();
  const lb = await connect(agent.options());
  const states = [];
  lb.on("status", (s) => states.push(s.state));
  try {
    // Three prints reach the agent and are stored, but their replies are lost.
    agent.holdReplies = true;
    const inFlight = [1, 2, 3].map((n) => lb.print(ZPL(n)));
    await agent.until(() => agent.printsReceived().length === 3, "3 prints at the agent");
    agent.kill();
    await agent.until(() => lb.state === "reconnecting", "reconnecting");
    // Two more while the agent is down: queued in the page.
    const queued = [4, 5].map((n) => lb.print(ZPL(n)));
    agent.holdReplies = false;
    agent.up = true;
    const jobs = await Promise.all([...inFlight, ...queued]);
    assert.equal(lb.state, "connected");
    assert.equal(agent.jobs.size, 5, "one job per print");
    assert.equal(new Set(jobs.map((j) => j.id)).size, 5);
    const keys = agent.printsReceived().map((m) => m.params.idempotencyKey);
    assert.equal(keys.length, 8, "3 sent twice, 2 sent once");
    assert.equal(new Set(keys).size, 5);
    // Order is kept: the re-sent ones go first, in their original order.
    const resent = agent.printsReceived().slice(3).map((m) => m.params.raw.data);
    assert.deepEqual(resent, [1, 2, 3, 4, 5].map(ZPL));
    assert.ok(states.includes("reconnecting") && states.at(-1) === "connected", states.join(","));
  } finally {
    lb.close();
  }
});

test("waitJob catches a finish that happened while the page was disconnected", async () => {
  const agent = new FakeAgent();
  const lb = await connect(agent.options());
  try {
    const job = await lb.print(ZPL(1));
    agent.kill();
    await agent.until(() => lb.state === "reconnecting", "reconnecting");
    agent.finish(job.id); // no socket: the event is lost
    const waited = lb.waitJob(job.id, { timeout: 5000 });
    agent.up = true;
    assert.equal((await waited).state, "done");
  } finally {
    lb.close();
  }
});

test("print times out while the agent stays away, naming the key to retry with", async () => {
  const agent = new FakeAgent();
  const lb = await connect(agent.options({ requestTimeout: 50 }));
  try {
    agent.kill();
    await agent.until(() => lb.state === "reconnecting", "reconnecting");
    await assert.rejects(lb.print(ZPL(1), { timeout: 50, idempotencyKey: "retry-me" }),
      (e) => e.reason === "timeout" && e.idempotencyKey === "retry-me" && /retry-me/.test(e.message));
    await assert.rejects(lb.printers(), (e) => e.reason === "timeout" && /unreachable/.test(e.message));
  } finally {
    lb.close();
  }
});

test("calls that are not safe to repeat fail with connection_lost instead of being re-sent", async () => {
  const agent = new FakeAgent();
  agent.holdReplies = true;
  const lb = await connect(agent.options());
  try {
    const orig = agent.handle.bind(agent);
    agent.handle = (ws, msg) => { if (msg.method !== "jobs.cancel") orig(ws, msg); else { agent.received.push(msg); agent.changed(); } };
    const canceled = lb.cancel("j1");
    await agent.until(() => agent.received.some((m) => m.method === "jobs.cancel"), "cancel sent");
    agent.kill();
    await assert.rejects(canceled, (e) => e.reason === "connection_lost");
  } finally {
    lb.close();
  }
});

test("a message over the agent's limit is refused in the page, not sent", async () => {
  const agent = new FakeAgent();
  agent.maxMessageBytes = 1000;
  const lb = await connect(agent.options());
  try {
    await agent.until(() => lb.info !== null, "hello answered");
    await assert.rejects(lb.print("^XA" + "가".repeat(400) + "^XZ"), (e) => e.reason === "payload_too_large");
    assert.equal(agent.printsReceived().length, 0);
    assert.equal(lb.state, "connected");
  } finally {
    lb.close();
  }
});

test("close rejects what is pending and stops reconnecting", async () => {
  const agent = new FakeAgent();
  const lb = await connect(agent.options());
  agent.kill();
  await agent.until(() => lb.state === "reconnecting", "reconnecting");
  const p = lb.print(ZPL(1));
  lb.close();
  await assert.rejects(p, (e) => e.reason === "closed");
  await assert.rejects(lb.printers(), (e) => e.reason === "closed");
  assert.equal(lb.state, "closed");
});

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

test("the classic build defines the frozen global Labelbridge with exactly the module's exports", () => {
  const src = readFileSync(new URL("../../assets/sdk/labelbridge.global.js", import.meta.url), "utf8");
  const ctx = vm.createContext({});
  vm.runInContext(src, ctx);
  assert.deepEqual(Object.keys(ctx.Labelbridge).sort(), Object.keys(esm).sort());
  assert.deepEqual(Object.keys(ctx.Labelbridge).sort(), ["Client", "DEFAULT_PORTS", "DEFAULT_TLS_PORTS", "LabelbridgeError", "PROTOCOL", "VERSION", "connect", "documentFrom"]);
  assert.ok(Object.isFrozen(ctx.Labelbridge));
  assert.equal(typeof ctx.Labelbridge.connect, "function");
  assert.equal(ctx.Labelbridge.VERSION, esm.VERSION);
});

test("the CommonJS build exports the same API and prints once across a reconnect", async () => {
  const cjs = createRequire(import.meta.url)("../../assets/sdk/labelbridge.cjs");
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

test("documents: print({document}) sends it; documentFrom reads bytes and Blobs, sniffs the format and refuses other origins", async () => {
  const { documentFrom } = esm;
  const pdf = new TextEncoder().encode("%PDF-1.7\n…");
  const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0]);
  const fromBytes = await documentFrom(pdf.buffer, { crop: "content", rotate: 90 });
  assert.deepEqual(fromBytes, { document: { crop: "content", rotate: 90, format: "pdf", base64: Buffer.from(pdf).toString("base64") } });
  assert.equal((await documentFrom(new Blob([png]))).document.format, "png");
  assert.equal((await documentFrom(png, { format: "png", pages: "1" })).document.pages, "1");
  await assert.rejects(documentFrom(new Uint8Array([1, 2, 3])), /not a PDF, PNG or JPEG/);
  globalThis.location = new URL("http://page.test/app/");
  try {
    await assert.rejects(documentFrom("https://carrier.example/label.pdf"), (e) => e.reason === "invalid_params" && /not this page's origin/.test(e.message));
  } finally {
    delete globalThis.location;
  }
  const agent = new FakeAgent();
  const lb = await connect(agent.options());
  try {
    await lb.print(fromBytes, { copies: 2 });
    const sent = agent.printsReceived()[0].params;
    assert.equal(sent.document.format, "pdf");
    assert.equal(sent.copies, 2);
    assert.equal(sent.label, undefined);
    await assert.rejects(lb.print({ document: { base64: "AA==" } }), (e) => e.reason === "invalid_params" && /format/.test(e.message));
  } finally {
    lb.close();
  }
});
