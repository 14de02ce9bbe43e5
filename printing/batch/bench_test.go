package batch

import (
	"fmt"
	"testing"
)

// courier is a 100×150 mm courier label with Korean address text.
const courier = `{"width":100,"height":150,"elements":[
	{"type":"text","x":4,"y":4,"text":"받는 분 {{name}}","size":5},
	{"type":"text","x":4,"y":16,"text":"{{address}}","size":3.5},
	{"type":"text","x":4,"y":26,"text":"보내는 분 라벨브리지 물류센터 경기도 이천시","size":3},
	{"type":"barcode","symbology":"code128","x":4,"y":40,"data":"{{tracking}}","height":20},
	{"type":"barcode","symbology":"qr","x":60,"y":70,"data":"{{tracking}}","size":30},
	{"type":"text","x":4,"y":110,"text":"주문번호 {{order}} · {{n}}","size":4},
	{"type":"box","x":2,"y":2,"width":96,"height":146,"thickness":0.5}]}`

func koreanRows(n int) []map[string]string {
	out := make([]map[string]string, n)
	for i := range out {
		out[i] = map[string]string{
			"name":     fmt.Sprintf("김민준 %d", i),
			"address":  fmt.Sprintf("서울특별시 강남구 테헤란로 %d길 %d", i%100, i),
			"tracking": fmt.Sprintf("KR%010d", i),
			"order":    fmt.Sprintf("ORD-%06d", i),
		}
	}
	return out
}

// BenchmarkKoreanBatch1000 draws a 1,000-row batch of Korean courier
// labels (ZPL, 203 dpi) with one worker (before parallel rendering) and
// with GOMAXPROCS workers, reporting labels/s.
func BenchmarkKoreanBatch1000(b *testing.B) {
	rs := koreanRows(1000)
	for _, w := range []struct {
		name    string
		workers int
	}{{"workers=1", 1}, {"workers=GOMAXPROCS", 0}} {
		b.Run(w.name, func(b *testing.B) {
			var labels int
			for b.Loop() {
				res, err := Compile(b.Context(), Spec{Label: []byte(courier), Rows: rs, Language: "zpl",
					Counters: []Counter{{Name: "n", Start: 1, Step: 1, Digits: 4}}, Workers: w.workers})
				if err != nil {
					b.Fatal(err)
				}
				labels += res.Labels
			}
			b.ReportMetric(float64(labels)/b.Elapsed().Seconds(), "labels/s")
		})
	}
}
