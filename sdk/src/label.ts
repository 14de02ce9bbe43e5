// The label model (v2; v1 labels are valid v2 labels), printer and media
// settings, counters, rows and saved templates. Part of the SDK's public
// types (see types.ts).

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
