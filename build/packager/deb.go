package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/goreleaser/nfpm/v2"
	_ "github.com/goreleaser/nfpm/v2/deb" // registers the deb packager
	"github.com/goreleaser/nfpm/v2/files"
)

// debOptions say what goes into the .deb beyond build/linux/nfpm.yaml.
type debOptions struct {
	Config  string // nfpm.yaml
	Version string // raw (git describe)
	Arch    string // Debian arch, e.g. amd64
	Bin     string // the linux binary (built with cgo for USB)
	Icons   string // folder with labelbridge-<size>.png
	Out     string // output folder
}

// buildDeb writes the .deb and returns its path. The yaml sees BIN, ARCH,
// LINUX (its own folder) and ICONS as variables; the hicolor icons are
// added here because nfpm has no loops.
func buildDeb(o debOptions) (string, error) {
	v, err := ParseVersion(o.Version)
	if err != nil {
		return "", err
	}
	for _, p := range []string{o.Config, o.Bin, o.Icons} {
		if _, err := os.Stat(p); err != nil {
			return "", fmt.Errorf("deb: %w", err)
		}
	}
	abs := func(p string) string {
		a, err := filepath.Abs(p)
		if err != nil {
			return p
		}
		return a
	}
	vars := map[string]string{
		"BIN":   abs(o.Bin),
		"ARCH":  o.Arch,
		"LINUX": abs(filepath.Dir(o.Config)),
		"ICONS": abs(o.Icons),
	}
	cfg, err := nfpm.ParseFileWithEnvMapping(o.Config, func(k string) string { return vars[k] })
	if err != nil {
		return "", fmt.Errorf("deb: read %s: %w", o.Config, err)
	}
	info, err := cfg.Get("deb")
	if err != nil {
		return "", fmt.Errorf("deb: %w", err)
	}
	// nfpm expands variables in contents only with expand: true and never
	// in scripts: do both here.
	expand := func(s string) string { return os.Expand(s, func(k string) string { return vars[k] }) }
	for _, c := range info.Contents {
		c.Source, c.Destination = expand(c.Source), expand(c.Destination)
	}
	sc := &info.Overridables.Scripts
	sc.PreInstall, sc.PostInstall = expand(sc.PreInstall), expand(sc.PostInstall)
	sc.PreRemove, sc.PostRemove = expand(sc.PreRemove), expand(sc.PostRemove)
	info.Version = v.Deb()
	info.VersionSchema = "none"
	info.Arch = o.Arch
	for _, s := range iconSizes {
		src := filepath.Join(vars["ICONS"], fmt.Sprintf("labelbridge-%d.png", s))
		if _, err := os.Stat(src); err != nil {
			return "", fmt.Errorf("deb: icon: %w", err)
		}
		info.Contents = append(info.Contents, &files.Content{
			Source:      src,
			Destination: fmt.Sprintf("/usr/share/icons/hicolor/%dx%d/apps/labelbridge.png", s, s),
			FileInfo:    &files.ContentFileInfo{Mode: 0o644},
		})
	}
	info = nfpm.WithDefaults(info)
	pkgr, err := nfpm.Get("deb")
	if err != nil {
		return "", fmt.Errorf("deb: %w", err)
	}
	if err := os.MkdirAll(o.Out, 0o755); err != nil {
		return "", fmt.Errorf("deb: %w", err)
	}
	path := filepath.Join(o.Out, pkgr.ConventionalFileName(info))
	f, err := os.Create(path)
	if err != nil {
		return "", fmt.Errorf("deb: %w", err)
	}
	err = pkgr.Package(info, f)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		_ = os.Remove(path)
		return "", fmt.Errorf("deb: package: %w", err)
	}
	return path, nil
}

func runDeb(args []string) error {
	var o debOptions
	fs := flag.NewFlagSet("deb", flag.ContinueOnError)
	fs.StringVar(&o.Config, "config", "build/linux/nfpm.yaml", "nfpm config")
	fs.StringVar(&o.Version, "version", "", "version (git describe)")
	fs.StringVar(&o.Arch, "arch", "amd64", "Debian architecture")
	fs.StringVar(&o.Bin, "bin", "", "linux binary")
	fs.StringVar(&o.Icons, "icons", "", "folder with labelbridge-<size>.png")
	fs.StringVar(&o.Out, "o", "dist", "output folder")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if o.Version == "" || o.Bin == "" || o.Icons == "" || fs.NArg() > 0 {
		return fmt.Errorf("deb: want -version, -bin and -icons")
	}
	path, err := buildDeb(o)
	if err != nil {
		return err
	}
	fmt.Println(path)
	return nil
}
