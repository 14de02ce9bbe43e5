/*! labelbridge.js — print labels from a web page through the Labelbridge agent on this computer. */
// Dependency-free ES module. The agent serves it at /sdk/labelbridge.js and,
// as a classic script with the global `Labelbridge`, at /sdk/labelbridge.global.js
// (generated from this file by ../build.mjs: keep every export an
// `export function|class|const` declaration).
//
// Wire: JSON-RPC 2.0 over ws://127.0.0.1:PORT/ws; GET /healthz (answered for
// any origin, with CORS) explains refusals the browser hides.

export const VERSION = "1.0.0";
export const PROTOCOL = 1;
/** Ports tried in order: the default 19810, then where admins put a second or third agent (multi-user PCs). */
export const DEFAULT_PORTS = Object.freeze([19810, 19811, 19812]);

const EVENTS = ["job", "printers", "status"];
const LNA_PROMPT_WAIT = 60000;
const TERMINAL = ["done", "failed", "canceled"];
const PRINT_OPTIONS = ["printer", "copies", "idempotencyKey", "title", "language", "timeout"];
const DEFAULTS = {
  ports: DEFAULT_PORTS,
  host: "127.0.0.1",
  probeTimeout: 1500, // one GET /healthz
  connectTimeout: 5000, // one WebSocket handshake
  requestTimeout: 10000, // printers(), job(), …
  printTimeout: 60000, // print(): until the agent confirms the job is stored, reconnects included
  reconnect: true,
  backoffMin: 250,
  backoffMax: 10000,
  installUrl: "", // named in the "agent not running" hint
  WebSocket: undefined, // injectable (tests, non-browser hosts)
  fetch: undefined,
};

/** An error with a stable snake_case `reason` and a `hint` saying what to do. */
export class LabelbridgeError extends Error {
  constructor(reason, message, extra) {
    extra = extra || {};
    super(extra.hint ? message + " " + extra.hint : message);
    this.name = "LabelbridgeError";
    this.reason = reason;
    this.hint = extra.hint || "";
    for (const k of ["code", "port", "origin", "idempotencyKey", "cause"]) {
      if (extra[k] !== undefined) this[k] = extra[k];
    }
  }
}

/** Connects to the agent (trying the known ports) and resolves with a Client. */
export async function connect(options) {
  const client = new Client(options);
  await client._start();
  return client;
}

/** A connection to the agent that reconnects by itself. Make one with connect(). */
export class Client {
  constructor(options) {
    const o = Object.assign({}, DEFAULTS);
    for (const [k, v] of Object.entries(options || {})) {
      if (!(k in DEFAULTS)) throw new TypeError(`labelbridge: unknown option "${k}"`);
      if (v !== undefined) o[k] = v;
    }
    o.WebSocket = o.WebSocket || globalThis.WebSocket;
    o.fetch = o.fetch || (globalThis.fetch && globalThis.fetch.bind(globalThis));
    if (!o.WebSocket || !o.fetch) throw new TypeError("labelbridge: this environment has no WebSocket or fetch");
    o.ports = Array.from(o.ports);
    this._o = o;
    this._state = "idle";
    this._ws = null;
    this._port = 0;
    this._info = null;
    this._nextId = 0;
    this._outbox = new Map(); // id → request not yet answered (insertion order = send order)
    this._listeners = { job: new Set(), printers: new Set(), status: new Set() };
    this._jobs = new Map(); // job id → last seen Job (bounded)
    this._waiters = new Map(); // job id → Set of waitJob callbacks
    this._attempt = 0;
    this._retryTimer = null;
    this._opening = false;
    this._lastError = null;
    this._kick = () => {
      if (this._state === "reconnecting" && (typeof document === "undefined" || document.visibilityState !== "hidden")) {
        this._attempt = 0;
        this._reconnectNow();
      }
    };
  }

  /** "connecting" | "connected" | "reconnecting" | "closed". */
  get state() { return this._state; }
  /** The port of the agent in use. */
  get port() { return this._port; }
  /** The agent's hello: name, version, protocol, origin, defaultPrinter, maxMessageBytes, methods. */
  get info() { return this._info; }

