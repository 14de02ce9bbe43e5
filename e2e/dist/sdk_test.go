package dist

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"testing"
)

// TestSDKTarball: `make dist` leaves the browser SDK as an npm package whose
// files are the committed build the agent serves (sdk/dist) plus the
// CommonJS types.
// That it installs, bundles and prints is e2e/sdk's
// TestSDKInstallsWithNpmBundlesAndPrints (on a tarball npm pack made the
// same way).
func TestSDKTarball(t *testing.T) {
	needDist(t)
	tgzs, _ := filepath.Glob(filepath.Join(distDir, "labelbridge-sdk-*.tgz"))
	if len(tgzs) != 1 {
		t.Fatalf("dist holds %v, want one labelbridge-sdk-*.tgz", tgzs)
	}
	data, err := os.ReadFile(tgzs[0])
	if err != nil {
		t.Fatal(err)
	}
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{}
	tr := tar.NewReader(zr)
	for {
		hd, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(tr)
		if err != nil {
			t.Fatal(err)
		}
		files[hd.Name] = b
	}
	var pkg struct {
		Name, Main, Module, Types string
	}
	if err := json.Unmarshal(files["package/package.json"], &pkg); err != nil || pkg.Name != "@labelbridge/sdk" {
		t.Fatalf("package.json: %+v, %v", pkg, err)
	}
	for _, name := range []string{"labelbridge.js", "labelbridge.global.js", "labelbridge.cjs", "labelbridge.d.ts"} {
		served, err := os.ReadFile(filepath.Join(repoRoot, "sdk", "dist", name))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(files["package/dist/"+name], served) {
			t.Errorf("package/dist/%s is not sdk/dist/%s", name, name)
		}
	}
	if !bytes.Equal(files["package/dist/labelbridge.d.cts"], files["package/dist/labelbridge.d.ts"]) {
		t.Errorf("package/dist/labelbridge.d.cts is missing or differs from labelbridge.d.ts")
	}
	for _, p := range []string{pkg.Main, pkg.Module, pkg.Types} {
		if _, ok := files[filepath.ToSlash(filepath.Join("package", p))]; !ok {
			t.Errorf("package.json names %s, which the tarball does not hold", p)
		}
	}
}
