// The shapes of the wire as the SDK's users see them: the label model,
// printers, jobs, the agent's methods, events and error reasons. The unions
// of names (Method, AdminMethod, Notification, Topic, JobState, AgentReason)
// must list exactly those of the Go package wire: its TestSDKTypesMatchTheWire
// reads them from the built labelbridge.d.ts.
// labelbridge.ts re-exports every one of them, and sdk/build.mjs folds this
// file into the served labelbridge.d.ts, so the declarations here are the
// public contract: add freely, never rename.

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

export type Unit = "mm" | "in" | "dot";
export type Rotation = 0 | 90 | 180 | 270;

export interface TextElement {
  type: "text";
  x: number;
  y: number;
  text: string;
  /** Cap height in the label's unit. */
  size: number;
  rotation?: Rotation;
  /** "printer" uses the printer's own font; otherwise a PC font name. */
  font?: string;
  /** A text box: the text wraps inside this width (v2). */
  width?: number;
  /** The box's height (needs width); verticalAlign places the lines in it. */
  height?: number;
  /** Default "word" with width (Korean breaks between words), else "none". */
  wrap?: "word" | "char" | "none";
  align?: "left" | "center" | "right" | "justify";
  /** Needs height. */
  verticalAlign?: "top" | "middle" | "bottom";
  /** At most this many lines (1–200). */
  maxLines?: number;
  /** What happens when the text does not fit: an error naming the element (default), "…", or a smaller size. */
  overflow?: "error" | "ellipsis" | "shrink";
  /** The smallest size "shrink" may use (default half of size). */
  minSize?: number;
  /** Multiple of the line box (default 1, at most 10). */
  lineSpacing?: number;
  /** The family's bold face, or synthetic emboldening. */
  bold?: boolean;
  /** White text on a black box covering the text box. */
  reverse?: boolean;
  /** Black around reversed text (needs reverse). */
  padding?: number;
}

export interface BarcodeElement {
  type: "barcode";
  symbology:
    | "code128"
    | "code39"
    | "ean13"
    | "upca"
    | "qr"
    | "datamatrix"
    | "gs1-128"
    | "gs1-datamatrix"
    | "ean8"
    | "upce"
    | "itf14"
    | "codabar"
    | "pdf417"
    | "aztec"
    | (string & {});
  x: number;
  y: number;
  data: string;
  /** 1D barcodes: bar height. */
  height?: number;
  /** 1D barcodes: the space the barcode must fit in. */
  width?: number;
  /** 2D barcodes: the symbol's size. */
  size?: number;
  /** Narrow bar width; chosen to fit when omitted. */
  module?: number;
  /** false hides the text under a 1D barcode. */
  hri?: boolean;
  rotation?: Rotation;
  /** Error correction: qr "L" | "M" | "Q" | "H"; pdf417 0–8; aztec percent 5–95; datamatrix 200. */
  ecc?: string | number;
  /** pdf417: data columns (1–30). */
  columns?: number;
  /** itf14: bearer bars above and below. */
  bearer?: boolean;
}

export interface LineElement {
  type: "line";
  x1: number;
  y1: number;
  x2: number;
  y2: number;
  thickness?: number;
}

export interface BoxElement {
  type: "box";
  x: number;
  y: number;
  width: number;
  height: number;
  thickness?: number;
  /** Rounded corners (at most half the shorter side). */
  radius?: number;
  fill?: "black" | "white";
  /** Invert what lies beneath (not with fill). */
  reverse?: boolean;
}

/** An ellipse in its box; a circle when width equals height. */
export interface EllipseElement {
  type: "ellipse";
  x: number;
  y: number;
  width: number;
  height: number;
  thickness?: number;
  fill?: "black" | "white";
}

export interface ImageElement {
  type: "image";
  x: number;
  y: number;
  width: number;
  height: number;
  /** Base64 PNG or JPEG. */
  data: string;
}

export type Element = TextElement | BarcodeElement | LineElement | BoxElement | EllipseElement | ImageElement;

