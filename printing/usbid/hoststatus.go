package usbid

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/labelbridge/labelbridge/printing"
)

// ZPLHostStatusQuery is ZPL's ~HS (host status), which every ZPL printer
// answers over any bidirectional link, raw TCP port 9100 included.
var ZPLHostStatusQuery = []byte("~HS")

// ZPLHostStatusComplete reports whether a ~HS reply is whole: three
// <STX>…<ETX> strings.
func ZPLHostStatusComplete(b []byte) bool { return bytes.Count(b, []byte{etx}) >= 3 }

// ParseZPLHostStatus reads the reply to ~HS (ZPL II programming guide):
//
//	<STX>aaa,b,c,dddd,eee,f,g,h,iii,j,k,l<ETX>   b paper out, c pause, j corrupt RAM, k under / l over temperature
//	<STX>mmm,n,o,p,q,r,s,t,uuuuuuuu,v,www<ETX>   o head up (open), p ribbon out
//	<STX>xxxx,y<ETX>
//
// The printer's pause becomes printer_paused (the core's "paused" is the
// user's pause in the panel), head up head_open.
func ParseZPLHostStatus(reply []byte) (printing.Status, error) {
	var lines [][]string
	for _, part := range bytes.Split(reply, []byte{etx}) {
		i := bytes.IndexByte(part, 0x02) // STX
		if i < 0 {
			continue
		}
		lines = append(lines, strings.Split(strings.TrimSpace(string(part[i+1:])), ","))
	}
	if len(lines) < 2 || len(lines[0]) < 12 || len(lines[1]) < 11 {
		return printing.Status{}, fmt.Errorf("ZPL ~HS reply %q: %w", reply, ErrBadReply)
	}
	flag := func(line, field int) (bool, error) {
		switch strings.TrimSpace(lines[line][field]) {
		case "0":
			return false, nil
		case "1":
			return true, nil
		}
		return false, fmt.Errorf("ZPL ~HS reply: string %d field %d is %q, not 0 or 1: %w", line+1, field+1, lines[line][field], ErrBadReply)
	}
	var reasons []string
	for _, f := range []struct {
		line, field int
		reason      string
	}{
		{0, 1, printing.ReasonPaperOut}, {0, 2, ReasonPrinterPaused}, {0, 9, ReasonPrinterError},
		{0, 11, ReasonOverheated}, {1, 2, printing.ReasonHeadOpen}, {1, 3, printing.ReasonRibbonOut},
	} {
		on, err := flag(f.line, f.field)
		if err != nil {
			return printing.Status{}, err
		}
		if on {
			reasons = append(reasons, f.reason)
		}
	}
	return NewStatus(reasons...), nil
}
