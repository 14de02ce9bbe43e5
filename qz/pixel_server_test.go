package qz_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"strings"
	"testing"
	"time"

	"github.com/labelbridge/labelbridge/printing"
	"github.com/labelbridge/labelbridge/printing/document"
	"github.com/labelbridge/labelbridge/printing/document/documenttest"
)

// docCompiler is the agent's document compiler in small (app/documents.go):
// the real printing/document at the printer's dpi and in its language.
type docCompiler struct{}

func (docCompiler) Compile(context.Context, json.RawMessage, printing.Printer, int) (printing.Compiled, error) {
	return printing.Compiled{}, errors.New("labels are not used in these tests")
}

func (docCompiler) CompileDocument(ctx context.Context, raw json.RawMessage, p printing.Printer, copies int) (printing.Compiled, error) {
	d, err := document.Parse(raw)
	if err != nil {
		return printing.Compiled{}, err
	}
	data, err := document.Encode(ctx, d, p.Language, p.DPI, max(copies, 1))
	if err != nil {
		return printing.Compiled{}, err
	}
	return printing.Compiled{Data: data, Language: p.Language, Copies: max(copies, 1), Source: raw}, nil
}

// tinyPDF is a hand-written one-page PDF, w×h points, with a black
// rectangle over the middle half of the page (xref offsets computed).
func tinyPDF(w, h int) []byte {
	content := fmt.Sprintf("0 0 0 rg %d %d %d %d re f", w/4, h/4, w/2, h/2)
	objs := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		fmt.Sprintf("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] /Contents 4 0 R /Resources << >> >>", w, h),
		fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(content), content),
	}
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n")
	offsets := make([]int, len(objs))
	for i, o := range objs {
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, xref)
	return b.Bytes()
}

// tinyPNG is a w×h white PNG with a black rectangle over its middle half.
func tinyPNG(t *testing.T, w, h int) []byte {
	img := image.NewGray(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			c := color.Gray{Y: 255}
			if x >= w/4 && x < w*3/4 && y >= h/4 && y < h*3/4 {
				c = color.Gray{}
			}
			img.SetGray(x, y, c)
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// checkMiddleInked draws a TSPL job's bitmap back and checks the middle is
// black and the corners white: the page printed as a bitmap label.
func checkMiddleInked(t *testing.T, what string, data []byte, w, h int) {
	t.Helper()
	if !bytes.Contains(data, []byte("BITMAP ")) {
		t.Fatalf("%s: no BITMAP command in %q", what, data[:min(len(data), 200)])
	}
	bm, err := documenttest.Bitmaps("tspl", data, w, h, 0)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	black := bm.Get
	if !black(w/2, h/2) || !black(w/4+3, h/4+3) || black(3, 3) || black(w-4, h-4) {
		t.Errorf("%s: middle %v %v, corners %v %v; want the middle black and the corners white",
			what, black(w/2, h/2), black(w/4+3, h/4+3), black(3, 3), black(w-4, h-4))
	}
}

// TestPixelPrintThroughSpooler: QZ Tray pixel prints (a PNG, and a PDF
// with QZ's size option) over the real WebSocket listener become document
// jobs of the real spooler and store, printed as bitmap labels at the
// printer's dpi; a resend of the same message prints nothing more.
func TestPixelPrintThroughSpooler(t *testing.T) {
	e := newEnv(t, false, nil)
	tspl := &sink{got: make(chan []byte, 8)}
	e.sp.Attach(printing.Printer{ID: "tspl", Name: "TSPL desk printer", Connection: printing.ConnVirtual, Language: "tspl", DPI: 203}, tspl)
	c := e.mustDial(pageOrigin)
	if r := call(t, c, `{"certificate":null,"uid":"c1"}`); r["error"] != nil {
		t.Fatalf("certificate: %v", r)
	}
	next := func(what string) []byte {
		t.Helper()
		select {
		case got := <-tspl.got:
			return got
		case <-time.After(60 * time.Second):
			t.Fatalf("%s: nothing printed", what)
			return nil
		}
	}

	// A 240×120 px PNG without a resolution: one pixel per dot.
	pngMsg := fmt.Sprintf(`{"call":"print","params":{"printer":{"name":"tspl"},"options":{"jobName":"QZ image"},`+
		`"data":[{"type":"pixel","format":"image","flavor":"base64","data":%q}]},"uid":"p1","timestamp":1}`,
		base64.StdEncoding.EncodeToString(tinyPNG(t, 240, 120)))
	if r := call(t, c, pngMsg); r["uid"] != "p1" || r["error"] != nil {
		t.Fatalf("print image: %v", r)
	}
	checkMiddleInked(t, "PNG", next("PNG"), 240, 120)

	// A 144×72 pt PDF printed on a 2×1 in label (QZ's size in its default
	// units, inches): 406×203 dots at 203 dpi.
	pdfMsg := fmt.Sprintf(`{"call":"print","params":{"printer":{"name":"TSPL"},"options":{"size":{"width":2,"height":1}},`+
		`"data":[{"type":"pixel","format":"pdf","flavor":"base64","data":%q}]},"uid":"p2","timestamp":2}`,
		base64.StdEncoding.EncodeToString(tinyPDF(144, 72)))
	if r := call(t, c, pdfMsg); r["uid"] != "p2" || r["error"] != nil {
		t.Fatalf("print pdf: %v", r)
	}
	checkMiddleInked(t, "PDF", next("PDF"), 406, 203)

	// The same PNG message again is the same job; the next print is the
	// next thing the printer gets.
	if r := call(t, c, pngMsg); r["error"] != nil {
		t.Fatalf("resend: %v", r)
	}
	if r := call(t, c, `{"call":"print","params":{"printer":{"name":"tspl"},"data":["MARKER"]},"uid":"p3","timestamp":3}`); r["error"] != nil {
		t.Fatalf("marker: %v", r)
	}
	if got := next("marker"); string(got) != "MARKER" {
		t.Fatalf("after a resend the printer got %q, want only the marker (the resend must not print again)", got[:min(len(got), 80)])
	}
	jobs, err := e.sp.Jobs(printing.JobFilter{})
	if err != nil {
		t.Fatal(err)
	}
	titles := []string{}
	for _, j := range jobs {
		titles = append(titles, j.Title)
	}
	if len(jobs) != 3 || !strings.Contains(strings.Join(titles, ","), "QZ image") {
		t.Errorf("jobs %v, want the image, the PDF and the marker once each", titles)
	}

	// Refusals reach the page as QZ errors, and nothing prints.
	for _, tt := range []struct{ data, want string }{
		{`{"type":"pixel","format":"pdf","flavor":"file","data":"http://127.0.0.1:1/label.pdf"}`, "which Labelbridge does not fetch"},
		{`{"type":"pixel","format":"html","flavor":"plain","data":"<p>hi</p>"}`, "pixel printing (html) is not supported"},
		{`{"type":"pixel","format":"pdf","flavor":"base64","data":"` + base64.StdEncoding.EncodeToString([]byte("%PDF-1.4 cut short")) + `"}`, "damaged"},
	} {
		r := call(t, c, `{"call":"print","params":{"printer":{"name":"tspl"},"data":[`+tt.data+`]},"uid":"bad","timestamp":4}`)
		if msg, _ := r["error"].(string); !strings.Contains(msg, tt.want) {
			t.Errorf("print %s: %v, want an error containing %q", tt.data, r, tt.want)
		}
	}
	if jobs, _ := e.sp.Jobs(printing.JobFilter{}); len(jobs) != 3 {
		t.Errorf("%d jobs after refused prints, want 3", len(jobs))
	}
}
