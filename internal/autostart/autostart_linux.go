package autostart

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Start at login on Linux: an XDG autostart entry. The package may install
// a system-wide /etc/xdg/autostart/labelbridge.desktop; a user entry of
// the same name overrides it (Hidden=true turns it off).

// Supported says whether this OS offers start at login here.
const Supported = true

const autostartName = "labelbridge.desktop"

// userAutostartFile is $XDG_CONFIG_HOME/autostart/labelbridge.desktop.
func userAutostartFile() (string, error) {
	dir := os.Getenv("XDG_CONFIG_HOME")
	if !filepath.IsAbs(dir) {
		home, err := os.UserHomeDir()
		if err != nil {
			return "", fmt.Errorf("find the home folder: %w", err)
		}
		dir = filepath.Join(home, ".config")
	}
	return filepath.Join(dir, "autostart", autostartName), nil
}

// systemAutostartFile is the first labelbridge.desktop in
// $XDG_CONFIG_DIRS/autostart (default /etc/xdg), or "".
func systemAutostartFile() string {
	dirs := os.Getenv("XDG_CONFIG_DIRS")
	if dirs == "" {
		dirs = "/etc/xdg"
	}
	for _, d := range filepath.SplitList(dirs) {
		if !filepath.IsAbs(d) {
			continue
		}
		p := filepath.Join(d, "autostart", autostartName)
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	return ""
}

// desktopEntryEnabled reads a desktop entry: off when Hidden=true or
// X-GNOME-Autostart-enabled=false.
func desktopEntryEnabled(data []byte) bool {
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		k, v, ok := strings.Cut(strings.TrimSpace(sc.Text()), "=")
		if !ok {
			continue
		}
		k, v = strings.TrimSpace(k), strings.ToLower(strings.TrimSpace(v))
		if (k == "Hidden" && v == "true") || (k == "X-GNOME-Autostart-enabled" && v == "false") {
			return false
		}
	}
	return true
}

// Enabled reports whether Labelbridge starts at login for this user.
func Enabled() (bool, error) {
	user, err := userAutostartFile()
	if err != nil {
		return false, err
	}
	data, err := os.ReadFile(user)
	switch {
	case err == nil:
		return desktopEntryEnabled(data), nil
	case !errors.Is(err, os.ErrNotExist):
		return false, fmt.Errorf("read %s: %w", user, err)
	}
	if sys := systemAutostartFile(); sys != "" {
		data, err := os.ReadFile(sys)
		if err != nil {
			return false, fmt.Errorf("read %s: %w", sys, err)
		}
		return desktopEntryEnabled(data), nil
	}
	return false, nil
}

// desktopExecQuote quotes a path for a desktop entry's Exec key.
func desktopExecQuote(s string) string {
	r := strings.NewReplacer(`\`, `\\\\`, `"`, `\\"`, "`", "\\\\`", `$`, `\\$`, `%`, `%%`)
	return `"` + r.Replace(s) + `"`
}

// Set turns start at login on or off for this user.
func Set(on bool) error {
	user, err := userAutostartFile()
	if err != nil {
		return err
	}
	var entry string
	switch {
	case on:
		exe, err := executable()
		if err != nil {
			return err
		}
		entry = "[Desktop Entry]\nType=Application\nName=Labelbridge\n" +
			"Comment=Lets web pages print labels on this PC's label printers\n" +
			"Exec=" + desktopExecQuote(exe) + "\nIcon=labelbridge\nTerminal=false\nX-GNOME-Autostart-enabled=true\n"
	case systemAutostartFile() != "":
		// Override the system-wide entry for this user.
		entry = "[Desktop Entry]\nType=Application\nName=Labelbridge\nHidden=true\n"
	default:
		if err := os.Remove(user); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("turn off start at login: %w", err)
		}
		return nil
	}
	if err := writeFileAtomic(user, []byte(entry), 0o644); err != nil {
		return fmt.Errorf("write %s: %w", user, err)
	}
	return nil
}
