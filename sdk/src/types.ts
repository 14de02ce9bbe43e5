// The shapes of the wire as the SDK's users see them, in four modules:
// types.ts (this file: the names of methods, notifications, topics and error
// reasons, label problems, connect options), label.ts (the label model and
// printer settings), print.ts (print's arguments: documents, raw data,
// options) and status.ts (printers, jobs, the agent, sites, QZ Tray, fleet).
// The unions of names (Method, AdminMethod, Notification, Topic, AgentReason
// here; JobState in status.ts) must list exactly those of the Go package
// wire: its TestSDKTypesMatchTheWire reads them from the built labelbridge.d.ts.
// labelbridge.ts re-exports every one of them, and sdk/build.mjs folds the
// four files into the served labelbridge.d.ts, so the declarations here are
// the public contract: add freely, never rename.

/** Methods of the agent's JSON-RPC API that any page may call. */
export type Method =
  | "hello"
  | "printers.list"
  | "printers.get"
  | "printers.setDefault"
  | "print"
  | "jobs.list"
  | "jobs.get"
  | "jobs.cancel"
  | "jobs.retry"
  | "subscribe"
  | "unsubscribe"
  | "labels.preview"
  | "templates.save"
  | "templates.list"
  | "templates.delete";

/** Methods only the agent's panel and CLI (admin connections) may call; a page gets not_allowed. */
export type AdminMethod =
  | "sites.list"
  | "sites.approve"
  | "sites.deny"
  | "sites.revoke"
  | "printing.status"
  | "printing.pause"
  | "printing.resume"
  | "fleet.status"
  | "fleet.pause"
  | "fleet.resume"
  | "fleet.setEnabled"
  | "printers.add"
  | "printers.remove"
  | "printers.testPrint"
  | "printers.configure"
  | "printers.calibrate"
  | "printers.check"
  | "jobs.preview"
  | "panel.login"
  | "browserPrint.get"
  | "browserPrint.set"
  | "trust.get"
  | "trust.install"
  | "qzTray.get"
  | "qzTray.set";

/** Notifications (JSON-RPC messages without an id) the agent sends to subscribers. */
export type Notification = "job" | "printers" | "sites" | "fleet";

/** Topics of subscribe and unsubscribe ("sites" and "fleet": the panel and CLI only). */
export type Topic = "jobs" | "printers" | "sites" | "fleet";

/** Reasons in the agent's JSON-RPC errors (error.data.reason); see docs/protocol.md. */
export type AgentReason =
  | "parse_error"
  | "invalid_request"
  | "method_not_found"
  | "invalid_params"
  | "invalid_label"
  | "font_missing"
  | "unsupported_language"
  | "printer_not_found"
  | "language_mismatch"
  | "queue_full"
  | "payload_too_large"
  | "too_complex"
  | "job_not_found"
  | "invalid_state"
  | "not_allowed"
  | "store_failed"
  | "template_not_found"
  | "unavailable"
  | "internal_error";

/** Reasons the SDK itself gives (in the page, before or instead of the agent). */
export type ClientReason =
  | "agent_not_running"
  | "certificate_not_trusted"
  | "origin_not_allowed"
  | "origin_denied"
  | "origin_invalid"
  | "permission_denied"
  | "connection_failed"
  | "connection_lost"
  | "timeout"
  | "closed"
  | "invalid_params"
  | "payload_too_large";

/** Reasons the SDK gives, then the agent's (printer_not_found, queue_full, …), which pass through. */
export type ErrorReason = ClientReason | AgentReason | (string & {});

/** One problem of a label the agent refused (error data.problems; wire.Problem). */
export interface LabelProblem {
  /** JSON path of the value, e.g. "elements[3].data"; "" for the whole label. */
  path: string;
  /** What is wrong, lengths in the label's own unit. */
  message: string;
  /** What to do about it (never empty). */
  hint: string;
}

export interface ConnectOptions {
  /** Ports to try (default DEFAULT_PORTS). */
  ports?: readonly number[];
  /** wss ports to try when the agents' /healthz does not name them (default DEFAULT_TLS_PORTS). */
  tlsPorts?: readonly number[];
  /** "auto" (default): ws://, or wss:// for an https page that cannot reach ws://; "wss": always wss:// (the agent's local certificate must be trusted); "ws": never wss://. */
  transport?: "auto" | "ws" | "wss";
  /** Default "127.0.0.1". */
  host?: string;
  /** ms for one GET /healthz probe (default 1500). */
  probeTimeout?: number;
  /** ms for one WebSocket handshake (default 5000). */
  connectTimeout?: number;
  /** ms for printers(), job(), … (default 10000). */
  requestTimeout?: number;
  /** ms for print() to be confirmed, reconnects included (default 60000). */
  printTimeout?: number;
  /** Reconnect after the connection drops (default true). */
  reconnect?: boolean;
  /** First reconnect delay in ms (default 250); doubles up to backoffMax. */
  backoffMin?: number;
  /** Longest reconnect delay in ms (default 10000). */
  backoffMax?: number;
  /** Where users get the agent; named in the agent_not_running hint. */
  installUrl?: string;
  /** WebSocket subprotocols offered on every (re)connect; pages need none (the panel offers its admin session). */
  protocols?: readonly string[];
  /** Topics subscribed to on every (re)connect (default ["jobs", "printers"]; "sites" needs an admin connection). */
  topics?: readonly Topic[];
  /** For tests and non-browser hosts. */
  WebSocket?: unknown;
  fetch?: typeof fetch;
}
