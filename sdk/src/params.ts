// print()'s arguments turned into the params of the print method, checked
// in the page so that bad arguments fail at once with invalid_params and
// nothing is sent; and the small errors and helpers the client shares.

import { LabelbridgeError } from "./labelbridge";
import type { Counter, Label, Row, TemplateRef } from "./label";
import type { Document, DocumentRef, PrintOptions, Raw } from "./print";

export const PRINT_OPTIONS: readonly string[] = ["printer", "copies", "idempotencyKey", "title", "language", "timeout", "rows", "counters"];

type Bytes = ArrayBuffer | ArrayBufferView;

/** The wire's raw: text in data, or bytes as base64. */
export interface RawParams {
  language?: string;
  data?: string;
  base64?: string;
}

/** The params of the print method, as the SDK sends them. */
export interface PrintParams {
  label?: Label;
  template?: string;
  rows?: Row[];
  counters?: Counter[];
  raw?: RawParams;
  document?: Document;
  printer?: string;
  copies?: number;
  title?: string;
  idempotencyKey: string;
}

export function printParams(x: Label | TemplateRef | DocumentRef | Raw | unknown, o: PrintOptions): PrintParams {
  const p = {} as PrintParams;
  const obj = x as { elements?: unknown; data?: unknown; base64?: unknown; language?: string; template?: unknown; document?: Document } | null;
  if (obj && typeof obj === "object" && obj.document !== undefined) {
    const d = obj.document;
    if (!d || typeof d !== "object" || typeof d.format !== "string" || typeof d.base64 !== "string") {
      throw invalid("print(): document needs format (\"pdf\", \"png\" or \"jpeg\") and base64 (or use documentFrom(blob))");
    }
    p.document = d;
  } else if (obj && typeof obj === "object" && typeof obj.template === "string") {
    p.template = obj.template;
  } else if (typeof x === "string" || isBytes(x)) {
    p.raw = rawParams(x, o.language);
  } else if (obj && typeof obj === "object" && Array.isArray(obj.elements)) {
    p.label = x as Label;
  } else if (obj && typeof obj === "object" && (typeof obj.data === "string" || obj.base64 !== undefined || isBytes(obj.data))) {
    p.raw = rawParams(obj.base64 !== undefined ? { base64: obj.base64 } : obj.data, obj.language || o.language);
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
  if (o.rows !== undefined) {
    if (!Array.isArray(o.rows) || o.rows.length === 0) throw invalid("print(): rows must be a non-empty list of objects");
    if (!p.label && !p.template) throw invalid("print(): rows apply to a label or a template");
    p.rows = o.rows;
  }
  if (o.counters !== undefined) {
    if (!Array.isArray(o.counters)) throw invalid("print(): counters must be a list of {name, start, step, digits}");
    if (!p.label && !p.template) throw invalid("print(): counters apply to a label or a template");
    p.counters = o.counters;
  }
  if (o.idempotencyKey !== undefined && (typeof o.idempotencyKey !== "string" || !o.idempotencyKey)) {
    throw invalid("print(): idempotencyKey must be a non-empty string");
  }
  p.idempotencyKey = o.idempotencyKey || newKey();
  return p;
}

function rawParams(data: unknown, language: string | undefined): RawParams {
  const raw: RawParams = {};
  if (language) raw.language = String(language).toLowerCase();
  if (typeof data === "string") raw.data = data;
  else if (isBytes(data)) raw.base64 = toBase64(data);
  else if (data && typeof (data as { base64?: unknown }).base64 === "string") raw.base64 = (data as { base64: string }).base64;
  else throw invalid("print(): raw data must be a string, bytes or base64");
  return raw;
}

function isBytes(x: unknown): x is Bytes {
  return x instanceof ArrayBuffer || ArrayBuffer.isView(x);
}

function toBase64(x: Bytes): string {
  const bytes = x instanceof ArrayBuffer ? new Uint8Array(x) : new Uint8Array(x.buffer, x.byteOffset, x.byteLength);
  let s = "";
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000) as unknown as number[]);
  return btoa(s);
}

export function utf8Length(s: string): number {
  return typeof TextEncoder === "function" ? new TextEncoder().encode(s).length : unescape(encodeURIComponent(s)).length;
}

function newKey(): string {
  const c = globalThis.crypto;
  if (c && typeof c.randomUUID === "function") return c.randomUUID(); // secure contexts
  const b = new Uint8Array(16);
  if (c && c.getRandomValues) c.getRandomValues(b);
  else for (let i = 0; i < 16; i++) b[i] = Math.floor(Math.random() * 256);
  return Array.from(b, (v) => v.toString(16).padStart(2, "0")).join("");
}

export function invalid(msg: string): LabelbridgeError {
  return new LabelbridgeError("invalid_params", "labelbridge: " + msg);
}

export function closedError(): LabelbridgeError {
  return new LabelbridgeError("closed", "The Labelbridge client was closed.");
}
