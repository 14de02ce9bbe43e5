package admin

import (
	"cmp"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/labelbridge/labelbridge/config"
	"github.com/labelbridge/labelbridge/printing"
)

// DefaultRawPort is the port of a network printer's raw socket (9100),
// added to an address typed without one.
const DefaultRawPort = 9100

// networkPrinterParams are printers.add's params.
type networkPrinterParams struct {
	Name     string `json:"name"`
	Address  string `json:"address"`
	Language string `json:"language"`
	DPI      int    `json:"dpi"`
}

// normalizeAddress trims an address and adds the raw port (9100) when it
// has none, so the printer's id is the same however it was typed.
func normalizeAddress(addr string) (string, error) {
	addr = strings.TrimSpace(addr)
	if addr == "" {
		return "", badParams("address: required (host or host:port, e.g. 192.168.1.50 or printer.local:9100)")
	}
	if strings.ContainsAny(addr, " /\\") {
		return "", badParams("address: %q is not a host or host:port", addr)
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		host, port = strings.Trim(addr, "[]"), strconv.Itoa(DefaultRawPort)
	}
	if n, err := strconv.Atoi(port); host == "" || err != nil || n < 1 || n > 65535 {
		return "", badParams("address: %q is not a host or host:port", addr)
	}
	return net.JoinHostPort(host, port), nil
}

func (p *Panel) printersAdd(_ context.Context, params json.RawMessage) (any, error) {
	var in networkPrinterParams
	if err := decodeParams(params, &in); err != nil {
		return nil, err
	}
	if p.d.Policy["networkPrinters"] {
		return nil, &printing.Error{Code: printing.ErrReasonNotAllowed, Msg: "the admin policy sets the network printers: ask your IT team to add one"}
	}
	addr, err := normalizeAddress(in.Address)
	if err != nil {
		return nil, err
	}
	if in.Language == "" {
		in.Language = "zpl"
	}
	np := config.NetworkPrinter{Name: strings.TrimSpace(in.Name), Address: addr, Language: in.Language, DPI: in.DPI}
	if len(np.Name) > 100 {
		return nil, badParams("name: at most 100 characters")
	}
	if _, err := p.d.Spooler.Printer(np.PrinterID()); err == nil {
		return nil, badParams("address: a printer at %s is already set up", addr)
	}
	err = p.d.Config.Update(func(c *config.Config) error {
		// Validate the new entry with the effective settings around it, so
		// the error names the key (networkPrinters[N].language …).
		check := p.d.Effective
		check.NetworkPrinters = append(slices.Clone(c.NetworkPrinters), np)
		if err := check.Validate(); err != nil {
			return badParams("%v", err)
		}
		c.NetworkPrinters = append(c.NetworkPrinters, np)
		return nil
	})
	if err != nil {
		if printing.ReasonOf(err, "") != "" {
			return nil, err
		}
		return nil, &printing.Error{Code: printing.ErrReasonStoreFailed, Msg: "save the printer in the config file", Err: err}
	}
	id := p.d.AttachNetwork(np)
	p.d.Logger.Info("network printer added in the panel", "printer", id, "address", np.Address, "language", np.Language)
	pr, err := p.d.Spooler.Printer(id)
	if err != nil {
		return nil, err
	}
	return map[string]any{"printer": pr}, nil
}

// printerParam decodes {"printer": id} (required).
func printerParam(params json.RawMessage) (string, error) {
	var in struct {
		Printer string `json:"printer"`
	}
	if err := decodeParams(params, &in); err != nil {
		return "", err
	}
	if in.Printer == "" {
		return "", badParams("printer: required")
	}
	return in.Printer, nil
}

