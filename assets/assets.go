// Package assets holds the files embedded in the binary: tray icons, the
// local web panel, the browser SDK (embedded by package sdk, from the npm
// package's sdk/dist) and the demo page.
package assets

import (
	"embed"
	"io/fs"

	"github.com/labelbridge/labelbridge/sdk"
)

//go:embed panel demo icons
var files embed.FS

// Panel is the local web panel (index.html and its scripts and styles).
func Panel() fs.FS { return sub("panel") }

// SDK is the browser SDK (labelbridge.js, labelbridge.global.js, labelbridge.cjs, types), built from sdk/src
// into sdk/dist.
func SDK() fs.FS { return sdk.Files() }

// Demo is the demo page.
func Demo() fs.FS { return sub("demo") }

// Icons are the tray icons.
func Icons() fs.FS { return sub("icons") }

func sub(dir string) fs.FS {
	f, err := fs.Sub(files, dir)
	if err != nil {
		panic(err) // the directories are embedded above: cannot happen
	}
	return f
}
