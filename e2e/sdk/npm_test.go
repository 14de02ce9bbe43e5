package sdk_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/labelbridge/labelbridge/internal/porttest"
)

// sdkBuildDeps returns the folder whose node_modules holds the esbuild and
// typescript that sdk/build.mjs uses (installed into the user's cache folder
// by its deps(), keyed by sdk/package-lock.json).
func sdkBuildDeps(tb testing.TB, node string) string {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	script := fmt.Sprintf(`import(%q).then((m) => console.log(m.deps()))`, "file://"+filepath.ToSlash(filepath.Join(repoRoot, "sdk", "build.mjs")))
	out, err := exec.CommandContext(ctx, node, "-e", script).Output()
	if err != nil {
		tb.Fatalf("sdk/build.mjs deps(): %v", err)
	}
	return strings.TrimSpace(string(out))
}

// runIn runs a program in dir and returns its standard output, failing the
// test with everything it printed when it fails.
func runIn(tb testing.TB, dir, name string, args ...string) string {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	var stderr syncBuffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		tb.Fatalf("%s %s (in %s): %v\n%s%s", filepath.Base(name), strings.Join(args, " "), dir, err, out, stderr.String())
	}
	return string(out)
}

// shopTS is a web app's TypeScript that uses the installed package: tsc
// (strict) must find its types through package.json's "exports".
const shopTS = `import { connect, type Label, type Job } from "@labelbridge/sdk";
const label: Label = { width: 50, height: 30, unit: "mm", elements: [{ type: "text", x: 2, y: 2, text: "npm", size: 3 }] };
export async function printOne(port: number): Promise<Job> {
  const lb = await connect({ ports: [port] });
  const job = await lb.print(label, { printer: "virtual" });
  return lb.waitJob(job.id);
}
`

// shopJS is the web app's entry point, bundled by esbuild with the package.
const shopJS = `import { connect, VERSION } from "@labelbridge/sdk";
window.printWith = async (port, label) => {
  const lb = await connect({ ports: [port] });
  const job = await lb.print(label, { printer: "virtual", title: "npm " + VERSION });
  const done = await lb.waitJob(job.id);
  lb.close();
  return { id: done.id, state: done.state };
};
window.printBad = async (port) => {
  const lb = await connect({ ports: [port] });
  try {
    await lb.print({ width: 2, height: 1, unit: "in", elements: [
      { type: "text", x: 3, y: 0.5, text: "a", size: 0.2 },
      { type: "barcode", symbology: "ean13", x: 0, y: 0, data: "1" }] }, { printer: "virtual" });
    return "printed";
  } catch (e) {
    return JSON.stringify({ reason: e.reason, hint: e.hint, problems: e.problems });
  } finally {
    lb.close();
  }
};
window.sdkLoaded = true;
`

