package document

import (
	"cmp"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/labelbridge/labelbridge/internal/strictjson"
	"github.com/labelbridge/labelbridge/printing"
	"github.com/labelbridge/labelbridge/printing/media"
)

// The public names of the document params (docs/protocol.md).
const (
	FormatPDF  = "pdf"
	FormatPNG  = "png"
	FormatJPEG = "jpeg"

	FitContain = "contain" // the whole page on the label, as large as it fits (default)
	FitCover   = "cover"   // the label filled, the page's overflow cut off
	FitActual  = "actual"  // the page's own physical size

	CropNone    = "none"    // the whole page (default)
	CropContent = "content" // white margins trimmed first

	DitherThreshold      = "threshold" // default: sharp edges for barcodes and text
	DitherOrdered        = "ordered"   // an 8×8 Bayer pattern
	DitherFloydSteinberg = "floyd-steinberg"

	RotateAuto = -1 // Params.Rotate for "auto" (the default)

	DefaultThreshold = 128
)

// Formats, Fits, Crops and Dithers list the accepted values (wire and SDK
// types name exactly these).
var (
	Formats = []string{FormatPDF, FormatPNG, FormatJPEG}
	Fits    = []string{FitContain, FitCover, FitActual}
	Crops   = []string{CropNone, CropContent}
	Dithers = []string{DitherFloydSteinberg, DitherThreshold, DitherOrdered}
)

// Params are a print's document: {"format", "base64", "pages", "fit",
// "rotate", "crop", "dither", "threshold"}, and the label size when the
// printer has none ("width", "height", "unit").
type Params struct {
	Format    string  `json:"format"`
	Base64    string  `json:"base64"`
	Pages     string  `json:"pages,omitempty"`     // "1-3,5", "2-"; "" = every page
	Fit       string  `json:"fit,omitempty"`       // contain (default), cover, actual
	Rotate    Rotate  `json:"rotate,omitempty"`    // "auto" (default), 0, 90, 180, 270
	Crop      string  `json:"crop,omitempty"`      // none (default), content
	Dither    string  `json:"dither,omitempty"`    // threshold (default), ordered, floyd-steinberg
	Threshold *int    `json:"threshold,omitempty"` // 0–255, default 128: darker prints black
	Width     float64 `json:"width,omitempty"`     // label size; default: the page's own
	Height    float64 `json:"height,omitempty"`
	Unit      string  `json:"unit,omitempty"` // mm (default), in, dot

	data     []byte          // Base64 decoded
	maxWidth int             // dots; see SetMaxWidth
	settings *media.Settings // the printer's; see SetPrinterSettings
}

// SetPrinterSettings makes Encode send the printer's configured settings
// (darkness, speed, media, offset) with every page, as labels do.
func (p *Params) SetPrinterSettings(s *media.Settings) { p.settings = s }

// SetMaxWidth narrows the label taken from the page's own size (no width
// and height given) to at most dots wide, keeping its proportions: a
// receipt printer's paper (ESC/POS prints 72 mm of an 80 mm roll).
func (p *Params) SetMaxWidth(dots int) { p.maxWidth = dots }

// Rotate is "auto" or a clockwise turn of 0, 90, 180 or 270 degrees.
type Rotate struct{ deg int } // deg is RotateAuto for "auto"; the zero value is auto too

// Deg returns the turn in degrees, or RotateAuto.
func (r Rotate) Deg() int {
	if r.deg == 0 {
		return RotateAuto
	}
	return r.deg % 360 // 360 stands for an explicit 0
}

// RotateDeg returns a fixed turn (0, 90, 180, 270) or RotateAuto.
func RotateDeg(deg int) Rotate {
	if deg == 0 {
		return Rotate{360}
	}
	return Rotate{deg}
}

// MarshalJSON writes "auto" or the number.
func (r Rotate) MarshalJSON() ([]byte, error) {
	if d := r.Deg(); d != RotateAuto {
		return []byte(strconv.Itoa(d)), nil
	}
	return []byte(`"auto"`), nil
}