/** The label model (v2; v1 labels are valid v2 labels). Unknown fields are errors that name the element and field. */
export interface Label {
  width: number;
  height: number;
  unit?: Unit;
  dpi?: number;
  copies?: number;
  elements: Element[];
  darkness?: number;
  speed?: number;
  media?: "gap" | "mark" | "continuous";
  gap?: number;
  markHeight?: number;
  method?: "direct" | "transfer";
  offset?: { x: number; y: number };
  printWidth?: number;
}

/**
 * Printer and media settings (v2): per printer (printers.configure, config
 * printerSettings, lengths in mm) and per label (the same fields flat in the
 * label, lengths in its unit), except the media's label size (labelWidth,
 * labelHeight, unit: the printer's only). See docs/labels.md#printer-and-media-settings.
 */
export interface PrinterSettings {
  /** 0–30, mapped to each language's scale (ZPL ~SD, TSPL DENSITY and EPL D halve it). */
  darkness?: number;
  /** Inches per second (1–14). */
  speed?: number;
  media?: "gap" | "mark" | "continuous";
  /** Gap between labels (media "gap"). */
  gap?: number;
  /** Black mark height (media "mark"). */
  markHeight?: number;
  method?: "direct" | "transfer";
  /** Moves the whole label right (x) and down (y); negative: left and up. */
  offset?: { x: number; y: number };
  /** Printable width (ESC/POS: default 72 mm). */
  printWidth?: number;
  /** The size of one label of the media, in `unit` (both sides or neither): a document printed without its own width and height prints at this size. Labels carry their own size and ignore it. */
  labelWidth?: number;
  labelHeight?: number;
  /** The unit of labelWidth and labelHeight only (other lengths here are in mm); default "mm". */
  unit?: Unit;
}

/** print's counters: label k (copies included) shows start + k×step, zero-padded to digits, in {{name}}. */
export interface Counter {
  name: string;
  start?: number;
  /** Default 1. */
  step?: number;
  digits?: number;
}

/** One row of print's rows: {{placeholder}} name → value. */
export type Row = Record<string, string | number | boolean | null>;

/** A saved label design (templates.save, templates.list), kept per site. */
export interface Template {
  name: string;
  bytes: number;
  createdAt: string;
  updatedAt: string;
}

/** A saved design to print instead of a label: print({template: "name"}, {rows}). */
export interface TemplateRef {
  template: string;
}

/** A document's file format. */
export type DocumentFormat = "pdf" | "png" | "jpeg";
/** How a page fits the label: whole (contain), filling it (cover) or at its own size (actual). */
export type DocumentFit = "contain" | "cover" | "actual";
/** "content" trims white margins first (a label in the corner of an A4 page). */
export type DocumentCrop = "none" | "content";
/** How grey becomes 1 bit. */
export type DocumentDither = "floyd-steinberg" | "threshold" | "ordered";

/** A PDF, PNG or JPEG printed one label per page (docs/documents.md). */
export interface Document {
  format: DocumentFormat;
  /** The file, base64. */
  base64: string;
  /** Pages to print, e.g. "1-3,5" or "2-" (default: all). */
  pages?: string;
  fit?: DocumentFit;
  /** "auto" (default) turns a landscape page onto portrait stock and the reverse. */
  rotate?: "auto" | 0 | 90 | 180 | 270;
  crop?: DocumentCrop;
  dither?: DocumentDither;
  /** 0–255 (default 128): darker than this prints black. */
  threshold?: number;
  /** The label size when the printer has none (default: the page's own). */
  width?: number;
  height?: number;
  unit?: "mm" | "in" | "dot";
}

/** Options of documentFrom: everything of Document but the file itself. */
export type DocumentOptions = Omit<Document, "format" | "base64"> & { format?: DocumentFormat };

/** print()'s argument for a document: print({document: {format: "pdf", base64}}) or documentFrom(…). */
export interface DocumentRef {
  document: Document;
}

