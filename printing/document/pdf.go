package document

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"io"
	"math"
	"sync"

	"github.com/labelbridge/labelbridge/internal/cachedir"

	"github.com/klippa-app/go-pdfium"
	"github.com/klippa-app/go-pdfium/enums"
	pdfiumerrors "github.com/klippa-app/go-pdfium/errors"
	"github.com/klippa-app/go-pdfium/references"
	"github.com/klippa-app/go-pdfium/requests"
	"github.com/klippa-app/go-pdfium/webassembly"
	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/experimental"
)

// MaxEngineMemory caps the PDF engine's WebAssembly memory (a document that
// needs more fails instead of growing the agent).
const MaxEngineMemory = 768 << 20

// engine is the PDFium WebAssembly runtime, compiled on the first PDF. One
// document renders at a time; each gets a fresh instance (its memory is
// released when the document is done).
var engine struct {
	once sync.Once
	pool pdfium.Pool
	err  error
}

// enginePool returns the runtime, compiling it the first time (a few seconds;
// the compiled code is cached under the user's cache folder for the next
// start, when that folder is writable).
func enginePool() (pdfium.Pool, error) {
	engine.once.Do(func() {
		cfg := wazero.NewRuntimeConfig().
			WithCoreFeatures(api.CoreFeaturesV2 | experimental.CoreFeaturesExceptionHandling).
			WithMemoryLimitPages(MaxEngineMemory / 65536)
		if cache, err := wazero.NewCompilationCacheWithDir(cachedir.Dir("wazero")); err == nil {
			cfg = cfg.WithCompilationCache(cache)
		}
		engine.pool, engine.err = webassembly.Init(webassembly.Config{
			MinIdle: 0, MaxIdle: 1, MaxTotal: 1, ReuseWorkers: true,
			RuntimeConfig: cfg,
			FSConfig:      wazero.NewFSConfig(), // the engine sees no files
			Stdout:        io.Discard, Stderr: io.Discard,
		})
		if engine.err != nil {
			engine.err = fmt.Errorf("start the PDF engine: %w", engine.err)
		}
	})
	return engine.pool, engine.err
}

// pdfSource is an open PDF document.
type pdfSource struct {
	inst  pdfium.Pdfium
	doc   references.FPDF_DOCUMENT
	pages int
	ctx   context.Context
}

func openPDF(ctx context.Context, data []byte) (*pdfSource, error) {
	pool, err := enginePool()
	if err != nil {
		return nil, &statusError{reason: "unavailable", err: err}
	}
	inst, err := pool.GetInstanceWithContext(ctx)
	if err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("document: waiting for the PDF engine: %w", ctx.Err())
		}
		return nil, fmt.Errorf("document: PDF engine: %w", err)
	}
	s := &pdfSource{inst: inst, ctx: ctx}
	doc, err := inst.FPDF_LoadMemDocument64(&requests.FPDF_LoadMemDocument64{Data: &data})
	if err != nil {
		inst.Close()
		switch {
		case errors.Is(err, pdfiumerrors.ErrPassword):
			return nil, invalid("document: the PDF is encrypted (it needs a password to open): print an unprotected copy")
		case errors.Is(err, pdfiumerrors.ErrSecurity):
			return nil, invalid("document: the PDF is encrypted with a scheme that cannot be opened: print an unprotected copy")
		case errors.Is(err, pdfiumerrors.ErrFormat), errors.Is(err, pdfiumerrors.ErrFile):
			return nil, invalid("document: the PDF is damaged and cannot be read (truncated or not a PDF): %v", err)
		}
		return nil, invalid("document: the PDF cannot be opened: %v", err)
	}
	s.doc = doc.Document
	// PDFium repairs what it can; a file cut short (a broken download)
	// would print half a label, so it is refused.
	if xref, err := inst.FPDF_DocumentHasValidCrossReferenceTable(&requests.FPDF_DocumentHasValidCrossReferenceTable{Document: s.doc}); err == nil && !xref.DocumentHasValidCrossReferenceTable && !endsWithEOF(data) {
		s.close()
		return nil, invalid("document: the PDF is damaged: it is cut short (no end-of-file marker and a broken cross-reference table; a truncated download?)")
	}
	n, err := inst.FPDF_GetPageCount(&requests.FPDF_GetPageCount{Document: s.doc})
	if err != nil {
		s.close()
		return nil, invalid("document: the PDF's pages cannot be read: %v", err)
	}
	if n.PageCount < 1 {
		s.close()
		return nil, invalid("document: the PDF has no pages")
	}
	s.pages = n.PageCount
	return s, nil
}

// endsWithEOF reports whether the file's last KB holds %%EOF.
func endsWithEOF(b []byte) bool {
	return bytes.Contains(b[max(0, len(b)-1024):], []byte("%%EOF"))
}

func (s *pdfSource) pageCount() int { return s.pages }

