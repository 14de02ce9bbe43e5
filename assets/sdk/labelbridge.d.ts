// Types for labelbridge.js, the Labelbridge browser SDK.

export declare const VERSION: string;
export declare const PROTOCOL: number;
/** Ports connect() tries, in order: 19810, 19811, 19812. */
export declare const DEFAULT_PORTS: readonly number[];

/** Reasons the SDK itself gives; the agent's own (printer_not_found, queue_full, …) pass through. */
export type ErrorReason =
  | "agent_not_running"
  | "origin_not_allowed"
  | "origin_denied"
  | "origin_invalid"
  | "permission_denied"
  | "connection_failed"
  | "connection_lost"
  | "timeout"
  | "closed"
  | "invalid_params"
  | "payload_too_large"
  | (string & {});

export declare class LabelbridgeError extends Error {
  readonly name: "LabelbridgeError";
  /** Stable snake_case reason to switch on. */
  readonly reason: ErrorReason;
  /** What the user or developer can do about it (also appended to message). */
  readonly hint: string;
  /** The JSON-RPC error code, for errors the agent returned. */
  readonly code?: number;
  readonly port?: number;
  readonly origin?: string;
  /** On a print timeout: the key to retry with so the label prints once. */
  readonly idempotencyKey?: string;
}

export interface ConnectOptions {
  /** Ports to try (default DEFAULT_PORTS). */
  ports?: readonly number[];
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
}

export interface BarcodeElement {
  type: "barcode";
  symbology: "code128" | "code39" | "ean13" | "upca" | "qr" | "datamatrix" | (string & {});
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

export type Element = TextElement | BarcodeElement | LineElement | BoxElement | ImageElement;

/** The label model (v1). Unknown fields are errors that name the element and field. */
export interface Label {
  width: number;
  height: number;
  unit?: Unit;
  dpi?: number;
  copies?: number;
  elements: Element[];
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
  idempotencyKey?: string;
  reason?: string;
  createdAt: string;
  updatedAt: string;
  [field: string]: unknown;
}

export interface JobFilter {
  state?: JobState;
  printer?: string;
  limit?: number;
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

export interface EventMap {
  job: Job;
  printers: Printer[];
  status: Status;
}

export declare class Client {
  private constructor();
  readonly state: Status["state"];
  readonly port: number;
  readonly info: AgentInfo | null;
  on<E extends keyof EventMap>(event: E, fn: (value: EventMap[E]) => void): () => void;
  off<E extends keyof EventMap>(event: E, fn: (value: EventMap[E]) => void): void;
  printers(): Promise<Printer[]>;
  printer(id: string): Promise<Printer>;
  /** Resolves with the job once the agent has stored it durably (not yet printed: see waitJob). */
  print(labelOrRaw: Label | Raw, options?: PrintOptions): Promise<Job>;
  job(id: string): Promise<Job>;
  jobs(filter?: JobFilter): Promise<Job[]>;
  cancel(id: string): Promise<Job>;
  /** Resolves once the job is done, failed or canceled. */
  waitJob(id: string, options?: { timeout?: number }): Promise<Job>;
  /** A PNG of the label as a data: URL. */
  preview(label: Label, options?: { dpi?: number }): Promise<string>;
  call<T = unknown>(method: string, params?: object, options?: { timeout?: number }): Promise<T>;
  close(): void;
}

export declare function connect(options?: ConnectOptions): Promise<Client>;