/** Raw printer commands: text, or bytes as base64. */
export type Raw =
  | string
  | ArrayBuffer
  | ArrayBufferView
  | { language?: string; data: string | ArrayBuffer | ArrayBufferView }
  | { language?: string; base64: string };

export interface PrintOptions {
  /** Printer id (default: the agent's default printer). */
  printer?: string;
  copies?: number;
  /** The same key from the same site never makes a second job; made for you when omitted. */
  idempotencyKey?: string;
  title?: string;
  /** Language of raw data: "zpl", "tspl", "epl", "escpos", … */
  language?: string;
  /** ms until the print must be confirmed (default printTimeout). */
  timeout?: number;
  /** One label per row (at most 10,000), {{placeholders}} filled from it: one job. */
  rows?: Row[];
  /** Numbers the labels ({{name}}), copies included. */
  counters?: Counter[];
}

export type PrinterState = "ready" | "busy" | "error" | "offline";

export interface Printer {
  id: string;
  name: string;
  connection: "usb" | "network" | "spooler" | "virtual" | (string & {});
  language: string;
  vendor?: string;
  model?: string;
  dpi?: number;
  status: { state: PrinterState; reasons: string[] };
  isDefault: boolean;
  queued?: number;
  /** Print and media settings configured for this printer (printers.configure). */
  settings?: PrinterSettings;
  [field: string]: unknown;
}

export type JobState = "queued" | "sending" | "done" | "failed" | "canceled" | "held";

export interface Job {
  id: string;
  state: JobState;
  printer: string;
  origin: string;
  title?: string;
  copies: number;
  /** A batch's labels, copies included (print with rows or counters). */
  labels?: number;
  idempotencyKey?: string;
  /** Why it is held or failed: the printer's condition (unreachable, refused, dns, paper_out, …), held_too_long, … */
  reason?: string;
  /** The printer's condition behind a hold, kept when the job fails for being held too long. */
  cause?: string;
  /** The error text behind reason, for people. */
  detail?: string;
  /** The job this one reprints (jobs.retry of a done job). */
  reprintOf?: string;
  /** The job this one was sent again for, on another printer. */
  retryOf?: string;
  createdAt: string;
  updatedAt: string;
  [field: string]: unknown;
}

export interface JobFilter {
  state?: JobState;
  printer?: string;
  limit?: number;
}

export interface AgentInfo {
  name: string;
  version: string;
  protocol: number;
  origin: string;
  defaultPrinter: string;
  maxMessageBytes: number;
  methods: string[];
  [field: string]: unknown;
}

/** A site (origin) as the panel lists it. */
export interface Site {
  origin: string;
  state: "allowed" | "pending" | "denied" | (string & {});
  locked?: boolean;
  /** One of the built-in patterns (localhost), allowed out of the box. */
  builtin?: boolean;
  attempts?: number;
  lastSeen?: string;
  [field: string]: unknown;
}

/** The "sites" event (admin connections subscribed to "sites"): every site, whether the list is locked by policy, how many wait. */
export interface SitesUpdate {
  sites: Site[];
  locked: boolean;
  pending: number;
  /** The built-in patterns, so they can be allowed again after removal. */
  builtin: string[];
}

/** qzTray.get / qzTray.set (admin): the QZ Tray compatible listener (ws:// on port, wss:// on securePort). */
export interface QZTrayState {
  enabled: boolean;
  port: number;
  securePort: number;
  listening: boolean;
  secureListening: boolean;
  locked: boolean;
  error?: string;
}

/** fleet.status / fleet.pause / fleet.resume / fleet.setEnabled (admin): the connection to the customer's MQTT broker (docs/fleet.md). */
export interface FleetStatus {
  configured: boolean;
  enabled: boolean;
  paused: boolean;
  state: "off" | "paused" | "connecting" | "connected" | "disconnected";
  broker?: string;
  station?: string;
  locked: boolean;
  since?: string;
  error?: string;
  nextAttempt?: string;
}
