package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/labelbridge/labelbridge/config"
)

// TestPanelTrustsTheCertificate: the Sites tab's secure-connections card
// says the certificate is not trusted and, on "Trust the certificate",
// installs it into this user's NSS database (a fresh one, in a temporary
// HOME), then says it is trusted.
func TestPanelTrustsTheCertificate(t *testing.T) {
	certutil := needTool(t, "certutil")
	home := t.TempDir()
	t.Setenv("HOME", home)
	db := filepath.Join(home, ".pki", "nssdb")
	if err := os.MkdirAll(db, 0o700); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(certutil, "-N", "-d", "sql:"+db, "--empty-password").CombinedOutput(); err != nil {
		t.Fatalf("certutil -N: %v: %s", err, out)
	}
	a, _ := startTestAgent(t, config.Config{})
	failureShots = artifactsDir(t)
	bctx := startChromium(t)
	browserStep(t, bctx, "open the Sites tab, signed in",
		chromedp.Navigate(a.panelLoginURL()+"#sites"),
		chromedp.WaitVisible(chromedp.CSS(`#conn[data-state="open"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#trust-card #trust-install`)),
	)
	state := cardState(t, bctx)
	if !strings.Contains(state, "not trusted") || !strings.Contains(state, "labelbridge trust install") {
		t.Fatalf("before: %q", state)
	}
	browserStep(t, bctx, "click Trust the certificate",
		chromedp.Click(chromedp.CSS(`#trust-install`)),
		chromedp.WaitNotPresent(chromedp.CSS(`#trust-install`)),
	)
	if state = cardState(t, bctx); !strings.Contains(state, "trust Labelbridge's certificate") {
		t.Fatalf("after: %q", state)
	}
	out, err := exec.Command(certutil, "-L", "-d", "sql:"+db).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "Labelbridge local CA") {
		t.Fatalf("the NSS database after the click: %v\n%s", err, out)
	}
}

func cardState(t *testing.T, ctx context.Context) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`#trust-state`)))
	if err != nil {
		t.Fatal(err)
	}
	return s
}
