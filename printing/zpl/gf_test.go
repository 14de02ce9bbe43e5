package zpl

import (
	"bytes"
	"compress/zlib"
	"encoding/base64"
	"fmt"
	"io"
	"math/rand"
	"strconv"
	"strings"
	"testing"

	"github.com/labelbridge/labelbridge/printing/raster"
)

func TestCRC16XModem(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in   string
		want uint16
	}{
		{"", 0x0000},
		{"123456789", 0x31C3}, // the CRC-16/XMODEM check value
		{"A", 0x58E5},
	} {
		if got := CRC16(tc.in); got != tc.want {
			t.Errorf("CRC16(%q) = %04X, want %04X", tc.in, got, tc.want)
		}
	}
}

func bitmapFromRows(w int, rows ...string) *raster.Bitmap {
	b := raster.NewBitmap(w, len(rows))
	for y, r := range rows {
		for x, c := range r {
			if c == '#' {
				b.Set(x, y)
			}
		}
	}
	return b
}

func TestACS(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		bmp  *raster.Bitmap
		want string
	}{
		{"blank row", raster.NewBitmap(16, 1), ","},
		{"full row", bitmapFromRows(16, "################"), "!"},
		{"repeat row", bitmapFromRows(8, "#.......", "#......."), "80:"},
		{"left ink", bitmapFromRows(32, "########"), "HF,"},
		{"run", raster.NewBitmap(8*30, 0), ""},
		{"mixed", bitmapFromRows(24, "...#....#..#...#........"), "1091,"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := ACS(tc.bmp); got != tc.want {
				t.Errorf("ACS = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestWriteCount(t *testing.T) {
	t.Parallel()
	for n, want := range map[int]string{1: "G", 19: "Y", 20: "g", 45: "hK", 400: "z", 401: "zG", 845: "zzhK"} {
		var b strings.Builder
		writeCount(&b, n)
		if b.String() != want {
			t.Errorf("count %d = %q, want %q", n, b.String(), want)
		}
	}
}

// decodeACS is an independent reading of ZPL's ACS rules, used to check
// that ACS output round-trips.
func decodeACS(t *testing.T, data string, rowBytes, rows int) []byte {
	t.Helper()
	var out []byte
	var row []byte
	var prev []byte
	count := 0
	endRow := func(fill byte) {
		for len(row) < rowBytes*2 {
			row = append(row, fill)
		}
		for i := 0; i < rowBytes; i++ {
			v, err := strconv.ParseUint(string(row[2*i:2*i+2]), 16, 8)
			if err != nil {
				t.Fatalf("bad hex %q", row[2*i:2*i+2])
			}
			out = append(out, byte(v))
		}
		prev = append(prev[:0], row...)
		row = row[:0]
	}
	for i := 0; i < len(data); i++ {
		c := data[i]
		switch {
		case c >= 'G' && c <= 'Y':
			count += int(c-'G') + 1
		case c >= 'g' && c <= 'z':
			count += (int(c-'g') + 1) * 20
		case c == ',':
			endRow('0')
		case c == '!':
			endRow('F')
		case c == ':':
			row = append(row[:0], prev...)
			endRow('0')
		default:
			n := max(count, 1)
			count = 0
			for k := 0; k < n; k++ {
				row = append(row, c)
			}
			if len(row) == rowBytes*2 {
				endRow('0')
			}
		}
	}
	if len(out) != rowBytes*rows {
		t.Fatalf("decoded %d bytes, want %d", len(out), rowBytes*rows)
	}
	return out
}

func randomBitmap(r *rand.Rand, w, h int) *raster.Bitmap {
	b := raster.NewBitmap(w, h)
	// Blocks and runs, like real labels, plus some noise.
	for i := 0; i < 6; i++ {
		x, y := r.Intn(w), r.Intn(h)
		for yy := y; yy < min(h, y+r.Intn(h/2+1)); yy++ {
			for xx := x; xx < min(w, x+r.Intn(w/2+1)); xx++ {
				b.Set(xx, yy)
			}
		}
	}
	for i := 0; i < w*h/50; i++ {
		b.Set(r.Intn(w), r.Intn(h))
	}
	if h > 2 {
		copy(b.Row(1), b.Row(0)) // a repeated row
	}
	return b
}

func TestACSAndZ64RoundTrip(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewSource(1))
	for i := 0; i < 40; i++ {
		w, h := 1+r.Intn(300), 1+r.Intn(60)
		b := randomBitmap(r, w, h)
		t.Run(fmt.Sprintf("%dx%d", w, h), func(t *testing.T) {
			if got := decodeACS(t, ACS(b), b.Stride, b.H); !bytes.Equal(got, b.Pix) {
				t.Fatalf("ACS does not round-trip")
			}
			z := Z64(b)
			parts := strings.Split(z, ":")
			if len(parts) != 4 || parts[1] != "Z64" {
				t.Fatalf("Z64 form %q", z)
			}
			if crc := fmt.Sprintf("%04X", CRC16(parts[2])); crc != parts[3] {
				t.Fatalf("Z64 CRC %s, want %s", parts[3], crc)
			}
			raw, err := base64.StdEncoding.DecodeString(parts[2])
			if err != nil {
				t.Fatal(err)
			}
			zr, err := zlib.NewReader(bytes.NewReader(raw))
			if err != nil {
				t.Fatal(err)
			}
			got, err := io.ReadAll(zr)
			if err != nil || !bytes.Equal(got, b.Pix) {
				t.Fatalf("Z64 does not round-trip: %v", err)
			}
		})
	}
}

func TestGFPicksSmaller(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewSource(2))
	for _, b := range []*raster.Bitmap{
		raster.NewBitmap(800, 10),          // blank: ACS wins
		randomBitmap(r, 400, 200),          // noisy: Z64 wins
		bitmapFromRows(16, "#.#.#.#.#.#."), // tiny
	} {
		gf := GF(b)
		acs, z64 := ACS(b), Z64(b)
		want := min(len(acs), len(z64))
		prefix := fmt.Sprintf("^GFA,%d,%d,%d,", b.Stride*b.H, b.Stride*b.H, b.Stride)
		if !strings.HasPrefix(gf, prefix) {
			t.Fatalf("GF header %q, want prefix %q", gf[:min(len(gf), 40)], prefix)
		}
		if got := len(gf) - len(prefix); got != want {
			t.Errorf("%dx%d: GF data is %d chars; ACS %d, Z64 %d", b.W, b.H, got, len(acs), len(z64))
		}
	}
}
