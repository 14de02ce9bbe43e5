package qz

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net"
	"strconv"
	"strings"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/htmlindex"
	"golang.org/x/text/encoding/ianaindex"

	"github.com/labelbridge/labelbridge/printing"
)

// maxItems bounds the data items of one print (pages often send one item
// per line of a label).
const maxItems = 100000

// printParams are print's params (QZ Tray's shape; unknown keys are
// ignored, as QZ Tray does).
type printParams struct {
	Printer *struct {
		Name *string         `json:"name"`
		Host *string         `json:"host"`
		Port json.RawMessage `json:"port"`
		File *string         `json:"file"`
	} `json:"printer"`
	Options struct {
		Copies   *float64        `json:"copies"`
		JobName  *string         `json:"jobName"`
		Encoding json.RawMessage `json:"encoding"`
		pixelOptions
	} `json:"options"`
	Data []json.RawMessage `json:"data"`
}

// item is one element of print's data, after QZ Tray's conversion of the
// 2.0 names (PrintingUtilities.convertVersion).
type item struct {
	Type, Format, Flavor string
	Data                 string
	PageRanges           string // options.pageRanges of a pdf item
}

// print builds the jobs and submits them in order; it returns once each is
// durably stored (or at the first refused). A raw print is one job; a
// pixel print is one document job per data item.
func (h *Handler) print(ctx context.Context, origin string, m Message) error {
	reqs, err := h.buildPrint(m)
	if err != nil {
		return err
	}
	for i, req := range reqs {
		req.Origin = origin
		select {
		case res := <-h.sp.SubmitContext(ctx, req):
			if res.Err != nil {
				if len(reqs) > 1 {
					return fmt.Errorf("data[%d] (items before it are queued; sending the same message again prints only the rest): %w", i, res.Err)
				}
				return res.Err
			}
			h.log.Debug("QZ Tray: job stored", "origin", origin, "printer", req.Printer, "job", res.Job.ID,
				"bytes", len(req.Raw)+len(req.Document), "existing", res.Existing)
		case <-ctx.Done():
			return errorf("the print was not stored in time: %v", ctx.Err())
		}
	}
	return nil
}

// buildPrint turns a print message into job requests (no origin): one raw
// job, or one document job per pixel item.
func (h *Handler) buildPrint(m Message) ([]printing.Request, error) {
	var p printParams
	if err := json.Unmarshal(m.Params, &p); err != nil {
		return nil, errorf("print: params must be {\"printer\", \"options\", \"data\"}: %v", err)
	}
	if p.Printer == nil {
		return nil, callError(errNoPrinter)
	}
	printer, err := h.resolve(p.Printer.Name, p.Printer.Host, p.Printer.Port, p.Printer.File)
	if err != nil {
		return nil, err
	}
	if len(p.Data) == 0 {
		return nil, callError("No commands found to send to the printer")
	}
	if len(p.Data) > maxItems {
		return nil, errorf("the print has %d data items, over the limit of %d: join them into fewer items", len(p.Data), maxItems)
	}
	items := make([]item, len(p.Data))
	for i, raw := range p.Data {
		if items[i], err = decodeItem(raw); err != nil {
			return nil, fmt.Errorf("data[%d]: %w", i, err)
		}
	}
	copies := 1
	if c := p.Options.Copies; c != nil {
		if *c != math.Trunc(*c) || *c < 1 || *c > 1e6 {
			return nil, errorf("options.copies: must be a whole number of 1 or more, got %v", *c)
		}
		copies = int(*c)
	}
	title := "QZ Tray print"
	if p.Options.JobName != nil && *p.Options.JobName != "" {
		title = *p.Options.JobName
	}
	switch t := items[0].Type; t { // the first item decides the job's type, as in QZ Tray
	case "RAW":
	case "PIXEL":
		for i, it := range items {
			if it.Type != "PIXEL" {
				return nil, errorf("data[%d]: a %s item cannot be mixed into a pixel print", i, strings.ToLower(it.Type))
			}
		}
		return h.buildPixel(m, &p, printer, items, copies, title)
	default:
		return nil, errorf("data[0].type: %q is not a QZ Tray print type (raw or pixel)", strings.ToLower(t))
	}
	enc, err := encodingOf(p.Options.Encoding)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	for i, it := range items {
		b, err := it.bytes(enc)
		if err != nil {
			return nil, fmt.Errorf("data[%d]: %w", i, err)
		}
		buf.Write(b)
		if buf.Len() > h.opt.MaxJobBytes {
			return nil, errorf("the print is over the limit of %d bytes", h.opt.MaxJobBytes)
		}
	}
	if buf.Len() == 0 {
		return nil, callError("No commands found to send to the printer")
	}
	lang := ""
	if bytes.Contains(bytes.ToUpper(buf.Bytes()), []byte("^XA")) {
		lang = "zpl" // so a non-ZPL printer refuses it (language_mismatch)
	}
	return []printing.Request{{
		Printer: printer.ID, Title: title, Copies: copies, Raw: buf.Bytes(), Language: lang,
		IdempotencyKey: IdempotencyKey(m),
	}}, nil
}

