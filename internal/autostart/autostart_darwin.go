package autostart

import (
	"encoding/xml"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
)

// Start at login on macOS: the LaunchAgent com.labelbridge.agent, the same
// one build/darwin installs. The .pkg puts it in /Library/LaunchAgents for
// every user; a user turns that one off for themselves with launchctl
// disable. Without it, the toggle writes ~/Library/LaunchAgents.

// Supported says whether this OS offers start at login here.
const Supported = true

const launchAgentLabel = "com.labelbridge.agent"

// systemLaunchAgent is the installer's copy (every user).
const systemLaunchAgent = "/Library/LaunchAgents/" + launchAgentLabel + ".plist"

func userLaunchAgent() (string, error) {
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("find the home folder: %w", err)
	}
	return filepath.Join(home, "Library", "LaunchAgents", launchAgentLabel+".plist"), nil
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// launchdDomain is this user's GUI launchd domain.
func launchdDomain() string { return "gui/" + strconv.Itoa(os.Getuid()) }

// disabledByUser reports whether launchctl disable turned the agent off.
func disabledByUser() bool {
	out, err := exec.Command("launchctl", "print-disabled", launchdDomain()).Output()
	if err != nil {
		return false
	}
	for _, line := range strings.Split(string(out), "\n") {
		if strings.Contains(line, `"`+launchAgentLabel+`"`) {
			return strings.Contains(line, "disabled") || strings.Contains(line, "=> true")
		}
	}
	return false
}

// Enabled reports whether Labelbridge starts at login for this user.
func Enabled() (bool, error) {
	user, err := userLaunchAgent()
	if err != nil {
		return false, err
	}
	if !exists(user) && !exists(systemLaunchAgent) {
		return false, nil
	}
	return !disabledByUser(), nil
}

func xmlEscape(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}

func launchctl(verb string) error {
	if out, err := exec.Command("launchctl", verb, launchdDomain()+"/"+launchAgentLabel).CombinedOutput(); err != nil {
		return fmt.Errorf("launchctl %s: %v: %s", verb, err, strings.TrimSpace(string(out)))
	}
	return nil
}

// Set turns start at login on or off for this user.
func Set(on bool) error {
	user, err := userLaunchAgent()
	if err != nil {
		return err
	}
	if !on {
		if err := os.Remove(user); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("turn off start at login: %w", err)
		}
		if exists(systemLaunchAgent) {
			return launchctl("disable")
		}
		return nil
	}
	if exists(systemLaunchAgent) {
		return launchctl("enable")
	}
	exe, err := executable()
	if err != nil {
		return err
	}
	plist := `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
	<key>Label</key><string>` + launchAgentLabel + `</string>
	<key>ProgramArguments</key><array><string>` + xmlEscape(exe) + `</string></array>
	<key>RunAtLoad</key><true/>
	<key>KeepAlive</key><dict><key>SuccessfulExit</key><false/></dict>
	<key>LimitLoadToSessionType</key><string>Aqua</string>
	<key>ProcessType</key><string>Interactive</string>
</dict>
</plist>
`
	if err := writeFileAtomic(user, []byte(plist), 0o644); err != nil {
		return fmt.Errorf("write %s: %w", user, err)
	}
	return launchctl("enable") // in case it was disabled before
}
