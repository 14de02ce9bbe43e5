package main

import (
	"flag"
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// Version is a build version (from git describe) in the shapes the
// installers need.
type Version struct {
	Raw                 string // as given, e.g. v1.2.3-4-gabc1234-dirty
	Major, Minor, Patch int
	Build               int    // commits since the tag (git describe's N), else 0
	Extra               string // what follows the numbers, sanitized for Debian
}

var (
	semverRe   = regexp.MustCompile(`^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?([-+~].*)?$`)
	describeRe = regexp.MustCompile(`^-(\d+)-g[0-9a-f]+`)
	debBadRe   = regexp.MustCompile(`[^A-Za-z0-9.+~]+`)
)

// ParseVersion reads a git-describe style version. Anything that does not
// start with numbers (a bare commit hash, "dev") becomes 0.0.0 with the
// whole string kept as Extra, so the result always forms valid Debian and
// Windows versions.
func ParseVersion(raw string) (Version, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return Version{}, fmt.Errorf("empty version")
	}
	v := Version{Raw: raw}
	m := semverRe.FindStringSubmatch(raw)
	if m != nil {
		nums := [3]int{}
		ok := true
		for i, s := range m[1:4] {
			if s == "" {
				continue
			}
			n, err := strconv.Atoi(s)
			// Windows file versions are 16-bit; MSI wants major/minor <= 255.
			if err != nil || n > 255 && i < 2 || n > 65535 {
				ok = false
				break
			}
			nums[i] = n
		}
		if ok {
			v.Major, v.Minor, v.Patch = nums[0], nums[1], nums[2]
			rest := m[4]
			if d := describeRe.FindStringSubmatch(rest); d != nil {
				if n, err := strconv.Atoi(d[1]); err == nil && n <= 65535 {
					v.Build = n
				}
			}
			v.Extra = sanitizeDeb(rest)
			return v, nil
		}
	}
	v.Extra = "git." + sanitizeDeb(raw)
	return v, nil
}

func sanitizeDeb(s string) string {
	s = debBadRe.ReplaceAllString(s, ".")
	return strings.Trim(s, ".+~")
}

// Deb is the Debian version: 1.2.3, 1.2.3+4.gabc1234.dirty, 0.0.0+git.2a535f8.
func (v Version) Deb() string {
	s := fmt.Sprintf("%d.%d.%d", v.Major, v.Minor, v.Patch)
	if v.Extra != "" {
		s += "+" + v.Extra
	}
	return s
}

// Win4 is the four-part Windows file version: 1.2.3.4.
func (v Version) Win4() string {
	return fmt.Sprintf("%d.%d.%d.%d", v.Major, v.Minor, v.Patch, v.Build)
}

// MSI is the MSI ProductVersion (major.minor.build).
func (v Version) MSI() string { return fmt.Sprintf("%d.%d.%d", v.Major, v.Minor, v.Patch) }

// MSINext is the smallest MSI version above MSI(): the exclusive upper
// bound of the upgrade range (wixl ignores IncludeMaximum).
func (v Version) MSINext() string { return fmt.Sprintf("%d.%d.%d", v.Major, v.Minor, v.Patch+1) }

func runVersion(args []string) error {
	fs := flag.NewFlagSet("version", flag.ContinueOnError)
	format := fs.String("format", "deb", "deb, win4, msi or msinext")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return fmt.Errorf("version: want one version argument, got %d", fs.NArg())
	}
	v, err := ParseVersion(fs.Arg(0))
	if err != nil {
		return fmt.Errorf("version: %w", err)
	}
	switch *format {
	case "deb":
		fmt.Println(v.Deb())
	case "win4":
		fmt.Println(v.Win4())
	case "msi":
		fmt.Println(v.MSI())
	case "msinext":
		fmt.Println(v.MSINext())
	default:
		return fmt.Errorf("version: unknown format %q (deb, win4, msi, msinext)", *format)
	}
	return nil
}