func (p *Panel) printersRemove(_ context.Context, params json.RawMessage) (any, error) {
	printer, err := printerParam(params)
	if err != nil {
		return nil, err
	}
	if p.d.Policy["networkPrinters"] {
		return nil, &printing.Error{Code: printing.ErrReasonNotAllowed, Msg: "the admin policy sets the network printers: they cannot be removed here"}
	}
	err = p.d.Config.Update(func(c *config.Config) error {
		i := slices.IndexFunc(c.NetworkPrinters, func(np config.NetworkPrinter) bool { return np.PrinterID() == printer })
		if i < 0 {
			return &printing.Error{Code: printing.ErrReasonPrinterNotFound, Msg: fmt.Sprintf("printer %q is not a network printer you added: only those can be removed", printer)}
		}
		c.NetworkPrinters = slices.Delete(c.NetworkPrinters, i, i+1)
		return nil
	})
	if err != nil {
		if printing.ReasonOf(err, "") != "" {
			return nil, err
		}
		return nil, &printing.Error{Code: printing.ErrReasonStoreFailed, Msg: "remove the printer from the config file", Err: err}
	}
	// Forget clears the default if it was this printer: jobs that name no
	// printer then follow the documented fallback (the sole local printer,
	// else the virtual one), never another printer someone added.
	if err := p.d.Spooler.Forget(printer); err != nil {
		p.d.Logger.Warn("forget the removed printer", "printer", printer, "err", err)
	}
	p.d.Logger.Info("network printer removed in the panel", "printer", printer)
	return map[string]any{"removed": printer}, nil
}

// testLabel is the built-in test label (60 × 40 mm) for a printer.
func testLabel(pr printing.Printer, now time.Time) json.RawMessage {
	name := pr.Name
	if name == "" {
		name = pr.ID
	}
	if r := []rune(name); len(r) > 32 {
		name = string(r[:32])
	}
	details := fmt.Sprintf("%s · %d dpi · %s", strings.ToUpper(pr.Language), pr.DPI, now.Format("2006-01-02 15:04"))
	l := map[string]any{
		"width": 60, "height": 40, "unit": "mm",
		"elements": []map[string]any{
			{"type": "box", "x": 1, "y": 1, "width": 58, "height": 38, "thickness": 0.4},
			{"type": "text", "x": 4, "y": 4, "text": "Labelbridge test label", "size": 3},
			{"type": "text", "x": 4, "y": 10, "text": name, "size": 2.2},
			{"type": "text", "x": 4, "y": 14.5, "text": details, "size": 1.8},
			{"type": "line", "x1": 1, "y1": 18.5, "x2": 59, "y2": 18.5, "thickness": 0.3},
			{"type": "barcode", "symbology": "code128", "x": 4, "y": 21.5, "data": "LB-TEST-" + now.Format("150405"), "height": 9, "width": 36},
			{"type": "barcode", "symbology": "qr", "x": 44, "y": 21, "data": "Labelbridge test label", "size": 13},
		},
	}
	b, _ := json.Marshal(l) // plain maps: cannot fail
	return b
}

func (p *Panel) printersTestPrint(ctx context.Context, params json.RawMessage) (any, error) {
	printer, err := printerParam(params)
	if err != nil {
		return nil, err
	}
	pr, err := p.d.Spooler.Printer(printer)
	if err != nil {
		return nil, err
	}
	r, err := p.d.Spooler.SubmitWait(ctx, printing.Request{
		Printer: pr.ID, Origin: Origin, Title: "Test label", Label: testLabel(pr, time.Now()),
	})
	if err != nil {
		return nil, err
	}
	return map[string]any{"job": r.Job}, nil
}

// jobsPreview draws the label a job was made from: {"png": base64} or, for
// raw jobs (nothing to draw), {"png": ""}.
func (p *Panel) jobsPreview(ctx context.Context, params json.RawMessage) (any, error) {
	var in struct {
		Job string `json:"job"`
		DPI int    `json:"dpi"`
	}
	if err := decodeParams(params, &in); err != nil {
		return nil, err
	}
	if in.Job == "" {
		return nil, badParams("job: required")
	}
	if in.DPI != 0 && (in.DPI < 50 || in.DPI > 600) {
		return nil, badParams("dpi: must be 50 to 600")
	}
	job, err := p.d.Spooler.Job(in.Job)
	if err != nil {
		return nil, err
	}
	src, err := p.d.Sources.Source(in.Job)
	if from := cmp.Or(job.ReprintOf, job.RetryOf); err == nil && src == nil && from != "" {
		// A reprint is the original's bytes: its preview is the original's label.
		src, err = p.d.Sources.Source(from)
	}
	if err != nil {
		return nil, &printing.Error{Code: printing.ErrReasonStoreFailed, Msg: "read the job's label", Err: err}
	}
	if src == nil {
		return map[string]any{"png": "", "reason": "raw"}, nil
	}
	png, err := p.d.Previewer.PreviewLabel(ctx, src, in.DPI)
	if err != nil {
		return nil, err
	}
	return map[string]any{"png": base64.StdEncoding.EncodeToString(png), "contentType": "image/png"}, nil
}
