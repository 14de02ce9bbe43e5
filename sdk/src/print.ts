// print()'s arguments besides labels: documents, raw printer commands and
// the print options. Part of the SDK's public types (see types.ts).

import type { Counter, Row } from "./label";

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
