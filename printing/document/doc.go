// Package document turns PDF, PNG and JPEG documents into 1-bit pages at a
// printer's dpi, one label per page, for the language encoders to send as
// their own bitmap commands (ZPL ^GF, TSPL BITMAP, EPL GW, ESC/POS GS v 0).
//
// The geometry is decided once, in printer dots, before anything is drawn:
// the page (or, with crop "content", the part of it that has ink) is turned
// (rotate "auto" turns a landscape page onto portrait stock and the
// reverse), scaled (fit "contain", "cover" or "actual" size) and centred on
// the label. PDF pages are rasterised by PDFium straight at that scale,
// never through a 72 dpi bitmap, so vector barcodes keep their bar widths;
// images are resampled once. The grey result is then thresholded or
// dithered (threshold, ordered, Floyd–Steinberg) to 1 bit.
//
// PDFium runs as WebAssembly on wazero (github.com/klippa-app/go-pdfium), so
// the package needs no cgo and no program outside the binary; the runtime is
// compiled on the first PDF only (and cached on disk). Its guest sees no
// files and gets at most MaxEngineMemory of memory. Every document is
// bounded: bytes (MaxBytes), pages (MaxPages), label size (MaxPageDots),
// decoded image pixels, the same work budget per page as a label
// (raster.MaxWorkDots) and render time (MaxRenderTime, and the request's
// context). Bad input is an error naming the problem, with the API's
// reasons: invalid_params (bad params, an encrypted or damaged file),
// too_complex (over a work limit), payload_too_large (over MaxBytes).
package document
