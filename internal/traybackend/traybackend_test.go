package traybackend

import (
	"reflect"
	"testing"

	"github.com/labelbridge/labelbridge/printing"
	"github.com/labelbridge/labelbridge/tray"
)

func TestSummarize(t *testing.T) {
	t.Parallel()
	ready := printing.Status{State: printing.PrinterReady}
	tests := []struct {
		name     string
		printers []printing.Printer
		want     tray.Status
	}{
		{name: "none", want: tray.Status{}},
		{
			name: "physical printers by name (any case, then id), the virtual one last",
			printers: []printing.Printer{
				{ID: "virtual", Name: "Virtual printer", Connection: printing.ConnVirtual, Status: ready, IsDefault: true},
				{ID: "net:b", Name: "dock", Connection: printing.ConnNetwork, Status: ready},
				{ID: "net:a", Name: "Dock", Connection: printing.ConnNetwork, Status: ready},
				{ID: "usb:1", Name: "Aisle", Connection: printing.ConnUSB, Status: ready},
			},
			want: tray.Status{Printers: []tray.Printer{
				{ID: "usb:1", Name: "Aisle"}, {ID: "net:a", Name: "Dock"}, {ID: "net:b", Name: "dock"},
				{ID: "virtual", Name: "Virtual printer", Default: true},
			}},
		},
		{
			name: "held jobs: offline, in error or paused; problems: offline with jobs, or the default",
			printers: []printing.Printer{
				{ID: "a", Name: "A", Status: printing.Status{State: printing.PrinterOffline}, Queued: 2},
				{ID: "b", Name: "B", Status: printing.Status{State: printing.PrinterError}, IsDefault: true},
				{ID: "c", Name: "C", Status: printing.Status{State: printing.PrinterOffline}},
				{ID: "d", Name: "D", Status: printing.Status{State: printing.PrinterReady, Reasons: []string{printing.ReasonPaused}}, Queued: 3},
				{ID: "e", Name: "E", Status: ready, Queued: 4},
			},
			want: tray.Status{
				Printers: []tray.Printer{{ID: "a", Name: "A", Offline: true}, {ID: "b", Name: "B", Default: true, Offline: true},
					{ID: "c", Name: "C", Offline: true}, {ID: "d", Name: "D"}, {ID: "e", Name: "E"}},
				QueuedJobs: 9, HeldJobs: 5,
				Problems: []string{"A is offline", "B is error"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			in := append([]printing.Printer(nil), tt.printers...)
			if got := summarize(tt.printers); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("summarize =\n%+v\nwant\n%+v", got, tt.want)
			}
			if !reflect.DeepEqual(in, tt.printers) {
				t.Error("summarize reordered its input")
			}
		})
	}
}
