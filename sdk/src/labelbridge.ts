/*! labelbridge.js — print labels from a web page through the Labelbridge agent on this computer. */
// The SDK's one source (TypeScript, type-checked strict by `tsc --noEmit`).
// sdk/build.mjs makes from it, with esbuild, the files the agent embeds and
// serves at /sdk/: labelbridge.js (ES module), labelbridge.global.js (classic
// script, global `Labelbridge`), labelbridge.cjs (CommonJS), and with tsc
// labelbridge.d.ts. Run `make sdk` after editing; a test fails when they are
// stale.
//
// Wire: JSON-RPC 2.0 over ws://127.0.0.1:PORT/ws; GET /healthz (answered for
// any origin, with CORS) explains refusals the browser hides.
//
// Over 400 lines: the Client is one state machine (outbox, reconnect,
// waiters) that reads best whole; finding the agent is in agent.ts, print
// parameters in params.ts, the wire's shapes in types.ts, label.ts, print.ts
// and status.ts.

import { documentFrom as readDocument } from "./document";
import type { ConnectOptions, ErrorReason, LabelProblem, Notification, Topic } from "./types";
import type { Label, TemplateRef } from "./label";
import type { Document, DocumentOptions, DocumentRef, PrintOptions, Raw } from "./print";
import type { AgentInfo, FleetStatus, Job, JobFilter, Printer, SitesUpdate } from "./status";
import { openSocket, probe, type Options, type Socket } from "./agent";
import { printParams, invalid, closedError, utf8Length, PRINT_OPTIONS } from "./params";

export type * from "./types";
export type * from "./label";
export type * from "./print";
export type * from "./status";

/**
 * Reads a PDF, PNG or JPEG (a Blob or File, bytes, or a URL of this page's
 * own origin) into print()'s argument: print(await documentFrom(blob)).
 */
export const documentFrom: (source: Blob | ArrayBuffer | ArrayBufferView | string | URL, options?: DocumentOptions) => Promise<DocumentRef> = readDocument;

export const VERSION: string = "1.0.0";
export const PROTOCOL: number = 1;
/** Ports tried in order: the default 19810, then where admins put a second or third agent (multi-user PCs). */
export const DEFAULT_PORTS: readonly number[] = Object.freeze([19810, 19811, 19812]);
/** The agents' wss ports (each agent's port + 10), tried when the agents' /healthz cannot be read to name them. */
export const DEFAULT_TLS_PORTS: readonly number[] = Object.freeze([19820, 19821, 19822]);

const EVENTS = ["job", "printers", "sites", "fleet", "status"] as const;
const TOPICS: readonly Topic[] = ["jobs", "printers", "sites", "fleet"];
const TERMINAL: readonly string[] = ["done", "failed", "canceled"];
const DEFAULTS: Options = {
  ports: DEFAULT_PORTS,
  tlsPorts: DEFAULT_TLS_PORTS,
  transport: "auto", // ws://, or wss:// where ws cannot be used (an https page that cannot reach http://127.0.0.1)
  host: "127.0.0.1",
  probeTimeout: 1500, // one GET /healthz
  connectTimeout: 5000, // one WebSocket handshake
  requestTimeout: 10000, // printers(), job(), …
  printTimeout: 60000, // print(): until the agent confirms the job is stored, reconnects included
  reconnect: true,
  backoffMin: 250,
  backoffMax: 10000,
  installUrl: "", // named in the "agent not running" hint
  protocols: [], // WebSocket subprotocols (the panel's admin session)
  topics: ["jobs", "printers"], // subscribed to on every (re)connect
  WebSocket: undefined, // injectable (tests, non-browser hosts)
  fetch: undefined,
};

/** What an error carries besides its reason and message. */
export interface ErrorDetails {
  hint?: string;
  code?: number;
  port?: number;
  origin?: string;
  idempotencyKey?: string;
  cause?: unknown;
  problems?: LabelProblem[];
}

