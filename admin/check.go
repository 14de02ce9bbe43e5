package admin

import (
	"context"
	"encoding/json"
	"time"

	"github.com/labelbridge/labelbridge/printing"
)

// checkTimeout bounds printers.check: a TCP connection and a status query.
const checkTimeout = 6 * time.Second

// printersCheck measures a printer's status now ("Check now" in the
// panel): {"printer": id} → {"printer": Printer}.
func (p *Panel) printersCheck(ctx context.Context, params json.RawMessage) (any, error) {
	id, err := printerParam(params)
	if err != nil {
		return nil, err
	}
	if p.d.CheckPrinter == nil {
		pr, err := p.d.Spooler.Printer(id)
		if err != nil {
			return nil, err
		}
		return map[string]any{"printer": pr}, nil
	}
	ctx, cancel := context.WithTimeout(ctx, checkTimeout)
	defer cancel()
	pr, err := p.d.CheckPrinter(ctx, id)
	if err != nil {
		return nil, err
	}
	return map[string]any{"printer": pr}, nil
}

// CheckFunc measures a printer now and returns it with its status.
type CheckFunc func(ctx context.Context, id string) (printing.Printer, error)
