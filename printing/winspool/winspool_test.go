package winspool

import (
	"slices"
	"testing"
)

func TestDefaultMatch(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		q    Queue
		want bool
	}{
		{Queue{Name: "ZDesigner GK420d", Driver: "ZDesigner GK420d", Port: "USB001"}, true},
		{Queue{Name: "Labels", Driver: GenericTextOnly, Port: "USB002"}, true},
		{Queue{Name: "TSC TTP-244 Pro", Driver: "TSC TTP-244 Pro", Port: "IP_10.0.0.5"}, true},
		{Queue{Name: "EPSON TM-T20II Receipt", Driver: "EPSON TM-T20II Receipt5", Port: "ESDPRT001"}, true},
		{Queue{Name: "Microsoft Print to PDF", Driver: "Microsoft Print To PDF", Port: "PORTPROMPT:"}, false},
		{Queue{Name: "Microsoft XPS Document Writer", Driver: "Microsoft XPS Document Writer v4", Port: "PORTPROMPT:"}, false},
		{Queue{Name: "Fax", Driver: "Microsoft Shared Fax Driver", Port: "SHRFAX:"}, false},
		{Queue{Name: "OneNote (Desktop)", Driver: "Send to Microsoft OneNote 16 Driver", Port: "nul:"}, false},
		{Queue{Name: "HP LaserJet", Driver: "HP Universal Printing PCL 6", Port: "IP_10.0.0.9"}, false},
		{Queue{Name: "ZPL via file", Driver: "ZDesigner GK420d", Port: "FILE:"}, false},
	} {
		if got := DefaultMatch(tt.q); got != tt.want {
			t.Errorf("DefaultMatch(%+v) = %v", tt.q, got)
		}
	}
}

func TestPrinterFor(t *testing.T) {
	t.Parallel()
	p := printerFor(Queue{Name: "ZDesigner ZD421-203dpi ZPL", Driver: "ZDesigner ZD421-203dpi ZPL", Port: "USB001", Status: printerStatusPaperOut})
	if p.ID != "spooler:ZDesigner ZD421-203dpi ZPL" || p.Connection != "spooler" || p.Language != "zpl" ||
		p.Vendor != "Zebra" || p.DPI != 203 || p.Address != "USB001" || p.Status.State != "error" || !slices.Equal(p.Status.Reasons, []string{"paper_out"}) {
		t.Errorf("printerFor = %+v", p)
	}
	p = printerFor(Queue{Name: "Labels", Driver: GenericTextOnly, Port: "USB002"})
	if p.Language != "" || p.Status.State != "ready" {
		t.Errorf("generic = %+v", p)
	}
}

func TestQueueStatus(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		status, attrs uint32
		state         string
		reasons       []string
	}{
		{0, 0, "ready", []string{}},
		{printerStatusPrinting, 0, "busy", []string{"printing"}},
		{printerStatusPaused, 0, "error", []string{"queue_paused"}},
		{printerStatusOffline | printerStatusPaperOut, 0, "error", []string{"paper_out", "offline"}},
		{printerStatusDoorOpen, 0, "error", []string{"cover_open"}},
		{0, printerAttributeWorkOffline, "error", []string{"offline"}},
		{printerStatusError | printerStatusUserIntervention, 0, "error", []string{"printer_error"}},
	} {
		st := queueStatus(tt.status, tt.attrs)
		if st.State != tt.state || !slices.Equal(st.Reasons, tt.reasons) {
			t.Errorf("queueStatus(%#x, %#x) = %s %q, want %s %q", tt.status, tt.attrs, st.State, st.Reasons, tt.state, tt.reasons)
		}
	}
}

func TestJobOutcome(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		status  uint32
		done    bool
		hold    string
		deleted bool
	}{
		{0, false, "", false},
		{jobStatusComplete, true, "", false},
		{jobStatusPrinted | jobStatusDeleting, true, "", false},
		{jobStatusPaperOut | jobStatusError, false, "paper_out", false},
		{jobStatusOffline, false, "offline", false},
		{jobStatusBlockedDevQ, false, "printer_error", false},
		{jobStatusDeleting, false, "", true},
		{jobStatusPaused, false, "", false},
	} {
		done, hold, deleted := jobOutcome(tt.status)
		if done != tt.done || hold != tt.hold || deleted != tt.deleted {
			t.Errorf("jobOutcome(%#x) = %v %q %v", tt.status, done, hold, deleted)
		}
	}
}

func TestDriverAttrsOffset(t *testing.T) {
	t.Parallel()
	// amd64/arm64: 4+4 pad, 10 pointers, FILETIME, DWORDLONG, 8 pointers.
	if got := driverAttrsOffset(8); got != 168 {
		t.Errorf("64-bit offset %d, want 168", got)
	}
	// 386: 4, 10 pointers = 44, FILETIME = 52, pad to 56, DWORDLONG = 64, 8 pointers = 96.
	if got := driverAttrsOffset(4); got != 96 {
		t.Errorf("32-bit offset %d, want 96", got)
	}
}
