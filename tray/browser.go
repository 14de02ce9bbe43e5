package tray

import (
	"fmt"
	"os"
	"os/exec"
	"strings"
)

// OpenURL opens url in the user's default browser. $BROWSER, when set,
// names the program to use instead (as with xdg-open and Python's
// webbrowser); tests use it to see what the menu opened.
func OpenURL(url string) error {
	if !strings.HasPrefix(url, "http://") && !strings.HasPrefix(url, "https://") {
		return fmt.Errorf("open %q: only http and https URLs are opened", url)
	}
	var cmd *exec.Cmd
	if b := strings.TrimSpace(os.Getenv("BROWSER")); b != "" {
		cmd = exec.Command(b, url)
	} else {
		cmd = browserCommand(url)
	}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("open %s with %s: %w", url, cmd.Path, err)
	}
	go func() { _ = cmd.Wait() }() // reap it; the browser outlives the call
	return nil
}
