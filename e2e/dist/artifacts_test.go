package dist

import (
	"bytes"
	"crypto/sha256"
	"debug/pe"
	"encoding/binary"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode/utf16"
)

func utf16le(s string) []byte {
	var b bytes.Buffer
	for _, r := range utf16.Encode([]rune(s)) {
		_ = binary.Write(&b, binary.LittleEndian, r)
	}
	return b.Bytes()
}

// resourceTypes lists the top-level resource type IDs of a PE file.
func resourceTypes(t *testing.T, f *pe.File) ([]uint32, []byte) {
	t.Helper()
	sec := f.Section(".rsrc")
	if sec == nil {
		t.Fatal("no .rsrc section: the icon and version resource are missing")
	}
	data, err := sec.Data()
	if err != nil {
		t.Fatal(err)
	}
	if len(data) < 16 {
		t.Fatalf(".rsrc is %d bytes", len(data))
	}
	named := int(binary.LittleEndian.Uint16(data[12:]))
	ids := int(binary.LittleEndian.Uint16(data[14:]))
	var types []uint32
	for i := named; i < named+ids; i++ {
		off := 16 + 8*i
		if off+8 > len(data) {
			t.Fatalf("resource directory truncated")
		}
		types = append(types, binary.LittleEndian.Uint32(data[off:]))
	}
	return types, data
}

func TestWindowsExe(t *testing.T) {
	needDist(t)
	for arch, machine := range map[string]uint16{"amd64": pe.IMAGE_FILE_MACHINE_AMD64, "arm64": pe.IMAGE_FILE_MACHINE_ARM64} {
		t.Run(arch, func(t *testing.T) {
			f, err := pe.Open(filepath.Join(distDir, "windows-"+arch, "labelbridge.exe"))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			if f.Machine != machine {
				t.Errorf("machine %#x, want %#x", f.Machine, machine)
			}
			oh, ok := f.OptionalHeader.(*pe.OptionalHeader64)
			if !ok {
				t.Fatalf("not a 64-bit PE")
			}
			if oh.Subsystem != pe.IMAGE_SUBSYSTEM_WINDOWS_GUI {
				t.Errorf("subsystem %d, want GUI (%d): no console window must open", oh.Subsystem, pe.IMAGE_SUBSYSTEM_WINDOWS_GUI)
			}
			types, rsrc := resourceTypes(t, f)
			for name, id := range map[string]uint32{"icon": 3, "icon group": 14, "version": 16, "manifest": 24} {
				if !slices.Contains(types, id) {
					t.Errorf("no %s resource (type %d) in %v", name, id, types)
				}
			}
			for _, s := range []string{"ProductVersion", testVersion, "Labelbridge label printing agent", "labelbridge.exe"} {
				if !bytes.Contains(rsrc, utf16le(s)) {
					t.Errorf("version resource lacks %q", s)
				}
			}
			if !bytes.Contains(rsrc, []byte("asInvoker")) {
				t.Errorf("manifest lacks asInvoker")
			}
		})
	}
}

func TestSignatures(t *testing.T) {
	needDist(t)
	for _, glob := range []string{"windows-amd64/labelbridge.exe", "windows-arm64/labelbridge.exe",
		"Labelbridge-*-windows-amd64-installer.exe", "Labelbridge-*-windows-arm64-installer.exe", "Labelbridge-*-windows-x64.msi"} {
		path := artifact(t, glob)
		out := run(t, "osslsigncode", "verify", "-CAfile", certPEM, "-in", path)
		if !strings.Contains(out, "Signature verification: ok") || !strings.Contains(out, "Labelbridge e2e test") {
			t.Errorf("%s: signature not verified:\n%s", glob, out)
		}
	}
}

