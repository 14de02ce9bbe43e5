package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/tc-hib/winres"
	"github.com/tc-hib/winres/version"
)

// Windows resources for labelbridge.exe: the icon (resource 1, which
// Explorer shows), the version block and a manifest (asInvoker, per-monitor
// DPI aware, long paths). They are written into the built exe afterwards
// (a new .rsrc section, as `go-winres patch` does), so app/ never holds
// generated .syso files and the app's go.mod never sees this library.

func makeResources(raw, icoPath string) (*winres.ResourceSet, error) {
	v, err := ParseVersion(raw)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(icoPath)
	if err != nil {
		return nil, fmt.Errorf("winres: icon: %w", err)
	}
	defer f.Close()
	icon, err := winres.LoadICO(f)
	if err != nil {
		return nil, fmt.Errorf("winres: icon %s: %w", icoPath, err)
	}
	rs := &winres.ResourceSet{}
	if err := rs.SetIcon(winres.ID(1), icon); err != nil {
		return nil, fmt.Errorf("winres: set icon: %w", err)
	}
	var vi version.Info
	vi.SetFileVersion(v.Win4())
	vi.SetProductVersion(v.Win4())
	for key, val := range map[string]string{
		version.ProductName:      "Labelbridge",
		version.FileDescription:  "Labelbridge label printing agent",
		version.CompanyName:      "Labelbridge",
		version.LegalCopyright:   "Labelbridge contributors",
		version.InternalName:     "labelbridge",
		version.OriginalFilename: "labelbridge.exe",
		version.ProductVersion:   v.Raw,
		version.FileVersion:      v.Raw,
	} {
		if err := vi.Set(version.LangDefault, key, val); err != nil {
			return nil, fmt.Errorf("winres: version %s: %w", key, err)
		}
	}
	rs.SetVersionInfo(vi)
	rs.SetManifest(winres.AppManifest{
		Description:    "Labelbridge",
		Compatibility:  winres.Win7AndAbove,
		ExecutionLevel: winres.AsInvoker,
		DPIAwareness:   winres.DPIPerMonitorV2,
		LongPathAware:  true,
	})
	return rs, nil
}

func runWinres(args []string) error {
	fs := flag.NewFlagSet("winres", flag.ContinueOnError)
	raw := fs.String("version", "", "version (git describe)")
	ico := fs.String("ico", "", "icon file (.ico)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *raw == "" || *ico == "" || fs.NArg() == 0 {
		return fmt.Errorf("winres: want -version, -ico and one or more .exe files")
	}
	rs, err := makeResources(*raw, *ico)
	if err != nil {
		return err
	}
	for _, exe := range fs.Args() {
		if err := patchEXE(rs, exe); err != nil {
			return err
		}
	}
	return nil
}

// patchEXE adds the resources to a built exe (as go-winres patch does),
// writing a temporary file next to it and renaming it over the original.
func patchEXE(rs *winres.ResourceSet, path string) error {
	src, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("winres: %w", err)
	}
	defer src.Close()
	tmp, err := os.CreateTemp(filepath.Dir(path), ".winres-*.exe")
	if err != nil {
		return fmt.Errorf("winres: %w", err)
	}
	defer os.Remove(tmp.Name()) // fails harmlessly after the rename
	err = rs.WriteToEXE(tmp, src, winres.ForceCheckSum())
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("winres: patch %s: %w", path, err)
	}
	if err := os.Chmod(tmp.Name(), 0o755); err != nil {
		return fmt.Errorf("winres: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("winres: %w", err)
	}
	return nil
}
