//go:build windows

package winspool

import (
	"errors"
	"fmt"
	"unsafe"

	"golang.org/x/sys/windows"
)

var (
	winspool              = windows.NewLazySystemDLL("winspool.drv")
	procEnumPrintersW     = winspool.NewProc("EnumPrintersW")
	procOpenPrinterW      = winspool.NewProc("OpenPrinterW")
	procClosePrinter      = winspool.NewProc("ClosePrinter")
	procStartDocPrinterW  = winspool.NewProc("StartDocPrinterW")
	procStartPagePrinter  = winspool.NewProc("StartPagePrinter")
	procWritePrinter      = winspool.NewProc("WritePrinter")
	procEndPagePrinter    = winspool.NewProc("EndPagePrinter")
	procEndDocPrinter     = winspool.NewProc("EndDocPrinter")
	procAbortPrinter      = winspool.NewProc("AbortPrinter")
	procGetPrinterW       = winspool.NewProc("GetPrinterW")
	procGetPrinterDriverW = winspool.NewProc("GetPrinterDriverW")
	procGetJobW           = winspool.NewProc("GetJobW")
	procSetJobW           = winspool.NewProc("SetJobW")
)

const (
	printerEnumLocal       = 0x2
	printerEnumConnections = 0x4
	printerDriverXPS       = 0x2 // PRINTER_DRIVER_XPS in DRIVER_INFO_8.dwPrinterDriverAttributes
	jobControlDelete       = 5
)

// printerInfo2 is PRINTER_INFO_2W.
type printerInfo2 struct {
	ServerName         *uint16
	PrinterName        *uint16
	ShareName          *uint16
	PortName           *uint16
	DriverName         *uint16
	Comment            *uint16
	Location           *uint16
	DevMode            uintptr
	SepFile            *uint16
	PrintProcessor     *uint16
	Datatype           *uint16
	Parameters         *uint16
	SecurityDescriptor uintptr
	Attributes         uint32
	Priority           uint32
	DefaultPriority    uint32
	StartTime          uint32
	UntilTime          uint32
	Status             uint32
	Jobs               uint32
	AveragePPM         uint32
}

// jobInfo1 is JOB_INFO_1W.
type jobInfo1 struct {
	JobID        uint32
	PrinterName  *uint16
	MachineName  *uint16
	UserName     *uint16
	Document     *uint16
	Datatype     *uint16
	StatusText   *uint16
	Status       uint32
	Priority     uint32
	Position     uint32
	TotalPages   uint32
	PagesPrinted uint32
	Submitted    windows.Systemtime
}

// docInfo1 is DOC_INFO_1W.
type docInfo1 struct {
	DocName    *uint16
	OutputFile *uint16
	Datatype   *uint16
}

func call(p *windows.LazyProc, args ...uintptr) (uintptr, error) {
	r, _, err := p.Call(args...)
	if r == 0 {
		if err == nil || err == windows.ERROR_SUCCESS {
			err = errors.New(p.Name + " failed")
		}
		return 0, fmt.Errorf("%s: %w", p.Name, err)
	}
	return r, nil
}

// grow calls fn with a buffer until it is big enough (the *W getters report
// ERROR_INSUFFICIENT_BUFFER and the size they need).
func grow(fn func(buf []byte, needed *uint32) error) ([]byte, error) {
	buf := make([]byte, 4096)
	for range 4 {
		var needed uint32
		err := fn(buf, &needed)
		if err == nil {
			return buf, nil
		}
		if !errors.Is(err, windows.ERROR_INSUFFICIENT_BUFFER) || needed <= uint32(len(buf)) {
			return nil, err
		}
		buf = make([]byte, needed)
	}
	return nil, errors.New("buffer keeps growing")
}

// listQueues is EnumPrinters(LOCAL|CONNECTIONS, level 2).
func listQueues() ([]Queue, error) {
	var count uint32
	buf, err := grow(func(buf []byte, needed *uint32) error {
		_, err := call(procEnumPrintersW, printerEnumLocal|printerEnumConnections, 0, 2,
			uintptr(unsafe.Pointer(&buf[0])), uintptr(len(buf)), uintptr(unsafe.Pointer(needed)), uintptr(unsafe.Pointer(&count)))
		return err
	})
	if err != nil {
		return nil, err
	}
	infos := unsafe.Slice((*printerInfo2)(unsafe.Pointer(&buf[0])), count)
	out := make([]Queue, 0, count)
	for _, pi := range infos {
		out = append(out, queueOf(&pi))
	}
	return out, nil
}

func queueOf(pi *printerInfo2) Queue {
	return Queue{
		Name: windows.UTF16PtrToString(pi.PrinterName), Port: windows.UTF16PtrToString(pi.PortName),
		Driver: windows.UTF16PtrToString(pi.DriverName), Status: pi.Status, Attributes: pi.Attributes,
	}
}

// handle is an open printer.
type handle windows.Handle

func openPrinter(name string) (handle, error) {
	n16, err := windows.UTF16PtrFromString(name)
	if err != nil {
		return 0, err
	}
	var h windows.Handle
	if _, err := call(procOpenPrinterW, uintptr(unsafe.Pointer(n16)), uintptr(unsafe.Pointer(&h)), 0); err != nil {
		return 0, err
	}
	return handle(h), nil
}

func (h handle) close() { _, _ = call(procClosePrinter, uintptr(h)) }

func (h handle) queue() (Queue, error) {
	buf, err := grow(func(buf []byte, needed *uint32) error {
		_, err := call(procGetPrinterW, uintptr(h), 2, uintptr(unsafe.Pointer(&buf[0])), uintptr(len(buf)), uintptr(unsafe.Pointer(needed)))
		return err
	})
	if err != nil {
		return Queue{}, err
	}
	return queueOf((*printerInfo2)(unsafe.Pointer(&buf[0]))), nil
}

// datatype is "XPS_PASS" for v4 (XPS) drivers, else "RAW" (KB2779300).
func (h handle) datatype() string {
	buf, err := grow(func(buf []byte, needed *uint32) error {
		_, err := call(procGetPrinterDriverW, uintptr(h), 0, 8, uintptr(unsafe.Pointer(&buf[0])), uintptr(len(buf)), uintptr(unsafe.Pointer(needed)))
		return err
	})
	if off := driverAttrsOffset(unsafe.Sizeof(uintptr(0))); err == nil && uintptr(len(buf)) >= off+4 &&
		*(*uint32)(unsafe.Pointer(&buf[off]))&printerDriverXPS != 0 {
		return "XPS_PASS"
	}
	return "RAW"
}

// jobStatus returns a Windows job's status; gone when it left the queue.
func (h handle) jobStatus(id uint32) (status uint32, gone bool, err error) {
	buf, err := grow(func(buf []byte, needed *uint32) error {
		_, err := call(procGetJobW, uintptr(h), uintptr(id), 1, uintptr(unsafe.Pointer(&buf[0])), uintptr(len(buf)), uintptr(unsafe.Pointer(needed)))
		return err
	})
	if errors.Is(err, windows.ERROR_INVALID_PARAMETER) {
		return 0, true, nil // no such job any more: printed and removed
	}
	if err != nil {
		return 0, false, err
	}
	return (*jobInfo1)(unsafe.Pointer(&buf[0])).Status, false, nil
}

func (h handle) deleteJob(id uint32) error {
	_, err := call(procSetJobW, uintptr(h), uintptr(id), 0, 0, jobControlDelete)
	return err
}
