package document

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"math"
	"time"

	"github.com/labelbridge/labelbridge/printing/encode"
	"github.com/labelbridge/labelbridge/printing/label"
	"github.com/labelbridge/labelbridge/printing/raster"
)

// Limits of one document (docs/documents.md lists them).
const (
	// MaxBytes is the largest file accepted (decoded).
	MaxBytes = 16 << 20
	// MaxPages is the most pages one print renders.
	MaxPages = 100
	// MaxPageDots caps one page's label in dots (4×6 in at 600 dpi is 8.6
	// million, A4 at 300 dpi 8.7 million).
	MaxPageDots = 16 << 20
	// MaxPageInches caps a PDF page's side (the PDF format's own limit is 200 in).
	MaxPageInches = 200
	// MaxWork is the work budget of one document in dots: every page's
	// content detection, rendering, dithering and encoding together. Each
	// page is also held to a label's budget (raster.MaxWorkDots).
	MaxWork = 4 * raster.MaxWorkDots
	// MaxRenderTime bounds one document's rendering, whatever its budget.
	MaxRenderTime = 60 * time.Second

	detectDPI       = 200     // resolution of the crop "content" pass
	maxDetectPixels = 8 << 20 // and its pixel cap
	inkLevel        = 240     // darker than this counts as content when cropping
	pageWorkFactor  = 4       // rendering, dithering, encoding, preview: per label dot
)

// source is an open document: PDF pages or one image.
type source interface {
	pageCount() int
	// pageSize returns page i's size in its own units and those units per
	// inch (0: one unit is one printer dot).
	pageSize(i int) (w, h, unitsPerInch float64, err error)
	// render draws page i at pl onto dst (white to start with); what falls
	// outside dst is cut off.
	render(ctx context.Context, i int, pl placement, dst *image.Gray) error
	close()
}

// Page is one rendered page: a 1-bit label at the printer's dpi.
type Page struct {
	Number   int // in the document, from 1
	Rotation int // the clockwise turn applied (rotate "auto" resolved)
	Bitmap   *raster.Bitmap
}

var errRenderTime = errors.New("render time limit")

