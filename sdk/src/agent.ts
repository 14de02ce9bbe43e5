// Finding the agent and explaining why it cannot be reached: probe the
// known ports' GET /healthz, open the WebSocket, and turn what the browser
// hides (a refused handshake is only code 1006) into a LabelbridgeError
// with a reason and a hint.

import { LabelbridgeError } from "./labelbridge";
import type { Topic } from "./types";

/** The browser WebSocket as the client uses it (injectable for tests and other hosts). */
export interface Socket {
  readonly readyState: number;
  onopen: ((ev?: unknown) => void) | null;
  onmessage: ((ev: { data: string }) => void) | null;
  onclose: ((ev: { code: number; reason: string }) => void) | null;
  onerror: ((ev?: unknown) => void) | null;
  send(text: string): void;
  close(code?: number, reason?: string): void;
}

/** The client's options with every default filled in. */
export interface Options {
  ports: readonly number[];
  tlsPorts: readonly number[];
  transport: "auto" | "ws" | "wss";
  host: string;
  probeTimeout: number;
  connectTimeout: number;
  requestTimeout: number;
  printTimeout: number;
  reconnect: boolean;
  backoffMin: number;
  backoffMax: number;
  installUrl: string;
  protocols: readonly string[];
  topics: readonly Topic[];
  WebSocket: unknown;
  fetch: typeof fetch | undefined;
}

interface Health {
  name?: string;
  tlsPort?: number;
  origin?: string;
  originStatus?: "allowed" | "pending" | "denied" | "invalid";
}

interface ProbeResult {
  port: number;
  /** wss:// and https:// (the agent's local certificate) rather than ws:// */
  secure?: boolean;
  health?: Health;
  error?: unknown;
}

const LNA_PROMPT_WAIT = 60000;

export async function probe(o: Options): Promise<ProbeResult> {
  // While the browser's Local Network Access prompt waits for the user, the
  // probe waits too (up to a minute) instead of calling the agent absent.
  const wait = (await localNetworkPermission()) === "prompt" ? Math.max(o.probeTimeout, LNA_PROMPT_WAIT) : o.probeTimeout;
  const results = await Promise.all(o.ports.map((port) => probePort(o, port, wait, false)));
  let refused: ProbeResult | null = null;
  if (o.transport !== "wss") {
    for (const r of results) {
      if (!r.health) continue;
      const st = r.health.originStatus;
      if (st === undefined || st === "allowed") return r; // no status: a same-origin page (no Origin header sent)
      if (!refused) refused = r;
    }
  }
  // wss: asked for, or an https page that cannot reach ws:// (Safari, strict
  // browsers). The agent's /healthz names its TLS port; else the defaults.
  const running = results.filter((r) => r.health);
  if (o.transport === "wss" || (o.transport === "auto" && pageIsHttps() && running.length === 0)) {
    const named = running.map((r) => r.health!.tlsPort).filter((p): p is number => typeof p === "number");
    const tlsPorts = named.length ? named : o.tlsPorts;
    const secure = await Promise.all(tlsPorts.map((port) => probePort(o, port, wait, true)));
    for (const r of secure) {
      if (!r.health) continue;
      const st = r.health.originStatus;
      if (st === undefined || st === "allowed") return r;
      if (!refused) refused = r;
    }
    if (!refused && running.length > 0) {
      // Labelbridge answers on http but not on https: the browser refused its certificate.
      const port = running[0].port;
      throw new LabelbridgeError("certificate_not_trusted",
        `Labelbridge is running, but this browser does not trust its local certificate (https://${o.host}:${tlsPorts[0]}), so this page cannot use wss://.`, {
          port, cause: secure[0] && secure[0].error,
          hint: `On this computer run "labelbridge trust install", or open the Labelbridge panel (http://127.0.0.1:${port}/) and press "Trust the certificate"; then restart the browser.`,
        });
    }
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
  if (pageIsHttps()) {
    hint += " If Labelbridge is running, this browser may not trust its local certificate (needed for https pages" +
      (isSafari() ? " in Safari" : "") + "): run \"labelbridge trust install\" on this computer or press \"Trust the certificate\" in the Labelbridge panel, then restart the browser.";
  }
  throw new LabelbridgeError("agent_not_running",
    `Labelbridge is not running on this computer (nothing answered on ${o.host} port ${o.ports.join(", ")}).`,
    { hint, cause: results[0] && results[0].error });
}

async function probePort(o: Options, port: number, timeout: number, secure: boolean): Promise<ProbeResult> {
  const ctl = typeof AbortController === "function" ? new AbortController() : null;
  const timer = setTimeout(() => ctl && ctl.abort(), timeout);
  try {
    const res = await o.fetch!(`${secure ? "https" : "http"}://${o.host}:${port}/healthz`, { cache: "no-store", credentials: "omit", signal: ctl ? ctl.signal : undefined });
    const h: Health | null = await res.json();
    if (!h || h.name !== "labelbridge") return { port, secure, error: new Error("not Labelbridge") };
    return { port, secure, health: h };
  } catch (error) {
    return { port, secure, error };
  } finally {
    clearTimeout(timer);
  }
}

async function originError(o: Options, r: ProbeResult): Promise<LabelbridgeError> {
  const h = r.health!;
  const origin = h.origin || (typeof location !== "undefined" ? location.origin : "this site");
  const panel = `http://127.0.0.1:${r.port}/`;
  if (h.originStatus === "pending") {
    // A refused handshake is what puts the site on the approval list; the
    // browser hides its 403, /healthz explained it above.
    try { (await openSocket(o, r.port, r.secure)).close(1000, "probe"); } catch (_) { /* expected */ }
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

export function openSocket(o: Options, port: number, secure?: boolean): Promise<Socket> {
  return new Promise((resolve, reject) => {
    let ws: Socket;
    const url = `${secure ? "wss" : "ws"}://${o.host}:${port}/ws`;
    try {
      const WS = o.WebSocket as new (url: string, protocols?: string[]) => Socket;
      ws = new WS(url, o.protocols.length ? Array.from(o.protocols) : undefined);
    } catch (e) {
      reject(new LabelbridgeError("connection_failed", `Cannot open ${url}: ${(e as Error).message}`, { cause: e, port }));
      return;
    }
    const timer = setTimeout(() => fail("timed out"), o.connectTimeout);
    function fail(why: string) {
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

async function localNetworkPermission(): Promise<string> {
  if (typeof navigator === "undefined" || !navigator.permissions || !navigator.permissions.query) return "";
  for (const name of ["loopback-network", "local-network-access"]) {
    try {
      return (await navigator.permissions.query({ name } as unknown as PermissionDescriptor)).state;
    } catch (_) { /* this browser does not know the name */ }
  }
  return "";
}

function pageIsHttps(): boolean {
  return typeof location !== "undefined" && location.protocol === "https:";
}

function isSafari(): boolean {
  return typeof navigator !== "undefined" && /^((?!chrome|chromium|android|crios|fxios|edg).)*safari/i.test(navigator.userAgent || "");
}
