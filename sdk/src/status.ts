// What the agent reports: printers, jobs, the agent itself, and the admin
// shapes (sites, QZ Tray, fleet). Part of the SDK's public types (see types.ts).

import type { PrinterSettings } from "./label";

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
