package zpl

import (
	"bytes"
	"compress/zlib"
	"encoding/base64"
	"fmt"
	"strings"

	"github.com/labelbridge/labelbridge/printing/raster"
)

const hexDigits = "0123456789ABCDEF"

// GF returns a complete ^GFA command for b, with its data in ACS (hex run
// compression) or Z64, whichever is shorter.
func GF(b *raster.Bitmap) string {
	total := b.Stride * b.H
	acs := ACS(b)
	data := acs
	if z := Z64(b); len(z) < len(acs) {
		data = z
	}
	return fmt.Sprintf("^GFA,%d,%d,%d,%s", total, total, b.Stride, data)
}

// ACS returns b's rows as ZPL ASCII hex with ACS compression: repeat counts
// (G–Y = 1–19, g–z = 20–400) before a repeated hex digit, "," for a row
// ending in zeros, "!" for one ending in ones and ":" for a row equal to the
// previous one.
func ACS(b *raster.Bitmap) string {
	var out strings.Builder
	out.Grow(b.Stride * b.H / 2)
	row := make([]byte, b.Stride*2)
	var prev []byte
	for y := 0; y < b.H; y++ {
		src := b.Row(y)
		if prev != nil && bytes.Equal(src, prev) {
			out.WriteByte(':')
			continue
		}
		prev = src
		for i, v := range src {
			row[2*i] = hexDigits[v>>4]
			row[2*i+1] = hexDigits[v&15]
		}
		writeACSRow(&out, row)
	}
	return out.String()
}

func writeACSRow(out *strings.Builder, row []byte) {
	// Trailing run of 0 or F becomes "," or "!".
	end := len(row)
	var tail byte
	if end > 0 && (row[end-1] == '0' || row[end-1] == 'F') {
		c := row[end-1]
		i := end
		for i > 0 && row[i-1] == c {
			i--
		}
		if end-i >= 2 || i == 0 {
			end = i
			if c == '0' {
				tail = ','
			} else {
				tail = '!'
			}
		}
	}
	for i := 0; i < end; {
		c := row[i]
		j := i + 1
		for j < end && row[j] == c {
			j++
		}
		n := j - i
		if n > 1 {
			writeCount(out, n)
		}
		out.WriteByte(c)
		i = j
	}
	if tail != 0 {
		out.WriteByte(tail)
	}
}

// writeCount writes a repeat count: z = 400, g–y = 20–380, G–Y = 1–19.
func writeCount(out *strings.Builder, n int) {
	for n > 400 {
		out.WriteByte('z')
		n -= 400
	}
	if n >= 20 {
		out.WriteByte(byte('g' + n/20 - 1))
		n %= 20
	}
	if n > 0 {
		out.WriteByte(byte('G' + n - 1))
	}
}

// Z64 returns ":Z64:<base64 of zlib-compressed rows>:<CRC>", the CRC being
// CRC-16/XMODEM of the base64 text in four upper-case hex digits.
func Z64(b *raster.Bitmap) string {
	var zbuf bytes.Buffer
	zw, _ := zlib.NewWriterLevel(&zbuf, zlib.DefaultCompression)
	_, _ = zw.Write(b.Pix)
	_ = zw.Close()
	b64 := base64.StdEncoding.EncodeToString(zbuf.Bytes())
	return fmt.Sprintf(":Z64:%s:%04X", b64, CRC16(b64))
}

// CRC16 is CRC-16/XMODEM (polynomial 0x1021, initial value 0, no
// reflection, no final XOR), which ZPL uses over the base64 text of B64 and
// Z64 data.
func CRC16(s string) uint16 {
	var crc uint16
	for i := 0; i < len(s); i++ {
		crc ^= uint16(s[i]) << 8
		for k := 0; k < 8; k++ {
			if crc&0x8000 != 0 {
				crc = crc<<1 ^ 0x1021
			} else {
				crc <<= 1
			}
		}
	}
	return crc
}
