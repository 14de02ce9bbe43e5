package encode

import (
	"context"
	"fmt"
	"strings"

	"github.com/labelbridge/labelbridge/printing/label"
	"github.com/labelbridge/labelbridge/printing/raster"
)

// Layout lays l out for a printer of language (refused when there is no
// such encoder), so a caller can read the plan's work estimate before
// encoding it with EncodePlan (printing/batch does, for whole batches).
func Layout(ctx context.Context, l *label.Label, language string, opt Options) (*raster.Plan, error) {
	if _, ok := encoders[language]; !ok {
		return nil, label.Errorf(label.ReasonUnsupportedLanguage, "",
			"unsupported printer language %q (want %s)", language, strings.Join(Languages(), ", "))
	}
	return raster.Layout(ctx, l, opt.raster())
}

// EncodePlan turns a plan from Layout into language's commands.
func EncodePlan(p *raster.Plan, language string, opt Options) ([]byte, error) {
	enc, ok := encoders[language]
	if !ok {
		return nil, label.Errorf(label.ReasonUnsupportedLanguage, "", "unsupported printer language %q", language)
	}
	out, err := enc(p, opt.Raster)
	if err != nil {
		return nil, fmt.Errorf("encode %s: %w", language, err)
	}
	return out, nil
}