  /** Listens to "job" (a Job), "printers" (Printer[]) or "status" ({state, port, error?, attempt?, retryIn?}); returns an unsubscribe function. */
  on(event, fn) {
    if (!EVENTS.includes(event)) throw new TypeError(`labelbridge: unknown event "${event}" (use ${EVENTS.join(", ")})`);
    if (typeof fn !== "function") throw new TypeError("labelbridge: on() needs a function");
    this._listeners[event].add(fn);
    return () => this.off(event, fn);
  }

  off(event, fn) {
    if (this._listeners[event]) this._listeners[event].delete(fn);
  }

  /** The printers, the default first. */
  async printers() {
    return (await this._request("printers.list", {}, { resend: true })).printers;
  }

  async printer(id) {
    return (await this._request("printers.get", { printer: id }, { resend: true })).printer;
  }

  /**
   * Prints a label (the label model: {width, height, elements, …}) or raw
   * printer commands (a string, bytes, or {language, data | base64}).
   * Resolves with the job once the agent has stored it durably. Every print
   * carries an idempotency key (one is made when none is given), so a print
   * re-sent after a reconnect never prints twice.
   */
  print(labelOrRaw, options) {
    let params, timeout;
    try {
      const o = options || {};
      for (const k of Object.keys(o)) {
        if (!PRINT_OPTIONS.includes(k)) throw invalid(`print(): unknown option "${k}" (use ${PRINT_OPTIONS.join(", ")})`);
      }
      params = printParams(labelOrRaw, o);
      timeout = o.timeout === undefined ? this._o.printTimeout : o.timeout;
    } catch (e) {
      return Promise.reject(e);
    }
    return this._request("print", params, { resend: true, timeout }).then((r) => {
      this._noteJob(r.job);
      return r.job;
    });
  }

  /** One job (this page's own). */
  async job(id) {
    const j = (await this._request("jobs.get", { job: String(id) }, { resend: true })).job;
    this._noteJob(j);
    return j;
  }

  /** This page's jobs, newest first: filter {state?, printer?, limit?}. */
  async jobs(filter) {
    return (await this._request("jobs.list", filter || {}, { resend: true })).jobs;
  }

  /** Cancels a queued or held job. */
  async cancel(id) {
    const j = (await this._request("jobs.cancel", { job: String(id) })).job;
    this._noteJob(j);
    return j;
  }

  /** Resolves with the job once it is done, failed or canceled (check job.state). */
  waitJob(id, options) {
    const timeout = (options && options.timeout) || this._o.printTimeout;
    const known = this._jobs.get(id);
    if (known && TERMINAL.includes(known.state)) return Promise.resolve(known);
    if (this._state === "closed") return Promise.reject(closedError());
    return new Promise((resolve, reject) => {
      const w = { resolve, reject };
      w.timer = setTimeout(() => {
        this._dropWaiter(id, w);
        reject(new LabelbridgeError("timeout", `job ${id} did not finish within ${timeout} ms.`));
      }, timeout);
      if (!this._waiters.has(id)) this._waiters.set(id, new Set());
      this._waiters.get(id).add(w);
      // Catch up: its last event may have gone by before we listened.
      this.job(id).catch((e) => {
        if (e.reason === "job_not_found") {
          this._dropWaiter(id, w);
          reject(e);
        }
      });
    });
  }

  /** A PNG preview of a label: resolves with a data: URL. */
  async preview(label, options) {
    const params = { label };
    if (options && options.dpi) params.dpi = options.dpi;
    const r = await this._request("labels.preview", params, { resend: true });
    return "data:" + r.contentType + ";base64," + r.png;
  }

  /** Calls any method of the agent's JSON-RPC API. It is not re-sent after a reconnect. */
  call(method, params, options) {
    return this._request(method, params || {}, { timeout: options && options.timeout });
  }

