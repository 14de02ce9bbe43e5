package qz

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/url"
	"strings"

	"github.com/labelbridge/labelbridge/printing"
	"github.com/labelbridge/labelbridge/wire"
)

// Pixel printing: QZ Tray's {type: "pixel", format: "pdf"|"image"} data
// becomes Labelbridge documents (printing/document, through the spooler):
// one job per data item, each page one label at the printer's own dpi and
// in its own language. QZ Tray's print options are mapped where a document
// param means the same thing (docs/qz-tray.md lists what maps and what is
// ignored).

// pixelOptions are the options of print that shape a pixel print (the rest
// of QZ Tray's pixel options have no counterpart on a label printer and are
// ignored, as QZ Tray ignores what a driver does not support).
type pixelOptions struct {
	Size *struct {
		Width  *float64 `json:"width"`
		Height *float64 `json:"height"`
	} `json:"size"`
	Units        *string  `json:"units"`        // in (QZ's default), cm, mm
	ScaleContent *bool    `json:"scaleContent"` // true (default): fit the label, keeping the ratio
	Rotation     *float64 `json:"rotation"`     // degrees, clockwise
	Orientation  *string  `json:"orientation"`  // portrait, landscape, reverse-landscape; null: automatic
}

// maxPixelItems bounds the documents of one print (each is a job).
const maxPixelItems = 100

// buildPixel turns the pixel items of a print into document requests: one
// per item, in order, keyed from the message (item i of n > 1 gets "/i").
func (h *Handler) buildPixel(m Message, p *printParams, printer printing.Printer, items []item, copies int, title string) ([]printing.Request, error) {
	if len(items) > maxPixelItems {
		return nil, errorf("the print has %d pixel data items, over the limit of %d: print them in several calls", len(items), maxPixelItems)
	}
	base, err := p.Options.pixelOptions.document()
	if err != nil {
		return nil, err
	}
	key := IdempotencyKey(m)
	reqs := make([]printing.Request, len(items))
	for i, it := range items {
		doc, err := it.document(base)
		if err != nil {
			return nil, fmt.Errorf("data[%d]: %w", i, err)
		}
		raw, err := json.Marshal(doc)
		if err != nil {
			return nil, fmt.Errorf("data[%d]: %w", i, err)
		}
		req := printing.Request{Printer: printer.ID, Title: title, Copies: copies, Document: raw, IdempotencyKey: key}
		if len(items) > 1 {
			req.IdempotencyKey = fmt.Sprintf("%s/%d", key, i)
			req.Title = fmt.Sprintf("%s (%d of %d)", title, i+1, len(items))
		}
		reqs[i] = req
	}
	return reqs, nil
}

// document maps the options onto the document params every item shares.
func (o pixelOptions) document() (wire.Document, error) {
	var d wire.Document
	if o.Size != nil && (o.Size.Width != nil || o.Size.Height != nil) {
		w, h := o.Size.Width, o.Size.Height
		if w == nil || h == nil || *w <= 0 || *h <= 0 || math.IsInf(*w, 0) || math.IsInf(*h, 0) {
			return d, errorf("options.size: give both width and height, above 0 (the label's size in options.units), or no size (the page's own size)")
		}
		d.Width, d.Height, d.Unit = *w, *h, "in"
		units := "in"
		if o.Units != nil && *o.Units != "" {
			units = strings.ToLower(*o.Units)
		}
		switch units {
		case "in", "mm":
			d.Unit = units
		case "cm":
			d.Width, d.Height, d.Unit = *w*10, *h*10, "mm"
		default:
			return d, errorf("options.units: must be \"in\", \"cm\" or \"mm\", got %q", *o.Units)
		}
	}
	if o.ScaleContent != nil && !*o.ScaleContent {
		d.Fit = "actual"
	}
	turn, fixed := 0, false
	if o.Orientation != nil && *o.Orientation != "" {
		switch strings.ToLower(*o.Orientation) {
		case "portrait":
		case "landscape": // Java's landscape: the page's top on the paper's left edge
			turn = 270
		case "reverse-landscape":
			turn = 90
		default:
			return d, errorf("options.orientation: must be \"portrait\", \"landscape\", \"reverse-landscape\" or null, got %q", *o.Orientation)
		}
		fixed = true
	}
	if o.Rotation != nil && *o.Rotation != 0 {
		r := *o.Rotation
		if r != math.Trunc(r) || int(r)%90 != 0 || math.Abs(r) > 36000 {
			return d, errorf("options.rotation: Labelbridge turns pages by 0, 90, 180 or 270 degrees, got %v", r)
		}
		turn, fixed = turn+int(r), true
	}
	if fixed {
		d.Rotate = ((turn % 360) + 360) % 360
	}
	return d, nil
}