/** An error with a stable snake_case `reason` and a `hint` saying what to do. */
export class LabelbridgeError extends Error {
  declare readonly name: "LabelbridgeError";
  /** Stable snake_case reason to switch on. */
  readonly reason: ErrorReason;
  /** What the user or developer can do about it (also appended to message). */
  readonly hint: string;
  /** The JSON-RPC error code, for errors the agent returned. */
  declare readonly code?: number;
  declare readonly port?: number;
  declare readonly origin?: string;
  /** On a print timeout: the key to retry with so the label prints once. */
  declare readonly idempotencyKey?: string;
  declare readonly cause?: unknown;
  /**
   * Every problem of a label the agent refused (invalid_label…), each with
   * its path, message and hint; the message and hint are the first's.
   */
  readonly problems: readonly LabelProblem[];

  constructor(reason: ErrorReason, message: string, extra?: ErrorDetails) {
    extra = extra || {};
    super(extra.hint ? message + " " + extra.hint : message);
    (this as { name: string }).name = "LabelbridgeError";
    this.reason = reason;
    this.hint = extra.hint || "";
    this.problems = Object.freeze((extra.problems || []).slice());
    for (const k of ["code", "port", "origin", "idempotencyKey", "cause"] as const) {
      if (extra[k] !== undefined) (this as Record<string, unknown>)[k] = extra[k];
    }
  }
}

export interface Status {
  state: "connecting" | "connected" | "reconnecting" | "closed";
  port: number;
  /** Why the connection is down (while reconnecting) or could not be made. */
  error?: LabelbridgeError;
  attempt?: number;
  /** ms until the next reconnect attempt. */
  retryIn?: number;
}

export interface EventMap {
  job: Job;
  printers: Printer[];
  /** Admin connections subscribed to the "sites" topic only. */
  sites: SitesUpdate;
  /** Admin connections subscribed to the "fleet" topic only: the fleet connection's state changed. */
  fleet: FleetStatus;
  status: Status;
}

/** Connects to the agent (trying the known ports) and resolves with a Client. */
export async function connect(options?: ConnectOptions): Promise<Client> {
  const client = new Client(options);
  await client._start();
  return client;
}

interface Pending {
  id: number;
  method: string;
  params: unknown;
  resend: boolean;
  resolve: (result: any) => void;
  reject: (err: Error) => void;
  sentOn: Socket | null;
  timer?: ReturnType<typeof setTimeout>;
}

interface Waiter {
  resolve: (job: Job) => void;
  reject: (err: Error) => void;
  timer?: ReturnType<typeof setTimeout>;
}

interface Message {
  id?: number | string | null;
  method?: Notification | string;
  params?: any;
  result?: any;
  error?: { code?: number; message?: string; data?: { reason?: string; problems?: LabelProblem[] } };
}

type Listener = (value: any) => void;

/** A connection to the agent that reconnects by itself. Make one with connect(). */
export class Client {
  private _o: Options;
  private _state: Status["state"] | "idle" = "idle";
  private _ws: Socket | null = null;
  private _port = 0;
  private _info: AgentInfo | null = null;
  private _nextId = 0;
  private _outbox = new Map<number, Pending>(); // id → request not yet answered (insertion order = send order)
  private _listeners: Record<keyof EventMap, Set<Listener>> = { job: new Set(), printers: new Set(), sites: new Set(), fleet: new Set(), status: new Set() };
  private _jobs = new Map<string, Job>(); // job id → last seen Job (bounded)
  private _waiters = new Map<string, Set<Waiter>>(); // job id → Set of waitJob callbacks
  private _attempt = 0;
  private _retryTimer: ReturnType<typeof setTimeout> | undefined = undefined;
  private _opening = false;
  private _lastError: Error | null = null;
  private _kick: () => void;