  /** Closes the connection for good; unanswered calls fail with reason "closed". */
  close() {
    if (this._state === "closed") return;
    this._setState("closed");
    clearTimeout(this._retryTimer);
    this._watchPage(false);
    const ws = this._ws;
    this._ws = null;
    if (ws) {
      try { ws.close(1000, "closed by the page"); } catch (_) { /* already closing */ }
    }
    for (const e of this._outbox.values()) this._settle(e, closedError());
    for (const [id, set] of this._waiters) {
      for (const w of set) { clearTimeout(w.timer); w.reject(closedError()); }
      this._waiters.delete(id);
    }
    this._emit("status", { state: "closed", port: this._port });
  }

  // ---- internals ----

  async _start() {
    this._setState("connecting");
    this._emit("status", { state: "connecting", port: 0 });
    try {
      await this._open();
    } catch (e) {
      this._state = "closed";
      this._emit("status", { state: "closed", port: 0, error: e });
      throw e;
    }
    this._watchPage(true);
  }

  async _open() {
    this._opening = true;
    try {
      const found = await probe(this._o);
      const ws = await openSocket(this._o, found.port);
      if (this._state === "closed") {
        ws.close(1000, "closed by the page");
        return;
      }
      this._attach(ws, found.port);
    } finally {
      this._opening = false;
    }
  }

  _attach(ws, port) {
    this._ws = ws;
    this._port = port;
    ws.onmessage = (ev) => this._onMessage(ws, ev.data);
    ws.onclose = (ev) => this._onClose(ws, ev);
    ws.onerror = () => {}; // onclose follows and says what happened
    // hello and subscribe go first; the server handles one socket's messages in order.
    this._request("hello", { client: "labelbridge.js", version: VERSION, protocol: PROTOCOL }, { now: true })
      .then((info) => { this._info = info; }, () => {});
    this._request("subscribe", { topics: ["jobs", "printers"] }, { now: true }).catch(() => {});
    for (const e of this._outbox.values()) {
      if (!e.sentOn) this._send(e);
    }
    this._attempt = 0;
    this._lastError = null;
    this._setState("connected");
    this._emit("status", { state: "connected", port });
    for (const id of this._waiters.keys()) this.job(id).catch(() => {}); // events missed while away
  }

  _request(method, params, opt) {
    opt = opt || {};
    if (this._state === "closed") return Promise.reject(closedError());
    return new Promise((resolve, reject) => {
      const e = { id: ++this._nextId, method, params, resend: !!opt.resend, resolve, reject, sentOn: null };
      const timeout = opt.timeout || (method === "print" ? this._o.printTimeout : this._o.requestTimeout);
      e.timer = setTimeout(() => {
        const key = params && params.idempotencyKey;
        this._settle(e, new LabelbridgeError("timeout",
          `${method} got no answer within ${timeout} ms` + (this._state === "connected" ? "." : ` (the agent is unreachable: ${this._lastError ? this._lastError.message : "reconnecting"}).`),
          key ? { hint: `The job may still print once the agent is back: retry with the same idempotencyKey (${key}) to be sure it prints once.`, idempotencyKey: key } : {}));
      }, timeout);
      this._outbox.set(e.id, e);
      if (this._state === "connected" || opt.now) this._send(e);
    });
  }

  _send(e) {
    const ws = this._ws;
    if (!ws || ws.readyState !== 1) return;
    const text = JSON.stringify({ jsonrpc: "2.0", id: e.id, method: e.method, params: e.params });
    const limit = (this._info && this._info.maxMessageBytes) || 16 << 20;
    if (text.length > limit / 3 && utf8Length(text) > limit) {
      // Sending it would make the agent close the socket (1009), and a re-send would loop.
      this._settle(e, new LabelbridgeError("payload_too_large", `${e.method}: the message is ${utf8Length(text)} bytes, over the agent's limit of ${limit} bytes.`,
        { hint: "Make images smaller, or print fewer copies per call." }));
      return;
    }
    e.sentOn = ws;
    ws.send(text);
  }

  _settle(e, err, result) {
    if (!this._outbox.delete(e.id)) return;
    clearTimeout(e.timer);
    if (err) e.reject(err);
    else e.resolve(result);
  }