// document is one pixel item's document: its bytes (base64, or a data:
// URL; never a URL to fetch) and its format, on the shared params.
func (it item) document(base wire.Document) (wire.Document, error) {
	if it.Format != "PDF" && it.Format != "IMAGE" {
		return base, errorf("pixel printing (%s) is not supported by Labelbridge: send a PDF (format \"pdf\") or a PNG or JPEG image (format \"image\"), flavor \"base64\"", strings.ToLower(it.Format))
	}
	var data []byte
	switch it.Flavor {
	case "BASE64":
		b, err := decodeBase64(dataURLPayload(it.Data))
		if err != nil {
			return base, err
		}
		data = b
	case "FILE", "PLAIN":
		s := strings.TrimSpace(it.Data)
		if !strings.HasPrefix(strings.ToLower(s), "data:") {
			return base, errorf("flavor %q names a file or URL (%s), which Labelbridge does not fetch: fetch it in the page and send it with flavor \"base64\" (or as a data: URL)", strings.ToLower(it.Flavor), shorten(s))
		}
		b, err := decodeDataURL(s)
		if err != nil {
			return base, err
		}
		data = b
	default:
		return base, errorf("flavor %q is not a pixel data flavor (base64, or file with a data: URL)", strings.ToLower(it.Flavor))
	}
	if len(data) == 0 {
		return base, errorf("the %s is empty", strings.ToLower(it.Format))
	}
	doc := base
	switch it.Format {
	case "PDF":
		doc.Format = "pdf"
		doc.Pages = strings.TrimSpace(it.PageRanges)
	case "IMAGE":
		switch {
		case len(data) >= 8 && string(data[:8]) == "\x89PNG\r\n\x1a\n":
			doc.Format = "png"
		case len(data) >= 3 && data[0] == 0xff && data[1] == 0xd8 && data[2] == 0xff:
			doc.Format = "jpeg"
		default:
			return base, errorf("format image: Labelbridge prints PNG and JPEG images; this one starts with % x", data[:min(len(data), 8)])
		}
	}
	doc.Base64 = base64.StdEncoding.EncodeToString(data)
	return doc, nil
}

// dataURLPayload strips a "data:…;base64," prefix that pages often leave
// on base64 data (canvas.toDataURL()).
func dataURLPayload(s string) string {
	t := strings.TrimSpace(s)
	if strings.HasPrefix(strings.ToLower(t), "data:") {
		if head, rest, ok := strings.Cut(t, ","); ok && strings.HasSuffix(strings.ToLower(head), ";base64") {
			return rest
		}
	}
	return s
}

// decodeDataURL reads a data: URL's bytes (base64 or percent-encoded).
func decodeDataURL(s string) ([]byte, error) {
	head, rest, ok := strings.Cut(s, ",")
	if !ok {
		return nil, errors.New("the data: URL has no comma before its data")
	}
	if strings.HasSuffix(strings.ToLower(head), ";base64") {
		return decodeBase64(rest)
	}
	b, err := url.PathUnescape(rest)
	if err != nil {
		return nil, fmt.Errorf("the data: URL's data: %w", err)
	}
	return []byte(b), nil
}

// decodeBase64 reads base64 as QZ Tray's pages send it: with or without
// padding, either alphabet, with line breaks.
func decodeBase64(s string) ([]byte, error) {
	s = strings.Map(func(r rune) rune {
		if r == ' ' || r == '\n' || r == '\r' || r == '\t' {
			return -1
		}
		return r
	}, s)
	for _, e := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if b, err := e.DecodeString(s); err == nil {
			return b, nil
		}
	}
	return nil, errors.New("flavor base64: the data is not base64")
}

// shorten quotes s, cut to 80 characters, for an error message.
func shorten(s string) string {
	if len(s) > 80 {
		return fmt.Sprintf("%q…", s[:77])
	}
	return fmt.Sprintf("%q", s)
}