// Render renders the selected pages of a checked document (Parse) at dpi,
// one label per page. Errors are *printing.Error with reason invalid_params,
// too_complex or payload_too_large, or the context's error wrapped.
func Render(ctx context.Context, p *Params, dpi int) ([]Page, error) {
	if p == nil || p.data == nil {
		return nil, invalid("document: no document (params not checked)")
	}
	if dpi < label.MinDPI || dpi > label.MaxDPI {
		return nil, invalid("document: printer dpi %d is out of range (%d–%d)", dpi, label.MinDPI, label.MaxDPI)
	}
	ctx, cancel := context.WithTimeoutCause(ctx, MaxRenderTime, errRenderTime)
	defer cancel()
	var src source
	var err error
	if p.Format == FormatPDF {
		src, err = openPDF(ctx, p.data)
	} else {
		src, err = openImage(p.data, p.Format)
	}
	if err != nil {
		return nil, err
	}
	defer src.close()
	pages, err := ParsePages(p.Pages, src.pageCount())
	if err != nil {
		return nil, err
	}
	if len(pages) > MaxPages {
		return nil, tooComplex("document: %d pages; the limit is %d per print (choose some with document.pages)", src.pageCount(), MaxPages)
	}
	// Decide every page's geometry and cost before rendering any.
	type job struct {
		index int
		w, h  int
		pl    placement
	}
	jobs := make([]job, 0, len(pages))
	var work int64
	for _, i := range pages {
		pw, ph, upi, err := src.pageSize(i)
		if err != nil {
			return nil, err
		}
		if upi == 0 {
			upi = float64(dpi)
		}
		if !(pw > 0 && ph > 0) || pw/upi > MaxPageInches || ph/upi > MaxPageInches {
			return nil, tooComplex("document: page %d is %.1f×%.1f in; pages up to %d in a side print", i+1, pw/upi, ph/upi, MaxPageInches)
		}
		content := box{0, 0, pw, ph}
		if p.Crop == CropContent {
			c, cost, err := detectContent(ctx, src, i, pw, ph)
			if err != nil {
				return nil, err
			}
			content, work = c, work+cost
		}
		w, h := labelSize(p, content, upi, dpi)
		if w < 1 || h < 1 {
			return nil, invalid("document: page %d's label would be %d×%d dots, smaller than one dot", i+1, w, h)
		}
		if area := int64(w) * int64(h); area > MaxPageDots {
			return nil, tooComplex("document: page %d's label is %d×%d dots at %d dpi (%s); the limit is %s dots", i+1, w, h, dpi, commas(area), commas(MaxPageDots))
		}
		pl := place(pw, ph, content, upi, w, h, dpi, p.Fit, p.Rotate.Deg())
		if pl.PW > 1<<24 || pl.PH > 1<<24 {
			return nil, tooComplex("document: page %d would be enlarged %.0f times (its content is tiny); use crop \"none\" or fit \"actual\"", i+1, pl.Scale)
		}
		work += pageWorkFactor * int64(w) * int64(h)
		if work > MaxWork {
			return nil, tooComplex("document: rendering %d pages at %d dpi is %s dots of work; the budget is %s (print fewer pages at a time)", len(pages), dpi, commas(work), commas(MaxWork))
		}
		jobs = append(jobs, job{index: i, w: w, h: h, pl: pl})
	}
	out := make([]Page, 0, len(jobs))
	for _, j := range jobs {
		g := image.NewGray(image.Rect(0, 0, j.w, j.h))
		for k := range g.Pix {
			g.Pix[k] = 0xff
		}
		if err := src.render(ctx, j.index, j.pl, g); err != nil {
			return nil, stopped(ctx, j.index, err)
		}
		b, err := toBitmap(g, p.Dither, p.ThresholdLevel(), func() error {
			if ctx.Err() != nil {
				return renderStopped(ctx, j.index)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		out = append(out, Page{Number: j.index + 1, Rotation: j.pl.Rot, Bitmap: b})
	}
	return out, nil
}

// detectContent renders page i small and returns the box around its ink in
// page units (the whole page when it has none), and the work it took.
func detectContent(ctx context.Context, src source, i int, pw, ph float64) (box, int64, error) {
	_, _, upi, _ := src.pageSize(i)
	s := 1.0
	if upi > 0 {
		s = detectDPI / upi
	}
	if px := pw * ph * s * s; px > maxDetectPixels {
		s *= math.Sqrt(maxDetectPixels / px)
	}
	w, h := max(1, int(math.Ceil(pw*s))), max(1, int(math.Ceil(ph*s)))
	g := image.NewGray(image.Rect(0, 0, w, h))
	for k := range g.Pix {
		g.Pix[k] = 0xff
	}
	if err := src.render(ctx, i, placement{Scale: s, PW: pw * s, PH: ph * s}, g); err != nil {
		return box{}, 0, stopped(ctx, i, err)
	}
	r := inkBox(g, inkLevel)
	if r.Empty() {
		return box{0, 0, pw, ph}, int64(w) * int64(h), nil
	}
	// One detection pixel of slack on each side, within the page.
	x0, y0 := math.Max(0, float64(r.Min.X-1)/s), math.Max(0, float64(r.Min.Y-1)/s)
	x1, y1 := math.Min(pw, float64(r.Max.X+1)/s), math.Min(ph, float64(r.Max.Y+1)/s)
	return box{x0, y0, x1 - x0, y1 - y0}, int64(w) * int64(h), nil
}

// stopped words a render error: the time limit and a done context win.
func stopped(ctx context.Context, i int, err error) error {
	if ctx.Err() != nil {
		return renderStopped(ctx, i)
	}
	return err
}

func renderStopped(ctx context.Context, i int) error {
	if errors.Is(context.Cause(ctx), errRenderTime) {
		return tooComplex("document: rendering page %d went over the time limit of %s", i+1, MaxRenderTime)
	}
	return fmt.Errorf("document: rendering page %d stopped: %w", i+1, ctx.Err())
}

// Encode renders the document and returns it in the printer's language, one
// label per page; with several pages and copies the set prints copies times
// in order (collated).
func Encode(ctx context.Context, p *Params, language string, dpi, copies int) ([]byte, error) {
	pages, err := Render(ctx, p, dpi)
	if err != nil {
		return nil, err
	}
	copies = max(copies, 1)
	perPage := 1
	if len(pages) == 1 {
		perPage = copies // the printer repeats it (^PQ, PRINT 1,n, …)
	}
	var out bytes.Buffer
	for _, pg := range pages {
		plan, err := raster.BitmapPlan(ctx, pg.Bitmap, dpi, perPage)
		if err != nil {
			return nil, fmt.Errorf("document: page %d: %w", pg.Number, err)
		}
		if p.settings != nil {
			plan.Label.ResolveMedia(*p.settings)
		}
		b, err := encode.EncodePlan(plan, language, encode.Options{DPI: dpi})
		if err != nil {
			return nil, fmt.Errorf("document: page %d: %w", pg.Number, err)
		}
		out.Write(b)
	}
	if perPage == 1 && copies > 1 {
		return bytes.Repeat(out.Bytes(), copies), nil
	}
	return out.Bytes(), nil
}

// Preview renders the document as one 1-bit PNG at dpi: its pages one
// under another, split by a dashed line, and returns how many pages it
// shows.
func Preview(ctx context.Context, p *Params, dpi int) ([]byte, int, error) {
	pages, err := Render(ctx, p, dpi)
	if err != nil {
		return nil, 0, err
	}
	gap := max(dpi/8, 8)
	w, h := 0, 0
	for i, pg := range pages {
		w = max(w, pg.Bitmap.W)
		h += pg.Bitmap.H
		if i > 0 {
			h += gap
		}
	}
	if int64(w)*int64(h) > raster.MaxDots {
		return nil, 0, tooComplex("document: the preview of %d pages would be %d×%d dots; preview fewer pages (document.pages)", len(pages), w, h)
	}
	sheet := raster.NewBitmap(w, h)
	y := 0
	for i, pg := range pages {
		if i > 0 {
			for x := 0; x < w; x += 8 {
				sheet.FillRect(image.Rect(x, y+gap/2, min(x+4, w), y+gap/2+1))
			}
			y += gap
		}
		sheet.Or(pg.Bitmap, image.Pt(0, y))
		y += pg.Bitmap.H
	}
	png, err := raster.PNG(sheet, dpi)
	if err != nil {
		return nil, 0, fmt.Errorf("document: preview: %w", err)
	}
	return png, len(pages), nil
}