  _onMessage(ws, data) {
    if (ws !== this._ws) return;
    let msg;
    try { msg = JSON.parse(data); } catch (_) { return; }
    if (msg.id !== undefined && msg.id !== null && !msg.method) {
      const e = this._outbox.get(msg.id);
      if (!e || e.sentOn !== ws) return;
      if (msg.error) {
        const err = msg.error;
        const reason = (err.data && err.data.reason) || "rpc_error";
        this._settle(e, new LabelbridgeError(reason, err.message || reason, { code: err.code }));
      } else {
        this._settle(e, null, msg.result);
      }
      return;
    }
    if (msg.method === "job" && msg.params) {
      this._noteJob(msg.params);
      this._emit("job", msg.params);
    } else if (msg.method === "printers" && msg.params) {
      this._emit("printers", msg.params.printers || []);
    }
  }

  _onClose(ws, ev) {
    if (ws !== this._ws) return;
    this._ws = null;
    for (const e of this._outbox.values()) {
      if (e.sentOn !== ws) continue;
      if (e.resend) e.sentOn = null; // sent again, same id and idempotency key, after the reconnect
      else this._settle(e, new LabelbridgeError("connection_lost", `${e.method}: the connection to Labelbridge was lost before it answered (${ev.code}${ev.reason ? " " + ev.reason : ""}).`));
    }
    if (this._state === "closed") return;
    this._lastError = new LabelbridgeError("connection_lost", `The connection to Labelbridge closed (${ev.code}${ev.reason ? " " + ev.reason : ""}).`, { port: this._port });
    if (!this._o.reconnect) {
      this.close();
      return;
    }
    this._setState("reconnecting");
    this._scheduleReconnect();
  }

  _scheduleReconnect() {
    clearTimeout(this._retryTimer);
    const base = Math.min(this._o.backoffMax, this._o.backoffMin * Math.pow(2, this._attempt));
    const delay = Math.round(base * (0.8 + 0.4 * Math.random()));
    this._attempt++;
    this._emit("status", { state: "reconnecting", port: this._port, attempt: this._attempt, retryIn: delay, error: this._lastError });
    this._retryTimer = setTimeout(() => this._reconnectNow(), delay);
  }

  _reconnectNow() {
    if (this._state !== "reconnecting" || this._opening) return;
    clearTimeout(this._retryTimer);
    this._open().catch((e) => {
      this._lastError = e;
      if (this._state === "reconnecting") this._scheduleReconnect();
    });
  }

  // Reconnect at once when the network or the tab comes back (Chrome closes
  // the sockets of inactive tabs).
  _watchPage(on) {
    const m = on ? "addEventListener" : "removeEventListener";
    if (typeof globalThis[m] === "function") globalThis[m]("online", this._kick);
    if (typeof document !== "undefined") document[m]("visibilitychange", this._kick);
  }

  _noteJob(j) {
    if (!j || !j.id) return;
    const known = this._jobs.get(j.id);
    if (known && TERMINAL.includes(known.state) && !TERMINAL.includes(j.state) && Date.parse(j.updatedAt) <= Date.parse(known.updatedAt)) {
      return; // a late reply older than the event we already have
    }
    this._jobs.delete(j.id);
    this._jobs.set(j.id, j);
    if (this._jobs.size > 1000) this._jobs.delete(this._jobs.keys().next().value);
    const set = this._waiters.get(j.id);
    if (set && TERMINAL.includes(j.state)) {
      this._waiters.delete(j.id);
      for (const w of set) { clearTimeout(w.timer); w.resolve(j); }
    }
  }

  _dropWaiter(id, w) {
    const set = this._waiters.get(id);
    if (!set) return;
    set.delete(w);
    clearTimeout(w.timer);
    if (!set.size) this._waiters.delete(id);
  }

  _setState(s) { this._state = s; }

  _emit(event, value) {
    for (const fn of Array.from(this._listeners[event])) {
      try { fn(value); } catch (e) { setTimeout(() => { throw e; }); }
    }
  }
}

// ---- finding the agent and explaining why it cannot be reached ----

