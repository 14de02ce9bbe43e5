// Documents (PDF, PNG, JPEG) printed one label per page: the helper that
// turns a Blob, bytes or a URL of the page's own origin into print()'s
// {document: …} argument.

import { LabelbridgeError } from "./labelbridge";
import type { DocumentFormat, DocumentOptions, DocumentRef } from "./print";

/**
 * Reads a PDF, PNG or JPEG into print()'s argument: `print(await
 * documentFrom(blob, {crop: "content"}))`. source is a Blob or File, an
 * ArrayBuffer or typed array, or a URL (string or URL) of this page's own
 * origin, fetched with the page's credentials; another origin's URL is
 * refused (fetch it yourself, with that site's consent, and pass the Blob).
 * The format is read from the file's first bytes unless given.
 */
export async function documentFrom(source: Blob | ArrayBuffer | ArrayBufferView | string | URL, options?: DocumentOptions): Promise<DocumentRef> {
  let bytes: Uint8Array;
  if (typeof source === "string" || (typeof URL !== "undefined" && source instanceof URL)) {
    const base = typeof location !== "undefined" ? location.href : undefined;
    const url = new URL(String(source), base);
    if (typeof location === "undefined" || url.origin !== location.origin) {
      throw bad(`documentFrom(): ${url.origin} is not this page's origin; fetch the file yourself and pass the Blob`);
    }
    const r = await fetch(url.href, { credentials: "same-origin" });
    if (!r.ok) throw bad(`documentFrom(): GET ${url.pathname} answered ${r.status}`);
    bytes = new Uint8Array(await r.arrayBuffer());
  } else if (typeof Blob !== "undefined" && source instanceof Blob) {
    bytes = new Uint8Array(await source.arrayBuffer());
  } else if (source instanceof ArrayBuffer) {
    bytes = new Uint8Array(source);
  } else if (ArrayBuffer.isView(source)) {
    bytes = new Uint8Array(source.buffer, source.byteOffset, source.byteLength);
  } else {
    throw bad("documentFrom(): pass a Blob, an ArrayBuffer or typed array, or a URL of this page's origin");
  }
  const o = options || {};
  const format = o.format || sniff(bytes);
  if (!format) throw bad("documentFrom(): the file is not a PDF, PNG or JPEG");
  return { document: { ...o, format, base64: base64(bytes) } };
}

/** The format of a file from its first bytes, or "". */
export function sniff(b: Uint8Array): DocumentFormat | "" {
  const head = String.fromCharCode(...b.subarray(0, 1024));
  if (head.startsWith("\x89PNG\r\n\x1a\n")) return "png";
  if (b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return "jpeg";
  if (head.includes("%PDF-")) return "pdf";
  return "";
}

function base64(b: Uint8Array): string {
  let s = "";
  for (let i = 0; i < b.length; i += 0x8000) s += String.fromCharCode.apply(null, b.subarray(i, i + 0x8000) as unknown as number[]);
  return btoa(s);
}

function bad(msg: string): LabelbridgeError {
  return new LabelbridgeError("invalid_params", "labelbridge: " + msg);
}
