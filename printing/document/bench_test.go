package document_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/labelbridge/labelbridge/printing/document"
	"github.com/labelbridge/labelbridge/printing/document/documenttest"
)

// BenchmarkCarrierPDF measures pages/s for a carrier-style 4×6 in vector
// PDF (Chromium-made: Korean address, Code 128, QR) rendered and encoded as
// ZPL at 203 and 300 dpi, and the process's peak RSS (Linux: VmHWM). The
// PDF engine is started before the timer.
func BenchmarkCarrierPDF(b *testing.B) {
	pdf := documenttest.CarrierPDF(b)
	p := docParams(b, "pdf", pdf, nil)
	if _, err := document.Encode(context.Background(), p, "zpl", 203, 1); err != nil {
		b.Fatal(err)
	}
	for _, dpi := range []int{203, 300} {
		b.Run(fmt.Sprintf("%ddpi", dpi), func(b *testing.B) {
			for b.Loop() {
				if _, err := document.Encode(context.Background(), p, "zpl", dpi, 1); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "pages/s")
			if kb := peakRSSKiB(); kb > 0 {
				b.ReportMetric(float64(kb)/1024, "peak-RSS-MiB")
			}
		})
	}
}

// peakRSSKiB reads VmHWM from /proc/self/status (0 where there is none).
func peakRSSKiB() int {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			n, _ := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")))
			return n
		}
	}
	return 0
}
