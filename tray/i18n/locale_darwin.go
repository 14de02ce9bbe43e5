package i18n

import (
	"context"
	"os/exec"
	"strings"
	"time"
)

// systemLocale asks the user's global preferences (apps started from
// Finder or at login have no LANG): `defaults read -g AppleLocale`, such
// as "ko_KR". "" when it cannot be read.
func systemLocale() string {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, "/usr/bin/defaults", "read", "-g", "AppleLocale").Output()
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(out))
}