// TestSDKInstallsWithNpmBundlesAndPrints installs the SDK the two ways a
// web developer can — `npm install <checkout>/sdk` and the tarball `make
// dist` leaves (npm pack) — each into a fresh project, offline and without
// install scripts; checks that require() and import find it in Node and that
// tsc finds its types; bundles the app with esbuild; and prints from the
// bundled page in headless Chromium through the real agent.
func TestSDKInstallsWithNpmBundlesAndPrints(t *testing.T) {
	node := need(t, "node", "nodejs")
	npm := need(t, "npm")
	deps := sdkBuildDeps(t, node)
	sdkDir := filepath.Join(repoRoot, "sdk")

	packDir := t.TempDir()
	runIn(t, sdkDir, npm, "pack", "--silent", "--pack-destination", packDir)
	tarballs, _ := filepath.Glob(filepath.Join(packDir, "labelbridge-sdk-*.tgz"))
	if len(tarballs) != 1 {
		t.Fatalf("npm pack left %v in %s, want one labelbridge-sdk-*.tgz", tarballs, packDir)
	}

	port := porttest.Free(t)
	site := newPages(t)
	ag := startAgent(t, t.TempDir(), port, nil, site.origin)
	b := newBrowser(t)
	label := readLabel(t, "product-ko.json")

	for _, c := range []struct{ name, spec string }{
		{"checkout folder", sdkDir},
		{"npm pack tarball", tarballs[0]},
	} {
		t.Run(c.name, func(t *testing.T) {
			proj := t.TempDir()
			if err := os.WriteFile(filepath.Join(proj, "package.json"), []byte(`{"name": "shop", "version": "1.0.0", "private": true}`), 0o644); err != nil {
				t.Fatal(err)
			}
			runIn(t, proj, npm, "install", "--offline", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error", c.spec)

			// Node: CommonJS and ES module entry points.
			if out := runIn(t, proj, node, "-e", `const m = require("@labelbridge/sdk"); console.log(typeof m.connect, m.VERSION)`); !strings.HasPrefix(out, "function ") {
				t.Errorf("require(\"@labelbridge/sdk\"): %q, want connect to be a function", out)
			}
			if out := runIn(t, proj, node, "--input-type=module", "-e", `import { connect, LabelbridgeError } from "@labelbridge/sdk"; console.log(typeof connect, typeof LabelbridgeError)`); strings.TrimSpace(out) != "function function" {
				t.Errorf("import from \"@labelbridge/sdk\": %q", out)
			}

			// TypeScript: the package's types, through "exports", strict.
			if err := os.WriteFile(filepath.Join(proj, "shop.ts"), []byte(shopTS), 0o644); err != nil {
				t.Fatal(err)
			}
			runIn(t, proj, node, filepath.Join(deps, "node_modules", "typescript", "bin", "tsc"), "--noEmit", "--strict",
				"--target", "es2020", "--module", "esnext", "--moduleResolution", "bundler", "--lib", "es2020,dom", "shop.ts")

			// esbuild: one browser bundle of the app and the SDK.
			if err := os.WriteFile(filepath.Join(proj, "shop.js"), []byte(shopJS), 0o644); err != nil {
				t.Fatal(err)
			}
			bundleJS := fmt.Sprintf(`require(%q).buildSync({ entryPoints: ["shop.js"], bundle: true, format: "iife", platform: "browser", target: "es2020", outfile: "bundle.js", logLevel: "error" })`,
				filepath.Join(deps, "node_modules", "esbuild"))
			runIn(t, proj, node, "-e", bundleJS)
			bundle, err := os.ReadFile(filepath.Join(proj, "bundle.js"))
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(bundle), "LabelbridgeError") || strings.Contains(string(bundle), "</script") {
				t.Fatalf("the bundle (%d bytes) does not hold the SDK, or cannot be inlined", len(bundle))
			}

			page := fmt.Sprintf(`<!doctype html><meta charset="utf-8"><title>Shop</title><script>%s</script>`, bundle)
			b.open(site.set("/shop-"+strings.ReplaceAll(c.name, " ", "-")+".html", page))
			var r struct{ ID, State string }
			raw := eval[string](b, fmt.Sprintf(`printWith(%d, %s).then((r) => JSON.stringify(r))`, port, label))
			if err := json.Unmarshal([]byte(raw), &r); err != nil {
				t.Fatalf("page result %q: %v", raw, err)
			}
			if r.State != "done" {
				t.Fatalf("the bundled page's job ended %q, want done", r.State)
			}
			if got := ag.printed()[r.ID]; !strings.HasPrefix(got, "^XA") || !strings.Contains(got, "^XZ") {
				t.Errorf("the virtual printer holds %.120q for job %s, want the label as ZPL", got, r.ID)
			}

			// A label with two mistakes: one LabelbridgeError with both
			// problems, in inches, each with a hint (the error's is the first's).
			raw = eval[string](b, fmt.Sprintf(`printBad(%d)`, port))
			var bad struct {
				Reason, Hint string
				Problems     []struct{ Path, Message, Hint string }
			}
			if err := json.Unmarshal([]byte(raw), &bad); err != nil {
				t.Fatalf("printBad: %q: %v", raw, err)
			}
			if bad.Reason != "invalid_label" || len(bad.Problems) != 2 ||
				bad.Problems[0].Path != "elements[0].x" || !strings.Contains(bad.Problems[0].Message, "3 in is off the label (0–2 in)") ||
				bad.Problems[1].Path != "elements[1].data" || bad.Problems[1].Hint == "" ||
				bad.Hint == "" || bad.Hint != bad.Problems[0].Hint {
				t.Errorf("a label with two mistakes: %s", raw)
			}
		})
	}
	if _, err := os.Stat(filepath.Join(sdkDir, "node_modules")); err == nil {
		t.Errorf("installing the SDK wrote sdk/node_modules into the checkout")
	}
}
