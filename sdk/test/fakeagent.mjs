// FakeAgent: an in-memory agent (fake fetch + WebSocket speaking the
// agent's JSON-RPC) for the SDK's unit tests (sdk/test/*.test.mjs), and ZPL,
// a small label of raw commands. It has no tests: node --test, which loads
// every .mjs file of test/, reports it as one passing file.
import assert from "node:assert/strict";

const later = (fn) => setTimeout(fn, 0);

// FakeAgent answers /healthz and /ws like the real agent: print is
// idempotent per key, replies can be held back (stored, not acknowledged),
// and the whole agent can be "killed" (every socket drops with 1006).
export class FakeAgent {
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

export const ZPL = (n) => `^XA^FO20,20^A0N,30,30^FDjob ${n}^FS^XZ`;
