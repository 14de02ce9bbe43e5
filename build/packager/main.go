// Command packager is Labelbridge's build-time packaging tool, run by
// scripts/dist.sh. It lives in its own Go module so that nfpm and the
// Windows resource writer never reach the app's go.mod.
//
//	packager version  -format deb|win4|msi RAW      print a normalized version
//	packager icon     -o DIR [-from PNG]            write labelbridge.png/.ico/.icns (+ sizes)
//	packager winres   -version RAW -ico ICO EXE...  add icon, version and manifest to built exes
//	packager deb      -config nfpm.yaml -version RAW -bin BIN -icons DIR -o DIR
package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
)

const usage = `usage: packager version|icon|winres|deb [flags]  (packager CMD -h for flags)`

func main() {
	if err := run(os.Args[1:]); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "packager:", err)
		}
		os.Exit(1)
	}
}

func run(args []string) error {
	if len(args) == 0 {
		return errors.New(usage)
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "version":
		return runVersion(rest)
	case "icon":
		return runIcon(rest)
	case "winres":
		return runWinres(rest)
	case "deb":
		return runDeb(rest)
	default:
		return fmt.Errorf("unknown command %q\n%s", cmd, usage)
	}
}