func (s *pdfSource) pageSize(i int) (w, h, unitsPerInch float64, err error) {
	sz, err := s.inst.FPDF_GetPageSizeByIndex(&requests.FPDF_GetPageSizeByIndex{Document: s.doc, Index: i})
	if err != nil {
		return 0, 0, 0, invalid("document: page %d cannot be read: %v", i+1, err)
	}
	return sz.Width, sz.Height, 72, nil
}

// render draws page i with PDFium straight into dst's grey pixels at the
// placement's scale (vector content at the printer's resolution).
// Rendering is progressive: between steps it stops when ctx is done.
func (s *pdfSource) render(ctx context.Context, i int, pl placement, dst *image.Gray) error {
	pg, err := s.inst.FPDF_LoadPage(&requests.FPDF_LoadPage{Document: s.doc, Index: i})
	if err != nil {
		return invalid("document: page %d cannot be read: %v", i+1, err)
	}
	page := requests.Page{ByReference: &pg.Page}
	defer s.inst.FPDF_ClosePage(&requests.FPDF_ClosePage{Page: pg.Page})
	w, h := dst.Rect.Dx(), dst.Rect.Dy()
	bm, err := s.inst.FPDFBitmap_CreateEx(&requests.FPDFBitmap_CreateEx{Width: w, Height: h, Format: enums.FPDF_BITMAP_FORMAT_GRAY, Pointer: uint64(0)})
	if err != nil {
		return tooComplex("document: page %d: a %d×%d bitmap does not fit in the PDF engine's memory: %v", i+1, w, h, err)
	}
	defer s.inst.FPDFBitmap_Destroy(&requests.FPDFBitmap_Destroy{Bitmap: bm.Bitmap})
	if _, err := s.inst.FPDFBitmap_FillRect(&requests.FPDFBitmap_FillRect{Bitmap: bm.Bitmap, Width: w, Height: h, Color: 0xFFFFFFFF}); err != nil {
		return fmt.Errorf("document: page %d: %w", i+1, err)
	}
	pause := func() bool { return ctx.Err() != nil }
	flags := enums.FPDF_RENDER_FLAG_GRAYSCALE | enums.FPDF_RENDER_FLAG_ANNOT | enums.FPDF_RENDER_FLAG_PRINTING
	st, err := s.inst.FPDF_RenderPageBitmap_Start(&requests.FPDF_RenderPageBitmap_Start{
		Bitmap: bm.Bitmap, Page: page,
		StartX: int(math.Round(pl.X)), StartY: int(math.Round(pl.Y)),
		SizeX: int(math.Round(pl.PW)), SizeY: int(math.Round(pl.PH)),
		Rotate: enums.FPDF_PAGE_ROTATION(pl.Rot / 90), Flags: flags, NeedToPauseNowCallback: pause,
	})
	defer s.inst.FPDF_RenderPage_Close(&requests.FPDF_RenderPage_Close{Page: page})
	for err == nil && st.RenderStatus == enums.FPDF_RENDER_STATUS_TOBECONTINUED {
		if ctx.Err() != nil {
			return renderStopped(ctx, i)
		}
		next, cerr := s.inst.FPDF_RenderPage_Continue(&requests.FPDF_RenderPage_Continue{Page: page, NeedToPauseNowCallback: pause})
		if cerr != nil {
			err = cerr
			break
		}
		st.RenderStatus = next.RenderStatus
	}
	if err != nil {
		return tooComplex("document: page %d could not be rendered (over the PDF engine's memory?): %v", i+1, err)
	}
	if st.RenderStatus != enums.FPDF_RENDER_STATUS_DONE {
		return invalid("document: page %d could not be rendered (the PDF is damaged)", i+1)
	}
	buf, err := s.inst.FPDFBitmap_GetBuffer(&requests.FPDFBitmap_GetBuffer{Bitmap: bm.Bitmap})
	if err != nil {
		return fmt.Errorf("document: page %d: read the bitmap: %w", i+1, err)
	}
	stride, err := s.inst.FPDFBitmap_GetStride(&requests.FPDFBitmap_GetStride{Bitmap: bm.Bitmap})
	if err != nil || stride.Stride < w || len(buf.Buffer) < stride.Stride*(h-1)+w {
		return fmt.Errorf("document: page %d: the bitmap has an unexpected layout: %v", i+1, err)
	}
	for y := 0; y < h; y++ {
		copy(dst.Pix[y*dst.Stride:y*dst.Stride+w], buf.Buffer[y*stride.Stride:])
	}
	return nil
}

func (s *pdfSource) close() {
	if s.doc != "" {
		s.inst.FPDF_CloseDocument(&requests.FPDF_CloseDocument{Document: s.doc})
	}
	s.inst.Close()
}

// statusError carries a reason other than the document's own
// (the engine could not start: unavailable).
type statusError struct {
	reason string
	err    error
}

func (e *statusError) Error() string  { return "document: " + e.err.Error() }
func (e *statusError) Unwrap() error  { return e.err }
func (e *statusError) Reason() string { return e.reason }