  /** Use connect(), which also opens the connection. */
  constructor(options?: ConnectOptions) {
    const o: Options = Object.assign({}, DEFAULTS);
    for (const [k, v] of Object.entries(options || {})) {
      if (!(k in DEFAULTS)) throw new TypeError(`labelbridge: unknown option "${k}"`);
      if (v !== undefined) (o as unknown as Record<string, unknown>)[k] = v;
    }
    o.WebSocket = o.WebSocket || globalThis.WebSocket;
    o.fetch = o.fetch || (globalThis.fetch && globalThis.fetch.bind(globalThis));
    if (!o.WebSocket || !o.fetch) throw new TypeError("labelbridge: this environment has no WebSocket or fetch");
    o.ports = Array.from(o.ports);
    if (!Array.isArray(o.protocols) || o.protocols.some((p) => typeof p !== "string")) throw new TypeError("labelbridge: protocols must be a list of strings");
    o.protocols = Array.from(o.protocols);
    for (const t of o.topics) {
      if (!TOPICS.includes(t)) throw new TypeError(`labelbridge: topics: "${t}" is not a topic (use ${TOPICS.join(", ")})`);
    }
    o.topics = Array.from(o.topics);
    this._o = o;
    this._kick = () => {
      if (this._state === "reconnecting" && (typeof document === "undefined" || document.visibilityState !== "hidden")) {
        this._attempt = 0;
        this._reconnectNow();
      }
    };
  }

  /** "connecting" | "connected" | "reconnecting" | "closed". */
  get state(): Status["state"] { return this._state as Status["state"]; } // "idle" only before connect() starts it
  /** The port of the agent in use. */
  get port(): number { return this._port; }
  /** The agent's hello: name, version, protocol, origin, defaultPrinter, maxMessageBytes, methods. */
  get info(): AgentInfo | null { return this._info; }

  /** Listens to "job" (a Job), "printers" (Printer[]), "sites" and "fleet" (admin connections) or "status" ({state, port, error?, attempt?, retryIn?}); returns an unsubscribe function. */
  on<E extends keyof EventMap>(event: E, fn: (value: EventMap[E]) => void): () => void {
    if (!(EVENTS as readonly string[]).includes(event)) throw new TypeError(`labelbridge: unknown event "${event}" (use ${EVENTS.join(", ")})`);
    if (typeof fn !== "function") throw new TypeError("labelbridge: on() needs a function");
    this._listeners[event].add(fn as Listener);
    return () => this.off(event, fn);
  }

  off<E extends keyof EventMap>(event: E, fn: (value: EventMap[E]) => void): void {
    if (this._listeners[event]) this._listeners[event].delete(fn as Listener);
  }

  /** The printers, the default first. */
  async printers(): Promise<Printer[]> {
    return (await this._request("printers.list", {}, { resend: true })).printers;
  }

  async printer(id: string): Promise<Printer> {
    return (await this._request("printers.get", { printer: id }, { resend: true })).printer;
  }