// IdempotencyKey keys a print message: the same uid, timestamp and params
// (a page or proxy sending the message again) make the same key, so the
// job is stored once; qz-tray.js's six-character uids alone could collide.
func IdempotencyKey(m Message) string {
	h := sha256.New()
	for _, s := range []string{m.UID, m.Timestamp, string(m.Params)} {
		fmt.Fprintf(h, "%d:%s", len(s), s)
	}
	return "qz:" + hex.EncodeToString(h.Sum(nil))[:32]
}

// resolve finds the Labelbridge printer a print names: by name as
// printers.find does, or a configured network printer by host and port.
func (h *Handler) resolve(name, host *string, port json.RawMessage, file *string) (printing.Printer, error) {
	ps, names := h.printers()
	switch {
	case name != nil:
		i := Match(names, h.defaultIndex(ps), *name)
		if i < 0 {
			return printing.Printer{}, errorf("Cannot find printer with name %q", *name)
		}
		return ps[i], nil
	case host != nil:
		addr := *host
		if len(port) > 0 && string(port) != "null" {
			p, err := scalar(port)
			if n, perr := strconv.Atoi(p); err != nil || perr != nil || n < 1 || n > 65535 {
				return printing.Printer{}, errorf("printer.port: must be a port number, got %s", port)
			}
			addr = net.JoinHostPort(*host, p)
		} else if _, _, err := net.SplitHostPort(addr); err != nil {
			addr = net.JoinHostPort(addr, "9100")
		}
		for _, p := range ps {
			if p.Connection == printing.ConnNetwork && strings.EqualFold(p.Address, addr) {
				return p, nil
			}
		}
		return printing.Printer{}, errorf("printing to host %s is refused: Labelbridge sends only to printers it knows; add %s as a network printer in the Labelbridge panel", addr, addr)
	case file != nil:
		return printing.Printer{}, callError("printing to a file is not supported by Labelbridge: name a printer (printers.find lists them)")
	}
	return printing.Printer{}, callError(errNoPrinter)
}

// decodeItem reads one data element: a string is plain raw data; an
// object has type, format, flavor and data, with QZ Tray's defaults and
// its conversion of the 2.0 names.
func decodeItem(raw json.RawMessage) (item, error) {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return item{Type: "RAW", Format: "COMMAND", Flavor: "PLAIN", Data: s}, nil
	}
	var o struct {
		Type, Format, Flavor *string
		Data                 *string
		Options              json.RawMessage
	}
	if err := json.Unmarshal(raw, &o); err != nil {
		return item{}, errors.New("must be a string or {type?, format?, flavor?, data, options?} with string values")
	}
	var opt struct {
		PageRanges *string `json:"pageRanges"`
	}
	if len(o.Options) > 0 && json.Unmarshal(o.Options, &opt) != nil {
		return item{}, errors.New(`options: must be an object; options.pageRanges a string like "1-3,5"`)
	}
	up := func(p *string) string {
		if p == nil {
			return ""
		}
		return strings.ToUpper(*p)
	}
	it := item{Type: up(o.Type), Format: up(o.Format), Flavor: up(o.Flavor)}
	if it.Flavor == "" {
		switch it.Format {
		case "BASE64", "FILE", "HEX", "PLAIN", "XML":
			it.Flavor, it.Format = it.Format, ""
		}
	}
	switch it.Type {
	case "HTML", "IMAGE", "PDF":
		it.Type, it.Format = "PIXEL", it.Type
	case "":
		it.Type = "RAW"
	}
	if it.Format == "" {
		it.Format = map[string]string{"RAW": "COMMAND", "PIXEL": "IMAGE"}[it.Type]
	}
	if it.Flavor == "" {
		it.Flavor = map[string]string{"RAW": "PLAIN", "PIXEL": "FILE"}[it.Type] // QZ Tray's defaults
	}
	if o.Data == nil {
		return item{}, errors.New("data: missing (the printer commands, as a string)")
	}
	it.Data = *o.Data
	if opt.PageRanges != nil {
		it.PageRanges = *opt.PageRanges
	}
	return it, nil
}