// UnmarshalJSON reads "auto", 0, 90, 180 or 270 (numbers also as strings).
func (r *Rotate) UnmarshalJSON(b []byte) error {
	s := strings.Trim(string(b), `"`)
	if s == "auto" || s == "null" {
		*r = Rotate{}
		return nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || (n != 0 && n != 90 && n != 180 && n != 270) {
		return fmt.Errorf(`must be "auto", 0, 90, 180 or 270, got %s`, b)
	}
	*r = RotateDeg(n)
	return nil
}

// Parse decodes and checks document params (strictly: an unknown field is
// an error naming it). Errors are *printing.Error invalid_params, or
// payload_too_large for a file over MaxBytes.
func Parse(raw json.RawMessage) (*Params, error) {
	var p Params
	if err := strictjson.Decode(raw, &p); err != nil {
		var uf *strictjson.UnknownFieldError
		var te *json.UnmarshalTypeError
		switch {
		case errors.As(err, &uf):
			return nil, invalid("document.%s: unknown field (fields: format, base64, pages, fit, rotate, crop, dither, threshold, width, height, unit)", uf.Field)
		case errors.As(err, &te) && te.Field != "":
			return nil, invalid("document.%s: must be a %s, got a JSON %s", te.Field, jsonKind(te.Type.Kind().String()), te.Value)
		case strings.Contains(err.Error(), "auto"):
			return nil, invalid("document.rotate: %v", unwrapJSON(err))
		}
		return nil, invalid("document: %v", err)
	}
	return &p, p.Check()
}

func jsonKind(k string) string {
	switch k {
	case "string":
		return "string"
	case "ptr", "int", "float64":
		return "number"
	}
	return k
}

func unwrapJSON(err error) error {
	if u := errors.Unwrap(err); u != nil {
		return u
	}
	return err
}

// Check fills defaults, validates every field and decodes base64.
func (p *Params) Check() error {
	if p.Format == "jpg" {
		p.Format = FormatJPEG
	}
	if !oneOf(p.Format, Formats) {
		return invalid("document.format: must be one of %s, got %q", strings.Join(Formats, ", "), p.Format)
	}
	for _, f := range []struct {
		v       *string
		name    string
		def     string
		allowed []string
	}{
		{&p.Fit, "fit", FitContain, Fits},
		{&p.Crop, "crop", CropNone, Crops},
		{&p.Dither, "dither", DitherThreshold, Dithers},
	} {
		*f.v = cmp.Or(*f.v, f.def)
		if !oneOf(*f.v, f.allowed) {
			return invalid("document.%s: must be one of %s, got %q", f.name, strings.Join(f.allowed, ", "), *f.v)
		}
	}
	if p.Threshold != nil && (*p.Threshold < 0 || *p.Threshold > 255) {
		return invalid("document.threshold: must be 0 to 255, got %d", *p.Threshold)
	}
	if p.Unit == "" {
		p.Unit = "mm"
	}
	if p.Unit != "mm" && p.Unit != "in" && p.Unit != "dot" {
		return invalid(`document.unit: must be "mm", "in" or "dot", got %q`, p.Unit)
	}
	if (p.Width == 0) != (p.Height == 0) || p.Width < 0 || p.Height < 0 {
		return invalid("document.width and document.height: give both (the label size) or neither (the printer's or the page's size), got %g×%g", p.Width, p.Height)
	}
	if _, err := ParsePages(p.Pages, 1<<30); err != nil {
		return err
	}
	if p.Base64 == "" {
		return invalid("document.base64: required (the file's bytes, base64)")
	}
	if n := base64.StdEncoding.DecodedLen(len(p.Base64)); n > MaxBytes {
		return &printing.Error{Code: printing.ErrReasonPayloadTooLarge,
			Msg: fmt.Sprintf("document.base64: the file is about %s bytes; the limit is %s bytes", commas(int64(n)), commas(MaxBytes))}
	}
	data, err := base64.StdEncoding.DecodeString(p.Base64)
	if err != nil {
		return invalid("document.base64: not valid base64: %v", err)
	}
	if got := sniff(data); got != p.Format {
		if got == "" {
			return invalid("document.base64: the data is not a %s file (it starts with % x)", strings.ToUpper(p.Format), head(data))
		}
		return invalid("document.format: is %q but the data is a %s file", p.Format, strings.ToUpper(got))
	}
	p.data = data
	return nil
}

// Data returns the decoded file (after Check).
func (p *Params) Data() []byte { return p.data }

// ThresholdLevel returns the threshold (default 128).
func (p *Params) ThresholdLevel() int {
	if p.Threshold == nil {
		return DefaultThreshold
	}
	return *p.Threshold
}

// sniff names a file's format from its first bytes ("" when unknown).
func sniff(b []byte) string {
	switch {
	case len(b) >= 5 && string(b[:5]) == "%PDF-":
		return FormatPDF
	case len(b) >= 8 && string(b[:8]) == "\x89PNG\r\n\x1a\n":
		return FormatPNG
	case len(b) >= 3 && b[0] == 0xff && b[1] == 0xd8 && b[2] == 0xff:
		return FormatJPEG
	}
	// PDF allows up to 1 KB of junk before the header.
	if i := strings.Index(string(b[:min(len(b), 1024)]), "%PDF-"); i >= 0 {
		return FormatPDF
	}
	return ""
}

// Sniff names a file's format from its first bytes: "pdf", "png", "jpeg"
// or "" (the CLI and tests use it).
func Sniff(b []byte) string { return sniff(b) }

func head(b []byte) []byte { return b[:min(len(b), 8)] }

func oneOf(s string, list []string) bool {
	for _, v := range list {
		if s == v {
			return true
		}
	}
	return false
}

// ParsePages reads a page list ("1-3,5", "2-", "" for all) against n pages
// and returns the 0-based indexes in order. Pages past the end are an error.
func ParsePages(s string, n int) ([]int, error) {
	if len(s) > 256 {
		return nil, invalid("document.pages: at most 256 characters")
	}
	if strings.TrimSpace(s) == "" {
		out := make([]int, 0, min(n, MaxPages+1))
		for i := 0; i < n && i <= MaxPages; i++ {
			out = append(out, i)
		}
		return out, nil
	}
	var out []int
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		a, b, isRange := strings.Cut(part, "-")
		from, err := pageNumber(a, s)
		if err != nil {
			return nil, err
		}
		to := from
		if isRange {
			if strings.TrimSpace(b) == "" {
				to = n
			} else if to, err = pageNumber(b, s); err != nil {
				return nil, err
			}
		}
		if to < from {
			return nil, invalid("document.pages: %q counts down (%d-%d)", s, from, to)
		}
		if to > n {
			return nil, invalid("document.pages: page %d is past the end of the document (%d page%s)", to, n, plural(n))
		}
		for i := from; i <= to; i++ {
			if len(out) > MaxPages {
				return nil, tooComplex("document.pages: more than %d pages; the limit is %d per print", MaxPages, MaxPages)
			}
			out = append(out, i-1)
		}
	}
	return out, nil
}

func pageNumber(s, all string) (int, error) {
	v, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || v < 1 {
		return 0, invalid(`document.pages: %q is not a page list like "1-3,5" (pages count from 1)`, all)
	}
	return v, nil
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

func invalid(format string, args ...any) error {
	return &printing.Error{Code: printing.ErrReasonInvalidParams, Msg: fmt.Sprintf(format, args...)}
}

func tooComplex(format string, args ...any) error {
	return &printing.Error{Code: printing.ErrReasonTooComplex, Msg: fmt.Sprintf(format, args...)}
}

// commas formats n with thousands separators.
func commas(n int64) string {
	s := strconv.FormatInt(n, 10)
	var out []byte
	for i := range len(s) {
		if i > 0 && (len(s)-i)%3 == 0 {
			out = append(out, ',')
		}
		out = append(out, s[i])
	}
	return string(out)
}
