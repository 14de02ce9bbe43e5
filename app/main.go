// Command labelbridge is the Labelbridge agent: it lets web pages print
// labels on this PC's label printers. Run with no arguments (or `tray`) it
// starts the agent with its tray icon; `serve` runs it headless and
// `service` registers it with the OS service manager. printers, print and
// panel talk to the running agent; render, preview, bench, paths and
// version work on their own.
//
// This package is the composition root: flags, config, modes, CLI verbs and
// the wiring of the other packages; nothing imports it.
package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"runtime"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

func main() {
	if err := run(os.Args[1:]); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "labelbridge:", err)
		}
		os.Exit(exitCode(err))
	}
}

// exitError carries a specific exit status.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

func exitCode(err error) int {
	var ee *exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	if errors.Is(err, flag.ErrHelp) {
		return 2
	}
	return 1
}

const usage = `Labelbridge lets web pages print labels on this PC's label printers.

Usage:
  labelbridge                 run the agent with its tray icon (headless where there is no tray)
  labelbridge serve [--port N]
                              run the agent headless (for service managers)
  labelbridge printers [--json]
                              list printers
  labelbridge print [--printer ID] (--raw FILE [--language zpl|tspl|epl|escpos] | --label FILE)
                    [--copies N] [--wait]
                              print a file
  labelbridge render --lang zpl|tspl|epl|escpos [--dpi N] [-o FILE] LABEL.json
                              turn a label into printer commands
  labelbridge preview LABEL.json -o OUT.png
                              draw a label as a PNG
  labelbridge panel [--url]    open the local web panel (signed in) in the browser;
                              --url (or --print-url) prints a link that opens it once instead
  labelbridge sites list|allow|deny|remove [ORIGIN] [--json]
                              the sites that may print: list them, allow or deny one ahead
                              of time, remove one (asks the running agent; recorded in audit.log)
  labelbridge bench [flags]   measure throughput and latency on loopback
  labelbridge fleet stations [--json]
                              every station on the fleet broker: online, printers, status
  labelbridge fleet print --station S (--label FILE | --raw FILE | --document FILE) [--printer P]
                              print at a station through the fleet broker
  labelbridge service install|uninstall|start|stop|restart|status
                              run the headless agent under the OS service manager
  labelbridge trust install|uninstall|status|export [--machine] [--ca FILE]
                              trust the local certificate (wss, https) in the browsers' stores
  labelbridge paths           where config, data and logs live
  labelbridge version         print the version

Files: config, data and logs live in the per-user folders shown by 'labelbridge paths'.
`

func run(args []string) error {
	if len(args) == 0 {
		return runTray(nil)
	}
	verb, rest := args[0], args[1:]
	if verb != "tray" {
		// The tray library locks the main goroutine to the main thread when
		// it loads (macOS draws menus only from there). Nothing else needs
		// that; for a CLI verb it only costs a thread hand-off each time
		// main blocks (a CLI render spent a quarter of its time in them).
		runtime.UnlockOSThread()
	}
	switch verb {
	case "serve":
		return runServe(rest)
	case "tray":
		return runTray(rest)
	case "printers":
		return runPrinters(rest)
	case "print":
		return runPrint(rest)
	case "render":
		return runRender(rest)
	case "preview":
		return runPreview(rest)
	case "panel":
		return runPanel(rest)
	case "bench":
		return runBench(rest)
	case "paths":
		return runPaths(rest)
	case "sites":
		return runSites(rest)
	case "service":
		return runService(rest)
	case "fleet":
		return runFleet(rest)
	case "trust":
		return runTrust(rest)
	case "version", "--version", "-v":
		fmt.Println("labelbridge", version)
		return nil
	case "help", "--help", "-h":
		fmt.Print(usage)
		return nil
	default:
		fmt.Fprint(os.Stderr, usage)
		return &exitError{code: 2, err: fmt.Errorf("unknown command %q", verb)}
	}
}