async function probe(o) {
  // While the browser's Local Network Access prompt waits for the user, the
  // probe waits too (up to a minute) instead of calling the agent absent.
  const wait = (await localNetworkPermission()) === "prompt" ? Math.max(o.probeTimeout, LNA_PROMPT_WAIT) : o.probeTimeout;
  const results = await Promise.all(o.ports.map((port) => probePort(o, port, wait)));
  let refused = null;
  for (const r of results) {
    if (!r.health) continue;
    const st = r.health.originStatus;
    if (st === undefined || st === "allowed") return r; // no status: a same-origin page (no Origin header sent)
    if (!refused) refused = r;
  }
  if (refused) throw await originError(o, refused);
  const lna = await localNetworkPermission();
  if (lna === "denied") {
    throw new LabelbridgeError("permission_denied", "The browser does not let this page reach apps on this computer (Local Network Access is blocked for this site).", {
      hint: "Click the site-settings icon left of the address bar, allow local network access (\"Apps on this device\"), then reload the page. " +
        "Admins can allow the site for everyone with the LocalNetworkAccessAllowedForUrls browser policy; a page inside an iframe also needs allow=\"loopback-network\".",
    });
  }
  let hint = "Start Labelbridge (it runs in the system tray) " + (o.installUrl ? `or install it from ${o.installUrl}` : "or ask your IT team to install it") + ", then try again.";
  if (isSafari() && typeof location !== "undefined" && location.protocol === "https:") {
    hint += " Safari does not let https pages reach http://127.0.0.1: use Chrome, Edge or Firefox.";
  }
  throw new LabelbridgeError("agent_not_running",
    `Labelbridge is not running on this computer (nothing answered on ${o.host} port ${o.ports.join(", ")}).`,
    { hint, cause: results[0] && results[0].error });
}

async function probePort(o, port, timeout) {
  const ctl = typeof AbortController === "function" ? new AbortController() : null;
  const timer = setTimeout(() => ctl && ctl.abort(), timeout);
  try {
    const res = await o.fetch(`http://${o.host}:${port}/healthz`, { cache: "no-store", credentials: "omit", signal: ctl ? ctl.signal : undefined });
    const h = await res.json();
    if (!h || h.name !== "labelbridge") return { port, error: new Error("not Labelbridge") };
    return { port, health: h };
  } catch (error) {
    return { port, error };
  } finally {
    clearTimeout(timer);
  }
}

async function originError(o, r) {
  const h = r.health;
  const origin = h.origin || (typeof location !== "undefined" ? location.origin : "this site");
  const panel = `http://127.0.0.1:${r.port}/`;
  if (h.originStatus === "pending") {
    // A refused handshake is what puts the site on the approval list; the
    // browser hides its 403, /healthz explained it above.
    try { (await openSocket(o, r.port)).close(1000, "probe"); } catch (_) { /* expected */ }
    return new LabelbridgeError("origin_not_allowed", `This site (${origin}) is not allowed to print through Labelbridge yet.`, {
      hint: `Approve it in the Labelbridge tray menu or panel (${panel}) under pending sites, then try again.`, origin, port: r.port,
    });
  }
  if (h.originStatus === "denied") {
    return new LabelbridgeError("origin_denied", `This site (${origin}) was denied on this computer.`, {
      hint: `Open the Labelbridge panel (${panel}) and allow it, or ask your IT team.`, origin, port: r.port,
    });
  }
  return new LabelbridgeError("origin_invalid", `This page's origin (${origin}) cannot be allowed.`, {
    hint: "Serve the page over http(s) from a host name: file:// pages and sandboxed frames have no usable origin.", origin, port: r.port,
  });
}

