package admin

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/labelbridge/labelbridge/config"
	"github.com/labelbridge/labelbridge/printing"
	"github.com/labelbridge/labelbridge/printing/media"
	"github.com/labelbridge/labelbridge/wire"
)

// SettingsSpooler applies a printer's print and media settings
// (printing.Spooler does).
type SettingsSpooler interface {
	SetPrinterSettings(id string, s *media.Settings)
}

// printersConfigure sets a printer's print and media settings
// {"printer", "settings": {darkness, speed, media, gap, markHeight, method,
// offset, printWidth, labelWidth, labelHeight, unit}} (null or {} clears
// them): saved in the config file (printerSettings) and used at once by the
// labels and documents printed on it (the label size by documents only).
func (p *Panel) printersConfigure(_ context.Context, params json.RawMessage) (any, error) {
	var in wire.PrinterConfigureParams
	if err := decodeParams(params, &in); err != nil {
		return nil, err
	}
	if in.Printer == "" {
		return nil, badParams("printer: required")
	}
	if p.d.Policy["printerSettings"] {
		return nil, &printing.Error{Code: printing.ErrReasonNotAllowed, Msg: "the admin policy sets the printer settings: they cannot be changed here"}
	}
	if p.d.PrinterSettings == nil {
		return nil, &printing.Error{Code: printing.ErrReasonUnavailable, Msg: "printer settings are not available in this build"}
	}
	if _, err := p.d.Spooler.Printer(in.Printer); err != nil {
		return nil, err
	}
	var st *media.Settings
	if in.Settings != nil && !in.Settings.IsZero() {
		st = in.Settings
		if err := st.Validate("settings."); err != nil {
			var fe *media.FieldError
			if errors.As(err, &fe) {
				return nil, badParams("%s: %s", fe.Field, fe.Msg)
			}
			return nil, badParams("settings: %v", err)
		}
	}
	err := p.d.Config.Update(func(c *config.Config) error {
		if st == nil {
			delete(c.PrinterSettings, in.Printer)
			return nil
		}
		if c.PrinterSettings == nil {
			c.PrinterSettings = config.PrinterSettings{}
		}
		c.PrinterSettings[in.Printer] = *st
		return nil
	})
	if err != nil {
		return nil, &printing.Error{Code: printing.ErrReasonStoreFailed, Msg: "save the printer settings in the config file", Err: err}
	}
	p.d.PrinterSettings.SetPrinterSettings(in.Printer, st)
	p.d.Logger.Info("printer settings changed in the panel", "printer", in.Printer)
	pr, err := p.d.Spooler.Printer(in.Printer)
	if err != nil {
		return nil, err
	}
	return wire.PrinterResult{Printer: pr}, nil
}

// printersCalibrate queues the printer's media calibration command (ZPL
// ~JC, TSPL GAPDETECT or BLINEDETECT, EPL xa) as a job: {"job"}.
func (p *Panel) printersCalibrate(ctx context.Context, params json.RawMessage) (any, error) {
	printer, err := printerParam(params)
	if err != nil {
		return nil, err
	}
	pr, err := p.d.Spooler.Printer(printer)
	if err != nil {
		return nil, err
	}
	mediaType := ""
	if pr.Settings != nil {
		mediaType = pr.Settings.Media
	}
	cmd, err := media.CalibrateCommand(pr.Language, mediaType)
	if err != nil {
		return nil, &printing.Error{Code: printing.ErrReasonInvalidParams, Msg: fmt.Sprintf("printer %q: %v", printer, err)}
	}
	r, err := p.d.Spooler.SubmitWait(ctx, printing.Request{
		Printer: pr.ID, Origin: Origin, Title: "Calibrate media", Raw: cmd, Language: pr.Language,
	})
	if err != nil {
		return nil, err
	}
	return wire.JobResult{Job: r.Job}, nil
}