// bytes are the printer bytes of a raw item.
func (it item) bytes(enc encoding.Encoding) ([]byte, error) {
	if it.Type != "RAW" {
		return nil, errorf("a %s item cannot be mixed into a raw print", strings.ToLower(it.Type))
	}
	if it.Format != "COMMAND" {
		return nil, errorf("raw format %q (converting %s to printer commands) is not supported by Labelbridge: send the printer commands themselves", strings.ToLower(it.Format), strings.ToLower(it.Format))
	}
	clean := func(s string) string {
		return strings.Map(func(r rune) rune {
			if r == ' ' || r == '\n' || r == '\r' || r == '\t' {
				return -1
			}
			return r
		}, s)
	}
	switch it.Flavor {
	case "PLAIN":
		return encode(enc, it.Data)
	case "BASE64":
		return decodeBase64(it.Data)
	case "HEX":
		b, err := hex.DecodeString(strings.TrimPrefix(strings.TrimPrefix(clean(it.Data), "0x"), "0X"))
		if err != nil {
			return nil, fmt.Errorf("flavor hex: %w", err)
		}
		return b, nil
	case "FILE", "XML":
		return nil, errorf("flavor %q reads a file or URL, which Labelbridge does not do: fetch it in the page and send its contents (plain, base64 or hex)", strings.ToLower(it.Flavor))
	}
	return nil, errorf("flavor %q is not a raw data flavor (plain, base64, hex)", strings.ToLower(it.Flavor))
}

// encodingOf reads options.encoding: a character set name, or {from, to}
// (the page's strings are already text, so only "to" matters). Absent:
// UTF-8 (QZ Tray would use the JVM's default; see docs/qz-tray.md).
func encodingOf(raw json.RawMessage) (encoding.Encoding, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	var name string
	if json.Unmarshal(raw, &name) != nil {
		var ft struct{ From, To *string }
		if err := json.Unmarshal(raw, &ft); err != nil {
			return nil, errors.New("options.encoding: must be a character set name or {from?, to}")
		}
		switch {
		case ft.To != nil:
			name = *ft.To
		case ft.From != nil:
			name = *ft.From
		}
	}
	switch strings.ToLower(strings.ReplaceAll(name, "_", "-")) {
	case "", "utf-8", "utf8":
		return nil, nil
	}
	if e, err := ianaindex.IANA.Encoding(name); err == nil && e != nil {
		return e, nil
	}
	if e, err := htmlindex.Get(name); err == nil {
		return e, nil
	}
	return nil, errorf("options.encoding: %q is not a character set Labelbridge knows (e.g. UTF-8, windows-1252, IBM437, Shift_JIS, EUC-KR)", name)
}

// encode writes s in enc (nil: UTF-8), refusing characters enc cannot hold.
func encode(enc encoding.Encoding, s string) ([]byte, error) {
	if enc == nil {
		return []byte(s), nil
	}
	b, err := enc.NewEncoder().Bytes([]byte(s))
	if err != nil {
		return nil, fmt.Errorf("options.encoding: the text cannot be written in that character set: %w", err)
	}
	return b, nil
}