function openSocket(o, port) {
  return new Promise((resolve, reject) => {
    let ws;
    try {
      ws = new o.WebSocket(`ws://${o.host}:${port}/ws`);
    } catch (e) {
      reject(new LabelbridgeError("connection_failed", `Cannot open ws://${o.host}:${port}/ws: ${e.message}`, { cause: e, port }));
      return;
    }
    const timer = setTimeout(() => fail("timed out"), o.connectTimeout);
    function fail(why) {
      clearTimeout(timer);
      ws.onopen = ws.onclose = ws.onerror = null;
      try { ws.close(); } catch (_) { /* not open */ }
      reject(new LabelbridgeError("connection_failed", `The WebSocket to Labelbridge on port ${port} failed (${why}).`, {
        port, hint: `If this keeps happening, check that this site is allowed in the Labelbridge panel (http://127.0.0.1:${port}/).`,
      }));
    }
    ws.onopen = () => {
      clearTimeout(timer);
      ws.onopen = ws.onclose = ws.onerror = null;
      resolve(ws);
    };
    ws.onerror = () => {};
    ws.onclose = (ev) => fail(`closed with ${ev.code}`);
  });
}

async function localNetworkPermission() {
  if (typeof navigator === "undefined" || !navigator.permissions || !navigator.permissions.query) return "";
  for (const name of ["loopback-network", "local-network-access"]) {
    try {
      return (await navigator.permissions.query({ name })).state;
    } catch (_) { /* this browser does not know the name */ }
  }
  return "";
}

function isSafari() {
  return typeof navigator !== "undefined" && /^((?!chrome|chromium|android|crios|fxios|edg).)*safari/i.test(navigator.userAgent || "");
}

// ---- print parameters ----

function printParams(x, o) {
  const p = {};
  if (typeof x === "string" || isBytes(x)) {
    p.raw = rawParams(x, o.language);
  } else if (x && typeof x === "object" && Array.isArray(x.elements)) {
    p.label = x;
  } else if (x && typeof x === "object" && (typeof x.data === "string" || x.base64 !== undefined || isBytes(x.data))) {
    p.raw = rawParams(x.base64 !== undefined ? { base64: x.base64 } : x.data, x.language || o.language);
  } else {
    throw invalid("print(): pass a label ({width, height, elements: […]}), raw printer commands as a string or bytes, or {language, data | base64}.");
  }
  if (o.printer !== undefined) {
    if (typeof o.printer !== "string" || !o.printer) throw invalid("print(): printer must be a printer id (a string)");
    p.printer = o.printer;
  }
  if (o.copies !== undefined) {
    if (!Number.isInteger(o.copies) || o.copies < 1) throw invalid(`print(): copies must be a whole number ≥ 1, got ${o.copies}`);
    p.copies = o.copies;
  }
  if (o.title !== undefined) p.title = String(o.title);
  if (o.idempotencyKey !== undefined && (typeof o.idempotencyKey !== "string" || !o.idempotencyKey)) {
    throw invalid("print(): idempotencyKey must be a non-empty string");
  }
  p.idempotencyKey = o.idempotencyKey || newKey();
  return p;
}

function rawParams(data, language) {
  const raw = {};
  if (language) raw.language = String(language).toLowerCase();
  if (typeof data === "string") raw.data = data;
  else if (isBytes(data)) raw.base64 = toBase64(data);
  else if (data && typeof data.base64 === "string") raw.base64 = data.base64;
  else throw invalid("print(): raw data must be a string, bytes or base64");
  return raw;
}

function isBytes(x) {
  return x instanceof ArrayBuffer || ArrayBuffer.isView(x);
}

function toBase64(x) {
  const bytes = x instanceof ArrayBuffer ? new Uint8Array(x) : new Uint8Array(x.buffer, x.byteOffset, x.byteLength);
  let s = "";
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

function utf8Length(s) {
  return typeof TextEncoder === "function" ? new TextEncoder().encode(s).length : unescape(encodeURIComponent(s)).length;
}

function newKey() {
  const c = globalThis.crypto;
  if (c && typeof c.randomUUID === "function") return c.randomUUID(); // secure contexts
  const b = new Uint8Array(16);
  if (c && c.getRandomValues) c.getRandomValues(b);
  else for (let i = 0; i < 16; i++) b[i] = Math.floor(Math.random() * 256);
  return Array.from(b, (v) => v.toString(16).padStart(2, "0")).join("");
}

function invalid(msg) {
  return new LabelbridgeError("invalid_params", "labelbridge: " + msg);
}

function closedError() {
  return new LabelbridgeError("closed", "The Labelbridge client was closed.");
}