func TestNSISContents(t *testing.T) {
	needDist(t)
	for _, arch := range []string{"amd64", "arm64"} {
		setup := artifact(t, "Labelbridge-"+testVersion+"-windows-"+arch+"-installer.exe")
		out := run(t, "7z", "l", setup)
		for _, want := range []string{"labelbridge.exe", "labelbridge.ico", "uninstall.exe", "nsExec.dll"} {
			if !strings.Contains(out, want) {
				t.Errorf("%s installer lacks %s:\n%s", arch, want, out)
			}
		}
		// The exe inside is the signed, resource-patched one.
		dir := t.TempDir()
		run(t, "7z", "x", "-o"+dir, setup, "labelbridge.exe")
		sameFile(t, filepath.Join(dir, "labelbridge.exe"), filepath.Join(distDir, "windows-"+arch, "labelbridge.exe"))
	}
	if out := run(t, "7z", "l", artifact(t, "*-windows-amd64-installer.exe")); !strings.Contains(out, "64-bit = +") {
		t.Errorf("the amd64 installer is not a 64-bit NSIS build:\n%s", out)
	}
}

func sameFile(t *testing.T, a, b string) {
	t.Helper()
	da, err := os.ReadFile(a)
	if err != nil {
		t.Fatal(err)
	}
	db, err := os.ReadFile(b)
	if err != nil {
		t.Fatal(err)
	}
	if sha256.Sum256(da) != sha256.Sum256(db) {
		t.Errorf("%s differs from %s", a, b)
	}
}

func msiTable(t *testing.T, msi, table string) string {
	t.Helper()
	return run(t, "msiinfo", "export", msi, table)
}

func TestMSIContents(t *testing.T) {
	needDist(t)
	msi := artifact(t, "Labelbridge-"+testVersion+"-windows-x64.msi")
	checks := map[string][]string{
		"File":                   {"labelbridge.exe"},
		"Registry":               {`Software\Microsoft\Windows\CurrentVersion\Run`, `"[INSTALLDIR]labelbridge.exe"`},
		"Shortcut":               {"Labelbridge", "[INSTALLDIR]labelbridge.exe"},
		"CustomAction":           {"WritePolicy", `--allowed-origins "[ALLOWEDORIGINS]"`, "--browser", "RemovePolicy", "StopRunning"},
		"InstallExecuteSequence": {"WritePolicy\tALLOWEDORIGINS AND NOT REMOVE", "RemoveExistingProducts\t\t1401"},
		"Property":               {"ProductVersion\t9.8.7", "ALLUSERS\t1", "UpgradeCode\t{D0B736A3-B4EF-4408-80C2-E7FF687DDB2A}"},
		"Upgrade":                {"0.0.0\t9.8.8"},
		"Feature":                {"Labelbridge", "Autostart"},
	}
	for table, wants := range checks {
		out := msiTable(t, msi, table)
		for _, w := range wants {
			if !strings.Contains(out, w) {
				t.Errorf("MSI table %s lacks %q:\n%s", table, w, out)
			}
		}
	}
	if out := run(t, "msiinfo", "suminfo", msi); !strings.Contains(out, "x64") {
		t.Errorf("MSI is not x64:\n%s", out)
	}
	dir := t.TempDir()
	cmd := exec.Command("msiextract", "-C", dir, msi)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("msiextract: %v\n%s", err, out)
	}
	sameFile(t, filepath.Join(dir, "Labelbridge", "labelbridge.exe"), filepath.Join(distDir, "windows-amd64", "labelbridge.exe"))
}

func TestSHA256SUMS(t *testing.T) {
	needDist(t)
	cmd := exec.Command("sha256sum", "--check", "--strict", "SHA256SUMS")
	cmd.Dir = distDir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("sha256sum --check: %v\n%s", err, out)
	}
	// Two exes, two NSIS installers, the MSI, the .deb and the SDK's npm tarball.
	if n := strings.Count(string(out), ": OK"); n != 7 {
		t.Errorf("SHA256SUMS covers %d files, want 7:\n%s", n, out)
	}
}

// The packager is its own Go module, out of `go test ./...`: vet and test it here.
func TestPackagerModule(t *testing.T) {
	needDist(t)
	dir := filepath.Join(repoRoot, "build", "packager")
	if out := run(t, "gofmt", "-l", dir); strings.TrimSpace(out) != "" {
		t.Errorf("gofmt would change: %s", out)
	}
	for _, args := range [][]string{{"vet", "./..."}, {"test", "-count=1", "./..."}} {
		cmd := exec.Command("go", args...)
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("go %s in build/packager: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
}
