// Package sdk is the browser SDK's one committed build: the files that
// sdk/build.mjs writes from sdk/src into dist/ (the npm package's), which
// the agent embeds and serves at /sdk/ (assets.SDK).
package sdk

import (
	"embed"
	"io/fs"
)

//go:embed dist/*.js dist/*.cjs dist/*.d.ts
var dist embed.FS

// Files are the built SDK: labelbridge.js (ES module),
// labelbridge.global.js (classic script), labelbridge.cjs (CommonJS) and
// labelbridge.d.ts (types). The npm package's labelbridge.d.cts, the same
// types for require(), is not served.
func Files() fs.FS {
	f, err := fs.Sub(dist, "dist")
	if err != nil {
		panic(err) // dist is embedded above: cannot happen
	}
	return f
}