  /**
   * Prints a label (the label model: {width, height, elements, …}) or raw
   * printer commands (a string, bytes, or {language, data | base64}).
   * Resolves with the job once the agent has stored it durably (not yet
   * printed: see waitJob). Every print carries an idempotency key (one is
   * made when none is given), so a print re-sent after a reconnect never
   * prints twice.
   */
  print(labelOrRaw: Label | TemplateRef | DocumentRef | Raw, options?: PrintOptions): Promise<Job> {
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
      return r.job as Job;
    });
  }

  /** One job (this page's own). */
  async job(id: string): Promise<Job> {
    const j: Job = (await this._request("jobs.get", { job: String(id) }, { resend: true })).job;
    this._noteJob(j);
    return j;
  }

  /** This page's jobs, newest first: filter {state?, printer?, limit?}. */
  async jobs(filter?: JobFilter): Promise<Job[]> {
    return (await this._request("jobs.list", filter || {}, { resend: true })).jobs;
  }

  /** Cancels a queued or held job. */
  async cancel(id: string): Promise<Job> {
    const j: Job = (await this._request("jobs.cancel", { job: String(id) })).job;
    this._noteJob(j);
    return j;
  }

  /**
   * Sends a job again: a failed or canceled job is queued again; a done job
   * is reprinted as a new job marked `reprintOf`. With `printer`, a held,
   * failed, canceled or done job goes to that printer as a new job marked
   * `retryOf` (a held job is canceled first, so it never prints twice).
   */
  async retry(id: string, options?: { printer?: string }): Promise<Job> {
    const params: { job: string; printer?: string } = { job: String(id) };
    if (options && options.printer) params.printer = options.printer;
    const j: Job = (await this._request("jobs.retry", params)).job;
    this._noteJob(j);
    return j;
  }

  /** Resolves with the job once it is done, failed or canceled (check job.state). */
  waitJob(id: string, options?: { timeout?: number }): Promise<Job> {
    const timeout = (options && options.timeout) || this._o.printTimeout;
    const known = this._jobs.get(id);
    if (known && TERMINAL.includes(known.state)) return Promise.resolve(known);
    if (this._state === "closed") return Promise.reject(closedError());
    return new Promise((resolve, reject) => {
      const w: Waiter = { resolve, reject };
      w.timer = setTimeout(() => {
        this._dropWaiter(id, w);
        reject(new LabelbridgeError("timeout", `job ${id} did not finish within ${timeout} ms.`));
      }, timeout);
      if (!this._waiters.has(id)) this._waiters.set(id, new Set());
      this._waiters.get(id)!.add(w);
      // Catch up: its last event may have gone by before we listened.
      this.job(id).catch((e) => {
        if (e.reason === "job_not_found") {
          this._dropWaiter(id, w);
          reject(e);
        }
      });
    });
  }

  /** A PNG of the label, or of a document's pages one under another, as a data: URL. */
  async preview(label: Label | DocumentRef, options?: { dpi?: number }): Promise<string> {
    const params: { label?: Label; document?: Document; dpi?: number } =
      "document" in label ? { document: label.document } : { label };
    if (options && options.dpi) params.dpi = options.dpi;
    const r = await this._request("labels.preview", params, { resend: true });
    return "data:" + r.contentType + ";base64," + r.png;
  }

  /** Calls any method of the agent's JSON-RPC API. It is not re-sent after a reconnect. */
  call<T = unknown>(method: string, params?: object, options?: { timeout?: number }): Promise<T> {
    return this._request(method, params || {}, { timeout: options && options.timeout });
  }

  /** Closes the connection for good; unanswered calls fail with reason "closed". */
  close(): void {
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

  /** @internal Opens the first connection (connect() calls it). */
  async _start(): Promise<void> {
    this._setState("connecting");
    this._emit("status", { state: "connecting", port: 0 });
    try {
      await this._open();
    } catch (e) {
      this._state = "closed";
      this._emit("status", { state: "closed", port: 0, error: e as LabelbridgeError });
      throw e;
    }
    this._watchPage(true);
  }

  private async _open(): Promise<void> {
    this._opening = true;
    try {
      const found = await probe(this._o);
      const ws = await openSocket(this._o, found.port, found.secure);
      if (this._state === "closed") {
        ws.close(1000, "closed by the page");
        return;
      }
      this._attach(ws, found.port);
    } finally {
      this._opening = false;
    }
  }

  private _attach(ws: Socket, port: number): void {
    this._ws = ws;
    this._port = port;
    ws.onmessage = (ev) => this._onMessage(ws, ev.data);
    ws.onclose = (ev) => this._onClose(ws, ev);
    ws.onerror = () => {}; // onclose follows and says what happened
    // hello and subscribe go first; the server handles one socket's messages in order.
    this._request("hello", { client: "labelbridge.js", version: VERSION, protocol: PROTOCOL }, { now: true })
      .then((info) => { this._info = info; }, () => {});
    this._request("subscribe", { topics: this._o.topics }, { now: true }).catch(() => {});
    for (const e of this._outbox.values()) {
      if (!e.sentOn) this._send(e);
    }
    this._attempt = 0;
    this._lastError = null;
    this._setState("connected");
    this._emit("status", { state: "connected", port });
    for (const id of this._waiters.keys()) this.job(id).catch(() => {}); // events missed while away
  }

  private _request(method: string, params: unknown, opt?: { resend?: boolean; timeout?: number; now?: boolean }): Promise<any> {
    opt = opt || {};
    if (this._state === "closed") return Promise.reject(closedError());
    return new Promise((resolve, reject) => {
      const e: Pending = { id: ++this._nextId, method, params, resend: !!opt.resend, resolve, reject, sentOn: null };
      const timeout = opt.timeout || (method === "print" ? this._o.printTimeout : this._o.requestTimeout);
      e.timer = setTimeout(() => {
        const key = (params as { idempotencyKey?: string } | null)?.idempotencyKey;
        this._settle(e, new LabelbridgeError("timeout",
          `${method} got no answer within ${timeout} ms` + (this._state === "connected" ? "." : ` (the agent is unreachable: ${this._lastError ? this._lastError.message : "reconnecting"}).`),
          key ? { hint: `The job may still print once the agent is back: retry with the same idempotencyKey (${key}) to be sure it prints once.`, idempotencyKey: key } : {}));
      }, timeout);
      this._outbox.set(e.id, e);
      if (this._state === "connected" || opt.now) this._send(e);
    });
  }

  private _send(e: Pending): void {
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

  private _settle(e: Pending, err: Error | null, result?: unknown): void {
    if (!this._outbox.delete(e.id)) return;
    clearTimeout(e.timer);
    if (err) e.reject(err);
    else e.resolve(result);
  }

  private _onMessage(ws: Socket, data: string): void {
    if (ws !== this._ws) return;
    let msg: Message;
    try { msg = JSON.parse(data); } catch (_) { return; }
    if (msg.id !== undefined && msg.id !== null && !msg.method) {
      const e = this._outbox.get(msg.id as number);
      if (!e || e.sentOn !== ws) return;
      if (msg.error) {
        const err = msg.error;
        const reason = (err.data && err.data.reason) || "rpc_error";
        const problems = (err.data && Array.isArray(err.data.problems)) ? err.data.problems : undefined;
        this._settle(e, new LabelbridgeError(reason, err.message || reason,
          { code: err.code, problems, hint: problems && problems.length ? problems[0].hint : undefined }));
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
    } else if (msg.method === "sites" && msg.params) {
      this._emit("sites", msg.params);
    } else if (msg.method === "fleet" && msg.params) {
      this._emit("fleet", msg.params);
    }
  }

  private _onClose(ws: Socket, ev: { code: number; reason: string }): void {
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

  private _scheduleReconnect(): void {
    clearTimeout(this._retryTimer);
    const base = Math.min(this._o.backoffMax, this._o.backoffMin * Math.pow(2, this._attempt));
    const delay = Math.round(base * (0.8 + 0.4 * Math.random()));
    this._attempt++;
    this._emit("status", { state: "reconnecting", port: this._port, attempt: this._attempt, retryIn: delay, error: this._lastError as LabelbridgeError });
    this._retryTimer = setTimeout(() => this._reconnectNow(), delay);
  }

  private _reconnectNow(): void {
    if (this._state !== "reconnecting" || this._opening) return;
    clearTimeout(this._retryTimer);
    this._open().catch((e) => {
      this._lastError = e;
      if (this._state === "reconnecting") this._scheduleReconnect();
    });
  }

  // Reconnect at once when the network or the tab comes back (Chrome closes
  // the sockets of inactive tabs).
  private _watchPage(on: boolean): void {
    const m = on ? "addEventListener" : "removeEventListener";
    if (typeof globalThis[m] === "function") globalThis[m]("online", this._kick);
    if (typeof document !== "undefined") document[m]("visibilitychange", this._kick);
  }

  private _noteJob(j: Job | undefined): void {
    if (!j || !j.id) return;
    const known = this._jobs.get(j.id);
    if (known && TERMINAL.includes(known.state) && !TERMINAL.includes(j.state) && Date.parse(j.updatedAt) <= Date.parse(known.updatedAt)) {
      return; // a late reply older than the event we already have
    }
    this._jobs.delete(j.id);
    this._jobs.set(j.id, j);
    if (this._jobs.size > 1000) this._jobs.delete(this._jobs.keys().next().value!);
    const set = this._waiters.get(j.id);
    if (set && TERMINAL.includes(j.state)) {
      this._waiters.delete(j.id);
      for (const w of set) { clearTimeout(w.timer); w.resolve(j); }
    }
  }

  private _dropWaiter(id: string, w: Waiter): void {
    const set = this._waiters.get(id);
    if (!set) return;
    set.delete(w);
    clearTimeout(w.timer);
    if (!set.size) this._waiters.delete(id);
  }

  private _setState(s: Status["state"]): void { this._state = s; }

  private _emit<E extends keyof EventMap>(event: E, value: EventMap[E]): void {
    for (const fn of Array.from(this._listeners[event])) {
      try { fn(value); } catch (e) { setTimeout(() => { throw e; }); }
    }
  }
}
